"""Audio read in blocks: the same samples as reading the whole file, warnings for damaged files.

The pipeline never holds a whole recording: it is decoded block by block (libsndfile, or the
ffmpeg pipe), resampled by a streaming resampler, stored as 16-bit samples in a temporary file
and read back a piece at a time.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile
import soxr

from diarize_plugin.audio.decode import SAMPLE_RATE, decoded_blocks, load_audio, prepare_waveform
from diarize_plugin.audio.source import InMemoryAudio, decode_audio
from diarize_plugin.errors import DiarizeError
from diarize_plugin.segmentation.vad import frame_decisions

NATIVE_RATE = 44_100


def noisy_stereo(duration_s: float = 3.3, seed: int = 0) -> np.ndarray:
    """``(frames, 2)`` float32 at 44.1 kHz: different noise in each channel, well within [-1, 1]."""
    rng = np.random.default_rng(seed)
    return (0.2 * rng.standard_normal((int(duration_s * NATIVE_RATE), 2))).clip(-0.9, 0.9).astype(np.float32)


def whole_file_reference(samples: np.ndarray) -> np.ndarray:
    """What decoding the whole file at once gives: channel mean, then one soxr call."""
    mono = samples.mean(axis=1, dtype=np.float32)
    return soxr.resample(mono, NATIVE_RATE, SAMPLE_RATE, quality="HQ").astype(np.float32)


def joined(path: Path, block_s: float) -> np.ndarray:
    return np.concatenate(list(decoded_blocks(path, block_s=block_s)))


@pytest.fixture(scope="module")
def stereo_wav(tmp_path_factory) -> tuple[Path, np.ndarray]:
    path = tmp_path_factory.mktemp("audio") / "stereo.wav"
    soundfile.write(path, noisy_stereo(), NATIVE_RATE, subtype="FLOAT")
    return path, soundfile.read(path, dtype="float32", always_2d=True)[0]


@pytest.fixture(scope="module")
def stereo_m4a(tmp_path_factory) -> tuple[Path, np.ndarray]:
    """An AAC file and what ffmpeg decodes it to, at its native rate, in one piece."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    folder = tmp_path_factory.mktemp("m4a")
    source, target, decoded = folder / "source.wav", folder / "stereo.m4a", folder / "decoded.wav"
    soundfile.write(source, noisy_stereo(), NATIVE_RATE, subtype="PCM_16")
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    for command in (["-i", str(source), "-c:a", "aac", str(target)], ["-i", str(target), "-c:a", "pcm_f32le", str(decoded)]):
        done = subprocess.run([ffmpeg, "-y", "-loglevel", "error", *command], capture_output=True, timeout=60)
        if done.returncode != 0:
            pytest.skip(f"the bundled ffmpeg cannot do this: {done.stderr.decode(errors='replace')[:200]}")
    return target, soundfile.read(decoded, dtype="float32", always_2d=True)[0]


@pytest.mark.parametrize("block_s", [0.05, 0.37, 1.0])
def test_wav_blocks_join_into_the_whole_file_decoding(stereo_wav, block_s: float) -> None:
    path, samples = stereo_wav
    assert np.array_equal(joined(path, block_s), whole_file_reference(samples))


@pytest.mark.parametrize("block_s", [0.05, 0.37, 1.0])
def test_ffmpeg_blocks_join_into_the_whole_file_decoding(stereo_m4a, block_s: float) -> None:
    path, samples = stereo_m4a
    assert np.array_equal(joined(path, block_s), whole_file_reference(samples))


def test_decoded_file_reads_back_load_audio_at_16_bits(stereo_wav) -> None:
    path, _ = stereo_wav
    whole = load_audio(path)
    with decode_audio(path) as audio:
        assert audio.num_samples == len(whole)
        pieces = np.concatenate(list(audio.blocks(1234)))
        assert np.array_equal(audio.read(5000, 7000), pieces[5000:7000])
    assert np.max(np.abs(pieces - whole)) <= 0.5 / 32768 + 1e-9


def test_decoded_file_is_deleted_when_closed(stereo_wav) -> None:
    audio = decode_audio(stereo_wav[0])
    folder = audio.folder
    assert folder.is_dir()
    audio.close()
    assert not folder.exists()


