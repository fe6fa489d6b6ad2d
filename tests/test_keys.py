"""The user's own keys everywhere: bindings, footer, help, palette and hints."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import trailtui.ui
from trailtui.contacts.schema import KEYMAP_ACTIONS
from trailtui.store import queries
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.help import HelpScreen

from .ui_support import (
    found_valid,
    main_screen,
    problems_found,
    running,
    screen_text,
    settle,
    shown,
    wait_for,
)


def ui_bindings() -> list[tuple[str, Binding]]:
    """Every binding declared by a screen, widget or app of trailtui's."""
    found = []
    for info in pkgutil.walk_packages(trailtui.ui.__path__, "trailtui.ui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and issubclass(cls, DOMNode)
                and cls.__module__ == module.__name__
            ):
                for binding in cls.__dict__.get("BINDINGS", []):
                    assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r}"
                    found.append((cls.__name__, binding))
    return found


def test_every_binding_has_an_id_and_the_schema_lists_exactly_those() -> None:
    bindings = ui_bindings()
    missing = [f"{owner}: {b.key} -> {b.action}" for owner, b in bindings if not b.id]
    assert missing == []
    # One id, one action: a screen may bind an id another binds (the trail keys
    # on the feed and in the people view) only for the same action and keys,
    # so one remap in settings.keys moves it everywhere.
    by_id: dict[str, set[tuple[str, str]]] = {}
    for _, binding in bindings:
        by_id.setdefault(binding.id or "", set()).add((binding.action, binding.key))
    shared = {ident: found for ident, found in by_id.items() if len(found) > 1}
    assert shared == {}, "one id, two different actions or keys"
    # settings.keys accepts exactly the ids of the bindings (so all can be remapped).
    assert sorted(KEYMAP_ACTIONS) == sorted(by_id)


def remapped(contacts: Path) -> None:
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(
        text.replace(
            "version: 1\n",
            "version: 1\nsettings:\n  keys: {like: L, refresh: R, undo: U, "
            "editor.save: ctrl+w, editor.next_problem: f9}\n",
        ),
        encoding="utf-8",
    )


async def test_remapped_keys_work_and_every_place_names_them(
    small_world: Path, tmp_path: Path
) -> None:
    remapped(small_world)
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = main_screen(app)
        # The hint in the panel names the user's key.
        text = await shown(pilot, "Nothing yet: press L to like, c to comment.")
        footer = text.strip().splitlines()[-1]
        assert "L Like" in footer  # the footer shows a day's keys; refresh and undo: help
        assert " l Like" not in footer
        # The old key does nothing; the new one records.
        await pilot.press("l")
        await settle(pilot)
        assert queries.trail(store, "ada") == []
        await pilot.press("L")
        await settle(pilot)
        assert [t.kind for t in queries.trail(store, "ada")] == ["like"]
        await pilot.press("k")  # the like moved on to the next unread: back to it
        await pilot.press("L")
        await settle(pilot)
        await shown(pilot, "Already liked “Ada on engines”. Press U to undo it.")
        # The palette offers each action with the key the user has now.
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "Like (L)" in titles and "Refresh (R)" in titles and "Like (l)" not in titles
        # And the help screen.
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {ident: key for key, _, _, ident in help_screen.keys}
        assert keys["like"] == "L" and keys["refresh"] == "R" and keys["undo"] == "U"
        assert keys["down"] == "j / ↓"


async def test_remapped_keys_reach_the_other_screens(small_world: Path, tmp_path: Path) -> None:
    remapped(small_world)
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ContactsEditor)
        editor.editor.move_cursor((0, 0))
        editor.editor.insert("bogus: 1\n")
        await wait_for(pilot, lambda: problems_found(editor))
        assert "f9 jumps to the next" in screen_text(app)
        editor.editor.move_cursor((0, 0))
        editor.editor.delete((0, 0), (1, 0))
        await wait_for(pilot, lambda: found_valid(editor))
        editor.editor.insert("# kept by ctrl+w\n")
        await pilot.press("ctrl+s")  # no longer the save key
        await pilot.pause()
        assert "# kept by ctrl+w" not in small_world.read_text(encoding="utf-8")
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: not editor.modified)
        assert small_world.read_text(encoding="utf-8").startswith("# kept by ctrl+w\n")
        assert "^w Save" in screen_text(app)


async def test_keys_changed_in_the_file_take_effect_at_once(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path, watch_every=0.05) as (app, pilot):
        await shown(pilot, "press l to like")
        remapped(small_world)
        await shown(pilot, "press L to like")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Like (L)" in titles
