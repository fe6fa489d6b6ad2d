"""Triage on the main screen: the keys a day of reading uses, filters, search,
paging through the whole history, and refreshes that land while reading.

Driven by Pilot against a real SQLite file and real feed files; every test
checks the database as well as the screen."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from trailtui.store import queries
from trailtui.store.models import EntryRow
from trailtui.ui.screens import main as main_module
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.filter import FilterScreen

from .conftest import ITEM, RSS, write_feed
from .ui_support import main_screen, opened, running, screen_text, settle, shown, told, wait_for

TAGGED = """\
version: 1
settings:
  advance_after_trail: {advance}
contacts:
  - name: Ada Quill
    id: ada
    tier: A
    circles: [makers]
    tags: [rust]
    feeds: [feeds/ada.rss]
  - name: Bo Lind
    tier: B
    tags: [weaving]
    feeds:
      - {{url: feeds/bo.rss, label: Notes}}
  - name: Cy Offline
    tier: C
"""


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """Ada (tier A, circle makers, tag rust) and Bo (tier B) with two posts
    each, and Cy with no feed at all."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    write_feed(feeds / "ada.rss", "ada", ["Ada on engines", "Ada on notes"], day0=10)
    write_feed(feeds / "bo.rss", "bo", ["Bo on looms", "Bo again"], day0=1)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(TAGGED.format(advance="true"), encoding="utf-8")
    return contacts


def long_feed(path: Path, slug: str, count: int) -> list[str]:
    """A feed of `count` posts, one an hour, newest first; their titles."""
    names = [f"{slug} post {n}" for n in range(count, 0, -1)]
    items = "\n".join(
        ITEM.format(
            slug=slug,
            n=n,
            title=f"{slug} post {n}",
            date=f"{1 + n // 24:02d} Nov 2026 {n % 24:02d}:00:00 +0000",
        )
        for n in range(count, 0, -1)
    )
    path.write_text(RSS.format(title=f"{slug} blog", slug=slug, items=items), encoding="utf-8")
    return names


def read_in_db(store: object, title: str) -> bool:
    with store.read() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(EntryRow).where(EntryRow.title == title)).one()
        return row.read_at is not None


def row_text(app: object, title: str) -> str:
    """The feed list's line for the entry with this title, as drawn."""
    screen = main_screen(app)  # type: ignore[arg-type]
    index = next(i for i, entry in enumerate(screen.feed.rows) if entry.title == title)
    line = screen.feed.render_line(index - screen.feed.scroll_offset.y)
    return line.text


def titles(app: object) -> list[str]:
    return [entry.title for entry in main_screen(app).feed.rows]  # type: ignore[arg-type]


# ---- trail keys and moving on ---------------------------------------------


async def test_a_trail_key_moves_on_to_the_next_unread_and_marks_the_row(
    tagged: Path, tmp_path: Path
) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        screen = main_screen(app)
        assert titles(app) == ["Ada on engines", "Ada on notes", "Bo on looms", "Bo again"]
        await pilot.press("l")
        await settle(pilot)
        store = app.workspace.store
        liked = queries.trail(store, "ada")
        assert [(t.kind, t.entry_title) for t in liked] == [("like", "Ada on engines")]
        assert screen.feed.current is not None and screen.feed.current.title == "Ada on notes"
        assert screen.feed.rows[0].marks == ("like",)
        await shown(pilot, "♥")
        assert "♥" in row_text(app, "Ada on engines")
        assert "♥" not in row_text(app, "Ada on notes")
        # The mark is the database's too: a fresh load shows it.
        assert queries.merged_feed(store)[0].marks == ("like",)


async def test_advance_after_trail_can_be_turned_off(tagged: Path, tmp_path: Path) -> None:
    tagged.write_text(TAGGED.format(advance="false"), encoding="utf-8")
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("l")
        await settle(pilot)
        current = main_screen(app).feed.current
        assert current is not None and current.title == "Ada on engines"


