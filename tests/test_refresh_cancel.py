"""Cancelling a refresh from another thread (`Refresh.cancel`), as the app does
when the user asks for another refresh or quits.

Feeds come from the real loopback server; the "held" ones ask its /timeout
route, which never answers while the server runs, and the limits here are an
hour long: only the cancel can end those requests, so `run()` returning at
all shows it did. Everything is proven by order and state (progress events,
the server's log, the kernel's table of TCP connections, the process table),
never by a clock; timeouts are only there so a broken build fails instead of
hanging.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds import finish, workers
from trailtui.feeds.http import FetchLimits
from trailtui.feeds.refresh import Refresh, RefreshReport, Result
from trailtui.store import Store, open_store, queries

from .feedserver import RSS_SAMPLE, RSS_TITLES, FeedServer

HANG_GUARD = 120.0  # seconds; never reached unless something is broken
HOUR = 3600.0
# Nothing but a cancel ends a request the server never answers.
HELD = FetchLimits(
    connect_timeout=HOUR,
    read_timeout=HOUR,
    deadline=HOUR,
    max_bytes=1024 * 1024,
    concurrency=64,
    per_host=64,
)
ENTRIES = len(RSS_TITLES)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running
    assert running.live_threads() == []


def open_synced(tmp_path: Path, feeds: dict[str, str]) -> Store:
    """A new database with one contact per feed, in this order (the refresh's order)."""
    lines = ["version: 1", "contacts:"]
    lines += [
        f'  - {{name: "{name}", id: {name}, feeds: ["{url}"]}}' for name, url in feeds.items()
    ]
    store = open_store(f"sqlite:///{tmp_path / 'cancel.sqlite3'}")
    book = parse_contacts("\n".join(lines) + "\n", name="contacts.yaml", base_dir=tmp_path)
    sync_contacts(store, book)
    return store


def good_feeds(server: FeedServer, count: int) -> dict[str, str]:
    return {f"good{n}": server.add_feed(f"good{n}", RSS_SAMPLE) for n in range(count)}


def held_feeds(server: FeedServer, count: int) -> dict[str, str]:
    return {f"held{n}": server.url(f"/timeout?feed={n}") for n in range(count)}


class Runner:
    """`refresh.run()` in a thread of its own, as the app's thread worker does."""

    def __init__(self, refresh: Refresh) -> None:
        self.report: RefreshReport | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(refresh,), name="test-refresh")
        self.thread.start()

    def _run(self, refresh: Refresh) -> None:
        try:
            self.report = refresh.run()
        except BaseException as exc:
            self.error = exc

    def result(self) -> RefreshReport:
        self.thread.join(HANG_GUARD)
        assert not self.thread.is_alive(), "run() did not return after cancel()"
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report


def wait_until(condition: Callable[[], bool], what: str) -> None:
    done = threading.Event()
    for _ in range(int(HANG_GUARD * 20)):
        if condition():
            return
        done.wait(0.05)
    raise AssertionError(f"never happened: {what}")


def requests_held(server: FeedServer) -> int:
    return sum(1 for r in list(server.log) if r.path.startswith("/timeout"))


