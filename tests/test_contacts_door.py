"""Changes to contacts.yaml go through one door: off the UI thread, seen as
the app's own (no "changed on disk" after it), reloaded once; a blank file
is a first run; a theme picked in the app is remembered."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

import trailtui.contacts
from trailtui.contacts.starter import STARTER
from trailtui.store import queries
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.add_contact import AddContactScreen
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.welcome import WelcomeScreen

from .ui_support import (
    SIZE,
    main_screen,
    problems_found,
    running,
    screen_text,
    settle,
    shown,
    told,
    wait_for,
    workspace_for,
)


async def test_adding_someone_reads_and_checks_the_file_off_the_ui_thread(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui_thread = threading.current_thread()  # Pilot runs the app on this thread
    parsed_on: list[threading.Thread] = []

    def watched(original: Any) -> Any:
        def parse(*args: Any, **kwargs: Any) -> Any:
            parsed_on.append(threading.current_thread())
            return original(*args, **kwargs)

        return parse

    for module in ("trailtui.contacts", "trailtui.ui.screens.add_contact"):
        monkeypatch.setattr(
            f"{module}.parse_contacts_for", watched(trailtui.contacts.parse_contacts_for)
        )
    ws = workspace_for(small_world, tmp_path)
    # A file watch that looks often: a save must not look like an edit made elsewhere.
    app = TrailApp(ws, watch_every=0.02)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddContactScreen)
        form.query_one("#name", Input).value = "Dee Rivers"
        form.query_one("#why", Input).value = "Kind and sharp."
        parsed_on.clear()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Added Dee Rivers to contacts.yaml." in told(app))
        await settle(pilot)
        await pilot.pause(0.2)  # several looks of the watch after the save
        await settle(pilot)
        assert parsed_on and ui_thread not in parsed_on
        assert queries.contact(ws.store, "dee-rivers") is not None
        said = told(app)
        assert "changed on disk" not in said and "Reloaded" not in said
    assert "  - name: Dee Rivers\n    why: Kind and sharp.\n" in small_world.read_text()
    ws.close()


async def test_an_edit_made_elsewhere_is_still_noticed_after_a_save(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path, watch_every=0.02) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ContactsEditor)
        editor.editor.insert("# saved here\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not editor.modified)
        await pilot.press("escape")
        await settle(pilot)
        small_world.write_text(
            small_world.read_text() + "  - name: Eve Elsewhere\n", encoding="utf-8"
        )
        await wait_for(pilot, lambda: "contacts.yaml changed on disk" in told(app))
        assert "1 added" in told(app)


async def test_a_blank_contacts_file_is_a_first_run_with_the_starter(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("\n  \n", encoding="utf-8")
    ws = workspace_for(contacts, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = app.screen
        assert isinstance(welcome, WelcomeScreen)
        assert "It is empty." in screen_text(app)
        assert "has problems" not in told(app)
        await pilot.click("#starter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsEditor))
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ContactsEditor)
        assert editor.editor.text == STARTER and not editor.modified
    assert contacts.read_text(encoding="utf-8") == STARTER
    assert contacts.with_name("contacts.yaml.bak").read_text() == "\n  \n"  # kept
    ws.close()


async def test_a_file_with_something_in_it_is_never_replaced_by_the_starter(
    tmp_path: Path,
) -> None:
    contacts = tmp_path / "contacts.yaml"
    ws = workspace_for(contacts, tmp_path)  # no file yet: the first run
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        # Meanwhile the user writes the file in another editor.
        contacts.write_text("contacts:\n  - name: Mine\n", encoding="utf-8")
        await pilot.click("#starter")
        await wait_for(pilot, lambda: "already exists" in told(app))
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)  # it can be dismissed or retried
    assert contacts.read_text(encoding="utf-8") == "contacts:\n  - name: Mine\n"
    ws.close()


async def test_a_theme_picked_in_the_app_is_kept_until_the_file_says_otherwise(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        app.theme = "nord"  # what the palette's theme picker does
        await settle(pilot)
    async with running(small_world, tmp_path) as (app, pilot):
        assert app.theme == "nord"
    # A theme written in the file later wins (the last choice made).
    small_world.write_text(
        small_world.read_text().replace("version: 1\n", "version: 1\nsettings: {theme: gruvbox}\n"),
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        assert app.theme == "gruvbox"
        main_screen(app)


async def test_escape_in_the_editor_leaves_at_once_even_with_a_problem_listed(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(small_world.read_text() + "bogus: 1\n", encoding="utf-8")
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ContactsEditor)
        await wait_for(pilot, lambda: problems_found(editor))
        await pilot.press("escape")  # one press: back to the feed
        await settle(pilot)
        main_screen(app)
        # With unsaved edits, one press asks first.
        await pilot.press("E")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, ContactsEditor)
        again.editor.insert("# unsaved\n")
        await pilot.press("escape")
        await shown(pilot, "Leave and lose them?")
