"""Every screen pinned as a picture (SVG) at a fixed size, 80x24 included.

The clock is fixed and the time zone is UTC, so dates and "3 days ago" draw
the same on every machine; files live under the (test's own) home directory,
so paths draw as "~/…". `pytest --snapshot-update` writes new pictures after
a deliberate change: look at them (tests/__snapshots__/) before committing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from trailtui import clock
from trailtui.feeds.refresh import refresh
from trailtui.ui.app import TrailApp
from trailtui.workspace import Workspace, open_workspace

from .conftest import write_feed
from .ui_support import settle, wait_for

SnapCompare = Callable[..., bool]
# 2026-12-01 09:00 UTC: a week after the demo's newest posts.
NOW = 1_796_115_600
FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with clock.frozen(NOW):
        yield
    monkeypatch.undo()
    time.tzset()


def still(app: TrailApp) -> None:
    """No blinking cursor, no toasts: what is left is what the screen shows."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    app.clear_notifications()


def after(*steps: Callable[[Pilot[None]], Awaitable[None]]) -> Callable[[Pilot[None]], Any]:
    """run_before for snap_compare: settle, do the steps, settle, stand still."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.clear_notifications()  # before a dialog covers them
        for step in steps:
            await step(pilot)
            await settle(pilot)
        app = pilot.app
        assert isinstance(app, TrailApp)
        still(app)
        await pilot.pause()

    return run


def press(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def step(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)

    return step


def world(contacts_text: str, feeds: dict[str, list[str]] | None = None) -> Path:
    """A contacts file under the home directory, with local feeds."""
    home = Path.home()
    (home / "feeds").mkdir(exist_ok=True)
    for n, (slug, titles) in enumerate((feeds or {}).items()):
        write_feed(home / "feeds" / f"{slug}.rss", slug, titles, day0=20 - 3 * n)
    contacts = home / "contacts.yaml"
    contacts.write_text(contacts_text, encoding="utf-8")
    return contacts


PEOPLE = """\
version: 1
contacts:
  - name: Ada Quill
    id: ada
    tier: A
    why: Shares my view that tools should be kind.
    help: Looking for beta readers.
    feeds: [feeds/ada.rss]
  - name: Bo Lind
    feeds:
      - {url: feeds/bo.rss, label: Notes}
  - name: Cy Offline
