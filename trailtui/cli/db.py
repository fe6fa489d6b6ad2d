"""`trailtui db info` and `trailtui db copy`: what a database holds, and moving it.

A database is named by its SQLAlchemy URL everywhere; what this module
prints names it by backend and place (`describe`), never with its password,
and every error it prints has the password taken out (`scrubbed`).

`db copy` reads the source in one read-only transaction (a SQLite file is
opened with `mode=ro`: not one byte of it changes) and writes the target in
one transaction: its schema made by `open_store`, every table's rows in
batches, PostgreSQL's sequences moved past the copied ids, the search index
rebuilt, then counts and checksums compared with the source's before it
commits. A copy that fails anywhere leaves the target as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from trailtui import paths
from trailtui.cli.common import CONTEXT, Options, fail, workspace_options
from trailtui.text import plural

if TYPE_CHECKING:
    from sqlalchemy import URL, Connection, Engine, Table

# The tables `info` counts, as the user knows them: table → (one, many).
COUNTED = {
    "contact": ("contact", "contacts"),
    "feed": ("feed", "feeds"),
    "entry": ("entry", "entries"),
    "engagement": ("trail", "trails"),
    "draft": ("draft", "drafts"),
}
BATCH = 1_000  # rows per INSERT ... executemany
CONNECT_TIMEOUT = 10  # seconds: a server that never answers fails, not hangs
VERSION_KEY = "schema_version"  # the target keeps its own (the same: checked)


class DatabaseProblem(Exception):
    """A database that cannot be used for this; the message is for the user."""


# ---- naming a database without its password ---------------------------------


def parse(url: str) -> URL:
    from sqlalchemy import make_url

    try:
        return make_url(url)
    except Exception:  # sqlalchemy raises ArgumentError and others
        raise DatabaseProblem("not a database URL (expected e.g. sqlite:///FILE)") from None


def describe(url: URL) -> str:
    """The database as a user names it: 'SQLite ~/trail.db', 'PostgreSQL
    ada@db.lan:5432/trail'. Never the password."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return f"SQLite {sqlite_place(url)}"
    if backend == "postgresql":
        user = f"{url.username}@" if url.username else ""
        return f"PostgreSQL {user}{host_port(url)}/{url.database or ''}"
    return f"{backend} {host_port(url)}/{url.database or ''}"


def sqlite_place(url: URL) -> str:
    database = url.database or ":memory:"
    return database if database == ":memory:" else paths.display_path(Path(database))


