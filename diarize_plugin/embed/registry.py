"""Maps an ``--embedder`` value (a model name or a path to an ONNX file) to a loaded model.

- ``campplus`` (default): the bundled CAM++ network, int8, see ``models/campplus.md``.
- ``campplus-fp32``: the same network in float32 (the reference the int8 one was made from).
- ``autospeech``: ailia's AutoSpeech export, installed with ``diarize models download autospeech``.
- ``PATH.onnx``: an ONNX file; its input signature says which front end it needs
  (``(N, 300, 257)`` STFT windows: AutoSpeech, with ``mean.npy``/``std.npy`` beside it;
  ``(N, T, 80)`` filterbanks: a CAM++-style network).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DiarizeError
from .base import SpeakerEmbedder
from .settings import DEFAULT_EMBEDDER, EMBEDDER_NAMES
from ..util.threads import resolve_threads
from ..util.onnx_session import open_session



def load_embedder(
    spec: str = DEFAULT_EMBEDDER,
    model_dir: str | os.PathLike[str] | None = None,
    threads: int | None = None,
) -> SpeakerEmbedder:
    """Load the embedder named by ``spec`` (a name from :data:`EMBEDDER_NAMES` or an ONNX path).

    ``model_dir`` overrides where downloaded models are looked for (see
    :func:`diarize_plugin.embed.model_store.model_dir`). ``threads``: ONNX Runtime intra-op
    threads. Raises :class:`DiarizeError` for an unknown name, a missing or broken file, or an
    AutoSpeech model that is not installed (with the command that installs it).
    """
    if spec == "campplus":
        from .campplus import CampPlusEmbedder

        return CampPlusEmbedder(threads=threads)
    if spec == "campplus-fp32":
        from .campplus import BUNDLED_FP32_MODEL_PATH, CampPlusEmbedder

        return CampPlusEmbedder(model_path=BUNDLED_FP32_MODEL_PATH, threads=threads, name="campplus-fp32")
    if spec == "autospeech":
        from .autospeech import AutoSpeechEmbedder
        from .model_store import autospeech_paths

        onnx_path, mean_path, std_path = autospeech_paths(model_dir)
        return AutoSpeechEmbedder(onnx_path, mean_path, std_path, threads=threads)
    if spec.endswith(".onnx") or os.sep in spec or Path(spec).is_file():
        return _load_onnx_file(Path(spec), threads)
    raise DiarizeError(
        f"unknown embedder {spec!r}; use one of {', '.join(EMBEDDER_NAMES)} or a path to an .onnx file"
    )


def _load_onnx_file(path: Path, threads: int | None) -> SpeakerEmbedder:
    resolve_threads(threads)  # a bad value is refused before the model loads
    session = open_session(path)
    shape = session.get_inputs()[0].shape
    if len(shape) == 3 and shape[1] == 300 and shape[2] == 257:
        from .autospeech import AutoSpeechEmbedder

        mean_path, std_path = path.with_name("mean.npy"), path.with_name("std.npy")
        for needed in (mean_path, std_path):
            if not needed.is_file():
                raise DiarizeError(
                    f"{path} looks like AutoSpeech but {needed.name} is missing beside it; "
                    "put mean.npy and std.npy in the same folder"
                )
        return AutoSpeechEmbedder(path, mean_path, std_path, threads=threads, session=session)
    if len(shape) == 3 and shape[2] == 80:
        from .campplus import CampPlusEmbedder

        return CampPlusEmbedder(model_path=path, threads=threads, session=session)
    raise DiarizeError(
        f"{path} has input shape {shape}; expected (N, 300, 257) for AutoSpeech "
        "or (N, T, 80) for a filterbank model such as CAM++"
    )
