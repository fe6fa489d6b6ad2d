"""`trailtui db info` and `trailtui db copy`, between a real SQLite file and a
real PostgreSQL server on 127.0.0.1 (tests/pgserver.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, insert, make_url, select, update

from trailtui.cli import main
from trailtui.cli.db import normalised
from trailtui.store import open_store
from trailtui.store.migrations import SCHEMA_VERSION
from trailtui.store.models import Base, DraftRow, EngagementRow, EntryRow
from trailtui.store.search import search
from trailtui.store.writes import add_engagement, set_starred

PASSWORD = "Pw-9f3kq-never-shown"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def filled_sqlite(small_world: Path, tmp_path: Path) -> str:
    """A SQLite database after a fetch, with trails (one undone), a star and a draft."""
    url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    code, _, err = run("--contacts", str(small_world), "--db", url, "fetch")
    assert code == 0, err
    fill(url)
    return url


def fill(url: str) -> None:
    store = open_store(url)
    try:
        with store.read() as session:
            entries = list(session.scalars(select(EntryRow.id).order_by(EntryRow.id)))
        add_engagement(store, "ada", "like", entry_id=entries[0], once_per_entry=True)
        add_engagement(store, "ada", "comment", entry_id=entries[1], text="Ünïcode ✓ note")
        add_engagement(store, "bo-lind", "note", text="met at the café")
        set_starred(store, entries[2], True)
        with store.write() as session:
            session.execute(
                insert(DraftRow).values(
                    contact_id="ada", entry_id=entries[0], body="Dear Ada,", created_at=1,
                    updated_at=2,
                )
            )  # fmt: skip
            session.execute(
                update(EngagementRow).where(EngagementRow.kind == "note").values(undone_at=5)
            )
    finally:
        store.close()


def table_rows(url: str) -> dict[str, list[list[object]]]:
    """Every row of every table, read independently of `db copy`, normalised."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for table in Base.metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                if table.name == "trailtui_meta":
                    query = query.where(table.c.key != "schema_version")
                found[table.name] = [
                    [normalised(v) for v in row] for row in connection.execute(query)
                ]
            return found
    finally:
        engine.dispose()


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def sqlite_file(url: str) -> Path:
    return Path(make_url(url).database or "")


def info_json(url: str) -> dict[str, object]:
    code, out, err = run("--db", url, "db", "info", "--json")
    assert code == 0, err
    found: dict[str, object] = json.loads(out)
    return found


def test_db_info_says_backend_versions_and_counts(filled_sqlite: str) -> None:
    found = info_json(filled_sqlite)
    code, out, _ = run("--db", filled_sqlite, "stats", "--json")
    stats = json.loads(out)
    assert found["backend"] == "sqlite"
    assert found["location"] == str(sqlite_file(filled_sqlite))
    assert found["schema_version"] == SCHEMA_VERSION
    assert found["counts"] == {
        "contacts": stats["contacts"] + stats["archived_contacts"],
        "feeds": stats["feeds"],
        "entries": stats["entries"],
        "trails": stats["engagements"] + 1,  # stats leaves the undone note out
        "drafts": 1,
    }
    assert isinstance(found["size_bytes"], int) and found["size_bytes"] > 0
    code, out, _ = run("--db", filled_sqlite, "db", "info")
    assert code == 0
    assert f"Database: SQLite {sqlite_file(filled_sqlite)}" in out
    assert f"Schema:   version {SCHEMA_VERSION}" in out


def test_db_info_never_creates_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite3"
    code, out, err = run("--db", f"sqlite:///{missing}", "db", "info")
    assert code == 1 and out == ""
    assert err == f"trailtui: no database at {missing}\n"
    assert not missing.exists()


def test_db_info_on_postgresql_and_the_password_is_never_shown(
    pg_url: str, tmp_path: Path, small_world: Path
) -> None:
    with psycopg.connect(conninfo(pg_url), autocommit=True) as connection:
        connection.execute(f"ALTER ROLE trailtui PASSWORD '{PASSWORD}'")
    url = make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)
    assert PASSWORD in url
    empty = info_json(url)
    assert empty["backend"] == "postgresql" and empty["schema_version"] is None
    assert empty["counts"] == dict.fromkeys(("contacts", "feeds", "entries", "trails", "drafts"), 0)
    outputs = []
    for args in (
        ["--contacts", str(small_world), "--db", url, "fetch"],
        ["--db", url, "db", "info"],
        ["--db", url, "db", "info", "--json"],
        ["--db", url, "stats"],
        ["--db", url, "db", "copy", "--to", f"sqlite:///{tmp_path / 'copy.sqlite3'}"],
        ["--db", f"sqlite:///{tmp_path / 'copy.sqlite3'}", "db", "copy", "--to", url],
    ):
        code, out, err = run(*args)
        outputs.append(out + err)
    full = info_json(url)
    assert full["user"] == "trailtui" and full["schema_version"] == SCHEMA_VERSION
    assert full["counts"]["contacts"] == 3  # type: ignore[index]
    assert "already holds data" in outputs[-1]  # the copy back was refused, by name
    port = make_url(pg_url).port
    assert f"Database: PostgreSQL 127.0.0.1:{port}/" in outputs[1] and "as trailtui" in outputs[1]
    # And when the server cannot be reached: a port nothing listens on.
    dead = make_url(url).set(port=1).render_as_string(hide_password=False)
    for args in (["--db", dead, "db", "info"], ["--db", dead, "stats"]):
        code, out, err = run(*args)
        assert code == 1 and "127.0.0.1" in err and ":1" in err.replace(", port 1", ":1")
        outputs.append(out + err)
    logs = [p.read_text(errors="replace") for p in Path.home().rglob("*") if p.is_file()]
    for shown in outputs + logs:
        assert PASSWORD not in shown


