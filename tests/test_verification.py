"""verify() decides "same speaker" by cosine similarity against a threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from diarize_plugin.embed.autospeech import AutoSpeechEmbedder
from diarize_plugin.errors import DiarizeError
import diarize_plugin
from diarize_plugin.voices.verification import Verification, format_verification, verify
from conftest import LIBRISPEECH, SAMPLE_RATE, speech_like, write_toy_autospeech


def voice(duration_s: float, seed: int) -> np.ndarray:
    """A speech-like voice (3.5 s at least, so that no speech warning is raised); pitch by seed."""
    return speech_like(max(duration_s, 3.5), seed=seed, pitch_hz=110.0 + 20.0 * seed)


@pytest.fixture
def toy_embedder(tmp_path: Path) -> AutoSpeechEmbedder:
    onnx_path = write_toy_autospeech(tmp_path / "autospeech")
    return AutoSpeechEmbedder(onnx_path, onnx_path.with_name("mean.npy"), onnx_path.with_name("std.npy"), threads=1)


def test_printed_form_matches_reference_tool() -> None:
    printed = format_verification(Verification(0.42532125, 0.26, True, "autospeech"))
    assert printed == "similar: 0.42532125\nverification: match (threshold: 0.260)"


def test_printed_form_says_unmatch_below_threshold() -> None:
    printed = format_verification(Verification(0.1, 0.26, False, "autospeech"))
    assert printed.splitlines()[1] == "verification: unmatch (threshold: 0.260)"


def test_same_waveform_matches_itself(toy_embedder: AutoSpeechEmbedder) -> None:
    waveform = voice(3.0, 2)
    result = verify(waveform, waveform, embedder=toy_embedder)
    assert result.similarity == pytest.approx(1.0, abs=1e-6) and result.match


def test_default_threshold_comes_from_embedder(toy_embedder: AutoSpeechEmbedder) -> None:
    result = verify(voice(2.0, 1), voice(2.0, 2), embedder=toy_embedder)
    assert (result.threshold, result.embedder) == (0.26, "autospeech")


def test_match_is_similarity_at_or_above_threshold(toy_embedder: AutoSpeechEmbedder) -> None:
    first, second = voice(2.0, 1), voice(2.0, 2)
    similarity = verify(first, second, embedder=toy_embedder).similarity
    assert verify(first, second, embedder=toy_embedder, threshold=similarity - 1e-6).match
    assert not verify(first, second, embedder=toy_embedder, threshold=min(similarity + 1e-3, 1.0)).match


def test_audio_files_and_waveforms_give_same_result(tmp_path: Path, toy_embedder: AutoSpeechEmbedder) -> None:
    first, second = voice(2.0, 1), voice(2.5, 3)
    soundfile.write(tmp_path / "first.wav", first, 16_000, subtype="FLOAT")
    soundfile.write(tmp_path / "second.wav", second, 16_000, subtype="FLOAT")
    from_files = verify(tmp_path / "first.wav", str(tmp_path / "second.wav"), embedder=toy_embedder)
    from_arrays = verify(first, second, embedder=toy_embedder)
    assert from_files.similarity == pytest.approx(from_arrays.similarity, abs=1e-6)


def test_embedder_can_be_named_with_model_dir(tmp_path: Path) -> None:
    write_toy_autospeech(tmp_path / "models" / "autospeech")
    result = verify(voice(1.0, 0), voice(1.0, 0), embedder="autospeech", model_dir=tmp_path / "models")
    assert result.embedder == "autospeech" and result.match


def test_threshold_outside_cosine_range_is_a_user_error(toy_embedder: AutoSpeechEmbedder) -> None:
    with pytest.raises(DiarizeError, match="between -1 and 1"):
        verify(voice(1.0, 0), voice(1.0, 0), embedder=toy_embedder, threshold=1.5)


def test_two_dimensional_array_is_a_user_error(toy_embedder: AutoSpeechEmbedder) -> None:
    with pytest.raises(DiarizeError, match="1-D"):
        verify(np.zeros((2, 16_000), np.float32), voice(1.0, 0), embedder=toy_embedder)


def test_missing_file_is_a_user_error(tmp_path: Path, toy_embedder: AutoSpeechEmbedder) -> None:
    with pytest.raises(DiarizeError, match="does not exist"):
        verify(tmp_path / "absent.wav", voice(1.0, 0), embedder=toy_embedder)


def test_campplus_tells_librispeech_halves_from_other_voices() -> None:
    pytest.importorskip("diarize_plugin.embed.campplus")
    files = sorted(LIBRISPEECH.glob("*.flac"))[:2]
    if len(files) < 2:
        pytest.skip(f"LibriSpeech excerpts are not at {LIBRISPEECH}")
    first_voice = soundfile.read(files[0], dtype="float32")[0][: 12 * 16_000]
    second_voice = soundfile.read(files[1], dtype="float32")[0][: 8 * 16_000]
    half = len(first_voice) // 2
    same = verify(first_voice[:half], first_voice[half:], embedder="campplus")
    different = verify(first_voice[:half], second_voice, embedder="campplus")
    assert same.similarity > different.similarity + 0.2


def test_package_exports_the_verify_function() -> None:
    from diarize_plugin import verify as exported

    assert exported is verify and callable(diarize_plugin.verify)


@pytest.mark.parametrize("quiet", ["silence", "hiss"])
def test_recording_without_speech_is_refused(toy_embedder: AutoSpeechEmbedder, quiet: str) -> None:
    rng = np.random.default_rng(0)
    noise = {"silence": np.zeros(4 * SAMPLE_RATE, np.float32),
             "hiss": (0.3 * rng.standard_normal(4 * SAMPLE_RATE)).astype(np.float32)}[quiet]
    with pytest.raises(DiarizeError, match="the second waveform holds 0.0 s of speech"):
        verify(voice(3.5, 1), noise, embedder=toy_embedder)


def test_hiss_against_hum_is_refused_naming_the_file(tmp_path: Path, toy_embedder: AutoSpeechEmbedder) -> None:
    time_s = np.arange(8 * SAMPLE_RATE) / SAMPLE_RATE
    hum = sum(np.sin(2 * np.pi * k * 50 * time_s) / k for k in range(1, 6))
    soundfile.write(tmp_path / "hum.wav", (0.1 * hum / np.abs(hum).max()).astype(np.float32), SAMPLE_RATE)
    hiss = (0.03 * np.random.default_rng(1).standard_normal(8 * SAMPLE_RATE)).astype(np.float32)
    soundfile.write(tmp_path / "hiss.wav", hiss, SAMPLE_RATE)
    with pytest.raises(DiarizeError, match=r"hiss\.wav holds 0\.0 s of speech"):
        verify(tmp_path / "hiss.wav", tmp_path / "hum.wav", embedder=toy_embedder)
