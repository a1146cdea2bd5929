"""The diarization pipeline: the one place that knows the order of the stages.

    audio (decoded once, :class:`~diarize_plugin.audio.source.AudioSource`)
    -> speech and overlap: the segmentation network (``neural``, :mod:`.neural`) or webrtcvad
    -> sliding windows of the speech -> speaker embeddings (ONNX Runtime, :mod:`..embed`)
    -> counting (agglomerative clustering, refined by VBx with many speakers, :mod:`..clustering`)
    -> speaker turns, merged speakers, overlap given to the nearest other speaker
    -> ``pyannote.core.Annotation``

:meth:`Diarizer.run` normalises the input once; :meth:`Diarizer._diarize` composes the stages
of each mode, top to bottom. Every option lives in :class:`~.options.DiarizerOptions`.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from pyannote.core import Annotation

from ..audio.decode import SAMPLE_RATE, prepare_waveform
from ..audio.source import AudioSource, InMemoryAudio
from ..channels.evidence import channel_evidence, check_channel_input
from ..channels.modes import DEFAULT_CHANNELS
from ..channels.source import ChannelAudio
from ..clustering.bounds import SpeakerBounds
from ..clustering.counting import DEFAULT_COUNTING, Counting
from ..embed.base import SpeakerEmbedder
from ..embed.registry import load_embedder
from ..embed.settings import DEFAULT_EMBEDDER
from ..embed.windows import WINDOW_S, most_windows
from ..errors import DiarizeError
from ..segmentation.settings import DEFAULT_DECODING, DEFAULT_SEGMENTATION, VadOptions
from ..segmentation.vad import vad_speech
from ..util.progress import ProgressFactory, no_progress
from ..util.run_record import RunRecord, recording, stage
from .neural import NeuralDiarization
from .options import MIN_TURN_S, DiarizerOptions
from .window_speakers import WindowSpeakers


def check_speaker_room(bounds: SpeakerBounds, duration_s: float, options: DiarizerOptions | None = None) -> None:
    """Raise :class:`DiarizeError` when ``bounds`` ask for more speakers than a recording of
    ``duration_s`` seconds can ever hold: each needs an embedding window of its own
    (:func:`~diarize_plugin.embed.windows.most_windows`). Loads nothing: callers check before the
    models load. ``options``: the diarizer's (default: :class:`DiarizerOptions`)."""
    options = DiarizerOptions() if options is None else options
    room = most_windows(duration_s, options.embedding.window_s, options.window_hop_s)
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

    The options are one :class:`~diarize_plugin.diarization.options.DiarizerOptions`
    (``Diarizer(options=DiarizerOptions(...))``), or, as a shortcut, the flat keywords below
    (``Diarizer(segmentation="webrtcvad")``); not both. ``embedder`` may also be a loaded
    :class:`SpeakerEmbedder`, and ``progress`` a factory of progress bars, with either.

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
        mode, 0.75 with webrtcvad (:data:`~diarize_plugin.embed.windows.WINDOW_HOP_S`).
    min_turn_s:
        turns shorter than this, in seconds, are given to the neighbouring speaker.
    model_dir:
        where downloaded models live (default: the per-user cache).
    threads:
        ONNX Runtime threads (default: ``DIARIZE_THREADS`` or the number of cores, max 8).
    progress:
        a factory of progress bars (see :mod:`diarize_plugin.util.progress`), or ``None``.
    neural_identity:
        neural mode only: ``"windows"`` (window embeddings name the speakers; default) or
        ``"local"`` (one embedding per chunk-local speaker, pyannote-style).
    overlap_threshold:
        neural mode only: probability of two speakers at once (0–1, averaged over the network's
        chunks) from which a frame is overlapped speech; ``None``: 0.5
        (:data:`~diarize_plugin.segmentation.settings.OVERLAP_PROBABILITY`). Lower finds more overlap, and more
        false overlap.
    decoding:
        neural mode only: ``"probability"`` (default: the network's probabilities of speech and
        of overlap against calibrated thresholds; a speech-like background such as a crowd is
        removed, see :mod:`diarize_plugin.segmentation.background`) or ``"pyannote"`` (pyannote's own
        decoding of the network: most likely powerset class, averaged over chunks and rounded;
        no extra thresholds).
    merge_speakers:
        after clustering, merge speakers whose pooled speech (up to 30 s each) the embedder
        calls one person for sure (its ``merge_threshold``; not in ``"local"`` identity mode).
    counting:
        how window embeddings become speakers: ``"auto"`` (default: ``"ahc"``, refined by
        ``"vbx"`` when it finds 6 speakers or more), ``"ahc"`` (agglomerative clustering at
        ``threshold``), ``"spectral"`` (eigengap count) or ``"vbx"`` (variational-Bayes
        refinement); see :mod:`diarize_plugin.clustering.counting` (not in ``"local"`` identity mode).
    reassign:
        after counting, give every window to its nearest speaker centroid until nothing moves.
    channels:
        how a recording with several channels is diarized: ``"auto"`` (default: one speaker
        per channel when the channels hold one voice each, else as ``"mix"``), ``"mix"``
        (channels averaged) or ``"split"`` (one speaker per channel); see
        :mod:`diarize_plugin.channels`. Mono input is diarized alike in every mode.
    channel_names:
        the speaker label of each channel (``("agent", "customer")``), in ``"auto"`` (when it
        finds the channels separated) and ``"split"``; default ``SPEAKER_00`` for channel 0, ...
    options:
        all of the above but ``embedder`` instances and ``progress``, in one value, with the
        settings only it holds (the segmentation network's step, model and background
        rejection).
    """

    def __init__(
        self,
        embedder: str | SpeakerEmbedder = DEFAULT_EMBEDDER,
        segmentation: str = DEFAULT_SEGMENTATION,
        threshold: float | None = None,
        vad: VadOptions = VadOptions(),
        window_s: float = WINDOW_S,
        hop_s: float | None = None,
        min_turn_s: float = MIN_TURN_S,
        model_dir: str | os.PathLike[str] | None = None,
        threads: int | None = None,
        progress: ProgressFactory | None = None,
        neural_identity: str = "windows",
        merge_speakers: bool = True,
        overlap_threshold: float | None = None,
        decoding: str = DEFAULT_DECODING,
        counting: str = DEFAULT_COUNTING,
        reassign: bool = False,
        channels: str = DEFAULT_CHANNELS,
        channel_names: "tuple[str, ...] | list[str] | None" = None,
        *,
        options: DiarizerOptions | None = None,
    ) -> None:
        keywords = dict(
            segmentation=segmentation, threshold=threshold, vad=vad, window_s=window_s, hop_s=hop_s,
            min_turn_s=min_turn_s, model_dir=model_dir, threads=threads, neural_identity=neural_identity,
            merge_speakers=merge_speakers, overlap_threshold=overlap_threshold, decoding=decoding,
            counting=counting, reassign=reassign, channels=channels, channel_names=channel_names,
        )
        named = embedder if isinstance(embedder, str) else DEFAULT_EMBEDDER
        from_keywords = DiarizerOptions.from_keywords(embedder=named, **keywords)
        if options is None:
            options = from_keywords
        elif from_keywords != DiarizerOptions():
            raise DiarizeError("give the diarizer's options either as options=DiarizerOptions(...) or as keywords, not both")
        if isinstance(embedder, SpeakerEmbedder):
            self.embedder = embedder
            options = replace(options, embedding=replace(options.embedding, embedder=embedder.name))
        else:
            self.embedder = load_embedder(options.embedding.embedder, options.embedding.model_dir, options.threads)
        #: every option of this diarizer (:class:`~diarize_plugin.diarization.options.DiarizerOptions`)
        self.options = options
        self.progress = progress or no_progress
        #: what the latest :meth:`run` decided and how long its stages took (``diarize -v``)
        self.last_run: RunRecord | None = None
        clustering = options.clustering
        calibrated = (self.embedder.segment_clustering_threshold if options.local_identity
                      else self.embedder.clustering_threshold)
        self.counting = Counting.for_embedder(
            clustering.counting, clustering.reassign, self.embedder.plda_path, calibrated
        )
        #: the clustering cut used: the given one, else the embedder's calibrated one
        self.threshold = float(calibrated if clustering.threshold is None else clustering.threshold)
        self.merge_similarity = self.embedder.merge_threshold if clustering.merge_speakers else None
        self.speakers = WindowSpeakers(
            self.embedder, self.counting, self.threshold, options.embedding.window_s, options.window_hop_s,
            options.min_turn_s, self.merge_similarity,
        )
        self.neural = None
        if options.segmentation.mode == "neural":
            self.neural = NeuralDiarization(self.speakers, options.segmentation, options.local_identity, options.threads)

    def run(
        self,
        audio: str | os.PathLike[str] | np.ndarray | AudioSource,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        uri: str | None = None,
    ) -> Annotation:
        """Speaker turns of ``audio``: a file path, a 16 kHz float32 waveform (mono, or
        ``(samples, channels)`` / ``(channels, samples)``: averaged, or one speaker per channel as
        the ``channels`` option says), or an :class:`~diarize_plugin.audio.source.AudioSource`
        (:meth:`decode`).

        A file is decoded once to a temporary 16-bit file and read a piece at a time, so memory
        does not grow with its length. ``num_speakers`` fixes the number of speakers; ``min_speakers``/``max_speakers`` bound
        it; otherwise it is found automatically. The annotation's ``uri`` is ``uri``, else the
        file's stem. Silence-only input gives an empty annotation.
        """
        bounds = SpeakerBounds.from_options(num_speakers, min_speakers, max_speakers)
        check_audio_argument(audio)
        if isinstance(audio, AudioSource):
            return self._diarize(audio, bounds, uri or "waveform")
        if isinstance(audio, np.ndarray):
            return self._diarize(self.from_waveform(audio), bounds, uri or "waveform")
        with self.decode(audio) as decoded:
            return self._diarize(decoded, bounds, uri or Path(audio).stem)

    def decode(self, path: str | os.PathLike[str]) -> AudioSource:
        """The recording at ``path``, decoded once to a temporary file (close it, or use it as
        a context manager); its channels kept beside the mix unless they are mixed anyway."""
        from ..channels.source import decode_for_mode

        return decode_for_mode(path, self.options.channels.mode)

    def from_waveform(self, samples: np.ndarray) -> AudioSource:
        """A 16 kHz waveform array as the pipeline reads it (see :meth:`run`)."""
        if self.options.channels.mode == "mix":
            return InMemoryAudio(prepare_waveform(samples, SAMPLE_RATE, origin="waveform"))
        from ..channels.source import channel_audio_from_array

        return channel_audio_from_array(samples)

    def _diarize(self, audio: AudioSource, bounds: SpeakerBounds, uri: str) -> Annotation:
        """The stages of this diarizer's mode, in order, recorded in :attr:`last_run`."""
        channels = self.options.channels
        check_channel_input(audio, channels.mode, channels.names, bounds, origin=f"input {uri}")
        check_speaker_room(bounds, audio.duration_s, self.options)
        record = self.last_run = self._new_record()
        started = time.perf_counter()
        with recording(record):
            evidence = self._channel_evidence(audio, bounds)  # None: the mix alone decides
            source = audio if evidence is None else evidence.source
            if self.neural is not None:
                # speech, overlap and speakers from the network's chunks (see .neural)
                annotation = self.neural(source, bounds, uri=uri, progress=self.progress)
            else:
                with stage("speech detection"):
                    speech = vad_speech(source, self.options.segmentation.vad)
                annotation = self.speakers(source, speech, bounds, uri=uri, progress=self.progress)
            if evidence is not None:
                with stage("channels"):
                    annotation = evidence.apply(annotation)
        record.add_time("other", max(time.perf_counter() - started - sum(record.stage_s.values()), 0.0))
        record.speakers, record.turns = len(annotation.labels()), len(annotation)
        return annotation

    def _channel_evidence(self, audio: AudioSource, bounds: SpeakerBounds):
        """What the channels of ``audio`` say (:mod:`diarize_plugin.channels`), or ``None``
        where the mix alone decides (``channels="mix"``, one channel)."""
        channels = self.options.channels
        if channels.mode == "mix":
            return None
        if not isinstance(audio, ChannelAudio):
            return channel_evidence(audio, channels.mode, channels.names, bounds)  # None
        with stage("channels"):
            return channel_evidence(audio, channels.mode, channels.names, bounds)

    def _new_record(self) -> RunRecord:
        segmentation = self.options.segmentation
        neural = segmentation.mode == "neural"
        record = RunRecord(
            segmentation=segmentation.mode, embedder=self.embedder.name, counting=self.counting.method,
            decoding=segmentation.decoding if neural else None,
            speech_threshold=segmentation.speech_threshold if neural else None,
            overlap_threshold=segmentation.overlap_threshold if neural else None,
            threshold=self.threshold, merge_similarity=self.merge_similarity,
        )
        record.threshold_source = "calibrated" if self.options.clustering.threshold is None else "given"
        return record
