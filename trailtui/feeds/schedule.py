"""When to fetch a feed next. Pure functions: no I/O, no clock, no randomness
(the caller passes `now` and a jitter in [0, 1))."""

from __future__ import annotations

import email.utils
import re

MINUTE = 60
HOUR = 3600
DAY = 86400
MIN_INTERVAL = MINUTE
MAX_BACKOFF = DAY
MAX_RETRY_AFTER = 7 * DAY  # a server may ask us to wait, within reason
MAX_FRESHNESS = 7 * DAY
GONE_RETRY = 30 * DAY

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?([0-9]+)", re.IGNORECASE)
_SECONDS = re.compile(r"[0-9]+")


def _seconds(digits: str, cap: int) -> int:
    """An ASCII digit string as seconds, capped (even when absurdly long)."""
    return cap if len(digits) > 12 else min(int(digits), cap)


def http_date(value: str | None) -> int | None:
    """An HTTP date as epoch seconds, or None if it is not one."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    try:
        return int(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


def retry_after(value: str | None, now: int) -> int | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date),
    capped; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return _seconds(value, MAX_RETRY_AFTER)
    when = http_date(value)
    if when is None:
        return None
    return max(0, min(when - now, MAX_RETRY_AFTER))


def freshness(headers: dict[str, str], now: int) -> int | None:
    """How long the server says the answer stays fresh (Cache-Control
    max-age, else Expires), capped; None when it says nothing usable."""
    cache_control = headers.get("cache-control", "")
    if "no-store" in cache_control.lower() or "no-cache" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    if match:
        return _seconds(match.group(1), MAX_FRESHNESS)
    expires = http_date(headers.get("expires"))
    if expires is not None:
        date = http_date(headers.get("date")) or now
        return max(0, min(expires - date, MAX_FRESHNESS))
    return None


def next_fetch_at(
    now: int,
    *,
    ok: bool,
    failures: int,
    refresh_every: int,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    jitter: float = 0.0,
) -> int:
    """The next fetch time.

    After a success: the refresh interval, or longer if the server's caching
    headers say so. After a failure: the interval doubled per consecutive
    failure (with up to 25 % jitter so retries spread out), capped at a day;
    a 429/503 Retry-After is honoured; a feed that is gone (410) waits a month.
    """
    headers = headers or {}
    interval = max(refresh_every, MIN_INTERVAL)
    if ok:
        fresh = freshness(headers, now)
        return now + max(interval, fresh or 0)
    if status == 410:
        return now + GONE_RETRY
    backoff = min(interval * 2 ** max(0, min(failures, 20) - 1), MAX_BACKOFF)
    backoff = int(backoff * (1 + 0.25 * min(max(jitter, 0.0), 1.0)))
    if status in (429, 503):
        wait = retry_after(headers.get("retry-after"), now)
        if wait is not None:
            return now + max(wait, MIN_INTERVAL)
    return now + backoff
