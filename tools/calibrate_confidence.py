"""Fit the turn-confidence calibration shipped as ``diarize_plugin/confidence/calibration.json``.

Diarizes the *calibration* part of the development data (AMI ``trn00``-``trn04`` and the
multi-condition dev set's ``tune`` split, five conditions; see
``benchmarks/confidence.py``, which scores the *held-out* part), computes every turn's features
(:mod:`diarize_plugin.confidence.features`) and fits two logistic regressions of "this second of
the turn carries the right speaker" (each turn weighted by its seconds right and wrong):
``with_probabilities`` on all six features, ``without_probabilities`` without the network's
probabilities (for webrtcvad and the pyannote decoding). Writes the JSON with its provenance,
and prints its sha256 for ``calibration.md``.

    python tools/calibrate_confidence.py [--out diarize_plugin/confidence/calibration.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from benchmarks.confidence import CALIBRATION_AMI, CALIBRATION_DEVSET, collect  # noqa: E402
from diarize_plugin.confidence.features import FEATURE_NAMES  # noqa: E402

#: L2 regularisation strength of the fits (sklearn's C: larger is weaker)
REGULARISATION_C = 1.0


def fit(features: np.ndarray, labelled_s: np.ndarray, correct_s: np.ndarray, names: tuple[str, ...]) -> dict:
    """A logistic model of the share of each turn labelled right, on the feature columns ``names``."""
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURE_NAMES.index(name) for name in names]
    usable = labelled_s > 0
    x = np.nan_to_num(features[usable][:, columns], nan=0.0)
    right_s, wrong_s = correct_s[usable], labelled_s[usable] - correct_s[usable]
    inputs = np.concatenate([x, x])
    targets = np.concatenate([np.ones(len(x)), np.zeros(len(x))])
    weights = np.concatenate([right_s, np.maximum(wrong_s, 0.0)])
    model = LogisticRegression(C=REGULARISATION_C, max_iter=1000).fit(inputs, targets, sample_weight=weights)
    return {"features": list(names), "weights": [round(float(w), 6) for w in model.coef_[0]],
            "bias": round(float(model.intercept_[0]), 6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPOSITORY / "diarize_plugin" / "confidence" / "calibration.json"))
    arguments = parser.parse_args()
    turns = collect("calibration", verbose=True)
    document = {
        "description": "logistic calibration of diarize-plugin's turn confidence (probability that a turn's "
                       "speaker label is right); see diarize_plugin/confidence/calibration.md",
        "made_by": "tools/calibrate_confidence.py",
        "data": {
            "ami": list(CALIBRATION_AMI),
            "devset_tune": list(CALIBRATION_DEVSET),
            "turns": int(len(turns.groups)),
            "labelled_speech_s": round(float(turns.labelled_s.sum()), 1),
            "wrongly_labelled_share": round(float(1 - turns.correct_s.sum() / turns.labelled_s.sum()), 4),
            "licences": "AMI Meeting Corpus CC BY 4.0; LibriSpeech CC BY 4.0",
        },
        "settings": "diarize defaults (neural segmentation, probability decoding, campplus)",
        "with_probabilities": fit(turns.features, turns.labelled_s, turns.correct_s, FEATURE_NAMES),
        "without_probabilities": fit(turns.features, turns.labelled_s, turns.correct_s, ("margin", "own_similarity", "no_centroid", "log_duration")),
        "made_on": dt.date.today().isoformat(),
    }
    text = json.dumps(document, indent=2) + "\n"
    Path(arguments.out).write_text(text, encoding="utf-8")
    print(json.dumps({key: document[key] for key in ("with_probabilities", "without_probabilities")}))
    print(f"sha256 {hashlib.sha256(text.encode('utf-8')).hexdigest()}  {arguments.out}")


if __name__ == "__main__":
    main()
