"""Speaker colours that colour-blind readers can tell apart.

The first eight speakers get the Okabe-Ito palette (Okabe & Ito, "Color Universal Design",
2008), ordered so that neighbouring speakers differ most in lightness and the pale yellow comes
late. Beyond eight, the colours repeat with a hatched fill, then dotted, so that speaker 9
never looks like speaker 1; each lane also carries its speaker's name.
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
FILLS = ("solid", "hatched", "dotted")


@dataclass(frozen=True)
class SpeakerStyle:
    """How one speaker is drawn: a ``colour`` (``#RRGGBB``) and a ``fill`` (one of :data:`FILLS`)."""

    colour: str
    fill: str


def speaker_style(index: int) -> SpeakerStyle:
    """The style of the speaker at position ``index`` (0-based) of a report."""
    round_, position = divmod(index, len(OKABE_ITO))
    return SpeakerStyle(OKABE_ITO[position], FILLS[round_ % len(FILLS)])
