"""The app, driven by Pilot against a real SQLite file and real feed files."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled, WorkerFailed

from trailtui.feeds.refresh import refresh_async
from trailtui.store import queries
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.help import HelpScreen
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.prompt import TextPrompt
from trailtui.workspace import Workspace, open_workspace

from .conftest import write_feed

SIZE = (150, 40)


def screen_text(app: TrailApp) -> str:
    """What the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def workspace_for(contacts: Path, tmp_path: Path) -> Workspace:
    return open_workspace(contacts, f"sqlite:///{tmp_path / 'app.sqlite3'}")


async def settle(app: TrailApp, pilot) -> None:
    """Wait until every worker has finished and its messages are handled."""
    for _ in range(20):
        running = [w for w in app.workers if not w.is_finished]
        if not running:
            # A finished worker's message may still start another worker:
            # idle twice in a row, a moment apart, means settled.
            await pilot.pause()
            await pilot.pause(0.05)
            if not [w for w in app.workers if not w.is_finished]:
                return
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()


async def shown(app: TrailApp, pilot, expected: str, timeout: float = 5.0) -> str:  # type: ignore[no-untyped-def]
    """The screen's text once it shows `expected` (a table repaints a frame
    after its rows change; on a busy machine that frame can come late)."""
    deadline = time.monotonic() + timeout
    text = screen_text(app)
    while expected not in text and time.monotonic() < deadline:
        await pilot.pause(0.05)
        text = screen_text(app)
    return text


