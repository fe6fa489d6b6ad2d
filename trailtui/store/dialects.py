"""The statements each database spells its own way: inserts that a unique
key may refuse (`ON CONFLICT` in SQLite and in PostgreSQL, SQLAlchemy's
construct of each dialect), chosen by the connection's dialect. Another
database gets the plain statement (and no guard against a second client).
Each dialect's module is imported when used: a SQLite user's start-up never
loads PostgreSQL's (a few tens of milliseconds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Dialect, Insert, Table, insert

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


def insert_ignoring(dialect: Dialect, table: Table, key: Sequence[str]) -> Insert:
    """INSERT whose rows are skipped where a row with the same `key` (a
    unique constraint's columns) is already there: two clients adding the
    same row both succeed, and it is there once."""
    own = _own_insert(dialect, table)
    if own is None:
        return insert(table)
    statement: Insert = own.on_conflict_do_nothing(index_elements=list(key))
    return statement


def upsert(dialect: Dialect, table: Table, key: Sequence[str], columns: Sequence[str]) -> Insert:
    """INSERT that, where a row with the same `key` is there, sets its
    `columns` to the new row's instead."""
    own = _own_insert(dialect, table)
    if own is None:
        return insert(table)
    changed = {name: own.excluded[name] for name in columns}
    statement: Insert = own.on_conflict_do_update(index_elements=list(key), set_=changed)
    return statement


def _own_insert(dialect: Dialect, table: Table) -> Any:
    """The dialect's own INSERT (both spell ON CONFLICT alike), or None."""
    if dialect.name == POSTGRESQL:
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if dialect.name == SQLITE:
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    return None


# A row lock for a writer that must not race another client (PostgreSQL's
# FOR NO KEY UPDATE; SQLite's write transaction already serialises writers).
# Not FOR UPDATE: that would block the foreign-key checks of other writers'
# inserts, and two writers locking contact and entry in turn would deadlock.
NO_KEY_UPDATE = {"key_share": True}
