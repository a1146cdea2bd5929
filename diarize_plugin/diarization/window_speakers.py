"""Who speaks in known speech regions: sliding windows -> embeddings -> clustering -> turns.

Shared by both segmentation modes: webrtcvad supplies the speech regions in one, the
segmentation network in the other.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation, Segment, Timeline

from ..audio.source import AudioSource
from ..clustering.bounds import SpeakerBounds
from ..clustering.counting import Counting
from ..embed.base import SpeakerEmbedder
from ..errors import DiarizeError
from ..util.progress import ProgressFactory, no_progress
from ..util.run_record import stage
from .evidence import add_windows
from .speaker_merge import merge_same_speakers
from .turns import windows_to_annotation
from ..embed.windows import WINDOW_HOP_S, WINDOW_S, sliding_windows
from .options import MIN_TURN_S

#: windows per call to the embedding model (and per step of the progress bar)
EMBEDDING_BATCH = 64


def embed_segments(
    embedder: SpeakerEmbedder,
    audio: AudioSource,
    segments: list[Segment],
    progress: ProgressFactory = no_progress,
) -> np.ndarray:
    """One embedding per time segment of 16 kHz ``audio``: ``(N, D)`` float32, in batches
    (each batch's audio is read when it is embedded)."""
    embeddings = np.zeros((len(segments), embedder.dimension), dtype=np.float32)
    with progress(total=len(segments), duration_s=audio.duration_s, description="embedding") as bar:
        for first in range(0, len(segments), EMBEDDING_BATCH):
            batch = segments[first : first + EMBEDDING_BATCH]
            embeddings[first : first + len(batch)] = embedder.embed_windows([audio.crop(s) for s in batch])
            bar.update(len(batch))
    return embeddings


@dataclass(frozen=True)
class WindowSpeakers:
    """Who speaks in known speech regions, one speaker at a time: windows of ``window_s``
    seconds every ``hop_s`` are embedded by ``embedder`` and counted into speakers by
    ``counting`` at the cut ``threshold``; turns shorter than ``min_turn_s`` go to their
    neighbours; with ``merge_similarity``, speakers whose pooled speech the embedder scores at
    least that similar are then merged
    (:func:`~diarize_plugin.diarization.speaker_merge.merge_same_speakers`).

    Both segmentation modes end here: webrtcvad supplies the speech in one, the segmentation
    network in the other.
    """

    embedder: SpeakerEmbedder
    counting: Counting
    threshold: float
    window_s: float = WINDOW_S
    hop_s: float = WINDOW_HOP_S["webrtcvad"]
    min_turn_s: float = MIN_TURN_S
    merge_similarity: float | None = None

    def __call__(
        self,
        audio: AudioSource,
        speech: Timeline,
        bounds: SpeakerBounds,
        uri: str | None = None,
        progress: ProgressFactory = no_progress,
    ) -> Annotation:
        """Speaker turns inside ``speech``; empty when it holds no window.

        Raises :class:`DiarizeError` when the windows are fewer than ``bounds.minimum`` (each
        speaker needs one); warns when short turns leave fewer speakers than that.
        """
        windows = sliding_windows(speech, self.window_s, self.hop_s)
        if not windows:
            return Annotation(uri=uri)
        if len(windows) < bounds.minimum:
            raise DiarizeError(
                f"{bounds.minimum} speakers asked (--num-speakers / --min-speakers), but the {speech.duration():.1f} s of "
                f"speech found hold only {len(windows)} windows of {self.window_s:g} s, one speaker each: "
                f"ask for at most {len(windows)}"
            )
        with stage("embedding"):
            embeddings = embed_segments(self.embedder, audio, windows, progress)
        add_windows(windows, embeddings)  # kept only when confidence is asked for
        with stage("counting"):
            labels = self.counting.label(embeddings, self.threshold, bounds)
        with stage("turns"):
            annotation = windows_to_annotation(windows, labels, speech, self.min_turn_s, uri=uri)
        if self.merge_similarity is not None:
            with stage("speaker merge"):
                annotation = merge_same_speakers(annotation, audio, self.embedder, self.merge_similarity, bounds.minimum)
        found = len(annotation.labels())
        if found < bounds.minimum:
            warnings.warn(
                f"found {found} speakers, fewer than the {bounds.minimum} asked: the turns of the others were shorter "
                f"than {self.min_turn_s:g} s and went to their neighbours",
                UserWarning,
                stacklevel=2,
            )
        return annotation
