"""PostgreSQL going wrong: a server nothing answers for, one that goes away in
the middle of a refresh, a role that may only read, a database from a newer
trailtui. The CLI says so in one line and exits 1; the app shows it; nothing
is half-written."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, make_url, select

from trailtui.cli import main
from trailtui.store import StoreError, open_store
from trailtui.store.migrations import SCHEMA_VERSION
from trailtui.store.models import EngagementRow, EntryRow
from trailtui.store.writes import add_engagement
from trailtui.ui.app import TrailApp
from trailtui.workspace import open_workspace

from .test_app_refresh import GatedServer, gated, with_web_feeds
from .ui_support import SIZE, settle, told, until, wait_for

__all__ = ["gated"]  # the gated feed server, a fixture of test_app_refresh's

PASSWORD = "Pw-faults-4c1e"
COMMANDS = (["fetch"], ["stats"], ["digest"], ["db", "info"])
HANG_GUARD = 120  # seconds: a subprocess that takes this long has hung


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A superuser's connection to the test's database (autocommit)."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def cut_off(url: str) -> None:
    """The server goes away for this database: every session ended, none let in."""
    name = make_url(url).database
    with admin(url.replace(f"/{name}", "/postgres")) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )


def back_on(url: str) -> None:
    name = make_url(url).database
    with admin(url.replace(f"/{name}", "/postgres")) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("trailtui: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def filled_pg(pg_url: str, small_world: Path) -> str:
    code, _, err = run("--contacts", str(small_world), "--db", pg_url, "fetch")
    assert code == 0, err
    return pg_url


# ---- the server cannot be reached ---------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_server_at_that_port(command: list[str], small_world: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://ada:{PASSWORD}@127.0.0.1:{port}/trail"
    code, out, err = run("--contacts", str(small_world), "--db", url, *command)
    assert code == 1 and out == ""
    line = one_line_error(err)
    assert f"cannot reach the PostgreSQL server at 127.0.0.1:{port} (database trail)" in line
    assert PASSWORD not in err


def test_a_server_that_never_answers_is_given_up_on(small_world: Path, tmp_path: Path) -> None:
    """A socket that accepts and then says nothing: the connect timeout ends it."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        silent.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        url = f"postgresql+psycopg://ada@127.0.0.1:{port}/trail"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "trailtui",
                "--contacts",
                str(small_world),
                "--db",
                url,
                "stats",
            ],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            cwd=tmp_path,
            env=os.environ.copy(),
        )
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        silent.close()
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in one_line_error(result.stderr)
    assert accepted  # it did try this server


# ---- the server goes away during a refresh ------------------------------------


