"""Editing contacts in the app: the YAML editor, the add form, the first run,
the file watch and the external editor, driven by Pilot on real files."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import pytest
from rich.style import Style
from textual.widgets import Input, OptionList, SelectionList, Static

from trailtui.contacts.starter import STARTER
from trailtui.store import queries
from trailtui.ui.app import WATCH_EVERY, TrailApp
from trailtui.ui.screens.add_contact import AddContactScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.welcome import WelcomeScreen
from trailtui.ui.widgets.notice import Notice
from trailtui.workspace import open_workspace

from .feedserver import FeedServer
from .textdiff import insertions
from .ui_support import (
    SIZE,
    found_valid,
    import_screen,
    problems_found,
    screen_text,
    settle,
    told,
    wait_for,
)

HEADER = "# My people. Hand-written; keep this comment.\n"


@pytest.fixture
def contacts(small_world: Path) -> Path:
    """small_world with a comment at the top (it must survive every save)."""
    small_world.write_text(HEADER + small_world.read_text(encoding="utf-8"), encoding="utf-8")
    return small_world


def make_app(contacts: Path, tmp_path: Path, *, watch_every: float = WATCH_EVERY) -> TrailApp:
    workspace = open_workspace(contacts, f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    return TrailApp(workspace, watch_every=watch_every)


def problem_list(editor: ContactsEditor) -> list[str]:
    options = editor.query_one("#problems", OptionList).options
    return [str(option.prompt) for option in options]


async def open_editor(app: TrailApp, pilot) -> ContactsEditor:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("E")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, ContactsEditor)
    await wait_for(pilot, lambda: editor.verdict is not None)
    return editor


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        await pilot.press({" ": "space", ":": "colon"}.get(char, char))


# ---- the editor ------------------------------------------------------------


async def test_type_an_error_see_it_located_fix_it_save_and_see_the_panel(
    contacts: Path, tmp_path: Path
) -> None:
    original = contacts.read_bytes()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        assert editor.verdict is not None and editor.verdict.ok
        area = editor.editor
        # Put a typo on a new line under Ada's cadence.
        row = next(i for i, line in enumerate(area.text.splitlines()) if "cadence: 7d" in line)
        area.move_cursor((row, len(area.document.get_line(row))))
        await pilot.press("enter")
        area.move_cursor((row + 1, 0))
        await type_text(pilot, "    teir: A")
        await wait_for(pilot, lambda: problems_found(editor))
        [problem] = editor.verdict.problems
        assert problem.line == row + 2
        assert area.problem_lines == {row + 1}
        assert problem_list(editor) == [
            f"line {row + 2}, col 5: contacts[0]: unknown key 'teir'; did you mean 'tier'?"
        ]
        # F8 jumps to it from anywhere.
        area.move_cursor((0, 0))
        await pilot.press("f8")
        assert area.cursor_location == (row + 1, 4)
        # Fix the typo where it is, and change Ada's "why" too.
        area.move_cursor((row + 1, 7))
        await pilot.press("backspace", "backspace", "i", "e")
        why_row = next(i for i, line in enumerate(area.text.splitlines()) if "why:" in line)
        area.move_cursor((why_row, len(area.document.get_line(why_row))))
        await type_text(pilot, " Really")
        await wait_for(pilot, lambda: found_valid(editor))
        assert area.problem_lines == frozenset()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not editor.modified)
        await settle(pilot)
        saved = contacts.read_text(encoding="utf-8")
        assert contacts.with_name("contacts.yaml.bak").read_bytes() == original
        # Everything except the two edits is byte for byte the same, comments too.
        expected = (
            original.decode()
            .replace("    cadence: 7d\n", "    cadence: 7d\n    tier: A\n")
            .replace("be kind.\n", "be kind. Really\n")
        )
        assert saved == expected and saved.startswith(HEADER)
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        # The contact panel shows the reloaded contact.
        await wait_for(pilot, lambda: "kind. Really" in screen_text(app))
        card = screen.panel.card
        assert card is not None and card.contact.tier == "A"
        assert card.contact.why.endswith("kind. Really")
    app.workspace.close()


async def test_a_duplicate_key_is_located_and_saving_it_needs_confirmation(
    contacts: Path, tmp_path: Path
) -> None:
    original = contacts.read_bytes()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        area = editor.editor
        row = next(i for i, line in enumerate(area.text.splitlines()) if "cadence: 7d" in line)
        area.move_cursor((row, len(area.document.get_line(row))))
        area.insert("\n    cadence: 3d")
        await wait_for(pilot, lambda: problems_found(editor))
        assert editor.verdict is not None
        assert "duplicate key 'cadence'" in editor.verdict.problems[0].message
        # Refused first: "Keep editing" is the default button.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ContactsEditor)
        assert contacts.read_bytes() == original
        # Then saved anyway: the app keeps the last valid contacts.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: not editor.modified)
        await settle(pilot)
        assert "    cadence: 3d" in contacts.read_text()
        assert app.workspace.problems and not app.workspace.has_contacts
        book = app.workspace.book
        assert book is None or book.contacts[0].cadence is not None
        assert queries.contact(app.workspace.store, "ada") is not None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.is_running
    app.workspace.close()


async def test_leaving_with_unsaved_edits_asks_first(contacts: Path, tmp_path: Path) -> None:
    original = contacts.read_bytes()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        editor.editor.insert("# a thought\n", (0, 0))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is editor and editor.modified
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")  # discard
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert contacts.read_bytes() == original
    app.workspace.close()


async def test_an_unreadable_file_is_not_opened_for_editing(contacts: Path, tmp_path: Path) -> None:
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        contacts.write_bytes(b"contacts:\n  - name: Zo\xeb\n")
        await pilot.press("E")
        await wait_for(pilot, lambda: "it is not UTF-8 text" in told(app))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    app.workspace.close()


# ---- the file watch -----------------------------------------------------------


async def test_an_edit_made_elsewhere_is_picked_up(contacts: Path, tmp_path: Path) -> None:
    app = make_app(contacts, tmp_path, watch_every=0.1)
    store = app.workspace.store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with contacts.open("a", encoding="utf-8") as handle:
            handle.write("  - name: Dee Ray\n    why: New.\n")
        await wait_for(pilot, lambda: queries.contact(store, "dee-ray") is not None)
        await settle(pilot)
        assert "Reloaded: 1 added" in told(app)
        # A broken edit: a located error, and the last good contacts stay.
        with contacts.open("a", encoding="utf-8") as handle:
            handle.write("  - name: Eve\n    tier: Z\n")
        await wait_for(pilot, lambda: bool(app.workspace.problems))
        await settle(pilot)
        text = told(app)
        assert "contacts.yaml changed on disk: it has problems" in text
        assert ":17:11: contacts[4].tier: expected 'A', 'B' or 'C'" in text
        assert queries.contact(store, "dee-ray") is not None
        assert queries.contact(store, "eve") is None
    app.workspace.close()


async def test_an_open_editor_follows_the_file_unless_it_has_edits(
    contacts: Path, tmp_path: Path
) -> None:
    app = make_app(contacts, tmp_path, watch_every=0.1)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot)
        contacts.write_text(contacts.read_text() + "# added elsewhere\n")
        await wait_for(pilot, lambda: "# added elsewhere" in editor.editor.text)
        assert not editor.modified
        editor.editor.insert("# mine\n", (0, 0))
        contacts.write_text(contacts.read_text() + "# again\n")
        await wait_for(pilot, lambda: "changed on disk. Saving here" in told(app))
        assert "# again" not in editor.editor.text and "# mine" in editor.editor.text
    app.workspace.close()


# ---- the external editor -------------------------------------------------------


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR: a real program that appends a contact to the file it is given."""
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "  - name: Eve Stone\\n" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("VISUAL", f"{script}")
    return script


