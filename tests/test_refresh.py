"""The refresh pipeline's two kinds of worker: one thread, or worker processes
(forked, or started by a fork server).

Faults are planted inside a worker by the function the worker runs
(`workers.work`, replaced by one of the `work_*` functions below, which change
the worker's own copy of a module and then do the real work). A fork server's
worker imports this module afresh, so nothing patched in the test process
reaches it: only what the function itself does there.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc

from trailtui.contacts import load_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds import finish, workers
from trailtui.feeds.decide import FeedOutcome
from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult
from trailtui.feeds.refresh import Result, refresh
from trailtui.store import Store, open_store, queries
from trailtui.store.errors import StoreError
from trailtui.store.ingest import EntryData, FeedUpdate, StoreResult, store_fetches
from trailtui.store.records import FeedState

from .conftest import write_feed


def many_feeds(tmp_path: Path, count: int) -> Path:
    lines = ["version: 1", "contacts:"]
    for n in range(count):
        write_feed(tmp_path / f"f{n}.rss", f"p{n}", [f"Post {n} b", f"Post {n} a"])
        lines += [f"  - name: Person {n}", f"    feeds: [f{n}.rss]"]
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return contacts


def store_with_feeds(tmp_path: Path, count: int) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    sync_contacts(store, load_contacts(many_feeds(tmp_path, count)))
    return store


def started_pools(monkeypatch: pytest.MonkeyPatch) -> list[workers.WorkerPool]:
    """Every worker pool the refresh starts, kept for the test to look at."""
    pools: list[workers.WorkerPool] = []
    real = workers.WorkerPool.start

    def start(*args: Any) -> workers.WorkerPool | None:
        pool = real(*args)
        if pool is not None:
            pools.append(pool)
        return pool

    monkeypatch.setattr(workers.WorkerPool, "start", start)
    return pools


@pytest.fixture(params=workers.START_METHODS)
def start_method(request: pytest.FixtureRequest) -> workers.StartMethod:
    method: workers.StartMethod = request.param
    return method


# ---- faults planted in a worker (run there, never in the test process) ------

REAL_WORK = workers.work


def is_feed(feed: FeedState, n: int) -> bool:
    return feed.url.endswith(f"/f{n}.rss")


def work_dying_on_feed_7(*args: Any) -> None:
    real_fetch = finish.fetch_feed

    async def fetch_or_die(
        fetcher: Fetcher, feed: FeedState, max_bytes: int
    ) -> tuple[FetchResult, str | None]:
        if is_feed(feed, 7):
            os._exit(3)  # the worker dies (out of memory, killed) with feeds in hand
        return await real_fetch(fetcher, feed, max_bytes)

    finish.fetch_feed = fetch_or_die
    REAL_WORK(*args)


def work_failing_to_finish_feed_11(*args: Any) -> None:
    real_finish = finish.finish_feeds

    def finish_or_fail(
        jobs: list[finish.Job], store: Store, write_lock: Any = None
    ) -> list[FeedOutcome]:
        if any(is_feed(job.feed, 11) for job in jobs):
            raise RuntimeError("a bug in the worker's thread")
        return real_finish(jobs, store, write_lock)

    finish.finish_feeds = finish_or_fail
    REAL_WORK(*args)


def work_hanging_on_feed_5(*args: Any) -> None:
    real_fetch = finish.fetch_feed

    async def fetch_or_hang(
        fetcher: Fetcher, feed: FeedState, max_bytes: int
    ) -> tuple[FetchResult, str | None]:
        if is_feed(feed, 5):
            await asyncio.sleep(3600)  # a bug that no deadline catches
        return await real_fetch(fetcher, feed, max_bytes)

    finish.fetch_feed = fetch_or_hang
    REAL_WORK(*args)


def work_without_a_database(*args: Any) -> None:
    def open_fails(*_args: Any, **_kwargs: Any) -> Any:
        raise StoreError("cannot open database: disk I/O error")

    # workers looks open_store up in its own namespace (a name it imports, not exports).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "open_store", open_fails)
        REAL_WORK(*args)


# ---- tests ------------------------------------------------------------------


def test_a_big_first_refresh_uses_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: workers.StartMethod
) -> None:
    store = store_with_feeds(tmp_path, 30)
    assert workers.wanted(store, 30)
    assert not workers.wanted(store, 3)  # small: one thread
    pools = started_pools(monkeypatch)

    seen: list[int] = []
    report = refresh(
        store,
        force=True,
        on_progress=lambda o, done, total: seen.append(done),
        start_method=start_method,
    )
    assert report.total == 30 and report.due == 30 and not report.failures
    assert not report.cancelled
    assert report.new_entries == 60 and queries.counts(store).entries == 60
    assert seen == list(range(1, 31))  # progress reported for every feed, in order
    assert {o.parser for o in report.outcomes} == {"fast"}
    assert sorted(o.feed_id for o in report.outcomes) == sorted(
        f.id for f in queries.feeds_to_fetch(store, at=0, force=True)
    )  # each feed once
    (pool,) = pools
    assert pool.start_method == start_method
    assert len(pool.processes) == min(os.cpu_count() or 1, workers.MAX_WORKERS)
    assert [p.exitcode for p in pool.processes] == [0] * len(pool.processes)
    assert sum(pool.reported_by) == 30  # every feed done by a worker, none by the refresh
    assert os.getpid() not in [p.pid for p in pool.processes]

    # The second refresh: nothing new, one thread, nothing rewritten.
    again = refresh(store, force=True, start_method=start_method)
    assert len(pools) == 1
    assert {o.result for o in again.outcomes} == {Result.UNCHANGED}
    assert again.new_entries == 0
    store.close()


def test_no_start_method_means_one_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_with_feeds(tmp_path, 30)
    pools = started_pools(monkeypatch)
    report = refresh(store, force=True, start_method=None)
    assert report.total == 30 and not report.failures and pools == []
    assert queries.counts(store).entries == 60
    store.close()


def test_the_feeds_of_a_worker_that_dies_are_finished_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: workers.StartMethod
) -> None:
    store = store_with_feeds(tmp_path, 30)
    monkeypatch.setattr(workers, "work", work_dying_on_feed_7)
    pools = started_pools(monkeypatch)
    report = refresh(store, force=True, start_method=start_method)
    assert report.total == 30 and not report.failures
    assert queries.counts(store).entries == 60
    assert len({o.feed_id for o in report.outcomes}) == 30
    (pool,) = pools
    assert 3 in [p.exitcode for p in pool.processes]
    assert sum(pool.reported_by) < 30  # the refresh finished some itself
    store.close()


def test_a_worker_whose_finishing_fails_ends_and_its_feeds_are_finished_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: workers.StartMethod
) -> None:
    store = store_with_feeds(tmp_path, 30)
    monkeypatch.setattr(workers, "work", work_failing_to_finish_feed_11)
    pools = started_pools(monkeypatch)
    report = refresh(store, force=True, start_method=start_method)
    assert report.total == 30 and not report.failures
    assert queries.counts(store).entries == 60
    (pool,) = pools
    assert 1 in [p.exitcode for p in pool.processes]
    store.close()


def test_a_worker_that_hangs_is_stopped_and_its_feeds_finished_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: workers.StartMethod
) -> None:
    store = store_with_feeds(tmp_path, 30)
    monkeypatch.setattr(workers, "work", work_hanging_on_feed_5)
    pools = started_pools(monkeypatch)
    report = refresh(store, force=True, limits=FetchLimits(deadline=0.5), start_method=start_method)
    assert report.total == 30 and not report.failures
    assert queries.counts(store).entries == 60
    (pool,) = pools
    assert not any(p.is_alive() for p in pool.processes)
    store.close()


def test_workers_that_cannot_open_the_database_leave_quietly(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    start_method: workers.StartMethod,
) -> None:
    store = store_with_feeds(tmp_path, 30)
    monkeypatch.setattr(workers, "work", work_without_a_database)
    pools = started_pools(monkeypatch)
    report = refresh(store, force=True, start_method=start_method)
    assert report.total == 30 and not report.failures  # finished by the refresh itself
    assert queries.counts(store).entries == 60
    (pool,) = pools
    assert {p.exitcode for p in pool.processes} == {1}
    assert pool.reported_by == [0] * len(pool.processes)
    assert "Traceback" not in capfd.readouterr().err  # nothing printed over the app
    store.close()


def test_a_refresh_that_stops_early_stops_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: workers.StartMethod
) -> None:
    store = store_with_feeds(tmp_path, 40)
    pools = started_pools(monkeypatch)

    def give_up(outcome: Any, done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt  # the user pressed Ctrl-C

    with pytest.raises(KeyboardInterrupt):
        refresh(store, force=True, on_progress=give_up, start_method=start_method)
    (pool,) = pools
    assert not any(p.is_alive() for p in pool.processes)
    # What the workers stored is intact, and the next refresh finishes the rest.
    report = refresh(store, force=True, start_method=start_method)
    assert report.total == 40 and not report.failures
    assert queries.counts(store).entries == 80
    store.close()


def test_in_memory_database_never_forks(tmp_path: Path) -> None:
    store = open_store("sqlite://")
    assert not workers.wanted(store, 100)
    store.close()


def test_one_feed_the_database_refuses_does_not_fail_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_with_feeds(tmp_path, 4)
    bad_id = queries.feeds_to_fetch(store, at=0, force=True)[1].id

    def refusing(
        store_: Store, batch: Sequence[tuple[int, FeedUpdate, Sequence[EntryData]]]
    ) -> list[StoreResult]:
        if any(feed_id == bad_id for feed_id, _, _ in batch):
            raise sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("constraint"))
        return store_fetches(store_, batch)

    monkeypatch.setattr(finish, "store_fetches", refusing)
    jobs = [
        finish.Job(feed, FetchResult(feed.url, error="unreachable"), 1800, 10**6, 0.0)
        for feed in queries.feeds_to_fetch(store, at=0, force=True)
    ]
    outcomes = finish.finish_feeds(jobs, store)
    assert [o.result for o in outcomes] == [Result.FAILED] * 4
    assert [o.error for o in outcomes].count("unreachable") == 3  # stored as failures
    refused = next(o for o in outcomes if o.feed_id == bad_id)
    assert refused.error is not None and refused.error.startswith("database: IntegrityError")
    store.close()
