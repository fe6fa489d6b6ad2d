"""Fetching feeds against a real local HTTP server: the happy path, conditional
GETs, every kind of hostile or broken answer, parsing of bad bodies, and whole
refreshes into a database.

Every fault must end in a FetchResult with a readable error (never an
exception, never a hang). The tests assert what happened, never how long it
took: a timeout is made to fire by a server that never answers (or never
finishes), and the server's watched routes say how each answer ended. How long
the limits take to act is measured by benchmarks/limits.py.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from trailtui.contacts import load_contacts, parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult, Validators
from trailtui.feeds.parse import ParseError, parse_feed
from trailtui.feeds.refresh import FeedOutcome, RefreshReport, Result, refresh
from trailtui.store import Store, open_store, queries
from trailtui.store.models import EntryRow

from .feedserver import (
    ATOM_TITLES,
    HOSTILE_RSS,
    RSS_SAMPLE,
    RSS_TITLES,
    Ending,
    FeedServer,
    free_port_url,
    gzip_bomb,
)

MB = 1024 * 1024
# Only a server that never answers, or never finishes, reaches these limits: the
# deadline keeps such tests short, and an answer that is on its way is never
# cut by it, however busy the machine (a loopback answer takes milliseconds).
# The read timeout is longer than the deadline, so only the deadline fires here;
# READ_LIMITS is for the read timeout.
LIMITS = FetchLimits(
    connect_timeout=10.0,
    read_timeout=10.0,
    deadline=2.0,
    max_bytes=MB,
    concurrency=32,
    per_host=32,
)
# A read timeout that fires, and a deadline far behind it.
READ_LIMITS = FetchLimits(read_timeout=0.5, deadline=60.0, max_bytes=MB)
# Nothing here fires on a server that answers at all.
PATIENT = FetchLimits(connect_timeout=30.0, read_timeout=30.0, deadline=60.0, max_bytes=MB)


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(LIMITS) as client:
        yield client


async def ending_of(server: FeedServer, path: str, count: int = 1) -> list[Ending]:
    """How the server's last `count` answers on a watched route ended (waits for them)."""
    endings = await asyncio.to_thread(server.watch.wait_for_endings, path, count)
    assert len(endings) >= count, f"the server still sends {path}: {endings}"
    return endings[-count:]


def assert_failed(result: FetchResult, *needles: str) -> None:
    """A failure with a readable, one-line reason containing every needle."""
    assert not result.ok, result
    assert result.body is None
    reason = result.error or ""
    assert reason.strip() and "\n" not in reason and "Traceback" not in reason
    for needle in needles:
        assert needle.lower() in reason.lower(), reason


# --- Fetcher: the happy path ---------------------------------------------------


async def test_200_returns_the_body_and_headers(server: FeedServer, fetcher: Fetcher) -> None:
    url = server.url("/feeds/rss")
    result = await fetcher.fetch(url)
    assert result.ok and result.error is None
    assert result.status == 200 and not result.not_modified
    assert result.body == RSS_SAMPLE.encode()
    assert result.final_url == url and result.moved_to is None
    assert result.headers["etag"] == server.feeds["rss"].etag
    assert result.headers["last-modified"] == server.feeds["rss"].last_modified
    assert result.headers["content-type"].startswith("application/rss+xml")


async def test_request_identifies_trailtui_and_asks_for_feeds(
    server: FeedServer, fetcher: Fetcher
) -> None:
    await fetcher.fetch(server.url("/feeds/atom"))
    (request,) = server.requests_to("/feeds/atom")
    assert request.method == "GET"
    assert "trailtui" in (request.header("User-Agent") or "")
    assert "application/atom+xml" in (request.header("Accept") or "")
    assert request.header("Cookie") is None
    assert request.header("If-None-Match") is None  # nothing known yet


