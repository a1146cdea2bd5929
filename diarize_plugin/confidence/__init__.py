"""How sure the plugin is of each speaker label, per turn and per word (issue 22 item 2)."""

from __future__ import annotations

from .doubt import DOUBTFUL_BELOW, is_doubtful

__all__ = ["DOUBTFUL_BELOW", "is_doubtful"]
