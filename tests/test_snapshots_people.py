"""The people view, its empty state and a whole trail, pinned as pictures
(the fixed clock, UTC and the helpers of test_snapshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from trailtui.feeds.refresh import refresh
from trailtui.store import Store, queries, writes
from trailtui.trail.cadence import DAY
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.people import PeopleScreen
from trailtui.ui.screens.timeline import TimelineScreen

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

__all__ = ["fixed_time"]  # the fixed clock and UTC, for every test here

SIZES = [(160, 48), (80, 24)]
SIZE_IDS = ["160x48", "80x24"]
# Beside PEOPLE's three: someone overdue, someone due, and a long, hostile name.
MORE = """\
  - name: Dee Far
    cadence: 7d
  - name: Eve Near
    tier: C
  - name: "[bold]Mallory[/bold] \u202eEvil with a very long name indeed"
"""


def trails(store: Store) -> None:
    """A few weeks of trails, on posts and about people, one undone."""
    bo_post = next(e for e in queries.merged_feed(store) if e.contact_id == "bo-lind")

    def left(contact: str, kind: str, days: float, **kw: object) -> None:
        writes.add_engagement(store, contact, kind, at=int(NOW - days * DAY), **kw)  # type: ignore[arg-type]

    left("ada", "like", 3)
    left("bo-lind", "like", 20, entry_id=bo_post.id)
    left("bo-lind", "reached_out", 12, text="Coffee on Tuesday: the loom museum")
    left("bo-lind", "thanks", 6)
    writes.undo_last_engagement(store)  # the thanks, undone today
    left("bo-lind", "note", 5, text="Wants an intro to a weaver")
    left("dee-far", "help", 30)
    left("eve-near", "endorse", 61)


def people_world() -> tuple[TrailApp, Path]:
    contacts = world(PEOPLE + MORE, FEEDS)
    app, workspace = app_for(contacts)
    refresh(workspace.store, force=True)
    trails(workspace.store)
    return app, contacts


async def people_view(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TrailApp)
    app.push_screen(PeopleScreen(app.workspace))


async def bo_timeline(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TrailApp)
    app.push_screen(TimelineScreen(app.workspace, "bo-lind"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_people_view(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, _ = people_world()
    try:
        assert snap(snap_compare, app, size, run_before=after(people_view))
    finally:
        app.workspace.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_people_view_with_no_contacts(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, workspace = app_for(Path.home() / "contacts.yaml")
    try:
        assert snap(snap_compare, app, size, run_before=after(press("escape"), people_view))
    finally:
        workspace.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_whole_trail(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, _ = people_world()
    try:
        assert snap(snap_compare, app, size, run_before=after(bo_timeline))
    finally:
        app.workspace.close()
