"""Files with personal data are readable by Losen's own user only (0600, folders 0700).

Uploaded files go through Django's storage, which FILE_UPLOAD_PERMISSIONS and
FILE_UPLOAD_DIRECTORY_PERMISSIONS (settings.py) make private. Files Losen writes itself
(a job's export, the KAA file, the SMS outbox) are opened through `open_private`, which
creates them 0600 whatever the process's umask, and makes an existing file 0600 too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path | str) -> Path:
    """The folder (and any missing parents), created 0700; an existing one made 0700."""
    path = Path(path)
    missing = []
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing.append(folder)
    path.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    for folder in [path, *missing]:
        os.chmod(folder, DIRECTORY_MODE)
    return path


def open_private(path: Path | str, mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """`open(path, mode)` for writing ("w", "a", "x", with "b" or not), the file 0600."""
    flags = os.O_WRONLY | os.O_CREAT
    if "a" in mode:
        flags |= os.O_APPEND
    elif "x" in mode:
        flags |= os.O_EXCL
    else:
        flags |= os.O_TRUNC
    descriptor = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
        return os.fdopen(descriptor, mode, **kwargs)
    except BaseException:
        os.close(descriptor)
        raise


def write_private_bytes(path: Path | str, data: bytes) -> None:
    with open_private(path, "wb") as out:
        out.write(data)
