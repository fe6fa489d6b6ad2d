"""When to fetch next (`schedule`), what a fetch means (`decide`), and the HTTP
semantics of whole refreshes against a real SQLite file and loopback servers.

- schedule: Retry-After, freshness and back-off, with a fixed `now`;
- decide: concrete cases plus Hypothesis properties over every combination of
  fetch result, parse result and stored state;
- refresh: conditional GETs, 304s that write nothing, byte-identical 200s that
  parse nothing, validators sent back verbatim, Retry-After honoured and
  remembered across a restart, entries updated in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import trailtui.feeds.finish as finish_module  # where the refresh and its workers parse
from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds.decide import (
    Decision,
    FeedOutcome,
    ParseFailure,
    Result,
    body_digest,
    decide,
    needs_parse,
)
from trailtui.feeds.entries import ParsedEntry
from trailtui.feeds.http import FetchLimits, FetchResult
from trailtui.feeds.parse import ParsedFeed
from trailtui.feeds.refresh import RefreshReport, refresh
from trailtui.feeds.schedule import (
    DAY,
    GONE_RETRY,
    HOUR,
    MAX_BACKOFF,
    MAX_FRESHNESS,
    MAX_RETRY_AFTER,
    MIN_INTERVAL,
    freshness,
    http_date,
    next_fetch_at,
    retry_after,
)
from trailtui.store import Store, open_store
from trailtui.store.models import EntryRow, FeedRow
from trailtui.store.records import FeedState

from .feedserver import ATOM_SAMPLE, RSS_SAMPLE, RSS_TITLES, FeedServer

NOW = 1_790_000_000  # a fixed "now" (2026-09-21), for the pure functions
WEEK = 7 * DAY


def imf(ts: int) -> str:
    """An HTTP date (IMF-fixdate), e.g. 'Mon, 21 Sep 2026 12:53:20 GMT'."""
    return formatdate(ts, usegmt=True)


# --- schedule: http_date --------------------------------------------------------


def test_http_date_reads_all_three_http_formats() -> None:
    # RFC 9110 5.6.7: IMF-fixdate, obsolete RFC 850 and asctime are all HTTP dates.
    expected = 784111777
    assert http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected
    assert http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert http_date("Sun Nov  6 08:49:37 1994") == expected
    assert http_date(imf(NOW)) == NOW
    assert http_date(f"  {imf(NOW)}  ") == NOW


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "0", "tomorrow at noon"])
def test_http_date_is_none_for_non_dates(value: str | None) -> None:
    assert http_date(value) is None


# --- schedule: retry_after --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"), [("120", 120), (" 120 ", 120), ("0", 0), ("1", 1), ("3600", 3600)]
)
def test_retry_after_in_seconds(value: str, seconds: int) -> None:
    assert retry_after(value, NOW) == seconds


def test_retry_after_as_an_http_date_is_relative_to_now() -> None:
    assert retry_after(imf(NOW + 300), NOW) == 300
    assert retry_after(imf(NOW + 300), NOW + 100) == 200  # the same date, later
    assert retry_after("Sunday, 06-Nov-94 08:49:37 GMT", 784111777 - 90) == 90


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "  ", "120s", "1e3", "0x10"])
def test_retry_after_garbage_is_none(value: str | None) -> None:
    assert retry_after(value, NOW) is None


def test_retry_after_date_in_the_past_is_zero() -> None:
    assert retry_after(imf(NOW - 1), NOW) == 0
    assert retry_after("Sun, 06 Nov 1994 08:49:37 GMT", NOW) == 0
    assert retry_after(imf(NOW), NOW) == 0


def test_retry_after_is_capped_at_seven_days() -> None:
    assert MAX_RETRY_AFTER == WEEK
    assert retry_after(str(WEEK), NOW) == WEEK
    assert retry_after(str(WEEK + 1), NOW) == WEEK
    assert retry_after("99999999999", NOW) == WEEK
    assert retry_after(imf(NOW + 30 * DAY), NOW) == WEEK
    assert retry_after("Fri, 31 Dec 9999 23:59:59 GMT", NOW) == WEEK


@pytest.mark.parametrize("value", ["\u00b2", "1\u00b2", "\u2460"])  # '²', '1²', '①'
def test_retry_after_non_decimal_digits_are_garbage(value: str) -> None:
    assert retry_after(value, NOW) is None


def test_retry_after_absurdly_long_number_is_capped() -> None:
    assert retry_after("9" * 5000, NOW) in (None, MAX_RETRY_AFTER)


# --- schedule: freshness ----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "max-age=300"}, 300),
        ({"cache-control": "public, max-age=600"}, 600),
        ({"cache-control": "s-maxage=900"}, 900),
        ({"cache-control": "private, s-maxage=120, must-revalidate"}, 120),
        ({"cache-control": 'max-age="240"'}, 240),
        ({"cache-control": "MAX-AGE=60"}, 60),
        ({"cache-control": "max-age=0"}, 0),
        # Cache-Control wins over Expires.
        ({"cache-control": "max-age=300", "expires": imf(NOW + 9999)}, 300),
        # Expires minus the server's Date (not our clock).
        ({"expires": imf(NOW + 3600), "date": imf(NOW - 600)}, 4200),
        ({"expires": imf(NOW + 3600), "date": imf(NOW)}, 3600),
        # Expires without Date: relative to now.
        ({"expires": imf(NOW + 1800)}, 1800),
        # Expired already.
        ({"expires": imf(NOW - 50), "date": imf(NOW)}, 0),
        # A Cache-Control without max-age falls through to Expires.
        ({"cache-control": "public", "expires": imf(NOW + 60)}, 60),
    ],
)
def test_freshness(headers: dict[str, str], expected: int) -> None:
    assert freshness(headers, NOW) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"cache-control": "no-cache"},
        {"cache-control": "no-store"},
        {"cache-control": "max-age=300, no-cache"},
        {"cache-control": "No-Store, max-age=300"},
        {"cache-control": "no-cache", "expires": imf(NOW + 3600)},
        {"cache-control": "x-max-age=600"},  # not max-age
        {"cache-control": "max-age=soon"},
        {"expires": "garbage"},
        {"expires": "0"},
        {"expires": "-1"},
        {"expires": "", "date": imf(NOW)},
        {"cache-control": "public"},
    ],
)
def test_freshness_says_nothing_usable(headers: dict[str, str]) -> None:
    assert freshness(headers, NOW) is None


def test_freshness_is_capped() -> None:
    assert MAX_FRESHNESS == WEEK
    assert freshness({"cache-control": "max-age=99999999"}, NOW) == WEEK
    assert freshness({"cache-control": "s-maxage=" + "9" * 40}, NOW) == WEEK
    assert freshness({"expires": imf(NOW + 30 * DAY), "date": imf(NOW)}, NOW) == WEEK
    assert freshness({"expires": "Fri, 31 Dec 9999 23:59:59 GMT"}, NOW) == WEEK


def test_freshness_absurdly_long_max_age_is_capped() -> None:
    assert freshness({"cache-control": "max-age=" + "9" * 5000}, NOW) == MAX_FRESHNESS


# --- schedule: next_fetch_at --------------------------------------------------------


def test_success_waits_the_refresh_interval() -> None:
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=1800) == NOW + 1800


def test_success_waits_longer_when_the_server_says_fresh_for_longer() -> None:
    headers = {"cache-control": "max-age=7200"}
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=1800, headers=headers) == (
        NOW + 7200
    )
    expires = {"expires": imf(NOW + 5 * HOUR), "date": imf(NOW)}
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=1800, headers=expires) == (
        NOW + 5 * HOUR
    )


def test_success_never_sooner_than_the_interval() -> None:
    for headers in ({"cache-control": "max-age=60"}, {"cache-control": "max-age=0"}):
        assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=1800, headers=headers) == (
            NOW + 1800
        )


def test_success_freshness_is_capped_but_a_long_interval_is_kept() -> None:
    huge = {"cache-control": "max-age=99999999"}
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=1800, headers=huge) == NOW + WEEK
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=10 * DAY, headers=huge) == (
        NOW + 10 * DAY
    )


def test_success_ignores_failures_status_retry_after_and_jitter() -> None:
    got = next_fetch_at(
        NOW,
        ok=True,
        failures=7,
        refresh_every=900,
        status=503,
        headers={"retry-after": "5000"},
        jitter=0.9,
    )
    assert got == NOW + 900


@pytest.mark.parametrize(("failures", "factor"), [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16)])
def test_failures_back_off_exponentially(failures: int, factor: int) -> None:
    got = next_fetch_at(NOW, ok=False, failures=failures, refresh_every=600, status=500)
    assert got == NOW + 600 * factor


@pytest.mark.parametrize("failures", [9, 20, 21, 1000, 10**6])
def test_backoff_is_capped_at_a_day(failures: int) -> None:
    assert MAX_BACKOFF == DAY
    got = next_fetch_at(NOW, ok=False, failures=failures, refresh_every=600)
    assert got == NOW + DAY
    jittered = next_fetch_at(NOW, ok=False, failures=failures, refresh_every=600, jitter=0.999)
    assert NOW + DAY < jittered <= NOW + DAY * 5 // 4


def test_a_long_interval_still_retries_within_a_day_and_a_quarter() -> None:
    got = next_fetch_at(NOW, ok=False, failures=1, refresh_every=10 * DAY, jitter=0.5)
    assert NOW + DAY <= got <= NOW + DAY * 5 // 4


@pytest.mark.parametrize("jitter", [0.0, 0.1, 0.25, 0.5, 0.75, 0.999999])
def test_jitter_adds_at_most_a_quarter_and_never_shortens(jitter: float) -> None:
    base = next_fetch_at(NOW, ok=False, failures=3, refresh_every=600)  # 2400 s
    got = next_fetch_at(NOW, ok=False, failures=3, refresh_every=600, jitter=jitter)
    assert base == NOW + 2400
    assert base <= got <= NOW + 2400 * 5 // 4
    assert got == NOW + int(2400 * (1 + 0.25 * jitter))


def test_out_of_range_jitter_is_clamped() -> None:
    base = next_fetch_at(NOW, ok=False, failures=1, refresh_every=600)
    assert next_fetch_at(NOW, ok=False, failures=1, refresh_every=600, jitter=-3.0) == base
    assert next_fetch_at(NOW, ok=False, failures=1, refresh_every=600, jitter=7.0) == (NOW + 750)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured(status: int) -> None:
    got = next_fetch_at(
        NOW,
        ok=False,
        failures=6,  # the back-off alone would be 600 * 32 s
        refresh_every=600,
        status=status,
        headers={"retry-after": "120"},
        jitter=0.9,
    )
    assert got == NOW + 120


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_http_date_is_honoured(status: int) -> None:
    headers = {"retry-after": imf(NOW + 3 * HOUR)}
    got = next_fetch_at(
        NOW, ok=False, failures=1, refresh_every=600, status=status, headers=headers
    )
    assert got == NOW + 3 * HOUR


@pytest.mark.parametrize("value", ["0", imf(NOW - 3600), imf(NOW)])
def test_retry_after_now_or_past_still_waits_the_minimum(value: str) -> None:
    got = next_fetch_at(
        NOW, ok=False, failures=1, refresh_every=600, status=429, headers={"retry-after": value}
    )
    assert got == NOW + MIN_INTERVAL


def test_retry_after_is_capped_in_the_schedule() -> None:
    headers = {"retry-after": str(365 * DAY)}
    got = next_fetch_at(NOW, ok=False, failures=1, refresh_every=600, status=503, headers=headers)
    assert got == NOW + WEEK


@pytest.mark.parametrize("value", ["soon", "", "-5", "1.5"])
def test_unreadable_retry_after_falls_back_to_backoff(value: str) -> None:
    got = next_fetch_at(
        NOW, ok=False, failures=2, refresh_every=600, status=429, headers={"retry-after": value}
    )
    assert got == NOW + 1200


@pytest.mark.parametrize("status", [None, 404, 500, 502])
def test_retry_after_only_counts_for_429_and_503(status: int | None) -> None:
    got = next_fetch_at(
        NOW, ok=False, failures=1, refresh_every=600, status=status, headers={"retry-after": "5"}
    )
    assert got == NOW + 600


@pytest.mark.parametrize("failures", [0, 1, 5, 1000])
def test_gone_waits_thirty_days(failures: int) -> None:
    assert GONE_RETRY == 30 * DAY
    got = next_fetch_at(
        NOW,
        ok=False,
        failures=failures,
        refresh_every=600,
        status=410,
        headers={"retry-after": "5"},
        jitter=0.99,
    )
    assert got == NOW + 30 * DAY


@pytest.mark.parametrize("refresh_every", [-100, 0, 1, 30, 59])
def test_min_interval_floor(refresh_every: int) -> None:
    assert MIN_INTERVAL == 60
    assert next_fetch_at(NOW, ok=True, failures=0, refresh_every=refresh_every) == NOW + 60
    assert next_fetch_at(NOW, ok=False, failures=1, refresh_every=refresh_every) == NOW + 60
    assert next_fetch_at(NOW, ok=False, failures=2, refresh_every=refresh_every) == NOW + 120


# --- schedule: properties -------------------------------------------------------------

HEADER_VALUES: dict[str, list[str]] = {
    "cache-control": [
        "max-age=300",
        "public, max-age=86400",
        "s-maxage=600",
        "max-age=99999999",
        'max-age="120"',
        "max-age=0",
        "no-cache",
        "no-store, max-age=60",
        "private",
        "max-age=soon",
    ],
    "expires": [
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Mon, 01 Jan 2046 00:00:00 GMT",
        "0",
        "-1",
        "garbage",
    ],
    "date": [
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Mon, 01 Jan 2046 00:00:00 GMT",
        "nonsense",
    ],
    "retry-after": [
        "0",
        "1",
        "120",
        "86400",
        "99999999",
        " 30 ",
        "soon",
        "",
        "-5",
        "1.5",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Mon, 01 Jan 2046 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ],
    "etag": ['"abc"', 'W/"x, y"', "\"v1, 'q'\""],
    "last-modified": ["Wed, 21 Oct 2015 07:28:00 GMT", "not a date"],
    "content-type": ["application/rss+xml", "text/html"],
}

headers_strategy = st.fixed_dictionaries(
    {}, optional={name: st.sampled_from(values) for name, values in HEADER_VALUES.items()}
)
statuses = st.sampled_from([None, 200, 301, 304, 400, 403, 404, 410, 429, 500, 502, 503])
jitters = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(
    now=st.integers(0, 2**40),
    ok=st.booleans(),
    failures=st.integers(0, 1000),
    refresh_every=st.integers(1, 10**7),
    status=statuses,
    headers=headers_strategy,
    jitter=jitters,
)
def test_next_fetch_is_always_in_the_bounded_future(
    now: int,
    ok: bool,
    failures: int,
    refresh_every: int,
    status: int | None,
    headers: dict[str, str],
    jitter: float,
) -> None:
    got = next_fetch_at(
        now,
        ok=ok,
        failures=failures,
        refresh_every=refresh_every,
        status=status,
        headers=headers,
        jitter=jitter,
    )
    assert isinstance(got, int)
    assert got > now
    assert got >= now + MIN_INTERVAL
    assert got <= now + max(refresh_every, MAX_RETRY_AFTER, GONE_RETRY)
    if ok:
        # A success never comes back sooner than the interval, nor later than
        # the interval or a week of server-declared freshness.
        assert now + max(refresh_every, MIN_INTERVAL) <= got
        assert got <= now + max(refresh_every, MIN_INTERVAL, MAX_FRESHNESS)
    elif status != 410:
        assert got <= now + max(MAX_BACKOFF * 5 // 4, MAX_RETRY_AFTER)


@PROPS
@given(
    now=st.integers(0, 2**40),
    failures=st.integers(0, 1000),
    refresh_every=st.integers(1, 10**7),
    status=st.sampled_from([None, 404, 500, 502]),
    jitter=jitters,
)
def test_backoff_grows_with_failures_and_jitter_never_shortens(
    now: int, failures: int, refresh_every: int, status: int | None, jitter: float
) -> None:
    def at(f: int, j: float) -> int:
        return next_fetch_at(
            now, ok=False, failures=f, refresh_every=refresh_every, status=status, jitter=j
        )

    plain = at(failures, 0.0)
    expected = min(max(refresh_every, MIN_INTERVAL) * 2 ** max(0, failures - 1), MAX_BACKOFF)
    assert plain == now + expected
    assert at(failures + 1, 0.0) >= plain
    jittered = at(failures, jitter)
    assert plain <= jittered <= now + expected * 5 // 4


# --- decide: concrete cases ---------------------------------------------------------------

FEED_URL = "https://ada.example.org/feed.xml"


def feed_state(**changes: object) -> FeedState:
    values: dict[str, object] = {
        "id": 7,
        "url": FEED_URL,
        "contact_id": "ada",
        "etag": None,
        "last_modified": None,
        "content_hash": None,
        "next_fetch_at": None,
        "failures": 0,
    }
    values.update(changes)
    return FeedState(**values)  # type: ignore[arg-type]


def entry(guid: str, title: str = "A post") -> ParsedEntry:
    return ParsedEntry(
        guid=guid,
        title=title,
        link=f"https://ada.example.org/{guid}",
        author=None,
        published_at=NOW - 100,
        updated_at=None,
        summary="s",
        content="<p>s</p>",
        content_hash=hashlib.sha256(f"{guid}{title}".encode()).hexdigest(),
    )


BODY = RSS_SAMPLE.encode()
PARSED = ParsedFeed("Ada's workshop", [entry("a"), entry("b")], warning="w", parser="fast")


def test_decide_new_body_is_updated_and_keeps_validators_verbatim() -> None:
    headers = {"etag": 'W/"v1, x"', "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT"}
    fetched = FetchResult(FEED_URL, 200, BODY, headers, FEED_URL)
    feed = feed_state(failures=3, etag='"old"', content_hash="0" * 64)
    assert needs_parse(feed, fetched)
    got = decide(feed, fetched, PARSED, now=NOW, refresh_every=1800, jitter=0.9)
    assert got.outcome.result is Result.UPDATED
    assert got.outcome.feed_id == 7 and got.outcome.url == FEED_URL
    assert got.outcome.warning == "w" and got.outcome.parser == "fast"
    assert got.outcome.error is None
    assert got.entries == PARSED.entries
    update = got.update
    assert update.succeeded
    assert update.error == "w"  # a success keeps the parse warning for the health screen
    assert update.etag == 'W/"v1, x"'
    assert update.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert update.content_hash == hashlib.sha256(BODY).hexdigest()
    assert update.title == "Ada's workshop"
    assert update.fetched_at == NOW and update.status == 200
    assert update.next_fetch_at == NOW + 1800  # success: no jitter, no back-off


def test_decide_identical_bytes_are_unchanged_and_not_parsed() -> None:
    fetched = FetchResult(FEED_URL, 200, BODY, {"etag": '"e"'}, FEED_URL)
    feed = feed_state(content_hash=body_digest(BODY), failures=2)
    assert not needs_parse(feed, fetched)
    got = decide(feed, fetched, None, now=NOW, refresh_every=1800)
    assert got.outcome.result is Result.UNCHANGED
    assert got.entries == []
    assert got.update.succeeded and got.update.error is None
    assert got.update.content_hash is None and got.update.title is None  # nothing to change
    assert got.update.etag == '"e"'
    assert got.update.next_fetch_at == NOW + 1800


def test_decide_304_is_not_modified_without_entries() -> None:
    headers = {"etag": '"e"', "cache-control": "max-age=7200"}
    fetched = FetchResult(FEED_URL, 304, None, headers, FEED_URL)
    feed = feed_state(etag='"e"', content_hash="f" * 64)
    assert not needs_parse(feed, fetched)
    got = decide(feed, fetched, None, now=NOW, refresh_every=1800)
    assert got.outcome.result is Result.NOT_MODIFIED
    assert got.entries == []
    assert got.update.succeeded and got.update.status == 304
    assert got.update.content_hash is None  # the stored hash stays
    assert got.update.etag == '"e"' and got.update.last_modified is None
    assert got.update.next_fetch_at == NOW + 7200  # 304 freshness counts too


def test_decide_fetch_error_is_a_failure_counted_as_one_more() -> None:
    fetched = FetchResult(
        FEED_URL, 500, None, {"etag": '"e"'}, FEED_URL, error="HTTP 500 Internal Server Error"
    )
    feed = feed_state(failures=2)  # this is the third failure in a row: 4x the interval
    assert not needs_parse(feed, fetched)
    got = decide(feed, fetched, None, now=NOW, refresh_every=600, jitter=0.0)
    assert got.outcome.result is Result.FAILED
    assert got.outcome.error == "HTTP 500 Internal Server Error"
    assert got.entries == []
    assert not got.update.succeeded
    assert got.update.error == "HTTP 500 Internal Server Error"
    assert got.update.etag is None and got.update.content_hash is None
    assert got.update.next_fetch_at == NOW + 600 * 4
    jittered = decide(feed, fetched, None, now=NOW, refresh_every=600, jitter=0.5)
    assert jittered.update.next_fetch_at == NOW + 600 * 4 * 5 // 4 - 300  # 2400 * 1.125


def test_decide_parse_failure_is_a_failure() -> None:
    fetched = FetchResult(FEED_URL, 200, b"<html>", {"etag": '"e"'}, FEED_URL)
    got = decide(
        feed_state(failures=0),
        fetched,
        ParseFailure("this is a web page (HTML), not a feed"),
        now=NOW,
        refresh_every=600,
    )
    assert got.outcome.result is Result.FAILED
    assert got.update.error == got.outcome.error == "this is a web page (HTML), not a feed"
    assert not got.update.succeeded and got.entries == []
    assert got.update.etag is None  # validators of a broken answer are not kept
    assert got.update.next_fetch_at == NOW + 600


def test_decide_429_honours_retry_after() -> None:
    fetched = FetchResult(
        FEED_URL, 429, None, {"retry-after": "120"}, FEED_URL, error="HTTP 429 Too Many Requests"
    )
    got = decide(feed_state(failures=9), fetched, None, now=NOW, refresh_every=600, jitter=0.7)
    assert got.outcome.result is Result.FAILED
    assert got.update.next_fetch_at == NOW + 120


def test_decide_410_waits_a_month() -> None:
    fetched = FetchResult(FEED_URL, 410, None, {}, FEED_URL, error="HTTP 410 Gone")
    got = decide(feed_state(), fetched, None, now=NOW, refresh_every=600)
    assert got.update.next_fetch_at == NOW + 30 * DAY


def test_decide_reports_a_permanent_move_either_way() -> None:
    moved = "https://new.example.org/feed.xml"
    ok = FetchResult(FEED_URL, 200, BODY, {}, moved, moved_to=moved)
    failed = FetchResult(FEED_URL, 404, None, {}, moved, error="HTTP 404", moved_to=moved)
    for fetched, parsed in ((ok, PARSED), (failed, None)):
        got = decide(feed_state(), fetched, parsed, now=NOW, refresh_every=600)
        assert got.update.moved_to == moved and got.outcome.moved_to == moved


def test_decide_stores_nothing_for_a_feed_that_leads_to_another_listed_one() -> None:
    listed = "https://new.example.org/feed.xml"
    fetched = FetchResult(FEED_URL, 200, BODY, {}, listed, moved_to=listed)
    alone = decide(feed_state(), fetched, PARSED, now=NOW, refresh_every=600)
    same = decide(feed_state(), fetched, PARSED, now=NOW, refresh_every=600, same_as=listed)
    assert [e.guid for e in alone.entries] == ["a", "b"]
    assert same.entries == []
    assert same.outcome.result is Result.UPDATED and same.update.succeeded
    assert same.outcome.warning is not None and listed in same.outcome.warning
    assert same.update.error == same.outcome.warning  # the feed health screen says why
    assert same.update.content_hash == alone.update.content_hash  # not parsed again for nothing


# --- decide: properties ------------------------------------------------------------------

entries_strategy = st.lists(
    st.builds(entry, st.text(min_size=1, max_size=8), st.text(max_size=20)), max_size=4
)
parsed_feeds = st.builds(
    ParsedFeed,
    title=st.one_of(st.none(), st.text(max_size=20)),
    entries=entries_strategy,
    warning=st.one_of(st.none(), st.just("not well-formed")),
    parser=st.sampled_from(["fast", "feedparser"]),
)
parse_failures = st.builds(ParseFailure, st.text(min_size=1, max_size=40))
bodies = st.one_of(st.none(), st.binary(max_size=64), st.just(BODY))
errors = st.one_of(
    st.none(), st.sampled_from(["HTTP 500 Internal Server Error", "timed out", "cannot connect"])
)
fetch_results = st.builds(
    FetchResult,
    url=st.just(FEED_URL),
    status=statuses,
    body=bodies,
    headers=headers_strategy,
    final_url=st.one_of(st.none(), st.just(FEED_URL)),
    error=errors,
    moved_to=st.one_of(st.none(), st.just("https://moved.example.org/feed")),
)


@st.composite
def feed_states(draw: st.DrawFn, fetched: FetchResult | None = None) -> FeedState:
    hashes = [st.none(), st.text("0123456789abcdef", min_size=64, max_size=64)]
    if fetched is not None and fetched.body is not None:
        hashes.append(st.just(body_digest(fetched.body)))
    return FeedState(
        id=draw(st.integers(1, 10**6)),
        url=FEED_URL,
        contact_id="ada",
        etag=draw(st.one_of(st.none(), st.sampled_from(HEADER_VALUES["etag"]))),
        last_modified=draw(st.one_of(st.none(), st.just("Wed, 21 Oct 2015 07:28:00 GMT"))),
        content_hash=draw(st.one_of(*hashes)),
        next_fetch_at=draw(st.one_of(st.none(), st.integers(0, 2**40))),
        failures=draw(st.integers(0, 10)),
    )


def check_decision(
    got: Decision,
    feed: FeedState,
    fetched: FetchResult,
    parsed: ParsedFeed | ParseFailure | None,
    now: int,
    refresh_every: int,
    jitter: float,
) -> None:
    """What holds for every decision, whatever went in."""
    update, outcome = got.update, got.outcome
    assert outcome.feed_id == feed.id and outcome.url == feed.url
    assert update.fetched_at == now and update.status == fetched.status
    assert update.moved_to == fetched.moved_to == outcome.moved_to
    assert now < update.next_fetch_at <= now + max(refresh_every, MAX_RETRY_AFTER, GONE_RETRY)
    error = fetched.error
    if error is None and fetched.status is not None and fetched.status >= 400:
        error = f"HTTP {fetched.status}"  # an HTTP error status fails even without a reason
    if error is None and isinstance(parsed, ParseFailure):
        error = parsed.reason
    if error is not None:
        assert outcome.result is Result.FAILED
        assert not update.succeeded
        assert update.error == outcome.error == error and update.error
        assert got.entries == []
        assert update.etag is None and update.last_modified is None
        assert update.content_hash is None
        # The schedule sees this failure as one more than the stored count.
        assert update.next_fetch_at == next_fetch_at(
            now,
            ok=False,
            failures=feed.failures + 1,
            refresh_every=refresh_every,
            status=fetched.status,
            headers=fetched.headers,
            jitter=jitter,
        )
        return
    assert outcome.result is not Result.FAILED
    assert update.succeeded and outcome.error is None
    # On a success the only "error" kept is the parser's warning.
    assert update.error == (parsed.warning if isinstance(parsed, ParsedFeed) else None)
    assert update.etag == fetched.headers.get("etag")  # verbatim, or None
    assert update.last_modified == fetched.headers.get("last-modified")
    assert update.next_fetch_at == next_fetch_at(
        now, ok=True, failures=0, refresh_every=refresh_every, headers=fetched.headers
    )
    if parsed is None:
        expected = Result.NOT_MODIFIED if fetched.status == 304 else Result.UNCHANGED
        assert outcome.result is expected
        assert got.entries == []
        assert update.content_hash is None
    else:
        assert isinstance(parsed, ParsedFeed)
        assert outcome.result is Result.UPDATED
        assert got.entries == parsed.entries
        assert update.content_hash == body_digest(fetched.body or b"")
        assert update.title == parsed.title


@PROPS
@given(
    data=st.data(),
    fetched=fetch_results,
    parsed=st.one_of(st.none(), parsed_feeds, parse_failures),
    now=st.integers(0, 2**40),
    refresh_every=st.integers(1, 10**7),
    jitter=jitters,
)
def test_decide_never_raises_for_any_combination(
    data: st.DataObject,
    fetched: FetchResult,
    parsed: ParsedFeed | ParseFailure | None,
    now: int,
    refresh_every: int,
    jitter: float,
) -> None:
    feed = data.draw(feed_states(fetched))
    got = decide(feed, fetched, parsed, now=now, refresh_every=refresh_every, jitter=jitter)
    check_decision(got, feed, fetched, parsed, now, refresh_every, jitter)


@PROPS
@given(
    data=st.data(),
    fetched=fetch_results,
    now=st.integers(0, 2**40),
    refresh_every=st.integers(1, 10**7),
    jitter=jitters,
)
def test_decide_as_refresh_calls_it(
    data: st.DataObject, fetched: FetchResult, now: int, refresh_every: int, jitter: float
) -> None:
    """parsed only when needs_parse said yes, as in refresh()."""
    feed = data.draw(feed_states(fetched))
    wanted = needs_parse(feed, fetched)
    parsed = data.draw(st.one_of(parsed_feeds, parse_failures)) if wanted else None
    got = decide(feed, fetched, parsed, now=now, refresh_every=refresh_every, jitter=jitter)
    check_decision(got, feed, fetched, parsed, now, refresh_every, jitter)
    if fetched.error is None and fetched.status == 304:
        assert got.outcome.result is Result.NOT_MODIFIED and got.entries == []
    if fetched.error is not None or (fetched.status or 0) >= 400:
        assert got.outcome.result is Result.FAILED
    if fetched.error is None and isinstance(parsed, ParseFailure):
        assert got.outcome.result is Result.FAILED


@PROPS
@given(data=st.data(), fetched=fetch_results)
def test_needs_parse_only_for_new_bytes_of_a_good_answer(
    data: st.DataObject, fetched: FetchResult
) -> None:
    feed = data.draw(feed_states(fetched))
    expected = (
        fetched.error is None
        and fetched.status != 304
        and (fetched.status or 0) < 400
        and fetched.body is not None
        and hashlib.sha256(fetched.body).hexdigest() != feed.content_hash
    )
    assert needs_parse(feed, fetched) is expected


@pytest.mark.parametrize(
    "fetched",
    [
        FetchResult(FEED_URL, 304, None, {"etag": '"e"'}),
        FetchResult(FEED_URL, 304, BODY),  # even with a body, a 304 is not parsed
        FetchResult(FEED_URL, 500, None, error="HTTP 500"),
        FetchResult(FEED_URL, 200, BODY, error="the answer was cut short"),
        FetchResult(FEED_URL, None, None, error="cannot connect"),
        FetchResult(FEED_URL, 200, BODY),  # the same bytes as stored
        FetchResult(FEED_URL, 200, None),
    ],
)
def test_needs_parse_is_false(fetched: FetchResult) -> None:
    assert not needs_parse(feed_state(content_hash=hashlib.sha256(BODY).hexdigest()), fetched)


def test_needs_parse_is_true_for_new_bytes() -> None:
    fetched = FetchResult(FEED_URL, 200, BODY)
    assert needs_parse(feed_state(content_hash=None), fetched)
    assert needs_parse(feed_state(content_hash=hashlib.sha256(b"old").hexdigest()), fetched)
    assert needs_parse(feed_state(), FetchResult(FEED_URL, 200, b""))  # empty: parse says why


# --- Integration: a scripted loopback server ---------------------------------------------


@dataclass
class Route:
    """What the scripted server answers on one path (mutable between requests)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/rss+xml; charset=utf-8"
    honour_validators: bool = False  # answer 304 to a matching If-None-Match


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]  # names lower-cased

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class ScriptedServer:
    """A tiny HTTP/1.0 server: each path answers what its Route says."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with owner._lock:
                    owner.log.append(Seen(self.path, headers))
                    route = owner.routes.get(self.path)
                if route is None:
                    self._answer(404, b"no such route\n", "text/plain", {})
                    return
                etag = route.headers.get("ETag")
                if route.honour_validators and etag and headers.get("if-none-match") == etag:
                    self._answer(304, b"", None, {"ETag": etag})
                    return
                self._answer(route.status, route.body, route.content_type, route.headers)

            def _answer(
                self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]
            ) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)  # latin-1 on the wire
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="scripted-server",
            daemon=True,
        )

    def route(self, path: str, **kwargs: object) -> str:
        self.routes[path] = Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.log if seen.path == path]

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(3)


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running
    assert running.live_threads() == []


# Every server here answers at once; the default timeouts never cut an answer short.
LIMITS = FetchLimits(max_bytes=1024 * 1024)


def rss(items: dict[str, str], title: str = "Scripted") -> bytes:
    body = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{text}</title>"
        f"<link>https://s.example.org/{guid}</link>"
        f"<pubDate>Sat, 03 Oct 2026 09:15:00 +0000</pubDate>"
        f"<description>about {text}</description></item>"
        for guid, text in items.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://s.example.org/</link>"
        f"<description>d</description>{body}</channel></rss>"
    ).encode()


def open_synced(db: Path, feeds: dict[str, str]) -> Store:
    store = open_store(f"sqlite:///{db}")
    lines = ["version: 1", "contacts:"]
    lines += [
        f'  - {{name: "{name}", id: {name}, feeds: ["{url}"]}}' for name, url in feeds.items()
    ]
    sync_contacts(store, parse_contacts("\n".join(lines) + "\n", base_dir=db.parent))
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite3"


# id, feed_id, guid, content_hash, title, summary, first_seen_at, sort_ts
EntrySnapshot = tuple[int, int, str, str, str, str | None, int, int]


def entry_snapshot(store: Store) -> list[EntrySnapshot]:
    with store.read() as session:
        rows = session.execute(
            select(
                EntryRow.id,
                EntryRow.feed_id,
                EntryRow.guid,
                EntryRow.content_hash,
                EntryRow.title,
                EntryRow.summary,
                EntryRow.first_seen_at,
                EntryRow.sort_ts,
            ).order_by(EntryRow.id)
        ).all()
    return [(*row,) for row in rows]


def feed_rows(store: Store) -> dict[str, FeedRow]:
    with store.read() as session:
        return {row.contact_id: row for row in session.scalars(select(FeedRow))}


@contextlib.contextmanager
def entry_writes(db: Path) -> Iterator[dict[str, int]]:
    """Count every INSERT/UPDATE/DELETE on the entry table (SQLite triggers),
    whichever connection makes it. The dict is filled in on exit."""
    counts: dict[str, int] = {}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS entry_audit (op TEXT NOT NULL);
            DELETE FROM entry_audit;
            CREATE TRIGGER IF NOT EXISTS audit_ins AFTER INSERT ON entry
              BEGIN INSERT INTO entry_audit VALUES ('insert'); END;
            CREATE TRIGGER IF NOT EXISTS audit_upd AFTER UPDATE ON entry
              BEGIN INSERT INTO entry_audit VALUES ('update'); END;
            CREATE TRIGGER IF NOT EXISTS audit_del AFTER DELETE ON entry
              BEGIN INSERT INTO entry_audit VALUES ('delete'); END;
            """
        )
    yield counts
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for op in ("insert", "update", "delete"):
            (n,) = conn.execute("SELECT count(*) FROM entry_audit WHERE op = ?", (op,)).fetchone()
            counts[op] = n


