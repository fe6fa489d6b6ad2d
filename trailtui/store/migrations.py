"""Schema versions and the path between them.

A new database gets the current schema at once. An older one is stepped up
through MIGRATIONS in one transaction (after a file copy, for SQLite), so an
upgrade never loses a trail. A newer one is refused: this trailtui would not
know what its columns mean.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Engine, Table, delete, insert, inspect, select

from trailtui.store import pgsearch
from trailtui.store.dialects import POSTGRESQL, SQLITE
from trailtui.store.errors import StoreError
from trailtui.store.models import Base, EngagementRow, EntryRow, Meta
from trailtui.store.plaintext import INDEX_TEXT_FUNCTION

SCHEMA_VERSION = 6
VERSION_KEY = "schema_version"

# The full-text index of entries (SQLite FTS5): title, author and the body's
# plain text (`plaintext.index_text`), its rowid the entry's id. Contentless
# (content=''): it holds the words, not a second copy of the text, which
# would double the database and a first refresh's writing. So a row leaves
# it by being told what it held: the update and delete triggers hand FTS5
# the old row's words again ('delete'), worked out by the same function (the
# reason a change to that function needs `reindex_search`). Triggers keep it
# in step with every write to `entry` (the refresh's bulk inserts, its
# workers', deletes). (SQLite 3.43's contentless_delete would spare the
# 'delete'; it is not needed, so any SQLite with FTS5 will do.) PostgreSQL's
# index has the same name and is its own table (`pgsearch`, schema v6).
SEARCH_TABLE = pgsearch.SEARCH_TABLE


def _words_of(row: str) -> str:
    """What the index is given for an entry (`row` names it in the SQL)."""
    body = f"{INDEX_TEXT_FUNCTION}({row}.content, {row}.summary)"
    return f"{row}.id, {row}.title, {row}.author, {body}"


_FORGET_OLD = (
    f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, author, body) "
    f"VALUES ('delete', {_words_of('old')});"
)
_ADD_NEW = f"INSERT INTO {SEARCH_TABLE} (rowid, title, author, body) VALUES ({_words_of('new')});"
_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    "title, author, body, content = '', tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {SEARCH_TABLE}_insert AFTER INSERT ON entry BEGIN {_ADD_NEW} END",
    f"CREATE TRIGGER {SEARCH_TABLE}_update AFTER UPDATE OF title, author, content, summary "
    f"ON entry BEGIN {_FORGET_OLD} {_ADD_NEW} END",
    f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON entry BEGIN {_FORGET_OLD} END",
)
_SEARCH_BACKFILL = (
    f"INSERT INTO {SEARCH_TABLE} (rowid, title, author, body) "
    f"SELECT {_words_of('entry')} FROM entry"
)
# Indexes version 4 made (the triage screen's filters, pages and marks):
# new ones, and two that gained columns.
_V4_INDEXES = {
    EntryRow.__tablename__: ("ix_entry_unread", "ix_entry_starred"),
    EngagementRow.__tablename__: ("ix_engagement_entry",),
}
_V4_REMADE = ("ix_entry_recent", "ix_entry_feed_recent")


def _add_feed_discovery(connection: Connection) -> None:
    """v2: `blog:` sources (a site whose feed is found by autodiscovery)."""
    # FALSE, not 0: PostgreSQL's booleans take no integer (SQLite stores 0).
    connection.exec_driver_sql(
        "ALTER TABLE feed ADD COLUMN discover BOOLEAN NOT NULL DEFAULT FALSE"
    )
    connection.exec_driver_sql("ALTER TABLE feed ADD COLUMN resolved_url VARCHAR(2000)")


def _add_engagement_marked_read(connection: Connection) -> None:
    """v3: a trail remembers whether it marked its entry read, so undo can unmark it."""
    connection.exec_driver_sql(
        "ALTER TABLE engagement ADD COLUMN marked_read BOOLEAN NOT NULL DEFAULT FALSE"
    )


def _add_search_and_triage_indexes(connection: Connection) -> None:
    """v4: full-text search over the entries there are, and the indexes the
    triage screen's filters and pages use."""
    for table in (cast(Table, EntryRow.__table__), cast(Table, EngagementRow.__table__)):
        for index in table.indexes:
            if index.name in _V4_REMADE:
                index.drop(connection)
            if index.name in _V4_REMADE or index.name in _V4_INDEXES[table.name]:
                index.create(connection)
    if connection.dialect.name == SQLITE:  # PostgreSQL's comes with v6
        create_search_index(connection, backfill=True)


