"""Opening the database: engine, SQLite pragmas, sessions and migrations.

SQLite (a file) or PostgreSQL (`postgresql+psycopg://USER@HOST/DB`): the
same store either way. What differs lives here (each engine's options, how a
write transaction begins) and in the few statements that are each dialect's
own (`dialects`). A URL's password never leaves this module: errors and
`Store.url` name the server by host and port.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from trailtui.clock import now
from trailtui.store.errors import StoreError
from trailtui.store.migrations import migrate
from trailtui.store.plaintext import INDEX_TEXT_FUNCTION, index_text

__all__ = ["Store", "now", "open_store"]

BUSY_TIMEOUT_MS = 5_000
PAGE_SIZE = 16 * 1024
WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024
# Seconds to reach a PostgreSQL server before saying it cannot be reached
# (libpq's default is to wait for ever on a host that drops packets).
CONNECT_TIMEOUT = 5


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
        (BEGIN IMMEDIATE) so a concurrent writer makes us wait, not fail. On
        PostgreSQL a plain transaction (READ COMMITTED): writers meet only on
        the rows they share, and a read-then-write that must hold under two
        clients locks its row (`SELECT ... FOR UPDATE`) or lets a unique index
        decide (`dialects.insert_ignoring`)."""
        with _write_errors(self.engine.url), self._sessions() as session, session.begin():
            session.connection(execution_options=_IMMEDIATE)
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """`write`, on a Core connection: no ORM session to set up, for the
        refresh's bulk writes (one per feed)."""
        with _write_errors(self.engine.url), self.engine.connect() as plain:
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
        reason = without_password(str(exc), url)
        raise StoreError(f"not a database URL: {hide_password(url)!r} ({reason})") from None
    kwargs: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(Path(database))
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    elif backend == "postgresql":
        # A connection the server dropped (a restart, an idle timeout) is
        # found before it is used, not by the write that needed it.
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "trailtui",
        }
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:
        reason = without_password(str(exc), url)
        raise StoreError(f"cannot use database {hide_password(url)!r}: {reason}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, checkpoints=checkpoints)
    _one_process_per_connection(engine)
    store = Store(engine)
    if migrate_schema:
        try:
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(_cannot_open(engine.url, exc)) from None
    return store


def hide_password(url: str) -> str:
    """A database URL as it may be shown: its password (if any) as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: hide what looks like one
        return _URL_PASSWORD.sub(r"\1***@", url)


_URL_PASSWORD = re.compile(r"(//[^/@:]*:)[^@/]*@")


def without_password(text: str, url: str | URL) -> str:
    """`text` with the URL's password (plain or %-quoted) taken out."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return _URL_PASSWORD.sub(r"\1***@", text)
    secret = parsed.password
    if secret:
        for form in {str(secret), parsed.render_as_string(hide_password=False)}:
            text = text.replace(form, "***")
    return _URL_PASSWORD.sub(r"\1***@", text)


def _cannot_open(url: URL, exc: SQLAlchemyError) -> str:
    reason = " ".join(without_password(_reason(exc), url).split())
    if url.get_backend_name() == "postgresql" and isinstance(exc, OperationalError):
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        return f"cannot reach the PostgreSQL server at {where} (database {url.database}): {reason}"
    return f"cannot open database {url.render_as_string(hide_password=True)}: {reason}"


_IMMEDIATE = {"trailtui_begin": "BEGIN IMMEDIATE"}  # see _on_begin


# PostgreSQL's "permission denied" and "read-only transaction": a role that may only read.
_READ_ONLY_STATES = frozenset({"42501", "25006"})


@contextmanager
def _write_errors(url: URL) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        reason = " ".join(without_password(_reason(exc), url).split())
        if getattr(exc.orig, "sqlstate", None) in _READ_ONLY_STATES:
            who = url.username or "this user"
            raise StoreError(f"the database is read-only for {who}: {reason}") from None
        if isinstance(exc, OperationalError):
            raise StoreError(f"cannot write to the database: {reason}") from None
        raise


def _one_process_per_connection(engine: Engine) -> None:
    """A connection belongs to the process that opened it. A forked process
    (a refresh's worker) that reached for its parent's pooled connections
    would talk on the parent's socket: it is given new ones instead, and the
    parent's stay the parent's (SQLAlchemy's recipe for pools across fork)."""

    @event.listens_for(engine, "connect")
    def _remember_pid(_dbapi_connection: Any, record: Any) -> None:
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _check_pid(_dbapi_connection: Any, record: Any, proxy: Any) -> None:
        pid = os.getpid()
        if record.info.get("pid", pid) != pid:
            # Detached, never closed: closing would end the parent's session.
            record.dbapi_connection = proxy.dbapi_connection = None
            raise DisconnectionError(f"connection made by process {record.info['pid']}")


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