def only(report: RefreshReport) -> FeedOutcome:
    (outcome,) = report.outcomes
    return outcome


# (a) -----------------------------------------------------------------------------------


def test_second_refresh_is_a_304_and_writes_no_entry_rows(server: FeedServer, db: Path) -> None:
    store = open_synced(db, {"ada": server.url("/feeds/rss")})
    first = only(refresh(store, limits=LIMITS))
    assert first.result is Result.UPDATED and first.new == 3
    before = entry_snapshot(store)
    assert sorted(row[4] for row in before) == sorted(RSS_TITLES)

    with entry_writes(db) as writes:
        second = only(refresh(store, force=True, limits=LIMITS))
    assert second.result is Result.NOT_MODIFIED
    assert second.new == 0 and second.updated == 0
    assert writes == {"insert": 0, "update": 0, "delete": 0}
    assert entry_snapshot(store) == before

    requests = server.requests_to("/feeds/rss")
    assert len(requests) == 2
    assert requests[0].header("If-None-Match") is None
    assert requests[1].header("If-None-Match") == server.feeds["rss"].etag
    assert requests[1].header("If-Modified-Since") == server.feeds["rss"].last_modified
    row = feed_rows(store)["ada"]
    assert row.last_status == 304 and row.failures == 0 and row.last_error is None
    assert row.etag == server.feeds["rss"].etag  # kept across the 304
    store.close()


