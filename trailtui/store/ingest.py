"""Storing what a fetch found: entries upserted on (feed, guid), feed state.

One transaction per feed; entries whose content is unchanged are not
rewritten, so a refresh that finds nothing new writes almost nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import case, insert, select
from sqlalchemy import update as update_
from sqlalchemy.orm import Session

from trailtui.store.db import Store
from trailtui.store.models import EntryRow, FeedRow


class EntryData(Protocol):
    """An entry as parsed (trailtui.feeds.parse.ParsedEntry fits this)."""

    @property
    def guid(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def link(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def published_at(self) -> int | None: ...
    @property
    def updated_at(self) -> int | None: ...
    @property
    def summary(self) -> str: ...
    @property
    def content(self) -> str | None: ...
    @property
    def content_hash(self) -> str: ...


@dataclass(frozen=True)
class FeedUpdate:
    """The feed's new state after a fetch attempt."""

    fetched_at: int
    status: int | None
    error: str | None
    next_fetch_at: int
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    title: str | None = None
    moved_to: str | None = None
    succeeded: bool = False
    resolved_url: str | None = None  # a blog's feed, found by autodiscovery


@dataclass(frozen=True)
class StoreResult:
    new: int = 0
    updated: int = 0


def store_fetches(
    store: Store, batch: Sequence[tuple[int, FeedUpdate, Sequence[EntryData]]]
) -> list[StoreResult]:
    """Store several feeds' results in one transaction (fewer commits)."""
    with store.write() as session:
        return [_store_one(session, feed_id, update, entries) for feed_id, update, entries in batch]


def _store_one(
    session: Session, feed_id: int, update: FeedUpdate, entries: Sequence[EntryData]
) -> StoreResult:
    # Core statements, not ORM objects: this runs once per feed per refresh.
    values: dict[str, object] = {
        "last_fetch_at": update.fetched_at,
        "last_status": update.status,
        "next_fetch_at": update.next_fetch_at,
        "last_error": update.error,  # on a success: a warning, or None
    }
    if update.succeeded and update.content_hash is None:
        # Nothing parsed (304, same bytes): a parse warning still holds; a
        # failure's error does not.
        values["last_error"] = case((FeedRow.failures > 0, None), else_=FeedRow.last_error)
    if update.moved_to:
        values["moved_to"] = update.moved_to
    if update.resolved_url:
        values["resolved_url"] = update.resolved_url
    if update.succeeded:
        values |= {"last_success_at": update.fetched_at, "failures": 0}
        if update.etag is not None or update.last_modified is not None:
            values |= {"etag": update.etag, "last_modified": update.last_modified}
        if update.content_hash is not None:
            values["content_hash"] = update.content_hash
        if update.title:
            values["title"] = update.title
    else:
        values["failures"] = FeedRow.failures + 1
    changed = session.execute(update_(FeedRow).where(FeedRow.id == feed_id).values(**values))
    if not changed.rowcount:  # type: ignore[attr-defined]  # removed while we were fetching
        return StoreResult()
    return (
        _upsert_entries(session, feed_id, entries, update.fetched_at) if entries else StoreResult()
    )


def _upsert_entries(
    session: Session, feed_id: int, entries: Sequence[EntryData], seen_at: int
) -> StoreResult:
    existing = {
        guid: (entry_id, digest)
        for entry_id, guid, digest in session.execute(
            select(EntryRow.id, EntryRow.guid, EntryRow.content_hash).where(
                EntryRow.feed_id == feed_id
            )
        )
    }
    new_rows = []
    updated = 0
    for entry in entries:
        known = existing.get(entry.guid)
        values = {
            "title": entry.title,
            "link": entry.link,
            "author": entry.author,
            "published_at": entry.published_at,
            "updated_at": entry.updated_at,
            "summary": entry.summary,
            "content": entry.content,
            "content_hash": entry.content_hash,
        }
        if known is None:
            new_rows.append(
                {
                    "feed_id": feed_id,
                    "guid": entry.guid,
                    "first_seen_at": seen_at,
                    "sort_ts": sort_timestamp(entry.published_at or entry.updated_at, seen_at),
                    **values,
                }
            )
            existing[entry.guid] = (0, entry.content_hash)
        elif known[1] != entry.content_hash:
            session.execute(update_(EntryRow).where(EntryRow.id == known[0]).values(**values))
            updated += 1
    if new_rows:
        # Core executemany: the ORM's per-row bookkeeping is not needed here.
        session.connection().execute(insert(EntryRow), new_rows)
    return StoreResult(new=len(new_rows), updated=updated)


def sort_timestamp(published: int | None, first_seen: int) -> int:
    """Where an entry sits in the merged feed: its date, but never in the
    future (a future date would pin it to the top) and first-seen if undated."""
    if published is None or published > first_seen:
        return first_seen
    return published
