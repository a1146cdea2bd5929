"""How many speakers to find: the user's ``num_speakers`` / ``min_speakers`` / ``max_speakers``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DiarizeError


@dataclass(frozen=True)
class SpeakerBounds:
    """How many speakers to find: exact (``minimum == maximum``) or a range; ``None`` = open."""

    minimum: int = 1
    maximum: int | None = None

    @classmethod
    def from_options(
        cls, num_speakers: int | None = None, min_speakers: int | None = None, max_speakers: int | None = None
    ) -> "SpeakerBounds":
        """Check the three user options and turn them into bounds (raises :class:`DiarizeError`)."""
        for name, value in (("num_speakers", num_speakers), ("min_speakers", min_speakers), ("max_speakers", max_speakers)):
            if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
                flag = "--" + name.replace("_", "-")
                raise DiarizeError(f"{name} must be a whole number of at least 1, not {value!r} ({flag})")
        if num_speakers is not None:
            if min_speakers is not None or max_speakers is not None:
                raise DiarizeError(
                    "give either num_speakers or min_speakers/max_speakers, not both "
                    "(--num-speakers, or --min-speakers/--max-speakers)"
                )
            return cls(int(num_speakers), int(num_speakers))
        minimum = int(min_speakers) if min_speakers is not None else 1
        maximum = int(max_speakers) if max_speakers is not None else None
        if maximum is not None and maximum < minimum:
            raise DiarizeError(f"max_speakers ({maximum}) is smaller than min_speakers ({minimum}); swap them")
        return cls(minimum, maximum)

    def clamp(self, count: int) -> int:
        """``count`` moved inside the bounds."""
        count = max(count, self.minimum)
        return min(count, self.maximum) if self.maximum is not None else count
