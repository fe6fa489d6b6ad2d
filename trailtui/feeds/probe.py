"""Look before adding: what does a site, feed URL or shorthand lead to?

Used when a contact is added (in the app or with `trailtui contacts add`):
the source is fetched once, and the user sees the feed found (its title and
how many entries it has), the feeds a web page points to, or why nothing
usable is there. Nothing is stored.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

from trailtui.contacts.schema import resolve_feed_location, web_address
from trailtui.contacts.shorthands import SHORTHANDS, expand
from trailtui.feeds.http import Fetcher, FetchLimits, FetchResult

_SHORTHAND = re.compile(r"^\s*([a-z]+)\s*:\s*(\S.*?)\s*$", re.I)
_MASTODON = re.compile(r"^@?[\w.-]+@[\w.-]+\.[a-z]{2,}$", re.I)
PROBE_LIMITS = FetchLimits(deadline=15.0, concurrency=4, per_host=2)
MAX_CANDIDATES = 5


class SourceError(ValueError):
    """What the user typed is not a feed source trailtui understands."""


def feed_entry(text: str, *, base_dir: Path | None = None) -> dict[str, str]:
    """How a typed source is written in contacts.yaml: {'github': 'ada'},
    {'url': ...}. Raises SourceError with what is expected.

    base_dir is the contacts file's directory: a relative path is relative to
    it (as in the file), and a source that looks like a host
    (`127.0.0.1:8080/feed`, `ada.example/blog`) is a web address unless it
    names a file there. None: the current directory, and no such file.
    """
    text = text.strip()
    if not text:
        raise SourceError(
            "type a site or feed address, a file path, or a shorthand like github:ada"
        )
    match = _SHORTHAND.match(text)
    if match and match.group(1).lower() in SHORTHANDS:
        platform, handle = match.group(1).lower(), match.group(2)
        try:
            expand(platform, handle)
        except ValueError as exc:
            raise SourceError(str(exc)) from None
        return {platform: handle}
    if _MASTODON.match(text):
        return {"mastodon": text if text.startswith("@") else "@" + text}
    # Written with its scheme, so the file says what is fetched.
    text = web_address(text, base_dir) or text
    try:
        resolve_feed_location(text, base_dir)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    return {"url": text}


def location_of(entry: dict[str, str], *, base_dir: Path | None = None) -> str:
    """The address a feed entry fetches (a relative path is relative to base_dir)."""
    [(form, value)] = [(k, v) for k, v in entry.items() if k != "label"]
    if form in SHORTHANDS:
        return expand(form, value)
    return resolve_feed_location(value, base_dir if form == "url" else None)


@dataclass(frozen=True)
class Candidate:
    """A feed that was found and read."""

    entry: dict[str, str]  # as it would be written in contacts.yaml
    url: str  # the feed itself
    title: str | None
    entries: int


@dataclass
class Probe:
    source: str
    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None
    page: str | None = None  # the web page the feeds were found on

    @property
    def ok(self) -> bool:
        return bool(self.candidates)


async def probe_async(source: str, fetcher: Fetcher, *, base_dir: Path | None = None) -> Probe:
    try:
        entry = feed_entry(source, base_dir=base_dir)
        location = location_of(entry, base_dir=base_dir)
    except (SourceError, ValueError) as exc:
        return Probe(source, error=str(exc))
    result = await fetcher.fetch(location)
    feed, reason = _read_feed(result, location)
    if feed is not None:
        return Probe(source, [Candidate(entry, location, feed[0], feed[1])])
    if result.body is None or "web page" not in reason:
        return Probe(source, error=f"{location}: {reason}")
    from trailtui.feeds.discover import discover_feeds

    page = result.final_url or location
    found = discover_feeds(result.body, page)[:MAX_CANDIDATES]
    if not found:
        return Probe(
            source,
            error=f"{page} is a web page that names no feed (no <link rel=alternate>); "
            "ask the person for their feed address",
        )
    probe = Probe(source, page=page)
    results = await asyncio.gather(*(fetcher.fetch(url) for url in found))
    failures = []
    for url, fetched in zip(found, results, strict=True):
        feed, why = _read_feed(fetched, url)
        if feed is None:
            failures.append(f"{url}: {why}")
            continue
        # The first feed is kept as the site (found again on every refresh, so a
        # move is followed); others by their own address.
        written = {"blog": page} if not probe.candidates and "url" in entry else {"url": url}
        probe.candidates.append(Candidate(written, url, feed[0], feed[1]))
    if not probe.candidates:
        probe.error = "the page points to feeds that cannot be read: " + "; ".join(failures)
    return probe


def _read_feed(result: FetchResult, url: str) -> tuple[tuple[str | None, int] | None, str]:
    """(title, entry count) if the answer (already inflated: the probe's
    Fetcher decodes) is a feed, else the reason it is not."""
    if result.error:
        return None, result.error
    if result.status is not None and not 200 <= result.status < 300:
        return None, f"HTTP {result.status}"
    if result.body is None:
        return None, "empty answer"
    from trailtui.feeds.decide import ParseFailure
    from trailtui.feeds.refresh import parse_job

    parsed = parse_job(result.body, result.headers, result.final_url or url)
    if isinstance(parsed, ParseFailure):
        return None, parsed.reason
    return (parsed.title, len(parsed.entries)), ""


def probe_source(
    source: str, limits: FetchLimits = PROBE_LIMITS, *, base_dir: Path | None = None
) -> Probe:
    """Fetch a source once and say what feed(s) it gives. Never raises for
    network or content problems: they are in `error`. base_dir: as for
    `feed_entry` (pass the contacts file's directory)."""

    async def run() -> Probe:
        async with Fetcher(limits) as fetcher:
            return await probe_async(source, fetcher, base_dir=base_dir)

    return asyncio.run(run())
