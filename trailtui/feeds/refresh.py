"""Refreshing every due feed: fetch -> parse -> decide -> store.

- fetch: async, bounded concurrency overall and per host (`http.Fetcher`);
- parse: off the event loop; in worker processes when there are enough
  changed feeds to pay for starting them (both cores work), else in a thread;
- decide: a pure function of stored state + fetch + parse + now (`decide`);
- store: one writer thread; results queued while it writes are stored
  together in one transaction.

One feed failing never stops the others; each outcome is reported as it is
stored, so a progress bar can follow.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context

from trailtui.feeds.decide import (
    Decision,
    FeedOutcome,
    ParseFailure,
    Result,
    decide,
    needs_parse,
)
from trailtui.feeds.discover import discover_feeds
from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult, Validators
from trailtui.feeds.parse import ParsedFeed, ParseError, parse_feed
from trailtui.store import Store, queries
from trailtui.store.errors import StoreError
from trailtui.store.ingest import StoreResult, store_fetches
from trailtui.store.records import FeedState

__all__ = ["FeedOutcome", "RefreshReport", "Result", "refresh", "refresh_async"]

DEFAULT_REFRESH_EVERY = 30 * 60
# Starting worker processes costs ~0.2 s; below this many feeds a thread is quicker.
PROCESS_POOL_MIN_FEEDS = 24
MAX_BATCH = 64


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
    """Parse in a worker (process or thread): a result or a reason, never a raise."""
    try:
        return parse_feed(body, headers, url)
    except ParseError as exc:
        reason = str(exc)
        if "web page" in reason:
            found = discover_feeds(body, url)
            if found:
                reason += f"; the page points to the feed {found[0]} (use that URL)"
        return ParseFailure(reason)
    except Exception as exc:  # a parser bug must cost one feed, not the refresh
        return ParseFailure(f"could not parse the feed ({type(exc).__name__}: {exc})")


def _warm_up() -> None:
    """Runs in each new worker: the parser's modules are loaded before work arrives."""
    import feedparser  # noqa: F401 - the fallback parser, imported once per worker


def _parse_executor(feed_count: int) -> Executor:
    """Worker processes for a big refresh (both cores parse), else one thread.

    Workers are forked (cheap: they share the parent's loaded modules) and
    all started here, before this refresh starts any thread of its own.
    forkserver/spawn would re-import the program's __main__ in every worker.
    """
    cores = os.cpu_count() or 1
    if feed_count >= PROCESS_POOL_MIN_FEEDS and cores > 1 and os.name == "posix":
        pool = ProcessPoolExecutor(
            max_workers=min(cores, 4), mp_context=get_context("fork"), initializer=_warm_up
        )
        try:
            pool.submit(_warm_up).result(timeout=10)  # spawns every worker now
            return pool
        except Exception:  # no processes here (sandbox, limits): parse in a thread
            pool.shutdown(wait=False, cancel_futures=True)
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="trailtui-parse")


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
    feeds = queries.feeds_to_fetch(store, at=int(time.time()), force=force)
    report = RefreshReport()
    if on_start:
        on_start(len(feeds))
    if not feeds:
        return report
    loop = asyncio.get_running_loop()
    decisions: asyncio.Queue[tuple[FeedState, Decision] | None] = asyncio.Queue()

    def stored(batch: list[tuple[FeedState, Decision]], results: list[StoreResult] | str) -> None:
        for index, (feed, decision) in enumerate(batch):
            outcome = decision.outcome
            if isinstance(results, str):
                outcome = FeedOutcome(feed.id, feed.url, Result.FAILED, error=results)
            else:
                outcome = replace(outcome, new=results[index].new, updated=results[index].updated)
            report.outcomes.append(outcome)
            if on_progress:
                on_progress(outcome, len(report.outcomes), len(feeds))

    async def writer(db: Executor) -> None:
        while True:
            first = await decisions.get()
            if first is None:
                return
            batch = [first]
            while not decisions.empty() and len(batch) < MAX_BATCH:
                item = decisions.get_nowait()
                if item is None:
                    decisions.put_nowait(None)
                    break
                batch.append(item)
            results = await loop.run_in_executor(db, _store_batch, store, batch)
            stored(batch, results)

    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="trailtui-db") as db,
        _parse_executor(len(feeds)) as parser,
    ):
        writing = asyncio.create_task(writer(db))
        async with Fetcher(limits) as fetcher:

            async def one(feed: FeedState) -> None:
                fetched = await fetcher.fetch(feed.url, Validators(feed.etag, feed.last_modified))
                parsed = None
                if needs_parse(feed, fetched) and fetched.body is not None:
                    job = (fetched.body, fetched.headers, _base_url(feed, fetched))
                    try:
                        parsed = await loop.run_in_executor(parser, parse_job, *job)
                    except BrokenExecutor:  # a worker died (out of memory?): parse here
                        parsed = await asyncio.to_thread(parse_job, *job)
                decision = decide(
                    feed,
                    fetched,
                    parsed,
                    now=int(time.time()),
                    refresh_every=refresh_every,
                    jitter=random.random(),
                )
                await decisions.put((feed, decision))

            await asyncio.gather(*(one(feed) for feed in feeds))
        await decisions.put(None)
        await writing
    report.elapsed = time.perf_counter() - started
    return report


def _base_url(feed: FeedState, fetched: FetchResult) -> str:
    return fetched.final_url or feed.url


def _store_batch(store: Store, batch: list[tuple[FeedState, Decision]]) -> list[StoreResult] | str:
    """Runs in the writer thread: the stored counts, or why nothing was stored."""
    try:
        return store_fetches(
            store, [(feed.id, decision.update, decision.entries) for feed, decision in batch]
        )
    except StoreError as exc:
        return f"database: {exc}"
