"""Speech-like background (a crowd, babble): speech the network hears and webrtcvad does not.

The segmentation network hears a murmuring crowd as speech (its expected speaker count sits
at 0.4-1.0 in the crowd's pauses), while webrtcvad, whose noise model follows a steady
background, hears no voice there. The two disagree in quiet far-field speech too (AMI), but
there the sound is faint: webrtcvad misses it for want of level. So a frame is
*unconfirmed* when the network hears speech, webrtcvad hears no voice within
:data:`VOICE_MARGIN_S`, and its level is within :data:`BACKGROUND_LEVEL_DB` of the
recording's speech level; unconfirmed runs shorter than :data:`MIN_BACKGROUND_RUN_S` are
ignored (webrtcvad drops out for a moment inside speech). Where unconfirmed frames fill at
least :data:`BACKGROUND_SHARE` of the surrounding :data:`BACKGROUND_WINDOW_S`, the recording has a
speech-like background there, and only speech that webrtcvad confirms (within the margin)
is kept.

Thresholds chosen on the tuning half of the multi-condition development set
(``benchmarks/devset.py``, ``python benchmarks/der.py --conditions noise --splits tune``):
unconfirmed frames fill 10.1 % of its babble recording and at most 2.7 % of any other tuning
recording (telephone, telephone-16k, reverb, noise, meeting, broadcast), hence the 5 % share;
AMI was checked, not tuned on (at most 2.9 % of an excerpt). docs/benchmarks.md's multi-condition
section has the figures.
"""

from __future__ import annotations

import numpy as np

from ..audio.source import AudioSource
from .frame_runs import true_runs
from .frames import timeline_to_frames
from .network import SAMPLE_RATE
from .settings import VadOptions
from .vad import vad_speech

#: a sound within this many dB of the recording's speech level is loud enough for webrtcvad
#: to judge: if it hears no voice there, its silence means "not a voice", not "too faint"
BACKGROUND_LEVEL_DB = -15.0
#: webrtcvad's voice counts this many seconds beyond its edges (its regions have no padding)
VOICE_MARGIN_S = 0.17
#: shorter runs of unconfirmed frames are webrtcvad dropping out inside speech
MIN_BACKGROUND_RUN_S = 0.34
#: share of unconfirmed frames around a frame from which the background is speech-like there
BACKGROUND_SHARE = 0.05
#: seconds of the recording, centred on each frame, over which that share is measured, so that
#: a crowd in one part of a long recording is found there (not tuned: the development
#: recordings last 45-75 s, so in practice the share is the whole recording's)
BACKGROUND_WINDOW_S = 60.0
#: expected speaker count from which a voiced frame sets the recording's speech level
CONFIDENT_COUNT = 0.8
#: samples whose energy gives one frame's level (the segmentation network's receptive field)
LEVEL_WINDOW_SAMPLES = 991
#: samples read at a time when measuring levels (about a minute at 16 kHz)
LEVEL_BLOCK_SAMPLES = 1_000_000


