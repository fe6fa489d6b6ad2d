"""Reading the contacts file in a forked helper, while start-up goes on.

Loading the contacts schema (pydantic) and validating the file costs the
main process tens of milliseconds on one core before it can create a new
database. `start` forks a helper that does it on another core instead and
sends back what the database mirrors (`contacts.rows`) as JSON, tagged with
the SHA-256 of the bytes it read; `EarlyContacts.result` uses it only for
exactly those bytes. Anything else (a file with problems, a file changed
meanwhile, no helper) makes the caller read the file itself, as always, so
problems are reported the usual way.

Used for a first run into a new SQLite file only: otherwise the database
usually knows the file already (`workspace`) and nothing needs reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import select
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trailtui.store.sync import ContactRows

_SQLITE_FILE = re.compile(r"^sqlite(?:\+\w+)?:///([^?]+)$")
PATIENCE = 10.0  # seconds; it answers in a tenth of one (else: read the file here)


class EarlyContacts:
    """The helper's process and the pipe its answer comes through."""

    def __init__(self, pid: int, pipe: int) -> None:
        self._pid: int | None = pid
        self._pipe = pipe

    def result(self, data: bytes) -> tuple[ContactRows, dict[str, Any]] | None:
        """(rows, settings) of a valid file read as exactly `data`, else None.

        Waits for the helper (which started well before it is needed)."""
        if self._pid is None:
            return None
        chunks = []
        deadline = time.monotonic() + PATIENCE
        with contextlib.suppress(OSError):
            while select.select([self._pipe], [], [], max(0.0, deadline - time.monotonic()))[0]:
                chunk = os.read(self._pipe, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            else:
                chunks = []  # no answer in time
        self.close()
        try:
            answer = json.loads(b"".join(chunks))
        except ValueError:
            return None
        if not isinstance(answer, dict) or answer.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        return answer["rows"], answer["settings"]

    def close(self) -> None:
        if self._pid is None:
            return
        with contextlib.suppress(OSError):
            os.close(self._pipe)
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)  # not needed (any more)
        with contextlib.suppress(OSError):
            os.waitpid(self._pid, 0)
        self._pid = None


def start(contacts: Path, database_url: str) -> EarlyContacts | None:
    """Fork the helper, for a first run into a new SQLite file."""
    match = _SQLITE_FILE.match(database_url)
    if match is None or os.name != "posix" or (os.cpu_count() or 1) < 2:
        return None
    if threading.active_count() > 1:
        return None  # forking a process with threads risks a helper stuck on a lock
    database = match.group(1)
    if database == ":memory:" or database.startswith("file:"):
        return None
    if Path(database).expanduser().exists():
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the helper: never returns, never runs the parent's exit handlers
        code = 0
        try:
            os.close(read_end)
            _answer(contacts, write_end)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    return EarlyContacts(pid, read_end)


def _answer(path: Path, pipe: int) -> None:
    from trailtui.contacts.loader import parse_contacts_for
    from trailtui.contacts.rows import contact_rows, start_up_settings

    data = path.read_bytes()
    # Problems (too big, not UTF-8, invalid) raise: the caller reads the file itself.
    book = parse_contacts_for(path, data)
    answer = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "rows": contact_rows(book),
        "settings": start_up_settings(book),
    }
    encoded = json.dumps(answer).encode()
    while encoded:
        encoded = encoded[os.write(pipe, encoded) :]
    os.close(pipe)