async def test_ctrl_e_hands_the_file_to_the_users_editor(
    contacts: Path, tmp_path: Path, fake_editor: Path
) -> None:
    app = make_app(contacts, tmp_path)
    # The headless test terminal cannot be handed over; everything else is real.
    app.suspend = contextlib.nullcontext  # type: ignore[assignment,method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: queries.contact(app.workspace.store, "eve-stone") is not None)
        assert contacts.read_text().endswith("  - name: Eve Stone\n")
    app.workspace.close()


async def test_ctrl_e_on_a_first_run_starts_from_the_starter_then_the_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.sh"  # keeps what it was given, writes a contact
    editor.write_text(
        '#!/bin/sh\ncp "$1" "$1.given"\n'
        "printf 'version: 1\\ncontacts:\\n  - name: Eve Stone\\n' > \"$1\"\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("VISUAL", str(editor))
    path = tmp_path / "new" / "contacts.yaml"
    app = make_app(path, tmp_path)
    app.suspend = contextlib.nullcontext  # type: ignore[assignment,method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # not now, on the first-run screen
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: queries.contact(app.workspace.store, "eve-stone") is not None)
        await settle(pilot)
        assert "changed on disk" not in told(app)
    # The editor was handed the starter, written before it ran.
    assert path.with_name("contacts.yaml.given").read_text() == STARTER
    app.workspace.close()


