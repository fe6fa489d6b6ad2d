"""Looking at a source before adding a contact: feed, web page, shorthand, faults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trailtui.contacts.adding import contact_mapping
from trailtui.feeds.http import FetchLimits
from trailtui.feeds.probe import (
    SourceError,
    feed_entry,
    location_of,
    probe_source,
)

from .conftest import write_feed
from .feedserver import FeedServer

FAST = FetchLimits(deadline=3.0, connect_timeout=1.0, read_timeout=2.0)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.mark.parametrize(
    ("typed", "entry"),
    [
        ("github:ada", {"github": "ada"}),
        ("GitHub: ada", {"github": "ada"}),
        ("@ada@hachyderm.io", {"mastodon": "@ada@hachyderm.io"}),
        ("ada@hachyderm.io", {"mastodon": "@ada@hachyderm.io"}),
        ("bluesky:ada.bsky.social", {"bluesky": "ada.bsky.social"}),
        ("https://ada.example/feed.xml", {"url": "https://ada.example/feed.xml"}),
        ("ada.example", {"url": "https://ada.example"}),
        ("ada.example/blog", {"url": "https://ada.example/blog"}),
    ],
)
def test_what_the_user_types_becomes_a_feed_entry(typed: str, entry: dict[str, str]) -> None:
    assert feed_entry(typed) == entry


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "type a site or feed address"),
        ("github:ada lee", "no spaces"),
        ("youtube:@ada", "channel id"),
        ("ftp://ada.example/feed", "unsupported URL scheme 'ftp'"),
        ("http://", "no host name"),
    ],
)
def test_unusable_sources_say_why(typed: str, reason: str) -> None:
    with pytest.raises(SourceError, match=reason):
        feed_entry(typed)


def test_shorthand_locations() -> None:
    assert location_of({"github": "ada"}) == "https://github.com/ada.atom"
    assert location_of({"url": "https://a.example/f"}) == "https://a.example/f"


def test_a_feed_url_is_read_and_described(server: FeedServer) -> None:
    probe = probe_source(server.url("/feeds/rss"), FAST)
    assert probe.ok and probe.error is None
    [found] = probe.candidates
    assert found.entry == {"url": server.url("/feeds/rss")}
    assert found.title and found.entries > 0


def test_a_web_page_leads_to_its_feed_kept_as_a_blog_source(server: FeedServer) -> None:
    probe = probe_source(server.url("/html"), FAST)
    assert probe.ok, probe.error
    [found] = probe.candidates
    assert found.url == server.url("/feeds/rss")
    assert found.entry == {"blog": server.url("/html")}
    assert probe.page == server.url("/html")


def test_a_page_with_several_feeds_offers_each(server: FeedServer) -> None:
    atom = server.url("/feeds/atom")
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feeds/rss">'
        f'<link rel="alternate" type="application/atom+xml" href="{atom}">'
        '<link rel="alternate" type="application/rss+xml" href="/feeds/missing"></head></html>'
    )
    url = server.add_feed("home", page, content_type="text/html")
    probe = probe_source(url, FAST)
    # RSS before Atom (discovery's order); the unreadable one is left out.
    assert [c.url for c in probe.candidates] == [server.url("/feeds/rss"), atom]
    assert probe.candidates[0].entry == {"blog": url}
    assert probe.candidates[1].entry == {"url": atom}


def test_a_page_without_feeds_says_so(server: FeedServer) -> None:
    url = server.add_feed("plain", "<html><body>hi</body></html>", content_type="text/html")
    probe = probe_source(url, FAST)
    assert not probe.ok
    assert probe.error is not None and "names no feed" in probe.error


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/404", "HTTP 404"),
        ("/binary", ""),
        ("/empty", "empty"),
        ("/redirect-loop", "redirect"),
        ("/truncated-gzip", ""),
    ],
)
def test_faults_are_reported_not_raised(server: FeedServer, path: str, reason: str) -> None:
    probe = probe_source(server.url(path), FAST)
    assert not probe.ok
    assert probe.error and reason in probe.error


def test_connection_refused_is_reported() -> None:
    from .feedserver import free_port_url

    probe = probe_source(free_port_url(), FAST)
    assert not probe.ok and probe.error


def test_a_local_feed_file(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "ada.rss", "ada", ["One", "Two"])
    probe = probe_source(str(feed), FAST)
    assert probe.ok
    assert probe.candidates[0].entries == 2


def test_contact_mapping_leaves_out_empty_fields() -> None:
    assert contact_mapping(" Ada ", [], why=" ", help="", tier=None) == {"name": "Ada"}
    assert contact_mapping("Ada", [{"github": "ada"}], why="kind", tier="A") == {
        "name": "Ada",
        "tier": "A",
        "why": "kind",
        "feeds": [{"github": "ada"}],
    }
