"""The settings of the embedding stage: the models by name and which windows they embed;
constants and one small dataclass, so that the command line and the options offer them without
loading ONNX Runtime."""

from __future__ import annotations

from dataclasses import dataclass

from .windows import WINDOW_S

#: the bundled CAM++ int8 model (:mod:`~diarize_plugin.embed.campplus`)
DEFAULT_EMBEDDER = "campplus"
#: CAM++ int8 and its float32 original (bundled), AutoSpeech (downloaded)
EMBEDDER_NAMES = ("campplus", "campplus-fp32", "autospeech")
#: the names of the bundled CAM++ models, which share one calibration and one PLDA
CAMPPLUS_NAMES = ("campplus", "campplus-fp32")


@dataclass(frozen=True)
class EmbeddingOptions:
    """Which model embeds the speech, and in which windows.

    ``embedder``: ``"campplus"`` (bundled default), ``"campplus-fp32"``, ``"autospeech"`` (after
    ``diarize models download autospeech``) or a path to an ONNX file; ``model_dir``: where
    downloaded models live (``None``: the per-user cache); ``window_s``, ``hop_s``: length and
    step of the embedding windows in seconds (``hop_s=None``: :data:`~diarize_plugin.embed.windows.WINDOW_HOP_S` of the
    segmentation mode).
    """

    embedder: str = DEFAULT_EMBEDDER
    model_dir: str | None = None
    window_s: float = WINDOW_S
    hop_s: float | None = None
