"""Speaker-embedding models on ONNX Runtime and the registry that maps a name to a loader."""

import os

# Every module of the package that imports ONNX Runtime lives under this one (or imports from
# it first), so this runs before ONNX Runtime loads. Its builds from 1.2x on send usage
# telemetry: on import they write $TMPDIR/.ses and, where the home folder cannot be written
# (a service account), print a coloured warning that -q cannot hide. The plugin promises no
# network at run time and a clean stderr; a caller who wants the telemetry sets the variable.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from .base import SpeakerEmbedder, cosine_similarity  # noqa: E402
from .registry import load_embedder  # noqa: E402

__all__ = ["SpeakerEmbedder", "cosine_similarity", "load_embedder"]