async def test_gzip_is_requested_and_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/feeds/rss"))
    (request,) = server.requests_to("/feeds/rss")
    assert "gzip" in (request.header("Accept-Encoding") or "")
    assert result.headers.get("content-encoding") == "gzip"  # it did travel compressed
    assert result.body == RSS_SAMPLE.encode()
    assert [e.title for e in parse_feed(result.body, result.headers).entries] == list(RSS_TITLES)


async def test_conditional_get_sends_validators_verbatim_and_304_is_not_modified(
    server: FeedServer, fetcher: Fetcher
) -> None:
    feed = server.feeds["rss"]
    assert feed.etag is not None and feed.last_modified is not None
    assert feed.etag.startswith('W/"') and "," in feed.etag  # an awkward one on purpose
    result = await fetcher.fetch(
        server.url("/feeds/rss"), Validators(etag=feed.etag, last_modified=feed.last_modified)
    )
    (request,) = server.requests_to("/feeds/rss")
    assert request.header("If-None-Match") == feed.etag  # byte for byte, quotes and all
    assert request.header("If-Modified-Since") == feed.last_modified
    assert result.status == 304
    assert result.not_modified and result.ok
    assert result.body is None


async def test_last_modified_alone_gets_a_304(server: FeedServer, fetcher: Fetcher) -> None:
    feed = server.feeds["atom"]
    result = await fetcher.fetch(
        server.url("/feeds/atom"), Validators(last_modified=feed.last_modified)
    )
    (request,) = server.requests_to("/feeds/atom")
    assert request.header("If-None-Match") is None
    assert request.header("If-Modified-Since") == feed.last_modified
    assert result.not_modified


async def test_stale_etag_gets_the_full_body(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/feeds/rss"), Validators(etag='"old"'))
    assert result.status == 200 and result.body == RSS_SAMPLE.encode()
    assert server.requests_to("/feeds/rss")[0].header("If-None-Match") == '"old"'


async def test_permanent_redirect_is_followed_and_reported(
    server: FeedServer, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(server.url("/redirect-301"))
    assert result.ok and result.body == RSS_SAMPLE.encode()
    assert result.final_url == server.url("/feeds/rss")
    assert result.moved_to == server.url("/feeds/rss")


# --- Fetcher: faults ---------------------------------------------------------


async def test_refused_connection(fetcher: Fetcher) -> None:
    url = free_port_url()
    result = await fetcher.fetch(url)
    assert_failed(result, "cannot connect", url.split(":")[-1].split("/")[0])
    assert result.status is None
    assert "timed out" not in (result.error or "")  # refused at once, not waited out


async def test_refused_connection_says_refused(fetcher: Fetcher) -> None:
    result = await fetcher.fetch(free_port_url())
    assert "refused" in (result.error or "").lower(), result.error


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/404", 404, "HTTP 404 Not Found"),
        ("/410", 410, "HTTP 410 Gone"),
        ("/500", 500, "HTTP 500 Internal Server Error"),
        ("/503", 503, "HTTP 503 Service Unavailable"),
    ],
)
async def test_http_error_status(
    server: FeedServer, fetcher: Fetcher, path: str, status: int, words: str
) -> None:
    result = await fetcher.fetch(server.url(path))
    assert_failed(result, words)
    assert result.status == status
    if status == 503:
        assert result.headers.get("retry-after") == "120"


async def test_server_that_never_answers_times_out(server: FeedServer) -> None:
    async with Fetcher(READ_LIMITS) as fetcher:
        result = await fetcher.fetch(server.url("/hang"))
    assert_failed(result, "timed out")
    assert result.status is None
    assert server.requests_to("/hang")  # the request did arrive
    # The client gave up and closed the connection; the server never answered.
    (ending,) = await ending_of(server, "/hang")
    assert ending.hung_up and ending.sent == 0


async def test_read_timeout_reason_names_the_time_waited(server: FeedServer) -> None:
    async with Fetcher(READ_LIMITS) as fetcher:
        result = await fetcher.fetch(server.url("/hang"))
    # The read timeout ended it, not the deadline far behind it.
    assert result.error == "timed out (the server sent nothing for 0.5 s)"
    assert f"{READ_LIMITS.deadline:g} s" not in result.error


