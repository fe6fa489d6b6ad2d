"""The drafts list, driven by Pilot on a real SQLite file: the open drafts
(person, post, age, first line), Enter resumes, discarding asks first, the
empty state names the live comment key, D and the palette open it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from trailtui import clock
from trailtui.store import drafts as stored
from trailtui.store import queries
from trailtui.trail.cadence import DAY
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.drafts_list import DraftsList, draft_age, first_line
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.people import PeopleScreen

from .ui_support import running, screen_text, settle, shown, wait_for

NOW = 1_796_115_600  # 2026-12-01 09:00 UTC


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def entry_id(app: TrailApp, title: str) -> int:
    return next(e.id for e in queries.merged_feed(app.workspace.store) if e.title == title)


def two_drafts(app: TrailApp) -> None:
    """A comment on Ada's post three hours ago, a note about Cy two days ago."""
    store = app.workspace.store
    stored.save_draft(
        store,
        draft_id=None,
        contact_id="cy-offline",
        entry_id=None,
        template="note",
        body="\n  Prefers calls.\nSecond line",
        at=NOW - 2 * DAY,
    )
    stored.save_draft(
        store,
        draft_id=None,
        contact_id="ada",
        entry_id=entry_id(app, "Ada on engines"),
        template="comment",
        body="Hi Ada, the gears!",
        at=NOW - 3 * 3600,
    )


def top(app: TrailApp) -> object:
    return app.screen


async def drafts_list(app: TrailApp, pilot: Pilot[None]) -> DraftsList:
    app.action_drafts()
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DraftsList) and screen.loaded
    return screen


def test_ages_and_first_lines_read_shortly() -> None:
    assert [draft_age(NOW - s, NOW) for s in (5, 59, 60, 3599, 3600, DAY - 1, DAY, 9 * DAY)] == [
        "just now",
        "just now",
        "1 min",
        "59 min",
        "1 h",
        "23 h",
        "1 d",
        "9 d",
    ]
    assert first_line("\n \n  [bold]Hi[/bold]\x1b[31m there \nmore") == "[bold]Hi[/bold] there"
    assert first_line(" \n") == "(empty)"


async def test_open_drafts_are_listed_newest_first_with_person_post_age_and_first_line(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        two_drafts(app)
        screen = await drafts_list(app, pilot)
        assert [d.contact_id for d in screen.drafts] == ["ada", "cy-offline"]
        text = await shown(pilot, "2 open drafts")
        lines = [line for line in text.splitlines() if "Ada Quill" in line or "Cy Offline" in line]
        assert len(lines) == 2
        assert (
            "Ada on engines" in lines[0] and "3 h" in lines[0] and "Hi Ada, the gears!" in lines[0]
        )
        assert "about them" in lines[1] and "2 d" in lines[1] and "Prefers calls." in lines[1]
        assert "Second line" not in text


async def test_enter_resumes_a_draft_with_every_character_and_posting_empties_the_list(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        two_drafts(app)
        screen = await drafts_list(app, pilot)
        await pilot.press("j")  # Cy's note
        await pilot.press("enter")
        await settle(pilot)
        draft = app.screen
        assert isinstance(draft, DraftScreen)
        await wait_for(pilot, lambda: draft.started)
        assert draft.query_one("#draft-body", TextArea).text == "\n  Prefers calls.\nSecond line"
        assert draft.template is not None and draft.template.key == "note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen
        assert [d.contact_id for d in screen.drafts] == ["ada"]
        await shown(pilot, "Noted: Cy Offline.")
        trail = queries.trail(app.workspace.store, "cy-offline")
        assert [(t.kind, t.text, t.entry_id) for t in trail] == [
            ("note", "Prefers calls.\nSecond line", None)
        ]


async def test_discard_asks_first_and_keeps_the_draft_when_told_no(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        two_drafts(app)
        screen = await drafts_list(app, pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "Discard the draft for Ada Quill?" in screen_text(app)
        assert "“Hi Ada, the gears!”" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert top(app) is screen and len(stored.open_drafts(app.workspace.store)) == 2
        await pilot.press("delete")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert [d.contact_id for d in stored.open_drafts(app.workspace.store)] == ["cy-offline"]
        assert [d.contact_id for d in screen.drafts] == ["cy-offline"]
        await shown(pilot, "Discarded the draft for Ada Quill.")
        assert queries.trail(app.workspace.store, "ada") == []


async def test_no_drafts_says_how_to_start_one_with_the_users_comment_key(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace(
            "version: 1\n", "version: 1\nsettings:\n  keys: {comment: C}\n"
        ),
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await drafts_list(app, pilot)
        assert screen.drafts == []
        text = await shown(pilot, "No open drafts.")
        assert "press C on a post in the feed or Today" in text
        assert "Press esc to go back." in text
        # Only the way back is offered.
        await pilot.press("x", "enter")
        await settle(pilot)
        assert top(app) is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_d_on_the_feed_and_the_palette_anywhere_open_the_list(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DraftsList)
        await pilot.press("escape")
        await settle(pilot)
        main = app.screen
        titles = [command.title for command in app.get_system_commands(main)]
        assert "Drafts (D)" in titles and "Drafts" not in titles  # named once, with its key
        app.push_screen(PeopleScreen(app.workspace))
        await settle(pilot)
        people = app.screen
        commands = {c.title: c for c in app.get_system_commands(people)}
        assert "Drafts" in commands
        commands["Drafts"].callback()
        await settle(pilot)
        assert isinstance(app.screen, DraftsList)
