"""Names for diarization labels without a voice database: ``SPEAKER_00=Alice,SPEAKER_01=Bob``.

``diarize --names`` takes the pairs inline or from a UTF-8 file with one ``LABEL=NAME`` pair a
line (blank lines and lines starting with ``#`` are skipped; there a name may hold a comma). The names replace the labels in
the annotation before any output is written, so every format carries them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from pyannote.core import Annotation

from ..errors import DiarizeError


def parse_names(text: str, *, source: str = "--names", one_per_line: bool = False) -> dict[str, str]:
    """``{label: name}`` from ``LABEL=NAME`` pairs separated by commas (inline), or one a line
    (``one_per_line``: a file, where a name may hold a comma).

    Raises :class:`DiarizeError` for an entry without ``=``, an empty label or name, a label
    given twice, or one name given to two labels (it would merge two speakers into one).
    """
    names: dict[str, str] = {}
    entries = [entry.strip() for line in text.splitlines() if not line.strip().startswith("#")
               for entry in ([line] if one_per_line else line.split(","))]
    for entry in entries:
        if not entry:
            continue
        label, equals, name = (part.strip() for part in entry.partition("="))
        if not equals or not label or not name:
            raise DiarizeError(f"{source}: {entry!r} is not LABEL=NAME; write e.g. SPEAKER_00=Alice,SPEAKER_01=Bob")
        if label in names:
            raise DiarizeError(f"{source}: {label} is named twice ({names[label]!r} and {name!r}); name it once")
        if name in names.values():
            raise DiarizeError(f"{source}: {name!r} is given to two speakers; give each speaker a name of their own")
        names[label] = name
    if not names:
        raise DiarizeError(f"{source}: no LABEL=NAME pair; write e.g. SPEAKER_00=Alice,SPEAKER_01=Bob")
    return names


def read_names(argument: str) -> dict[str, str]:
    """The pairs of ``--names``: inline when ``argument`` holds ``=``, else read from the file
    it names. Raises :class:`DiarizeError` for a missing or unreadable file and bad pairs."""
    if "=" in argument:
        return parse_names(argument)
    path = Path(argument)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DiarizeError(f"--names {argument}: no such file, and not LABEL=NAME pairs; give "
                           "SPEAKER_00=Alice,SPEAKER_01=Bob or a file of such lines") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise DiarizeError(f"--names {argument}: cannot read it ({reason}); give a UTF-8 file of LABEL=NAME lines") from None
    return parse_names(text, source=os.fspath(path), one_per_line=True)


def rename_speakers(annotation: Annotation, names: Mapping[str, str]) -> Annotation:
    """A copy of ``annotation`` with each label of ``names`` replaced by its name; the other
    labels stay. Raises :class:`DiarizeError` for a label the annotation does not have, or a
    name that another, unrenamed, speaker already carries."""
    labels = {str(label) for label in annotation.labels()}
    unknown = sorted(set(names) - labels)
    if unknown:
        found = ", ".join(sorted(labels)) or "none"
        raise DiarizeError(f"--names: no speaker {', '.join(unknown)} in this recording (its speakers: {found}); "
                           "name only the speakers found")
    kept = labels - set(names)
    taken = sorted(set(names.values()) & kept)
    if taken:
        raise DiarizeError(f"--names: {taken[0]!r} is already the label of another speaker; choose another name")
    return annotation.rename_labels(mapping=dict(names))
