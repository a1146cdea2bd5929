"""Where models live: the bundled ones in the package, downloaded ones in a cache folder.

Bundled (shipped in the wheel, under ``diarize_plugin/models/``):

- ``campplus``: CAM++ speaker embeddings (3D-Speaker, Apache-2.0);
- ``segmentation-3.0``: pyannote speaker segmentation (MIT).

Installed on request (``diarize models download autospeech``) into :func:`model_dir`:

- ``autospeech``: ailia-models' ONNX export of AutoSpeech (``proposed_veri.onnx``) and its
  ``mean.npy``/``std.npy``, in ``<model dir>/autospeech/``. Licence: the AutoSpeech code is MIT
  (VITA-Group, 2020); ailia-models is MIT and ships that same MIT LICENSE in
  ``audio_processing/auto_speech/``. Neither states separate terms for the trained weights or
  the ONNX export, which were trained on VoxCeleb1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Mapping

import platformdirs
from tqdm import tqdm

from ..errors import DiarizeError
from .autospeech import N_BINS, WINDOW_FRAMES, load_bin_statistics
from ..util.onnx_session import open_session

#: environment variable that overrides the model folder
MODEL_DIR_ENV = "DIARIZE_MODEL_DIR"
#: environment variable holding a base URL that serves the three AutoSpeech files by name
AUTOSPEECH_URL_BASE_ENV = "DIARIZE_AUTOSPEECH_URL_BASE"

BUNDLED_DIR = Path(__file__).resolve().parents[1] / "models"

AUTOSPEECH_FILES = {"onnx": "proposed_veri.onnx", "mean": "mean.npy", "std": "std.npy"}
AUTOSPEECH_URLS = {
    "onnx": "https://storage.googleapis.com/ailia-models/auto_speech/proposed_veri.onnx",
    "mean": "https://raw.githubusercontent.com/axinc-ai/ailia-models/master/audio_processing/auto_speech/mean.npy",
    "std": "https://raw.githubusercontent.com/axinc-ai/ailia-models/master/audio_processing/auto_speech/std.npy",
}
AUTOSPEECH_LICENCE = "MIT (AutoSpeech, VITA-Group; ailia-models export, no separate terms for the weights)"

_CHUNK_BYTES = 1 << 16
_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ModelInfo:
    """One model the plugin knows about.

    ``kind``: ``"bundled"`` (in the package) or ``"download"`` (downloaded on request into
    the model folder; ``installed`` says whether it is there). ``path``: the ONNX file (where it is or would be). ``size_bytes``: bytes on disk of
    all its files, 0 when not installed.
    """

    name: str
    kind: str
    path: Path
    size_bytes: int
    licence: str
    installed: bool


def model_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Folder for downloaded models: ``override``, else ``$DIARIZE_MODEL_DIR``, else the user
    cache folder (``platformdirs.user_cache_dir("diarize-plugin")/models``). Not created here."""
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    configured = os.environ.get(MODEL_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("diarize-plugin")) / "models"


def autospeech_urls(base: str | None = None) -> dict[str, str]:
    """Download addresses of the three AutoSpeech files (keys ``onnx``, ``mean``, ``std``).

    ``base`` (or ``$DIARIZE_AUTOSPEECH_URL_BASE``) is a URL that serves all three by file name,
    e.g. a mirror; without either, the upstream addresses in :data:`AUTOSPEECH_URLS`.
    """
    base = base or os.environ.get(AUTOSPEECH_URL_BASE_ENV)
    if not base:
        return dict(AUTOSPEECH_URLS)
    return {role: f"{base.rstrip('/')}/{filename}" for role, filename in AUTOSPEECH_FILES.items()}


def _autospeech_targets(folder: Path) -> dict[str, Path]:
    return {role: folder / "autospeech" / filename for role, filename in AUTOSPEECH_FILES.items()}


def autospeech_paths(model_dir: str | os.PathLike[str] | None = None) -> tuple[Path, Path, Path]:
    """``(onnx, mean, std)`` paths of the installed AutoSpeech model.

    Raises :class:`DiarizeError` with the install command when any of the three is missing.
    """
    folder = _resolve_dir(model_dir)
    targets = _autospeech_targets(folder)
    if not all(path.is_file() for path in targets.values()):
        option = f" --model-dir {model_dir}" if model_dir is not None and str(model_dir) != "" else ""
        raise DiarizeError(
            f"AutoSpeech is not installed in {folder}; run `diarize models download autospeech{option}`"
        )
    return targets["onnx"], targets["mean"], targets["std"]


