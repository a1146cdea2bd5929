"""Model folder, AutoSpeech download (against a local HTTP server) and the model list."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest

from diarize_plugin.embed import model_store
from diarize_plugin.embed.model_store import (
    autospeech_paths,
    autospeech_urls,
    download_autospeech,
    list_models,
    model_dir,
)
from diarize_plugin.errors import DiarizeError
from conftest import write_toy_autospeech


class _MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; ``/truncated/NAME`` promises more bytes than it sends."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/truncated/"):
            body = (Path(self.directory) / self.path.removeprefix("/truncated/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[str]:
    """Base URL of a 127.0.0.1 server holding a valid AutoSpeech model and a non-ONNX file."""
    served = tmp_path / "served"
    write_toy_autospeech(served)
    (served / "not-onnx").mkdir()
    (served / "not-onnx" / "proposed_veri.onnx").write_text("<html>this is not a model</html>")
    for name in ("mean.npy", "std.npy"):
        (served / "not-onnx" / name).write_bytes((served / name).read_bytes())
    handler = functools.partial(_MirrorHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def leftovers(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.exists() else []


def test_explicit_model_dir_wins_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARIZE_MODEL_DIR", str(tmp_path / "from-env"))
    assert model_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_environment_sets_model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARIZE_MODEL_DIR", str(tmp_path / "from-env"))
    assert model_dir() == tmp_path / "from-env"


def test_default_model_dir_is_in_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIARIZE_MODEL_DIR", raising=False)
    assert model_dir().parts[-2:] == ("diarize-plugin", "models")


def test_url_base_environment_points_all_three_files_at_a_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARIZE_AUTOSPEECH_URL_BASE", "http://mirror.example/as/")
    assert autospeech_urls() == {
        "onnx": "http://mirror.example/as/proposed_veri.onnx",
        "mean": "http://mirror.example/as/mean.npy",
        "std": "http://mirror.example/as/std.npy",
    }


def test_default_urls_are_upstream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIARIZE_AUTOSPEECH_URL_BASE", raising=False)
    assert autospeech_urls()["onnx"] == "https://storage.googleapis.com/ailia-models/auto_speech/proposed_veri.onnx"


def test_download_installs_all_three_files(tmp_path: Path, mirror: str) -> None:
    installed = download_autospeech(tmp_path / "models", urls=autospeech_urls(mirror), progress=False)
    assert autospeech_paths(tmp_path / "models") == (
        installed,
        installed.with_name("mean.npy"),
        installed.with_name("std.npy"),
    )
    assert leftovers(tmp_path / "models") == [
        "autospeech",
        "autospeech/mean.npy",
        "autospeech/proposed_veri.onnx",
        "autospeech/std.npy",
    ]


def test_download_shows_progress_on_stderr_only(tmp_path: Path, mirror: str, capsys: pytest.CaptureFixture[str]) -> None:
    download_autospeech(tmp_path / "models", urls=autospeech_urls(mirror), progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "proposed_veri.onnx" in captured.err


def test_missing_file_on_server_leaves_nothing_behind(tmp_path: Path, mirror: str) -> None:
    urls = autospeech_urls(mirror) | {"std": f"{mirror}/no-such-std.npy"}
    with pytest.raises(DiarizeError, match="HTTP 404"):
        download_autospeech(tmp_path / "models", urls=urls, progress=False)
    assert leftovers(tmp_path / "models") == []


def test_truncated_body_leaves_nothing_behind(tmp_path: Path, mirror: str) -> None:
    urls = autospeech_urls(mirror) | {"onnx": f"{mirror}/truncated/proposed_veri.onnx"}
    with pytest.raises(DiarizeError, match="cut short"):
        download_autospeech(tmp_path / "models", urls=urls, progress=False)
    assert leftovers(tmp_path / "models") == []


def test_file_that_is_not_onnx_leaves_nothing_behind(tmp_path: Path, mirror: str) -> None:
    with pytest.raises(DiarizeError, match="not give an ONNX model"):
        download_autospeech(tmp_path / "models", urls=autospeech_urls(f"{mirror}/not-onnx"), progress=False)
    assert leftovers(tmp_path / "models") == []


def test_npy_that_is_not_257_values_is_rejected(tmp_path: Path, mirror: str) -> None:
    urls = autospeech_urls(mirror) | {"mean": f"{mirror}/not-onnx/proposed_veri.onnx"}
    with pytest.raises(DiarizeError, match="257 values"):
        download_autospeech(tmp_path / "models", urls=urls, progress=False)
    assert leftovers(tmp_path / "models") == []


def test_failed_download_keeps_earlier_installation(tmp_path: Path, mirror: str) -> None:
    download_autospeech(tmp_path / "models", urls=autospeech_urls(mirror), progress=False)
    before = {path: path.read_bytes() for path in autospeech_paths(tmp_path / "models")}
    with pytest.raises(DiarizeError):
        download_autospeech(tmp_path / "models", urls=autospeech_urls(f"{mirror}/not-onnx"), progress=False)
    assert {path: path.read_bytes() for path in autospeech_paths(tmp_path / "models")} == before
    assert not any(name.endswith(".part") for name in leftovers(tmp_path / "models"))


def test_unreachable_server_is_a_user_error(tmp_path: Path) -> None:
    urls = autospeech_urls("http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(DiarizeError, match="check your network"):
        download_autospeech(tmp_path / "models", urls=urls, progress=False)


def test_missing_autospeech_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARIZE_MODEL_DIR", str(tmp_path))
    with pytest.raises(DiarizeError, match=r"run `diarize models download autospeech`$"):
        autospeech_paths()


def test_missing_autospeech_hint_keeps_the_model_dir(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match=rf"in {tmp_path}; run `diarize models download autospeech --model-dir {tmp_path}`"):
        autospeech_paths(tmp_path)


def test_model_list_shows_bundled_models_and_missing_autospeech(tmp_path: Path) -> None:
    models = {model.name: model for model in list_models(tmp_path)}
    assert [models[name].kind for name in ("campplus", "segmentation-3.0", "autospeech")] == [
        "bundled",
        "bundled",
        "download",
    ]
    assert models["autospeech"].installed is False and models["autospeech"].size_bytes == 0
    assert models["campplus"].path == model_store.BUNDLED_DIR / "campplus-int8.onnx"
    assert models["campplus-fp32"].path == model_store.BUNDLED_DIR / "campplus.onnx"


def test_model_list_shows_installed_autospeech_with_its_size(tmp_path: Path) -> None:
    onnx_path = write_toy_autospeech(tmp_path / "autospeech")
    autospeech = {model.name: model for model in list_models(tmp_path)}["autospeech"]
    expected_bytes = sum(path.stat().st_size for path in onnx_path.parent.iterdir())
    assert autospeech.installed and autospeech.path == onnx_path and autospeech.size_bytes == expected_bytes
