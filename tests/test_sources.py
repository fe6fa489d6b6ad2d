"""What a typed or written feed source means: a web address, a file beside the
contacts file, or an error that says which schemes are allowed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trailtui.contacts import ContactsError, parse_contacts, parse_contacts_for
from trailtui.contacts.schema import resolve_feed_location, web_address
from trailtui.feeds.http import FetchLimits
from trailtui.feeds.probe import SourceError, feed_entry, location_of, probe_source

from .conftest import write_feed
from .feedserver import FeedServer

FAST = FetchLimits(deadline=3.0, connect_timeout=1.0, read_timeout=2.0)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


# --------------------------------------------------------------------------- host-like


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("127.0.0.1:39733/feed", "http://127.0.0.1:39733/feed"),
        ("127.0.0.1", "http://127.0.0.1"),
        ("localhost:8080/feed.xml", "http://localhost:8080/feed.xml"),
        ("localhost/feed", "http://localhost/feed"),
        ("::1", "http://[::1]"),
        ("[::1]:8080/rss", "http://[::1]:8080/rss"),
        ("192.168.1.20:8080/rss", "http://192.168.1.20:8080/rss"),
        ("nas.local/feed", "http://nas.local/feed"),
        ("homeserver:8080/feed", "http://homeserver:8080/feed"),
        ("ada.example.org", "https://ada.example.org"),
        ("ada.example.org/feed.xml", "https://ada.example.org/feed.xml"),
        ("ada.example.org:8443/notes?page=1", "https://ada.example.org:8443/notes?page=1"),
        ("93.184.216.34/feed", "https://93.184.216.34/feed"),
        ("blog.zoë.example/feed", "https://blog.zoë.example/feed"),
    ],
)
def test_a_host_like_source_is_a_web_address(typed: str, url: str) -> None:
    assert web_address(typed) == url
    assert feed_entry(typed) == {"url": url}
    assert resolve_feed_location(typed, None) == url


@pytest.mark.parametrize(
    "typed",
    [
        "feed.xml",  # a feed file's suffix is not a top-level domain
        "ada.rss",
        "notes.atom",
        "feeds/ada.rss",
        "./ada.example.org/feed.xml",
        "../feeds/ada.example.org",
        "/srv/feeds/ada.example.org",
        "~/feeds/ada.xml",
        "10.0.0.300/feed",  # not an address
        "a.b",  # a one-letter "domain"
        "ada",
    ],
)
def test_a_path_stays_a_path(typed: str) -> None:
    assert web_address(typed) is None


def test_a_file_beside_the_contacts_file_wins_over_a_host_like_name(tmp_path: Path) -> None:
    site = tmp_path / "ada.example.org"
    site.mkdir()
    write_feed(site / "feed.xml", "ada", ["One"])
    assert web_address("ada.example.org/feed.xml", tmp_path) is None
    assert feed_entry("ada.example.org/feed.xml", base_dir=tmp_path) == {
        "url": "ada.example.org/feed.xml"
    }
    assert location_of({"url": "ada.example.org/feed.xml"}, base_dir=tmp_path) == (
        (site / "feed.xml").as_uri()
    )
    # The current directory does not count: only the contacts file's.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert feed_entry("ada.example.org/feed.xml", base_dir=elsewhere) == {
        "url": "https://ada.example.org/feed.xml"
    }


def test_relative_paths_are_relative_to_the_contacts_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "config"
    (home / "feeds").mkdir(parents=True)
    feed = write_feed(home / "feeds" / "ada.rss", "ada", ["One", "Two"])
    monkeypatch.chdir(tmp_path)  # somewhere else
    assert location_of(feed_entry("feeds/ada.rss", base_dir=home), base_dir=home) == feed.as_uri()
    probe = probe_source("feeds/ada.rss", FAST, base_dir=home)
    assert probe.ok, probe.error
    assert probe.candidates[0].entry == {"url": "feeds/ada.rss"}
    assert probe.candidates[0].entries == 2
    # ... as the file itself reads them.
    book = parse_contacts_for(
        home / "contacts.yaml", "contacts:\n  - name: Ada\n    feeds: [feeds/ada.rss]\n"
    )
    assert book.contacts[0].feeds[0].location == feed.as_uri()


def test_a_typed_loopback_address_is_fetched_over_http(server: FeedServer) -> None:
    typed = server.url("/feeds/rss").removeprefix("http://")
    assert typed.startswith("127.0.0.1:")
    probe = probe_source(typed, FAST)
    assert probe.ok, probe.error
    assert probe.candidates[0].entry == {"url": server.url("/feeds/rss")}


def test_a_host_like_feed_in_the_file_is_a_web_address(tmp_path: Path) -> None:
    book = parse_contacts_for(
        tmp_path / "contacts.yaml",
        "contacts:\n  - name: Ada\n    feeds:\n"
        "      - ada.example.org/feed.xml\n"
        "      - blog: ada.example.org\n"
        "      - localhost:8080/feed\n",
    )
    feeds = book.contacts[0].feeds
    assert [f.location for f in feeds] == [
        "https://ada.example.org/feed.xml",
        "https://ada.example.org",
        "http://localhost:8080/feed",
    ]
    assert feeds[0].source == "ada.example.org/feed.xml"  # as written


# --------------------------------------------------------------------------- schemes


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("ht!tp:// not a url", "is not a URL ('ht!tp' is not a scheme); a feed's address starts"),
        ("://ada.example.org/feed", "is not a URL"),
        ("ftp://ada.example.org/feed", "unsupported URL scheme 'ftp'"),
        ("gopher://ada.example.org/", "expected an http(s) URL, a file:// URL"),
        ("https://ada.example.org:99999/feed", "has a bad port"),
        ("http:// not a url", "contains spaces"),
        ("file://server/share/feed.xml", "a file:// URL needs an absolute path"),
    ],
)
def test_a_url_with_a_bad_scheme_is_a_located_error(written: str, fragment: str) -> None:
    source = f'contacts:\n  - name: Ann\n    feeds:\n      - "{written}"\n'
    with pytest.raises(ContactsError) as info:
        parse_contacts(source, name="contacts.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.path) == (4, 9, "contacts[0].feeds[0]")
    assert fragment in problem.message, problem
    with pytest.raises(SourceError, match=r"scheme|port|spaces|file://"):
        feed_entry(written)


def test_a_file_url_is_a_local_file(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "ada.rss", "ada", ["One"])
    assert feed_entry(feed.as_uri()) == {"url": feed.as_uri()}
    assert resolve_feed_location(f"file://localhost{feed}", None) == feed.as_uri()


LABEL = r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?"
HOSTS = st.from_regex(rf"{LABEL}(\.{LABEL}){{0,2}}\.[a-z]{{2,6}}", fullmatch=True)
FILE_SUFFIXES = ("xml", "rss", "atom", "rdf", "json", "opml", "yaml", "yml", "txt", "htm", "html")
PATHS = st.from_regex(r"(/[A-Za-z0-9._~-]{0,8}){0,3}", fullmatch=True)


@given(HOSTS, st.one_of(st.none(), st.integers(1, 65535)), PATHS)
def test_host_port_path_is_always_a_web_address(host: str, port: int | None, path: str) -> None:
    typed = host + (f":{port}" if port else "") + path
    url = web_address(typed)
    if host.rsplit(".", 1)[1] in (
        "xml",
        "rss",
        "atom",
        "rdf",
        "json",
        "opml",
        "yaml",
        "yml",
        "txt",
        "htm",
        "html",
    ):
        assert url is None
        return
    assert url is not None and url.endswith("://" + typed)
    assert resolve_feed_location(typed, None) == url
