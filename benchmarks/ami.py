"""The AMI development excerpts in ``../shared/data/ami``: audio paths, references, UEM."""

from __future__ import annotations

from pathlib import Path

from pyannote.core import Annotation, Segment, Timeline

from diarize_plugin.formats import read_rttm

AMI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ami"


def ami_available() -> bool:
    return (AMI / "reference.rttm").is_file()


def ami_files() -> list[Path]:
    return sorted(AMI.glob("*.wav"))


def ami_references() -> dict[str, Annotation]:
    return read_rttm(AMI / "reference.rttm")


def ami_uems() -> dict[str, Timeline]:
    uems: dict[str, Timeline] = {}
    for line in (AMI / "reference.uem").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 4:
            uems.setdefault(fields[0], Timeline(uri=fields[0])).add(Segment(float(fields[2]), float(fields[3])))
    return uems
