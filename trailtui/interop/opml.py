"""OPML in (a feed reader's subscriptions) and out (every contact's feeds).

Reading walks the outline tree of a strictly parsed document (lxml: no DTD,
no entities, no network), so a broken file is refused with the parser's
reason and line rather than half read, and each outline keeps its line for
the dry-run report. Each outline with an `xmlUrl` is one person: the
outline's text (or title) is the name, the feed its feed, `htmlUrl` the
person's web site, and the enclosing outlines (and a `category` attribute)
their tags. An outline that trailtui wrote (`trailtuiId`) is one contact with
every feed below it, so an export imports back as the same people.

The written OPML 2.0 has one outline per contact with one child per feed;
a `blog:` source (a site whose feed is found by autodiscovery) is written
as a `type="link"` outline to the site (`url` and `htmlUrl`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree

from trailtui.interop.model import Candidate, InteropError, Reading, Rejected
from trailtui.interop.profiles import is_web_url
from trailtui.xmlsafe import hardened_parser

_PARSER = hardened_parser()
ID_ATTRIBUTE = "trailtuiId"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _attributes(element: Any) -> dict[str, str]:
    """Attributes by lower-case local name (exporters disagree on xmlUrl / xmlurl)."""
    return {_local(k).lower(): str(v).strip() for k, v in element.attrib.items()}


def _title(attrs: dict[str, str]) -> str:
    return " ".join((attrs.get("text") or attrs.get("title") or "").split())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _add_tags(tags: list[str], names: Sequence[str]) -> None:
    seen = {t.lower() for t in tags}
    for name in names:
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            tags.append(name)
            seen.add(name.lower())


def _category_tags(attrs: dict[str, str]) -> list[str]:
    """OPML 2.0 `category="/Tech/Python,/friends"`: each path's parts."""
    return [
        part.strip()
        for path in attrs.get("category", "").split(",")
        for part in path.split("/")
        if part.strip()
    ]


def parse_document(data: bytes) -> Any:
    """The root element of a well-formed OPML document, or InteropError."""
    if b"<!ENTITY" in data or b"<!entity" in data:
        # OPML has no use for entity declarations; they only serve entity bombs.
        raise InteropError("the file declares XML entities (<!ENTITY ...>); they are not read")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = f" (line {exc.lineno})" if exc.lineno else ""
        reason = str(exc.msg or exc).split(", line ")[0]
        raise InteropError(f"not well-formed XML{line}: {reason}") from None
    if root is None or _local(root.tag).lower() != "opml":
        found = _local(root.tag) if root is not None else "nothing"
        hint = " (a feed, not a list of feeds?)" if found in ("rss", "feed", "RDF") else ""
        raise InteropError(f"not an OPML file: the document is <{found}>{hint}")
    return root


def read_opml(data: bytes) -> Reading:
    """Candidates from an OPML file; raises InteropError for a broken one."""
    root = parse_document(data)
    body = next((el for el in root if _local(el.tag).lower() == "body"), None)
    if body is None:
        raise InteropError("the OPML file has no <body>")
    candidates: list[Candidate] = []
    rejected: list[Rejected] = []

    def walk(element: Any, path: list[str]) -> None:
        for child in element:
            if _local(child.tag).lower() != "outline":
                continue
            attrs = _attributes(child)
            source = f"line {child.sourceline}"
            if ID_ATTRIBUTE.lower() in attrs:
                candidates.append(_exported_contact(child, attrs, path, source))
                continue
            kind = attrs.get("type", "").lower()
            xml_url = attrs.get("xmlurl", "")
            if kind in ("link", "include", "source"):
                reason = f"a link to another list ({kind}), not a feed"
                rejected.append(Rejected(source, reason, _title(attrs), child.sourceline or 0))
            elif xml_url:
                found = _feed_outline(attrs, path, source, child.sourceline or 0)
                if isinstance(found, Rejected):
                    rejected.append(found)
                else:
                    candidates.append(found)
            walk(child, [*path, _title(attrs)] if _title(attrs) and not xml_url else path)

    walk(body, [])
    if not candidates and not rejected:
        raise InteropError("the OPML file lists no feeds (no outline has an xmlUrl)")
    return Reading("opml", candidates, rejected)


