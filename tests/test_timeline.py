"""The whole trail of one person: newest first, undone trails marked and explained."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style

from trailtui import clock
from trailtui.store import queries, writes
from trailtui.store.records import TrailRecord
from trailtui.trail.cadence import DAY
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.timeline import TimelineScreen, day, trail_line

from .ui_support import running, settle, shown

NOW = 1_796_115_600  # 2026-12-01 09:00 UTC


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with clock.frozen(NOW):
        yield
    monkeypatch.undo()
    time.tzset()


def record(**kw: object) -> TrailRecord:
    fields: dict[str, object] = {
        "id": 1,
        "created_at": NOW - 5 * DAY,
        "contact_id": "bo",
        "contact_name": "Bo Lind",
        "kind": "reached_out",
        "text": None,
        "entry_title": None,
        "entry_link": None,
        "undone_at": None,
    }
    fields.update(kw)
    return TrailRecord(**fields)  # type: ignore[arg-type]


def test_a_line_has_the_date_the_kind_the_post_and_the_words() -> None:
    line = trail_line(record(kind="comment", text="Nice", entry_title="Bo on looms"), NOW, Style())
    assert line.plain.startswith("2026-11-26  commented")
    assert line.plain.endswith("Bo on looms  “Nice”")
    assert not any(span.style == Style(strike=True, dim=True) for span in line.spans)


def test_an_undone_line_is_struck_through_and_says_when() -> None:
    line = trail_line(record(undone_at=NOW - 2 * DAY), NOW, Style())
    assert line.plain.endswith("reached out  undone on 29 Nov")
    struck = [span for span in line.spans if span.style == Style(strike=True, dim=True)]
    assert (
        struck
        and struck[0].start == 0
        and struck[0].end == len(line.plain) - len("  undone on 29 Nov")
    )
    assert day(NOW - 400 * DAY, NOW) == "27 Oct 2025"  # another year: said


def test_hostile_text_stays_literal() -> None:
    hostile = record(text="[bold]x[/bold] \x1b[31mred", entry_title="\u202eevil")
    line = trail_line(hostile, NOW, Style())
    assert "[bold]x[/bold]" in line.plain
    assert "\x1b" not in line.plain and "\u202e" not in line.plain


async def test_the_whole_trail_newest_first_with_undone_ones_marked(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store  # its feeds were fetched at start
        entry = next(e for e in queries.merged_feed(store) if e.contact_id == "bo-lind")
        writes.add_engagement(store, "bo-lind", "like", entry_id=entry.id, at=NOW - 9 * DAY)
        writes.add_engagement(store, "bo-lind", "reached_out", text="a call", at=NOW - 5 * DAY)
        writes.undo_last_engagement(store)  # undone now
        writes.add_engagement(store, "bo-lind", "thanks", at=NOW - 2 * DAY)
        app.push_screen(TimelineScreen(app.workspace, "bo-lind"))
        await settle(pilot)
        text = await shown(pilot, "Bo Lind · 3 trails, newest first (1 undone, struck through)")
        lines = [line.strip() for line in text.splitlines() if line.strip().startswith("2026-")]
        assert lines == [
            "2026-11-29  thanked",
            "2026-11-26  reached out    “a call”  undone on 1 Dec",
            f"2026-11-22  liked          {entry.title}",
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_no_trail_yet_says_what_will_show(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        app.push_screen(TimelineScreen(app.workspace, "cy-offline"))
        await settle(pilot)
        text = await shown(pilot, "No trail for Cy Offline yet.")
        assert "l likes one of their posts and w records a call or a message" in text
        assert "Press esc to go back." in text
