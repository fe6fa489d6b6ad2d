"""Parsing feed bytes into clean entries: the fast lxml path, else feedparser;
a JSON Feed by `jsonfeed`.

Neither parser ever fetches: each gets the body and the response headers (for
the charset and the base URL of relative links). Well-formed RSS/Atom takes
the fast path (`fastparse`); anything it declines goes to feedparser, the
reference, which also recovers what it can from broken XML. Both hand raw
fields to `entries.finish`, so the stored result is cleaned the same way.
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any

from trailtui.feeds.dates import any_date
from trailtui.feeds.entries import EntryFields, ParsedEntry, finish
from trailtui.feeds.fastparse import FastPathDeclined, declared_encoding, parse_fast
from trailtui.feeds.jsonfeed import NotAJsonFeed, looks_like_json, parse_json_feed
from trailtui.feeds.sanitize import title_text, windows_1252
from trailtui.safety import clean_line, clean_utf8, has_controls_utf8

# feedparser's complaints that do not mean the feed is broken.
_BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


class ParseError(Exception):
    """The bytes are not a feed we can read; the message says why."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str | None = None  # parsed, but the feed was not well-formed
    parser: str = "fast"  # or "feedparser", or "json" (a JSON Feed)
    declined: str | None = None  # why the fast path passed the feed on


def parse_feed(body: bytes, headers: dict[str, str] | None = None, url: str = "") -> ParsedFeed:
    """Parse feed bytes. Raises ParseError for anything that is not a feed."""
    if not body or body.isspace():
        raise ParseError("the feed is empty")
    response_headers = {
        k.lower(): v for k, v in (headers or {}).items() if k.lower() != "content-encoding"
    }
    if _looks_like_html(body, response_headers):
        raise ParseError("this is a web page (HTML), not a feed")
    body, response_headers = prepare(body, response_headers)
    if looks_like_json(body):
        return parse_json(body, url)
    try:
        title, fields = parse_fast(body, response_headers, url)
    except FastPathDeclined as declined:
        return parse_with_feedparser(body, response_headers, url, declined=str(declined))
    return ParsedFeed(title, _unique(fields))


def parse_json(body: bytes, url: str = "") -> ParsedFeed:
    """A JSON Feed (feedparser reads none). Raises ParseError if it is not one."""
    try:
        title, fields = parse_json_feed(body, url)
    except NotAJsonFeed as exc:
        raise ParseError(str(exc)) from None
    return ParsedFeed(title, _unique(fields), parser="json")


def parse_with_feedparser(
    body: bytes, headers: dict[str, str], url: str = "", *, declined: str | None = None
) -> ParsedFeed:
    import feedparser  # deferred: a slow import, needed only for odd feeds

    headers = dict(headers)
    if url:
        headers.setdefault("content-location", url)
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=True
    )
    warning = None
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        if not parsed.get("version") and not parsed.entries:
            raise ParseError(f"not a readable feed ({_describe_bozo(problem)})")
        if type(problem).__name__ not in _BENIGN_BOZO:
            warning = (
                f"the feed is not well-formed; read what could be read ({_describe_bozo(problem)})"
            )
    if not parsed.get("version") and not parsed.entries:
        raise ParseError("not a feed (no RSS or Atom found)")
    atom = str(parsed.get("version", "")).startswith("atom")
    # RFC 4287: entries inherit the feed's author (feedparser leaves that to us).
    feed_author = parsed.get("feed", {}).get("author") if atom else None
    fields = [_feedparser_fields(raw, url, atom, feed_author) for raw in parsed.entries]
    return ParsedFeed(
        title=_feed_title(parsed.get("feed", {}), atom),
        entries=_unique(fields),
        warning=warning,
        parser="feedparser",
        declined=declined,
    )


