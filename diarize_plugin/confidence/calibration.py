"""From turn features to a calibrated probability that the turn's speaker label is right.

Two logistic models fitted by ``tools/calibrate_confidence.py`` and shipped in
``calibration.json`` (its provenance in ``calibration.md``): ``with_probabilities`` for runs
that have the segmentation network's probabilities (the default neural segmentation with the
probability decoding), ``without_probabilities`` for the others (webrtcvad, the pyannote
decoding), which sees the similarities and the duration only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .features import FEATURE_NAMES

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class LogisticModel:
    """``sigmoid(bias + weights · features[columns])``; ``columns`` index :data:`FEATURE_NAMES`."""

    columns: tuple[int, ...]
    weights: tuple[float, ...]
    bias: float

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """Probabilities (0-1) for ``(N, len(FEATURE_NAMES))`` features."""
        z = self.bias + features[:, list(self.columns)] @ np.asarray(self.weights)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


@dataclass(frozen=True)
class Calibration:
    """The two models (see the module docstring)."""

    with_probabilities: LogisticModel
    without_probabilities: LogisticModel

    def confidences(self, features: np.ndarray) -> np.ndarray:
        """Calibrated confidence (0-1) of each row of ``features``: the model that has its
        inputs (rows without the network's probabilities use ``without_probabilities``)."""
        if len(features) == 0:
            return np.zeros(0)
        has_probabilities = ~np.isnan(features[:, 3:5]).any(axis=1)
        filled = np.nan_to_num(features, nan=0.0)
        return np.where(has_probabilities, self.with_probabilities(filled), self.without_probabilities(filled))


def model_from_dict(item: dict) -> LogisticModel:
    """A :class:`LogisticModel` from ``{"features": [names], "weights": [...], "bias": b}``."""
    columns = tuple(FEATURE_NAMES.index(name) for name in item["features"])
    return LogisticModel(columns, tuple(float(w) for w in item["weights"]), float(item["bias"]))


@lru_cache(maxsize=1)
def shipped_calibration() -> Calibration:
    """The calibration shipped with the plugin (``calibration.json``)."""
    document = json.loads(resources.files(__package__).joinpath(CALIBRATION_FILE).read_text(encoding="utf-8"))
    return Calibration(model_from_dict(document["with_probabilities"]), model_from_dict(document["without_probabilities"]))
