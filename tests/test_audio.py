"""load_audio() turns any common audio file into 16 kHz mono float32, or says what is wrong."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from diarize_plugin.audio.decode import SAMPLE_RATE, load_audio, prepare_waveform
from diarize_plugin.errors import DiarizeError

DURATION_S = 1.5


def tone(sample_rate: int, duration_s: float = DURATION_S, channels: int = 1) -> np.ndarray:
    """A 440 Hz tone at 0.3 amplitude, ``(frames,)`` or ``(frames, channels)``."""
    time_s = np.arange(int(duration_s * sample_rate)) / sample_rate
    mono = (0.3 * np.sin(2 * np.pi * 440.0 * time_s)).astype(np.float32)
    return mono if channels == 1 else np.stack([mono] * channels, axis=1)


def assert_16k_mono(waveform: np.ndarray, duration_s: float = DURATION_S, tolerance_s: float = 0.002) -> None:
    assert waveform.dtype == np.float32
    assert waveform.ndim == 1
    assert abs(len(waveform) / SAMPLE_RATE - duration_s) <= tolerance_s
    assert np.all(np.abs(waveform) <= 1.0)
    assert 0.15 < float(np.max(np.abs(waveform))) < 0.45  # the tone's level survives decoding


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_wav_of_every_sample_format_gives_16k_mono_float32(tmp_path: Path, subtype: str) -> None:
    path = tmp_path / f"tone_{subtype}.wav"
    soundfile.write(path, tone(SAMPLE_RATE), SAMPLE_RATE, subtype=subtype)
    assert_16k_mono(load_audio(path))


def test_stereo_44k1_wav_is_averaged_and_resampled(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    soundfile.write(path, tone(44_100, channels=2), 44_100, subtype="PCM_16")
    assert_16k_mono(load_audio(path))


def test_opposite_channels_average_to_silence(tmp_path: Path) -> None:
    left = tone(SAMPLE_RATE)
    path = tmp_path / "opposite.wav"
    soundfile.write(path, np.stack([left, -left], axis=1), SAMPLE_RATE, subtype="FLOAT")
    assert np.max(np.abs(load_audio(path))) < 1e-6


@pytest.mark.parametrize("extension, file_format", [(".flac", "FLAC"), (".ogg", "OGG"), (".mp3", "MP3")])
def test_compressed_formats_decode_to_16k_mono(tmp_path: Path, extension: str, file_format: str) -> None:
    path = tmp_path / f"tone{extension}"
    try:
        soundfile.write(path, tone(44_100), 44_100, format=file_format)
    except (soundfile.LibsndfileError, TypeError, ValueError) as error:
        pytest.skip(f"this libsndfile cannot write {file_format}: {error}")
    # lossy codecs pad the start and end with a few ms of encoder delay
    tolerance_s = 0.002 if file_format == "FLAC" else 0.1
    assert_16k_mono(load_audio(path), tolerance_s=tolerance_s)


def test_m4a_aac_decodes_through_ffmpeg(tmp_path: Path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    source = tmp_path / "source.wav"
    soundfile.write(source, tone(44_100), 44_100, subtype="PCM_16")
    target = tmp_path / "tone.m4a"
    encoded = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(source), "-c:a", "aac", str(target)],
        capture_output=True,
        timeout=60,
    )
    if encoded.returncode != 0 or not target.is_file():
        pytest.skip(f"the bundled ffmpeg cannot encode AAC: {encoded.stderr.decode(errors='replace')[:200]}")
    assert_16k_mono(load_audio(target), tolerance_s=0.1)


def test_missing_file_says_it_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="does not exist"):
        load_audio(tmp_path / "absent.wav")


def test_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(DiarizeError, match="empty"):
        load_audio(path)


def test_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="is a folder"):
        load_audio(tmp_path)


def test_text_file_renamed_wav_cannot_be_decoded(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("this is a shopping list, not a recording\n" * 20)
    with pytest.raises(DiarizeError, match="cannot decode .* as audio"):
        load_audio(path)


@pytest.mark.parametrize("kept_bytes", [20, 44])
def test_truncated_wav_header_is_a_user_error(tmp_path: Path, kept_bytes: int) -> None:
    whole = tmp_path / "whole.wav"
    soundfile.write(whole, tone(SAMPLE_RATE), SAMPLE_RATE, subtype="PCM_16")
    path = tmp_path / "truncated.wav"
    path.write_bytes(whole.read_bytes()[:kept_bytes])
    with pytest.raises(DiarizeError, match="cannot decode|no audio samples"):
        load_audio(path)


def test_float_wav_with_nan_samples_is_rejected(tmp_path: Path) -> None:
    samples = tone(SAMPLE_RATE)
    samples[100] = np.nan
    path = tmp_path / "nan.wav"
    soundfile.write(path, samples, SAMPLE_RATE, subtype="FLOAT")
    with pytest.raises(DiarizeError, match="NaN"):
        load_audio(path)


def test_integer_arrays_are_scaled_to_unit_range() -> None:
    samples = np.array([0, 16384, -32768], dtype=np.int16)
    np.testing.assert_allclose(prepare_waveform(samples, SAMPLE_RATE), [0.0, 0.5, -1.0])


def test_three_dimensional_array_is_rejected() -> None:
    with pytest.raises(DiarizeError, match="1-D or 2-D"):
        prepare_waveform(np.zeros((4, 2, 2), dtype=np.float32), SAMPLE_RATE)