def _feed_outline(
    attrs: dict[str, str], path: list[str], source: str, line: int
) -> Candidate | Rejected:
    xml_url = attrs["xmlurl"]
    html_url = attrs.get("htmlurl", "")
    name = _title(attrs) or _host(html_url) or _host(xml_url)
    if not is_web_url(xml_url):
        return Rejected(source, f"the feed address {xml_url!r} is not an http(s) URL", name, line)
    data: dict[str, Any] = {"name": name or xml_url, "feeds": [xml_url]}
    if html_url and is_web_url(html_url):
        data["links"] = {"website": html_url}
    tags: list[str] = []
    _add_tags(tags, [*path, *_category_tags(attrs)])
    if tags:
        data["tags"] = tags
    return Candidate(data, source, line)


def _exported_contact(
    element: Any, attrs: dict[str, str], path: list[str], source: str
) -> Candidate:
    data: dict[str, Any] = {"name": _title(attrs), "id": attrs[ID_ATTRIBUTE.lower()]}
    if is_web_url(attrs.get("htmlurl", "")):
        data["links"] = {"website": attrs["htmlurl"]}
    feeds: list[Any] = []
    for child in element.iter():
        if child is element or _local(child.tag).lower() != "outline":
            continue
        feed_attrs = _attributes(child)
        label = _title(feed_attrs)
        if feed_attrs.get("xmlurl"):
            location: str = feed_attrs["xmlurl"]
            feed: Any = {"url": location}
        elif feed_attrs.get("htmlurl") or feed_attrs.get("url"):
            feed = {"blog": feed_attrs.get("htmlurl") or feed_attrs["url"]}
        else:
            continue
        if label and label != data["name"]:
            feed["label"] = label
        feeds.append(feed["url"] if set(feed) == {"url"} else feed)
    if feeds:
        data["feeds"] = feeds
    tags: list[str] = []
    _add_tags(tags, [*path, *_category_tags(attrs)])
    if tags:
        data["tags"] = tags
    return Candidate(data, source, element.sourceline or 0)


# -- writing -------------------------------------------------------------------------


def write_opml(contacts: Sequence[Any], *, now: datetime, title: str = "trailtui contacts") -> str:
    """OPML 2.0 of every contact's feeds (validated Contact objects)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_text(title)}</title>",
        f"    <dateCreated>{_text(format_datetime(now))}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for contact in contacts:
        attrs = {"text": contact.name, "title": contact.name, ID_ATTRIBUTE: contact.id}
        website = contact.links.get("website")
        if website and is_web_url(website):
            attrs["htmlUrl"] = website
        if contact.tags:
            attrs["category"] = ",".join(
                "/" + t.replace(",", " ").replace("/", " ") for t in contact.tags
            )
        if not contact.feeds:
            out.append(f"    <outline{_attrs(attrs)}/>")
            continue
        out.append(f"    <outline{_attrs(attrs)}>")
        for feed in contact.feeds:
            label = feed.label or contact.name
            if feed.discover:
                # A web page, not a feed (OPML 2.0 type="link"); the feed is found there.
                child = {
                    "text": label,
                    "title": label,
                    "type": "link",
                    "url": feed.location,
                    "htmlUrl": feed.location,
                }
            else:
                child = {"text": label, "title": label, "type": "rss", "xmlUrl": feed.location}
            out.append(f"      <outline{_attrs(child)}/>")
        out.append("    </outline>")
    out += ["  </body>", "</opml>"]
    return "\n".join(out) + "\n"


def _clean(value: str) -> str:
    # Characters XML 1.0 cannot hold at all, even escaped.
    return "".join(
        ch
        for ch in value
        if ch in "\t\n\r" or "\x20" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch > "\uffff"
    )


def _text(value: str) -> str:
    return _clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(
        f" {name}={quoteattr(_clean(value), {chr(10): '&#10;', chr(13): '&#13;', chr(9): '&#9;'})}"
        for name, value in attrs.items()
    )
