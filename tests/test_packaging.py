"""What the wheel and the repository carry besides code: the plugin's licence, the bundled
models' notices, a bounded ONNX Runtime, and a quick start that leaves the checkout clean."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT

MODELS = REPO_ROOT / "diarize_plugin" / "models"


def install_requires() -> dict[str, str]:
    """``{name: version specifier}`` of setup.cfg's install_requires."""
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / "setup.cfg")
    found = {}
    for line in config["options"]["install_requires"].strip().splitlines():
        name, specifier = re.match(r"([A-Za-z0-9_.\-]+)(.*)", line.strip()).groups()
        found[name.lower()] = specifier.strip()
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel built from a copy of the source tree (no network: the build's own tools)."""
    pytest.importorskip("wheel", reason="the wheel package (test extra) builds the wheel")
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.cfg", "pyproject.toml", "README.md", "LICENSE"):
        if (REPO_ROOT / name).exists():
            shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "diarize_plugin", source / "diarize_plugin",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return zipfile.ZipFile(next(out.glob("*.whl")))


def test_repository_carries_the_mit_licence_it_declares() -> None:
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / "setup.cfg")
    assert config["metadata"]["license"] == "MIT"
    assert (REPO_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_every_bundled_model_has_a_notice() -> None:
    notices = {path.name.removeprefix("NOTICE.") for path in MODELS.glob("NOTICE.*")}
    for model in MODELS.glob("*.onnx"):
        family = model.stem.removesuffix("-int8")
        assert family in notices, f"{model.name} has no NOTICE.{family}"


def test_wheel_carries_the_licence_and_the_model_notices(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    licences = [name for name in names if ".dist-info/" in name and name.rsplit("/", 1)[-1] == "LICENSE"]
    assert licences, names
    assert wheel.read(licences[0]).decode().startswith("MIT License")
    for notice in MODELS.glob("NOTICE.*"):
        assert f"diarize_plugin/models/{notice.name}" in names


def test_onnxruntime_is_bounded_to_the_tested_range() -> None:
    from importlib.metadata import version

    specifier = install_requires()["onnxruntime"]
    upper = re.search(r"<\s*([\d.]+)", specifier)
    lower = re.search(r">=\s*([\d.]+)", specifier)
    assert upper and lower, specifier
    installed = tuple(int(part) for part in version("onnxruntime").split(".")[:2])
    assert tuple(int(part) for part in lower.group(1).split(".")[:2]) <= installed
    assert installed < tuple(int(part) for part in upper.group(1).split(".")[:2])


def test_quick_start_writes_only_what_git_ignores() -> None:
    """The README's first command must not leave an untracked file in the checkout."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip(f"{REPO_ROOT} is not a git checkout")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)\n```", readme, re.S).group(1)
    written = re.findall(r"(?:--out|--rttm)\s+(\S+)", first)
    assert written, first
    for path in written:
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"the quick start writes {path}, which git does not ignore"


def test_no_test_names_a_hard_coded_checkout_path() -> None:
    """Skip reasons name the path a test looked at, wherever the checkout lies."""
    for test_file in sorted((REPO_ROOT / "tests").glob("*.py")):
        if test_file.name == Path(__file__).name:
            continue
        assert "/work/" not in test_file.read_text(encoding="utf-8"), test_file.name