async def test_slow_drip_hits_the_overall_deadline(server: FeedServer, fetcher: Fetcher) -> None:
    # One byte per 0.1 s never trips the 10 s read timeout; the body would take
    # minutes, so the deadline stops it.
    result = await fetcher.fetch(server.url("/drip"))
    assert_failed(result, "timed out", f"no complete answer within {LIMITS.deadline:g} s")
    assert result.status is None
    (ending,) = await ending_of(server, "/drip")
    assert ending.hung_up  # the client closed the connection mid-body
    assert 0 < ending.sent < len(RSS_SAMPLE.encode())


async def test_huge_body_stops_at_the_size_cap(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/endless"))
    assert_failed(result, "the feed is larger than 1 MB")
    assert result.status == 200
    # The client read past the cap, then hung up: the server had sent the cap
    # plus what the sockets buffer, far from the 256 MB it would go on to.
    (ending,) = await ending_of(server, "/endless")
    assert ending.hung_up
    assert LIMITS.max_bytes < ending.sent < 32 * MB


async def test_gzip_bomb_is_capped_on_inflated_bytes(server: FeedServer, fetcher: Fetcher) -> None:
    compressed = len(gzip_bomb())
    assert compressed < LIMITS.max_bytes  # the cap must count inflated bytes to catch it
    tracemalloc.start()
    try:
        result = await fetcher.fetch(server.url("/gzipbomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_failed(result, "larger than 1 MB")
    # Inflates to 64 MB; the client may hold the cap plus some buffers (~2.5 MB seen).
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


async def test_redirect_loop(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/redirect-loop"))
    assert_failed(result, "too many redirects", "5")
    # It gave up after a handful of hops (aiohttp counts the first request too).
    assert LIMITS.max_redirects <= len(server.requests_to("/redirect-loop")) <= 6


async def test_a_few_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/redirect-chain/4"))
    assert result.ok and result.body == RSS_SAMPLE.encode()
    assert result.final_url == server.url("/feeds/rss")
    assert result.moved_to is None  # 302s are temporary


async def test_exactly_max_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url(f"/redirect-chain/{LIMITS.max_redirects}"))
    assert result.ok, result.error


async def test_redirect_to_ftp_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/redirect-ftp"))
    assert_failed(result, "ftp://127.0.0.1/pub/feed.xml")
    assert result.body is None


async def test_redirect_to_ftp_reason_is_plain_words(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/redirect-ftp"))
    assert (result.error or "").startswith("redirected to an unusable URL"), result.error


async def test_connection_reset_mid_body(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/reset"))
    assert_failed(result, "cut short")


async def test_unsupported_scheme(fetcher: Fetcher) -> None:
    result = await fetcher.fetch("gopher://127.0.0.1/feed")
    assert_failed(result, "unsupported URL scheme", "gopher")


async def test_truncated_gzip_is_an_error(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/truncated-gzip"))
    assert_failed(result, "cut short")


async def test_truncated_gzip_never_raises(server: FeedServer, fetcher: Fetcher) -> None:
    # What happens today (see the xfail above): no exception, and no more than
    # the bytes that really arrived.
    result = await fetcher.fetch(server.url("/truncated-gzip"))
    if result.ok:  # only what really arrived: a strict prefix of the document
        whole = RSS_SAMPLE.encode() * 4
        assert result.body and len(result.body) < len(whole)
        assert whole.startswith(result.body)


async def test_deadline_does_not_count_time_queued_for_a_connection(server: FeedServer) -> None:
    # One connection at a time: the feed waits behind two servers that never
    # answer, each stopped by its own deadline, so it waits twice its deadline
    # before it may even connect, and must still be fetched.
    limits = FetchLimits(read_timeout=30.0, deadline=2.0, concurrency=1, per_host=1)
    async with Fetcher(limits) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url("/hang")) for _ in range(2)),
            fetcher.fetch(server.url("/feeds/rss")),
        )
    for blocked in results[:2]:
        assert blocked.error == "timed out (no complete answer within 2 s)"
    assert results[-1].ok, results[-1].error
    assert results[-1].body == RSS_SAMPLE.encode()
    # The feed was asked for only after both blockers had been given up.
    assert [r.path for r in server.log] == ["/hang", "/hang", "/feeds/rss"]
    assert all(e.hung_up for e in await ending_of(server, "/hang", 2))


async def test_feeds_are_fetched_at_the_same_time(server: FeedServer) -> None:
    # /gather answers only once k requests wait there together: one fetch
    # after another would never get an answer.
    k = PATIENT.per_host
    async with Fetcher(PATIENT) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url(f"/gather?k={k}&feed={i}")) for i in range(k))
        )
    assert [r.error for r in results] == [None] * k
    assert all(r.body == RSS_SAMPLE.encode() for r in results)
    assert server.watch.most_gathered == k


