"""A draft survives the process: the real `trailtui` in a terminal of its
own (a pty), killed with SIGKILL mid-draft, started again, resumes every
character; SIGTERM (and SIGHUP) save before the app ends.

Nothing here sleeps for a fixed time to prove anything: the test reads the
database until the text is there (the autosave runs half a second after the
last key), and the terminal's output until the screen says what it waits for.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from trailtui.feeds.refresh import refresh
from trailtui.store import drafts as stored
from trailtui.store import meta, open_store
from trailtui.workspace import open_workspace

from .ui_support import until

GUARD = 60.0  # seconds: only ever reached if something hangs
_SEQUENCE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|.)"
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pty and POSIX signals")


class Terminal:
    """The app running in a pseudo-terminal of 100x30; what it drew, as text."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,  # its own terminal, as a real one would be
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        # Drained all along: a terminal nobody reads blocks the app's writes.
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.output += data

    def text(self) -> str:
        """Everything drawn so far, escape sequences taken out."""
        with self.lock:
            raw = bytes(self.output)
        return _SEQUENCE.sub(b"", raw).decode("utf-8", "replace")

    def mark(self) -> int:
        with self.lock:
            return len(self.output)

    def drawn_since(self, mark: int) -> str:
        with self.lock:
            raw = bytes(self.output[mark:])
        return _SEQUENCE.sub(b"", raw).decode("utf-8", "replace")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def wait_for_text(self, wanted: str, since: int = 0) -> None:
        until(lambda: wanted in self.drawn_since(since), f"the screen to show {wanted!r}")

    def signal(self, number: int) -> int:
        self.process.send_signal(number)
        return self.process.wait(timeout=GUARD)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=GUARD)
        os.close(self.master)
        self.reader.join(timeout=GUARD)


@pytest.fixture
def world(small_world: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The small world's contacts, its feeds fetched, the feed (not Today) shown first."""
    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    workspace = open_workspace(small_world, url)
    try:
        refresh(workspace.store, force=True)
        meta.put(workspace.store, {"view": "feed"})
    finally:
        workspace.close()
    yield small_world, url


def start(contacts: Path, url: str) -> Terminal:
    program = shutil.which("trailtui") or str(Path(sys.executable).with_name("trailtui"))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    terminal = Terminal([program, "--contacts", str(contacts), "--db", url], env)
    terminal.wait_for_text("Ada on engines")
    return terminal


def open_body(url: str) -> str | None:
    """The one open draft's text, read the way another process reads it."""
    store = open_store(url)
    try:
        drafts = stored.open_drafts(store)
    finally:
        store.close()
    assert len(drafts) <= 1
    return drafts[0].body if drafts else None


def test_a_killed_app_resumes_the_draft_with_every_character(
    world: tuple[Path, str],
) -> None:
    contacts, url = world
    typed = "Killed mid-sentence: “quotes”, ünïcode ✓, no tab (Tab moves on)"
    terminal = start(contacts, url)
    try:
        mark = terminal.mark()
        terminal.type("c")
        terminal.wait_for_text("Thoughtful comment", mark)
        terminal.type(typed)
        until(lambda: (open_body(url) or "").endswith(typed), "the autosave")
        body = open_body(url)
        assert body is not None and body.startswith("Hi Ada, I enjoyed “Ada on engines”. ")
        assert terminal.signal(signal.SIGKILL) == -signal.SIGKILL
    finally:
        terminal.close()
    assert open_body(url) == body  # the kill lost nothing the autosave had written

    again = start(contacts, url)
    try:
        mark = again.mark()
        again.type("c")
        again.wait_for_text("Resumed your draft", mark)
        again.type("!")  # the cursor waits at the end of every character kept
        until(lambda: open_body(url) == f"{body}!", "the resumed draft saved again")
        # SIGTERM saves what the autosave has not yet: typed, then stopped at once.
        mark = again.mark()
        again.type("?")
        again.wait_for_text("!?", mark)
        code = again.signal(signal.SIGTERM)
    finally:
        again.close()
    assert open_body(url) == f"{body}!?"
    # The app ended itself, after saving, with the shell's code for the signal
    # (the signal's default would have killed it: -SIGTERM).
    assert code == 128 + signal.SIGTERM
