"""One feed's steps, shared by the refresh and its worker processes.

- fetch (`fetch_feed`): the feed, or for a `blog:` source the feed its page
  points to;
- finish (`finish_feeds`): inflate (capped), parse if the bytes changed,
  decide (`decide.decide`, pure), then store a batch of feeds in one
  transaction (`store_decided`).

A failure costs one feed, never the batch or the refresh: every step ends in
a `FeedOutcome`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from trailtui.clock import now
from trailtui.feeds.decide import (
    Decision,
    FeedOutcome,
    ParseFailure,
    Result,
    body_digest,
    decide,
    needs_parse,
)
from trailtui.feeds.http import Fetcher, FetchResult, Validators, decode_body
from trailtui.store import Store
from trailtui.store.errors import StoreError
from trailtui.store.ingest import store_fetches
from trailtui.store.records import FeedState

if TYPE_CHECKING:
    from trailtui.feeds.parse import ParsedFeed

__all__ = ["Job", "fetch_feed", "finish_feeds", "listed_elsewhere", "parse_job", "store_decided"]


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
    """Everything needed to finish one feed (picklable)."""

    feed: FeedState
    fetched: FetchResult
    refresh_every: int
    max_bytes: int
    jitter: float
    resolved_url: str | None = None  # a blog's feed, just found by autodiscovery


def _decide(job: Job, same_as: str | None = None) -> Decision | FeedOutcome:
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
            now=now(),
            refresh_every=job.refresh_every,
            jitter=job.jitter,
            digest=digest,
            same_as=same_as,
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
    same = listed_elsewhere(store, jobs)
    return store_decided(
        [(job, _decide(job, same.get(job.feed.id))) for job in jobs], store, write_lock
    )


def listed_elsewhere(store: Store, jobs: list[Job]) -> dict[int, str]:
    """Feeds whose redirect ended at another active feed of the same person:
    feed id -> that feed's URL. One post is then stored once, not once per
    feed (a blog's old address that now leads to its listed new one)."""
    redirected = {
        job.feed.id: (job.feed.contact_id, final)
        for job in jobs
        if (final := job.fetched.final_url) and final != job.feed.fetch_url
    }
    if not redirected:
        return {}  # the usual case: no query
    from sqlalchemy import or_, select

    from trailtui.store.models import FeedRow

    urls = {final for _, final in redirected.values()}
    query = select(FeedRow.id, FeedRow.contact_id, FeedRow.url, FeedRow.resolved_url).where(
        FeedRow.active.is_(True), or_(FeedRow.url.in_(urls), FeedRow.resolved_url.in_(urls))
    )
    try:
        with store.read() as session:
            listed = [tuple(row) for row in session.execute(query)]
    except StoreError:
        return {}  # storing them twice is better than not storing them
    same: dict[int, str] = {}
    for feed_id, (contact_id, final) in redirected.items():
        for other_id, other_contact, url, resolved_url in listed:
            if other_id != feed_id and other_contact == contact_id and final in (url, resolved_url):
                same[feed_id] = final
    return same


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
