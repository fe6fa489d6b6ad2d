"""The people view, driven by Pilot on a real contacts file and database:
everyone listed, the orders, the find, Enter and Esc, person-level trails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from trailtui import clock
from trailtui.store import Store, queries, writes
from trailtui.trail.cadence import DAY
from trailtui.trail.kinds import Kind
from trailtui.trail.people import Order
from trailtui.ui.app import TrailApp
from trailtui.ui.keys import TRAIL_KEYS
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.draft_keys import WORDED
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.people import PeopleScreen
from trailtui.ui.screens.timeline import TimelineScreen

from .ui_support import running, screen_text, settle, shown, wait_for

NOW = 1_796_115_600  # 2026-12-01 09:00 UTC
PERSON_KEYS = [(t.key, t.kind) for t in TRAIL_KEYS if t.kind.about_person]


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def touched(store: Store, contact_id: str, kind: Kind, days_ago: int) -> None:
    writes.add_engagement(store, contact_id, kind.value, at=NOW - days_ago * DAY)


async def people_screen(
    pilot: Pilot[None], dismissed: list[str | None] | None = None
) -> PeopleScreen:
    """The people view pushed over the feed, loaded; what it dismisses with
    lands in `dismissed`."""
    app = pilot.app
    assert isinstance(app, TrailApp)
    screen = PeopleScreen(app.workspace)
    if dismissed is None:
        app.push_screen(screen)
    else:
        app.push_screen(screen, dismissed.append)
    await settle(pilot)
    assert top(app) is screen and screen.loaded
    return screen


def top(app: TrailApp) -> object:
    """The screen on top now (not as an earlier isinstance narrowed it)."""
    return app.screen


def finding(screen: PeopleScreen) -> bool:
    return screen.finding


def listed(screen: PeopleScreen) -> list[str]:
    return [who.id for who in screen.listed]


async def test_everyone_is_listed_with_or_without_a_feed(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await people_screen(pilot)
        assert sorted(listed(screen)) == ["ada", "bo-lind", "cy-offline"]
        assert top(app) is screen
        text = await shown(pilot, "Cy Offline")
        assert "3 people · sorted by due" in text
        cy = next(who for who in screen.listed if who.id == "cy-offline")
        assert (cy.feed_count, cy.unread) == (0, 0)
        # Ada and Bo's feeds were fetched at start: two unread posts each.
        assert {who.id: who.unread for who in screen.listed} == {
            "ada": 2,
            "bo-lind": 2,
            "cy-offline": 0,
        }
        assert screen.table.row_count == 3


async def test_the_sort_key_cycles_and_the_header_says_which(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        touched(store, "ada", Kind.THANKS, days_ago=20)  # a 7d cadence: overdue
        touched(store, "bo-lind", Kind.HELP, days_ago=1)  # the default 14d: fresh
        screen = await people_screen(pilot)
        assert screen.order is Order.DUE
        assert listed(screen) == ["ada", "cy-offline", "bo-lind"]  # overdue, never, fresh
        text = await shown(pilot, "overdue 13 d")
        assert "never touched" in text and "fresh · 13 d left" in text
        seen = {}
        for _ in Order:
            await pilot.press("s")
            await pilot.pause()
            seen[screen.order] = listed(screen)
            await shown(pilot, f"sorted by {screen.order.value}: {screen.order.explained}")
        assert seen == {
            Order.NAME: ["ada", "bo-lind", "cy-offline"],
            Order.LAST_TRAIL: ["bo-lind", "ada", "cy-offline"],
            Order.DUE: ["ada", "cy-offline", "bo-lind"],
        }


async def test_the_cursor_stays_on_its_person_when_the_order_changes(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        touched(app.workspace.store, "ada", Kind.THANKS, days_ago=20)
        touched(app.workspace.store, "bo-lind", Kind.THANKS, days_ago=1)
        screen = await people_screen(pilot)
        assert listed(screen) == ["ada", "cy-offline", "bo-lind"]
        await pilot.press("j")
        chosen = screen.current
        assert chosen is not None and chosen.id == "cy-offline"
        await pilot.press("s")
        await pilot.pause()
        current = screen.current
        assert current is not None and current.id == chosen.id
        assert listed(screen).index(chosen.id) == 2  # Ada, Bo, Cy by name


async def test_find_narrows_as_you_type_and_esc_leaves_it(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await people_screen(pilot)
        await pilot.press("slash")
        assert finding(screen)
        await pilot.press("l", "i")
        await pilot.pause()
        assert listed(screen) == ["bo-lind", "cy-offline"]  # Bo Lind, Cy Offline
        await pilot.press("n", "d")
        await pilot.pause()
        assert listed(screen) == ["bo-lind"]
        await shown(pilot, "1 of 3 people match “lind”")
        await pilot.press("z")
        await pilot.pause()
        assert listed(screen) == []
        await pilot.press(*["backspace"] * 5, "o", "f")
        await pilot.pause()
        assert listed(screen) == ["cy-offline"]
        # The letters went to the find, not to the trail keys ('i' intro, 'n' note).
        assert queries.counts(app.workspace.store).engagements == 0
        await pilot.press("escape")
        await pilot.pause()
        # Out of the find: everyone again, the cursor on the person found.
        assert not finding(screen) and top(app) is screen
        assert sorted(listed(screen)) == ["ada", "bo-lind", "cy-offline"]
        current = screen.current
        assert current is not None and current.id == "cy-offline"
        assert "match" not in screen_text(app)


async def test_enter_in_the_find_opens_the_person_found(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        dismissed: list[str | None] = []
        await people_screen(pilot, dismissed)
        await pilot.press("slash", "B", "o", "enter")
        await settle(pilot)
        assert dismissed == ["bo-lind"]
        assert isinstance(app.screen, MainScreen)


async def test_enter_returns_the_highlighted_id_and_esc_none(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        dismissed: list[str | None] = []
        screen = await people_screen(pilot, dismissed)
        await pilot.press("down", "down", "up")
        chosen = screen.current
        assert chosen is not None and chosen.id == listed(screen)[1]
        await pilot.press("enter")
        await settle(pilot)
        assert dismissed == [chosen.id]
        assert isinstance(app.screen, MainScreen)

        await people_screen(pilot, dismissed)
        await pilot.press("escape")
        await settle(pilot)
        assert dismissed == [chosen.id, None]
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize(("key", "kind"), PERSON_KEYS, ids=[k.value for _, k in PERSON_KEYS])
async def test_each_person_trail_key_records_against_the_person_only(
    small_world: Path, tmp_path: Path, key: str, kind: Kind
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = await people_screen(pilot)
        assert listed(screen)[0] == "ada"  # never touched, first by name
        await pilot.press("j")  # Bo Lind: has posts, but the trail is about him
        await pilot.press(key)
        await pilot.pause()
        words = None
        if kind in WORDED:  # drafted first, from its template
            draft = app.screen
            assert isinstance(draft, DraftScreen)
            await wait_for(pilot, lambda: draft.started)
            assert "Bo Lind" in screen_text(app)
            await pilot.press(*f"about {kind.value}")
            words = draft.editor.text.strip()
            await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen
        trail = queries.trail(store, "bo-lind")
        assert [(t.kind, t.entry_id, t.text) for t in trail] == [(kind.value, None, words)]
        unread = queries.counts(store).unread
        assert unread == 4  # no post was marked read
        bo = next(who for who in screen.listed if who.id == "bo-lind")
        assert bo.last_trail_kind == kind.value
        said = f" “{words}”" if words else ""
        text = await shown(pilot, f"Recorded for Bo Lind: {kind.past}{said}.")
        assert f"{kind.past} just now" in text
        # A touch makes him fresh; a note does not.
        assert bo.rhythm.health.value == ("never touched" if kind is Kind.NOTE else "fresh")


async def test_a_closed_draft_records_nothing_and_post_keys_are_not_bound(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = await people_screen(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, DraftScreen)
        assert "Reached out · Ada Quill" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert top(app) is screen
        await shown(pilot, "Nothing recorded.")
        # Like and comment are about a post: the people view has none to give them.
        await pilot.press("l", "c")
        await settle(pilot)
        assert top(app) is screen
        assert queries.trail(store, "ada") == []


async def test_a_trail_updates_the_row_and_it_moves_in_the_due_order(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        touched(store, "ada", Kind.THANKS, days_ago=9)  # 7d: due
        touched(store, "bo-lind", Kind.THANKS, days_ago=2)  # fresh
        screen = await people_screen(pilot)
        assert listed(screen) == ["cy-offline", "ada", "bo-lind"]
        await pilot.press("t")  # thanks to Cy, never touched until now
        await settle(pilot)
        assert listed(screen) == ["ada", "bo-lind", "cy-offline"]  # Cy is fresh for 14 d
        current = screen.current
        assert current is not None and current.id == "cy-offline"  # the cursor went along
        assert current.rhythm.last_touch_at == NOW
        await shown(pilot, "thanked just now")


async def test_t_opens_the_highlighted_persons_whole_trail(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        touched(app.workspace.store, "ada", Kind.INTRO, days_ago=3)
        screen = await people_screen(pilot)
        await pilot.press("s", "k")  # by name, then up to Ada
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert app.screen.contact_id == "ada"
        await shown(pilot, "introduced")
        await pilot.press("escape")
        await settle(pilot)
        assert top(app) is screen


async def test_remapped_keys_are_named_in_the_header(small_world: Path, tmp_path: Path) -> None:
    text = small_world.read_text(encoding="utf-8")
    small_world.write_text(
        text.replace(
            "version: 1\n", "version: 1\nsettings:\n  keys: {people.sort: o, reached_out: W}\n"
        ),
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await people_screen(pilot)
        await shown(pilot, "o to sort, / to find")
        await pilot.press("o")
        await pilot.pause()
        assert screen.order is Order.NAME
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, DraftScreen)


async def test_no_contacts_says_how_to_add_one(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"  # not there: the first run's welcome
    async with running(contacts, tmp_path) as (app, pilot):
        await pilot.press("escape")  # past the welcome, to the (empty) feed
        await settle(pilot)
        screen = await people_screen(pilot)
        assert screen.listed == []
        text = await shown(pilot, "No contacts yet.")
        assert "then press a to add someone or E to edit contacts.yaml" in text
        assert 'trailtui contacts add "Their Name"' in text
        footer = text.strip().splitlines()[-1]
        assert "Back" in footer and "Show posts" not in footer and "Sort" not in footer
        await pilot.press("enter", "w")  # nobody to open, nobody to reach out to
        await pilot.pause()
        assert top(app) is screen
