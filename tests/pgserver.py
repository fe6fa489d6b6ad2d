"""A throwaway PostgreSQL cluster for the tests, on 127.0.0.1 only.

`initdb` and `pg_ctl` come from Debian's packages (`apt-get install
postgresql`); the cluster lives in a temporary directory, owned by an
unprivileged user (PostgreSQL refuses to run as root), and trusts local
connections. Each test gets a fresh database of its own (`fresh_database`).
`TRAILTUI_TEST_PG` names a server to use instead (a SQLAlchemy URL to a
database the tests may create databases from).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import make_url

USER = "trailtui"
DRIVER = "postgresql+psycopg"
ENV_URL = "TRAILTUI_TEST_PG"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None where PostgreSQL is absent."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def why_unavailable() -> str | None:
    """None when the tests can start (or reach) a server; else the reason."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'trailtui[postgres]')"
    if os.environ.get(ENV_URL):
        return None
    if binaries() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0 and _unprivileged_user() is None:
        return "running as root with no unprivileged user to own a cluster"
    return None


def _unprivileged_user() -> pwd.struct_passwd | None:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    """One running server: `admin_url` reaches its `postgres` database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="trailtui-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.admin_url = f"{DRIVER}://{USER}@127.0.0.1:{self.port}/postgres"
        self._owner = _unprivileged_user() if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        prefix: list[str] = []
        if self._owner is not None:
            prefix = ["runuser", "-u", self._owner.pw_name, "--"]
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout}")

    def start(self) -> Cluster:
        bin_dir = binaries()
        assert bin_dir is not None
        if self._owner is not None:
            os.chown(self.folder, self._owner.pw_uid, self._owner.pw_gid)
        self._run(
            str(bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        bin_dir = binaries()
        if bin_dir is not None and self.data.exists():
            with contextlib.suppress(Exception):
                self._run(str(bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """A new, empty database on the server; its SQLAlchemy URL."""
    import psycopg

    url = make_url(admin_url)
    name = f"t_{uuid.uuid4().hex[:16]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, database_url: str) -> None:
    """Drop a database `fresh_database` made, whoever is still connected."""
    import psycopg

    name = make_url(database_url).database
    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(False)
    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(conninfo, autocommit=True) as connection,
    ):
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
