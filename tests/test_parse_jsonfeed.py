"""JSON Feed 1.0 and 1.1: read, cleaned like every feed, found on a page, fetched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from trailtui.feeds.discover import discover_feeds
from trailtui.feeds.http import Fetcher, FetchLimits
from trailtui.feeds.parse import ParseError, parse_feed
from trailtui.feeds.probe import Probe, probe_async

from .feedserver import FeedServer
from .test_parse_corpus import assert_clean_text, assert_safe_html, fixture_bytes, parsed, utc


def test_json_feed_1_1_from_micro_blog() -> None:
    feed = parsed("jsonfeed-11-microblog.json")
    assert (feed.parser, feed.title, feed.warning) == ("json", "Manton's notes", None)
    walk, indie, photo = feed.entries
    assert walk.guid == "http://manton.example.blog/2026/10/19/walked-to-the.html"
    assert walk.link == "https://manton.example.blog/2026/10/19/walked-to-the.html"
    assert (
        walk.title == "Walked to the coffee shop in the rain. Worth it for the \u201ccortado\u201d."
    )
    assert walk.author == "Manton Example"  # the feed's authors, inherited
    assert walk.published_at == utc(2026, 10, 19, 13, 41, 22)
    assert (indie.title, indie.updated_at) == ("On indie publishing", utc(2026, 10, 18, 21, 30))
    assert indie.summary == "Long post about owning your content. Second paragraph."
    # A relative image is resolved against the post's URL.
    expected = 'src="https://manton.example.blog/2026/10/17/uploads/2026/photo.jpg"'
    assert expected in (photo.content or "")
    assert photo.title == "(untitled)"  # a photo alone: no words to name it by


def test_json_feed_1_0_with_odd_values() -> None:
    feed = parsed("jsonfeed-10-blog.json")
    swift, link, numbers, bad_date = feed.entries
    assert swift.title == "Swift & concurrency"  # JSON Feed titles are plain text
    assert swift.summary == "Notes on actors."
    assert swift.author == "Brent Example"  # 1.0's single author
    assert link.link == "https://elsewhere.example.org/essay"  # external_url without url
    assert link.author == "Guest Writer"
    assert link.content == "A good essay. It says 3 &lt; 4 &amp; that &lt;div&gt;s are fine."
    assert numbers.guid == "20261018"
    assert numbers.link == "https://brent.example.com/2026/10/18/numbers"
    assert numbers.published_at == utc(2026, 10, 18, 10)
    assert (bad_date.published_at, bad_date.updated_at) == (None, utc(2026, 10, 17, 9))


def test_hostile_json_feed_is_cleaned_like_any_feed() -> None:
    feed = parsed("jsonfeed-hostile.json")
    assert_clean_text(feed)
    assert feed.title == "Hostile JSON <b>feed</b>"  # plain text: shown as written
    assert [e.guid for e in feed.entries] == ["h1", "h2", "h3", "h5"]  # a string item is skipped
    h1, h2, h3, h5 = feed.entries
    # The style attribute and the data: image go; the word "styled" is the post's text.
    assert "style=" not in (h5.content or "") and "data:" not in (h5.content or "")
    assert h1.link is None and h1.title == "Script inside" and h1.author == "Mallory evil"
    assert "script" not in (h1.content or "") and "onclick" not in (h1.content or "")
    assert h2.title == "Wrong types cost the value, not the item."  # from its summary
    assert (h2.published_at, h2.content) == (None, None)
    assert h3.link == "https://hostile.example/3%20with%20space"
    assert h3.title == "[link=https://evil.example]click[/link]"
    assert h3.summary == "Plain text with <script>alert(3)</script> shown as text."
    for entry in feed.entries:
        assert_safe_html(entry.content)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'{"title": "no version", "items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "not a JSON Feed"),
        (b"[" * 100_000 + b"]" * 100_000, "not a readable feed"),
        (b"{" + b'"a":{' * 50_000 + b"}" * 50_001, "JSON"),
    ],
)
def test_json_that_is_not_a_feed_is_told_so(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_feed(body, {"Content-Type": "application/feed+json"}, "https://j.example/feed.json")


def test_an_empty_json_feed_is_a_feed() -> None:
    feed = parse_feed(b'\xef\xbb\xbf\n {"version": "https://jsonfeed.org/version/1", "items": []}')
    assert (feed.parser, feed.entries) == ("json", [])


def test_json_feeds_are_discovered_after_rss_and_atom() -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/feed+json" href="/feed.json">'
        b'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>'
    )
    assert discover_feeds(page, "https://m.example/") == [
        "https://m.example/feed.xml",
        "https://m.example/feed.json",
    ]
    only_json = b'<link rel="alternate" type="application/feed+json" href="/feed.json">'
    assert discover_feeds(only_json, "https://m.example/") == ["https://m.example/feed.json"]


def test_a_json_feed_is_probed_over_http(server: FeedServer, tmp_path: Path) -> None:
    server.add_feed("json", fixture_bytes("jsonfeed-11-microblog.json").decode())
    limits = FetchLimits(connect_timeout=10.0, read_timeout=10.0, deadline=5.0)

    async def probe() -> Probe:
        async with Fetcher(limits) as fetcher:
            return await probe_async(server.url("/feeds/json"), fetcher, base_dir=tmp_path)

    found = asyncio.run(probe())
    assert found.error is None, found
    assert [(c.url, c.title, c.entries) for c in found.candidates] == [
        (server.url("/feeds/json"), "Manton's notes", 3)
    ]
