"""Writing the contacts file safely: atomically, with a backup, text as given.

The user's file is the most precious thing trailtui touches. A save writes a
temporary file beside it, fsyncs it, keeps the previous version as
`contacts.yaml.bak`, and renames the new file into place, so a crash at any
moment leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def save_text(path: str | Path, text: str) -> Path | None:
    """Write text to path atomically; return the backup of the old file, if any.

    The text is written exactly as given (UTF-8, newlines untouched), so the
    user's comments and formatting survive. New files are readable by the
    user only; an existing file keeps its permissions.
    """
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path  # keep the user's symlink
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    backup: Path | None = None
    if mode is not None:
        backup = backup_path(target)
        shutil.copy2(target, backup)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode if mode is not None else 0o600)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)
    return backup


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
