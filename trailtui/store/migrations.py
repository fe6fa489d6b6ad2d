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

from sqlalchemy import Connection, Engine, delete, insert, inspect, select

from trailtui.store.errors import StoreError
from trailtui.store.models import Base, Meta

SCHEMA_VERSION = 3
VERSION_KEY = "schema_version"


def _add_feed_discovery(connection: Connection) -> None:
    """v2: `blog:` sources (a site whose feed is found by autodiscovery)."""
    connection.exec_driver_sql("ALTER TABLE feed ADD COLUMN discover BOOLEAN NOT NULL DEFAULT 0")
    connection.exec_driver_sql("ALTER TABLE feed ADD COLUMN resolved_url VARCHAR(2000)")


def _add_engagement_marked_read(connection: Connection) -> None:
    """v3: a trail remembers whether it marked its entry read, so undo can unmark it."""
    connection.exec_driver_sql(
        "ALTER TABLE engagement ADD COLUMN marked_read BOOLEAN NOT NULL DEFAULT FALSE"
    )


# MIGRATIONS[n] upgrades a database from version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _add_feed_discovery,
    2: _add_engagement_marked_read,
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
