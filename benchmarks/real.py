"""The real non-meeting recordings in ``../shared/data/real``: audio paths and references.

Two telephone calls and two broadcast-like excerpts, each ``<name>.wav`` with ``<name>.rttm``
beside it (see ``../shared/README.md``); scored over the whole file at a 0.25 s collar.
"""

from __future__ import annotations

from pathlib import Path

from pyannote.core import Annotation

from diarize_plugin.formats import read_rttm

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
#: the collar the references were made for (coarse hand-made turns)
REAL_COLLAR_S = 0.25


def real_available() -> bool:
    return REAL.is_dir() and any(REAL.glob("*.rttm"))


def real_files() -> list[Path]:
    """The recordings that have a reference beside them, by name."""
    return sorted(path for path in REAL.glob("*.wav") if path.with_suffix(".rttm").is_file())


def real_reference(path: Path) -> Annotation:
    """The reference turns of the recording at ``path`` (named after its stem)."""
    references = read_rttm(path.with_suffix(".rttm"))
    reference = references.get(path.stem) or next(iter(references.values()))
    reference.uri = path.stem
    return reference
