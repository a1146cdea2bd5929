"""What a live diarization reports, as it happens: turns, merges of two labels, names.

Each event is a frozen dataclass with :meth:`to_json` (one JSON object, the ``diarize live``
line). Times are seconds from the start of the stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class LiveTurn:
    """Speech of ``speaker`` from ``start_s`` to ``end_s``.

    ``final``: settled; its start, speaker and end never change again, but a final turn that
    is ``open`` (its speaker may still be talking) is reported again, with the same ``turn_id``
    and a later end, as more of it settles; ``open=False`` closes it. A provisional turn
    (``final=False``, ``turn_id`` -1) is a guess about the unsettled last seconds, replaced by
    the next step's guesses. ``settled_at_s``: how much of the stream had arrived when this was
    decided. ``name``: the enrolled person the speaker was recognised as, if any.
    """

    start_s: float
    end_s: float
    speaker: str
    final: bool
    turn_id: int = -1
    open: bool = False
    settled_at_s: float = 0.0
    name: str | None = None

    def to_json(self) -> str:
        fields = {
            "type": "turn", "start": round(self.start_s, 3), "end": round(self.end_s, 3), "speaker": self.speaker,
            "final": self.final,
        }
        if self.final:
            fields.update(id=self.turn_id, open=self.open)
        if self.name is not None:
            fields["name"] = self.name
        fields["at"] = round(self.settled_at_s, 3)
        return json.dumps(fields, ensure_ascii=False)


@dataclass(frozen=True)
class SpeakerMerge:
    """``speaker`` turned out to be ``into``: from ``at_s`` on, their speech is labelled
    ``into``; turns already final keep the label they were given."""

    speaker: str
    into: str
    at_s: float

    def to_json(self) -> str:
        return json.dumps({"type": "merge", "speaker": self.speaker, "into": self.into, "at": round(self.at_s, 3)})


@dataclass(frozen=True)
class SpeakerNamed:
    """``speaker`` sounds like the enrolled person ``name`` (cosine ``similarity``), found at
    ``at_s``; later turns of the speaker carry the name."""

    speaker: str
    name: str
    similarity: float
    at_s: float

    def to_json(self) -> str:
        return json.dumps(
            {"type": "name", "speaker": self.speaker, "name": self.name, "similarity": round(self.similarity, 4),
             "at": round(self.at_s, 3)},
            ensure_ascii=False,
        )


LiveEvent = Union[LiveTurn, SpeakerMerge, SpeakerNamed]