# (b) -----------------------------------------------------------------------------------


@pytest.mark.parametrize("etag", [None, '"always-200"'], ids=["no-validators", "ignored-etag"])
def test_identical_200_parses_nothing_and_writes_no_entry_rows(
    scripted: ScriptedServer, db: Path, etag: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"ETag": etag} if etag else {}
    url = scripted.route("/same", body=rss({"g1": "One", "g2": "Two"}), headers=headers)
    store = open_synced(db, {"bo": url})
    first = only(refresh(store, limits=LIMITS))
    assert first.result is Result.UPDATED and first.new == 2
    before = entry_snapshot(store)
    hash_before = feed_rows(store)["bo"].content_hash
    assert hash_before == hashlib.sha256(scripted.routes["/same"].body).hexdigest()

    parses: list[str] = []
    real_parse_job = finish_module.parse_job

    def counting_parse_job(
        body: bytes, headers: dict[str, str], url: str
    ) -> ParsedFeed | ParseFailure:
        parses.append(url)
        return real_parse_job(body, headers, url)

    monkeypatch.setattr(finish_module, "parse_job", counting_parse_job)
    with entry_writes(db) as writes:
        second = only(refresh(store, force=True, limits=LIMITS))
    assert second.result is Result.UNCHANGED
    assert second.new == 0 and second.updated == 0 and second.error is None
    assert parses == []
    assert writes == {"insert": 0, "update": 0, "delete": 0}
    assert entry_snapshot(store) == before
    assert feed_rows(store)["bo"].content_hash == hash_before
    requests = scripted.requests_to("/same")
    assert len(requests) == 2
    assert requests[1].header("If-None-Match") == etag  # sent if known, ignored by the server

    # Control: new bytes do go through the (counted) parser.
    scripted.routes["/same"].body = rss({"g1": "One", "g2": "Two", "g3": "Three"})
    third = only(refresh(store, force=True, limits=LIMITS))
    assert third.result is Result.UPDATED and (third.new, third.updated) == (1, 0)
    assert parses == [url]
    store.close()


