"""Parsing feed bytes into clean, plain entries (feedparser, from bytes).

feedparser never fetches here: it gets the body and the response headers (for
the charset and the base URL of relative links). Its HTML sanitizer cleans the
content; every text field is then stripped of control characters and escape
sequences, so nothing from a feed can drive the terminal.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from trailtui.feeds.htmltext import html_to_text
from trailtui.safety import clean_line, clean_text

MAX_SUMMARY = 600
MAX_CONTENT = 512 * 1024
# feedparser's complaints that do not mean the feed is broken.
_BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


class ParseError(Exception):
    """The bytes are not a feed we can read; the message says why."""


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    title: str
    link: str | None
    author: str | None
    published_at: int | None
    updated_at: int | None
    summary: str
    content: str | None
    content_hash: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str | None = None  # parsed, but the feed was not well-formed


def parse_feed(body: bytes, headers: dict[str, str] | None = None, url: str = "") -> ParsedFeed:
    """Parse feed bytes. Raises ParseError for anything that is not a feed."""
    import feedparser  # deferred: a slow import, not needed to start the UI

    if not body or not body.strip():
        raise ParseError("the feed is empty")
    response_headers = {k: v for k, v in (headers or {}).items() if k.lower() != "content-encoding"}
    if url:
        response_headers.setdefault("content-location", url)
    if _looks_like_html(body, response_headers):
        raise ParseError("this is a web page (HTML), not a feed")
    parsed = feedparser.parse(
        body, response_headers=response_headers, sanitize_html=True, resolve_relative_uris=True
    )
    warning = None
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        name = type(problem).__name__
        if not parsed.get("version") and not parsed.entries:
            raise ParseError(f"not a readable feed ({_describe_bozo(problem)})")
        if name not in _BENIGN_BOZO:
            warning = (
                f"the feed is not well-formed; read what could be read ({_describe_bozo(problem)})"
            )
    if not parsed.get("version") and not parsed.entries:
        raise ParseError("not a feed (no RSS or Atom found)")
    seen: set[str] = set()
    entries = []
    for raw in parsed.entries:
        entry = _entry(raw)
        if entry.guid in seen:  # duplicates within one feed: the first wins
            continue
        seen.add(entry.guid)
        entries.append(entry)
    feed = parsed.get("feed", {})
    return ParsedFeed(
        title=clean_line(feed.get("title")) or None,
        link=feed.get("link"),
        entries=entries,
        warning=warning,
    )


def _entry(raw: Any) -> ParsedEntry:
    title = clean_line(raw.get("title"))
    link = clean_line(raw.get("link")) or None
    author = clean_line(raw.get("author")) or None
    published = _timestamp(raw.get("published_parsed"))
    updated = _timestamp(raw.get("updated_parsed")) if "updated_parsed" in raw else None
    content = _content(raw)
    summary_html = raw.get("summary") or content or ""
    summary = clean_line(html_to_text(summary_html[:MAX_CONTENT]), max_length=MAX_SUMMARY)
    guid = clean_line(raw.get("id")) or link or _fallback_id(title, published, summary)
    digest = hashlib.sha256(
        "\x1f".join(
            str(part) for part in (title, link, author, published, updated, summary, content)
        ).encode("utf-8", "replace")
    ).hexdigest()
    return ParsedEntry(
        guid=guid[:2000],
        title=title or "(untitled)",
        link=link,
        author=author,
        published_at=published,
        updated_at=updated,
        summary=summary,
        content=content,
        content_hash=digest,
    )


def _content(raw: Any) -> str | None:
    """The fullest HTML body: content:encoded/atom content, else the summary."""
    for block in raw.get("content") or ():
        value = block.get("value")
        if value:
            return clean_text(value, max_length=MAX_CONTENT)
    summary = raw.get("summary")
    return clean_text(summary, max_length=MAX_CONTENT) if summary else None


def _timestamp(value: time.struct_time | None) -> int | None:
    if value is None:
        return None
    try:
        return calendar.timegm(value)
    except (OverflowError, ValueError, TypeError):
        return None


def _fallback_id(title: str, published: int | None, summary: str) -> str:
    digest = hashlib.sha1(f"{title}\x1f{published}\x1f{summary}".encode()).hexdigest()
    return f"trailtui:{digest}"


def _looks_like_html(body: bytes, headers: dict[str, str]) -> bool:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    if "text/html" not in content_type.lower():
        return False
    start = body[:4096].lower()
    return not any(tag in start for tag in (b"<rss", b"<feed", b"<rdf"))


def _describe_bozo(problem: object) -> str:
    text = clean_line(str(problem), max_length=200) if problem else ""
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__
