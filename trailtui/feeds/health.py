"""Is a feed healthy, and if not, what should the user do? (pure)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trailtui.store.records import FeedHealth


@dataclass(frozen=True)
class Diagnosis:
    feed: FeedHealth
    problem: str
    advice: str


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return "soon"
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def diagnose(feed: FeedHealth) -> Diagnosis | None:
    """What is wrong with a feed and how to fix it; None if it is fine."""
    if feed.moved_to and feed.moved_to != feed.url:
        return Diagnosis(
            feed,
            f"moved permanently to {feed.moved_to}",
            f"replace {feed.url} with {feed.moved_to} in contacts.yaml",
        )
    if feed.last_fetch_at is None:
        return Diagnosis(feed, "never fetched yet", "run `trailtui fetch`")
    if not feed.last_error:
        return None
    if not feed.failures:
        return Diagnosis(
            feed,
            feed.last_error,
            "trailtui read what it could; tell the feed's author it is not well-formed",
        )
    error = feed.last_error
    retry = f"trailtui retries with back-off; next try {_when(feed.next_fetch_at)}"
    lowered = error.lower()
    if feed.last_status == 410:
        advice = "the publisher removed this feed; remove it from contacts.yaml"
    elif feed.last_status == 404:
        advice = "the feed is not there; look on the person's site for its new feed URL"
    elif feed.last_status in (401, 403):
        advice = "the server refuses us; the feed may be private or behind a login"
    elif feed.last_status in (429, 503):
        advice = f"the server asked us to slow down; {retry}"
    elif feed.last_status is not None and feed.last_status >= 500:
        advice = f"the server has trouble; {retry}"
    elif "points to the feed" in lowered:
        advice = "use the feed URL the page points to (see the problem) in contacts.yaml"
    elif "web page" in lowered:
        advice = "this is a web page without a feed link; find the feed URL on the site"
    elif "no such file" in lowered:
        advice = "fix the path in contacts.yaml (relative paths start at the file's folder)"
    elif "timed out" in lowered or "cannot connect" in lowered or "connection" in lowered:
        advice = f"the server is slow or unreachable; {retry}"
    elif "larger than" in lowered:
        advice = "the feed is too big to be safe; ask its author for a smaller feed"
    elif "redirect" in lowered:
        advice = "the feed's address leads nowhere usable; look for its current URL"
    else:
        advice = f"the feed itself is broken; tell its author. {retry}"
    failures = f" ({feed.failures} failures in a row)" if feed.failures > 1 else ""
    return Diagnosis(feed, error + failures, advice)


def diagnose_all(feeds: list[FeedHealth]) -> list[Diagnosis]:
    found = [d for d in (diagnose(f) for f in feeds) if d is not None]
    return sorted(found, key=lambda d: (-d.feed.failures, d.feed.contact_name))
