"""Handing text to the user's own editor ($VISUAL, then $EDITOR): the app is
suspended while it runs, and the text comes back, or a reason it did not.

The contacts file is edited in place (the app's `run_external_editor`); a
draft is written to a private temporary file first (`edit_text`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported


def editor_command() -> list[str]:
    """The user's editor ($VISUAL, then $EDITOR, then vi), split like a shell would."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        return shlex.split(editor) or ["vi"]
    except ValueError:
        return [editor]


def run_editor(app: App[Any], path: Path) -> subprocess.CompletedProcess[bytes]:
    """The editor on `path`, the app suspended until it exits. Raises
    SuspendNotSupported (a terminal that cannot be handed over) and OSError
    (no such editor): each caller says it its own way."""
    with app.suspend():
        return subprocess.run([*editor_command(), str(path)], check=False)


@dataclass(frozen=True)
class Edited:
    """What the editor gave back: the new text, or why there is none."""

    text: str | None
    problem: str | None = None  # said to the user; the text they had is kept


def edit_text(app: App[Any], text: str, *, suffix: str = ".md") -> Edited:
    """Run the editor on a copy of `text` and read it back (on the UI thread:
    the app is suspended until the editor exits).

    A missing editor, one that exits with an error (vim's `:cq` is how a user
    says "never mind"), a file that is no longer UTF-8 or a terminal that
    cannot be handed over gives no text and a reason."""
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="trailtui-") as folder:  # only the user's (0700)
        path = Path(folder) / f"draft{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            completed = run_editor(app, path)
        except SuspendNotSupported:
            return Edited(None, "This terminal cannot hand over to another editor.")
        except OSError as error:
            return Edited(None, f"Could not start {command[0]}: {error.strerror or error}.")
        if completed.returncode != 0:
            return Edited(None, f"{command[0]} exited with status {completed.returncode}.")
        try:
            return Edited(path.read_bytes().decode("utf-8"))
        except UnicodeError:
            return Edited(None, f"{command[0]} saved the text in another encoding than UTF-8.")
        except OSError as error:
            return Edited(None, f"Could not read the text back: {error.strerror or error}.")
