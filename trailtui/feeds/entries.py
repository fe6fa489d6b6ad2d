"""From raw entry fields (either parser) to the clean ParsedEntry we store.

Both parsers fill EntryFields with what the feed says; `finish` applies the
same rules to both: identity, clean text, sanitized HTML, a content hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from trailtui.feeds.sanitize import sanitize_html, text_of, title_text
from trailtui.safety import clean_line, safe_link


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


UNTITLED = "(untitled)"
TITLE_WORDS = 80  # characters of a post's text that stand in for a missing title


def finish(fields: EntryFields) -> ParsedEntry:
    title = title_text(fields.title, html=fields.title_is_html)
    link = page_link(fields.link)
    author = clean_line(fields.author) or None
    content = sanitize_html(fields.content_html, fields.base_url)
    summary = text_of(fields.summary_html or content)
    guid = (
        clean_line(fields.guid, max_length=2000)
        or link
        or _fallback_id(title, fields.published_at or fields.updated_at, summary)
    )
    published, updated = fields.published_at, fields.updated_at
    # A post without a title is shown by its first words everywhere (list,
    # reader, card, trail, search): stored so. In the hash, so rows stored
    # as "(untitled)" before are rewritten once.
    title = title or first_words(summary) or UNTITLED
    what = f"{title}\x1f{link}\x1f{author}\x1f{published}\x1f{updated}\x1f{content}"
    digest = hashlib.sha256(what.encode("utf-8", "replace")).hexdigest()
    return ParsedEntry(
        guid=guid,
        title=title,
        link=link,
        author=author,
        published_at=fields.published_at,
        updated_at=fields.updated_at,
        summary=summary,
        content=content,
        content_hash=digest,
    )


def page_link(value: str | None) -> str | None:
    """An entry's web page: an http(s) URL on one line, a space in it
    percent-encoded (so `safe_link` opens it), else None."""
    link = clean_line(value, max_length=2000) or None
    if link is None or not link.lower().startswith(("http://", "https://")):
        return None  # an id like urn:uuid:… or tag:… is not a page to open
    link = link.replace(" ", "%20")
    if link.isascii() and link.isprintable() and "[" not in link and "]" not in link:
        host = link[link.index(":") + 1 :]
        if host.startswith("//") and host[2:3] not in ("", "/", "?", "#"):
            return link  # the usual case: safe_link would take it, as it is
    return link if safe_link(link) is not None else None


def first_words(text: str, limit: int = TITLE_WORDS) -> str:
    """The start of a post's text as its title, cut at a word: posts from
    Mastodon, Bluesky or micro.blog have none, and other readers show this."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def _fallback_id(title: str, date: int | None, summary: str) -> str:
    digest = hashlib.sha1(f"{title}\x1f{date}\x1f{summary}".encode()).hexdigest()
    return f"trailtui:{digest}"