async def test_trails_about_the_person_are_not_filed_under_the_post(
    tagged: Path, tmp_path: Path
) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("e")  # endorse: about Ada, not her post
        await settle(pilot)
        trail = queries.trail(store, "ada")
        assert [(t.kind, t.entry_id) for t in trail] == [("endorse", None)]
        assert not read_in_db(store, "Ada on engines")  # the post was not touched
        current = main_screen(app).feed.current
        assert current is not None and current.title == "Ada on engines"  # no advance
        await shown(pilot, "Endorsed: Ada Quill.")
        # Reached out carries words: how. They are drafted, about the person.
        screen = await opened(pilot, "w", DraftScreen)
        await wait_for(pilot, lambda: screen.started)
        await pilot.press(*"a call about her book")
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(store, "ada")
        assert (trail[0].kind, trail[0].entry_id, trail[0].text) == (
            "reached_out",
            None,
            "a call about her book",
        )
        assert screen is not None


async def test_skip_marks_read_and_moves_on(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("x")
        await settle(pilot)
        assert read_in_db(store, "Ada on engines")
        assert queries.trail(store, "ada") == []  # skipping leaves no trail
        screen = main_screen(app)
        assert screen.feed.current is not None and screen.feed.current.title == "Ada on notes"
        await shown(pilot, "4 entries · 3 unread")
        # Next / previous unread skip what is read.
        await pilot.press("K")  # nothing unread above
        await shown(pilot, "No unread entry above.")
        await pilot.press("k", "J")
        assert screen.feed.current is not None and screen.feed.current.title == "Ada on notes"


async def test_first_last_and_toggle_read(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("G")
        assert screen.feed.current is not None and screen.feed.current.title == "Bo again"
        await pilot.press("m")
        await settle(pilot)
        assert read_in_db(app.workspace.store, "Bo again")
        await pilot.press("m")
        await settle(pilot)
        assert not read_in_db(app.workspace.store, "Bo again")
        await pilot.press("g")
        assert screen.feed.current is not None and screen.feed.current.title == "Ada on engines"


async def test_star_and_unstar(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("asterisk")
        await settle(pilot)
        assert queries.merged_feed(store)[0].starred
        await shown(pilot, "Starred.")
        assert "★" in row_text(app, "Ada on engines")
        await pilot.press("asterisk")
        await settle(pilot)
        assert not queries.merged_feed(store)[0].starred


async def test_mark_all_read_asks_first_and_can_be_undone(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        store = app.workspace.store
        dialog = await opened(pilot, "A", Confirm)
        assert "Mark 4 entries read?" in screen_text(app)
        await pilot.press("escape")  # no: nothing changes
        await settle(pilot)
        assert queries.feed_counts(store).unread == 4
        dialog = await opened(pilot, "A", Confirm)
        await pilot.click("#yes")
        await settle(pilot)
        assert queries.feed_counts(store).unread == 0
        await shown(pilot, "Marked 4 entries read. Press u to undo.")
        await pilot.press("u")
        await settle(pilot)
        assert queries.feed_counts(store).unread == 4
        await shown(pilot, "4 entries · 4 unread")
        assert queries.trail(store, "ada") == []  # no trail was undone instead
        assert dialog is not None


async def test_mark_all_read_under_a_filter_marks_only_what_it_shows(
    tagged: Path, tmp_path: Path
) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("period")  # Ada's posts only
        await settle(pilot)
        assert titles(app) == ["Ada on engines", "Ada on notes"]
        await opened(pilot, "A", Confirm)
        assert "Mark 2 entries read?" in screen_text(app)
        await pilot.click("#yes")
        await settle(pilot)
        assert read_in_db(store, "Ada on engines") and read_in_db(store, "Ada on notes")
        assert not read_in_db(store, "Bo on looms")


async def test_copy_link_says_which_clipboard_took_it(
    tagged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    got = tmp_path / "clipboard"
    xclip = tools / "xclip"
    xclip.write_text(f'#!/bin/sh\n{shutil.which("cat")} > "{got}"\n', encoding="utf-8")
    xclip.chmod(xclip.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tools))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with running(tagged, tmp_path) as (app, pilot):
        sent: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", sent.append)
        await pilot.press("y")
        await settle(pilot)
        link = queries.merged_feed(app.workspace.store)[0].link
        assert link and got.read_text(encoding="utf-8") == link
        assert sent == [link]  # and to the terminal (OSC 52)
        await wait_for(pilot, lambda: "Copied the link (with xclip" in told(app))


async def test_copy_link_with_no_clipboard_tool_says_so(
    tagged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("y")
        await settle(pilot)
        await wait_for(pilot, lambda: "no system clipboard took it" in told(app))
        assert "terminal's clipboard (OSC 52)" in told(app)


# ---- filters --------------------------------------------------------------


async def test_person_only_filter_shows_in_the_bar_and_the_counts(
    tagged: Path, tmp_path: Path
) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("j", "j", "period")  # on Bo's post
        await settle(pilot)
        assert titles(app) == ["Bo on looms", "Bo again"]
        text = await shown(pilot, "Showing person: Bo Lind")
        assert "2 entries · 2 unread" in text
        await pilot.press("period")  # again: everyone
        await settle(pilot)
        assert len(titles(app)) == 4


async def test_unread_only_then_all_caught_up(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("x")  # Ada on engines read
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert titles(app) == ["Ada on notes", "Bo on looms", "Bo again"]
        await shown(pilot, "unread only")
        for _ in range(3):
            await pilot.press("x")
            await settle(pilot)
        await pilot.press("U", "U")  # reload: nothing unread is left to show
        await settle(pilot)
        text = await shown(pilot, "All caught up.")
        assert "Press U to see read entries too" in text
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 4


async def test_the_filter_screen_combines_tier_and_tag(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        screen = await opened(pilot, "f", FilterScreen)
        text = screen_text(app)
        for choice in ("Unread only", "Tier A", "Tier B", "Circle: makers", "Tag: rust"):
            assert choice in text
        options = [str(option.prompt) for option in screen.query_one("OptionList").options]  # type: ignore[attr-defined]
        screen.query_one("OptionList").highlighted = next(  # type: ignore[attr-defined]
            i for i, label in enumerate(options) if label.endswith("Tier B")
        )
        await pilot.press("enter")
        await pilot.pause()
        assert "● Tier B" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert titles(app) == ["Bo on looms", "Bo again"]
        await shown(pilot, "Showing tier B")
        # A tag that nobody in tier B has: nothing matches, and it says how out.
        main = main_screen(app)
        from dataclasses import replace

        main.set_filter(replace(main.where, tag="rust"))
        await settle(pilot)
        text = await shown(pilot, "Nothing matches the filter.")
        assert "Press esc to clear it, or f to change it." in text


async def test_a_person_with_no_feed_gets_a_trail_that_needs_no_post(
    tagged: Path, tmp_path: Path
) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        main = main_screen(app)
        main.show_person("cy-offline")
        await settle(pilot)
        text = await shown(pilot, "Cy Offline has no feed yet.")
        assert "w reached out" in text and "h offer help" in text
        await pilot.press("h")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "cy-offline")
        assert [(t.kind, t.entry_id) for t in trail] == [("help", None)]


# ---- search ---------------------------------------------------------------


async def test_search_finds_ranks_and_highlights(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("slash")
        await pilot.press(*"looms")
        await pilot.press("enter")
        await settle(pilot)
        assert titles(app) == ["Bo on looms"]
        screen = main_screen(app)
        assert screen.feed.highlights[screen.feed.rows[0].id] == ((6, 11),)
        text = await shown(pilot, "1 match for “looms”")
        assert "search: “looms”" in text
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 4


async def test_search_with_no_result_and_with_bad_syntax(tagged: Path, tmp_path: Path) -> None:
    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("slash", *"zeppelin", "enter")
        await settle(pilot)
        await shown(pilot, "Nothing matches “zeppelin”.")
        # Punctuation in a plain phrase is no syntax error.
        await pilot.press("slash", "ctrl+u", *"bo's (looms)", "enter")
        await settle(pilot)
        assert "Could not" not in screen_text(app)
        # Explicit syntax the index cannot read says so, and the app goes on.
        await pilot.press("slash", "ctrl+u", *'"unbalanced', "enter")
        await settle(pilot)
        text = screen_text(app)
        assert titles(app) == [] or "search" in text.lower()


# ---- paging and arrivals ---------------------------------------------------


async def test_the_list_pages_through_the_whole_history(
    tagged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_feed(tmp_path / "feeds" / "ada.rss", "ada", 40)
    monkeypatch.setattr(main_module, "PAGE", 7)
    async with running(tagged, tmp_path) as (app, pilot):
        screen = main_screen(app)
        assert len(screen.feed.rows) < 44  # a page, not the whole history
        for _ in range(50):
            await pilot.press("G")
            await settle(pilot)
            if not screen.feed.has_more:
                break
        shown_titles = titles(app)
        assert len(shown_titles) == 42 == len(set(shown_titles))  # each exactly once
        everything = [e.title for e in queries.merged_feed(app.workspace.store, limit=100)]
        assert shown_titles == everything
        await shown(pilot, "42 entries · 42 unread")


async def test_a_refresh_lands_without_moving_the_selection_or_the_scroll(
    tagged: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feeds" / "ada.rss"
    long_feed(feed, "ada", 80)  # more rows than the screen: it scrolls
    async with running(tagged, tmp_path) as (app, pilot):
        screen = main_screen(app)
        for _ in range(50):
            await pilot.press("j")
        selected = screen.feed.current
        assert selected is not None and selected.title == "ada post 30"
        top = screen.feed.scroll_offset.y
        assert top > 0
        on_screen = [entry.title for entry in screen.feed.rows[top : top + 10]]
        long_feed(feed, "ada", 83)  # three newer posts
        await pilot.press("r")
        await settle(pilot)
        assert titles(app)[:3] == ["ada post 83", "ada post 82", "ada post 81"]
        assert screen.feed.current is not None and screen.feed.current.id == selected.id
        top = screen.feed.scroll_offset.y
        assert [entry.title for entry in screen.feed.rows[top : top + 10]] == on_screen
        await shown(pilot, "3 new entries arrived.")


# ---- the other screens, from the feed ----------------------------------------


async def test_people_then_enter_shows_that_persons_posts_and_card(
    tagged: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.people import PeopleScreen

    async with running(tagged, tmp_path) as (app, pilot):
        people = await opened(pilot, "p", PeopleScreen)
        assert "Cy Offline" in screen_text(app)  # no feed, still listed
        await pilot.press("slash", *"bo lind", "enter")
        await settle(pilot)
        main = main_screen(app)
        assert titles(app) == ["Bo on looms", "Bo again"]
        assert main.where.contact_id == "bo-lind"
        await shown(pilot, "Showing person: Bo Lind")
        assert people is not None


async def test_enter_reads_the_post_and_esc_returns_to_the_same_row(
    tagged: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.reader import ReaderScreen

    async with running(tagged, tmp_path) as (app, pilot):
        await pilot.press("j", "j")
        await opened(pilot, "enter", ReaderScreen)
        text = await shown(pilot, "Body of post 2 by bo.")
        assert "Bo on looms" in text and "Bo Lind" in text
        assert read_in_db(app.workspace.store, "Bo on looms")  # reading it marks it read
        await pilot.press("escape")
        await settle(pilot)
        current = main_screen(app).feed.current
        assert current is not None and current.title == "Bo on looms"
