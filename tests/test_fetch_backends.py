"""`trailtui fetch` into each backend, against the test feed server: a cold
first fetch (enough new feeds for the worker processes, each with its own
connection), then a warm one (conditional GETs, 304s, nothing rewritten)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from trailtui.cli import main
from trailtui.store import open_store, queries, search

from .feedserver import FeedServer

FEEDS = 30  # above workers.MIN_NEW_FEEDS: a cold fetch starts worker processes
POSTS = 3


def rss(n: int) -> str:
    items = "".join(
        f"<item><title>Post {n}.{k} heron{n}x</title><guid>p{n}-{k}</guid>"
        f"<link>https://p{n}.example.org/{k}</link>"
        f"<pubDate>Mon, 0{k + 1} Jan 2024 10:00:00 GMT</pubDate>"
        f"<description>Body {k} of person {n}.</description></item>"
        for k in range(POSTS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Person {n}</title><link>https://p{n}.example.org/</link>{items}"
        "</channel></rss>"
    )


def contacts(tmp_path: Path, server: FeedServer) -> Path:
    lines = ["version: 1", "contacts:"]
    for n in range(FEEDS):
        url = server.add_feed(f"p{n}", rss(n))
        lines += [f"  - name: Person {n}", f"    feeds: [{url}]"]
    path = tmp_path / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fetch(book: Path, db_url: str, *more: str) -> str:
    result = CliRunner().invoke(
        main, ["--contacts", str(book), "--db", db_url, "fetch", *more], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_fetch_cold_then_warm(tmp_path: Path, server: FeedServer, db_url: str) -> None:
    book = contacts(tmp_path, server)
    out = fetch(book, db_url)
    assert f"{FEEDS * POSTS} new entries" in out and "0 failed" in out
    store = open_store(db_url)
    try:
        counts = queries.counts(store)
        assert counts.feeds == FEEDS and counts.entries == FEEDS * POSTS
        # The workers' inserts are indexed on either backend.
        (hit,) = [h for h in search.search(store, "heron17x") if "17.1" in h.entry.title]
        assert hit.entry.contact_id == "person-17"
        assert len(search.search(store, "heron17x")) == POSTS
        stored = {h.id: h.last_fetch_at for h in queries.feed_health(store)}
    finally:
        store.close()

    before = len(server.log)
    out = fetch(book, db_url, "--force")
    assert "0 new entries" in out and "0 failed" in out
    warm = [r for r in server.log[before:] if r.path.startswith("/feeds/p")]
    assert len(warm) == FEEDS
    assert all(r.header("If-None-Match") == server.feeds[r.path[7:]].etag for r in warm)
    store = open_store(db_url)
    try:
        assert queries.counts(store).entries == FEEDS * POSTS
        health = queries.feed_health(store)
        assert all(h.last_status == 304 and h.failures == 0 for h in health)
        assert all(h.last_fetch_at is not None for h in health)
        assert {h.id for h in health} == set(stored)
    finally:
        store.close()