def test_decoded_file_has_no_name_while_it_is_read(stereo_wav, tmp_path: Path) -> None:
    """Unlinked once decoded: a run killed by SIGKILL or the OOM killer leaves no audio behind."""
    with decode_audio(stereo_wav[0], temp_dir=tmp_path) as audio:
        assert audio.read(0, 100).shape == (100,)
        assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_a_killed_run_leaves_no_decoded_audio_and_its_folder_goes_at_the_next_start(stereo_wav, tmp_path: Path) -> None:
    import os
    import signal
    import sys

    script = (
        "import sys, time\n"
        "from diarize_plugin.audio.source import decode_audio\n"
        f"audio = decode_audio({str(stereo_wav[0])!r}, temp_dir={str(tmp_path)!r})\n"
        "print('decoded', flush=True)\n"
        "time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "decoded"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    stale = [path.name for path in tmp_path.iterdir()]
    assert stale and all(name.startswith("diarize-") for name in stale)
    with decode_audio(stereo_wav[0], temp_dir=tmp_path) as audio:
        assert [path.name for path in tmp_path.iterdir()] == [audio.folder.name]


def test_decoding_refuses_what_the_disk_cannot_hold(stereo_wav, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(DiarizeError, match="temporary disk space"):
        decode_audio(stereo_wav[0], temp_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_free_space_margin_follows_the_recording(stereo_wav, monkeypatch, tmp_path: Path) -> None:
    """60 MB free holds a short recording (3.3 s needs 0.1 MB and its margin), and a refusal
    speaks in MB."""
    free = 60 * 10**6
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: shutil._ntuple_diskusage(10**9, 10**9 - free, free))
    with decode_audio(stereo_wav[0], temp_dir=tmp_path) as audio:
        assert audio.num_samples > 0
    free = 40_000
    with pytest.raises(DiarizeError, match=r"needs 1\.1 MB of temporary disk space .* which has 0\.0 MB free"):
        decode_audio(stereo_wav[0], temp_dir=tmp_path)


def test_webrtcvad_in_blocks_decides_as_on_the_whole_waveform(monkeypatch) -> None:
    from conftest import speech_like

    waveform = np.concatenate([speech_like(1.5), np.zeros(8000, dtype=np.float32), speech_like(1.0, seed=2)])
    whole = frame_decisions(InMemoryAudio(waveform), 3)
    monkeypatch.setattr("diarize_plugin.segmentation.vad.FRAMES_PER_BLOCK", 7)
    assert np.array_equal(frame_decisions(InMemoryAudio(waveform), 3), whole)
    assert whole.any() and not whole.all()


# --- damaged files ---------------------------------------------------------------------------


def test_truncated_wav_warns_once_and_keeps_what_is_there(tmp_path: Path) -> None:
    whole = tmp_path / "whole.wav"
    soundfile.write(whole, noisy_stereo(3.0)[:, 0], NATIVE_RATE, subtype="PCM_16")
    path = tmp_path / "truncated.wav"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        waveform = load_audio(path)
    assert [str(w.message) for w in caught if "truncated" in str(w.message)] == [str(caught[0].message)]
    assert len(caught) == 1
    assert 0.9 < len(waveform) / SAMPLE_RATE < 1.1


def test_complete_wav_gives_no_warning(stereo_wav) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_audio(stereo_wav[0])


def test_truncated_mp3_warns_and_keeps_the_decoder_quiet(tmp_path: Path, capfd) -> None:
    whole = tmp_path / "whole.mp3"
    try:
        soundfile.write(whole, noisy_stereo(3.0), NATIVE_RATE, format="MP3")
    except (soundfile.LibsndfileError, TypeError, ValueError) as error:
        pytest.skip(f"this libsndfile cannot write MP3: {error}")
    path = tmp_path / "truncated.mp3"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    capfd.readouterr()
    with pytest.warns(UserWarning, match="truncated"):
        load_audio(path)
    assert capfd.readouterr().err == ""


def test_text_named_mp3_is_one_error_and_no_decoder_chatter(tmp_path: Path, capfd) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("this is a shopping list, not a recording\n" * 50)
    capfd.readouterr()
    with pytest.raises(DiarizeError, match="cannot decode"):
        load_audio(path)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("claimed_rate", [2_000_000_000, 100])
def test_absurd_sample_rate_is_rejected(tmp_path: Path, claimed_rate: int) -> None:
    path = tmp_path / "rate.wav"
    soundfile.write(path, noisy_stereo(1.0)[:, 0], SAMPLE_RATE, subtype="PCM_16")
    header = bytearray(path.read_bytes())
    assert header[12:16] == b"fmt " and int.from_bytes(header[24:28], "little") == SAMPLE_RATE
    header[24:28] = claimed_rate.to_bytes(4, "little")
    header[28:32] = (claimed_rate * 2 % 2**32).to_bytes(4, "little")  # bytes per second
    path.write_bytes(bytes(header))
    with pytest.raises(DiarizeError, match="sample rate"):
        load_audio(path)


# --- arrays from the API ---------------------------------------------------------------------


def test_stereo_arrays_are_averaged_whichever_axis_holds_the_channels() -> None:
    samples = noisy_stereo(0.5)
    expected = whole_file_reference(samples)
    assert np.array_equal(prepare_waveform(samples, NATIVE_RATE), expected)
    assert np.array_equal(prepare_waveform(samples.T, NATIVE_RATE), expected)


def test_array_with_no_channel_axis_is_a_user_error() -> None:
    with pytest.raises(DiarizeError, match="cannot tell channels from samples"):
        prepare_waveform(np.zeros((100, 100), dtype=np.float32), SAMPLE_RATE)
    with pytest.raises(DiarizeError, match="cannot tell channels from samples"):
        prepare_waveform(np.zeros((200, 300), dtype=np.float32), SAMPLE_RATE)
