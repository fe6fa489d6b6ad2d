"""Hermetic tests: no real home, config or data directory is ever touched."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import pgserver
from .feedserver import FeedServer

PG_MISSING = pgserver.why_unavailable()


def pytest_report_header() -> str:
    if PG_MISSING:
        return f"PostgreSQL: NOT TESTED, its tests skip: {PG_MISSING}"
    return "PostgreSQL: tested against a throwaway server on 127.0.0.1"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PG_MISSING:
        terminalreporter.write_line(
            f"!!! PostgreSQL tests were SKIPPED: {PG_MISSING}", red=True, bold=True
        )


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    """A PostgreSQL server for this test process: its admin URL (skips, loudly, where
    none can run)."""
    if PG_MISSING:
        pytest.skip(f"PostgreSQL not tested: {PG_MISSING}")
    given = os.environ.get(pgserver.ENV_URL)
    if given:
        yield given
        return
    cluster = pgserver.Cluster().start()
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_admin: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test: its SQLAlchemy URL."""
    url = pgserver.fresh_database(pg_admin)
    yield url
    pgserver.drop_database(pg_admin, url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on each backend: a new SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trail.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("TRAILTUI_CONTACTS", raising=False)
    monkeypatch.delenv("TRAILTUI_DB", raising=False)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """The test feed server on 127.0.0.1 (tests/feedserver.py)."""
    with FeedServer() as running:
        yield running
    # No server thread may outlive its test.
    assert running.live_threads() == []


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://{slug}.example.org/</link>
<description>posts</description>
{items}
</channel></rss>
"""
ITEM = """<item><guid>https://{slug}.example.org/p/{n}</guid><title>{title}</title>
<link>https://{slug}.example.org/p/{n}</link>
<pubDate>{date}</pubDate>
<description><![CDATA[<p>Body of post {n} by {slug}.</p>]]></description></item>"""


def write_feed(path: Path, slug: str, titles: list[str], *, day0: int = 1) -> Path:
    """A small RSS 2.0 feed, newest title first."""
    items = "\n".join(
        ITEM.format(
            slug=slug,
            n=len(titles) - i,
            title=title,
            date=f"{day0 + len(titles) - i:02d} Oct 2026 10:00:00 +0000",
        )
        for i, title in enumerate(titles)
    )
    path.write_text(RSS.format(title=f"{slug} blog", slug=slug, items=items), encoding="utf-8")
    return path


@pytest.fixture
def small_world(tmp_path: Path) -> Path:
    """A contacts file with three people (one without feeds) and local feeds."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    write_feed(feeds / "ada.rss", "ada", ["Ada on engines", "Ada on notes"], day0=10)
    write_feed(feeds / "bo.rss", "bo", ["Bo writes [bold]markup[/bold]", "Bo again"], day0=1)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        """\
version: 1
contacts:
  - name: Ada Quill
    id: ada
    why: Shares my view that tools should be kind.
    help: Looking for beta readers.
    cadence: 7d
    feeds: [feeds/ada.rss]
  - name: Bo Lind
    feeds:
      - {url: feeds/bo.rss, label: Notes}
  - name: Cy Offline
""",
        encoding="utf-8",
    )
    return contacts
