"""Refreshing every due feed: fetch concurrently, parse and store one by one.

fetch (async, bounded concurrency) -> parse (feedparser, in a worker thread,
off the event loop) -> store (one transaction per feed). One feed failing never
stops the others; each outcome is reported as it happens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult, Validators
from trailtui.feeds.parse import ParseError, parse_feed
from trailtui.feeds.schedule import next_fetch_at
from trailtui.store import Store, queries
from trailtui.store.errors import StoreError
from trailtui.store.ingest import FeedUpdate, store_fetch
from trailtui.store.records import FeedState

DEFAULT_REFRESH_EVERY = 30 * 60


class Result(StrEnum):
    UPDATED = "updated"  # fetched and parsed
    UNCHANGED = "unchanged"  # same bytes as last time: nothing parsed
    NOT_MODIFIED = "not modified"  # HTTP 304
    FAILED = "failed"


@dataclass(frozen=True)
class FeedOutcome:
    feed_id: int
    url: str
    result: Result
    new: int = 0
    updated: int = 0
    error: str | None = None
    warning: str | None = None
    moved_to: str | None = None


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
    feeds = queries.feeds_to_fetch(store, at=int(time.time()), force=force)
    report = RefreshReport()
    if on_start:
        on_start(len(feeds))
    loop = asyncio.get_running_loop()
    # One thread parses and stores, in arrival order: feedparser is CPU-bound
    # Python (threads would not run it faster) and SQLite takes one writer.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trailtui-parse") as worker:
        async with Fetcher(limits) as fetcher:

            async def one(feed: FeedState) -> None:
                fetched = await fetcher.fetch(feed.url, Validators(feed.etag, feed.last_modified))
                outcome = await loop.run_in_executor(
                    worker, process, store, feed, fetched, refresh_every
                )
                report.outcomes.append(outcome)
                if on_progress:
                    on_progress(outcome, len(report.outcomes), len(feeds))

            await asyncio.gather(*(one(feed) for feed in feeds))
    report.elapsed = time.perf_counter() - started
    return report


def process(store: Store, feed: FeedState, fetched: FetchResult, refresh_every: int) -> FeedOutcome:
    """Parse and store one fetch result (runs in the worker thread)."""
    try:
        return _process(store, feed, fetched, refresh_every)
    except StoreError as exc:
        return FeedOutcome(feed.id, feed.url, Result.FAILED, error=f"database: {exc}")


def _process(
    store: Store, feed: FeedState, fetched: FetchResult, refresh_every: int
) -> FeedOutcome:
    at = int(time.time())
    moved = fetched.moved_to

    def failed(error: str) -> FeedOutcome:
        store_fetch(
            store,
            feed.id,
            FeedUpdate(
                fetched_at=at,
                status=fetched.status,
                error=error,
                moved_to=moved,
                next_fetch_at=next_fetch_at(
                    at, ok=False, failures=feed.failures + 1, refresh_every=refresh_every
                ),
            ),
        )
        return FeedOutcome(feed.id, feed.url, Result.FAILED, error=error, moved_to=moved)

    if fetched.error is not None:
        return failed(fetched.error)
    succeeded = FeedUpdate(
        fetched_at=at,
        status=fetched.status,
        error=None,
        moved_to=moved,
        next_fetch_at=next_fetch_at(at, ok=True, failures=0, refresh_every=refresh_every),
        etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"),
        succeeded=True,
    )
    if fetched.not_modified or fetched.body is None:
        store_fetch(store, feed.id, succeeded)
        return FeedOutcome(feed.id, feed.url, Result.NOT_MODIFIED, moved_to=moved)
    digest = hashlib.sha256(fetched.body).hexdigest()
    if digest == feed.content_hash:
        store_fetch(store, feed.id, succeeded)
        return FeedOutcome(feed.id, feed.url, Result.UNCHANGED, moved_to=moved)
    try:
        parsed = parse_feed(fetched.body, fetched.headers, fetched.final_url or feed.url)
    except ParseError as exc:
        return failed(str(exc))
    update = dataclasses.replace(succeeded, content_hash=digest, title=parsed.title)
    stored = store_fetch(store, feed.id, update, parsed.entries)
    return FeedOutcome(
        feed.id,
        feed.url,
        Result.UPDATED,
        new=stored.new,
        updated=stored.updated,
        warning=parsed.warning,
        moved_to=moved,
    )
