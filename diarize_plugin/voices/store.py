"""The voice database: enrolled people and their voiceprints, in one SQLite file.

Two tables: ``people`` (name, created, note) and ``voiceprints`` (one row per enrolled
recording: the embedding as a float32 blob, the embedder's name and model sha256, the seconds
of speech it was made from, the source file's name and sha256, when). Never audio.

- Every change runs in one ``BEGIN IMMEDIATE`` transaction; the file is in WAL mode with a busy
  timeout, so two processes enrolling at once both land (the second waits for the first).
- The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` brings an older file
  forward, a newer one is refused. ``application_id`` marks the file as ours: any other file
  (another program's database, a damaged or non-SQLite file) gives a :class:`DiarizeError` and
  is never written to.
- Names are data: every statement takes them as parameters.
- Removing a person deletes their rows with ``secure_delete`` on, then vacuums the file and
  truncates the write-ahead log, so nothing of them is left on disk.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..errors import DiarizeError
from .location import FILE_MODE, create_private_file, voice_db_path
from .people import Person, Voiceprint, check_name, now_utc

#: ``PRAGMA application_id`` of a diarize-plugin voice database ("DzVc")
APPLICATION_ID = 0x447A5663
#: seconds a writer waits for another process's transaction before giving up
BUSY_TIMEOUT_S = 30.0
#: ``MIGRATIONS[i]`` takes a database from schema version ``i`` to ``i + 1``
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE voiceprints (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            embedder TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            dimension INTEGER NOT NULL,
            embedding BLOB NOT NULL,
            speech_s REAL NOT NULL,
            source_name TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            created TEXT NOT NULL
        )""",
        "CREATE INDEX voiceprints_by_person ON voiceprints(person_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_SQLITE_HEADER = b"SQLite format 3\x00"
#: the voiceprint columns :meth:`VoiceStore._voiceprint` reads, in its order
_PRINT_COLUMNS = (
    "voiceprints.embedder, voiceprints.model_sha256, voiceprints.dimension, voiceprints.embedding, "
    "voiceprints.speech_s, voiceprints.source_name, voiceprints.source_sha256, voiceprints.created"
)