# --- parse_feed on bad bodies -----------------------------------------------


async def body_of(fetcher: Fetcher, server: FeedServer, path: str) -> FetchResult:
    result = await fetcher.fetch(server.url(path))
    assert result.ok and result.body is not None, result.error
    return result


async def test_parse_good_rss_and_atom(server: FeedServer, fetcher: Fetcher) -> None:
    rss = await body_of(fetcher, server, "/feeds/rss")
    parsed = parse_feed(rss.body or b"", rss.headers, rss.final_url or "")
    assert parsed.title == "Ada's workshop" and parsed.warning is None
    assert [e.title for e in parsed.entries] == list(RSS_TITLES)
    first = parsed.entries[0]
    assert first.guid == "ada-2026-10-03-looms"
    assert first.link == "https://ada.example.org/2026/10/looms"
    assert first.published_at == 1791018900  # Sat, 03 Oct 2026 09:15:00 +0000
    assert first.summary.startswith("Punched cards are programs.")
    hello = parsed.entries[2]
    assert "<script" not in (hello.content or "") and "alert" not in hello.summary
    atom = await body_of(fetcher, server, "/feeds/atom")
    parsed = parse_feed(atom.body or b"", atom.headers, atom.final_url or "")
    assert [e.title for e in parsed.entries] == list(ATOM_TITLES)
    assert parsed.entries[0].content and "a plan" in parsed.entries[0].content
    assert parsed.entries[1].updated_at is not None