def test_copy_sqlite_to_postgresql_and_back(
    filled_sqlite: str, pg_url: str, tmp_path: Path
) -> None:
    source_file = sqlite_file(filled_sqlite)
    before = fingerprint(source_file)
    original = table_rows(filled_sqlite)
    code, out, err = run("--db", filled_sqlite, "db", "copy", "--to", pg_url)
    assert code == 0, err
    assert "counts and checksums match" in out and "DIFFERS" not in out
    assert fingerprint(source_file) == before  # not a byte, not the mtime
    assert table_rows(pg_url) == original
    assert info_json(pg_url)["counts"] == info_json(filled_sqlite)["counts"]
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    code, out, err = run("db", "copy", "--from", pg_url, "--to", back)
    assert code == 0, err
    assert table_rows(back) == original
    for target in (back, pg_url):
        store = open_store(target)
        try:
            # New rows take ids past the copied ones (PostgreSQL's sequences moved).
            last = max(int(str(row[0])) for row in original["engagement"])
            made = add_engagement(store, "ada", "note", text="after the copy")
            assert made.engagement.id == last + 1
            # The search index was rebuilt: the copied words are found.
            assert [hit.entry.title for hit in search(store, "engines")] == ["Ada on engines"]
        finally:
            store.close()


def test_copy_refuses_a_target_with_data_unless_replaced(
    filled_sqlite: str, small_world: Path, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    code, _, err = run("--db", filled_sqlite, "db", "copy", "--to", target)
    assert code == 0, err
    store = open_store(target)
    add_engagement(store, "ada", "note", text="only in the target")
    store.close()
    held = table_rows(target)
    code, _out, err = run("--db", filled_sqlite, "db", "copy", "--to", target)
    assert code == 1 and "already holds data (3 contacts, 2 feeds, 4 entries, 4 trails" in err
    assert "--replace" in err
    code, _, err = run(
        "--db", filled_sqlite, "db", "copy", "--to", target, "--replace", input="n\n"
    )
    assert code == 1 and "--replace deletes them all" in err and "Replace them?" in err
    assert table_rows(target) == held
    code, _, err = run(
        "--db", filled_sqlite, "db", "copy", "--to", target, "--replace", input="y\n"
    )
    assert code == 0, err
    assert table_rows(target) == table_rows(filled_sqlite)
    code, _, err = run("--db", filled_sqlite, "db", "copy", "--to", target, "--replace", "--yes")
    assert code == 0, err


def test_a_failed_copy_leaves_the_target_as_it_was(filled_sqlite: str, pg_url: str) -> None:
    open_store(pg_url).close()  # the schema, no rows
    with psycopg.connect(conninfo(pg_url), autocommit=True) as connection:
        # The last table copied refuses its rows: everything before it must go too.
        connection.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"
        )
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON engagement "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    empty = table_rows(pg_url)
    code, out, err = run("--db", filled_sqlite, "db", "copy", "--to", pg_url)
    assert code == 1 and out == ""
    assert err.startswith("trailtui: the copy failed, the target is unchanged:")
    assert "the disk is full" in err and "Traceback" not in err
    assert table_rows(pg_url) == empty


def test_a_failed_copy_into_a_new_sqlite_file_leaves_no_file(
    filled_sqlite: str, tmp_path: Path
) -> None:
    target = tmp_path / "new.sqlite3"
    raw = create_engine(filled_sqlite)  # foreign keys are not checked on this connection
    with raw.begin() as connection:
        # A trail of a contact that is not there: the target's constraints refuse it.
        connection.exec_driver_sql(
            "INSERT INTO engagement (contact_id, kind, created_at, marked_read) "
            "VALUES ('nobody', 'note', 1, 0)"
        )
    raw.dispose()
    code, _, err = run("--db", filled_sqlite, "db", "copy", "--to", f"sqlite:///{target}")
    assert code == 1 and "the copy failed, the target is unchanged" in err
    assert not target.exists()


def test_checksums_see_one_changed_value(filled_sqlite: str, tmp_path: Path) -> None:
    """The verification is real: the target's tally of a changed row differs."""
    from trailtui.cli.db import engine_for, reading, tally_of

    target = f"sqlite:///{tmp_path / 't.sqlite3'}"
    assert run("--db", filled_sqlite, "db", "copy", "--to", target)[0] == 0
    tallies = []
    for change in ("", "UPDATE entry SET starred = NOT starred WHERE id = 1"):
        if change:
            raw = create_engine(target)
            with raw.begin() as connection:
                connection.exec_driver_sql(change)
            raw.dispose()
        engine = engine_for(make_url(target), read_only=True)
        with reading(engine) as connection:
            tallies.append(tally_of(connection, EntryRow.__table__))  # type: ignore[arg-type]
        engine.dispose()
    assert tallies[0].rows == tallies[1].rows and tallies[0].checksum != tallies[1].checksum


def test_copy_refuses_a_newer_or_older_source(filled_sqlite: str, tmp_path: Path) -> None:
    engine = create_engine(filled_sqlite)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE trailtui_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"
        )
    engine.dispose()
    target = tmp_path / "t.sqlite3"
    code, out, err = run("--db", filled_sqlite, "db", "copy", "--to", f"sqlite:///{target}")
    assert code == 1
    assert f"newer than this trailtui understands ({SCHEMA_VERSION})" in err
    assert not target.exists()
    code, out, err = run("--db", filled_sqlite, "db", "info")
    assert code == 0 and f"version {SCHEMA_VERSION + 1}, newer than this trailtui" in out


def test_copy_refuses_the_same_database(filled_sqlite: str) -> None:
    code, _, err = run("--db", filled_sqlite, "db", "copy", "--to", filled_sqlite)
    assert code == 1 and "the same database" in err
