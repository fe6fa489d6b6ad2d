"""Opening the database: engine, SQLite pragmas, sessions and migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from trailtui.clock import now
from trailtui.store.errors import StoreError
from trailtui.store.migrations import migrate
from trailtui.store.plaintext import INDEX_TEXT_FUNCTION, index_text

__all__ = ["Store", "now", "open_store"]

BUSY_TIMEOUT_MS = 5_000
PAGE_SIZE = 16 * 1024
WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024


class Store:
    """The database: one engine, short-lived sessions (one per unit of work)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"cannot read the database: {_reason(exc)}") from None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction; on SQLite it takes the write lock up front
        (BEGIN IMMEDIATE) so a concurrent writer makes us wait, not fail."""
        with _write_errors(), self._sessions() as session, session.begin():
            session.connection(execution_options=_IMMEDIATE)
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """`write`, on a Core connection: no ORM session to set up, for the
        refresh's bulk writes (one per feed)."""
        with _write_errors(), self.engine.connect() as plain:
            connection = plain.execution_options(**_IMMEDIATE)
            with connection.begin():
                yield connection

    def checkpoint(self) -> None:
        """Copy what the SQLite WAL holds into the database, without waiting
        for (or blocking) writers: what they still use is left for next time."""
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except SQLAlchemyError:
            pass  # the next checkpoint, or closing, does it

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate_schema: bool = True, checkpoints: bool = True) -> Store:
    """Open (creating if needed) and migrate the database at a SQLAlchemy URL.

    checkpoints=False: this connection's commits never copy the SQLite WAL back
    into the database (a refresh's worker processes: another connection does
    it, see `Store.checkpoint`, so no writer stalls on it)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError and others
        raise StoreError(f"not a database URL: {url!r} ({exc})") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(Path(database))
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:
        raise StoreError(f"cannot use database {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, checkpoints=checkpoints)
    store = Store(engine)
    if migrate_schema:
        try:
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(f"cannot open database {store.url}: {_reason(exc)}") from None
    return store


_IMMEDIATE = {"trailtui_begin": "BEGIN IMMEDIATE"}  # see _on_begin


@contextmanager
def _write_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"cannot write to the database: {_reason(exc)}") from None


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder (private to the user) before SQLite creates the file."""
    path = path.expanduser()
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from None
    if not path.exists():
        try:
            # Personal data: readable by the user only.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"cannot create {path}: {exc.strerror}") from None


def _configure_sqlite(engine: Engine, *, checkpoints: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (pysqlite's implicit transactions are wrong
        # for DDL and can't do BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # 16 KiB pages (a new database only; before WAL creates the file): most
        # entries then fit in one page instead of spilling into overflow pages,
        # and a first refresh writes a quarter as many pages.
        cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint every ~16 MB of WAL rather than 4 MB: a first refresh
        # writes tens of MB, and each checkpoint syncs the disk. (An older
        # database keeps the page size it was made with.)
        page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
        pages = WAL_CHECKPOINT_BYTES // page_size if checkpoints else 0
        cursor.execute(f"PRAGMA wal_autocheckpoint = {pages}")
        cursor.close()
        # The search index's triggers (and the v4 backfill) call it: every
        # connection that writes entries needs it, workers' included.
        dbapi_connection.create_function(INDEX_TEXT_FUNCTION, 2, index_text, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        begin = connection.get_execution_options().get("trailtui_begin", "BEGIN")
        connection.exec_driver_sql(begin)
