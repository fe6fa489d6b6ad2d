"""Storing what a fetch found: entries upserted on (feed, guid), feed state.

One transaction per feed; entries whose content is unchanged are not
rewritten, so a refresh that finds nothing new writes almost nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, cast

from sqlalchemy import Connection, Dialect, Table, case, insert, select
from sqlalchemy import update as update_

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
        connection = session.connection()
        return [
            _store_one(connection, feed_id, update, entries) for feed_id, update, entries in batch
        ]


# Core statements on the tables, not the ORM: this runs once per feed per refresh.
FEED_TABLE = cast(Table, FeedRow.__table__)
ENTRY_TABLE = cast(Table, EntryRow.__table__)
FEED, ENTRY = FEED_TABLE.c, ENTRY_TABLE.c


def _store_one(
    connection: Connection, feed_id: int, update: FeedUpdate, entries: Sequence[EntryData]
) -> StoreResult:
    values: dict[str, object] = {
        "last_fetch_at": update.fetched_at,
        "last_status": update.status,
        "next_fetch_at": update.next_fetch_at,
        "last_error": update.error,  # on a success: a warning, or None
    }
    if update.succeeded and update.content_hash is None:
        # Nothing parsed (304, same bytes): a parse warning still holds; a
        # failure's error does not.
        values["last_error"] = case((FEED.failures > 0, None), else_=FEED.last_error)
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
        values["failures"] = FEED.failures + 1
    changed = connection.execute(update_(FEED_TABLE).where(FEED.id == feed_id).values(**values))
    if not changed.rowcount:  # removed while we were fetching
        return StoreResult()
    return (
        _upsert_entries(connection, feed_id, entries, update.fetched_at)
        if entries
        else StoreResult()
    )


def _upsert_entries(
    connection: Connection, feed_id: int, entries: Sequence[EntryData], seen_at: int
) -> StoreResult:
    existing = {
        guid: (entry_id, digest)
        for entry_id, guid, digest in connection.execute(
            select(ENTRY.id, ENTRY.guid, ENTRY.content_hash).where(ENTRY.feed_id == feed_id)
        )
    }
    new_rows: list[dict[str, object]] = []
    updated = 0
    for entry in entries:
        known = existing.get(entry.guid)
        if known is None:
            new_rows.append(
                {
                    "feed_id": feed_id,
                    "guid": entry.guid,
                    "first_seen_at": seen_at,
                    "sort_ts": sort_timestamp(entry.published_at or entry.updated_at, seen_at),
                    "starred": False,
                    **_entry_values(entry),
                }
            )
            existing[entry.guid] = (0, entry.content_hash)
        elif known[1] != entry.content_hash:
            connection.execute(
                update_(ENTRY_TABLE).where(ENTRY.id == known[0]).values(**_entry_values(entry))
            )
            updated += 1
    if new_rows:
        _insert_entries(connection, new_rows)
    return StoreResult(new=len(new_rows), updated=updated)


def _entry_values(entry: EntryData) -> dict[str, object]:
    return {
        "title": entry.title,
        "link": entry.link,
        "author": entry.author,
        "published_at": entry.published_at,
        "updated_at": entry.updated_at,
        "summary": entry.summary,
        "content": entry.content,
        "content_hash": entry.content_hash,
    }


def _insert_entries(connection: Connection, rows: list[dict[str, object]]) -> None:
    """One executemany straight to the database driver: a first refresh inserts
    thousands of rows, and SQLAlchemy's per-row work costs as much as the
    insert itself. The statement is still SQLAlchemy's, for this dialect."""
    statement, order = _insert_statement(connection.dialect, tuple(rows[0]))
    if order is None:  # a driver with named parameters takes the dicts
        connection.exec_driver_sql(statement, rows)
    else:
        connection.exec_driver_sql(statement, [tuple(row[key] for key in order) for row in rows])


@lru_cache(maxsize=8)
def _insert_statement(dialect: Dialect, columns: tuple[str, ...]) -> tuple[str, list[str] | None]:
    # inline(): no RETURNING of generated ids, which an executemany cannot use.
    compiled = insert(ENTRY_TABLE).inline().compile(dialect=dialect, column_keys=list(columns))
    order = list(compiled.positiontup) if compiled.positiontup is not None else None
    return compiled.string, order


def sort_timestamp(published: int | None, first_seen: int) -> int:
    """Where an entry sits in the merged feed: its date, but never in the
    future (a future date would pin it to the top) and first-seen if undated."""
    if published is None or published > first_seen:
        return first_seen
    return published