async def test_ctrl_e_says_so_when_the_terminal_cannot_be_handed_over(
    contacts: Path, tmp_path: Path, fake_editor: Path
) -> None:
    original = contacts.read_bytes()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "cannot hand over to another editor" in told(app)
    assert contacts.read_bytes() == original
    app.workspace.close()


# ---- settings that change the app ----------------------------------------------


async def test_keys_and_theme_from_settings(small_world: Path, tmp_path: Path) -> None:
    text = small_world.read_text().replace(
        "version: 1\n", "version: 1\nsettings:\n  keys: {like: L}\n  theme: nord\n"
    )
    small_world.write_text(text)
    app = make_app(small_world, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        await pilot.press("l")
        await settle(pilot)
        assert queries.trail(app.workspace.store, "ada", limit=5) == []
        await pilot.press("L")
        await settle(pilot)
        assert [e.kind for e in queries.trail(app.workspace.store, "ada", limit=5)] == ["like"]
    app.workspace.close()


async def test_an_unknown_theme_is_reported(small_world: Path, tmp_path: Path) -> None:
    small_world.write_text(
        small_world.read_text().replace("version: 1\n", "version: 1\nsettings: {theme: neon}\n")
    )
    app = make_app(small_world, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "unknown theme 'neon'" in told(app)
    app.workspace.close()


# ---- adding a contact ----------------------------------------------------------


async def open_add_form(app: TrailApp, pilot) -> AddContactScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, AddContactScreen)
    return form


async def test_add_a_contact_from_a_site_keeps_the_file_and_fetches_the_feed(
    contacts: Path, tmp_path: Path, server: FeedServer
) -> None:
    original = contacts.read_text()
    app = make_app(contacts, tmp_path)
    store = app.workspace.store
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(app, pilot)
        form.query_one("#name", Input).value = "Dee Ray"
        form.query_one("#source", Input).value = server.url("/html")
        form.query_one("#why", Input).value = "Builds: kind tools."
        await pilot.click("#find")
        await wait_for(pilot, lambda: form.probe is not None)
        assert "Found a feed on" in str(form.query_one("#probe-status", Static).content)
        assert form.query_one("#candidates", SelectionList).selected == [0]
        await pilot.press("ctrl+s")  # Add (the button can be scrolled out of view)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        await wait_for(
            pilot, lambda: any(e.contact_id == "dee-ray" for e in queries.merged_feed(store))
        )
    text = contacts.read_text()
    assert text.startswith(original)  # every byte before is kept, comments too
    added = text[len(original) :]
    assert "name: Dee Ray" in added and f"blog: {server.url('/html')}" in added
    assert "why: 'Builds: kind tools.'" in added or 'why: "Builds: kind tools."' in added
    app.workspace.close()


async def test_add_form_takes_a_host_without_a_scheme_as_a_web_address(
    contacts: Path, tmp_path: Path, server: FeedServer
) -> None:
    app = make_app(contacts, tmp_path)
    store = app.workspace.store
    bare = server.url("/feeds/rss").removeprefix("http://")  # 127.0.0.1:PORT/feeds/rss
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(app, pilot)
        form.query_one("#name", Input).value = "Lee Bare"
        form.query_one("#source", Input).value = bare
        await pilot.click("#find")
        await wait_for(pilot, lambda: form.probe is not None)
        probe = form.probe
        assert probe is not None and probe.ok, probe.error if probe else ""
        assert server.requests_to("/feeds/rss")  # fetched over HTTP, not read as a file
        await pilot.press("ctrl+s")  # Add (the button can be scrolled out of view)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        await wait_for(
            pilot, lambda: any(e.contact_id == "lee-bare" for e in queries.merged_feed(store))
        )
    assert f"http://{bare}" in contacts.read_text()
    app.workspace.close()


