"""atomic_write_*() leave either the whole new file or the old one, never a piece."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from diarize_plugin.util import atomic
from diarize_plugin.util.atomic import atomic_write_bytes, atomic_write_text
from diarize_plugin.errors import DiarizeError


def test_text_is_written_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "out.srt"
    atomic_write_text(target, "Zoë: héllo\n")
    assert target.read_bytes() == "Zoë: héllo\n".encode("utf-8")


def test_existing_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.rttm"
    target.write_text("old\n")
    atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n"


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "out.json", "{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="does not exist; create it first"):
        atomic_write_text(tmp_path / "absent" / "out.rttm", "x")


def test_failed_rename_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.rttm"
    target.write_text("old\n")

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(DiarizeError, match="Permission denied"):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.rttm"]


def test_interrupt_while_writing_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "out.rttm", "new\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_read_only_folder_is_a_user_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DiarizeError, match="choose a writable output path"):
            atomic_write_text(folder / "out.rttm", "x")
    finally:
        folder.chmod(0o700)
