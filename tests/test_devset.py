"""The multi-condition development set: speaker split, telephone channel, sound levels, scripts."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from benchmarks.conversations import SAMPLE_RATE
from benchmarks.sounds import add_at_snr, tones
from benchmarks.telephone import TELEPHONE_RATE, write_telephone_call
from conftest import librispeech_files


def test_tuning_and_test_halves_share_no_speaker() -> None:
    librispeech_files()
    from benchmarks.devset import split_speakers

    tune, test = split_speakers("tune"), split_speakers("test")
    assert not set(tune) & set(test)
    assert len(tune) + len(test) == len(librispeech_files())


def test_telephone_call_is_8_khz_mu_law_with_the_parties_apart_or_summed(tmp_path) -> None:
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE
    channels = np.stack([0.3 * np.sin(2 * np.pi * 1000 * t), np.zeros_like(t)]).astype(np.float32)
    write_telephone_call(channels, tmp_path / "stereo.wav", parties_apart=True)
    write_telephone_call(channels, tmp_path / "mono.wav")
    stereo, stereo_rate = soundfile.read(str(tmp_path / "stereo.wav"))
    mono, mono_rate = soundfile.read(str(tmp_path / "mono.wav"))
    assert stereo_rate == mono_rate == TELEPHONE_RATE
    assert soundfile.info(str(tmp_path / "mono.wav")).subtype == "ULAW"
    assert stereo.shape[1] == 2 and mono.ndim == 1
    assert np.sqrt(np.mean(stereo[:, 1] ** 2)) < 0.01 < np.sqrt(np.mean(stereo[:, 0] ** 2))
    assert np.sqrt(np.mean(mono**2)) == pytest.approx(np.sqrt(np.mean(stereo[:, 0] ** 2)), rel=0.05)


def test_telephone_band_removes_what_lies_below_300_hz(tmp_path) -> None:
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE
    hum = (0.3 * np.sin(2 * np.pi * 60 * t)).astype(np.float32)
    write_telephone_call(np.stack([hum, hum]), tmp_path / "call.wav")
    call, _ = soundfile.read(str(tmp_path / "call.wav"))
    assert np.sqrt(np.mean(call**2)) < 0.01


def test_sound_is_added_at_the_asked_signal_to_noise_ratio() -> None:
    rng = np.random.default_rng(0)
    speech = np.concatenate([rng.normal(0, 0.1, SAMPLE_RATE), np.zeros(SAMPLE_RATE)]).astype(np.float32)
    sound = tones(len(speech), rng)
    mixed = add_at_snr(speech, sound, 10.0)
    added = mixed - speech
    heard = added[np.abs(added) > 0]
    speech_power, sound_power = np.mean(speech[:SAMPLE_RATE] ** 2), np.mean(heard**2)
    assert 10 * np.log10(speech_power / sound_power) == pytest.approx(10.0, abs=1.5)


def test_dialogue_gives_every_speaker_a_turn_and_a_reference() -> None:
    librispeech_files()
    from benchmarks.devset import split_speakers
    from benchmarks.scenes import dialogue

    speakers = split_speakers("tune")[:4]
    scene = dialogue("scene", speakers, 8.0, np.random.default_rng(1), backchannel_probability=1.0)
    assert sorted(scene.reference.labels()) == sorted(speakers) == sorted(scene.tracks)
    assert scene.reference.get_timeline().extent().end <= scene.duration_s