# (c) -----------------------------------------------------------------------------------

AWKWARD_ETAG = 'W/"v2, \'quoted\' \\"strong\\", a,b,c"'


def test_awkward_etag_is_sent_back_byte_for_byte(server: FeedServer, db: Path) -> None:
    url = server.add_feed(
        "awkward", ATOM_SAMPLE, etag=AWKWARD_ETAG, last_modified="Sat, 03 Oct 2026 09:15:00 GMT"
    )
    assert server.feeds["awkward"].etag == AWKWARD_ETAG
    store = open_synced(db, {"bo": url})
    assert only(refresh(store, limits=LIMITS)).result is Result.UPDATED
    assert feed_rows(store)["bo"].etag == AWKWARD_ETAG  # stored verbatim
    second = only(refresh(store, force=True, limits=LIMITS))
    assert second.result is Result.NOT_MODIFIED  # the server compares byte for byte
    sent = server.requests_to("/feeds/awkward")[1]
    assert sent.header("If-None-Match") == AWKWARD_ETAG
    assert sent.header("If-Modified-Since") == "Sat, 03 Oct 2026 09:15:00 GMT"
    store.close()


# (d) -----------------------------------------------------------------------------------


def test_only_the_first_request_per_feed_is_unconditional(server: FeedServer, db: Path) -> None:
    store = open_synced(db, {"ada": server.url("/feeds/rss"), "bo": server.url("/feeds/atom")})
    results = [refresh(store, force=i > 0, limits=LIMITS) for i in range(3)]
    assert [o.result for o in results[0].outcomes] == [Result.UPDATED] * 2
    for report in results[1:]:
        assert [o.result for o in report.outcomes] == [Result.NOT_MODIFIED] * 2
    for name in ("rss", "atom"):
        requests = server.requests_to(f"/feeds/{name}")
        assert len(requests) == 3
        assert requests[0].header("If-None-Match") is None
        assert requests[0].header("If-Modified-Since") is None
        for later in requests[1:]:
            assert later.header("If-None-Match") == server.feeds[name].etag
            assert later.header("If-Modified-Since") == server.feeds[name].last_modified
    store.close()