def _search_index_without_copy(connection: Connection) -> None:
    """v5: the search index holds the entries' words, no longer a copy of
    their text (half the database's size)."""
    if connection.dialect.name != SQLITE:
        return
    for trigger in ("insert", "update", "delete"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_{trigger}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    create_search_index(connection, backfill=True)


def _search_index_on_postgresql(connection: Connection) -> None:
    """v6: PostgreSQL gets its search index (`pgsearch`), filled from the
    entries there are; SQLite has had one since v4."""
    if connection.dialect.name == POSTGRESQL:
        pgsearch.create(connection, backfill=True)


def create_search_index(connection: Connection, *, backfill: bool) -> None:
    """The entries' full-text index: FTS5 and its triggers on SQLite, the
    `pgsearch` table on PostgreSQL (another database has none)."""
    if connection.dialect.name == POSTGRESQL:
        pgsearch.create(connection, backfill=backfill)
        return
    if connection.dialect.name != SQLITE:
        return
    for statement in _SEARCH_DDL:
        connection.exec_driver_sql(statement)
    if backfill:
        connection.exec_driver_sql(_SEARCH_BACKFILL)


def reindex_search(connection: Connection) -> None:
    """Every entry indexed anew: for a migration after `plaintext.index_text`
    changed what it makes of a body (the index forgets an entry by being told
    its words, so they must be what it was told then), or for entries copied
    into a PostgreSQL database (its index is filled by ingest, not triggers)."""
    if connection.dialect.name == POSTGRESQL:
        pgsearch.fill(connection)
        return
    if connection.dialect.name != SQLITE:
        return
    connection.exec_driver_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
    connection.exec_driver_sql(_SEARCH_BACKFILL)


# MIGRATIONS[n] upgrades a database from version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _add_feed_discovery,
    2: _add_engagement_marked_read,
    3: _add_search_and_triage_indexes,
    4: _search_index_without_copy,
    5: _search_index_on_postgresql,
}


def current_version(connection: Connection) -> int | None:
    """The stored schema version; None for an empty database."""
    inspector = inspect(connection)
    if not inspector.has_table(Meta.__tablename__):
        if inspector.has_table("contact"):
            return 0  # tables without a version: refuse below
        return None
    value = connection.execute(select(Meta.value).where(Meta.key == VERSION_KEY)).scalar()
    return int(value) if value is not None else 0


def migrate(engine: Engine) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version it was at (0 = new)."""
    with engine.connect() as connection:
        found = current_version(connection)
    if found is None:
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            create_search_index(connection, backfill=False)
            _set_version(connection, SCHEMA_VERSION)
        return 0
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"the database is at schema version {found}, newer than this trailtui "
            f"understands ({SCHEMA_VERSION}); upgrade trailtui or use another --db"
        )
    if found < 1 or any(v not in MIGRATIONS for v in range(found, SCHEMA_VERSION)):
        raise StoreError(
            f"the database has an unknown schema (version {found}); it was not made "
            "by this trailtui. Use another --db"
        )
    if found < SCHEMA_VERSION:
        _backup(engine, found)
        with engine.begin() as connection:
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](connection)
            _set_version(connection, SCHEMA_VERSION)
    return found


def _set_version(connection: Connection, version: int) -> None:
    connection.execute(delete(Meta).where(Meta.key == VERSION_KEY))
    connection.execute(insert(Meta).values(key=VERSION_KEY, value=str(version)))


def _backup(engine: Engine, version: int) -> None:
    """Copy a SQLite file aside before changing its schema."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return
    path = Path(database)
    if path.exists():
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, path.with_name(f"{path.name}.v{version}.bak"))
