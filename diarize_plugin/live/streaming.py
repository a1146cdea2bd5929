"""Who speaks now: diarization of a stream that is still arriving (``diarize live``).

The offline pipeline's stages, run as the audio comes (:class:`StreamingDiarizer`):

- every ``step_s`` (0.5 s) of audio, the segmentation network hears the latest 10 s chunk;
  its probabilities of speech and of two speakers at once are averaged, frame by frame, over
  the chunks heard so far (:class:`~diarize_plugin.live.frame_scores.RollingFrameAverage`),
  against the offline path's calibrated thresholds;
- who speaks (``identity=LocalSpeakerMatching()``, the default; diart's rule,
  :mod:`.chunk_speakers`): every 0.5 s the latest chunk's local speakers are embedded, each from
  its own speech in the chunk, and matched to the stream's speakers by a constrained assignment
  (two local speakers of one chunk are never one speaker; one heard only over someone else starts
  no speaker); a frame's speaker is the one with the most local activity there over the matched
  chunks, its second voice the runner-up, else the other speaker heard last.
  ``identity=WindowLinkage()`` (the first version): a 1.5 s window every ``step_s`` joins a speaker
  by average linkage at the embedder's calibrated clustering threshold, and the windows that
  cover a frame vote for its speaker. Either way speakers are bounded summaries
  (:class:`~diarize_plugin.live.speaker_summaries.OnlineSpeakers`); two speakers that drift
  together are merged and the merge reported (:class:`~diarize_plugin.live.events.SpeakerMerge`);
- frames settle ``latency_s`` after their audio arrived, at the latest: their speech, overlap
  and speaker become final turns (:class:`~diarize_plugin.live.turn_settling.TurnSettler`),
  which are never rewritten.

Processing happens at fixed points of the stream (every ``step_s`` of samples), so the same
samples give the same events whatever the sizes of the blocks fed. Memory is bounded: the
last chunk of audio, the frames not yet final, the matched chunks or windows that can still
vote, and a summary per speaker.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..segmentation.settings import OVERLAP_PROBABILITY, SPEECH_PROBABILITY
from ..embed.base import SpeakerEmbedder
from ..embed.settings import DEFAULT_EMBEDDER
from ..embed.registry import load_embedder
from ..errors import DiarizeError
from ..segmentation.frames import frames_to_samples
from ..util.onnx_session import open_session
from ..segmentation.network import (
    BUNDLED_MODEL_PATH,
    CHUNK_SAMPLES,
    FRAME_STEP_SAMPLES,
    SAMPLE_RATE,
    speech_and_overlap_probability,
)
from ..embed.windows import MIN_WINDOW_S
from .chunk_speakers import (
    LastHeard, MatchedChunk, local_activity, local_speech_pieces, match_local_speakers, vote_frames,
)
from .events import LiveEvent, SpeakerMerge, SpeakerNamed
from .frame_scores import RollingFrameAverage, chunk_frame_weights
from .options import LiveOptions, LocalSpeakerMatching, WindowLinkage
from .speaker_summaries import OnlineSpeakers
from .stream_buffer import SampleRing
from .turn_settling import FRAME_OFFSET_SAMPLES, LabelledFrames, TurnSettler
from .window_votes import LiveWindow, vote_windows

if TYPE_CHECKING:
    from ..voices.identification import Gallery

#: seconds of audio between processing points (segmentation chunk, embedding window, settling)
STEP_S = 0.5
#: seconds of windows kept before the settled frames: the nearest other speaker's window gives
#: the second voice of overlapped speech (60 windows at most, not every one of the stream)
_RECENT_WINDOWS_S = 30.0
#: added to the embedder's calibrated clustering threshold (cosine distance) when none is
#: given: one window against a speaker's summary is noisier than the offline clustering's
#: groups, and a new speaker cannot be taken back once final. On the AMI excerpts at 5 s
#: latency (benchmarks/live.py): DER 30.6 % at +0, 28.2 % at +0.10, 35.5 % at +0.20
LIVE_THRESHOLD_MARGIN = 0.10
#: windows a speaker needs before it can be named after an enrolled person
_NAMING_WINDOWS = 4

EventCallback = Callable[[LiveEvent], None]


class StreamingDiarizer:
    """Diarization of a 16 kHz stream, fed a block at a time.

    >>> diarizer = StreamingDiarizer(latency_s=2.0)            # doctest: +SKIP
    >>> for block in blocks:                                   # doctest: +SKIP
    ...     for event in diarizer.feed(block):
    ...         print(event.to_json())
    >>> remaining = diarizer.finish()                          # doctest: +SKIP

    Parameters
    ----------
    The options come as one :class:`~diarize_plugin.live.options.LiveOptions` (``options=``) or
    as its fields given as flat keywords (``latency_s=5.0``), not both:

    embedder:
        as :class:`~diarize_plugin.Diarizer`'s (a name, an ONNX path or an instance).
    threshold:
        cosine distance under which a window joins a speaker (average linkage); ``None``: the
        embedder's calibrated clustering threshold plus :data:`LIVE_THRESHOLD_MARGIN`.
    latency_s:
        at most this many seconds (1–10) between a sample's arrival and its final turn; the
        audio arrived since then is the context that decides it.
    max_speakers:
        no more speakers than this (``None``: no limit).
    overlap_threshold:
        probability of two speakers at once from which a frame holds a second voice (as offline).
    gallery, identification_threshold:
        enrolled people (:class:`~diarize_plugin.voices.Gallery`) to name speakers after, as
        soon as their summary is close enough (default: the embedder's calibrated threshold).
    provisional:
        also report guesses about the unsettled last seconds (``LiveTurn(final=False)``).
    on_event:
        called with every event as it happens (besides being returned).
    model_dir:
        where downloaded models live.
    identity:
        how speakers are told apart: :class:`~diarize_plugin.live.options.LocalSpeakerMatching`
        (chunk-local speakers matched to speakers, the default) or
        :class:`~diarize_plugin.live.options.WindowLinkage` (windows by average linkage; only
        it uses ``threshold``).

    Everything runs on the calling thread, one ONNX Runtime thread.
    """

    def __init__(
        self,
        embedder: str | SpeakerEmbedder = DEFAULT_EMBEDDER,
        options: LiveOptions | None = None,
        gallery: "Gallery | None" = None,
        on_event: EventCallback | None = None,
        model_dir: str | os.PathLike[str] | None = None,
        **keywords: Any,
    ) -> None:
        options = LiveOptions.from_keywords(options, **keywords)
        self.options = options
        self.identity = identity = options.identity
        self._local = isinstance(identity, LocalSpeakerMatching)
        self.window_s = identity.window_s if isinstance(identity, WindowLinkage) else WindowLinkage().window_s
        self.embedder = embedder if isinstance(embedder, SpeakerEmbedder) else load_embedder(embedder, model_dir, 1)
        calibrated = self.embedder.clustering_threshold + LIVE_THRESHOLD_MARGIN
        self.threshold = float(calibrated if options.threshold is None else options.threshold)
        self.latency_s = float(options.latency_s)
        self.speech_threshold = SPEECH_PROBABILITY
        overlap_threshold, identification_threshold = options.overlap_threshold, options.identification_threshold
        self.overlap_threshold = OVERLAP_PROBABILITY if overlap_threshold is None else float(overlap_threshold)
        self.gallery = gallery
        self.identification_threshold = (
            self.embedder.identification_threshold if identification_threshold is None else identification_threshold
        )
        self.provisional = options.provisional
        self.on_event = on_event
        # the offline segmentation's network (int8 segmentation-3.0), one chunk per call
        self._segmentation = open_session(BUNDLED_MODEL_PATH)
        self._step = int(round(STEP_S * SAMPLE_RATE))
        self._half_window = int(round(self.window_s * SAMPLE_RATE / 2))
        self._latency = int(round(self.latency_s * SAMPLE_RATE))
        # audio a chunk or a window may still need: the chunk ending at the newest point
        self._ring = SampleRing(CHUNK_SAMPLES + 2 * self._step + 2 * self._half_window)
        self._frames = RollingFrameAverage(values_per_frame=2)
        if isinstance(identity, LocalSpeakerMatching):
            self.speakers = OnlineSpeakers(
                self.threshold, options.max_speakers, merge_after=2, min_windows=1, rule="centroid",
                merge_similarity=1.0 - identity.merge_distance,
            )
        else:
            self.speakers = OnlineSpeakers(self.threshold, options.max_speakers)
        self._chunks: deque[MatchedChunk] = deque()
        self._chunk_weights = chunk_frame_weights()
        self._local_every = max(int(round(getattr(identity, "step_s", STEP_S) / STEP_S)), 1)
        self._points = 0
        self._latest_chunk: tuple[int, np.ndarray] | None = None
        self._recent_label = -1
        self._heard = LastHeard()
        self._windows: deque[LiveWindow] = deque()
        self._next_point = self._step
        self._next_window = 1
        self._settled_frame = 0
        self._finished = False
        self._names: dict[int, str] = {}
        self._settler = TurnSettler(self._name_of)

    # -- the public API ------------------------------------------------------------------------

    @property
    def received_s(self) -> float:
        """Seconds of audio fed so far."""
        return self._ring.end / SAMPLE_RATE

    def feed(self, samples: np.ndarray) -> list[LiveEvent]:
        """Take in the next block of the stream (16 kHz mono float32 in [-1, 1], any length) and
        return the events it settles (also passed to ``on_event``)."""
        if self._finished:
            raise DiarizeError("this stream is finished; start a new StreamingDiarizer")
        block = np.asarray(samples, dtype=np.float32)
        if block.ndim != 1:
            raise DiarizeError(f"feed 16 kHz mono samples (a 1-D array), not an array of shape {block.shape}")
        if not np.isfinite(block).all():
            raise DiarizeError("the audio holds NaN or infinite samples; feed finite float32 samples in [-1, 1]")
        events: list[LiveEvent] = []
        # feed the ring no further than each processing point, so that it holds what the point needs
        position = 0
        while position < len(block):
            take = min(len(block) - position, self._next_point - self._ring.end)
            self._ring.append(block[position : position + take])
            position += take
            if self._ring.end == self._next_point:
                events += self._process(self._next_point, final_frame=self._frame_due(self._next_point))
                self._next_point += self._step
        return self._emit(events)

    def finish(self) -> list[LiveEvent]:
        """End of the stream: settle everything that is left and return those events."""
        if self._finished:
            return []
        self._finished = True
        end = self._ring.end
        events: list[LiveEvent] = []
        if end > self._next_point - self._step:
            events += self._process(end, final_frame=self._frame_count(end), closing=True)
        else:
            events += self._settle(self._frame_count(end), end, closing=True)
        events += self._settler.close_all(end / SAMPLE_RATE)
        return self._emit(events)

    # -- one processing point ------------------------------------------------------------------

    def _process(self, end: int, final_frame: int, closing: bool = False) -> list[LiveEvent]:
        self._segment(end)
        self._points += 1
        if self._local:
            due = closing or self._points % self._local_every == 0
            events = self._match_chunk(end) if due else []
        else:
            events = self._embed_windows(end, closing)
        events += self._settle(final_frame, end, closing)
        if self.provisional and not closing:
            events += self._settler.provisional(self._label_frames(final_frame, self._frame_count(end)), end / SAMPLE_RATE)
        self._forget(final_frame)
        return events

    def _segment(self, end: int) -> None:
        """The network on the 10 s chunk ending at sample ``end`` (silence before the stream)."""
        start = end - CHUNK_SAMPLES
        chunk = self._ring.read(start, end)[None, None, :]
        log_probs = self._segmentation.run(["log_probs"], {"waveform": chunk})[0][0]
        self._frames.add(int(np.rint(start / FRAME_STEP_SAMPLES)), speech_and_overlap_probability(log_probs))
        self._latest_chunk = (start, log_probs)

    def _match_chunk(self, end: int) -> list[LiveEvent]:
        """Embed the local speakers of the chunk ending at ``end`` and match them to speakers."""
        assert self._latest_chunk is not None
        start, log_probs = self._latest_chunk
        activity = local_activity(log_probs)
        found = local_speech_pieces(activity, self._ring.read(start, end), start)
        labels = [-1] * activity.shape[1]
        if not found.pieces:
            return []
        embeddings = self.embedder.embed_windows(found.pieces)
        assert isinstance(self.identity, LocalSpeakerMatching)
        matched = match_local_speakers(
            self.speakers, embeddings, self.identity.new_speaker_distance, self.identity.update_distance, found.clean
        )
        first_frame = int(np.rint(start / FRAME_STEP_SAMPLES))
        for local, label in zip(found.speakers, matched):
            labels[local] = label
        self._chunks.append(MatchedChunk(first_frame, activity, tuple(labels)))
        self._heard.note(self._chunks[-1])
        heard = [index for index, label in enumerate(matched) if label >= 0]
        if heard:
            loudest = max(heard, key=lambda index: float(activity[:, found.speakers[index]].sum()))
            self._recent_label = matched[loudest]
        return self._after_window(sorted(set(matched) - {-1}), end / SAMPLE_RATE)

    def _embed_windows(self, end: int, closing: bool) -> list[LiveEvent]:
        """Embed every window whose audio has arrived (at the end, the last partial ones)."""
        events: list[LiveEvent] = []
        while True:
            centre = self._next_window * self._step
            if centre + self._half_window > end and not (closing and centre < end):
                break
            self._next_window += 1
            label = self._embed_window(max(centre - self._half_window, 0), min(centre + self._half_window, end))
            if label is None:
                continue
            self._windows.append(LiveWindow(centre / SAMPLE_RATE, label))
            events += self._after_window([label], end / SAMPLE_RATE)
        return events

    def _embed_window(self, start: int, stop: int) -> int | None:
        """Label of the speech in samples ``[start, stop)``; ``None`` when it holds too little."""
        first = max(int(np.floor((start - FRAME_OFFSET_SAMPLES) / FRAME_STEP_SAMPLES)), 0)
        last = int(np.ceil((stop - FRAME_OFFSET_SAMPLES) / FRAME_STEP_SAMPLES))
        speech = self._frames.average(first, last)[:, 0] >= self.speech_threshold
        mask = frames_to_samples(speech, first * FRAME_STEP_SAMPLES - start, stop - start)
        if mask.sum() < MIN_WINDOW_S * SAMPLE_RATE:
            return None
        embedding = self.embedder.embed_windows([self._ring.read(start, stop)[mask]])[0]
        return self.speakers.assign(embedding)

    def _after_window(self, labels: list[int], at_s: float) -> list[LiveEvent]:
        """Merges, and names of ``labels``, that the latest window or matched chunk makes known
        (the merges are looked for once, however many speakers the chunk matched)."""
        events: list[LiveEvent] = []
        merge = self.speakers.find_merge()
        while merge is not None:
            events += self._merge(*merge, at_s)
            merge = self.speakers.find_merge()
        for kept, absorbed in self.speakers.strays():
            events += self._merge(kept, absorbed, at_s)
        if self.gallery is not None:
            for label in labels:
                events += self._try_naming(self.speakers.resolve(label), at_s)
        return events

    def _merge(self, kept: int, absorbed: int, at_s: float) -> list[LiveEvent]:
        self.speakers.merge(kept, absorbed)
        if absorbed in self._names and kept not in self._names:
            self._names[kept] = self._names.pop(absorbed)
        if not self._settler.has_reported(absorbed):  # a label nobody saw needs no report
            return []
        return [SpeakerMerge(self._settler.label_name(absorbed), self._settler.label_name(kept), at_s)]

    def _try_naming(self, label: int, at_s: float) -> list[LiveEvent]:
        speaker = self.speakers.speakers[label]
        if label in self._names or speaker.count < _NAMING_WINDOWS or speaker.count % _NAMING_WINDOWS:
            return []
        assert self.gallery is not None
        similarities = self.gallery.prints @ speaker.centroid.astype(np.float32)
        taken = set(self._names.values())
        for person in np.argsort(-similarities, kind="stable"):
            name = self.gallery.names[int(person)]
            if float(similarities[person]) < self.identification_threshold:
                break
            if name not in taken:
                self._names[label] = name
                return [SpeakerNamed(self._settler.label_name(label), name, float(similarities[person]), at_s)]
        return []

    def _name_of(self, label: int) -> str | None:
        return self._names.get(label)

    def _settle(self, final_frame: int, end: int, closing: bool = False) -> list[LiveEvent]:
        """Turn frames ``[settled, final_frame)`` into final turns."""
        if final_frame <= self._settled_frame:
            return []
        labelled = self._label_frames(self._settled_frame, final_frame)
        self._settled_frame = final_frame
        return self._settler.settle(labelled, end / SAMPLE_RATE)

    def _label_frames(self, start: int, stop: int) -> LabelledFrames:
        """Speech, overlap and the first and second speaker of global frames ``[start, stop)``."""
        scores = self._frames.average(start, stop)
        speech = scores[:, 0] >= self.speech_threshold
        overlap = speech & (scores[:, 1] >= self.overlap_threshold)
        first, second = self._vote(start, stop)
        return LabelledFrames(start, speech, overlap, first, second)

    def _vote(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Per frame, the first and second speaker (-1: none), by the identity's rule."""
        if self._local:
            fallback = self.speakers.established(self._recent_label) if self._recent_label >= 0 else -1
            return vote_frames(
                list(self._chunks), start, stop, self._chunk_weights, self.speakers.established, fallback,
                lambda label: self._heard.other_than(label, self.speakers.established),
            )
        half_window_s = self._half_window / SAMPLE_RATE
        return vote_windows(self._windows, start, stop, half_window_s, self.speakers.established)

    def _forget(self, final_frame: int) -> None:
        """Drop the frames and windows that can no longer matter."""
        self._frames.drop_before(final_frame)
        while self._chunks and self._chunks[0].end_frame <= final_frame:
            self._chunks.popleft()
        oldest_s = final_frame * FRAME_STEP_SAMPLES / SAMPLE_RATE - _RECENT_WINDOWS_S
        # keep at least the latest window: the nearest one labels frames that no window covers
        while len(self._windows) > 1 and self._windows[0].centre_s < oldest_s:
            self._windows.popleft()

    # -- time arithmetic -------------------------------------------------------------------------

    def _frame_due(self, point: int) -> int:
        """Frames that must be final at processing point ``point``: those whose share of the
        time line ends before the next point less the latency (their audio would wait longer)."""
        due = point + self._step - self._latency
        return max(int(np.floor((due - FRAME_OFFSET_SAMPLES) / FRAME_STEP_SAMPLES)), 0)

    @staticmethod
    def _frame_count(samples: int) -> int:
        """Frames whose share of the time line starts before sample ``samples``."""
        return max(int(np.ceil((samples - FRAME_OFFSET_SAMPLES) / FRAME_STEP_SAMPLES)), 0)

    def _emit(self, events: list[LiveEvent]) -> list[LiveEvent]:
        if self.on_event is not None:
            for event in events:
                self.on_event(event)
        return events