def open_connections(port: int) -> int:
    """Established TCP connections to `port` on 127.0.0.1, from any process here
    (the kernel's table: the client side of every request the refresh has open)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote, state = fields[2], fields[3]
        if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port:
            count += 1
    return count


def descendants() -> set[int]:
    """Every live or unreaped process below this one (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue  # gone meanwhile
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def assert_consistent(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []


def entries_by_contact(store: Store) -> dict[str, int]:
    return {h.contact_name: h.entry_count for h in queries.feed_health(store)}


def names_of(store: Store, report: RefreshReport) -> set[str]:
    names = {h.id: h.contact_name for h in queries.feed_health(store)}
    return {names[o.feed_id] for o in report.outcomes}


def is_running(refresh: Refresh) -> bool:
    """refresh.running read now: another thread changes it, so mypy must not narrow it."""
    return refresh.running


def refresh_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("trailtui-refresh")]


def test_cancel_ends_a_refresh_in_one_thread(tmp_path: Path, server: FeedServer) -> None:
    held, good = held_feeds(server, 3), good_feeds(server, 5)
    store = open_synced(tmp_path, {**held, **good})
    all_good = threading.Event()

    def progress(outcome: Any, done: int, total: int) -> None:
        if done == len(good):
            all_good.set()

    refresh = Refresh(store, force=True, limits=HELD, on_progress=progress)
    runner = Runner(refresh)
    assert all_good.wait(HANG_GUARD)
    wait_until(lambda: requests_held(server) == len(held), "the held requests reach the server")
    assert open_connections(server.port) >= len(held)
    assert is_running(refresh)

    refresh.cancel()
    refresh.cancel()  # a second time: nothing more
    report = runner.result()
    assert report.cancelled and refresh.cancelled and not is_running(refresh)
    assert report.due == len(held) + len(good) and report.total == len(good)
    assert {o.result for o in report.outcomes} == {Result.UPDATED}
    assert names_of(store, report) == set(good)
    # The requests the server never answered were aborted, the thread is gone.
    assert open_connections(server.port) == 0
    assert refresh_threads() == []
    # What was stored stays stored; the held feeds are untouched, due again.
    assert_consistent(store)
    counts = entries_by_contact(store)
    assert {name: counts[name] for name in good} == dict.fromkeys(good, ENTRIES)
    assert {name: counts[name] for name in held} == dict.fromkeys(held, 0)
    health = {h.contact_name: h for h in queries.feed_health(store)}
    assert all(health[name].last_fetch_at is None for name in held)
    due = {f.url for f in queries.feeds_to_fetch(store, at=0)}
    assert set(held.values()) <= due
    store.close()


@pytest.mark.parametrize("start_method", workers.START_METHODS)
def test_cancel_stops_and_reaps_the_worker_processes(
    tmp_path: Path, server: FeedServer, start_method: workers.StartMethod
) -> None:
    held, good = held_feeds(server, 6), good_feeds(server, 30)
    store = open_synced(tmp_path, {**held, **good})  # held first: taken first
    assert workers.wanted(store, len(held) + len(good))
    assert workers.prepare(start_method)
    before = descendants()  # a fork server and its resource tracker stay: they serve the app
    some_done = threading.Event()
    pools: list[workers.WorkerPool] = []
    real_start = workers.WorkerPool.start

    def start(*args: Any) -> workers.WorkerPool | None:
        pool = real_start(*args)
        if pool is not None:
            pools.append(pool)
        return pool

    def progress(outcome: Any, done: int, total: int) -> None:
        if done == 10:
            some_done.set()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers.WorkerPool, "start", start)
        refresh = Refresh(
            store, force=True, limits=HELD, on_progress=progress, start_method=start_method
        )
        runner = Runner(refresh)
        assert some_done.wait(HANG_GUARD)
        wait_until(lambda: requests_held(server) == len(held), "the held requests are sent")
        (pool,) = pools
        worker_pids = {p.pid for p in pool.processes}
        # At least the workers holding the held feeds are still at work (one
        # that took only good feeds may have finished and left).
        assert worker_pids & descendants()
        refresh.cancel()
        report = runner.result()

    assert report.cancelled and report.due == len(held) + len(good)
    assert 10 <= report.total < report.due
    assert {o.result for o in report.outcomes} == {Result.UPDATED}
    assert names_of(store, report) <= set(good)
    # No worker left, none unreaped; their connections closed with them.
    assert not any(p.is_alive() for p in pool.processes)
    assert multiprocessing.active_children() == []
    assert descendants() == before
    assert not worker_pids & descendants()
    assert open_connections(server.port) == 0
    assert refresh_threads() == []
    # Each feed was stored whole or not at all, and every one reported is there.
    assert_consistent(store)
    counts = entries_by_contact(store)
    assert set(counts.values()) <= {0, ENTRIES}
    assert all(counts[name] == ENTRIES for name in names_of(store, report))
    assert all(counts[name] == 0 for name in held)
    store.close()


def test_cancel_before_run_fetches_nothing(tmp_path: Path, server: FeedServer) -> None:
    store = open_synced(tmp_path, good_feeds(server, 3))
    started: list[int] = []
    refresh = Refresh(store, force=True, limits=HELD, on_start=started.append)
    refresh.cancel()
    assert not refresh.running
    report = refresh.run()
    assert report.cancelled and report.total == 0 and report.due == 0
    assert started == [] and server.log == []
    assert not refresh.running
    with pytest.raises(RuntimeError, match="already run"):
        refresh.run()
    store.close()


def test_cancel_after_the_end_changes_nothing(tmp_path: Path, server: FeedServer) -> None:
    good = good_feeds(server, 3)
    store = open_synced(tmp_path, good)
    refresh = Refresh(store, force=True, limits=HELD)
    report = refresh.run()
    refresh.cancel()
    refresh.cancel()
    assert not report.cancelled and report.total == report.due == len(good)
    assert not refresh.running
    with pytest.raises(RuntimeError):
        refresh.run()  # one Refresh, one run
    store.close()


def test_the_finishing_thread_stores_its_batch_and_takes_no_other(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    held, good = held_feeds(server, 2), good_feeds(server, 6)
    store = open_synced(tmp_path, {**held, **good})
    entered, release = threading.Event(), threading.Event()
    batches: list[list[str]] = []
    running_when_released: list[bool] = []
    real_finish = finish.finish_feeds

    def finish_slowly(jobs: list[finish.Job], *args: Any) -> Any:
        batches.append([job.feed.url for job in jobs])
        if len(batches) == 1:  # the first batch waits, mid-way, for the test
            entered.set()
            assert release.wait(HANG_GUARD)
            running_when_released.append(refresh.running)
        return real_finish(jobs, *args)

    monkeypatch.setattr(finish, "finish_feeds", finish_slowly)
    refresh = Refresh(store, force=True, limits=HELD)
    runner = Runner(refresh)
    assert entered.wait(HANG_GUARD)
    # Meanwhile the other good feeds download and queue up behind the batch.
    wait_until(
        lambda: len([r for r in list(server.log) if r.path.startswith("/feeds/")]) == len(good),
        "every good feed is downloaded",
    )
    refresh.cancel()
    release.set()
    report = runner.result()

    (batch,) = batches  # the batch in hand was finished, no other was taken
    assert running_when_released == [True]  # run() waited for it
    assert report.cancelled and report.total == len(batch)
    assert sorted(o.url for o in report.outcomes) == sorted(batch)
    assert_consistent(store)
    counts = entries_by_contact(store)
    url_of = {**held, **good}
    assert {name for name, url in url_of.items() if url in batch} == {
        name for name, count in counts.items() if count == ENTRIES
    }
    assert sum(counts.values()) == ENTRIES * len(batch)

    store.close()
