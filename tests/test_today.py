"""Today: the ranking (a pure function, on a fixed clock), and the screen as a
user meets it — trail keys on posts and people, snooze and undo, the goal
met, the streak, and Today ⇄ feed remembered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from trailtui import clock
from trailtui.feeds.refresh import refresh
from trailtui.store import meta, open_store, queries, writes
from trailtui.store.people import TrailFact
from trailtui.store.records import ContactRecord, EntryRecord
from trailtui.trail.cadence import DAY, SNOOZE_KIND, rhythm
from trailtui.trail.kinds import Kind
from trailtui.trail.people import Person
from trailtui.trail.stats import progress_of, streak, touches_per_day
from trailtui.trail.today import Part, rank
from trailtui.ui.app import TODAY, VIEW_KEY, TrailApp
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.people import PeopleScreen
from trailtui.ui.screens.reader import ReaderScreen
from trailtui.ui.screens.today import TodayScreen

from .conftest import write_feed
from .ui_support import running, screen_text, settle, shown, wait_for

NOW = 1_796_115_600  # 2026-12-01 09:00 UTC, as the snapshots' clock


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with clock.frozen(NOW):
        yield
    monkeypatch.undo()
    time.tzset()


# ---- the ranking ----------------------------------------------------------


def person(
    ident: str,
    *,
    touched_days_ago: float | None,
    cadence_days: int = 14,
    tier: str | None = None,
    help: str = "",
    last: str | None = None,
    unread: int = 0,
    snooze_until: int | None = None,
) -> Person:
    touched = int(NOW - touched_days_ago * DAY) if touched_days_ago is not None else None
    contact = ContactRecord(ident, ident.title(), tier=tier, help=help)
    return Person(
        contact=contact,
        rhythm=rhythm(touched, cadence_days * DAY, NOW, snooze_until=snooze_until),
        feed_count=1,
        unread=unread,
        last_trail_kind=last,
        last_trail_at=touched,
    )


def post(ident: int, contact_id: str, hours_ago: int) -> EntryRecord:
    return EntryRecord(
        id=ident,
        feed_id=1,
        contact_id=contact_id,
        contact_name=contact_id.title(),
        title=f"Post {ident}",
        link=None,
        author=None,
        sort_ts=NOW - hours_ago * 3600,
        read=False,
        feed_label="",
    )


def test_a_new_post_from_someone_overdue_comes_first_and_says_why() -> None:
    everyone = [
        person("bo", touched_days_ago=50, tier="B", cadence_days=21, unread=1),  # 29 d overdue
        person("ada", touched_days_ago=30, tier="A", unread=2),  # 16 d overdue
        person("cy", touched_days_ago=20, unread=1),  # due 6 d ago
        person("dee", touched_days_ago=None, unread=1),  # never touched
    ]
    unread = [
        post(1, "cy", 1),
        post(2, "ada", 2),
        post(3, "bo", 3),
        post(4, "ada", 4),
        post(5, "dee", 5),
    ]
    queue = rank(everyone, unread, NOW)
    firsts = [(item.contact_id, item.entry.id if item.entry else None) for item in queue[:4]]
    assert firsts == [("bo", 3), ("ada", 2), ("cy", 1), ("dee", 5)]
    assert [item.why for item in queue[:4]] == [
        "B · 29 d overdue · new post",
        "A · 16 d overdue · 2 new posts",
        "due 6 d ago · new post",
        "never touched · new post",
    ]
    # Ada's older post is in the rest of the feed, not a second time at the top.
    assert [(item.part, item.entry.id) for item in queue[4:] if item.entry] == [(Part.FEED, 4)]


def test_people_due_without_a_post_get_a_trail_that_needs_none() -> None:
    everyone = [
        person("ada", touched_days_ago=20, help="Looking for beta readers", last="like"),
        person("bo", touched_days_ago=21, last="help"),
        person("cy", touched_days_ago=22, last="comment"),
        person("dee", touched_days_ago=23, last="like"),
    ]
    queue = rank(everyone, [], NOW)
    assert [item.part for item in queue] == [Part.PERSON] * 4
    said = {
        item.contact_id: (item.suggestion.kind, item.suggestion.said)
        for item in queue
        if item.suggestion
    }
    assert said["ada"] == (Kind.HELP, "Offer help: Looking for beta readers")
    assert said["bo"][0] is Kind.REPORT_BACK
    assert said["cy"][0] is Kind.THANKS
    assert said["dee"][0] is Kind.REACHED_OUT
    # The most overdue first.
    assert [item.contact_id for item in queue] == ["dee", "cy", "bo", "ada"]


def test_fresh_and_snoozed_people_wait_and_their_posts_are_the_feed() -> None:
    everyone = [
        person("ada", touched_days_ago=2, unread=1),  # fresh
        person("bo", touched_days_ago=None, snooze_until=NOW + 3 * DAY, unread=1),
        person("cy", touched_days_ago=30, snooze_until=NOW + 3 * DAY, unread=1),
    ]
    unread = [post(1, "ada", 5), post(2, "bo", 1), post(3, "cy", 3)]
    queue = rank(everyone, unread, NOW)
    assert [(item.part, item.entry.id if item.entry else None) for item in queue] == [
        (Part.FEED, 1),
        (Part.FEED, 2),
        (Part.FEED, 3),
    ]  # the feed as given: newest first


def test_the_streak_counts_local_days_and_today_is_still_under_way() -> None:
    def fact(days_ago: float, kind: str = "like") -> TrailFact:
        return TrailFact("ada", kind, int(NOW - days_ago * DAY), None, None)

    three_days = [fact(d + h / 24) for d in (1, 2, 3) for h in (0, 1)]
    per_day = touches_per_day(three_days)
    today = progress_of(three_days, NOW, 2)
    assert (today.today, today.streak, today.met) == (0, 3, False)  # today not over yet
    done = progress_of([*three_days, fact(0), fact(0.1)], NOW, 2)
    assert (done.today, done.streak, done.met) == (2, 4, True)
    # Notes and snoozes are not trails towards the goal; a gap ends the streak.
    assert progress_of([fact(0, "note"), fact(0, SNOOZE_KIND)], NOW, 1).today == 0
    assert streak(per_day, per_day.most_common()[0][0], 3) == 0


def test_the_day_is_the_users_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # 09:00 UTC on Dec 1 is 22:00 on Dec 1 in Auckland (UTC+13) and 04:00 in New York.
    late = TrailFact("ada", "like", NOW - 10 * 3600, None, None)  # 23:00 UTC, Nov 30
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    assert progress_of([late], NOW, 1).today == 1  # 12:00 Dec 1 in Auckland: today
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    assert progress_of([late], NOW, 1).today == 0  # 18:00 Nov 30 in New York: yesterday
    assert progress_of([late], NOW, 1).streak == 1


# ---- the screen -----------------------------------------------------------

CONTACTS = """\
version: 1
settings:
  daily_goal: {goal}
