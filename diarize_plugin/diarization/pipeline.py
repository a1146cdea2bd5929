"""The diarization pipeline: the one place that knows the order of the stages.

audio -> speech regions (webrtcvad) -> sliding windows -> speaker embeddings (ONNX Runtime)
-> agglomerative clustering -> speaker turns (``pyannote.core.Annotation``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pyannote.core import Annotation

from .audio import SAMPLE_RATE, prepare_waveform
from .audio_source import AudioSource, InMemoryAudio, decode_audio
from .cluster import SpeakerBounds
from .counting import DEFAULT_COUNTING, Counting
from .embed.base import SpeakerEmbedder
from .embed.registry import DEFAULT_EMBEDDER, load_embedder
from .errors import DiarizeError
from .decoding import DECODINGS, DEFAULT_DECODING, OVERLAP_PROBABILITY
from .neural import NeuralDiarization
from .progress import ProgressFactory, no_progress
from .run_record import RunRecord, recording, stage
from .threads import resolve_threads
from .vad import detect_speech
from .window_diarization import label_speech
from .windows import WINDOW_HOP_S, most_windows

if TYPE_CHECKING:
    from .voices.identification import Gallery
    from .voices.naming import SpeakerNaming

SEGMENTATION_MODES = ("webrtcvad", "neural")
#: seconds between embedding windows when ``hop_s`` is not given, per segmentation mode
DEFAULT_HOP_S = WINDOW_HOP_S
DEFAULT_SEGMENTATION = "neural"


@dataclass(frozen=True)
class VadOptions:
    """webrtcvad settings (see :func:`diarize_plugin.vad.detect_speech`)."""

    aggressiveness: int = 3
    speech_pad_s: float = 0.2
    min_speech_s: float = 0.15
    min_silence_s: float = 0.15


def check_options(
    segmentation: str = DEFAULT_SEGMENTATION,
    threshold: float | None = None,
    overlap_threshold: float | None = None,
    window_s: float = 1.5,
    hop_s: float | None = None,
    *,
    vad: VadOptions = VadOptions(),
    threads: int | None = None,
    decoding: str = DEFAULT_DECODING,
    counting: str = DEFAULT_COUNTING,
) -> None:
    """Raise :class:`DiarizeError` for option values :class:`Diarizer` would refuse (including
    webrtcvad options in another segmentation mode, threads below 1, a bad ``$DIARIZE_THREADS``).

    Loads no model, so a caller that builds its diarizers elsewhere (batch workers) can refuse
    bad options before any work starts.
    """
    if segmentation not in SEGMENTATION_MODES:
        raise DiarizeError(f"unknown segmentation {segmentation!r}; use one of {', '.join(SEGMENTATION_MODES)}")
    if threshold is not None and not 0.0 < threshold < 2.0:
        raise DiarizeError(f"threshold must be a cosine distance between 0 and 2, not {threshold}")
    if decoding not in DECODINGS:
        raise DiarizeError(f"unknown neural decoding {decoding!r}; use one of {', '.join(DECODINGS)} (--decoding)")
    if decoding != DEFAULT_DECODING and segmentation != "neural":
        raise DiarizeError(f"decoding {decoding!r} needs neural segmentation (--decoding with --segmentation neural)")
    if decoding == "pyannote" and overlap_threshold is not None:
        raise DiarizeError("pyannote decoding has no overlap threshold; give --decoding pyannote or --overlap-threshold")
    if overlap_threshold is not None:
        if segmentation != "neural":
            raise DiarizeError(
                "overlap_threshold needs neural segmentation: webrtcvad finds no overlap "
                "(--overlap-threshold with --segmentation neural)"
            )
        if not 0.0 < overlap_threshold < 1.0:
            raise DiarizeError(
                f"overlap_threshold is a probability of two speakers at once: between 0 and 1, not {overlap_threshold} "
                "(--overlap-threshold)"
            )
    if segmentation != "webrtcvad" and vad != VadOptions():
        raise DiarizeError(
            f"vad options tune webrtcvad, which {segmentation} segmentation does not use "
            "(--vad-aggressiveness with --segmentation webrtcvad)"
        )
    Counting(counting)
    resolve_threads(threads)
    hop_s = DEFAULT_HOP_S[segmentation] if hop_s is None else hop_s
    if window_s <= 0 or hop_s <= 0 or hop_s > window_s:
        raise DiarizeError("window_s and hop_s must be positive, with hop_s <= window_s")


def check_speaker_room(
    bounds: SpeakerBounds, duration_s: float, segmentation: str = DEFAULT_SEGMENTATION,
    window_s: float = 1.5, hop_s: float | None = None,
) -> None:
    """Raise :class:`DiarizeError` when ``bounds`` ask for more speakers than a recording of
    ``duration_s`` seconds can ever hold: each needs an embedding window of its own
    (:func:`~diarize_plugin.windows.most_windows`). Loads nothing: callers check before the
    models load."""
    hop_s = DEFAULT_HOP_S[segmentation] if hop_s is None else hop_s
    room = most_windows(duration_s, window_s, hop_s)
    if bounds.minimum > room:
        raise DiarizeError(
            f"{bounds.minimum} speakers asked (--num-speakers / --min-speakers), but a {duration_s:.1f} s recording "
            f"holds at most {room} windows of speech, one speaker each: ask for at most {room}"
        )


def check_audio_argument(audio: object) -> None:
    """Raise :class:`DiarizeError` unless ``audio`` is something :meth:`Diarizer.run` reads: a
    file path, a waveform array or an :class:`AudioSource`."""
    if not isinstance(audio, (str, os.PathLike, np.ndarray, AudioSource)):
        raise DiarizeError(
            f"audio must be a file path, a 16 kHz waveform (numpy array) or an AudioSource, not {type(audio).__name__}"
            " (for a list of samples: numpy.asarray(samples, dtype='float32'))"
        )


class Diarizer:
    """Who spoke when, for one recording at a time.

    >>> diarizer = Diarizer()                                 # doctest: +SKIP
    >>> annotation = diarizer.run("meeting.wav", num_speakers=2)  # doctest: +SKIP
    >>> for turn, _, speaker in annotation.itertracks(yield_label=True):  # doctest: +SKIP
    ...     print(f"{turn.start:.1f}-{turn.end:.1f} {speaker}")

    Parameters
    ----------
    embedder:
        ``"campplus"`` (bundled default), ``"autospeech"`` (after ``diarize models download
        autospeech``), a path to an ONNX file, or a :class:`SpeakerEmbedder` instance.
    segmentation:
        ``"webrtcvad"`` or ``"neural"`` (overlap-aware segmentation network).
    threshold:
        cosine distance at which clustering stops merging speakers; ``None`` uses the value
        calibrated for the embedder. Lower finds more speakers.
    vad:
        webrtcvad settings (webrtcvad mode only).
    window_s, hop_s:
        length and step of the embedding windows, in seconds; ``hop_s=None``: 1.0 in neural
        mode, 0.75 with webrtcvad (:data:`DEFAULT_HOP_S`).
    min_turn_s:
        turns shorter than this, in seconds, are given to the neighbouring speaker.
    model_dir:
        where downloaded models live (default: the per-user cache).
    threads:
        ONNX Runtime threads (default: ``DIARIZE_THREADS`` or the number of cores, max 8).
    progress:
        a factory of progress bars (see :mod:`diarize_plugin.progress`), or ``None``.
    neural_identity:
        neural mode only: ``"windows"`` (window embeddings name the speakers; default) or
        ``"local"`` (one embedding per chunk-local speaker, pyannote-style).
    overlap_threshold:
        neural mode only: probability of two speakers at once (0–1, averaged over the network's
        chunks) from which a frame is overlapped speech; ``None``: 0.5
        (:data:`~diarize_plugin.neural.OVERLAP_PROBABILITY`). Lower finds more overlap, and more
        false overlap.
    decoding:
        neural mode only: ``"probability"`` (default: the network's probabilities of speech and
        of overlap against calibrated thresholds; a speech-like background such as a crowd is
        removed, see :mod:`diarize_plugin.background`) or ``"pyannote"`` (pyannote's own
        decoding of the network: most likely powerset class, averaged over chunks and rounded;
        no extra thresholds).
    merge_speakers:
        after clustering, merge speakers whose pooled speech (up to 30 s each) the embedder
        calls one person for sure (its ``merge_threshold``; not in ``"local"`` identity mode).
    counting:
        how window embeddings become speakers: ``"auto"`` (default: ``"ahc"``, refined by
        ``"vbx"`` when it finds 6 speakers or more), ``"ahc"`` (agglomerative clustering at
        ``threshold``), ``"spectral"`` (eigengap count) or ``"vbx"`` (variational-Bayes
        refinement); see :mod:`diarize_plugin.counting` (not in ``"local"`` identity mode).
    reassign:
        after counting, give every window to its nearest speaker centroid until nothing moves.
    """

    def __init__(
        self,
        embedder: str | SpeakerEmbedder = DEFAULT_EMBEDDER,
        segmentation: str = DEFAULT_SEGMENTATION,
        threshold: float | None = None,
        vad: VadOptions = VadOptions(),
        window_s: float = 1.5,
        hop_s: float | None = None,
        min_turn_s: float = 0.3,
        model_dir: str | os.PathLike[str] | None = None,
        threads: int | None = None,
        progress: ProgressFactory | None = None,
        neural_identity: str = "windows",
        merge_speakers: bool = True,
        overlap_threshold: float | None = None,
        decoding: str = DEFAULT_DECODING,
        counting: str = DEFAULT_COUNTING,
        reassign: bool = False,
    ) -> None:
        check_options(
            segmentation, threshold, overlap_threshold, window_s, hop_s,
            vad=vad, threads=threads, decoding=decoding, counting=counting,
        )
        self.embedder = embedder if isinstance(embedder, SpeakerEmbedder) else load_embedder(embedder, model_dir, threads)
        local = segmentation == "neural" and neural_identity == "local"
        calibrated = self.embedder.segment_clustering_threshold if local else self.embedder.clustering_threshold
        self.counting = Counting.for_embedder(counting, reassign, self.embedder.name, self.embedder.dimension, calibrated)
        self.segmentation = segmentation
        self.threshold = float(calibrated if threshold is None else threshold)
        self._threshold_given = threshold is not None
        self.vad = vad
        self.window_s = window_s
        self.hop_s = DEFAULT_HOP_S[segmentation] if hop_s is None else hop_s
        self.min_turn_s = min_turn_s
        self.threads = threads
        self.progress = progress or no_progress
        self.merge_similarity = self.embedder.merge_threshold if merge_speakers else None
        #: what the latest :meth:`run` decided and how long its stages took (``diarize -v``)
        self.last_run: RunRecord | None = None
        self._neural = None
        if segmentation == "neural":
            self._neural = NeuralDiarization(
                self.embedder,
                identity=neural_identity,
                window_s=window_s,
                hop_s=self.hop_s,
                min_turn_s=min_turn_s,
                merge_similarity=self.merge_similarity,
                overlap_threshold=OVERLAP_PROBABILITY if overlap_threshold is None else float(overlap_threshold),
                threads=threads,
                decoding=decoding,
                counting=self.counting,
            )

    def run(
        self,
        audio: str | os.PathLike[str] | np.ndarray | AudioSource,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        uri: str | None = None,
    ) -> Annotation:
        """Speaker turns of ``audio``: a file path, a 16 kHz float32 waveform (mono, or
        ``(samples, channels)`` / ``(channels, samples)``, averaged), or an
        :class:`~diarize_plugin.audio_source.AudioSource` (:func:`decode_audio`).

        A file is decoded once to a temporary 16-bit file and read a piece at a time, so memory
        does not grow with its length. ``num_speakers`` fixes the number of speakers; ``min_speakers``/``max_speakers`` bound
        it; otherwise it is found automatically. The annotation's ``uri`` is ``uri``, else the
        file's stem. Silence-only input gives an empty annotation.
        """
        bounds = SpeakerBounds.from_options(num_speakers, min_speakers, max_speakers)
        check_audio_argument(audio)
        if isinstance(audio, AudioSource):
            return self._run(audio, bounds, uri or "waveform")
        if isinstance(audio, np.ndarray):
            waveform = prepare_waveform(audio, SAMPLE_RATE, origin="waveform")
            return self._run(InMemoryAudio(waveform), bounds, uri or "waveform")
        with decode_audio(audio) as decoded:
            return self._run(decoded, bounds, uri or Path(audio).stem)

    def _run(self, audio: AudioSource, bounds: SpeakerBounds, uri: str) -> Annotation:
        check_speaker_room(bounds, audio.duration_s, self.segmentation, self.window_s, self.hop_s)
        neural = self._neural
        record = RunRecord(
            segmentation=self.segmentation, embedder=self.embedder.name, counting=self.counting.method,
            decoding=neural.decoding if neural is not None else None,
            speech_threshold=neural.speech_threshold if neural is not None else None,
            overlap_threshold=neural.overlap_threshold if neural is not None else None,
            threshold=self.threshold, threshold_source="given" if self._threshold_given else "calibrated",
            merge_similarity=self.merge_similarity,
        )
        self.last_run = record
        started = time.perf_counter()
        with recording(record):
            if neural is not None:
                annotation = neural(audio, bounds, self.threshold, uri=uri, progress=self.progress)
            else:
                annotation = self._run_webrtcvad(audio, bounds, uri, self.threshold, self.merge_similarity)
        record.add_time("other", max(time.perf_counter() - started - sum(record.stage_s.values()), 0.0))
        record.speakers, record.turns = len(annotation.labels()), len(annotation)
        return annotation

    def run_with_voices(
        self,
        audio: str | os.PathLike[str] | np.ndarray | AudioSource,
        gallery: "Gallery",
        threshold: float | None = None,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        uri: str | None = None,
    ) -> "SpeakerNaming":
        """:meth:`run`, then each speaker named after the enrolled person of ``gallery`` they
        sound like, one-to-one, where the similarity reaches ``threshold`` (default: the
        embedder's calibrated ``identification_threshold``); see :mod:`diarize_plugin.voices`.
        """
        from .voices.identification import check_threshold
        from .voices.naming import name_speakers

        chosen = self.embedder.identification_threshold if threshold is None else check_threshold(threshold)
        check_audio_argument(audio)
        if isinstance(audio, (AudioSource, np.ndarray)):
            source = audio if isinstance(audio, AudioSource) else InMemoryAudio(prepare_waveform(audio, SAMPLE_RATE))
            annotation = self.run(source, num_speakers, min_speakers, max_speakers, uri=uri or "waveform")
            return name_speakers(annotation, source, self.embedder, gallery, chosen)
        with decode_audio(audio) as decoded:
            annotation = self.run(decoded, num_speakers, min_speakers, max_speakers, uri=uri or Path(audio).stem)
            return name_speakers(annotation, decoded, self.embedder, gallery, chosen)

    def _run_webrtcvad(
        self, waveform: AudioSource, bounds: SpeakerBounds, uri: str, threshold: float, merge_similarity: float | None
    ) -> Annotation:
        with stage("speech detection"):
            speech = self._webrtcvad_speech(waveform)
        return label_speech(
            waveform, speech, self.embedder, threshold, bounds,
            self.window_s, self.hop_s, self.min_turn_s, uri=uri, progress=self.progress,
            merge_similarity=merge_similarity, counting=self.counting,
        )

    def _webrtcvad_speech(self, waveform: AudioSource):
        return detect_speech(
            waveform,
            aggressiveness=self.vad.aggressiveness,
            speech_pad_s=self.vad.speech_pad_s,
            min_speech_s=self.vad.min_speech_s,
            min_silence_s=self.vad.min_silence_s,
        )
