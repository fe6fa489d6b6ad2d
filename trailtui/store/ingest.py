"""Storing what a fetch found: entries upserted on (feed, guid), feed state.

One transaction per feed; entries whose content is unchanged are not
rewritten, so a refresh that finds nothing new writes almost nothing.

This runs once per feed per refresh, thousands of rows at a time: the
statements are SQLAlchemy's, built and compiled once per dialect and shape,
then run straight on the driver (`Compiled`), skipping the ORM session and
the per-call statement building that would cost as much as the writing.

On PostgreSQL the new entries' insert is `ON CONFLICT (feed_id, guid) DO
NOTHING` (two clients fetching one feed at once: READ COMMITTED lets both
find an entry new, and it is stored once) and returns the rows it made, whose
words then go into the search index (`pgsearch`; SQLite's triggers do that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any, Protocol, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Dialect,
    Table,
    bindparam,
    case,
    insert,
    literal_column,
    null,
    select,
)
from sqlalchemy import update as update_
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from trailtui.store import pgsearch
from trailtui.store.db import Store
from trailtui.store.dialects import POSTGRESQL, SQLITE
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
    """Store several feeds' results in one transaction (fewer commits). Their
    new entries go in together, at the end (fewer statements: see INSERT_ROWS)."""
    with store.write_connection() as connection:
        new_rows: list[dict[str, object]] = []
        results = [
            _store_one(connection, feed_id, update, entries, new_rows)
            for feed_id, update, entries in batch
        ]
        if new_rows:
            _insert_entries(connection, new_rows)
        return results


FEED_TABLE = cast(Table, FeedRow.__table__)
ENTRY_TABLE = cast(Table, EntryRow.__table__)
FEED, ENTRY = FEED_TABLE.c, ENTRY_TABLE.c
ENTRY_FIELDS = (
    "title",
    "link",
    "author",
    "published_at",
    "updated_at",
    "summary",
    "content",
    "content_hash",
)


@dataclass(frozen=True)
class Compiled:
    """A statement compiled for one dialect, run on the driver with plain values."""

    sql: str
    order: tuple[str, ...] | None  # parameter names in order, for positional drivers

    @classmethod
    def of(
        cls, statement: ClauseElement, dialect: Dialect, columns: list[str] | None = None
    ) -> Compiled:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=columns))
        order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        return cls(compiled.string, order)

    def run(self, connection: Connection, values: dict[str, object]) -> CursorResult[Any]:
        if self.order is None:
            return connection.exec_driver_sql(self.sql, values)
        return connection.exec_driver_sql(self.sql, tuple(values[key] for key in self.order))


@lru_cache(maxsize=64)
def _feed_update(
    dialect: Dialect, columns: tuple[str, ...], keep_warning: bool, failed: bool
) -> Compiled:
    """UPDATE feed SET <columns> (+ the error kept, or one more failure) WHERE id."""
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in columns}
    if keep_warning:  # a parse warning still holds; a failure's error does not
        values["last_error"] = case(
            (FEED.failures > literal_column("0"), null()), else_=FEED.last_error
        )
    if failed:
        values["failures"] = FEED.failures + literal_column("1")
    statement = update_(FEED_TABLE).where(FEED.id == bindparam("feed_key")).values(values)
    return Compiled.of(statement, dialect)


@lru_cache(maxsize=8)
def _entries_of_feed(dialect: Dialect) -> Compiled:
    statement = select(ENTRY.id, ENTRY.guid, ENTRY.content_hash).where(
        ENTRY.feed_id == bindparam("feed_key")
    )
    return Compiled.of(statement, dialect)


@lru_cache(maxsize=8)
def _entry_update(dialect: Dialect) -> Compiled:
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in ENTRY_FIELDS}
    statement = update_(ENTRY_TABLE).where(ENTRY.id == bindparam("entry_key")).values(values)
    return Compiled.of(statement, dialect)


def _store_one(
    connection: Connection,
    feed_id: int,
    update: FeedUpdate,
    entries: Sequence[EntryData],
    new_rows: list[dict[str, object]],
) -> StoreResult:
    """Write the feed's state and its changed entries; its new entries are
    added to `new_rows` for the caller to insert."""
    values: dict[str, object] = {
        "last_fetch_at": update.fetched_at,
        "last_status": update.status,
        "next_fetch_at": update.next_fetch_at,
        "last_error": update.error,  # on a success: a warning, or None
    }
    # Nothing parsed (304, same bytes): a parse warning still holds.
    keep_warning = update.succeeded and update.content_hash is None
    if keep_warning:
        del values["last_error"]
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
    statement = _feed_update(
        connection.dialect, tuple(values), keep_warning, failed=not update.succeeded
    )
    params = {f"v_{name}": value for name, value in values.items()}
    changed = statement.run(connection, params | {"feed_key": feed_id})
    if not changed.rowcount:  # removed while we were fetching
        return StoreResult()
    return (
        _upsert_entries(connection, feed_id, entries, update.fetched_at, new_rows)
        if entries
        else StoreResult()
    )


def _upsert_entries(
    connection: Connection,
    feed_id: int,
    entries: Sequence[EntryData],
    seen_at: int,
    new_rows: list[dict[str, object]],
) -> StoreResult:
    dialect = connection.dialect
    rows = _entries_of_feed(dialect).run(connection, {"feed_key": feed_id}).fetchall()
    known_rows = cast(list[tuple[int, str, str]], rows)
    existing = {guid: (entry_id, digest) for entry_id, guid, digest in known_rows}
    new = 0
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
            new += 1
        elif known[1] != entry.content_hash:
            values = {f"v_{name}": value for name, value in _entry_values(entry).items()}
            _entry_update(dialect).run(connection, values | {"entry_key": known[0]})
            if known[0] and dialect.name == POSTGRESQL:
                pgsearch.index(connection, [_words_of(known[0], entry)])
            updated += 1
    return StoreResult(new=new, updated=updated)


def _words_of(
    entry_id: int, entry: EntryData | dict[str, Any]
) -> tuple[int, str | None, str | None, str | None, str | None]:
    """What `pgsearch.index` takes of an entry (parsed, or a row to insert)."""
    if isinstance(entry, dict):
        return entry_id, entry["title"], entry["author"], entry["content"], entry["summary"]
    return entry_id, entry.title, entry.author, entry.content, entry.summary


_ENTRY_FIELD_VALUES = attrgetter(*ENTRY_FIELDS)


def _entry_values(entry: EntryData) -> dict[str, object]:
    return dict(zip(ENTRY_FIELDS, _ENTRY_FIELD_VALUES(entry), strict=True))


# Rows per INSERT: a first refresh inserts thousands. Many rows to one
# statement, not one statement per row (executemany): SQLite's search index
# (FTS5, filled by a trigger) writes out what it holds at the end of every
# statement, so one row a statement costs it twice the time, and 50 rows a
# statement still a tenth more than 200. Fewer where the database takes
# fewer bound values (SQLite before 3.32: 999, so 62 rows of 16 columns).
INSERT_ROWS = 200
_OLD_SQLITE_BOUND_VALUES = 999


def _insert_entries(connection: Connection, rows: list[dict[str, object]]) -> None:
    dialect, columns = connection.dialect, tuple(rows[0])
    indexed = dialect.name == POSTGRESQL
    start = 0
    for size in chunk_sizes(len(rows), _rows_per_insert(connection, len(columns))):
        chunk = rows[start : start + size]
        start += size
        if size == 1:
            values = chunk[0]
        else:
            values = {f"{name}_{n}": row[name] for n, row in enumerate(chunk) for name in columns}
        result = insert_statement(dialect, columns, size).run(connection, values)
        if indexed:  # the rows made (not those another client had made first)
            returned = cast(list[tuple[int, int, str]], result.all())
            made = {(feed_id, guid): entry_id for entry_id, feed_id, guid in returned}
            pgsearch.index(
                connection,
                [
                    _words_of(made[key], row)
                    for row in chunk
                    if (key := (row["feed_id"], row["guid"])) in made
                ],
            )


def chunk_sizes(count: int, most: int) -> list[int]:
    """How many rows each INSERT takes: `most` at a time, then what is left
    as powers of two (137 -> 128, 8, 1), so that a handful of statement
    shapes are ever compiled, not one per remainder."""
    sizes = [most] * (count // most)
    left = count % most
    while left:
        power = 1 << (left.bit_length() - 1)
        sizes.append(power)
        left -= power
    return sizes


def _rows_per_insert(connection: Connection, columns: int) -> int:
    if connection.dialect.name != SQLITE:
        return INSERT_ROWS  # PostgreSQL takes 65535 bound values: 4000 rows
    import sqlite3  # only here: a PostgreSQL refresh never needs it

    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)
    bound_values = (
        getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        if getlimit is not None
        else _OLD_SQLITE_BOUND_VALUES
    )
    return max(1, min(INSERT_ROWS, bound_values // columns))


@lru_cache(maxsize=128)
def insert_statement(dialect: Dialect, columns: tuple[str, ...], rows: int = 1) -> Compiled:
    """INSERT of `rows` entries; a row's values are named `<column>_<n>` (one
    row: plain column names). inline(): no RETURNING of generated ids; on
    PostgreSQL, skipping entries already there and returning (id, feed_id,
    guid) of those it made, for the search index."""
    if dialect.name == POSTGRESQL:
        from sqlalchemy.dialects import postgresql  # not at a SQLite start-up

        statement: Any = (
            postgresql.insert(ENTRY_TABLE)
            .on_conflict_do_nothing(index_elements=["feed_id", "guid"])
            .returning(ENTRY.id, ENTRY.feed_id, ENTRY.guid)
        )
    else:
        statement = insert(ENTRY_TABLE).inline()
    if rows == 1:
        return Compiled.of(statement, dialect, list(columns))
    many: list[dict[str, Any]] = [
        {name: bindparam(f"{name}_{n}") for name in columns} for n in range(rows)
    ]
    return Compiled.of(statement.values(many), dialect)


def sort_timestamp(published: int | None, first_seen: int) -> int:
    """Where an entry sits in the merged feed: its date, but never in the
    future (a future date would pin it to the top) and first-seen if undated."""
    if published is None or published > first_seen:
        return first_seen
    return published