class VoiceStore:
    """An open voice database. Use as a context manager, or call :meth:`close`.

    >>> with VoiceStore.open("voices.sqlite3") as store:        # doctest: +SKIP
    ...     print([person.name for person in store.people()])

    Raises :class:`DiarizeError` for a file that is not a voice database (never written to), a
    database from a newer version of the plugin, or one that cannot be read.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, create: bool = True) -> "VoiceStore":
        """Open the database at ``path`` (default: :func:`voice_db_path`).

        A missing file is created (0600, folder 0700) when ``create``; otherwise it is a
        :class:`DiarizeError` that says how to enroll someone first.
        """
        target = voice_db_path(path)
        if target.is_dir():
            raise DiarizeError(f"the voice database {target} is a folder; give a file path with --db")
        if not target.exists():
            if not create:
                raise DiarizeError(
                    f"no voice database at {target}; enroll someone first: diarize enroll NAME FILE"
                )
            create_private_file(target)
        _check_header(target)
        try:
            connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as error:
            raise DiarizeError(f"cannot open the voice database {target}: {error}") from None
        store = cls(target, connection)
        try:
            with store._guard("open"):
                connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    def __enter__(self) -> "VoiceStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    # --- reading -------------------------------------------------------------------------

    def people(self) -> list[Person]:
        """Every enrolled person with their voiceprints, sorted by name."""
        return self._people("", ())

    def person(self, name: str) -> Person:
        """The person called ``name``; :class:`DiarizeError` (listing who is enrolled) if none."""
        found = self._people("WHERE people.name = ?", (name,))
        if not found:
            raise self._unknown(name)
        return found[0]

    def voiceprints_of_model(self, embedder: str, model_sha256: str) -> tuple[list[str], list[Voiceprint]]:
        """Parallel lists ``(names, voiceprints)`` of every voiceprint made by the model
        ``embedder`` / ``model_sha256`` (one query: identification against thousands of people
        reads only what it compares)."""
        with self._guard("read"):
            rows = self._connection.execute(
                f"SELECT people.name, {_PRINT_COLUMNS} FROM voiceprints JOIN people ON people.id = voiceprints.person_id "
                "WHERE voiceprints.embedder = ? AND voiceprints.model_sha256 = ? ORDER BY people.name, voiceprints.id",
                (embedder, model_sha256),
            ).fetchall()
        return [row[0] for row in rows], [self._voiceprint(row[1:]) for row in rows]

    def models(self) -> list[tuple[str, str]]:
        """``(embedder, model sha256)`` of every model that made a stored voiceprint."""
        with self._guard("read"):
            return self._connection.execute(
                "SELECT DISTINCT embedder, model_sha256 FROM voiceprints ORDER BY embedder, model_sha256"
            ).fetchall()

    def names(self) -> list[str]:
        """Names of everyone enrolled, sorted."""
        with self._guard("read"):
            return [row[0] for row in self._connection.execute("SELECT name FROM people ORDER BY name")]

    # --- writing -------------------------------------------------------------------------

    def add_voiceprints(self, name: str, voiceprints: Sequence[Voiceprint], note: str | None = None) -> Person:
        """Add ``voiceprints`` to ``name`` (created if new), all in one transaction.

        ``note`` replaces the person's note when given. Returns the person as stored now.
        """
        name = check_name(name)
        with self._transaction("enroll"):
            self._add(name, voiceprints, note, created=now_utc())
        return self.person(name)

    def add_people(self, people: Sequence[Person]) -> tuple[int, int]:
        """Add ``people`` (an import) in one transaction: new names are created, known ones get
        the voiceprints they do not have yet (same model, source and embedding). Returns
        ``(people added, voiceprints added)``."""
        added_people = added_prints = 0
        with self._transaction("import"):
            for person in people:
                row = self._connection.execute("SELECT id FROM people WHERE name = ?", (person.name,)).fetchone()
                known = set()
                if row is None:
                    added_people += 1
                else:
                    known = {
                        (embedder, sha, blob)
                        for embedder, sha, blob in self._connection.execute(
                            "SELECT embedder, model_sha256, embedding FROM voiceprints WHERE person_id = ?", (row[0],)
                        )
                    }
                fresh = [p for p in person.voiceprints if (p.embedder, p.model_sha256, _blob(p.embedding)) not in known]
                self._add(person.name, fresh, person.note if row is None else None, created=person.created)
                added_prints += len(fresh)
        return added_people, added_prints

    def rename(self, old: str, new: str) -> None:
        """Call ``old`` ``new`` from now on; :class:`DiarizeError` if ``old`` is unknown or
        ``new`` taken."""
        new = check_name(new)
        with self._transaction("rename"):
            if self._connection.execute("SELECT 1 FROM people WHERE name = ?", (new,)).fetchone():
                raise DiarizeError(f"{new!r} is already enrolled; remove or rename that person first")
            if self._connection.execute("UPDATE people SET name = ? WHERE name = ?", (new, old)).rowcount == 0:
                raise self._unknown(old)

    def remove(self, name: str) -> int:
        """Delete ``name`` and all their voiceprints, then vacuum the file so the deleted bytes
        are gone from disk. Returns the number of voiceprints deleted."""
        with self._transaction("remove"):
            row = self._connection.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise self._unknown(name)
            removed = self._connection.execute("DELETE FROM voiceprints WHERE person_id = ?", (row[0],)).rowcount
            self._connection.execute("DELETE FROM people WHERE id = ?", (row[0],))
        with self._guard("vacuum"):
            self._connection.execute("VACUUM")
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(removed)

    # --- inside --------------------------------------------------------------------------

    def _prepare(self) -> None:
        """Check the file is ours (or empty), then bring its schema to :data:`SCHEMA_VERSION`."""
        connection = self._connection
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA secure_delete = ON")
        self._check_identity()
        if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            with self._transaction("migrate"):
                self._check_identity()  # another process may have set it up meanwhile
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:
                    _make_private(self.path)  # an empty file given with --db becomes a voice database
                for migration in MIGRATIONS[version:]:
                    for statement in migration:
                        connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        # in WAL mode a commit then appends to the log without waiting for the disk: the file
        # cannot be corrupted, but a power cut may undo the last enrollments (not a crash)
        connection.execute("PRAGMA synchronous = NORMAL")

    def _check_identity(self) -> None:
        """Refuse a file that is not ours or is newer. Its marks are read in one snapshot:
        read one by one, another process creating the schema meanwhile would show a file with
        tables but no mark yet, which looks like another program's."""
        connection = self._connection
        snapshot = not connection.in_transaction
        if snapshot:
            connection.execute("BEGIN")
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            if snapshot:
                connection.execute("COMMIT")
        if application_id == 0 and version == 0:
            if tables:
                raise self._foreign()
            return
        if application_id != APPLICATION_ID:
            raise self._foreign()
        if version > SCHEMA_VERSION:
            raise DiarizeError(
                f"the voice database {self.path} has schema version {version}, newer than this "
                f"diarize-plugin knows ({SCHEMA_VERSION}); upgrade diarize-plugin"
            )

    def _add(self, name: str, voiceprints: Sequence[Voiceprint], note: str | None, created: str) -> None:
        connection = self._connection
        row = connection.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()
        if row is None:
            person_id = connection.execute(
                "INSERT INTO people (name, created, note) VALUES (?, ?, ?)", (name, created, note or "")
            ).lastrowid
        else:
            person_id = row[0]
            if note is not None:
                connection.execute("UPDATE people SET note = ? WHERE id = ?", (note, person_id))
        connection.executemany(
            "INSERT INTO voiceprints (person_id, embedder, model_sha256, dimension, embedding, speech_s, "
            "source_name, source_sha256, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (person_id, p.embedder, p.model_sha256, int(np.size(p.embedding)), _blob(p.embedding),
                 float(p.speech_s), p.source_name, p.source_sha256, p.created)
                for p in voiceprints
            ],
        )

    def _people(self, where: str, parameters: tuple) -> list[Person]:
        with self._guard("read"):
            people = self._connection.execute(
                f"SELECT id, name, created, note FROM people {where} ORDER BY name", parameters
            ).fetchall()
            prints = self._connection.execute(
                f"SELECT voiceprints.person_id, {_PRINT_COLUMNS} FROM voiceprints JOIN people ON people.id = "
                f"voiceprints.person_id {where} ORDER BY voiceprints.id",
                parameters,
            ).fetchall()
        by_person: dict[int, list[Voiceprint]] = {}
        for row in prints:
            by_person.setdefault(row[0], []).append(self._voiceprint(row[1:]))
        return [Person(name, created, note, tuple(by_person.get(key, ()))) for key, name, created, note in people]

    def _voiceprint(self, row: tuple) -> Voiceprint:
        embedder, sha, dimension, blob, speech_s, source_name, source_sha, created = row
        if not isinstance(blob, bytes) or len(blob) != 4 * dimension:
            raise self._damaged(f"a voiceprint of {dimension} values holds {len(blob) if isinstance(blob, bytes) else 0} bytes")
        return Voiceprint(np.frombuffer(blob, dtype="<f4").astype(np.float32), embedder, sha, float(speech_s),
                          source_name, source_sha, created)

    @contextmanager
    def _transaction(self, action: str) -> Iterator[None]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``) so concurrent writers
        queue on the busy timeout instead of failing half-way."""
        with self._guard(action):
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """SQLite errors as one-line :class:`DiarizeError`s."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DiarizeError(
                    f"the voice database {self.path} stayed locked by another process for {BUSY_TIMEOUT_S:.0f} s "
                    f"({action}); try again when it has finished"
                ) from None
            if "readonly" in str(error) or "read-only" in str(error):
                raise DiarizeError(f"the voice database {self.path} is read-only; cannot {action}") from None
            raise self._damaged(str(error)) from None
        except sqlite3.DatabaseError as error:
            raise self._damaged(str(error)) from None

    def _foreign(self) -> DiarizeError:
        return DiarizeError(
            f"{self.path} is not a diarize-plugin voice database (another program's file); "
            "it was left untouched: give another path with --db"
        )

    def _damaged(self, detail: str) -> DiarizeError:
        return DiarizeError(
            f"the voice database {self.path} is damaged ({detail}); it was left untouched: "
            "restore it from an export or give another path with --db"
        )

    def _unknown(self, name: str) -> DiarizeError:
        names = [row[0] for row in self._connection.execute("SELECT name FROM people ORDER BY name LIMIT 11")]
        listed = ", ".join(repr(n) for n in names[:10]) + (", ..." if len(names) > 10 else "") or "nobody yet"
        return DiarizeError(f"nobody called {name!r} is enrolled in {self.path}; enrolled: {listed}")


def _check_header(path: Path) -> None:
    """Refuse, before SQLite touches it, a non-empty file that does not start as SQLite."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise DiarizeError(f"cannot read the voice database {path}: {error.strerror or error}") from None
    if header and header != _SQLITE_HEADER:
        raise DiarizeError(
            f"{path} is not a voice database (not an SQLite file, or damaged); it was left untouched: "
            "give another path with --db"
        )


def _make_private(path: Path) -> None:
    try:
        os.chmod(path, FILE_MODE)
    except OSError:
        pass  # not the owner: the file keeps the mode its owner gave it


def _blob(embedding: np.ndarray) -> bytes:
    return np.asarray(embedding, dtype="<f4").ravel().tobytes()
