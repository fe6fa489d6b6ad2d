"""`blog:` sources: the feed is found by autodiscovery, remembered, and found
again when it moves; and the schema migration that brought them (v1 -> v2)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds.discover import discover_feeds
from trailtui.feeds.refresh import Result, refresh
from trailtui.store import migrations, open_store, queries

from .conftest import write_feed

PAGE = """<!doctype html><html><head><title>Ada's blog</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" href="{feed}" title="Ada">
</head><body><h1>Hello</h1></body></html>"""


class Site:
    """A tiny blog on 127.0.0.1: a home page pointing at its feed."""

    def __init__(self, feed_body: bytes) -> None:
        self.feed_path = "/feeds/main.xml"
        self.feed_body = feed_body
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/":
                    body = PAGE.format(feed=site.feed_path).encode()
                    self._answer(200, "text/html; charset=utf-8", body)
                elif self.path == site.feed_path:
                    if self.headers.get("If-None-Match") == '"v1"':
                        self.send_response(304)
                        self.end_headers()
                        return
                    self._answer(200, "application/rss+xml", site.feed_body, etag='"v1"')
                else:
                    self._answer(404, "text/plain", b"not here")

            def _answer(self, status: int, kind: str, body: bytes, etag: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    feed = write_feed(tmp_path / "main.xml", "ada", ["Found by discovery", "Second post"])
    running = Site(feed.read_bytes())
    yield running
    running.close()


def test_discover_feeds_ranks_and_resolves() -> None:
    page = b"""<html><head><base href="https://ex.example/blog/">
    <link rel="alternate" type="application/json" href="feed.json">
    <link rel="alternate stylesheet" type="text/css" href="x.css">
    <link rel="Alternate" type="application/rss+xml" href="rss.xml">
    <link rel="alternate" type="application/atom+xml" href="/atom.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head></html>"""
    assert discover_feeds(page, "https://ex.example/") == [
        "https://ex.example/blog/rss.xml",
        "https://ex.example/atom.xml",
        "https://ex.example/blog/feed.json",
    ]
    assert discover_feeds(b"<html><body>no feeds</body></html>", "https://ex.example/") == []
    assert discover_feeds(b"\xff\xfe garbage <link", "https://ex.example/") == []


def test_blog_source_finds_remembers_and_refinds_its_feed(site: Site, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    book = parse_contacts(
        f"contacts:\n  - name: Ada\n    feeds:\n      - blog: {site.url}\n", name="c.yaml"
    )
    assert book.contacts[0].feeds[0].discover
    sync_contacts(store, book)

    first = refresh(store, force=True)
    assert [o.result for o in first.outcomes] == [Result.UPDATED] and first.new_entries == 2
    feed = queries.feeds_to_fetch(store, at=0, force=True)[0]
    assert feed.url == site.url and feed.resolved_url == site.url + "feeds/main.xml"
    assert [p for p, _ in site.requests] == ["/", "/feeds/main.xml"]

    # Remembered: the feed itself is asked for, conditionally; the page is not.
    site.requests.clear()
    second = refresh(store, force=True)
    assert [o.result for o in second.outcomes] == [Result.NOT_MODIFIED]
    assert site.requests == [("/feeds/main.xml", '"v1"')]

    # The feed moves (with a new post): its old address now 404s, the page
    # points elsewhere.
    site.feed_path = "/new/feed.rss"
    moved = write_feed(
        tmp_path / "moved.xml", "ada", ["A third", "Found by discovery", "Second post"]
    )
    site.feed_body = moved.read_bytes()
    site.requests.clear()
    third = refresh(store, force=True)
    assert [o.result for o in third.outcomes] == [Result.UPDATED], third.outcomes
    assert [p for p, _ in site.requests] == ["/feeds/main.xml", "/", "/new/feed.rss"]
    feed = queries.feeds_to_fetch(store, at=0, force=True)[0]
    assert feed.resolved_url == site.url + "new/feed.rss"
    assert third.new_entries == 1
    assert queries.counts(store).entries == 3  # same guids: nothing duplicated
    store.close()


def test_blog_page_without_a_feed_link_is_a_clear_failure(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><body>No feed here</body></html>")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        store = open_store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
        sync_contacts(
            store, parse_contacts(f"contacts:\n  - name: B\n    feeds: [{{blog: {url}}}]\n")
        )
        report = refresh(store, force=True)
        assert report.failures and "web page" in (report.failures[0].error or "")
        store.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_version_1_database_is_upgraded_without_losing_the_trail(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    store = open_store(f"sqlite:///{path}")
    sync_contacts(store, parse_contacts("contacts:\n  - {name: Ada, id: ada, feeds: [a.rss]}\n"))
    from trailtui.store.writes import add_engagement

    add_engagement(store, "ada", "thanks", text="for the loom notes")
    store.close()
    # Make it what version 1 was: no discovery columns (nor later ones).
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE feed DROP COLUMN discover")
        conn.execute("ALTER TABLE feed DROP COLUMN resolved_url")
        conn.execute("ALTER TABLE engagement DROP COLUMN marked_read")
        # Nor the search index and triage indexes of version 4.
        for trigger in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER entry_search_{trigger}")
        conn.execute("DROP TABLE entry_search")
        for index in ("ix_entry_unread", "ix_entry_starred", "ix_engagement_entry"):
            conn.execute(f"DROP INDEX {index}")
        conn.execute("UPDATE trailtui_meta SET value='1' WHERE key='schema_version'")

    upgraded = open_store(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(feed)")}
        version = conn.execute("SELECT value FROM trailtui_meta").fetchone()[0]
    assert {"discover", "resolved_url"} <= columns
    assert version == str(migrations.SCHEMA_VERSION)
    assert [(e.kind, e.text) for e in queries.trail(upgraded, "ada")] == [
        ("thanks", "for the loom notes")
    ]
    assert (tmp_path / "old.sqlite3.v1.bak").exists()
    feed = queries.feeds_to_fetch(upgraded, at=0, force=True)[0]
    assert feed.discover is False and feed.resolved_url is None
    upgraded.close()
