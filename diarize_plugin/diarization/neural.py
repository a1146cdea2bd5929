"""Overlap-aware diarization with the segmentation network (``--segmentation neural``).

segmentation-3.0 says, for every frame of sliding 10 s chunks, how likely each set of up to 3
*local* speakers (numbered per chunk, at most 2 at once) is to be talking. Two ways name the
speakers (:data:`~diarize_plugin.diarization.options.IDENTITY_MODES`):

- ``"windows"`` identity (the default), :meth:`NeuralDiarization.by_windows`: the network's
  output, averaged over chunks, is decoded into speech and overlapped speech
  (:func:`~diarize_plugin.segmentation.speech_decoding.speech_and_overlap`); 1.5 s windows of
  the speech are embedded and clustered over the whole recording
  (:class:`~diarize_plugin.diarization.window_speakers.WindowSpeakers`), which names the main
  speaker of every frame; overlapped frames add the speaker of the nearest other turn
  (:func:`~diarize_plugin.diarization.overlap.add_overlapping_speakers`);
- ``"local"`` identity (pyannote 3.x), :meth:`NeuralDiarization.by_local_speakers`: one
  embedding per chunk-local speaker, clustered, matched back chunk by chunk and reconstructed
  (:mod:`~diarize_plugin.diarization.local_speakers`).
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation

from ..audio.source import AudioSource
from ..clustering.ahc import cluster_embeddings
from ..clustering.bounds import SpeakerBounds
from ..segmentation.frames import frame_offset_s
from ..segmentation.network import FRAME_STEP_S, SegmentationResult, Segmenter, chunk_starts
from ..segmentation.speech_decoding import speech_and_overlap
from ..util.progress import ProgressFactory, no_progress
from ..util.run_record import stage
from .evidence import add_frame_probabilities
from .local_speakers import (
    MIN_TURN_OFF_S,
    activity_to_annotation,
    assign_local_speakers,
    cluster_centroids,
    embed_local_speakers,
    find_local_speakers,
    reconstruct,
)
from ..segmentation.settings import SegmentationOptions
from .overlap import add_overlapping_speakers
from .window_speakers import WindowSpeakers


class NeuralDiarization:
    """Diarization with the segmentation network: ``speakers`` names the speakers of the speech
    ("windows" identity), as configured by ``options``; ``local``: the "local" identity
    instead; ``threads``: ONNX Runtime threads of the network."""

    def __init__(
        self, speakers: WindowSpeakers, options: SegmentationOptions, local: bool = False, threads: int | None = None
    ) -> None:
        self.speakers = speakers
        self.options = options
        self.local = local
        self.segmenter = Segmenter(model_path=options.model, step_s=options.step_s, threads=threads)

    def __call__(
        self, audio: AudioSource, bounds: SpeakerBounds, uri: str | None = None, progress: ProgressFactory = no_progress
    ) -> Annotation:
        """Speaker turns of 16 kHz mono ``audio``, overlapping where speakers overlap."""
        if self.local:
            return self.by_local_speakers(audio, bounds, uri, progress)
        return self.by_windows(audio, bounds, uri, progress)

    def by_windows(self, audio: AudioSource, bounds: SpeakerBounds, uri: str | None, progress: ProgressFactory) -> Annotation:
        """Speech and overlap from the network, identities from 1.5 s window embeddings.

        The network sometimes keeps two similar voices as one local speaker for a whole chunk;
        short windows clustered over the whole recording do not, so they name the main speaker
        of every frame, and overlap frames add the nearest other speaker.
        """
        with stage("segmentation"):
            network_output = self._segment(audio, progress, keep_chunks=False)
        if self.options.decoding != "pyannote":  # kept for the confidence, when it is asked for
            add_frame_probabilities(network_output, FRAME_STEP_S, frame_offset_s(FRAME_STEP_S))
        speech, overlap = speech_and_overlap(network_output, audio, self.options, FRAME_STEP_S)
        primary = self.speakers(audio, speech, bounds, uri=uri, progress=progress)
        return add_overlapping_speakers(primary, overlap, may_add_speaker=bounds.maximum is None or bounds.maximum > 1)

    def by_local_speakers(
        self, audio: AudioSource, bounds: SpeakerBounds, uri: str | None, progress: ProgressFactory
    ) -> Annotation:
        """pyannote 3.x: cluster one embedding per chunk-local speaker, then reconstruct."""
        segmentation = self._segment(audio, progress, keep_chunks=True)
        local_speakers = find_local_speakers(segmentation, audio.num_samples)
        if not local_speakers:
            return Annotation(uri=uri)
        embeddings = embed_local_speakers(audio, local_speakers, self.speakers.embedder, progress)
        reliable = np.array([item.reliable for item in local_speakers])
        if not reliable.any():
            reliable[:] = True
        search_until = self.speakers.counting.calibrated_threshold
        labels = cluster_embeddings(embeddings[reliable], self.speakers.threshold, bounds, search_until=search_until)
        centroids = cluster_centroids(embeddings[reliable], labels)
        assignment = assign_local_speakers(segmentation, local_speakers, embeddings, centroids)
        activity = reconstruct(segmentation, assignment, len(centroids))
        return activity_to_annotation(activity, segmentation.frame_step_s, MIN_TURN_OFF_S, audio.duration_s, uri)

    def _segment(self, audio: AudioSource, progress: ProgressFactory, keep_chunks: bool) -> SegmentationResult | np.ndarray:
        """Every chunk's activity (``keep_chunks``), or per frame what the decoding reads: the
        rounded argmax speaker count for pyannote's, the probabilities of speech and overlap
        ``(frames, 2)`` for the probability decoding."""
        duration_s = audio.duration_s
        total = len(chunk_starts(duration_s, self.segmenter.step_s))
        with progress(total=total, duration_s=duration_s, description="segmentation") as bar:
            done = [0]

            def advance(finished: int, _total: int) -> None:
                bar.update(finished - done[0])
                done[0] = finished

            if keep_chunks:
                return self.segmenter(audio, progress=advance)
            if self.options.decoding == "pyannote":
                return np.rint(self.segmenter.argmax_count(audio, progress=advance))
            return self.segmenter.speech_and_overlap(audio, progress=advance)