async def test_add_form_refuses_a_name_that_is_taken_and_a_bad_shorthand(
    contacts: Path, tmp_path: Path
) -> None:
    original = contacts.read_bytes()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#add-error", Static)
        assert "A contact needs a name." in str(error.content)
        form.query_one("#name", Input).value = "Bo  Lind"
        await pilot.press("ctrl+s")  # the same as the button
        await pilot.pause()
        assert "Bo Lind already has the id 'bo-lind'" in str(error.content)
        form.query_one("#name", Input).value = "Dee"
        form.query_one("#source", Input).value = "github:not a name"
        await pilot.click("#find")
        await pilot.pause()
        status = form.query_one("#probe-status", Static)
        assert "a github handle has no spaces" in str(status.content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert contacts.read_bytes() == original
    app.workspace.close()


async def test_a_source_that_gives_no_feed_can_still_be_added_as_typed(
    contacts: Path, tmp_path: Path, server: FeedServer
) -> None:
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(app, pilot)
        form.query_one("#name", Input).value = "Gone Person"
        form.query_one("#source", Input).value = server.url("/404")
        await pilot.click("#find")
        await wait_for(pilot, lambda: form.probe is not None)
        status = str(form.query_one("#probe-status", Static).content)
        assert "No feed found" in status and "HTTP 404" in status
        await pilot.press("ctrl+s")  # Add (the button can be scrolled out of view)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        book = app.workspace.book
        assert book is not None
        [feed] = book.by_id()["gone-person"].feeds
        assert feed.location == server.url("/404")
    app.workspace.close()


# ---- the first run --------------------------------------------------------------


async def test_first_run_offers_a_starter_file_and_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "config" / "contacts.yaml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = str(app.screen.query_one("#welcome-text", Static).content)
        assert "Welcome to trailtui" in text and str(path) in text
        await pilot.press("enter")  # the first button: create from the example
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsEditor))
        assert path.read_text() == STARTER
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert app.workspace.has_contacts
    app.workspace.close()


async def test_first_run_add_contact_starts_from_the_starter(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#add")  # the first-run screen's "Add my first contact"
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddContactScreen)
        form.query_one("#name", Input).value = "Ada Lovelace"
        await pilot.press("ctrl+s")  # Add (the button can be scrolled out of view)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert queries.contact(app.workspace.store, "ada-lovelace") is not None
    text = path.read_text()
    assert text.startswith(STARTER.split("contacts: []")[0])
    assert "name: Ada Lovelace" in text
    app.workspace.close()


async def test_not_now_leaves_an_empty_state_that_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        text = str(app.screen.query_one("#feed-empty", Static).content)
        assert "No contacts yet." in text and "Press a to add someone" in text
        assert not path.exists()
    app.workspace.close()


def test_editor_command_prefers_visual(monkeypatch: pytest.MonkeyPatch) -> None:
    from trailtui.ui.screens.external_editor import editor_command

    monkeypatch.setenv("VISUAL", "code --wait")
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command() == ["code", "--wait"]
    monkeypatch.delenv("VISUAL")
    assert editor_command() == ["nano"]
    monkeypatch.delenv("EDITOR")
    assert editor_command() == ["vi"]


# ---- importing in the app ------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "import"


async def test_import_shows_the_plan_then_adds_and_keeps_the_file(
    contacts: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.import_contacts import ImportScreen

    original = contacts.read_text()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_import_contacts()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        # A bad file first: a clear reason, nothing written.
        screen.query_one("#import-path", Input).value = str(tmp_path / "missing.opml")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "no such file" in screen.query_one("#import-summary", Notice).text
        )
        assert screen.query_one("#apply").disabled
        # The real file: the plan, then the contacts appended.
        screen.query_one("#import-path", Input).value = str(FIXTURES / "subscriptions.opml")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.planned is not None)
        assert screen.planned is not None
        count = len(screen.planned.plan.new_contacts())
        plan_text = screen_text(app)
        assert "to add" in plan_text and "skipped." in plan_text
        assert count >= 3
        assert not screen.query_one("#apply").disabled
        assert contacts.read_text() == original  # the plan writes nothing
        await pilot.click("#apply")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        book = app.workspace.book
        assert book is not None and len(book.contacts) == 3 + count
        added = {c["name"] for c in screen.planned.plan.new_contacts()}
        assert added <= {c.name for c in book.contacts}
        # Ada is already there (same id); the file's site and folders were added to her.
        assert screen.planned.plan.merges() == {
            "ada": {
                "links": {"website": "https://ada.example.org/"},
                "feeds": ["https://ada.example.org/feed.xml"],
                "tags": ["People", "Writing", "Engineering"],
            }
        }
        ada = book.by_id()["ada"]
        assert ada.links == {"website": "https://ada.example.org/"}
        assert [f.url for f in ada.feeds][1:] == ["https://ada.example.org/feed.xml"]
    insertions(original, contacts.read_text())  # every character of the user's text kept
    app.workspace.close()


