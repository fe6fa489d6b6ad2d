"""One refresh at a time, never in the way: proved by order, never by a stopwatch.

A gated server holds its answers until the test opens the gate, so "the
refresh is still running" is a fact the test controls, not a race."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from trailtui.feeds.refresh import Refresh, refresh_async
from trailtui.store import queries
from trailtui.ui.app import TrailApp
from trailtui.workspace import Workspace

from .conftest import write_feed
from .ui_support import (
    SIZE,
    main_screen,
    running,
    screen_text,
    settle,
    told,
    wait_for,
    workspace_for,
)

GATE_PATIENCE = 120.0  # seconds a held answer waits before giving up (a hang guard)


class GatedServer(ThreadingHTTPServer):
    """Serves registered feeds; while `gate` is closed, answers wait for it."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatedHandler)
        self.bodies: dict[str, bytes] = {}
        self.gate = threading.Event()
        self.gate.set()
        self.hits: Counter[str] = Counter()
        self.waiting = 0
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def serve(self, path: str, body: bytes) -> str:
        self.bodies[path] = body
        return self.url(path)


class GatedHandler(BaseHTTPRequestHandler):
    server: GatedServer

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.hits[self.path] += 1
            server.waiting += 1
        try:
            server.gate.wait(GATE_PATIENCE)
        finally:
            with server.lock:
                server.waiting -= 1
        body = server.bodies.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gated() -> Iterator[GatedServer]:
    server = GatedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.gate.set()
    server.shutdown()
    server.server_close()


def reloaded(app: TrailApp, count: int) -> bool:
    return app.reloads == count


def known(ws: Workspace, contact_id: str) -> bool:
    return queries.contact(ws.store, contact_id) is not None


def still_running(refresh: Refresh) -> bool:
    return refresh.running


def refreshing(app: TrailApp) -> bool:
    """Read afresh each time (the app changes it between awaits)."""
    return app.refresher.running