"""
FEEDS = {"ada": ["Ada on engines", "Ada on notes"], "bo": ["Bo on looms", "Bo again"]}


def app_for(contacts: Path) -> tuple[TrailApp, Workspace]:
    workspace = open_workspace(contacts, f"sqlite:///{contacts.parent / 'trail.sqlite3'}")
    return TrailApp(workspace), workspace


def snap(snap_compare: SnapCompare, app: TrailApp, size: tuple[int, int], **kw: Any) -> bool:
    return snap_compare(app, terminal_size=size, run_before=kw.pop("run_before", after()), **kw)


@pytest.mark.parametrize(
    "size", [(160, 48), (120, 36), (80, 24)], ids=["160x48", "120x36", "80x24"]
)
def test_the_demo(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    workspace = open_workspace(demo=True)
    try:
        assert snap(snap_compare, TrailApp(workspace), size)
    finally:
        workspace.close()


def test_help(snap_compare: SnapCompare) -> None:
    workspace = open_workspace(demo=True)
    try:
        assert snap(
            snap_compare, TrailApp(workspace), (100, 40), run_before=after(press("question_mark"))
        )
    finally:
        workspace.close()


def test_a_trail_left_and_the_panel_after_it(snap_compare: SnapCompare) -> None:
    app, workspace = app_for(world(PEOPLE, FEEDS))
    try:
        assert snap(snap_compare, app, (100, 30), run_before=after(press("l", "j")))
    finally:
        workspace.close()


def test_the_editor_with_a_problem(snap_compare: SnapCompare) -> None:
    contacts = world(PEOPLE.replace("    tier: A\n", "    tier: A\n    cadance: 7d\n"), FEEDS)
    app, workspace = app_for(contacts)

    async def problem_shown(pilot: Pilot[None]) -> None:
        await pilot.press("E")
        await settle(pilot)
        editor = pilot.app.screen
        await wait_for(pilot, lambda: getattr(editor, "verdict", None) is not None)

    try:
        assert snap(snap_compare, app, (100, 30), run_before=after(problem_shown))
    finally:
        workspace.close()


def test_welcome_on_a_first_run(snap_compare: SnapCompare) -> None:
    app, workspace = app_for(Path.home() / "contacts.yaml")
    try:
        assert snap(snap_compare, app, (80, 24))
    finally:
        workspace.close()


def test_no_contacts_yet(snap_compare: SnapCompare) -> None:
    app, workspace = app_for(Path.home() / "contacts.yaml")
    try:
        assert snap(snap_compare, app, (80, 24), run_before=after(press("escape")))
    finally:
        workspace.close()


def test_contacts_without_feeds(snap_compare: SnapCompare) -> None:
    app, workspace = app_for(world("version: 1\ncontacts:\n  - name: Bo Lind\n"))
    try:
        assert snap(snap_compare, app, (80, 24))
    finally:
        workspace.close()


def test_feeds_that_gave_nothing_yet(snap_compare: SnapCompare) -> None:
    contacts = world("version: 1\ncontacts:\n  - name: Bo Lind\n    feeds: [feeds/gone.rss]\n")
    app, workspace = app_for(contacts)
    try:
        assert snap(snap_compare, app, (80, 24))
    finally:
        workspace.close()


def test_feed_health(snap_compare: SnapCompare) -> None:
    contacts = world(PEOPLE + "  - name: Gone Away\n    feeds: [feeds/missing.rss]\n", FEEDS)
    app, workspace = app_for(contacts)
    try:
        assert snap(snap_compare, app, (110, 30), run_before=after(press("F")))
    finally:
        workspace.close()


def test_the_add_form(snap_compare: SnapCompare) -> None:
    app, workspace = app_for(world(PEOPLE, FEEDS))
    try:
        assert snap(snap_compare, app, (100, 36), run_before=after(press("a")))
    finally:
        workspace.close()


def test_an_import_plan(snap_compare: SnapCompare) -> None:
    contacts = world(PEOPLE, FEEDS)
    shutil.copy(FIXTURES / "people.opml", Path.home() / "people.opml")
    app, workspace = app_for(contacts)

    async def planned(pilot: Pilot[None]) -> None:
        app.action_import_contacts()
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = "~/people.opml"
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "planned", None) is not None)

    try:
        assert snap(snap_compare, app, (100, 40), run_before=after(planned))
    finally:
        workspace.close()


HOSTILE = [
    "[bold red]Not markup[/bold red] and [link=https://evil.example]no link[/link]",
    "\x1b[31mRed?\x1b[0m \x1b]8;;https://evil.example\x07hidden link\x1b]8;;\x07 \x07bell",
    "Right-to-left \u202eoverride\u202c and zero\u200bwidth",
    "🌧️ Rain, ❤️ hearts, 👍🏽 thumbs, 🇫🇷 flags and 中文 wide text stay in their columns",
    "A very long title " + "that goes on " * 60,
    "<script>alert(1)</script> &amp; entities &lt;b&gt;",
]


def test_hostile_titles_stay_literal_and_in_their_columns(snap_compare: SnapCompare) -> None:
    from xml.sax.saxutils import escape

    contacts = world(
        "version: 1\ncontacts:\n  - name: 🌧️ Mallory ‮Evil\n    feeds: [feeds/evil.rss]\n"
    )
    write_feed(Path.home() / "feeds" / "evil.rss", "evil", [escape(t) for t in HOSTILE])
    workspace = open_workspace(contacts, f"sqlite:///{contacts.parent / 'trail.sqlite3'}")
    refresh(workspace.store, force=True)
    try:
        assert snap(snap_compare, TrailApp(workspace), (100, 24))
    finally:
        workspace.close()


# ---- triage: the filter bar, search results, the filter screen, empty states ----

TRIAGE_SIZES = pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])


def triage_snap(snap_compare: SnapCompare, size: tuple[int, int], *steps: Any) -> bool:
    app, workspace = app_for(world(PEOPLE, FEEDS))
    try:
        return snap(snap_compare, app, size, run_before=after(*steps))
    finally:
        workspace.close()


@TRIAGE_SIZES
def test_the_filter_bar_and_its_counts(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert triage_snap(snap_compare, size, press("period"), press("U"))


@TRIAGE_SIZES
def test_search_results_highlighted(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert triage_snap(snap_compare, size, press("slash", *"looms", "enter"))


@TRIAGE_SIZES
def test_the_filter_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert triage_snap(snap_compare, size, press("f"))


@TRIAGE_SIZES
def test_all_caught_up(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert triage_snap(
        snap_compare,
        size,
        press("U"),
        press("x"),
        press("x"),
        press("x"),
        press("x"),
        press("U", "U"),
    )


@TRIAGE_SIZES
def test_nothing_matches_the_filter(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    # Starred only, and nothing is starred.
    assert triage_snap(snap_compare, size, press("f"), press("down", "enter", "escape"))


@TRIAGE_SIZES
def test_nothing_matches_the_search(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert triage_snap(snap_compare, size, press("slash", *"zeppelin", "enter"))


@TRIAGE_SIZES
def test_a_person_with_no_feed(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def cy_chosen(pilot: Pilot[None]) -> None:
        from trailtui.ui.screens.main import MainScreen

        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.show_person("cy-offline")

    assert triage_snap(snap_compare, size, cy_chosen)


@TRIAGE_SIZES
def test_the_panel_brought_back_on_a_narrow_screen(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    assert triage_snap(snap_compare, size, press("v"))