# (e), (f) ----------------------------------------------------------------------------------


def test_429_retry_after_seconds_is_stored_and_respected(
    scripted: ScriptedServer, db: Path
) -> None:
    url = scripted.route("/busy", status=429, body=b"slow down\n", headers={"Retry-After": "120"})
    store = open_synced(db, {"cy": url})
    t0 = int(time.time())
    outcome = only(refresh(store, limits=LIMITS))
    t1 = int(time.time())
    assert outcome.result is Result.FAILED and "429" in (outcome.error or "")
    row = feed_rows(store)["cy"]
    assert row.next_fetch_at is not None
    assert t0 + 120 <= row.next_fetch_at <= t1 + 120
    assert row.failures == 1 and row.last_status == 429

    again = refresh(store, limits=LIMITS)  # not forced: not due for two minutes
    assert again.total == 0
    assert len(scripted.requests_to("/busy")) == 1
    store.close()


def test_503_retry_after_http_date_is_stored(scripted: ScriptedServer, db: Path) -> None:
    target = int(time.time()) + 600
    url = scripted.route(
        "/maintenance", status=503, body=b"back soon\n", headers={"Retry-After": imf(target)}
    )
    store = open_synced(db, {"cy": url})
    outcome = only(refresh(store, limits=LIMITS))  # default interval: 30 minutes
    assert outcome.result is Result.FAILED and "503" in (outcome.error or "")
    row = feed_rows(store)["cy"]
    assert row.next_fetch_at == target  # the server's date, not our back-off
    assert refresh(store, limits=LIMITS).total == 0
    assert len(scripted.requests_to("/maintenance")) == 1
    store.close()


