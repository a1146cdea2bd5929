"""Speaker-embedding models on ONNX Runtime and the registry that maps a name to a loader.

The names load on first use (PEP 562), so that the constants of :mod:`.settings` and
:mod:`.windows` come without ONNX Runtime.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["SpeakerEmbedder", "cosine_similarity", "load_embedder"]

_LAZY_NAMES = {"SpeakerEmbedder": ".base", "cosine_similarity": ".base", "load_embedder": ".registry"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