def test_the_server_going_away_mid_refresh(
    filled_pg: str, small_world: Path, gated: GatedServer, tmp_path: Path
) -> None:
    with_web_feeds(small_world, gated, 6)
    gated.gate.clear()  # the web feeds' answers wait
    command = [sys.executable, "-m", "trailtui", "--contacts", str(small_world)]
    fetch = subprocess.Popen(
        [*command, "--db", filled_pg, "fetch", "--force"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        # The refresh is under way (or the fetch ended: the asserts below say why).
        until(lambda: gated.waiting >= 1 or fetch.poll() is not None, "the fetch to ask")
        cut_off(filled_pg)
        gated.gate.set()
        out, err = fetch.communicate(timeout=HANG_GUARD)
    finally:
        if fetch.poll() is None:
            fetch.kill()
            fetch.communicate()
    assert fetch.returncode == 1, out + err
    line = one_line_error(err)
    assert "database" in line
    assert "Traceback" not in out + err
    back_on(filled_pg)
    code, out, err = run("--contacts", str(small_world), "--db", filled_pg, "fetch", "--force")
    assert code == 0, err
    store = open_store(filled_pg)
    try:
        with store.read() as session:
            entries = session.execute(select(EntryRow.feed_id, EntryRow.guid)).all()
    finally:
        store.close()
    assert len(entries) == len(set(entries)) == 4 + 6  # each post once


# ---- a role that may only read --------------------------------------------------


@pytest.fixture
def reader_url(filled_pg: str) -> str:
    with admin(filled_pg) as connection:
        connection.execute("DROP ROLE IF EXISTS reader")
        connection.execute("CREATE ROLE reader LOGIN")
        connection.execute("GRANT USAGE ON SCHEMA public TO reader")
        connection.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    return make_url(filled_pg).set(username="reader").render_as_string(hide_password=False)


def test_a_read_only_role_reads_and_is_told_it_cannot_write(
    reader_url: str, filled_pg: str, small_world: Path
) -> None:
    for command in (["stats"], ["digest"], ["db", "info"]):
        code, out, err = run("--contacts", str(small_world), "--db", reader_url, *command)
        assert code == 0, err
        assert out
    code, out, err = run("--contacts", str(small_world), "--db", reader_url, "fetch", "--force")
    assert code == 1
    line = one_line_error(err)
    assert "read-only" in line and "reader" in line
    store = open_store(reader_url)
    try:
        with store.read() as session:
            entry_id = session.scalars(select(EntryRow.id).limit(1)).one()
        with pytest.raises(StoreError, match="read-only for reader"):
            add_engagement(store, "ada", "like", entry_id=entry_id, once_per_entry=True)
    finally:
        store.close()
    owner = open_store(filled_pg)
    try:
        with owner.read() as session:
            assert session.scalar(select(func.count(EngagementRow.id))) == 0
    finally:
        owner.close()


def test_a_read_only_role_with_a_changed_contacts_file(reader_url: str, small_world: Path) -> None:
    """Mirroring the file needs a write: said in one line, not a traceback."""
    small_world.write_text(
        small_world.read_text(encoding="utf-8") + "  - name: Dee New\n", encoding="utf-8"
    )
    code, _, err = run("--contacts", str(small_world), "--db", reader_url, "stats")
    assert code == 1
    assert "read-only" in one_line_error(err)


# ---- a database from a newer trailtui ------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_database_from_a_newer_trailtui(
    command: list[str], filled_pg: str, small_world: Path
) -> None:
    with admin(filled_pg) as connection:
        connection.execute(
            "UPDATE trailtui_meta SET value = %s WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION + 1),),
        )
    code, out, err = run("--contacts", str(small_world), "--db", filled_pg, *command)
    newer = f"schema version {SCHEMA_VERSION + 1}, newer than this trailtui understands"
    if command == ["db", "info"]:  # info says what it is
        assert code == 0 and f"version {SCHEMA_VERSION + 1}, newer than this trailtui" in out
        return
    assert code == 1 and out == ""
    assert newer in one_line_error(err)


# ---- the app ------------------------------------------------------------------------


def test_the_app_at_an_unreachable_server_exits_with_the_reason(small_world: Path) -> None:
    url = f"postgresql+psycopg://ada:{PASSWORD}@127.0.0.1:1/trail"
    code, out, err = run("--contacts", str(small_world), "--db", url)
    assert code == 1
    assert "cannot reach the PostgreSQL server at 127.0.0.1:1" in one_line_error(err)
    assert PASSWORD not in out + err


async def test_the_app_shows_the_server_gone(filled_pg: str, small_world: Path) -> None:
    workspace = open_workspace(small_world, filled_pg)
    try:
        app = TrailApp(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            cut_off(filled_pg)
            await pilot.press("l")
            await settle(pilot)
            await wait_for(pilot, lambda: "Could not record the trail" in told(app))
            assert "Nothing was recorded." in told(app)
            assert str(make_url(filled_pg).database) in told(app)  # the server's own words
            assert app.is_running
        back_on(filled_pg)
        with workspace.store.read() as session:
            assert session.scalar(select(func.count(EngagementRow.id))) == 0
    finally:
        back_on(filled_pg)
        workspace.close()


async def test_the_app_on_a_read_only_role_says_so_on_a_trail(
    reader_url: str, small_world: Path
) -> None:
    workspace = open_workspace(small_world, reader_url)
    try:
        app = TrailApp(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            await wait_for(pilot, lambda: "Could not record the trail" in told(app))
            assert "read-only for reader" in told(app)
            assert "Nothing was recorded." in told(app)
    finally:
        workspace.close()
