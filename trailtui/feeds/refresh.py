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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from trailtui.feeds import workers
from trailtui.feeds.decide import (
    Decision,
    FeedOutcome,
    ParseFailure,
    Result,
    body_digest,
    decide,
    needs_parse,
)
from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult, Validators, decode_body
from trailtui.store import Store, queries
from trailtui.store.errors import StoreError
from trailtui.store.ingest import store_fetches
from trailtui.store.records import FeedState

if TYPE_CHECKING:
    from trailtui.feeds.parse import ParsedFeed

__all__ = ["FeedOutcome", "RefreshReport", "Result", "refresh", "refresh_async"]

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


def parse_job(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed | ParseFailure:
    """Parse feed bytes: a result or a reason, never a raise."""
    from trailtui.feeds.parse import ParseError, parse_feed

    try:
        return parse_feed(body, headers, url)
    except ParseError as exc:
        reason = str(exc)
        if "web page" in reason:
            from trailtui.feeds.discover import discover_feeds  # html.parser: rarely needed

            found = discover_feeds(body, url)
            if found:
                reason += f"; the page points to the feed {found[0]} (use that URL)"
        return ParseFailure(reason)
    except Exception as exc:  # a parser bug must cost one feed, not the refresh
        return ParseFailure(f"could not parse the feed ({type(exc).__name__}: {exc})")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to finish one feed (picklable)."""

    feed: FeedState
    fetched: FetchResult
    refresh_every: int
    max_bytes: int
    jitter: float
    resolved_url: str | None = None  # a blog's feed, just found by autodiscovery


def _decide(job: Job) -> Decision | FeedOutcome:
    """Inflate, parse if the bytes changed, decide; a failure costs this feed only."""
    feed = job.feed
    try:
        fetched = decode_body(job.fetched, job.max_bytes)
        parsed = None
        digest = body_digest(fetched.body) if fetched.body is not None else None
        if needs_parse(feed, fetched, digest) and fetched.body is not None:
            parsed = parse_job(fetched.body, fetched.headers, fetched.final_url or feed.url)
        decision = decide(
            feed,
            fetched,
            parsed,
            now=int(time.time()),
            refresh_every=job.refresh_every,
            jitter=job.jitter,
            digest=digest,
        )
        if job.resolved_url and decision.update.succeeded:
            decision = replace(
                decision, update=replace(decision.update, resolved_url=job.resolved_url)
            )
        return decision
    except Exception as exc:  # a bug must cost one feed, never the whole refresh
        return _failed(feed, f"internal error: {type(exc).__name__}: {exc}")


def _failed(feed: FeedState, error: str) -> FeedOutcome:
    return FeedOutcome(feed.id, feed.url, Result.FAILED, error=error)


def finish_feeds(jobs: list[Job], store: Store, write_lock: Any = None) -> list[FeedOutcome]:
    """Finish several feeds and store them in one transaction (see store_decided)."""
    return store_decided([(job, _decide(job)) for job in jobs], store, write_lock)


def store_decided(
    decided: list[tuple[Job, Decision | FeedOutcome]], store: Store, write_lock: Any = None
) -> list[FeedOutcome]:
    """Store decided feeds in one transaction; their outcomes, in order.

    write_lock: held while writing, by worker processes taking turns (SQLite
    would make them wait anyway, but by sleeping and polling)."""
    batch = [
        (job.feed.id, result.update, result.entries)
        for job, result in decided
        if isinstance(result, Decision)
    ]
    try:
        with write_lock if write_lock is not None else contextlib.nullcontext():
            stored = iter(store_fetches(store, batch))
    except Exception as exc:  # StoreError, or a constraint we did not foresee
        if len(decided) > 1:  # one bad feed must not fail the others stored with it
            return [o for item in decided for o in store_decided([item], store, write_lock)]
        reason = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
        return [_failed(decided[0][0].feed, f"database: {reason}")]
    outcomes = []
    for _, result in decided:
        if isinstance(result, Decision):
            counts = next(stored)
            result = replace(result.outcome, new=counts.new, updated=counts.updated)
        outcomes.append(result)
    return outcomes


# ---- the refresh ---------------------------------------------------------


async def fetch_feed(
    fetcher: Fetcher, feed: FeedState, max_bytes: int
) -> tuple[FetchResult, str | None]:
    """Fetch a feed. For a `blog:` source, find the feed its page points to
    first (and again when the remembered one is gone).

    Returns the result and the feed URL found now (None if none was looked for).
    """
    fetched = await fetcher.fetch(feed.fetch_url, Validators(feed.etag, feed.last_modified))
    if not feed.discover:
        return fetched, None
    if feed.resolved_url is not None:
        if fetched.status not in (404, 410):
            return fetched, None
        fetched = await fetcher.fetch(feed.url)  # the feed is gone: ask the site again
    page = decode_body(fetched, max_bytes)
    if page.error is not None or page.body is None:
        return page, None
    from trailtui.feeds.discover import discover_feeds

    found = discover_feeds(page.body, page.final_url or feed.url)
    if not found:
        return page, None  # the address may be a feed itself; the parser will tell
    return await fetcher.fetch(found[0]), found[0]


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
            outcomes = await loop.run_in_executor(thread, finish_feeds, jobs, store)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                future.set_result(outcome)

    finisher = asyncio.create_task(in_thread())
    try:
        async with Fetcher(limits, decode=False) as fetcher:

            async def one(feed: FeedState) -> None:
                fetched, found = await fetch_feed(fetcher, feed, limits.max_bytes)
                job = Job(feed, fetched, refresh_every, limits.max_bytes, random.random(), found)
                future: asyncio.Future[FeedOutcome] = loop.create_future()
                waiting.put_nowait((job, future))
                done(await future)

            await asyncio.gather(*(one(feed) for feed in feeds))
    finally:
        finisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await finisher
