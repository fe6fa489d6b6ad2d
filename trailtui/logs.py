"""The log file: every failure the app shows is also written here, in full.

A toast says what failed and what was kept in a line or two; the log keeps
the traceback for a bug report. Set up once by the app, never at import.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from trailtui import paths

LOGGER = "trailtui"
MAX_BYTES = 1_000_000
BACKUPS = 2


def log_to_file(path: Path | None = None) -> Path | None:
    """Send trailtui's log records to a rotating file (readable by the user only).

    Returns the file, or None if it cannot be written (then nothing is logged:
    the app still shows every failure)."""
    path = path or paths.log_path()
    logger = logging.getLogger(LOGGER)
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return path


def logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}" if name else LOGGER)
