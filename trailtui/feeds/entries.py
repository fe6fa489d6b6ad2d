"""From raw entry fields (either parser) to the clean ParsedEntry we store.

Both parsers fill EntryFields with what the feed says; `finish` applies the
same rules to both: identity, clean text, sanitized HTML, a content hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from trailtui.feeds.sanitize import sanitize_html, text_of, title_text
from trailtui.safety import clean_line


@dataclass(frozen=True)
class EntryFields:
    guid: str | None
    title: str | None
    link: str | None
    author: str | None
    published_at: int | None
    updated_at: int | None
    content_html: str | None
    summary_html: str | None
    base_url: str | None
    # RSS titles are often HTML-escaped (or double-escaped); Atom says which.
    title_is_html: bool = True


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


def finish(fields: EntryFields) -> ParsedEntry:
    title = title_text(fields.title, html=fields.title_is_html)
    link = clean_line(fields.link, max_length=2000) or None
    if link is not None and not link.lower().startswith(("http://", "https://")):
        link = None  # an id like urn:uuid:… or tag:… is not a page to open
    author = clean_line(fields.author) or None
    content = sanitize_html(fields.content_html, fields.base_url)
    summary = text_of(fields.summary_html or content)
    guid = (
        clean_line(fields.guid, max_length=2000)
        or link
        or _fallback_id(title, fields.published_at or fields.updated_at, summary)
    )
    published, updated = fields.published_at, fields.updated_at
    what = f"{title}\x1f{link}\x1f{author}\x1f{published}\x1f{updated}\x1f{content}"
    digest = hashlib.sha256(what.encode("utf-8", "replace")).hexdigest()
    return ParsedEntry(
        guid=guid,
        title=title or "(untitled)",
        link=link,
        author=author,
        published_at=fields.published_at,
        updated_at=fields.updated_at,
        summary=summary,
        content=content,
        content_hash=digest,
    )


def _fallback_id(title: str, date: int | None, summary: str) -> str:
    digest = hashlib.sha1(f"{title}\x1f{date}\x1f{summary}".encode()).hexdigest()
    return f"trailtui:{digest}"
