"""diarize-plugin: who spoke when, after speech recognition.

>>> from diarize_plugin import Diarizer          # doctest: +SKIP
>>> annotation = Diarizer().run("meeting.wav")   # doctest: +SKIP

Public API: :class:`Diarizer` (the pipeline), :func:`load_audio`, :func:`merge` (attach speakers
to a transcript), :func:`verify` (same speaker or not), :class:`DiarizeError`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .audio import load_audio
from .errors import DiarizeError
from .pipeline import Diarizer, VadOptions

__all__ = ["Diarizer", "VadOptions", "DiarizeError", "load_audio", "merge", "verify", "__version__"]


def __getattr__(name: str):  # lazy: transcript and verification code load only when used
    if name == "merge":
        from .transcript import merge

        return merge
    if name == "verify":
        from .verification import verify

        return verify
    raise AttributeError(f"module 'diarize_plugin' has no attribute {name!r}")
