"""diarize-plugin: who spoke when, after speech recognition.

>>> from diarize_plugin import Diarizer          # doctest: +SKIP
>>> annotation = Diarizer().run("meeting.wav")   # doctest: +SKIP

Public API: :class:`Diarizer` (the pipeline), :class:`DiarizerOptions` (all its options),
:class:`VadOptions`, :func:`load_audio`,
:func:`merge` (attach speakers to a transcript), :func:`verify` (same speaker or not),
:class:`DiarizeError`.

The names load on first use (PEP 562), so that ``import diarize_plugin`` and the command
line's ``--help`` do not pay for numpy, ONNX Runtime and scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import DiarizeError

__version__ = "0.1.0"

__all__ = ["Diarizer", "DiarizerOptions", "VadOptions", "DiarizeError", "load_audio", "merge", "verify", "__version__"]

#: public name -> module (of this package) that defines it
_LAZY_NAMES = {
    "Diarizer": ".diarization.pipeline",
    "DiarizerOptions": ".diarization.options",
    "VadOptions": ".segmentation.settings",
    "load_audio": ".audio.decode",
    "merge": ".transcript",
    "verify": ".voices.verification",
}

if TYPE_CHECKING:
    from .audio.decode import load_audio
    from .diarization.options import DiarizerOptions
    from .diarization.pipeline import Diarizer
    from .segmentation.settings import VadOptions
    from .transcript import merge
    from .voices.verification import verify


def __getattr__(name: str) -> Any:
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module 'diarize_plugin' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
