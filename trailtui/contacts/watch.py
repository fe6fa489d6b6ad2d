"""Noticing that the contacts file changed on disk (an edit made elsewhere).

Polling one small file's metadata is cheap and works on every platform and
file system, including the network and container mounts where change
notifications are lost; editors that save by rename are seen too.
"""

from __future__ import annotations

import os
from pathlib import Path

Signature = tuple[int, int, int] | None  # (inode, size, mtime in ns); None: no file


def signature(path: Path) -> Signature:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


class FileWatch:
    """Says whether a file differs from the version last seen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: Signature = signature(path)

    def changed(self) -> bool:
        """True once per change (the new version counts as seen)."""
        current = signature(self.path)
        if current == self.seen:
            return False
        self.seen = current
        return True

    def mark_seen(self) -> None:
        """Our own save: not a change to react to."""
        self.seen = signature(self.path)
