"""Speaker-embedding models on ONNX Runtime and the registry that maps a name to a loader."""

from .base import SpeakerEmbedder, cosine_similarity
from .registry import load_embedder

__all__ = ["SpeakerEmbedder", "cosine_similarity", "load_embedder"]