contacts:
  - name: Ada Quill
    id: ada
    tier: A
    feeds: [feeds/ada.rss]
  - name: Bo Lind
    id: bo
    tier: B
    help: Looking for a co-author
  - name: Cy Near
    id: cy
    feeds: [feeds/cy.rss]
"""


def world(tmp_path: Path, goal: int = 3) -> Path:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    write_feed(feeds / "ada.rss", "ada", ["Ada on engines", "Ada on notes"], day0=10)
    write_feed(feeds / "cy.rss", "cy", ["Cy on looms"], day0=20)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(CONTACTS.format(goal=goal), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    try:
        from trailtui.contacts import parse_contacts
        from trailtui.contacts.rows import sync_contacts

        sync_contacts(store, parse_contacts(contacts.read_text(), name="c", base_dir=tmp_path))
        refresh(store, force=True)
        writes.add_engagement(store, "ada", "like", at=NOW - 20 * DAY)  # 13 d overdue
        writes.add_engagement(store, "bo", "reached_out", at=NOW - 30 * DAY, text="coffee")  # due
        writes.add_engagement(store, "cy", "thanks", at=NOW - DAY)  # fresh
    finally:
        store.close()
    return contacts


@pytest.fixture
def today_world(tmp_path: Path) -> Path:
    return world(tmp_path)


@pytest.fixture
def goal_of_two(tmp_path: Path) -> Path:
    return world(tmp_path, goal=2)


async def on_today(pilot: Pilot[None]) -> TodayScreen:
    app = pilot.app
    if not isinstance(app.screen, TodayScreen):
        await pilot.press("d")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, TodayScreen)
    await wait_for(pilot, lambda: screen.loaded)
    return screen


async def select(pilot: Pilot[None], screen: TodayScreen, contact_id: str, part: Part) -> None:
    await pilot.press("g")
    for _ in range(len(screen.rows)):
        current = screen.current
        if current is not None and current.contact_id == contact_id and current.part is part:
            return
        await pilot.press("j")
    raise AssertionError(f"{contact_id} is not in {part}")


async def test_a_like_on_the_overdue_persons_post_and_help_for_the_one_without(
    today_world: Path, tmp_path: Path
) -> None:
    async with running(today_world, tmp_path) as (app, pilot):
        screen = await on_today(pilot)
        text = screen_text(app)
        assert "New posts from people who are due (1)" in text
        assert "A · 13 d overdue · 2 new posts" in text
        assert "Ada on engines" in text  # the newest of Ada's
        assert "Offer help: Looking for a co-author" in text
        first = screen.current
        assert first is not None and first.contact_id == "ada" and first.entry is not None
        await pilot.press("l")
        await settle(pilot)
        liked = queries.trail(app.workspace.store, "ada", limit=1)[0]
        assert (liked.kind, liked.entry_id) == ("like", first.entry.id)
        # Ada is fresh now: her other post waits in the feed, and the queue says so.
        await shown(pilot, "Liked “Ada on engines”.")
        assert all(i.part is Part.FEED for i in screen.items if i.contact_id == "ada")

        await select(pilot, screen, "bo", Part.PERSON)
        await pilot.press("l")
        await settle(pilot)
        assert "Bo Lind has no new post here" in screen_text(app)
        assert queries.trail(app.workspace.store, "bo", limit=1)[0].kind == "reached_out"
        await pilot.press("h")
        await settle(pilot)
        helped = queries.trail(app.workspace.store, "bo", limit=1)[0]
        assert (helped.kind, helped.entry_id) == ("help", None)
        assert not any(i.contact_id == "bo" for i in screen.items)  # fresh again


async def test_snooze_takes_a_person_out_until_the_date_and_undo_brings_them_back(
    today_world: Path, tmp_path: Path
) -> None:
    async with running(today_world, tmp_path) as (app, pilot):
        screen = await on_today(pilot)
        await select(pilot, screen, "bo", Part.PERSON)
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("backspace", "x", "enter")  # nonsense: told, nothing done
        await settle(pilot)
        assert "expected a number of days" in screen_text(app)
        await pilot.press("backspace", "1", "4", "enter")
        await settle(pilot)
        await shown(pilot, "Snoozed Bo Lind until Dec 15.")
        assert not any(i.contact_id == "bo" for i in screen.items)
        snoozed = queries.trail(app.workspace.store, "bo", limit=1)[0]
        assert (snoozed.kind, snoozed.text) == (SNOOZE_KIND, "2026-12-15")
        bo = queries.contact(app.workspace.store, "bo")
        assert bo is not None and bo.snooze_until is None  # contacts.yaml is not rewritten
        assert "snooze" not in (tmp_path / "contacts.yaml").read_text()
        await pilot.press("u")
        await settle(pilot)
        await shown(pilot, "Undone: the snooze.")
        assert any(i.contact_id == "bo" and i.part is Part.PERSON for i in screen.items)


async def test_the_goal_met_is_said_with_the_streak(goal_of_two: Path, tmp_path: Path) -> None:
    async with running(goal_of_two, tmp_path) as (app, pilot):
        screen = await on_today(pilot)
        assert "Today 0 of 2 trails" in screen_text(app)
        assert "no streak yet" in screen_text(app)
        await pilot.press("l")  # Ada's post
        await settle(pilot)
        assert "Today 1 of 2 trails" in screen_text(app)
        assert "Daily goal met" not in screen_text(app)
        await select(pilot, screen, "bo", Part.PERSON)
        await pilot.press("t")  # thanks: a trail about the person
        await settle(pilot)
        text = await shown(pilot, "Daily goal met: 2 of 2 trails today. Streak: 1 day.")
        assert "goal met" in text and "streak 1 day" in text
        assert screen.progress is not None and screen.progress.met


def screen_of(app: TrailApp) -> Screen[Any]:
    """The screen shown now (not what an earlier isinstance narrowed it to)."""
    return app.screen


async def test_switching_today_and_the_feed_is_remembered(
    today_world: Path, tmp_path: Path
) -> None:
    contacts = today_world
    async with running(contacts, tmp_path) as (app, pilot):
        assert isinstance(app.screen, MainScreen)  # no view remembered: the default given
        await on_today(pilot)
        await wait_for(pilot, lambda: meta.get(app.workspace.store, VIEW_KEY) == TODAY)
    async with running(contacts, tmp_path) as (app, pilot):
        assert isinstance(app.screen, TodayScreen)  # remembered
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(screen_of(app), MainScreen)
        await wait_for(pilot, lambda: meta.get(app.workspace.store, VIEW_KEY) == "feed")
        await pilot.press("p")  # another screen: d does not switch there
        await settle(pilot)
        on_people = type(app.screen)
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen) is on_people
    async with running(contacts, tmp_path, default_view=TODAY) as (app, pilot):
        assert isinstance(app.screen, MainScreen)  # the last switch wins over the default


async def test_trailtui_itself_opens_on_today(today_world: Path, tmp_path: Path) -> None:
    async with running(today_world, tmp_path, default_view=TODAY) as (app, pilot):
        found = app.screen
        assert isinstance(found, TodayScreen)
        screen: TodayScreen = found
        assert any(isinstance(below, MainScreen) for below in app.screen_stack)  # the feed, below
        await wait_for(pilot, lambda: screen.loaded)
        await select(pilot, screen, "cy", Part.FEED)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert queries.entry_detail(app.workspace.store, reader.entry_id).entry.read  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert not any(i.entry and i.entry.id == reader.entry_id for i in screen.items)


async def test_a_person_chosen_from_today_shows_their_posts_in_the_feed(
    today_world: Path, tmp_path: Path
) -> None:
    async with running(today_world, tmp_path) as (app, pilot):
        await on_today(pilot)
        await pilot.press("p")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        await wait_for(pilot, lambda: people.loaded)
        people.table.move_cursor(row=[p.contact.id for p in people.listed].index("cy"))
        await settle(pilot)
        assert people.current is not None and people.current.contact.id == "cy"
        await pilot.press("enter")
        await settle(pilot)
        feed = screen_of(app)
        assert isinstance(feed, MainScreen)
        await wait_for(pilot, lambda: feed.where.contact_id == "cy")
        await settle(pilot)
        assert [e.contact_id for e in feed.feed.rows] == ["cy"]
        assert "Cy on looms" in screen_text(app)
