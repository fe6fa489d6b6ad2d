"""The draft screen and the drafts list, pinned as pictures (the fixed clock,
UTC and the helpers of test_snapshots)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, TextArea

from trailtui.store import drafts as stored
from trailtui.store import queries
from trailtui.trail.cadence import DAY
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.draft import DraftScreen

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
from .ui_support import wait_for

__all__ = ["fixed_time"]  # the fixed clock and UTC, for every test here

SIZES = pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
# A template with a misspelt placeholder, to show the flag under the text.
TEMPLATES = 'templates:\n  question: "Hi {first_name}, on {title}: {nmae}? "\n'


async def draft_shown(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen)
    await wait_for(pilot, lambda: screen.started)
    # No blinking from here on: a blink already due when the snapshot stops it
    # could still hide the cursor.
    screen.editor.cursor_blink = False


async def draft_saved(pilot: Pilot[None]) -> None:
    """Until the autosave has written the text (a timer, not a worker)."""
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen)
    await wait_for(pilot, lambda: screen.saved_body == screen.editor.text)


@SIZES
def test_a_draft_with_typing(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, workspace = app_for(world(PEOPLE, FEEDS))
    try:
        assert snap(
            snap_compare,
            app,
            size,
            run_before=after(
                press("c"), draft_shown, press(*"The part on gears was new to me."), draft_saved
            ),
        )
    finally:
        workspace.close()


@SIZES
def test_a_draft_with_an_unknown_placeholder(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    app, workspace = app_for(world(PEOPLE + TEMPLATES, FEEDS))

    async def question(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, DraftScreen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen.query_one("#draft-template", Select).value = "question"
        await pilot.pause()
        screen.query_one("#draft-body", TextArea).focus()

    try:
        assert snap(snap_compare, app, size, run_before=after(press("c"), draft_shown, question))
    finally:
        workspace.close()


def drafts_of(app: TrailApp) -> None:
    """Three open drafts, written to at different times."""
    store = app.workspace.store
    entries = {e.title: e.id for e in queries.merged_feed(store)}
    for contact, entry, body, ago in (
        ("ada", entries["Ada on engines"], "Hi Ada, the gears! I had not seen it put so.", 300),
        ("bo-lind", entries["Bo on looms"], "Bo, a small typo in the second paragraph", 3 * 3600),
        ("cy-offline", None, "\nPrefers calls in the morning.", 4 * DAY),
    ):
        stored.save_draft(
            store,
            draft_id=None,
            contact_id=contact,
            entry_id=entry,
            template="comment",
            body=body,
            at=NOW - ago,
        )


@SIZES
def test_the_drafts_list(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, workspace = app_for(world(PEOPLE, FEEDS))

    async def listed(pilot: Pilot[None]) -> None:
        drafts_of(app)
        app.action_drafts()

    try:
        assert snap(snap_compare, app, size, run_before=after(listed))
    finally:
        workspace.close()


@SIZES
def test_no_drafts_yet(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, workspace = app_for(world(PEOPLE, FEEDS))
    try:
        assert snap(snap_compare, app, size, run_before=after(press("D")))
    finally:
        workspace.close()
