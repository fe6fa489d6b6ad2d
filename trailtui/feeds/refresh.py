"""Refreshing every due feed: fetch -> parse -> decide -> store.

- fetch: async, bounded concurrency overall and per host (`http.Fetcher`),
  on the event loop; bodies stay compressed as they came;
- then, per feed, in a worker: inflate (capped), skip if the bytes did not
  change, parse, decide (a pure function, `decide`), store (one transaction).
  These steps live in `finish`, shared with the worker processes.

The worker is one thread for an ordinary refresh (mostly 304s). When many
feeds have never been parsed, worker processes (`workers`, forked or started
by a fork server) fetch, parse and store them instead, one per core: only
small outcomes travel back.

One feed failing never stops the others; each outcome is reported as it is
stored, so a progress bar can follow. `Refresh` is one refresh that another
thread can cancel; `refresh` runs one to the end (the CLI).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trailtui.clock import now
from trailtui.feeds import workers
from trailtui.feeds.decide import FeedOutcome, Result
from trailtui.store import Store, queries
from trailtui.store.records import FeedState

if TYPE_CHECKING:
    # Fetching and finishing (aiohttp, the parsers' modules) are imported by
    # the refresh when it has feeds to fetch: the app imports this module
    # to show the cached feed, which needs none of them.
    from trailtui.feeds.finish import Job, parse_job
    from trailtui.feeds.http import FetchLimits

__all__ = [
    "FeedOutcome",
    "Refresh",
    "RefreshReport",
    "Result",
    "parse_job",
    "refresh",
    "refresh_async",
]

DEFAULT_REFRESH_EVERY = 30 * 60
MAX_BATCH = 64  # feeds stored in one transaction by the refresh thread
# Worker processes leave the SQLite WAL to the refresh's own connection,
# which copies it into the database every this many feeds (unless its last
# copy is still running), in a thread: a checkpoint inside a worker's write
# turn (tens of ms, syncing the disk) would hold up both workers, and one
# left for the end (closing the database) would add to the refresh's time.
CHECKPOINT_EVERY = 4


@dataclass
class RefreshReport:
    """What a refresh did: each finished feed's outcome, in the order they were stored."""

    outcomes: list[FeedOutcome] = field(default_factory=list)
    elapsed: float = 0.0
    due: int = 0  # feeds the refresh set out to fetch
    cancelled: bool = False  # stopped by Refresh.cancel before every due feed was done

    @property
    def total(self) -> int:
        """Feeds finished (stored): `due` unless the refresh was cancelled."""
        return len(self.outcomes)

    @property
    def failures(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.result is Result.FAILED]

    @property
    def new_entries(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def updated_entries(self) -> int:
        return sum(o.updated for o in self.outcomes)

    def count(self, result: Result) -> int:
        return sum(1 for o in self.outcomes if o.result is result)


ProgressCallback = Callable[[FeedOutcome, int, int], None]
StartCallback = Callable[[int], None]


class Refresh:
    """One refresh of the due feeds: `run()` in any thread, `cancel()` from any other.

    The app holds one while it runs in a thread worker: pressing `r` again or
    quitting cancels it for real. After `cancel()`, `run()` returns promptly
    with a report marked `cancelled`: the downloads in progress are aborted,
    the finishing thread stores the batch it holds and takes no other, the
    worker processes are stopped and reaped. What was stored stays stored (one
    transaction per batch), and the report lists those feeds; the others keep
    their state and are due again next time.

    start_method: how worker processes start when a refresh wants them (see
    `workers`): "fork" for a process without other threads (the `fetch`
    command), "forkserver" for one with threads (the app, which calls
    `workers.prepare("forkserver")` early); None never starts any (one
    thread does all)."""

    def __init__(
        self,
        store: Store,
        *,
        force: bool = False,
        refresh_every: int = DEFAULT_REFRESH_EVERY,
        limits: FetchLimits | None = None,
        on_start: StartCallback | None = None,
        on_progress: ProgressCallback | None = None,
        start_method: workers.StartMethod | None = "fork",
    ) -> None:
        self.store = store
        self.force = force
        self.refresh_every = refresh_every
        self._limits = limits
        self.on_start = on_start
        self.on_progress = on_progress
        self.start_method = start_method
        self._lock = threading.Lock()  # guards what cancel() reads from another thread
        self._began = self._ended = False
        self._cancel_requested = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def limits(self) -> FetchLimits:
        """The fetch limits (the defaults unless some were given)."""
        if self._limits is None:
            from trailtui.feeds.http import FetchLimits

            self._limits = FetchLimits()
        return self._limits

    @property
    def running(self) -> bool:
        """True from the start of `run()` until it returns (or raises)."""
        with self._lock:
            return self._began and not self._ended

    @property
    def cancelled(self) -> bool:
        """Whether `cancel()` was called (the report says whether it cut the run short)."""
        return self._cancel_requested

    def cancel(self) -> None:
        """Ask the refresh to stop; returns at once, from any thread.

        Before `run()`: `run()` then does nothing and returns a cancelled, empty
        report. During: see the class. After, or a second time: nothing."""
        with self._lock:
            if self._cancel_requested:
                return
            self._cancel_requested = True
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the run is over
                loop.call_soon_threadsafe(task.cancel)

    def run(self) -> RefreshReport:
        """Refresh, blocking this thread (it runs its own event loop); the report.

        A cancelled run returns normally, its report marked `cancelled` (never
        raises for it). Raises RuntimeError if this Refresh has run (or is
        running) already, or if this thread already runs an event loop (use
        `run_async` there). An error reading the due feeds (StoreError) and
        whatever `on_start` / `on_progress` raise propagate, after the
        workers have been stopped; a feed that fails is an outcome, never an
        exception."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # none: the usual case
            return asyncio.run(self.run_async())
        raise RuntimeError("Refresh.run() inside a running event loop: await run_async()")

    async def run_async(self) -> RefreshReport:
        """`run()` on the running event loop (cancel() still works from any thread)."""
        started = time.perf_counter()
        report = RefreshReport()
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._began:
                raise RuntimeError("this Refresh has already run; make a new one")
            self._began = True
            if self._cancel_requested:
                self._ended = True
                report.cancelled = True
                return report
            task = loop.create_task(self._refresh(report))
            self._loop, self._task = loop, task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not self.cancelled or (current is not None and current.cancelling()):
                raise  # the caller's own task was cancelled: not ours to swallow
            report.cancelled = True
        finally:
            with self._lock:
                self._ended = True
                self._loop = self._task = None
            report.elapsed = time.perf_counter() - started
        return report

    async def _refresh(self, report: RefreshReport) -> None:
        store, refresh_every = self.store, self.refresh_every
        feeds = queries.feeds_to_fetch(store, at=now(), force=self.force)
        report.due = len(feeds)
        if self.on_start:
            self.on_start(len(feeds))
        if not feeds:
            return
        # Loaded here, before any worker is forked (a fork shares them).
        import trailtui.feeds.finish  # noqa: F401

        limits = self.limits
        loop = asyncio.get_running_loop()
        pool = None
        new_feeds = sum(1 for f in feeds if f.content_hash is None)
        if self.start_method is not None and workers.wanted(store, new_feeds):
            pool = workers.WorkerPool.start(store, feeds, limits, refresh_every, self.start_method)
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trailtui-refresh")
        last_checkpoint: asyncio.Future[None] | None = None

        def done(outcome: FeedOutcome) -> None:
            nonlocal last_checkpoint
            report.outcomes.append(outcome)
            due = pool is not None and len(report.outcomes) % CHECKPOINT_EVERY == 0
            if due and (last_checkpoint is None or last_checkpoint.done()):
                last_checkpoint = loop.run_in_executor(thread, store.checkpoint)
            if self.on_progress:
                self.on_progress(outcome, len(report.outcomes), len(feeds))

        try:
            left = feeds
            if pool is not None:
                # No worker can be silent this long: each fetch has a deadline,
                # and a worker reports every few feeds it has parsed.
                async for outcome in pool.outcomes(stall_after=2 * limits.deadline + 1):
                    done(outcome)
                for outcome in pool.stop():  # sent by a worker stopped as it stalled
                    done(outcome)
                left = [feeds[index] for index in pool.unreported()]  # a worker died
            if left:
                await _refresh_in_thread(left, store, thread, limits, refresh_every, done)
        except asyncio.CancelledError:
            if pool is not None:
                for outcome in pool.stop():  # stored before its worker was stopped
                    done(outcome)
            raise
        finally:
            if pool is not None:
                pool.stop()  # after an error: the workers end, no more callbacks
            thread.shutdown(wait=True)


def refresh(
    store: Store,
    *,
    force: bool = False,
    refresh_every: int = DEFAULT_REFRESH_EVERY,
    limits: FetchLimits | None = None,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
    start_method: workers.StartMethod | None = "fork",
) -> RefreshReport:
    """Blocking entry point (the CLI): runs its own event loop. See `Refresh`."""
    return Refresh(
        store,
        force=force,
        refresh_every=refresh_every,
        limits=limits,
        on_start=on_start,
        on_progress=on_progress,
        start_method=start_method,
    ).run()


async def refresh_async(
    store: Store,
    *,
    force: bool = False,
    refresh_every: int = DEFAULT_REFRESH_EVERY,
    limits: FetchLimits | None = None,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
    start_method: workers.StartMethod | None = "fork",
) -> RefreshReport:
    """`refresh` on the running event loop."""
    return await Refresh(
        store,
        force=force,
        refresh_every=refresh_every,
        limits=limits,
        on_start=on_start,
        on_progress=on_progress,
        start_method=start_method,
    ).run_async()


async def _refresh_in_thread(
    feeds: list[FeedState],
    store: Store,
    thread: ThreadPoolExecutor,
    limits: FetchLimits,
    refresh_every: int,
    done: Callable[[FeedOutcome], None],
) -> None:
    """Fetch on this loop; finish in the thread, whatever has queued up meanwhile
    in one transaction.

    Cancelled, the downloads in progress are aborted, and the thread stores
    the batch it holds (those feeds are reported) and takes no other."""
    from trailtui.feeds import finish
    from trailtui.feeds.http import Fetcher

    loop = asyncio.get_running_loop()
    waiting: asyncio.Queue[Job | None] = asyncio.Queue()  # None: every feed is fetched
    refresh_task = asyncio.current_task()

    def stopping() -> bool:
        """Cancelled: known at once, while the downloads are still being aborted."""
        return refresh_task is not None and refresh_task.cancelling() > 0

    async def finish_waiting() -> None:
        while (first := await waiting.get()) is not None and not stopping():
            jobs = [first]
            while not waiting.empty() and len(jobs) < MAX_BATCH:
                job = waiting.get_nowait()
                if job is None:  # the end: finish this batch first
                    waiting.put_nowait(None)
                    break
                jobs.append(job)
            batch = loop.run_in_executor(thread, finish.finish_feeds, jobs, store)
            try:
                outcomes = await asyncio.shield(batch)
            except asyncio.CancelledError:
                for outcome in await batch:  # being stored all the same: count it
                    done(outcome)
                raise
            for outcome in outcomes:
                done(outcome)

    finisher = asyncio.create_task(finish_waiting())
    try:
        async with Fetcher(limits, decode=False) as fetcher:

            async def one(feed: FeedState) -> None:
                fetched, found = await finish.fetch_feed(fetcher, feed, limits.max_bytes)
                jitter = random.random()
                waiting.put_nowait(
                    finish.Job(feed, fetched, refresh_every, limits.max_bytes, jitter, found)
                )

            await asyncio.gather(*(one(feed) for feed in feeds))
        waiting.put_nowait(None)
        await finisher
    finally:
        if not finisher.done():
            finisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await finisher


def __getattr__(name: str) -> Any:
    """`parse_job`, re-exported from `finish` when it is first asked for."""
    if name == "parse_job":
        from trailtui.feeds.finish import parse_job

        return parse_job
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
