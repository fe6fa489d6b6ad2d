"""Today, stats and the weekly review, pinned as pictures (the fixed clock,
UTC and the helpers of test_snapshots)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert
from textual.pilot import Pilot

from trailtui.feeds.refresh import refresh
from trailtui.store import writes
from trailtui.store.models import DraftRow
from trailtui.trail.cadence import DAY
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.review import ReviewScreen
from trailtui.ui.screens.stats import StatsScreen

from .test_snapshots import (
    FEEDS,
    NOW,
    PEOPLE,
    SnapCompare,
    after,
    app_for,
    fixed_time,
    press,
    snap,
    world,
)
from .test_snapshots_people import MORE

__all__ = ["fixed_time"]  # the fixed clock and UTC, for every test here

SIZES = [(160, 48), (80, 24)]
SIZE_IDS = ["160x48", "80x24"]


def rhythm_world() -> TrailApp:
    """The people of the people view's pictures, with a rhythm: Bo overdue with
    new posts, Dee overdue without, Eve due, Cy snoozed, weeks of trails
    (one a week for Ada, only ever likes), and an open draft."""
    contacts = world(PEOPLE + MORE, FEEDS)
    app, workspace = app_for(contacts)
    store = workspace.store
    refresh(store, force=True)

    def left(contact: str, kind: str, days: float, **kw: Any) -> None:
        writes.add_engagement(store, contact, kind, at=int(NOW - days * DAY), **kw)

    for week in range(1, 11):
        left("ada", "like", 7 * week - 0.5)
    left("ada", "like", 0.1)  # today
    left("bo-lind", "comment", 40, text="Lovely loom")
    left("dee-far", "help", 30)
    left("dee-far", "thanks", 27)
    left("eve-near", "endorse", 61)
    left("cy-offline", "snooze", 1, text="2026-12-10")
    with store.write() as session:
        session.execute(
            insert(DraftRow).values(
                contact_id="bo-lind",
                body="Dear Bo, about the loom museum",
                created_at=int(NOW - 3 * DAY),
                updated_at=int(NOW - 2 * DAY),
                status="open",
            )
        )
    return app


async def stats_screen(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TrailApp)
    app.push_screen(StatsScreen(app.workspace))


async def review_screen(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TrailApp)
    app.push_screen(ReviewScreen(app.workspace))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_today(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = rhythm_world()
    assert snap(snap_compare, app, size, run_before=after(press("d")))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_today_snooze_prompt(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = rhythm_world()
    assert snap(snap_compare, app, size, run_before=after(press("d"), press("z")))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_stats(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = rhythm_world()
    assert snap(snap_compare, app, size, run_before=after(stats_screen))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_review(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = rhythm_world()
    assert snap(snap_compare, app, size, run_before=after(review_screen))
