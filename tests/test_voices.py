"""Enroll, identify and name real voices (LibriSpeech), through the command line.

Each person is enrolled from the first seconds of their utterance and recognised on the rest,
so enrollment and test never share audio; one more speaker is never enrolled.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import LIBRISPEECH, SAMPLE_RATE, assert_one_line_error, librispeech_files, run_cli
from diarize_plugin.cli import main
from diarize_plugin.formats import read_rttm
from diarize_plugin.voices.people import Voiceprint
from diarize_plugin.voices.store import VoiceStore

#: LibriSpeech speaker id -> the name they are enrolled under (None: never enrolled)
PEOPLE = {"103": "Alice", "1069": "Robert'); DROP TABLE people;--", "1235": "Chen", "1116": None}
ENROLL_S = 5.0


@pytest.fixture(scope="module")
def voices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Enrollment clips (first 5 s) and test recordings (the rest) of every speaker of PEOPLE,
    the rest also as a LibriSpeech-named folder that synthetic conversations are built from."""
    librispeech_files()
    folder = tmp_path_factory.mktemp("voices")
    (folder / "rest").mkdir()
    paths = {}
    for speaker in PEOPLE:
        source = next(LIBRISPEECH.glob(f"{speaker}-*.flac"))
        waveform, _ = soundfile.read(source, dtype="float32")
        cut = int(ENROLL_S * SAMPLE_RATE)
        soundfile.write(folder / f"enroll{speaker}.wav", waveform[:cut], SAMPLE_RATE)
        soundfile.write(folder / "rest" / source.name, waveform[cut:], SAMPLE_RATE)
        paths[f"enroll{speaker}"] = folder / f"enroll{speaker}.wav"
        paths[f"rest{speaker}"] = folder / "rest" / source.name
    paths["rest"] = folder / "rest"
    return paths


