"""Refreshing every due feed: fetch -> parse -> decide -> store.

- fetch: async, bounded concurrency overall and per host (`http.Fetcher`),
  on the event loop; bodies stay compressed as they came;
- then, per feed, in a worker: inflate (capped), skip if the bytes did not
  change, parse, decide (a pure function, `decide`), store (one transaction).

The worker is one thread for an ordinary refresh (mostly 304s). When many
feeds have never been parsed, forked processes (`workers`) fetch, parse and
store them instead, one per core: only small outcomes travel back.

One feed failing never stops the others; each outcome is reported as it is
stored, so a progress bar can follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from trailtui.feeds import finish, workers
from trailtui.feeds.decide import FeedOutcome, Result
from trailtui.feeds.finish import Job, parse_job
from trailtui.feeds.http import Fetcher, FetchLimits
from trailtui.store import Store, queries
from trailtui.store.records import FeedState

__all__ = ["FeedOutcome", "RefreshReport", "Result", "parse_job", "refresh", "refresh_async"]

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
    outcomes: list[FeedOutcome] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
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


def refresh(
    store: Store,
    *,
    force: bool = False,
    refresh_every: int = DEFAULT_REFRESH_EVERY,
    limits: FetchLimits | None = None,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
) -> RefreshReport:
    """Blocking entry point (CLI, UI thread worker): runs its own event loop."""
    return asyncio.run(
        refresh_async(
            store,
            force=force,
            refresh_every=refresh_every,
            limits=limits,
            on_start=on_start,
            on_progress=on_progress,
        )
    )


async def refresh_async(
    store: Store,
    *,
    force: bool = False,
    refresh_every: int = DEFAULT_REFRESH_EVERY,
    limits: FetchLimits | None = None,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
) -> RefreshReport:
    started = time.perf_counter()
    limits = limits or FetchLimits()
    feeds = queries.feeds_to_fetch(store, at=int(time.time()), force=force)
    report = RefreshReport()
    if on_start:
        on_start(len(feeds))
    if not feeds:
        return report
    loop = asyncio.get_running_loop()
    pool = None
    if workers.wanted(store, sum(1 for f in feeds if f.content_hash is None)):
        pool = workers.WorkerPool.start(store, feeds, limits, refresh_every)
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trailtui-refresh")
    last_checkpoint: asyncio.Future[None] | None = None

    def done(outcome: FeedOutcome) -> None:
        nonlocal last_checkpoint
        report.outcomes.append(outcome)
        due = pool is not None and len(report.outcomes) % CHECKPOINT_EVERY == 0
        if due and (last_checkpoint is None or last_checkpoint.done()):
            last_checkpoint = loop.run_in_executor(thread, store.checkpoint)
        if on_progress:
            on_progress(outcome, len(report.outcomes), len(feeds))

    try:
        left = feeds
        if pool is not None:
            # No worker can be silent this long: each fetch has a deadline,
            # and a worker reports every few feeds it has parsed.
            async for outcome in pool.outcomes(stall_after=2 * limits.deadline + 1):
                done(outcome)
            left = [feeds[index] for index in pool.unreported()]  # a worker died
        if left:
            await _refresh_in_thread(left, store, thread, limits, refresh_every, done)
    finally:
        if pool is not None:
            pool.stop()
        thread.shutdown(wait=True)
    report.elapsed = time.perf_counter() - started
    return report


async def _refresh_in_thread(
    feeds: list[FeedState],
    store: Store,
    thread: ThreadPoolExecutor,
    limits: FetchLimits,
    refresh_every: int,
    done: Callable[[FeedOutcome], None],
) -> None:
    """Fetch on this loop; finish in the thread, whatever has queued up meanwhile
    in one transaction."""
    loop = asyncio.get_running_loop()
    waiting: asyncio.Queue[tuple[Job, asyncio.Future[FeedOutcome]]] = asyncio.Queue()

    async def in_thread() -> None:
        while True:
            batch = [await waiting.get()]
            while not waiting.empty() and len(batch) < MAX_BATCH:
                batch.append(waiting.get_nowait())
            jobs = [job for job, _ in batch]
            outcomes = await loop.run_in_executor(thread, finish.finish_feeds, jobs, store)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                future.set_result(outcome)

    finisher = asyncio.create_task(in_thread())
    try:
        async with Fetcher(limits, decode=False) as fetcher:

            async def one(feed: FeedState) -> None:
                fetched, found = await finish.fetch_feed(fetcher, feed, limits.max_bytes)
                job = Job(feed, fetched, refresh_every, limits.max_bytes, random.random(), found)
                future: asyncio.Future[FeedOutcome] = loop.create_future()
                waiting.put_nowait((job, future))
                done(await future)

            await asyncio.gather(*(one(feed) for feed in feeds))
    finally:
        finisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await finisher