def test_500_backs_off_from_the_interval(scripted: ScriptedServer, db: Path) -> None:
    url = scripted.route("/broken", status=500, body=b"oops\n", headers={"Retry-After": "5"})
    store = open_synced(db, {"cy": url})
    t0 = int(time.time())
    only(refresh(store, limits=LIMITS, refresh_every=600))
    t1 = int(time.time())
    first = feed_rows(store)["cy"].next_fetch_at
    assert first is not None and t0 + 600 <= first <= t1 + 750  # Retry-After ignored on 500
    only(refresh(store, force=True, limits=LIMITS, refresh_every=600))
    t2 = int(time.time())
    row = feed_rows(store)["cy"]
    assert row.failures == 2
    assert row.next_fetch_at is not None and t1 + 1200 <= row.next_fetch_at <= t2 + 1500
    store.close()


# (g) -----------------------------------------------------------------------------------


def test_schedule_survives_a_restart(server: FeedServer, db: Path) -> None:
    store = open_synced(db, {"ada": server.url("/feeds/rss"), "bo": server.url("/feeds/atom")})
    first = refresh(store, limits=LIMITS)  # new feeds are due at once
    assert first.total == 2 and first.new_entries == 5
    store.close()

    store = open_store(f"sqlite:///{db}")
    logged = len(server.log)
    assert refresh(store, limits=LIMITS).total == 0
    assert len(server.log) == logged  # nothing fetched

    # A feed whose time has come is fetched, and only that one.
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE feed SET next_fetch_at = ? WHERE contact_id = 'bo'", (0,))
    due = refresh(store, limits=LIMITS)
    assert due.total == 1 and only(due).result is Result.NOT_MODIFIED
    assert [r.path for r in server.log[logged:]] == ["/feeds/atom"]

    forced = refresh(store, force=True, limits=LIMITS)
    assert forced.total == 2
    assert {o.result for o in forced.outcomes} == {Result.NOT_MODIFIED}
    assert sorted(r.path for r in server.log[logged + 1 :]) == ["/feeds/atom", "/feeds/rss"]
    store.close()


