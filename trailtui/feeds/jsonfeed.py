"""JSON Feed 1.0 and 1.1 (jsonfeed.org), read with the standard json module.

micro.blog and many blogs publish only this. Items become the same raw
EntryFields the XML parsers give, so `entries.finish` applies the same
identity rules, text cleaning and sanitising. A value of the wrong type
costs that value, never the item or the feed.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from trailtui.feeds.dates import any_date
from trailtui.feeds.entries import EntryFields
from trailtui.feeds.fastparse import resolved
from trailtui.feeds.sanitize import title_text

VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


class NotAJsonFeed(Exception):
    """The bytes are not a JSON Feed; the message says why."""


def looks_like_json(body: bytes) -> bool:
    """Whether the document starts as a JSON object does (after a BOM and blanks)."""
    return body.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"


def parse_json_feed(body: bytes, url: str) -> tuple[str | None, list[EntryFields]]:
    """(feed title as plain text, entries) of a JSON Feed, or NotAJsonFeed."""
    try:
        # strict=False: a raw newline inside a string is common and harmless.
        document = json.loads(body.decode("utf-8-sig", "replace"), strict=False)
    except ValueError as exc:
        raise NotAJsonFeed(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise NotAJsonFeed("JSON nested too deeply") from None
    if not isinstance(document, dict):
        raise NotAJsonFeed("JSON, but not a JSON Feed (no object at the top)")
    version = _string(document.get("version"))
    items = document.get("items")
    if not (version or "").startswith(VERSION_PREFIXES) or not isinstance(items, list):
        raise NotAJsonFeed("JSON, but not a JSON Feed (no jsonfeed.org version and items)")
    base = (
        _url(document.get("feed_url"), url or None)
        or _url(document.get("home_page_url"), url or None)
        or url
        or None
    )
    feed_author = _authors(document)
    title = title_text(_string(document.get("title")), html=False) or None
    return title, [_item(item, base, feed_author) for item in items if isinstance(item, dict)]


def _item(item: dict[str, Any], base: str | None, feed_author: str | None) -> EntryFields:
    link = _url(item.get("url"), base) or _url(item.get("external_url"), base)
    html = _string(item.get("content_html"))
    text = _string(item.get("content_text"))
    summary = _string(item.get("summary"))
    content_html = html or _text_as_html(text)
    summary_html = _text_as_html(summary) or content_html
    return EntryFields(
        guid=_identifier(item.get("id")),
        title=_string(item.get("title")),
        title_is_html=False,  # JSON Feed titles are plain text
        link=link,
        author=_authors(item) or feed_author,
        published_at=any_date(_string(item.get("date_published"))),
        updated_at=any_date(_string(item.get("date_modified"))),
        content_html=content_html,
        summary_html=summary_html,
        base_url=link or base,
    )


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _identifier(value: object) -> str | None:
    """The item's id: a string, or a number some generators write instead."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return _string(value)


def _url(value: object, base: str | None) -> str | None:
    text = _string(value)
    if text is None or not text.strip():
        return None
    return resolved(base, text.strip())


def _authors(holder: dict[str, Any]) -> str | None:
    """`authors` (1.1) or `author` (1.0): the names, joined."""
    authors = holder.get("authors")
    if not isinstance(authors, list):
        authors = [holder.get("author")]
    names = [
        name
        for author in authors
        if isinstance(author, dict) and (name := _string(author.get("name")))
    ]
    return ", ".join(names) or None


def _text_as_html(value: str | None) -> str | None:
    """Plain text as HTML: escaped, its line breaks kept."""
    if not value:
        return None
    return escape(value, quote=False).replace("\n", "<br>\n")
