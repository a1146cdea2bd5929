"""The voice database file: round trips, privacy, damaged and foreign files, concurrent writers.

No model runs here: voiceprints are seeded random vectors.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from diarize_plugin.errors import DiarizeError
from diarize_plugin.voices import store as store_module
from diarize_plugin.voices.location import VOICE_DB_ENV, default_voice_db_path, voice_db_path
from diarize_plugin.voices.people import Voiceprint
from diarize_plugin.voices.store import VoiceStore
from diarize_plugin.voices.transfer import export_voices, import_voices

SQL_NAME = "Robert'); DROP TABLE people;--"


def voiceprint(seed: int, embedder: str = "campplus", sha: str = "a" * 64) -> Voiceprint:
    embedding = np.random.default_rng(seed).standard_normal(192).astype(np.float32)
    return Voiceprint(embedding, embedder, sha, 4.5 + seed, f"take{seed}.wav", f"{seed:064x}", "2026-01-01T00:00:00+00:00")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "private" / "voices.sqlite3"


def test_a_new_database_is_owner_only_in_an_owner_only_folder(db_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_the_database_is_in_wal_mode_with_a_schema_version(db_path: Path) -> None:
    VoiceStore.open(db_path).close()
    connection = sqlite3.connect(db_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION
    assert connection.execute("PRAGMA application_id").fetchone()[0] == store_module.APPLICATION_ID


def test_location_is_the_user_data_folder_unless_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(VOICE_DB_ENV, raising=False)
    assert voice_db_path() == default_voice_db_path()
    assert "diarize-plugin" in str(default_voice_db_path())
    monkeypatch.setenv(VOICE_DB_ENV, str(tmp_path / "env.sqlite3"))
    assert voice_db_path() == tmp_path / "env.sqlite3"
    assert voice_db_path(tmp_path / "flag.sqlite3") == tmp_path / "flag.sqlite3"


def test_voiceprints_round_trip_bit_for_bit(db_path: Path) -> None:
    prints = [voiceprint(1), voiceprint(2)]
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", prints[:1], note="met at the conference")
        store.add_voiceprints("Alice", prints[1:])
    with VoiceStore.open(db_path, create=False) as store:
        alice = store.person("Alice")
    assert alice.note == "met at the conference"
    assert [p.source_name for p in alice.voiceprints] == ["take1.wav", "take2.wav"]
    for stored, original in zip(alice.voiceprints, prints):
        assert stored.embedding.tobytes() == original.embedding.tobytes()
        assert (stored.embedder, stored.model_sha256) == (original.embedder, original.model_sha256)
        assert stored.speech_s == original.speech_s


def test_sql_like_names_are_stored_as_data(db_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints(SQL_NAME, [voiceprint(1)])
        store.add_voiceprints("Alice", [voiceprint(2)])
        assert [p.name for p in store.people()] == ["Alice", SQL_NAME]
        store.rename(SQL_NAME, "Robert")
        assert store.remove("Robert") == 1
        assert [p.name for p in store.people()] == ["Alice"]


def test_rename_keeps_the_voiceprints_and_refuses_a_taken_name(db_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
        store.add_voiceprints("Bob", [voiceprint(2)])
        store.rename("Alice", "Alicia")
        assert store.person("Alicia").voiceprints[0].source_name == "take1.wav"
        with pytest.raises(DiarizeError, match="already enrolled"):
            store.rename("Alicia", "Bob")
        with pytest.raises(DiarizeError, match="nobody called 'Carol'"):
            store.rename("Carol", "Dave")


def test_remove_leaves_no_trace_of_the_person_in_the_file(db_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Zebediah Quinlan", [voiceprint(1), voiceprint(2)])
        store.add_voiceprints("Alice", [voiceprint(3)])
        secret = voiceprint(1).embedding.tobytes()[:32]
        assert store.remove("Zebediah Quinlan") == 2
    on_disk = b"".join(path.read_bytes() for path in db_path.parent.iterdir())
    assert b"Zebediah" not in on_disk and secret not in on_disk
    with VoiceStore.open(db_path) as store:
        assert [p.name for p in store.people()] == ["Alice"]


@pytest.mark.parametrize("name", ["", "   ", "SPEAKER_03", "tab\there", "x" * 201])
def test_unusable_names_are_refused(db_path: Path, name: str) -> None:
    with VoiceStore.open(db_path) as store, pytest.raises(DiarizeError):
        store.add_voiceprints(name, [voiceprint(1)])


def test_export_then_import_restores_everyone_once(db_path: Path, tmp_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1), voiceprint(2)], note="n")
        store.add_voiceprints(SQL_NAME, [voiceprint(3)])
        export_voices(store, tmp_path / "export.json")
    assert stat.S_IMODE((tmp_path / "export.json").stat().st_mode) == 0o600
    copy = tmp_path / "copy.sqlite3"
    with VoiceStore.open(copy) as store:
        assert import_voices(store, tmp_path / "export.json") == (2, 3)
        assert import_voices(store, tmp_path / "export.json") == (0, 0)
        people = store.people()
    assert [p.name for p in people] == ["Alice", SQL_NAME]
    assert people[0].voiceprints[1].embedding.tobytes() == voiceprint(2).embedding.tobytes()


def test_import_checks_everything_before_writing_anything(db_path: Path, tmp_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
        store.add_voiceprints("Bob", [voiceprint(2)])
        export_voices(store, tmp_path / "export.json")
    document = json.loads((tmp_path / "export.json").read_text())
    document["people"][0]["name"] = "Alice2"
    document["people"][1]["voiceprints"][0]["embedding"][5] = "not a number"
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with VoiceStore.open(db_path) as store:
        with pytest.raises(DiarizeError, match="finite numbers"):
            import_voices(store, tmp_path / "bad.json")
        assert [p.name for p in store.people()] == ["Alice", "Bob"]


def test_a_corrupt_file_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir()
    garbage = np.random.default_rng(0).bytes(4096)
    db_path.write_bytes(garbage)
    with pytest.raises(DiarizeError, match="not a voice database") as raised:
        VoiceStore.open(db_path)
    assert "\n" not in str(raised.value)
    assert db_path.read_bytes() == garbage


def test_a_damaged_database_is_refused_and_left_untouched(db_path: Path) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
    damaged = bytearray(db_path.read_bytes())
    damaged[100:] = b"\xff" * (len(damaged) - 100)  # header kept, every page destroyed
    db_path.write_bytes(bytes(damaged))
    with pytest.raises(DiarizeError, match="damaged|not a diarize-plugin"):
        with VoiceStore.open(db_path) as store:
            store.people()
    assert db_path.read_bytes() == bytes(damaged)


def test_another_programs_database_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir()
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    connection.commit()
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(DiarizeError, match="not a diarize-plugin voice database"):
        VoiceStore.open(db_path)
    assert db_path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    VoiceStore.open(db_path).close()
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {store_module.SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(DiarizeError, match="upgrade diarize-plugin"):
        VoiceStore.open(db_path)


def test_an_older_schema_is_migrated_forward(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with VoiceStore.open(db_path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
    later = store_module.MIGRATIONS + (("ALTER TABLE people ADD COLUMN email TEXT NOT NULL DEFAULT ''",),)
    monkeypatch.setattr(store_module, "MIGRATIONS", later)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(later))
    with VoiceStore.open(db_path) as store:
        assert [p.name for p in store.people()] == ["Alice"]
    connection = sqlite3.connect(db_path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(later)
    assert "email" in [row[1] for row in connection.execute("PRAGMA table_info(people)")]


def test_a_missing_database_is_not_created_for_reading(db_path: Path) -> None:
    with pytest.raises(DiarizeError, match="diarize enroll NAME FILE"):
        VoiceStore.open(db_path, create=False)
    assert not db_path.exists()


def test_two_processes_enrolling_at_once_both_land(db_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        import numpy as np
        from diarize_plugin.voices.people import Voiceprint
        from diarize_plugin.voices.store import VoiceStore
        path, who, other = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
        (path.parent / f"{who}.ready").touch()
        while not (path.parent / f"{other}.ready").exists():  # start together
            time.sleep(0.001)
        for index in range(COUNT):
            embedding = np.full(192, index + 1, dtype=np.float32)
            print_ = Voiceprint(embedding, "campplus", "a" * 64, 5.0, "a.wav", "b" * 64, "2026-01-01T00:00:00+00:00")
            with VoiceStore.open(path) as store:
                store.add_voiceprints(f"{who}{index}", [print_])
        """
    ).replace("COUNT", "60")
    db_path.parent.mkdir(mode=0o700)
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(db_path), who, other])
        for who, other in (("left", "right"), ("right", "left"))
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    with VoiceStore.open(db_path) as store:
        names = {person.name for person in store.people()}
    assert names == {f"{who}{i}" for who in ("left", "right") for i in range(60)}


def test_an_empty_file_given_as_database_becomes_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "given.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    with VoiceStore.open(path) as store:
        store.add_voiceprints("Alice", [voiceprint(1)])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_folder_is_made_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data" / "diarize-plugin"
    data.mkdir(parents=True, mode=0o755)
    data.chmod(0o755)
    monkeypatch.delenv(VOICE_DB_ENV, raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *args, **kwargs: str(data))
    VoiceStore.open().close()
    assert (data / "voices.sqlite3").is_file()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
