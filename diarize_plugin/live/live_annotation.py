"""The whole result of a live run, gathered from its events: what ``--out`` writes on exit."""

from __future__ import annotations

from collections.abc import Iterable

from pyannote.core import Annotation, Segment

from .events import LiveEvent, LiveTurn, SpeakerMerge, SpeakerNamed


class LiveAnnotation:
    """Final turns (the latest report of each), merges and names of one stream.

    Memory grows with the number of turns (tens of bytes each), not with the audio.
    """

    def __init__(self, uri: str = "live") -> None:
        self.uri = uri
        self._turns: dict[int, LiveTurn] = {}
        self.merges: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def add(self, events: Iterable[LiveEvent]) -> None:
        """Take in events as :class:`~diarize_plugin.live.StreamingDiarizer` gives them."""
        for event in events:
            if isinstance(event, LiveTurn) and event.final:
                self._turns[event.turn_id] = event
            elif isinstance(event, SpeakerMerge):
                self.merges[event.speaker] = event.into
            elif isinstance(event, SpeakerNamed):
                self.names[event.speaker] = event.name

    def final_turns(self) -> list[LiveTurn]:
        """Every final turn, by start time."""
        return sorted(self._turns.values(), key=lambda turn: (turn.start_s, turn.end_s, turn.speaker))

    def annotation(self, apply_merges: bool = True, apply_names: bool = True) -> Annotation:
        """The final turns as an :class:`~pyannote.core.Annotation`; with ``apply_merges``, a
        merged label becomes the one it was merged into (what was known at the end), and with
        ``apply_names``, recognised speakers carry their person's name."""
        annotation = Annotation(uri=self.uri)
        for turn in self.final_turns():
            label = self.resolve(turn.speaker) if apply_merges else turn.speaker
            if apply_names:
                label = self.names.get(label) or self.names.get(turn.speaker) or label
            segment = Segment(turn.start_s, turn.end_s)
            if segment.duration > 0:
                annotation[segment, annotation.new_track(segment)] = label
        return annotation.support()

    def resolve(self, label: str) -> str:
        """The label ``label`` stands for at the end, after every merge reported."""
        seen = set()
        while label in self.merges and label not in seen:
            seen.add(label)
            label = self.merges[label]
        return label
