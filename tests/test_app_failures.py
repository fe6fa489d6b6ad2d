"""One error path: a failure in any worker is shown (what failed, what was
kept), logged with its traceback, and leaves the user's file and data as
they were."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, NoReturn

import pytest
from textual.widgets import Input

from trailtui import paths
from trailtui.store.errors import StoreError
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.add_contact import AddContactScreen
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.feed_health import FeedHealthScreen
from trailtui.ui.screens.import_contacts import ImportScreen

from .ui_support import SIZE, import_screen, running, settle, told, wait_for, workspace_for

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def disk_full(*args: Any, **kwargs: Any) -> NoReturn:
    raise OSError(errno.ENOSPC, "No space left on device", "contacts.yaml")


def logged() -> str:
    log = paths.log_path()
    return log.read_text(encoding="utf-8") if log.exists() else ""


async def test_a_failed_save_in_the_editor_is_told_and_keeps_the_text(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = small_world.read_bytes()
    monkeypatch.setattr("trailtui.ui.screens.contacts_editor.save_text", disk_full)
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ContactsEditor)
        editor.editor.insert("# a new comment\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Saving contacts.yaml failed" in told(app))
        await settle(pilot)
        assert "contacts.yaml: No space left on device." in told(app)
        assert "Your text is still here in the editor" in told(app)
        assert editor.modified and not editor.saving
        assert "# a new comment" in editor.editor.text
        assert app.screen is editor
    assert small_world.read_bytes() == original
    assert "Saving contacts.yaml failed" in logged() and "Traceback" in logged()
    ws.close()


async def test_a_failed_add_is_told_and_the_form_keeps_what_was_typed(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = small_world.read_bytes()
    monkeypatch.setattr("trailtui.ui.screens.add_contact.save_text", disk_full)
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddContactScreen)
        form.query_one("#name", Input).value = "Dee Rivers"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Adding Dee Rivers failed" in told(app))
        await settle(pilot)
        assert "No space left on device" in told(app)
        assert app.screen is form and form.query_one("#name", Input).value == "Dee Rivers"
        assert not form.query_one("#add").disabled  # it can be tried again
    assert small_world.read_bytes() == original
    assert "Adding Dee Rivers failed" in logged()


async def test_a_failed_import_is_told_and_writes_nothing(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = small_world.read_bytes()
    monkeypatch.setattr("trailtui.ui.screens.import_contacts.apply_plan", disk_full)
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await import_screen(pilot, FIXTURES / "subscriptions.opml")
        await pilot.click("#apply")
        await wait_for(pilot, lambda: "Importing contacts failed" in told(app))
        await settle(pilot)
        assert app.screen is screen and not screen.query_one("#apply").disabled
    assert small_world.read_bytes() == original


async def test_an_unreadable_import_file_is_told(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> NoReturn:
        raise MemoryError("the file is too big to plan")

    monkeypatch.setattr("trailtui.ui.screens.import_contacts.plan_file", broken)
    async with running(small_world, tmp_path) as (app, pilot):
        app.action_import_contacts()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(FIXTURES / "subscriptions.opml")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Could not read the file" in told(app))
        assert "MemoryError: the file is too big to plan" in told(app)


async def test_a_failed_feed_health_load_is_told(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: Any) -> NoReturn:
        raise StoreError("the database is locked by another program")

    monkeypatch.setattr("trailtui.ui.screens.feed_health.queries.feed_health", locked)
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("F")
        await wait_for(pilot, lambda: "Could not read the feeds' health" in told(app))
        assert isinstance(app.screen, FeedHealthScreen)
        assert "the database is locked by another program." in told(app)


async def test_a_failed_reload_of_a_changed_file_is_told(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws, watch_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(ws, "reload_contacts", lambda **kw: disk_full())
        small_world.write_text(small_world.read_text() + "# changed\n", encoding="utf-8")
        await wait_for(pilot, lambda: "Could not reload contacts.yaml" in told(app))
        assert "Still using your last valid contacts." in told(app)
    assert "Could not reload contacts.yaml" in logged()
    ws.close()


async def test_a_failed_feed_load_and_a_failed_refresh_are_told(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> NoReturn:
        raise StoreError("the database disk image is malformed")

    monkeypatch.setattr("trailtui.ui.screens.main.queries.merged_feed", broken)
    monkeypatch.setattr("trailtui.feeds.refresh.Refresh.run", broken)
    async with running(small_world, tmp_path) as (app, pilot):
        assert "Could not load the feed" in told(app)
        assert "The refresh failed" in told(app)
        assert "Everything fetched before it is kept." in told(app)
        # The app keeps working: a refresh can be asked for again.
        assert not app.refresher.running
        await pilot.press("r")
        await settle(pilot)
        assert told(app).count("The refresh failed") == 2
