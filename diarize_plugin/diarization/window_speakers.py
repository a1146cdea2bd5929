"""Who speaks in known speech regions: sliding windows -> embeddings -> clustering -> turns.

Shared by both segmentation modes: webrtcvad supplies the speech regions in one, the
segmentation network in the other.
"""

from __future__ import annotations

import warnings

import numpy as np
from pyannote.core import Annotation, Segment, Timeline

from .audio_source import AudioSource, as_audio_source
from .cluster import SpeakerBounds
from .counting import Counting
from .embed.base import SpeakerEmbedder
from .errors import DiarizeError
from .progress import ProgressFactory, no_progress
from .run_record import stage
from .speaker_merge import merge_same_speakers
from .turns import windows_to_annotation
from .windows import sliding_windows

#: windows per call to the embedding model (and per step of the progress bar)
EMBEDDING_BATCH = 64


def embed_segments(
    embedder: SpeakerEmbedder,
    waveform: np.ndarray | AudioSource,
    segments: list[Segment],
    progress: ProgressFactory = no_progress,
) -> np.ndarray:
    """One embedding per time segment of a 16 kHz ``waveform``: ``(N, D)`` float32, in batches
    (each batch's audio is read when it is embedded)."""
    audio = as_audio_source(waveform)
    embeddings = np.zeros((len(segments), embedder.dimension), dtype=np.float32)
    with progress(total=len(segments), duration_s=audio.duration_s, description="embedding") as bar:
        for first in range(0, len(segments), EMBEDDING_BATCH):
            batch = segments[first : first + EMBEDDING_BATCH]
            embeddings[first : first + len(batch)] = embedder.embed_windows([audio.crop(s) for s in batch])
            bar.update(len(batch))
    return embeddings


def label_speech(
    waveform: np.ndarray | AudioSource,
    speech: Timeline,
    embedder: SpeakerEmbedder,
    threshold: float,
    bounds: SpeakerBounds,
    window_s: float = 1.5,
    hop_s: float = 0.75,
    min_turn_s: float = 0.3,
    uri: str | None = None,
    progress: ProgressFactory = no_progress,
    merge_similarity: float | None = None,
    counting: Counting = Counting(),
) -> Annotation:
    """Speaker turns (one speaker at a time) inside ``speech``; empty when it holds no window.

    Raises :class:`DiarizeError` when the windows are fewer than ``bounds.minimum`` (each
    speaker needs one); warns when short turns leave fewer speakers than that.

    ``counting``: how the window embeddings become speakers (:class:`~diarize_plugin.counting.Counting`).

    With ``merge_similarity``, speakers whose pooled speech the embedder scores at least that
    similar are then merged (:func:`~diarize_plugin.speaker_merge.merge_same_speakers`).
    """
    windows = sliding_windows(speech, window_s, hop_s)
    if not windows:
        return Annotation(uri=uri)
    if len(windows) < bounds.minimum:
        raise DiarizeError(
            f"{bounds.minimum} speakers asked (--num-speakers / --min-speakers), but the {speech.duration():.1f} s of "
            f"speech found hold only {len(windows)} windows of {window_s:g} s, one speaker each: "
            f"ask for at most {len(windows)}"
        )
    with stage("embedding"):
        embeddings = embed_segments(embedder, waveform, windows, progress)
    with stage("counting"):
        labels = counting.label(embeddings, threshold, bounds)
    with stage("turns"):
        annotation = windows_to_annotation(windows, labels, speech, min_turn_s, uri=uri)
    if merge_similarity is not None:
        with stage("speaker merge"):
            annotation = merge_same_speakers(annotation, waveform, embedder, merge_similarity, bounds.minimum)
    found = len(annotation.labels())
    if found < bounds.minimum:
        warnings.warn(
            f"found {found} speakers, fewer than the {bounds.minimum} asked: the turns of the others were shorter "
            f"than {min_turn_s:g} s and went to their neighbours",
            UserWarning,
            stacklevel=2,
        )
    return annotation