def with_web_feeds(contacts: Path, server: GatedServer, count: int, *, start: int = 0) -> None:
    """Add `count` people, each with one feed on the gated server."""
    lines = []
    for n in range(start, start + count):
        feed = write_feed(contacts.parent / f"web{n}.rss", f"web{n}", [f"Web post {n}"])
        url = server.serve(f"/web{n}.rss", feed.read_bytes())
        lines.append(f"  - name: Web Writer {n}\n    feeds: [{url}]\n")
    # Written as an editor saves (a new file renamed over the old), so the
    # watch never sees half of it.
    draft = contacts.with_name(".contacts.yaml.new")
    draft.write_text(contacts.read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")
    os.replace(draft, contacts)


async def test_keys_work_while_a_refresh_is_provably_running(
    small_world: Path, tmp_path: Path, gated: GatedServer
) -> None:
    with_web_feeds(small_world, gated, 1)
    ws = workspace_for(small_world, tmp_path)
    await refresh_async(ws.store, force=True)  # everything cached once
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        gated.gate.clear()
        await pilot.press("r")
        await wait_for(pilot, lambda: gated.waiting == 1)  # the web feed's answer is held
        assert refreshing(app)
        first = screen.feed.current
        await pilot.press("j")
        moved = screen.feed.current
        assert moved is not None and moved != first
        await pilot.press("l")
        await wait_for(pilot, lambda: bool(queries.trail(ws.store, moved.contact_id)))
        # Both keys were handled, and the refresh still waits for its answer.
        assert gated.waiting == 1 and refreshing(app)
        assert "Refreshing" in screen_text(app)
        gated.gate.set()
        await settle(pilot)
        assert not refreshing(app)
        assert [t.kind for t in queries.trail(ws.store, moved.contact_id)] == ["like"]
    ws.close()


async def test_a_second_refresh_is_not_started_while_one_runs(
    small_world: Path, tmp_path: Path, gated: GatedServer
) -> None:
    with_web_feeds(small_world, gated, 1)
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the first refresh, at start
        assert gated.hits["/web0.rss"] == 1
        gated.gate.clear()
        await pilot.press("r")
        await wait_for(pilot, lambda: gated.waiting == 1)
        await pilot.press("r", "r")
        await pilot.pause()
        assert told(app).count("Already refreshing") == 2
        gated.gate.set()
        await settle(pilot)
        # Three presses, one refresh: the feed was asked for once more, not three times.
        assert gated.hits["/web0.rss"] == 2
        assert app.refresher.runs == 2
    ws.close()


async def test_reloads_during_a_refresh_queue_one_follow_up(
    small_world: Path, tmp_path: Path, gated: GatedServer
) -> None:
    with_web_feeds(small_world, gated, 1)
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws, watch_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        runs, reloads = app.refresher.runs, app.reloads
        gated.gate.clear()
        await pilot.press("r")
        await wait_for(pilot, lambda: gated.waiting == 1)
        # Three edits, each adding someone with a new feed, each reloaded.
        for n in range(1, 4):
            with_web_feeds(small_world, gated, 1, start=n)
            await wait_for(pilot, partial(known, ws, f"web-writer-{n}"))
            await wait_for(pilot, partial(reloaded, app, reloads + n))
        assert refreshing(app)  # all three came while the refresh ran
        assert app.refresher.again  # one follow-up queued, however many reloads
        gated.gate.set()
        await settle(pilot)
        assert app.refresher.runs == runs + 2  # the one running, then one more
        # The follow-up fetched the new people's feeds, once each.
        assert [gated.hits[f"/web{n}.rss"] for n in range(1, 4)] == [1, 1, 1]
        titles = {e.title for e in queries.merged_feed(ws.store)}
        assert {"Web post 1", "Web post 2", "Web post 3"} <= titles
    ws.close()


async def test_quitting_mid_refresh_stops_its_workers(
    small_world: Path, tmp_path: Path, gated: GatedServer
) -> None:
    # Enough never-fetched feeds that the refresh starts worker processes.
    with_web_feeds(small_world, gated, 40)
    gated.gate.clear()
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: gated.waiting >= 2)  # downloads held, in flight
        refresh = app.refresher.current
        assert refresh is not None and refresh.running
        await pilot.press("q")
    # The app has ended: so has the refresh, and every process it started.
    assert refresh.cancelled and not still_running(refresh)
    assert multiprocessing.active_children() == []
    ws.close()
    with sqlite3.connect(tmp_path / "app.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_the_apps_first_big_refresh_uses_workers_and_never_forks_the_app(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trailtui.feeds import workers

    from .test_refresh import started_pools

    lines = []
    for n in range(30):  # more never-fetched feeds than one thread should take
        write_feed(small_world.parent / f"many{n}.rss", f"many{n}", [f"Many post {n}"])
        lines.append(f"  - name: Many Writer {n}\n    feeds: [many{n}.rss]\n")
    small_world.write_text(small_world.read_text() + "".join(lines), encoding="utf-8")
    pools = started_pools(monkeypatch)
    forks: list[int] = []

    def no_fork() -> int:
        forks.append(1)
        raise OSError("the app must not fork itself")

    monkeypatch.setattr("os.fork", no_fork)
    async with running(small_world, tmp_path) as (app, _):
        report = [m.message for m in app.message_log if "feeds refreshed" in m.message]
        assert report == ["32 feeds refreshed: 34 new entries"], told(app)
        assert len(queries.merged_feed(app.workspace.store)) == 34
    assert forks == []
    [pool] = pools
    assert pool.start_method == "forkserver" and sum(pool.reported_by) >= 30
    assert workers.MIN_NEW_FEEDS <= 30


async def test_a_feed_that_moved_is_stated_not_asked_about(
    small_world: Path, tmp_path: Path
) -> None:
    from .feedserver import FeedServer

    with FeedServer() as server:
        moved = server.url("/redirect-301/rss")
        small_world.write_text(
            small_world.read_text(encoding="utf-8")
            + f"  - name: Moved Writer\n    feeds: [{moved}]\n",
            encoding="utf-8",
        )
        target = server.url("/feeds/rss")
        async with running(small_world, tmp_path) as (app, _):
            said = told(app)
    assert f"{moved} moved permanently to {target}." in said
    assert "trailtui follows the redirect each time" in said
    assert "update contacts.yaml?" not in said
    assert small_world.read_text(encoding="utf-8").count(moved) == 1  # the file is untouched