def frame_levels_db(audio: AudioSource, num_frames: int, frame_step_samples: int) -> np.ndarray:
    """Level (dB of mean power, float64) of ``num_frames`` frames of a 16 kHz waveform: frame
    ``i`` spans :data:`LEVEL_WINDOW_SAMPLES` samples from ``i * frame_step_samples`` (zeros past
    the end). The audio is read a block at a time."""
    levels = np.empty(num_frames, dtype=np.float64)
    frames_per_block = max(1, LEVEL_BLOCK_SAMPLES // frame_step_samples)
    for first in range(0, num_frames, frames_per_block):
        count = min(frames_per_block, num_frames - first)
        start = first * frame_step_samples
        block = audio.read_padded(start, start + (count - 1) * frame_step_samples + LEVEL_WINDOW_SAMPLES)
        energy = np.concatenate([[0.0], np.cumsum(block.astype(np.float64) ** 2)])
        offsets = np.arange(count) * frame_step_samples
        power = (energy[offsets + LEVEL_WINDOW_SAMPLES] - energy[offsets]) / LEVEL_WINDOW_SAMPLES
        levels[first : first + count] = 10.0 * np.log10(power + 1e-10)
    return levels


def unconfirmed_frames(
    speech: np.ndarray, count: np.ndarray, voiced: np.ndarray, levels_db: np.ndarray, frame_step_s: float
) -> np.ndarray:
    """Frames of ``speech`` (per-frame flags of the network's speech) that webrtcvad does not
    confirm although they are loud: no ``voiced`` frame within :data:`VOICE_MARGIN_S`, a level
    within :data:`BACKGROUND_LEVEL_DB` of the speech level (median level of the frames that are
    voiced with ``count`` >= :data:`CONFIDENT_COUNT`), in runs of at least
    :data:`MIN_BACKGROUND_RUN_S`. None when no frame sets the speech level."""
    confident = voiced & (count >= CONFIDENT_COUNT)
    if not confident.any():
        return np.zeros(len(speech), dtype=bool)
    speech_level_db = float(np.median(levels_db[confident]))
    near_voice = _dilate(voiced, int(round(VOICE_MARGIN_S / frame_step_s)))
    loud = levels_db - speech_level_db > BACKGROUND_LEVEL_DB
    return _long_runs(speech & ~near_voice & loud, int(round(MIN_BACKGROUND_RUN_S / frame_step_s)))


def background_present(unconfirmed: np.ndarray, frame_step_s: float) -> np.ndarray:
    """Per-frame flags: unconfirmed frames fill at least :data:`BACKGROUND_SHARE` of the
    :data:`BACKGROUND_WINDOW_S` seconds centred on the frame (cut at the recording's ends)."""
    half = int(round(BACKGROUND_WINDOW_S / frame_step_s / 2))
    totals = np.concatenate([[0], np.cumsum(unconfirmed, dtype=np.int64)])
    index = np.arange(len(unconfirmed))
    low, high = np.maximum(index - half, 0), np.minimum(index + half + 1, len(unconfirmed))
    return (totals[high] - totals[low]) >= BACKGROUND_SHARE * (high - low)


def find_background(
    speech: np.ndarray,
    count: np.ndarray,
    voiced: np.ndarray,
    audio: AudioSource,
    frame_step_s: float,
    frame_step_samples: int,
) -> np.ndarray:
    """Per-frame flags: the recording has a speech-like background around the frame
    (:func:`background_present` of its :func:`unconfirmed_frames`); all False when it has none.

    ``speech``: the network's speech flags; ``count``: its expected speaker count; ``voiced``:
    webrtcvad's voice flags, all on the same frame grid (``frame_step_s`` seconds,
    ``frame_step_samples`` samples of the 16 kHz ``audio`` apart)."""
    near_voice = _dilate(voiced, int(round(VOICE_MARGIN_S / frame_step_s)))
    unheard = _long_runs(speech & ~near_voice, int(round(MIN_BACKGROUND_RUN_S / frame_step_s)))
    if not background_present(unheard, frame_step_s).any():
        return np.zeros(len(speech), dtype=bool)  # even at any level: no need to read the audio again
    levels_db = frame_levels_db(audio, len(speech), frame_step_samples)
    return background_present(unconfirmed_frames(speech, count, voiced, levels_db, frame_step_s), frame_step_s)


def reject_background(speech: np.ndarray, voiced: np.ndarray, background: np.ndarray, frame_step_s: float) -> np.ndarray:
    """``speech`` (per-frame flags) where ``background`` (:func:`find_background`) holds only
    with a ``voiced`` frame within :data:`VOICE_MARGIN_S`; elsewhere unchanged."""
    near_voice = _dilate(voiced, int(round(VOICE_MARGIN_S / frame_step_s)))
    return speech & ~(background & ~near_voice)


def _dilate(flags: np.ndarray, frames: int) -> np.ndarray:
    """``flags`` widened by ``frames`` on each side."""
    if frames <= 0 or not flags.any():
        return flags.copy()
    totals = np.concatenate([[0], np.cumsum(flags, dtype=np.int64)])
    index = np.arange(len(flags))
    low, high = np.maximum(index - frames, 0), np.minimum(index + frames + 1, len(flags))
    return (totals[high] - totals[low]) > 0


def _long_runs(flags: np.ndarray, min_frames: int) -> np.ndarray:
    """``flags`` keeping only runs of at least ``min_frames`` consecutive set frames."""
    kept = np.zeros(len(flags), dtype=bool)
    for start, end in true_runs(flags):
        if end - start >= min_frames:
            kept[start:end] = True
    return kept


#: webrtcvad settings that confirm a voice under a speech-like background
#: (:func:`without_background`): strictest mode, no padding
VOICED_VAD = VadOptions(aggressiveness=3, speech_pad_s=0.0)


def without_background(
    audio: AudioSource, speech: np.ndarray, speech_probability: np.ndarray, frame_step_s: float
) -> np.ndarray:
    """Per-frame ``speech`` flags less a speech-like background: where a crowd murmurs under the
    recording (:func:`~diarize_plugin.segmentation.background.find_background`), only speech that webrtcvad
    confirms is kept, for the network hears the crowd as speech. ``speech_probability``: the
    network's, per frame (it sets the recording's speech level)."""
    voiced = timeline_to_frames(vad_speech(audio, VOICED_VAD), len(speech), frame_step_s)
    step_samples = int(round(frame_step_s * SAMPLE_RATE))
    found = find_background(speech, speech_probability, voiced, audio, frame_step_s, step_samples)
    return reject_background(speech, voiced, found, frame_step_s)