def download_autospeech(
    model_dir: str | os.PathLike[str] | None = None,
    urls: Mapping[str, str] | None = None,
    progress: bool = True,
) -> Path:
    """Download, check and install AutoSpeech; returns the installed ONNX path.

    ``urls``: addresses for ``onnx``, ``mean`` and ``std`` (default :func:`autospeech_urls`).
    Each file goes to a temporary file beside its destination (a tqdm bar on stderr when
    ``progress``), then all three are checked: the ONNX file must load in ONNX Runtime with input
    ``(N, 300, 257)``, ``mean.npy``/``std.npy`` must be plain arrays of 257 values. Only then are
    they moved into place. Any failure (HTTP error, a body shorter than its Content-Length, a
    file that is not what it should be) removes the temporary files and raises
    :class:`DiarizeError`; an earlier installation is left as it was.
    """
    addresses = dict(urls) if urls is not None else autospeech_urls()
    missing_roles = set(AUTOSPEECH_FILES) - set(addresses)
    if missing_roles:
        raise ValueError(f"urls lacks {sorted(missing_roles)}")
    targets = _autospeech_targets(_resolve_dir(model_dir))
    folder = targets["onnx"].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DiarizeError(f"cannot create model folder {folder} ({error.strerror}); choose another with --model-dir") from None
    downloaded: dict[str, Path] = {}
    try:
        for role, target in targets.items():
            downloaded[role] = _download_to_temporary(addresses[role], target, progress)
        _check_autospeech(downloaded, addresses)
        for role, target in targets.items():
            os.replace(downloaded[role], target)
    finally:
        for temporary in downloaded.values():
            temporary.unlink(missing_ok=True)
        _remove_if_empty(folder)
    return targets["onnx"]


def _resolve_dir(override: str | os.PathLike[str] | None) -> Path:
    """:func:`model_dir`, callable where a parameter named ``model_dir`` hides it."""
    return model_dir(override)


def _remove_if_empty(folder: Path) -> None:
    # a failed first download must not leave an empty autospeech/ folder that looks installed
    try:
        folder.rmdir()
    except OSError:
        pass


def _download_to_temporary(url: str, target: Path, progress: bool) -> Path:
    """Fetch ``url`` into a new hidden ``.part`` file beside ``target``; return its path."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as sink:
            _stream(url, sink, target.name, progress)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _stream(url: str, sink: BinaryIO, label: str, progress: bool) -> None:
    """Copy the body of ``url`` into ``sink``; DiarizeError on HTTP errors or a short body."""
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:
            length_header = response.headers.get("Content-Length")
            expected = int(length_header) if length_header and length_header.isdigit() else None
            received = 0
            with tqdm(
                total=expected, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                file=sys.stderr, disable=not progress, leave=False,
            ) as bar:
                while chunk := response.read(_CHUNK_BYTES):
                    sink.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as error:
        raise DiarizeError(
            f"download of {url} failed: HTTP {error.code} {error.reason}; "
            f"check the address (or ${AUTOSPEECH_URL_BASE_ENV}) and try again"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise DiarizeError(
            f"download of {url} failed ({reason}); check your network connection and try again"
        ) from None
    if expected is not None and received != expected:
        raise DiarizeError(
            f"download of {url} was cut short ({received} of {expected} bytes); try again"
        )


def _check_autospeech(downloaded: Mapping[str, Path], addresses: Mapping[str, str]) -> None:
    """Raise DiarizeError unless the downloaded files are a usable AutoSpeech model."""
    try:
        session = open_session(downloaded["onnx"])
    except DiarizeError:
        raise DiarizeError(
            f"{addresses['onnx']} did not give an ONNX model that ONNX Runtime can load; "
            "nothing was installed: check the address and try again"
        ) from None
    shape = list(session.get_inputs()[0].shape)
    if len(shape) != 3 or shape[1:] != [WINDOW_FRAMES, N_BINS]:
        raise DiarizeError(
            f"{addresses['onnx']} has input shape {shape}, not (N, {WINDOW_FRAMES}, {N_BINS}); "
            "it is not AutoSpeech: nothing was installed"
        )
    for role in ("mean", "std"):
        try:
            load_bin_statistics(downloaded[role], role)
        except DiarizeError:
            raise DiarizeError(
                f"{addresses[role]} is not a .npy array of {N_BINS} values; nothing was installed: "
                "check the address and try again"
            ) from None


def _size_bytes(paths: list[Path]) -> int:
    return sum(path.stat().st_size for path in paths if path.is_file())


def list_models(model_dir: str | os.PathLike[str] | None = None) -> list[ModelInfo]:
    """The bundled models and the downloadable ones, with where they are and whether present."""
    campplus = BUNDLED_DIR / "campplus-int8.onnx"
    campplus_fp32 = BUNDLED_DIR / "campplus.onnx"
    segmentation = BUNDLED_DIR / "segmentation-3.0-int8.onnx"
    segmentation_fp32 = BUNDLED_DIR / "segmentation-3.0.onnx"
    autospeech = _autospeech_targets(_resolve_dir(model_dir))
    autospeech_installed = all(path.is_file() for path in autospeech.values())
    bundled = [
        ("campplus", campplus, "Apache-2.0"),
        ("campplus-fp32", campplus_fp32, "Apache-2.0"),
        ("segmentation-3.0", segmentation, "MIT"),
        ("segmentation-3.0-fp32", segmentation_fp32, "MIT"),
    ]
    return [
        *(ModelInfo(name, "bundled", path, _size_bytes([path]), licence, path.is_file()) for name, path, licence in bundled),
        ModelInfo(
            "autospeech",
            "download",
            autospeech["onnx"],
            _size_bytes(list(autospeech.values())) if autospeech_installed else 0,
            AUTOSPEECH_LICENCE,
            autospeech_installed,
        ),
    ]