def main_screen(app: TrailApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_main_screen_shows_merged_feed_beside_contact(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        titles = [e.title for e in screen.feed.entries.values()]
        assert titles[0] == "Ada on engines"  # newest first
        assert len(titles) == 4
        text = await shown(app, pilot, "Ada on engines")
        assert "Ada on engines" in text and "Ada Quill" in text
        assert "Shares my view that tools should be kind." in text  # the panel: why
        assert "Looking for beta readers." in text  # the panel: help
        assert "every 1w" in text and "never touched" in text
        # Feed text that looks like markup is shown literally.
        assert "Bo writes [bold]markup[/bold]" in text
        assert "4 entries · 4 unread" in text
    ws.close()


async def test_like_records_for_the_right_contact_and_panel_updates(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        # Move to Bo's first entry, then like it.
        while screen.feed.current and screen.feed.current.contact_id != "bo-lind":
            await pilot.press("j")
        target = screen.feed.current
        assert target is not None
        await pilot.press("l")
        await settle(app, pilot)
        trail = queries.trail(ws.store, "bo-lind")
        assert [(t.kind, t.entry_id) for t in trail] == [("like", target.id)]
        assert queries.trail(ws.store, "ada") == []
        text = screen_text(app)
        assert "Last trail liked just now" in text
        assert "liked · " + target.title in text
        assert screen.feed.entries[target.id].read
        assert "4 entries · 3 unread" in text  # the trail marked the entry read
    ws.close()


async def test_trail_survives_a_restart(small_world: Path, tmp_path: Path) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("q")
    ws.close()
    again = workspace_for(small_world, tmp_path)
    app = TrailApp(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Last trail endorsed" in screen_text(app)
    assert [t.kind for t in queries.trail(again.store, "ada")] == ["endorse"]
    again.close()


async def test_comment_prompt_records_text_and_escape_cancels(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert queries.trail(ws.store, "ada") == []

        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Great point")
        await pilot.press("enter")
        await settle(app, pilot)
        trail = queries.trail(ws.store, "ada")
        assert [(t.kind, t.text) for t in trail] == [("comment", "Great point")]
        assert "“Great point”" in screen_text(app)
    ws.close()


async def test_undo_marks_the_last_trail(small_world: Path, tmp_path: Path) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        trail = queries.trail(ws.store, "ada")
        assert [(t.kind, t.undone) for t in trail] == [("share", True)]
        assert "Last trail none yet" in screen_text(app)
    ws.close()


async def test_help_lists_the_live_bindings(small_world: Path, tmp_path: Path) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {description for _, description, _ in app.screen.keys}
        assert {"Like", "Comment", "Share", "Endorse", "Refresh", "Open", "Quit"} <= keys
        assert "Record that you liked this post" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    ws.close()


async def test_open_link_only_opens_safe_schemes(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    feed = small_world.parent / "feeds" / "ada.rss"
    feed.write_text(
        feed.read_text(encoding="utf-8").replace(
            "<link>https://ada.example.org/p/2</link>", "<link>javascript:alert(1)</link>"
        ),
        encoding="utf-8",
    )
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")  # Ada on engines: the javascript: link
        await pilot.press("j")
        await pilot.press("o")  # Ada on notes: https
        await pilot.pause()
    assert opened == ["https://ada.example.org/p/1"]
    ws.close()


async def test_no_contacts_file_shows_a_helpful_empty_state(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "contacts.yaml"
    ws = workspace_for(missing, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # "not now" on the first-run screen
        await pilot.pause()
        text = str(app.screen.query_one("#feed-empty").render())
        assert "No contacts yet" in text
        assert "trailtui --demo" in text
        await pilot.press("l")  # no entry: a warning, not a crash
        await pilot.press("r")
        await pilot.pause()
    ws.close()


async def test_broken_contacts_file_keeps_last_good_contacts(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    await refresh_async(ws.store, force=True)
    ws.close()
    original = small_world.read_text(encoding="utf-8")
    small_world.write_text(original.replace("cadence: 7d", "cadence: soon"), encoding="utf-8")
    ws = workspace_for(small_world, tmp_path)
    assert not ws.has_contacts and ws.problems
    app = TrailApp(ws)
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        notes = [n.message for n in app._notifications]
        assert len(main_screen(app).feed.entries) == 4  # the cached feed still shows
    assert any("contacts.yaml:7:14" in n and "cadence" in n for n in notes)
    assert small_world.read_text(encoding="utf-8") != original  # the user's file is untouched
    ws.close()


class _SlowFeed(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        time.sleep(1.5)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server(tmp_path: Path) -> Iterator[str]:
    feed = write_feed(tmp_path / "slow.rss", "slow", ["Slow news"])
    _SlowFeed.body = feed.read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowFeed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow.rss"
    server.shutdown()
    server.server_close()


async def test_refresh_runs_in_the_background_without_blocking_keys(
    small_world: Path, tmp_path: Path, slow_server: str
) -> None:
    small_world.write_text(
        small_world.read_text(encoding="utf-8")
        + f"  - name: Slow Writer\n    feeds: [{slow_server}]\n",
        encoding="utf-8",
    )
    ws = workspace_for(small_world, tmp_path)
    await refresh_async(ws.store, force=True)  # cache everything once
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        started = time.monotonic()
        await pilot.press("r")
        await pilot.pause(0.2)
        refreshing = [w for w in app.workers if w.group == "refresh" and not w.is_finished]
        assert refreshing, "the refresh should still be running (the slow feed takes 1.5 s)"
        assert "Refreshing" in screen_text(app)
        first = screen.feed.current
        await pilot.press("j")
        await pilot.press("l")
        await pilot.pause(0.1)
        assert screen.feed.current != first  # keys answered while the refresh ran
        assert time.monotonic() - started < 1.4
        await settle(app, pilot)
        assert not [w for w in app.workers if w.group == "refresh" and not w.is_finished]
        assert [t.kind for t in queries.trail(ws.store, screen.feed.current.contact_id)] == ["like"]  # type: ignore[union-attr]
    ws.close()


async def test_demo_shows_the_bundled_contacts_offline() -> None:
    ws = open_workspace(demo=True)
    assert ws.book is not None and len(ws.book.contacts) >= 8
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = main_screen(app)
        entries = list(screen.feed.entries.values())
        assert len(entries) >= 100
        assert len({e.contact_id for e in entries}) >= 8
        text = screen_text(app)
        assert "trailtui — demo" in text
        assert "Why they matter" in text and entries[0].contact_name in text
        assert f"{len(entries)} entries · {len(entries)} unread" in text
        await pilot.press("l")
        await settle(app, pilot)
        assert [t.kind for t in queries.trail(ws.store, entries[0].contact_id)] == ["like"]
    scratch = ws._scratch
    ws.close()
    assert scratch is not None and not scratch.exists()  # the demo database is thrown away


async def test_feed_health_screen_lists_failing_feeds_first(
    small_world: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.feed_health import FeedHealthScreen

    small_world.write_text(
        small_world.read_text(encoding="utf-8")
        + "  - name: Gone Away\n    feeds: [feeds/missing.rss]\n",
        encoding="utf-8",
    )
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FeedHealthScreen)
        assert screen.rows[0][0].contact_name == "Gone Away"
        text = screen_text(app)
        assert "3 feeds, 1 need attention" in text
        assert "no such file" in text and "fix the path in contacts.yaml" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    ws.close()
