"""What the app's Pilot tests share: opening the app on real files, waiting
for its workers, and reading what the screen and the user were shown."""

from __future__ import annotations

import contextlib
import html
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from trailtui.ui.app import TrailApp
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.import_contacts import ImportScreen
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.widgets.notice import Notice
from trailtui.workspace import Workspace, open_workspace

SIZE = (150, 40)
S = TypeVar("S", bound=Screen[Any])
HANG_GUARD = 60.0  # seconds: only ever reached if the app hangs


def workspace_for(contacts: Path, tmp_path: Path) -> Workspace:
    return open_workspace(contacts, f"sqlite:///{tmp_path / 'app.sqlite3'}")


def screen_text(app: TrailApp) -> str:
    """What the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def told(app: TrailApp) -> str:
    """Everything the app told the user so far (titles and messages)."""
    return "\n".join(f"{shown.title}: {shown.message}" for shown in app.message_log)


async def settle(pilot: Pilot[None]) -> None:
    """Until no worker runs and the messages their results sent are handled
    (a finished worker's message may start another: wait for that one too)."""
    app = pilot.app
    while True:
        # An exclusive worker cancelled by its successor is normal, and a failed
        # one is the app's to report (tests read what it told): wait on.
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        main = getattr(app, "main", None)
        if isinstance(main, MainScreen) and main.settling:
            continue  # the start-up refresh, the panel following the cursor
        if all(worker.is_finished for worker in app.workers):
            return


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool]) -> None:
    """Until predicate() holds (the screen repaints a frame after its data changes)."""
    deadline = time.monotonic() + HANG_GUARD
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the app never got there")
        await pilot.pause(0.02)


def until(predicate: Callable[[], bool], what: str, guard: float = HANG_GUARD) -> None:
    """Until predicate() holds, for what another process does (no app here)."""
    deadline = time.monotonic() + guard
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain for {what}")
        time.sleep(0.02)


async def shown(pilot: Pilot[None], expected: str) -> str:
    """The screen's text once it shows `expected`."""
    app = pilot.app
    assert isinstance(app, TrailApp)
    await wait_for(pilot, lambda: expected in screen_text(app))
    return screen_text(app)


def problems_found(editor: ContactsEditor) -> bool:
    """The text as it is now has been checked, and has problems (a check of
    the text as it was while typing does not count)."""
    verdict = editor.verdict
    return verdict is not None and verdict.text == editor.editor.text and not verdict.ok


def found_valid(editor: ContactsEditor) -> bool:
    verdict = editor.verdict
    return verdict is not None and verdict.text == editor.editor.text and verdict.ok


async def import_screen(pilot: Pilot[None], path: str | Path) -> ImportScreen:
    """The import screen, with `path` typed and read (its plan, or why not)."""
    app = pilot.app
    assert isinstance(app, TrailApp)
    app.action_import_contacts()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    summary = screen.query_one("#import-summary", Notice)
    await wait_for(pilot, lambda: screen.planned is not None or summary.tone == "error")
    return screen


def main_screen(app: TrailApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), f"on {type(screen).__name__}"
    return screen


@contextlib.asynccontextmanager
async def running(
    contacts: Path, tmp_path: Path, **options: Any
) -> AsyncIterator[tuple[TrailApp, Pilot[None]]]:
    """The app on this contacts file (a database in tmp_path), started and
    settled; its workspace is closed when the block ends."""
    workspace = workspace_for(contacts, tmp_path)
    try:
        app = TrailApp(workspace, **options)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            yield app, pilot
    finally:
        workspace.close()


async def opened(pilot: Pilot[None], key: str, kind: type[S]) -> S:
    """Press key and settle: the screen it opened, which must be a `kind`."""
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{key} opened {type(screen).__name__}, not {kind.__name__}"
    return screen