def test_import_plan_text_and_button_label() -> None:
    from trailtui.contacts import parse_contacts
    from trailtui.interop.detect import read_file
    from trailtui.interop.plan import plan_import
    from trailtui.ui.screens.import_contacts import apply_label, choice_label, choosable, summary

    styles = {tone: Style() for tone in ("ok", "warning", "error", "muted", "accent")}

    def shown(text: str, source: str) -> tuple[str, list[str], str]:
        plan = plan_import(read_file(FIXTURES / source), parse_contacts(text), text)
        labels = [choice_label(item, styles).plain for item in choosable(plan)]  # type: ignore[arg-type]
        return summary(plan), labels, apply_label(plan)

    ada = "contacts:\n  - name: Ada Quill\n    links: {email: ada@quill.example.com}\n"
    text, labels, label = shown(ada, "contacts-v3.vcf")
    assert text.startswith(
        "4 found: 2 to add, 1 contact already there to update with something new"
    )
    assert any(one.startswith("~ Ada Quill → ada-quill: same email") for one in labels)
    assert label == "Add 2, update 1"
    _, _, label = shown(ada, "Connections.csv")
    assert label == "Add 2, update 1"
    anchored = ada.replace("links: {", "links: &l {") + "  - name: Bo\n    links: *l\n"
    text, labels, label = shown(anchored, "contacts-v3.vcf")
    # Ada's contact cannot take an insertion: it is no choice, only a note.
    assert "1 to merge by hand" in text and not any("Ada Quill →" in one for one in labels)
    assert label == "Add 2 contacts"


async def test_import_refuses_when_the_file_changed_since_the_plan(
    contacts: Path, tmp_path: Path
) -> None:
    from trailtui.interop.apply import apply_plan, plan_file

    planned = plan_file(FIXTURES / "subscriptions.opml", contacts)
    assert not isinstance(planned, str)
    contacts.write_text(contacts.read_text() + "# edited meanwhile\n")
    outcome = apply_plan(planned)
    assert outcome.added == 0 and outcome.error and "changed since the plan" in outcome.error
    assert contacts.read_text().endswith("# edited meanwhile\n")


async def test_import_lets_people_be_left_out_and_renamed_before_applying(
    contacts: Path, tmp_path: Path
) -> None:
    from textual.widgets import SelectionList

    from trailtui.ui.screens.import_contacts import ImportScreen
    from trailtui.ui.screens.prompt import TextPrompt

    original = contacts.read_text()
    app = make_app(contacts, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await import_screen(pilot, FIXTURES / "people.opml")
        assert screen.planned is not None
        first = {c["name"] for c in screen.planned.plan.new_contacts()}
        assert {"Nikolai Fernández", "Kofi Ivanov", "meichen", "Workshop Talks"} <= first
        choices = screen.query_one("#import-choices", SelectionList)
        keys = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        names = {screen.planned.plan.item(k).name: k for k in keys}
        # Leave the talks channel out: untick it.
        choices.highlighted = keys.index(names["Workshop Talks"])
        await pilot.press("space")
        await wait_for(
            pilot,
            lambda: (
                screen.planned is not None
                and "Workshop Talks" not in {c["name"] for c in screen.planned.plan.new_contacts()}
            ),
        )
        # Rename the GitHub handle to the person's name.
        choices.highlighted = keys.index(names["meichen"])
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        prompt.query_one(Input).value = "Mei Chen"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.planned is not None
                and "Mei Chen" in {c["name"] for c in screen.planned.plan.new_contacts()}
            ),
        )
        # A rename to a name someone already has is refused, with the reason.
        choices.highlighted = keys.index(names["truiz"])
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt))
        app.screen.query_one(Input).value = "Ada Quill"
        await pilot.press("enter")
        summary = screen.query_one("#import-summary", Notice)
        await wait_for(pilot, lambda: "Not renamed:" in summary.text)
        assert contacts.read_text() == original  # choosing writes nothing
        await pilot.click("#apply")
        await wait_for(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
    saved = contacts.read_text()
    assert "- name: Mei Chen\n" in saved and "id: mei-chen" in saved
    assert "Workshop Talks" not in saved and "truiz" in saved
    insertions(original, saved)
    app.workspace.close()