def without_controls(body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A UTF-8 feed with terminal control sequences removed before parsing.

    XML 1.0 forbids most of these characters, so a feed carrying raw escape
    sequences is not well-formed and strict parsers lose the rest of it.
    C1 code points that stand for Windows-1252 characters (U+0092 for the
    quote of "don't") become those characters first, as browsers and
    feedparser read them. Removing the rest lets every entry through, clean,
    whichever parser reads it. A feed in any other encoding is left alone:
    UTF-16 of ASCII text is valid UTF-8 too, and removing its NULs breaks it.
    """
    if not is_utf8(body, headers or {}) or not has_controls_utf8(body):
        return body
    try:
        body.decode("utf-8")  # clean_utf8 reads valid UTF-8 only
    except UnicodeDecodeError:
        return body
    return clean_utf8(_windows_1252_utf8(body))


def is_utf8(body: bytes, headers: dict[str, str]) -> bool:
    """Whether the bytes are to be read as UTF-8: no UTF-16/32 byte-order mark
    or NUL pattern in the first bytes, and neither the XML declaration nor the
    HTTP charset names another encoding."""
    head = body[:4]
    if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in head:
        return False
    if declared_encoding(body) not in (None, "utf-8", "utf8"):
        return False
    match = _HEADER_CHARSET.search(headers.get("content-type", ""))
    if match is None:
        return True
    charset = match.group(0).split("=", 1)[1].strip('" ').lower().replace("-", "")
    return not charset.startswith(("utf16", "utf32", "ucs2", "ucs4"))


# C1 code points in UTF-8 that never start or end a terminal sequence.
_PLAIN_C1 = re.compile(b"\xc2([\x80-\x8f\x91-\x97\x99\x9a])")
# ...and those that may (SOS, ST, PM, APC), read as characters only in a feed
# with no other sign of a terminal sequence (ESC, BEL, CSI, DCS, OSC).
_STRING_C1 = re.compile(b"\xc2([\x98\x9c\x9e\x9f])")
_SEQUENCE_SIGNS = re.compile(b"[\x1b\x07]|\xc2[\x90\x9b\x9d]")


def _windows_1252_utf8(body: bytes) -> bytes:
    if b"\xc2" not in body:
        return body

    def character(match: re.Match[bytes]) -> bytes:
        return windows_1252(chr(match.group(1)[0])).encode("utf-8")

    body = _PLAIN_C1.sub(character, body)
    if _SEQUENCE_SIGNS.search(body) is None:
        body = _STRING_C1.sub(character, body)
    return body


def prepare(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """What both parsers read: controls removed, blank lines before the XML
    declaration removed, a wrong charset label dropped."""
    if is_utf8(body, headers):
        body = _without_leading_space(body)
    return without_controls(body, headers), _trust_utf8_document(body, headers)


def _without_leading_space(body: bytes) -> bytes:
    """A template's blank line before `<?xml` is harmless, but XML forbids it."""
    bom = b"\xef\xbb\xbf" if body.startswith(b"\xef\xbb\xbf") else b""
    rest = body[len(bom) :]
    if rest[:1].isspace():
        return bom + rest.lstrip()
    return body


_HEADER_CHARSET = re.compile(r";\s*charset\s*=\s*\"?[A-Za-z0-9._-]+\"?", re.IGNORECASE)


def _trust_utf8_document(body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """A server's charset that contradicts a UTF-8 document is dropped.

    Servers often label everything ISO-8859-1 (a default in web server
    configs). A UTF-8 byte-order mark, or a UTF-8 declaration on bytes that
    are valid UTF-8 with non-ASCII in them, is better evidence than that label.
    """
    content_type = headers.get("content-type", "")
    match = _HEADER_CHARSET.search(content_type)
    if match is None or "utf-8" in match.group(0).lower() or "utf8" in match.group(0).lower():
        return headers
    says_utf8 = declared_encoding(body) in (None, "utf-8", "utf8")
    if not body.startswith(b"\xef\xbb\xbf"):
        if not says_utf8 or body.isascii():
            return headers
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return headers
    fixed = dict(headers)
    fixed["content-type"] = _HEADER_CHARSET.sub("", content_type)
    return fixed


def _feed_title(feed: Any, atom: bool) -> str | None:
    """The feed's title as plain text, read as an entry title is."""
    detail = feed.get("title_detail") or {}
    html = not atom or detail.get("type") != "text/plain"
    return title_text(feed.get("title"), html=html) or None


def _unique(fields: list[EntryFields]) -> list[ParsedEntry]:
    """Finished entries; duplicates within one feed: the first wins."""
    seen: set[str] = set()
    entries = []
    for raw in fields:
        entry = finish(raw)
        if entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    return entries


def _as_html(value: str | None, detail: Any) -> str | None:
    """feedparser hands text/plain content over as it was: escape it, so the
    HTML sanitiser does not take '<div>' in a sentence for a tag."""
    if value and detail and detail.get("type") == "text/plain":
        return escape(value, quote=False)
    return value


def _date_of(raw: Any, key: str) -> int | None:
    """The date as our own reader reads the raw string (so both parsers
    agree), else as feedparser understood it."""
    if key not in raw:
        return None
    return any_date(raw.get(key)) or _timestamp(raw.get(f"{key}_parsed"))


def _feedparser_fields(raw: Any, url: str, atom: bool, feed_author: str | None) -> EntryFields:
    content = raw_content = None
    for block in raw.get("content") or ():
        if block.get("value"):
            raw_content = block["value"]
            content = _as_html(raw_content, block)
            break
    if raw_content is not None and raw.get("summary") == raw_content:
        summary = content  # feedparser copied the content into the summary
    else:
        summary = _as_html(raw.get("summary"), raw.get("summary_detail"))
    title_detail = raw.get("title_detail") or {}
    return EntryFields(
        guid=raw.get("id"),
        title=raw.get("title"),
        title_is_html=not atom or title_detail.get("type") != "text/plain",
        link=raw.get("link"),
        author=raw.get("author") or feed_author,
        published_at=_date_of(raw, "published"),
        updated_at=_date_of(raw, "updated") if "updated_parsed" in raw else None,
        content_html=content or summary,
        summary_html=summary or content,
        base_url=raw.get("link") or url or None,
    )


def _timestamp(value: time.struct_time | None) -> int | None:
    if value is None:
        return None
    try:
        return calendar.timegm(value)
    except (OverflowError, ValueError, TypeError):
        return None


def _looks_like_html(body: bytes, headers: dict[str, str]) -> bool:
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    if "text/html" not in headers.get("content-type", "").lower():
        return False
    start = body[:4096].lower()
    return not any(tag in start for tag in (b"<rss", b"<feed", b"<rdf"))


def _describe_bozo(problem: object) -> str:
    text = clean_line(str(problem), max_length=200) if problem else ""
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__