# (h) -----------------------------------------------------------------------------------


def test_changed_entry_is_updated_in_place(server: FeedServer, db: Path) -> None:
    url = server.add_feed("ed", rss({"g1": "Old title", "g2": "Stays"}))
    store = open_synced(db, {"ed": url})
    first = only(refresh(store, limits=LIMITS))
    assert first.result is Result.UPDATED and (first.new, first.updated) == (2, 0)
    before = {row[2]: row for row in entry_snapshot(store)}

    server.add_feed("ed", rss({"g1": "New title", "g2": "Stays"}))  # new bytes, new ETag
    with entry_writes(db) as writes:
        second = only(refresh(store, force=True, limits=LIMITS))
    assert second.result is Result.UPDATED
    assert (second.new, second.updated) == (0, 1)
    assert writes == {"insert": 0, "update": 1, "delete": 0}
    after = {row[2]: row for row in entry_snapshot(store)}
    assert set(after) == {"g1", "g2"}
    assert after["g1"][0] == before["g1"][0]  # the same row
    assert after["g1"][4] == "New title" and after["g1"][3] != before["g1"][3]
    assert after["g1"][6] == before["g1"][6]  # first seen: unchanged
    assert after["g2"] == before["g2"]
    # The request that found the change was conditional, with the old ETag.
    assert server.requests_to("/feeds/ed")[1].header("If-None-Match") is not None
    store.close()


# Bugs seen end to end ------------------------------------------------------------------


def test_hostile_retry_after_costs_one_feed_not_the_refresh(
    scripted: ScriptedServer, db: Path
) -> None:
    good = scripted.route("/good", body=rss({"g1": "Fine"}))
    # send_header() writes latin-1: these two characters go out as the UTF-8 bytes of '²'.
    hostile = "\u00b2".encode().decode("latin-1")
    bad = scripted.route("/bad", status=429, body=b"no\n", headers={"Retry-After": hostile})
    store = open_synced(db, {"ok": good, "evil": bad})
    try:
        report = refresh(store, limits=LIMITS)
        results = {o.url: o.result for o in report.outcomes}
        assert results == {good: Result.UPDATED, bad: Result.FAILED}
    finally:
        store.close()


def test_absurd_max_age_costs_nothing(scripted: ScriptedServer, db: Path) -> None:
    url = scripted.route(
        "/fresh", body=rss({"g1": "Fine"}), headers={"Cache-Control": "max-age=" + "9" * 5000}
    )
    store = open_synced(db, {"ok": url})
    try:
        outcome = only(refresh(store, limits=LIMITS))
        assert outcome.result is Result.UPDATED
    finally:
        store.close()