def host_port(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def scrubbed(text: str, *urls: URL) -> str:
    """Text with every password of these URLs (and the URLs' own text) written as ***."""
    from trailtui.store.db import without_password

    for url in urls:
        if url.password:
            text = text.replace(url.render_as_string(hide_password=False), describe(url))
            text = without_password(text, url)
    return text


def reason(error: BaseException) -> str:
    """A database error's first line, as the driver words it."""
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


# ---- opening -----------------------------------------------------------------


def engine_for(url: URL, *, read_only: bool) -> Engine:
    """An engine for a database this module reads (or inspects) without
    migrating it: a SQLite file opened read-only, a server with a connect timeout."""
    from sqlalchemy import create_engine, event

    backend = url.get_backend_name()
    args: dict[str, Any] = {}
    if backend == "sqlite":
        database = url.database
        if not database or database == ":memory:":
            raise DatabaseProblem("an in-memory SQLite database holds nothing to read")
        path = Path(database).expanduser()
        if not path.is_file():
            raise DatabaseProblem(f"no database at {paths.display_path(path)}")
        mode = "ro" if read_only else "rw"
        url = url.set(database=f"file:{path}?mode={mode}", query={"uri": "true"})
        args["connect_args"] = {"timeout": 5, "check_same_thread": False}
    elif backend == "postgresql":
        args["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(url, **args)
    if backend == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # BEGIN is ours: one snapshot

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction: every table read from the same moment."""
    with engine.connect() as plain:
        connection = plain
        if engine.dialect.name == "postgresql":
            connection = plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection


def schema_version(connection: Connection) -> int | None:
    from trailtui.store.migrations import current_version

    return current_version(connection)


def server_version(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        return sqlite3.sqlite_version
    if connection.dialect.name == "postgresql":
        return str(connection.exec_driver_sql("SHOW server_version").scalar())
    return ".".join(str(part) for part in connection.dialect.server_version_info or ())


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table this trailtui knows (zero for a table not made yet)."""
    from sqlalchemy import func, inspect, select

    from trailtui.store.models import Base

    present = set(inspect(connection).get_table_names())
    counts = {}
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            found = connection.execute(select(func.count()).select_from(table)).scalar()
            counts[table.name] = int(found or 0)
        else:
            counts[table.name] = 0
    return counts


def size_of(url: URL, connection: Connection) -> int | None:
    """Bytes on disk: a SQLite file with its WAL, a PostgreSQL database (cheap both)."""
    if connection.dialect.name == "sqlite":
        path = Path(url.database or "").expanduser()
        files = (path, path.with_name(path.name + "-wal"))
        return sum(f.stat().st_size for f in files if f.exists())
    if connection.dialect.name == "postgresql":
        found = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        return int(found) if found is not None else None
    return None


# ---- db info ---------------------------------------------------------------


@dataclass(frozen=True)
class Info:
    """What `db info` says (its --json keys)."""

    backend: str
    location: str  # a SQLite file, or host:port/database
    user: str | None
    server_version: str
    schema_version: int | None  # None: an empty database (no trailtui schema yet)
    schema_understood: int
    size_bytes: int | None
    counts: dict[str, int]


def database_info(url: URL) -> Info:
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from trailtui.store.migrations import SCHEMA_VERSION

    engine = engine_for(url, read_only=True)
    try:
        with reading(engine) as connection:
            version = schema_version(connection)
            counts = table_counts(connection)
            return Info(
                backend=engine.dialect.name,
                location=sqlite_place(url)
                if engine.dialect.name == "sqlite"
                else host_port(url) + f"/{url.database or ''}",
                user=url.username,
                server_version=server_version(connection),
                schema_version=version,
                schema_understood=SCHEMA_VERSION,
                size_bytes=size_of(url, connection),
                counts={words[1]: counts.get(name, 0) for name, words in COUNTED.items()},
            )
    except OperationalError as exc:
        if url.get_backend_name() == "postgresql":
            raise DatabaseProblem(
                f"cannot reach the PostgreSQL server at {host_port(url)} "
                f"(database {url.database}): {reason(exc)}"
            ) from None
        raise DatabaseProblem(f"cannot read {describe(url)}: {reason(exc)}") from None
    except SQLAlchemyError as exc:
        raise DatabaseProblem(f"cannot read {describe(url)}: {reason(exc)}") from None
    finally:
        engine.dispose()


def info_lines(info: Info) -> list[str]:
    backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(info.backend, info.backend)
    user = f" as {info.user}" if info.user else ""
    if info.schema_version is None:
        schema = f"none yet (an empty database; this trailtui makes {info.schema_understood})"
    elif info.schema_version > info.schema_understood:
        schema = (
            f"version {info.schema_version}, newer than this trailtui understands "
            f"({info.schema_understood}); upgrade trailtui"
        )
    else:
        schema = f"version {info.schema_version}"
    lines = [
        f"Database: {backend} {info.location}{user}",
        f"Server:   {backend} {info.server_version}",
        f"Schema:   {schema}",
    ]
    if info.size_bytes is not None:
        lines.append(f"Size:     {human_bytes(info.size_bytes)}")
    width = max(len(name) for name in info.counts)
    lines += [f"  {name:<{width}}  {count:>9,}" for name, count in info.counts.items()]
    return lines


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # not reached


# ---- db copy -----------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One table's rows and checksum, on one side of a copy."""

    rows: int
    checksum: str


@dataclass(frozen=True)
class Copied:
    """One table after a copy: the source's tally and the target's."""

    table: str
    source: Tally
    target: Tally

    @property
    def same(self) -> bool:
        return self.source == self.target


def normalised(value: object) -> object:
    """A value as both backends give it back alike (bools, ints, JSON)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, sort_keys=True))
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


class Checksum:
    """A hash over a table's rows in primary-key order, each value normalised."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, values: list[object]) -> None:
        line = json.dumps([normalised(v) for v in values], sort_keys=True, ensure_ascii=False)
        self._hash.update(line.encode("utf-8") + b"\n")
        self.rows += 1

    def tally(self) -> Tally:
        return Tally(self.rows, self._hash.hexdigest())


def copied_columns(table: Table) -> list[Any]:
    """The columns a copy carries (a computed column is the target's to make)."""
    return [column for column in table.columns if column.computed is None]


def rows_of(connection: Connection, table: Table) -> Iterator[list[object]]:
    """A table's rows, in primary-key order, a batch at a time (values normalised
    by SQLAlchemy's types first: a SQLite 0/1 comes back a bool)."""
    from sqlalchemy import select

    columns = copied_columns(table)
    query = select(*columns).order_by(*table.primary_key.columns)
    if table.name == "trailtui_meta":
        query = query.where(table.c.key != VERSION_KEY)
    # Per statement: Connection.execution_options would change the connection itself.
    for row in connection.execute(query, execution_options={"yield_per": BATCH}):
        yield list(row)


def tally_of(connection: Connection, table: Table) -> Tally:
    checksum = Checksum()
    for values in rows_of(connection, table):
        checksum.add(values)
    return checksum.tally()


def tables() -> list[Table]:
    from trailtui.store.models import Base

    return list(Base.metadata.sorted_tables)


def held_rows(counts: dict[str, int]) -> int:
    """What the user would lose: every row but trailtui's own facts."""
    return sum(n for name, n in counts.items() if name in COUNTED)


def check_copyable(version: int | None, side: str, url: URL) -> None:
    from trailtui.store.migrations import SCHEMA_VERSION

    if version == SCHEMA_VERSION:
        return
    if version is None:
        raise DatabaseProblem(f"the {side} {describe(url)} holds no trailtui database")
    if version > SCHEMA_VERSION:
        raise DatabaseProblem(
            f"the {side} is at schema version {version}, newer than this trailtui "
            f"understands ({SCHEMA_VERSION}); upgrade trailtui"
        )
    raise DatabaseProblem(
        f"the {side} is at schema version {version}; open it once with this trailtui "
        f"(`trailtui --db URL stats`) to upgrade it to {SCHEMA_VERSION}, then copy"
    )


def copy_rows(
    source: Connection,
    target: Connection,
    table: Table,
    advance: Callable[[int], None],
) -> Tally:
    """Insert every row of a source table into the target's; the source's tally."""
    from sqlalchemy import insert

    names = [column.key for column in copied_columns(table)]
    checksum = Checksum()
    batch: list[dict[str, object]] = []
    statement = insert(table)
    for values in rows_of(source, table):
        checksum.add(values)
        batch.append(dict(zip(names, values, strict=True)))
        if len(batch) == BATCH:
            target.execute(statement, batch)
            advance(len(batch))
            batch = []
    if batch:
        target.execute(statement, batch)
        advance(len(batch))
    return checksum.tally()


def empty_tables(connection: Connection) -> None:
    """Every row of the target out (children first), trailtui's version kept."""
    from sqlalchemy import delete

    for table in reversed(tables()):
        query = delete(table)
        if table.name == "trailtui_meta":
            query = query.where(table.c.key != VERSION_KEY)
        connection.execute(query)


def advance_sequences(connection: Connection) -> None:
    """PostgreSQL: each serial id's sequence past the largest copied id, so a
    new row does not collide with one (SQLite takes max(id) + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                )


def rebuild_search(connection: Connection) -> None:
    from trailtui.store.migrations import reindex_search

    reindex_search(connection)


def copy_database(
    source_url: URL,
    target_url: URL,
    *,
    replace: Callable[[dict[str, int]], bool],
    progress: Callable[[int], Callable[[int], None]],
) -> list[Copied]:
    """Copy every table of source into target (a new or empty database, or one
    `replace` agrees to empty, given its counts); verified before it commits.
    progress(total rows) gives the function told how many rows went in."""
    from sqlalchemy.exc import SQLAlchemyError

    from trailtui.store import StoreError, open_store

    if source_url.render_as_string(False) == target_url.render_as_string(False):
        raise DatabaseProblem("the source and the target are the same database")
    source_engine = engine_for(source_url, read_only=True)
    made = new_sqlite_file(target_url)
    try:
        with reading(source_engine) as source:
            check_copyable(schema_version(source), "source", source_url)
            source_counts = table_counts(source)
            try:
                target_store = open_store(target_url.render_as_string(hide_password=False))
            except StoreError as exc:
                raise DatabaseProblem(f"target: {exc}") from None
            try:
                return _copy_into(
                    source, target_store.write_connection, source_counts, replace, progress
                )
            finally:
                target_store.close()
    except SQLAlchemyError as exc:
        remove_sqlite_file(made)
        raise DatabaseProblem(f"the copy failed, the target is unchanged: {reason(exc)}") from None
    except BaseException:
        remove_sqlite_file(made)
        raise
    finally:
        source_engine.dispose()


def new_sqlite_file(url: URL) -> Path | None:
    """The SQLite file a copy will create (None: not SQLite, or already there)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database).expanduser()
    return None if path.exists() else path


def remove_sqlite_file(path: Path | None) -> None:
    """A failed copy into a new SQLite file leaves no file behind."""
    if path is None:
        return
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


class Mismatch(Exception):
    """The target's rows are not the source's: the transaction is rolled back."""

    def __init__(self, copied: list[Copied]) -> None:
        super().__init__("mismatch")
        self.copied = copied


def _copy_into(
    source: Connection,
    write_connection: Callable[[], Any],
    source_counts: dict[str, int],
    replace: Callable[[dict[str, int]], bool],
    progress: Callable[[int], Callable[[int], None]],
) -> list[Copied]:
    with write_connection() as target:
        target_counts = table_counts(target)
        if held_rows(target_counts):
            if not replace(target_counts):
                raise DatabaseProblem("the target already holds data; nothing was copied")
            empty_tables(target)
        advance = progress(sum(source_counts.values()))
        copied = []
        for table in tables():
            tally = copy_rows(source, target, table, advance)
            copied.append(Copied(table.name, tally, tally_of(target, table)))
        advance_sequences(target)
        rebuild_search(target)
        if not all(c.same for c in copied):
            raise Mismatch(copied)  # leaving the block rolls the whole copy back
        return copied


def copy_lines(copied: list[Copied]) -> list[str]:
    width = max(len(c.table) for c in copied)
    lines = [f"  {'table':<{width}}  {'source':>9}  {'target':>9}  checksum"]
    for c in copied:
        mark = "same" if c.same else f"DIFFERS ({c.target.checksum[:12]})"
        lines.append(
            f"  {c.table:<{width}}  {c.source.rows:>9,}  {c.target.rows:>9,}  "
            f"{c.source.checksum[:12]} {mark}"
        )
    return lines


# ---- the commands ------------------------------------------------------------


@click.group(context_settings=CONTEXT)
@workspace_options
def db(options: Options) -> None:
    """The database: what it holds (`info`), a copy to another one (`copy`)."""


@db.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@workspace_options
def info(options: Options, as_json: bool) -> None:
    """Which database (backend, place, user), its server and schema versions,
    its size and the rows in each table. Reads only: never creates or
    upgrades anything."""
    url = _current_url(options)
    try:
        found = database_info(url)
    except DatabaseProblem as exc:
        fail(scrubbed(str(exc), url))
    if as_json:
        click.echo(json.dumps(asdict(found)))
    else:
        for line in info_lines(found):
            click.echo(line)


@db.command(context_settings=CONTEXT)
@click.option("--to", "to_url", required=True, metavar="URL", help="The database to copy into.")
@click.option(
    "--from", "from_url", metavar="URL", help="The database to copy from [default: the --db]."
)
@click.option("--replace", is_flag=True, help="Empty a target that already holds data first.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before replacing.")
@workspace_options
def copy(options: Options, to_url: str, from_url: str | None, replace: bool, yes: bool) -> None:
    """Copy every table into another database (SQLite to PostgreSQL, or back),
    in one transaction, verified by counts and checksums before it commits.

    The source is only read. The target is new or empty, or --replace empties
    it (after asking, unless --yes); a copy that fails leaves it as it was.
    """
    source_url = parse(from_url) if from_url else _current_url(options)
    try:
        target_url = parse(to_url)
    except DatabaseProblem as exc:
        fail(f"--to: {exc}")
    urls = (source_url, target_url)

    def agree(counts: dict[str, int]) -> bool:
        held = ", ".join(plural(counts[name], *words) for name, words in COUNTED.items())
        if not replace:
            fail(
                f"{describe(target_url)} already holds data ({held}); "
                "pass --replace to replace it, nothing was copied"
            )
        click.echo(f"{describe(target_url)} holds {held}: --replace deletes them all.", err=True)
        return yes or click.confirm("Replace them?", default=False, err=True)

    with _progress() as progress:
        try:
            copied = copy_database(source_url, target_url, replace=agree, progress=progress)
        except Mismatch as exc:
            for line in copy_lines(exc.copied):
                click.echo(line, err=True)
            fail("the copy does not match its source; nothing was written to the target")
        except DatabaseProblem as exc:
            fail(scrubbed(str(exc), *urls))
    total = sum(c.target.rows for c in copied)
    click.echo(
        f"Copied {plural(total, 'row')} from {describe(source_url)} to {describe(target_url)}; "
        "counts and checksums match:"
    )
    for line in copy_lines(copied):
        click.echo(line)


def _current_url(options: Options) -> URL:
    if options.demo and not options.db:
        fail("the demo's database is thrown away; pass --db URL")
    try:
        return parse(paths.database_url(options.db))
    except DatabaseProblem as exc:
        fail(str(exc))


@contextmanager
def _progress() -> Iterator[Callable[[int], Callable[[int], None]]]:
    """A progress bar on stderr when it is a terminal (and the copy is big), else nothing."""
    bars: list[Any] = []

    def start(total: int) -> Callable[[int], None]:
        if not sys.stderr.isatty() or total < 10 * BATCH:
            return lambda _done: None
        bar = click.progressbar(length=total, label="Copying rows", file=sys.stderr)
        bar.__enter__()
        bars.append(bar)
        return bar.update

    try:
        yield start
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
