"""Where the voice database lives, and keeping it owner-only.

Default: ``voices.sqlite3`` in the per-user data folder (``platformdirs.user_data_dir``), e.g.
``~/.local/share/diarize-plugin/`` on Linux; ``$DIARIZE_VOICE_DB`` or an explicit path override
it. Voiceprints are biometric data: the file is created readable and writable by its owner only
(0600) and a folder created for it is owner-only (0700).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from ..errors import DiarizeError

#: environment variable naming the voice database file
VOICE_DB_ENV = "DIARIZE_VOICE_DB"
#: file name of the database in the per-user data folder
DEFAULT_FILE_NAME = "voices.sqlite3"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def voice_db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database file: ``override``, else ``$DIARIZE_VOICE_DB``, else the per-user default."""
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    configured = os.environ.get(VOICE_DB_ENV)
    if configured:
        return Path(configured).expanduser()
    return default_voice_db_path()


def default_voice_db_path() -> Path:
    """``voices.sqlite3`` in ``platformdirs.user_data_dir("diarize-plugin")``."""
    return Path(platformdirs.user_data_dir("diarize-plugin")) / DEFAULT_FILE_NAME


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 (its missing folders 0700); ``False`` if it exists.

    The default folder is ours alone, so it is made owner-only even when it already exists; a
    folder the user chose keeps the permissions it has.
    """
    folder = path.parent
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        if path == default_voice_db_path():
            os.chmod(folder, FOLDER_MODE)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    except OSError as error:
        raise DiarizeError(
            f"cannot create the voice database {path}: {error.strerror or error}; choose another path with --db"
        ) from None
    os.close(descriptor)
    os.chmod(path, FILE_MODE)  # whatever the umask
    return True