async def test_parse_malformed_xml(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/malformed")
    try:
        parsed = parse_feed(result.body or b"", result.headers)
    except ParseError as exc:
        assert str(exc)
    else:
        assert parsed.warning and "not well-formed" in parsed.warning
        assert parsed.entries  # what could be read was read
        assert parsed.entries[0].title == RSS_TITLES[0]


async def test_parse_html_page(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/html")
    with pytest.raises(ParseError, match="HTML"):
        parse_feed(result.body or b"", result.headers)


async def test_parse_empty_body(server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(server.url("/empty"))
    assert result.ok and result.body == b""
    with pytest.raises(ParseError, match="empty"):
        parse_feed(result.body, result.headers)
    with pytest.raises(ParseError, match="empty"):
        parse_feed(b"  \n\t ", {})


async def test_parse_binary_body(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/binary")
    with pytest.raises(ParseError):
        parse_feed(result.body or b"", result.headers)


async def test_parse_wrong_encoding(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/wrong-encoding")
    parsed = parse_feed(result.body or b"", result.headers)  # no crash
    assert len(parsed.entries) == 1
    title = parsed.entries[0].title
    assert "Gr" in title and "K" in title
    assert "\x00" not in title


async def test_parse_xxe_reads_no_local_file(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/xxe")
    try:
        parsed = parse_feed(result.body or b"", result.headers)
    except ParseError:
        return
    texts = [parsed.title or ""]
    for entry in parsed.entries:
        texts += [entry.title, entry.summary, entry.content or "", entry.author or ""]
    assert not any("root:" in text for text in texts), texts


async def test_parse_billion_laughs_is_bounded(server: FeedServer, fetcher: Fetcher) -> None:
    result = await body_of(fetcher, server, "/billion-laughs")
    try:
        parsed = parse_feed(result.body or b"", result.headers)
    except ParseError:
        parsed = None
    # Nothing expanded: every text stays about as small as the 1.5 KB body.
    if parsed is not None:
        assert len(parsed.title or "") < 10_000
        for entry in parsed.entries:
            for text in (entry.title, entry.summary, entry.content or ""):
                assert len(text) < 10_000
                assert "lol" * 100 not in text


def test_parse_hostile_titles_are_clean_and_brackets_literal() -> None:
    parsed = parse_feed(HOSTILE_RSS.encode())
    by_guid = {e.guid: e for e in parsed.entries}
    evil = by_guid["evil-1"]
    # The sequences go, the words stay (feedparser may map a lone 8-bit CSI to
    # a harmless printable character; that is fine).
    assert evil.title.startswith("Hi there red") and evil.title.endswith("done")
    assert "52;" not in evil.title and "31m" not in evil.title
    assert evil.summary == "bodyclick here"
    assert "[bold]x[/bold]" in by_guid["evil-2"].title
    assert "[link=https://x.example]y[/link]" in by_guid["evil-2"].title
    assert "[red]literal[/red]" in by_guid["evil-2"].summary
    texts = [parsed.title or ""]
    for entry in parsed.entries:
        texts += [entry.title, entry.summary, entry.content or "", entry.author or ""]
    for text in texts:
        assert not any(c in text for c in "\x1b\x07\x9b\x9d"), repr(text)


# --- End to end: refresh() into a database ------------------------------------


def contacts_yaml(feeds: dict[str, str]) -> str:
    lines = ["version: 1", "contacts:"]
    for name, url in feeds.items():
        lines.append(f'  - {{name: "{name}", id: {name}, feeds: ["{url}"]}}')
    return "\n".join(lines) + "\n"


def open_synced(tmp_path: Path, feeds: dict[str, str]) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    book = parse_contacts(contacts_yaml(feeds), name="contacts.yaml", base_dir=tmp_path)
    sync_contacts(store, book)
    return store


def by_contact(store: Store, report: RefreshReport) -> dict[str, FeedOutcome]:
    ids = {h.id: h.contact_name for h in queries.feed_health(store)}
    return {ids[o.feed_id]: o for o in report.outcomes}


GOOD = {"good-rss": "/feeds/rss", "good-atom": "/feeds/atom", "moved": "/redirect-301"}
BAD = {
    "gone": ("/404", "HTTP 404"),
    "gone-for-good": ("/410", "HTTP 410"),
    "broken": ("/500", "HTTP 500"),
    "busy": ("/503", "HTTP 503"),
    "silent": ("/timeout", "timed out"),
    "dripping": ("/slow", "timed out"),
    "enormous": ("/huge", "larger than 1 MB"),
    "bomb": ("/gzipbomb", "larger than 1 MB"),
    "loop": ("/redirect-loop", "too many redirects"),
    "ftp": ("/redirect-ftp", "ftp://"),
    "reset": ("/reset", "cut short"),
    "webpage": ("/html", "HTML"),
    "blank": ("/empty", "empty"),
    "noise": ("/binary", "not a readable feed"),
}
PARTIAL = {"truncated": "/malformed", "hostile": "/feeds/hostile"}


def test_refresh_end_to_end(tmp_path: Path, server: FeedServer) -> None:
    server.add_feed("hostile", HOSTILE_RSS)
    paths = {**GOOD, **{name: path for name, (path, _) in BAD.items()}, **PARTIAL}
    store = open_synced(tmp_path, {name: server.url(path) for name, path in paths.items()})
    started: list[int] = []
    progress: list[tuple[int, int]] = []
    gzip_bomb()  # built now, not while the client waits for the server's first bytes

    report = refresh(
        store,
        force=True,
        limits=LIMITS,
        on_start=started.append,
        on_progress=lambda _o, done, total: progress.append((done, total)),
    )

    n = len(paths)
    assert started == [n]
    assert progress == [(i, n) for i in range(1, n + 1)]
    outcomes = by_contact(store, report)
    assert set(outcomes) == set(paths)

    # The good feeds landed.
    for name in GOOD:
        assert outcomes[name].result is Result.UPDATED, outcomes[name]
        assert outcomes[name].error is None
    assert outcomes["good-rss"].new == 3 and outcomes["good-atom"].new == 2
    assert outcomes["moved"].new == 3
    assert outcomes["moved"].moved_to == server.url("/feeds/rss")
    # Partly readable feeds: stored, with a warning.
    assert outcomes["truncated"].result is Result.UPDATED
    assert outcomes["truncated"].new == 2
    assert "not well-formed" in (outcomes["truncated"].warning or "")
    assert outcomes["hostile"].new == 2

    # Each bad feed failed, with a recognisable reason.
    for name, (_, words) in BAD.items():
        outcome = outcomes[name]
        assert outcome.result is Result.FAILED, outcome
        assert words.lower() in (outcome.error or "").lower(), (name, outcome.error)
        assert outcome.new == 0
    assert report.failures and len(report.failures) == len(BAD)

    counts = queries.counts(store)
    assert counts.feeds == n
    assert counts.entries == 3 + 2 + 3 + 2 + 2
    assert counts.failing_feeds == len(BAD)
    merged = queries.merged_feed(store)
    assert {e.title for e in merged if e.contact_id == "good-rss"} == set(RSS_TITLES)
    assert {e.title for e in merged if e.contact_id == "good-atom"} == set(ATOM_TITLES)
    assert [e.sort_ts for e in merged] == sorted((e.sort_ts for e in merged), reverse=True)

    health = {h.contact_name: h for h in queries.feed_health(store)}
    for name, (_, words) in BAD.items():
        assert health[name].failures == 1
        assert words.lower() in (health[name].last_error or "").lower()
        assert health[name].last_success_at is None
        assert health[name].entry_count == 0
    for name in GOOD:
        assert health[name].failures == 0 and health[name].last_error is None
        assert health[name].last_status == 200

    # Stored clean: no escape sequences, markup brackets kept literally.
    with store.read() as session:
        rows = session.execute(select(EntryRow.title, EntryRow.summary, EntryRow.content)).all()
    hostile = sorted((e.title for e in merged if e.contact_id == "hostile"), key=len)
    assert hostile[0].startswith("Hi there red") and "52;" not in hostile[0]
    assert hostile[1] == "[bold]x[/bold] and [link=https://x.example]y[/link]"
    for row in rows:
        for text in row:
            assert not any(c in (text or "") for c in "\x1b\x07\x9b"), repr(text)

    # Second refresh: conditional GETs, 304s, nothing new.
    before = len(server.log)
    again = refresh(store, force=True, limits=LIMITS)
    outcomes = by_contact(store, again)
    for name in GOOD:
        assert outcomes[name].result is Result.NOT_MODIFIED, outcomes[name]
    assert outcomes["truncated"].result is Result.UNCHANGED  # same bytes, no validators
    assert again.new_entries == 0 and again.updated_entries == 0
    assert queries.counts(store).entries == counts.entries
    second_round = server.log[before:]
    sent = [r for r in second_round if r.path == "/feeds/rss"]
    assert len(sent) == 2  # good-rss and (after the redirect) moved
    assert all(r.header("If-None-Match") == server.feeds["rss"].etag for r in sent)
    (atom,) = [r for r in second_round if r.path == "/feeds/atom"]
    assert atom.header("If-None-Match") == server.feeds["atom"].etag
    assert atom.header("If-Modified-Since") == server.feeds["atom"].last_modified
    health = {h.contact_name: h for h in queries.feed_health(store)}
    assert all(health[name].failures == 2 for name in BAD)
    store.close()


def test_refresh_fetches_its_feeds_at_the_same_time(tmp_path: Path, server: FeedServer) -> None:
    # Each feed answers only once all of them are waiting at the server together.
    k = PATIENT.per_host
    feeds = {f"p{i}": server.url(f"/gather?k={k}&feed={i}") for i in range(k)}
    store = open_synced(tmp_path, feeds)
    report = refresh(store, force=True, limits=PATIENT)
    outcomes = by_contact(store, report)
    assert {name: o.result for name, o in outcomes.items()} == dict.fromkeys(feeds, Result.UPDATED)
    assert all(o.new == len(RSS_TITLES) for o in outcomes.values())
    assert server.watch.most_gathered == k
    store.close()


def test_refresh_when_every_feed_fails_raises_nothing(tmp_path: Path, server: FeedServer) -> None:
    store = open_synced(
        tmp_path,
        {"refused": free_port_url(), "gone": server.url("/404"), "blank": server.url("/empty")},
    )
    report = refresh(store, force=True, limits=LIMITS)
    assert report.total == 3 and len(report.failures) == 3
    assert queries.counts(store).entries == 0
    assert queries.counts(store).failing_feeds == 3
    store.close()


def test_feed_failing_after_success_keeps_its_entries(tmp_path: Path, server: FeedServer) -> None:
    server.add_feed("flaky", RSS_SAMPLE)
    store = open_synced(tmp_path, {"flaky": server.url("/feeds/flaky")})
    first = refresh(store, force=True, limits=LIMITS)
    assert first.outcomes[0].result is Result.UPDATED and first.new_entries == 3

    server.fail_feed("flaky", 500)
    second = refresh(store, force=True, limits=LIMITS)
    (outcome,) = second.outcomes
    assert outcome.result is Result.FAILED and "HTTP 500" in (outcome.error or "")
    assert queries.counts(store).entries == 3
    assert {e.title for e in queries.merged_feed(store)} == set(RSS_TITLES)
    (health,) = queries.feed_health(store)
    assert health.failures == 1 and "HTTP 500" in (health.last_error or "")
    assert health.last_success_at is not None and health.entry_count == 3
    store.close()


def test_local_file_feeds(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "local.rss").write_text(RSS_SAMPLE, encoding="utf-8")
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "version: 1\ncontacts:\n"
        "  - {name: Local, id: local, feeds: [feeds/local.rss]}\n"
        "  - {name: Missing, id: missing, feeds: [feeds/missing.rss]}\n",
        encoding="utf-8",
    )
    book = load_contacts(contacts)
    locations = [c.feeds[0].location for c in book.contacts]
    assert locations[0] == (tmp_path / "feeds" / "local.rss").resolve().as_uri()
    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    sync_contacts(store, book)

    report = refresh(store, force=True, limits=LIMITS)
    outcomes = by_contact(store, report)
    assert outcomes["Local"].result is Result.UPDATED and outcomes["Local"].new == 3
    missing = outcomes["Missing"]
    assert missing.result is Result.FAILED
    assert "no such file" in (missing.error or "") and "missing.rss" in (missing.error or "")
    assert {e.title for e in queries.merged_feed(store)} == set(RSS_TITLES)

    # Unchanged bytes on the next refresh: nothing parsed, nothing added.
    again = by_contact(store, refresh(store, force=True, limits=LIMITS))
    assert again["Local"].result is Result.UNCHANGED and again["Local"].new == 0
    store.close()


async def test_local_file_fetch_errors(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * (MB + 1))
    async with Fetcher(LIMITS) as fetcher:
        missing = await fetcher.fetch((tmp_path / "nope.xml").as_uri())
        folder = await fetcher.fetch(tmp_path.as_uri())
        too_big = await fetcher.fetch(big.as_uri())
    assert_failed(missing, "no such file", "nope.xml")
    assert_failed(folder, "directory")
    assert_failed(too_big, "larger than 1 MB")
