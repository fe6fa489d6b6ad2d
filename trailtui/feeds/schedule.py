"""When to fetch a feed next (pure: no I/O, no clock)."""

from __future__ import annotations

MAX_BACKOFF = 24 * 3600
MIN_INTERVAL = 60


def next_fetch_at(at: int, *, ok: bool, failures: int, refresh_every: int) -> int:
    """The next fetch time: the refresh interval after a success; after a
    failure, the interval doubled per consecutive failure, capped at a day."""
    interval = max(refresh_every, MIN_INTERVAL)
    if ok:
        return at + interval
    backoff: int = interval * 2 ** min(failures, 16)
    return at + min(backoff, MAX_BACKOFF)