@pytest.fixture(scope="module")
def database(voices: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "voices.sqlite3"
    for speaker, name in PEOPLE.items():
        if name is not None:
            assert main(["enroll", name, str(voices[f"enroll{speaker}"]), "--db", str(path), "-q"]) == 0
    return path


def test_identify_names_an_enrolled_person_from_another_recording(database, voices, capsys) -> None:
    code, out, _ = run_cli(capsys, "identify", voices["rest1069"], "--db", database, "--top", "3", "--json")
    result = json.loads(out)
    assert code == 0 and result["name"] == PEOPLE["1069"]
    similarities = [candidate["similarity"] for candidate in result["candidates"]]
    assert similarities == sorted(similarities, reverse=True)
    assert len(result["candidates"]) == 3


def test_identify_a_voice_never_enrolled_says_unknown_and_exits_1(database, voices, capsys) -> None:
    code, out, _ = run_cli(capsys, "identify", voices["rest1116"], "--db", database, "--segment", "0-6")
    assert code == 1 and out.startswith("unknown (similarity")


def test_threshold_override_decides(database, voices, capsys) -> None:
    code, out, _ = run_cli(capsys, "identify", voices["rest103"], "--db", database, "--threshold", "0.99", "--segment", "0-4")
    assert code == 1 and out.startswith("unknown")


def test_enroll_refuses_less_than_three_seconds_of_speech(database, voices, tmp_path, capsys) -> None:
    waveform, _ = soundfile.read(voices["enroll103"], dtype="float32")
    soundfile.write(tmp_path / "short.wav", waveform[: int(2.5 * SAMPLE_RATE)], SAMPLE_RATE)
    code, _, err = run_cli(capsys, "enroll", "Dora", tmp_path / "short.wav", "--db", database)
    assert_one_line_error(code, err, "less than the 3 s needed")
    assert "Dora" not in run_cli(capsys, "speakers", "list", "--db", database)[1]


def test_enroll_refuses_a_recording_of_two_speakers(database, voices, tmp_path, capsys) -> None:
    first, _ = soundfile.read(voices["rest103"], dtype="float32")
    second, _ = soundfile.read(voices["rest1116"], dtype="float32")
    pause = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    both = np.concatenate([first[: 5 * SAMPLE_RATE], pause, second[: 5 * SAMPLE_RATE]])
    soundfile.write(tmp_path / "two.wav", both, SAMPLE_RATE)
    code, _, err = run_cli(capsys, "enroll", "Dora", tmp_path / "two.wav", "--db", database)
    assert_one_line_error(code, err, "2 speakers")


def test_a_database_of_another_embedder_asks_to_re_enroll(voices, tmp_path, capsys) -> None:
    other = tmp_path / "other.sqlite3"
    embedding = np.ones(512, dtype=np.float32)
    with VoiceStore.open(other) as store:
        store.add_voiceprints("Alice", [Voiceprint(embedding, "autospeech", "c" * 64, 5.0, "a.wav", "d" * 64, "2026-01-01")])
    code, _, err = run_cli(capsys, "identify", voices["rest103"], "--db", other)
    assert_one_line_error(code, err, "re-enroll the people with --embedder campplus")


def test_speakers_commands_round_trip(database, tmp_path, capsys) -> None:
    copy = tmp_path / "copy.sqlite3"
    assert run_cli(capsys, "speakers", "export", tmp_path / "all.json", "--db", database)[0] == 0
    assert run_cli(capsys, "speakers", "import", tmp_path / "all.json", "--db", copy)[0] == 0
    assert run_cli(capsys, "speakers", "rename", "Alice", "Alicia", "--db", copy)[0] == 0
    code, out, _ = run_cli(capsys, "speakers", "remove", "Chen", "--db", copy)
    assert code == 0 and "1 voiceprint deleted" in out and "vacuumed" in out
    names = [person["name"] for person in json.loads(run_cli(capsys, "speakers", "list", "--json", "--db", copy)[1])]
    assert names == ["Alicia", PEOPLE["1069"]]
    code, _, err = run_cli(capsys, "speakers", "show", "Chen", "--db", copy)
    assert_one_line_error(code, err, "nobody called 'Chen'")


def test_diarization_names_enrolled_speakers_and_leaves_the_others_unnamed(
    database, voices, tmp_path, capsys, monkeypatch
) -> None:
    from benchmarks.conversations import build_conversation

    speakers = ["103", "1069", "1116"]  # two enrolled, one never
    conversation, _ = build_conversation(5, num_speakers=3, duration_s=30.0, speakers=speakers, folder=voices["rest"])
    soundfile.write(tmp_path / "meeting.wav", conversation.waveform, SAMPLE_RATE)
    monkeypatch.setenv("DIARIZE_VOICE_DB", str(database))
    code, _, err = run_cli(capsys, tmp_path / "meeting.wav", "--voices", "--out", tmp_path / "meeting.json",
                       "--rttm", tmp_path / "meeting.rttm", "-q")
    assert code == 0, err
    document = json.loads((tmp_path / "meeting.json").read_text())
    enrolled = sorted(PEOPLE[speaker] for speaker in speakers if PEOPLE[speaker])
    assert sorted(document["similarity"]) == enrolled
    assert all(0.3 < value <= 1.0 for value in document["similarity"].values())
    rttm_names = {"_".join(name.split()) for name in enrolled}
    assert rttm_names <= set(read_rttm(tmp_path / "meeting.rttm")["meeting"].labels())
    transcript = "".join(
        f"{i + 1}\n00:00:{2 * i:02d},000 --> 00:00:{2 * i + 2:02d},000\nword {i}\n\n" for i in range(12)
    )
    (tmp_path / "meeting.srt").write_text(transcript)
    assert run_cli(capsys, "merge", tmp_path / "meeting.rttm", tmp_path / "meeting.srt", "--out", tmp_path / "named.srt")[0] == 0
    assert any(f"{name}: word" in (tmp_path / "named.srt").read_text() for name in rttm_names)
    named_right = spoken = 0.0
    for segment, _, speaker in conversation.reference.itertracks(yield_label=True):
        expected = PEOPLE[speaker]
        for item in document["segments"]:
            overlap = min(segment.end, item["end"]) - max(segment.start, item["start"])
            if overlap > 0 and (item["speaker"] == expected or (expected is None and item["speaker"].startswith("SPEAKER_"))):
                named_right += overlap
        spoken += segment.duration
    assert named_right / spoken > 0.9


def test_voices_without_a_database_is_a_one_line_error(voices, tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, voices["enroll103"], "--voices", tmp_path / "none.sqlite3", "--out", tmp_path / "x.rttm")
    assert_one_line_error(code, err, "no voice database")
    assert not (tmp_path / "none.sqlite3").exists() and not (tmp_path / "x.rttm").exists()


# --- issue 19, item 3: enrolling from short clips, and twice from the same file --------------


@pytest.fixture(scope="module")
def short_clips(voices: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three clips of one person (the rest of speaker 103): 2.5, 3 and 3 s."""
    waveform, _ = soundfile.read(voices["rest103"], dtype="float32")
    folder = tmp_path_factory.mktemp("clips")
    paths = []
    for name, (start_s, end_s) in {"a.wav": (0.0, 2.5), "b.wav": (2.5, 5.5), "c.wav": (5.5, 8.5)}.items():
        soundfile.write(folder / name, waveform[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)], SAMPLE_RATE)
        paths.append(folder / name)
    return paths


def test_enroll_pools_short_clips_and_warns_about_the_short_one(short_clips, tmp_path, capsys) -> None:
    database = tmp_path / "voices.sqlite3"
    code, out, err = run_cli(capsys, "enroll", "Erin", *short_clips, "--db", database)
    assert code == 0, err
    assert "diarize: warning: a.wav holds only" in err
    assert out.startswith("enrolled Erin: 3 recordings added, 3 in all")
    with VoiceStore.open(database) as store:
        assert len(store.person("Erin").voiceprints) == 3


def test_enroll_of_clips_too_short_together_is_refused(short_clips, tmp_path, capsys) -> None:
    database = tmp_path / "voices.sqlite3"
    code, _, err = run_cli(capsys, "enroll", "Erin", short_clips[0], "--db", database, "-q")
    assert_one_line_error(code, err, "less than the 3 s needed")


def test_enrolling_the_same_file_again_adds_no_duplicate(short_clips, tmp_path, capsys) -> None:
    database = tmp_path / "voices.sqlite3"
    assert run_cli(capsys, "enroll", "Finn", short_clips[1], short_clips[2], "--db", database, "-q")[0] == 0
    with VoiceStore.open(database) as store:
        before = store.person("Finn")
    code, out, err = run_cli(capsys, "enroll", "Finn", short_clips[1], short_clips[1], "--db", database)
    assert code == 0, err
    assert "already enrolled" in err and "b.wav" in err
    assert out.startswith("enrolled Finn: 0 recordings added, 2 in all")
    with VoiceStore.open(database) as store:
        after = store.person("Finn")
    assert len(after.voiceprints) == 2 and after.speech_s == before.speech_s
