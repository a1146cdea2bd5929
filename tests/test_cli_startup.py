"""``diarize --help``, ``--version`` and a mistyped path answer without loading numpy, ONNX
Runtime or scikit-learn (which take seconds to import on a small machine)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY_MODULES = ("numpy", "onnxruntime", "sklearn", "scipy", "pyannote.core", "soundfile", "soxr")


def modules_loaded_by(code: str) -> dict[str, bool]:
    """Which of :data:`HEAVY_MODULES` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY_MODULES!r}}}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_package_loads_no_heavy_module() -> None:
    assert not any(modules_loaded_by("import diarize_plugin, diarize_plugin.cli").values())


def test_every_command_line_parser_builds_without_heavy_modules() -> None:
    code = (
        "from diarize_plugin.cli import COMMANDS\n"
        "import importlib\n"
        "for name in COMMANDS.values():\n"
        "    importlib.import_module('diarize_plugin.cli.' + name).build_parser()"
    )
    assert not any(modules_loaded_by(code).values())


def test_missing_input_is_reported_without_heavy_modules(tmp_path: Path) -> None:
    code = (
        "from diarize_plugin.cli import main\n"
        f"assert main([{str(tmp_path / 'absent.wav')!r}, '--out', {str(tmp_path / 'o.rttm')!r}]) == 2"
    )
    assert not any(modules_loaded_by(code).values())


def test_public_names_load_on_use() -> None:
    import diarize_plugin
    from diarize_plugin.diarization.pipeline import Diarizer
    from diarize_plugin.transcript import merge

    assert diarize_plugin.Diarizer is Diarizer and diarize_plugin.merge is merge
    assert set(diarize_plugin.__all__) <= set(dir(diarize_plugin))
    assert all(callable(getattr(diarize_plugin, name)) for name in diarize_plugin.__all__ if name != "__version__")


def test_a_quiet_run_leaves_stderr_and_tmpdir_clean(tmp_path: Path) -> None:
    """No ONNX Runtime telemetry: no ``$TMPDIR/.ses`` file, and no coloured warning line where
    the home folder cannot be written (a service account); ``-q`` leaves stderr empty."""
    import numpy as np
    import soundfile

    from conftest import SAMPLE_RATE, speech_like

    recording = tmp_path / "voice.wav"
    soundfile.write(recording, np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speech_like(4.0)]), SAMPLE_RATE)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ORT_")}
    environment.update(TMPDIR=str(temporary), HOME=str(not_a_folder), XDG_CACHE_HOME=str(not_a_folder))
    result = subprocess.run(
        [sys.executable, "-m", "diarize_plugin.cli", str(recording), "-q", "--out", str(tmp_path / "voice.rttm")],
        capture_output=True, text=True, timeout=300, env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert list(temporary.iterdir()) == []
