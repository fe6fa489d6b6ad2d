"""The decide step: what a fetch means for the stored feed. Pure: no I/O.

(stored feed state, HTTP result, parse result, now) -> the feed's new state,
the entries to upsert, and the outcome to report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from trailtui.feeds.schedule import next_fetch_at
from trailtui.store.ingest import FeedUpdate
from trailtui.store.records import FeedState

if TYPE_CHECKING:  # the parsers load only when a feed needs parsing
    from trailtui.feeds.entries import ParsedEntry
    from trailtui.feeds.http import FetchResult
    from trailtui.feeds.parse import ParsedFeed


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
    parser: str | None = None


@dataclass(frozen=True)
class ParseFailure:
    reason: str


@dataclass(frozen=True)
class Decision:
    update: FeedUpdate
    outcome: FeedOutcome
    entries: list[ParsedEntry] = field(default_factory=list)


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def needs_parse(feed: FeedState, fetched: FetchResult, digest: str | None = None) -> bool:
    """Parse only a successful answer whose bytes differ from last time.

    `digest` is body_digest(fetched.body) if the caller has it already."""
    if fetched.error is not None or fetched.not_modified or fetched.body is None:
        return False
    if fetched.status is not None and fetched.status >= 400:
        return False
    return (digest or body_digest(fetched.body)) != feed.content_hash


def decide(
    feed: FeedState,
    fetched: FetchResult,
    parsed: ParsedFeed | ParseFailure | None,
    *,
    now: int,
    refresh_every: int,
    jitter: float = 0.0,
    digest: str | None = None,
    same_as: str | None = None,
) -> Decision:
    """parsed is None when needs_parse said no; `digest` as for needs_parse.

    same_as: another listed feed of the same person that this one's redirect
    ended at. Its entries are that feed's: stored there, not twice."""
    moved = fetched.moved_to
    headers = fetched.headers
    error = fetched.error
    if error is None and fetched.status is not None and fetched.status >= 400:
        error = f"HTTP {fetched.status}"
    if error is None and isinstance(parsed, ParseFailure):
        error = parsed.reason
    if error is not None:
        failures = feed.failures + 1
        update = FeedUpdate(
            fetched_at=now,
            status=fetched.status,
            error=error,
            moved_to=moved,
            next_fetch_at=next_fetch_at(
                now,
                ok=False,
                failures=failures,
                refresh_every=refresh_every,
                status=fetched.status,
                headers=headers,
                jitter=jitter,
            ),
        )
        return Decision(
            update, FeedOutcome(feed.id, feed.url, Result.FAILED, error=error, moved_to=moved)
        )
    update = FeedUpdate(
        fetched_at=now,
        status=fetched.status,
        error=None,
        moved_to=moved,
        next_fetch_at=next_fetch_at(
            now, ok=True, failures=0, refresh_every=refresh_every, headers=headers
        ),
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        succeeded=True,
    )
    assert not isinstance(parsed, ParseFailure)  # handled with the errors above
    if parsed is None:
        result = Result.NOT_MODIFIED if fetched.not_modified else Result.UNCHANGED
        return Decision(update, FeedOutcome(feed.id, feed.url, result, moved_to=moved))
    warning = parsed.warning
    if same_as is not None:
        warning = (
            f"this feed now leads to {same_as}, listed too: its posts are shown once, from there"
        )
    update = replace(
        update,
        content_hash=digest or body_digest(fetched.body or b""),
        title=parsed.title,
        error=warning,  # kept on a success: the feed health screen shows it
    )
    outcome = FeedOutcome(
        feed.id,
        feed.url,
        Result.UPDATED,
        warning=warning,
        moved_to=moved,
        parser=parsed.parser,
    )
    return Decision(update, outcome, [] if same_as is not None else list(parsed.entries))
