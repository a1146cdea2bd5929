"""Whether two versions of the code write the same outputs: RTTM, byte for byte.

``--write DIR`` runs the default :class:`~diarize_plugin.Diarizer` on every recording
``benchmarks/der.py`` scores by default (AMI, the real recordings, the development set's
conditions in both splits, the pyannote sample) and the ``pyannote`` decoding and ``webrtcvad``
modes on AMI, the real recordings and the sample, and writes one RTTM per mode and recording
into ``DIR/<mode>/<set>/<name>.rttm``. ``--compare DIR`` does the same in memory and prints one line per
file of ``DIR`` (``identical`` or ``DIFFERS``), then ``identical: N of M``; it exits 1 unless all are.

    python benchmarks/same_outputs.py --write /tmp/before    # on the old code
    python benchmarks/same_outputs.py --compare /tmp/before  # on the new code
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import devset  # noqa: E402
from benchmarks.ami import ami_available  # noqa: E402
from benchmarks.der import MODES, EXAMPLES, ami_items, devset_items, real_items, sample_items  # noqa: E402
from benchmarks.real import real_available  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.formats.rttm import annotation_to_rttm  # noqa: E402

#: the development-set conditions der.py scores by default
DEVSET_CONDITIONS = ("telephone", "telephone-16k", "reverb", "noise", "meeting", "broadcast")


def real_sets() -> list[tuple[str, list]]:
    """AMI, the real recordings and the sample, where present, as (set name, items)."""
    sets = []
    if ami_available():
        sets.append(("ami", ami_items()))
    if real_available():
        sets.append(("real", real_items()))
    if (EXAMPLES / "sample.wav").is_file():
        sets.append(("sample", sample_items()))
    return sets


def outputs() -> Iterator[tuple[str, str]]:
    """(relative file name, RTTM text) of every mode and recording, in a fixed order; names
    repeat across the development set's conditions and splits, so each set has a folder."""
    plan = [("neural", real_sets() + _devset()), ("pyannote", real_sets()), ("webrtcvad", real_sets())]
    for mode, sets in plan:
        diarizer = Diarizer(**MODES[mode])
        for set_name, items in sets:
            for name, audio, _, _ in items:
                annotation = diarizer.run(audio, uri=name)
                yield f"{mode}/{set_name}/{name}.rttm", "".join(annotation_to_rttm(annotation))


def _devset() -> list[tuple[str, list]]:
    if not devset.available():
        return []
    return [
        (f"{condition}-{split}", devset_items(condition, split))
        for condition in DEVSET_CONDITIONS
        for split in devset.SPLITS
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="DIR", help="write the outputs into DIR")
    action.add_argument("--compare", type=Path, metavar="DIR", help="compare the outputs with those in DIR")
    arguments = parser.parse_args()
    if arguments.write is not None:
        for name, text in outputs():
            path = arguments.write / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"{name}: written", flush=True)
        return 0
    expected = {str(path.relative_to(arguments.compare)): path for path in sorted(arguments.compare.rglob("*.rttm"))}
    same = total = 0
    for name, text in outputs():
        reference = expected.pop(name, None)
        total += 1
        if reference is None:
            print(f"{name}: DIFFERS (not in {arguments.compare})", flush=True)
            continue
        identical = reference.read_bytes() == text.encode("utf-8")
        same += identical
        print(f"{name}: {'identical' if identical else 'DIFFERS'}", flush=True)
    for name in expected:
        total += 1
        print(f"{name}: DIFFERS (not written by this code)")
    print(f"identical: {same} of {total}")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
