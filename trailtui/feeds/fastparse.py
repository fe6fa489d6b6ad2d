"""The fast path: well-formed RSS 2.0 / 0.9x, RSS 1.0 and Atom 1.0 read with lxml.

It only accepts what it is sure to read the same way feedparser does (a
differential test over the fixture corpus checks that). Anything else raises
FastPathDeclined and the feed goes to feedparser: XML that is not well-formed,
a DOCTYPE (entities are feedparser's job), an unknown format, an HTTP charset
that contradicts the document, a date it cannot read.

lxml is set up never to load a DTD, resolve an entity or touch the network.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urljoin

from lxml import etree

from trailtui.feeds.dates import any_date
from trailtui.feeds.entries import EntryFields
from trailtui.xmlsafe import hardened_parser

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XHTML = "{http://www.w3.org/1999/xhtml}"
XHTML_DIV = f"{XHTML}div"
HTML_TYPES = ("text/html", "application/xhtml+xml")

_PARSER = hardened_parser(strip_cdata=True)
_CHARSET = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)
_UTF8 = {"utf-8", "utf8"}


class FastPathDeclined(Exception):
    """Not for the fast path; the reason says why (for tests and logs)."""


def parse_fast(
    body: bytes, headers: dict[str, str], url: str
) -> tuple[str | None, list[EntryFields]]:
    """(feed title, entries) of a well-formed feed, or FastPathDeclined."""
    _check_prologue(body, headers)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FastPathDeclined(f"not well-formed: {exc}") from None
    base = url or None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FastPathDeclined("rss without channel")
        if root.find("item") is not None:
            raise FastPathDeclined("unknown format: items outside the channel")
        base = _base(channel, _base(root, base))
        return _text(channel.find("title")), [
            _rss_item(item, _base(item, base)) for item in channel.iterfind("item")
        ]
    if root.tag == f"{RDF}RDF":
        for ns in (RSS1, RSS090):
            channel = root.find(f"{ns}channel")
            items = root.findall(f"{ns}item")
            if channel is not None or items:
                title = _text(channel.find(f"{ns}title")) if channel is not None else None
                return title, [_rdf_item(item, ns, base) for item in items]
        raise FastPathDeclined("RDF without RSS 1.0 channel")
    if root.tag == f"{ATOM}feed":
        base = _base(root, base)
        feed_author = _atom_author(root)
        entries = [_atom_entry(e, base, feed_author) for e in root.iterfind(f"{ATOM}entry")]
        return _atom_text(root.find(f"{ATOM}title")), entries
    raise FastPathDeclined(f"unknown root element {root.tag!r}")


def declared_encoding(body: bytes) -> str | None:
    """The encoding an XML declaration names (lower case), if it names one."""
    match = _CHARSET.match(body[:1024].lstrip(b"\xef\xbb\xbf"))
    return match.group(1).decode().lower() if match else None


def _check_prologue(body: bytes, headers: dict[str, str]) -> None:
    head = body[:1024]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body[:8192]:
        raise FastPathDeclined("has a DOCTYPE")
    if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in head[:4]:
        raise FastPathDeclined("UTF-16/32")
    declared = declared_encoding(head) or "utf-8"
    content_type = headers.get("content-type", "")
    header_match = _HEADER_CHARSET.search(content_type)
    said = header_match.group(1).lower() if header_match else declared
    if said != declared and not (said in _UTF8 and declared in _UTF8):
        raise FastPathDeclined("HTTP charset differs from the XML declaration")
    if declared not in _UTF8:
        raise FastPathDeclined(f"encoding {declared}")
    if not header_match and content_type.lower().startswith("text/"):
        # RFC 3023: text/xml without a charset is us-ascii; feedparser's call.
        raise FastPathDeclined("text/* without charset")


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    if len(element) == 0:  # the usual case (CDATA is plain text here)
        return element.text or ""
    return "".join(str(part) for part in element.itertext())


def _children(element: etree._Element) -> dict[object, etree._Element]:
    """The first child of each tag (what `element.find(tag)` returns), in one pass."""
    first: dict[object, etree._Element] = {}
    for child in element:
        first.setdefault(child.tag, child)
    return first


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def join_url(base: str, value: str) -> str:
    """urljoin(base, value), without its work where the answer is `value`
    itself: most links and ids in feeds are absolute already."""
    scheme = _SCHEME.match(value)
    if (
        scheme is not None
        and base.startswith(("http://", "https://"))
        and "[" not in base
        and value.isascii()
        and value.isprintable()
        and "[" not in value
        and "]" not in value
        and ";" not in value
    ):
        given, base_scheme = scheme.group()[:-1], base[: base.index(":")]
        if given.lower() != base_scheme:
            return value  # another scheme (urn:, tag:, http vs https) is never joined
        rest = value[scheme.end() :]
        if (
            given == base_scheme
            and rest.startswith("//")
            and rest[2:3] not in ("", "/", "?", "#")
            and not rest.endswith(("?", "#"))
            and "?#" not in rest
        ):
            return value  # absolute: urljoin would put it back together unchanged
    return urljoin(base, value)


def _base(element: etree._Element, base: str | None) -> str | None:
    declared = element.get(XML_BASE)
    if declared:
        return urljoin(base or "", declared)
    return base


def _link(value: str | None, base: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    return join_url(base, value) if base else value


def _date(element: etree._Element | None) -> int | None:
    text = _text(element)
    if text is None or not text.strip():
        return None
    moment = any_date(text)
    if moment is None:
        raise FastPathDeclined(f"date {text.strip()!r}")
    return moment


def _id(value: str | None, base: str | None) -> str | None:
    """Ids resolve against the base URL like links (feedparser does so too);
    absolute ids (https:, urn:, tag:) are unchanged."""
    if value is None or not value.strip():
        return None
    return join_url(base, value.strip()) if base else value.strip()


_AUTHOR_TAGS = ("author", f"{DC}creator")


def _rss_item(item: etree._Element, base: str | None) -> EntryFields:
    # The first child of each tag, and the last <author>/<dc:creator> (as
    # feedparser reads them), in one pass.
    first: dict[object, etree._Element] = {}
    author = None
    for child in item:
        tag = child.tag
        first.setdefault(tag, child)
        if tag in _AUTHOR_TAGS:
            author = _text(child) or author
    guid_element = first.get("guid")
    permalink = guid_element is not None and guid_element.get("isPermaLink", "true") != "false"
    guid = _text(guid_element)
    if permalink:
        guid = _id(guid, base)  # a permalink is a URL, maybe relative
    elif guid is not None:
        guid = guid.strip() or None
    link = _link(_text(first.get("link")), base)
    if link is None and guid and permalink:
        link = guid  # feedparser does the same
    published = _date(first.get("pubDate"))
    updated = _date(first.get(f"{DC}date"))
    description = _text(first.get("description"))
    encoded = _text(first.get(f"{CONTENT}encoded"))
    return EntryFields(
        guid=guid,
        title=_text(first.get("title")),
        link=link,
        author=author,
        published_at=published,
        updated_at=updated,
        content_html=encoded or description,
        summary_html=description or encoded,
        base_url=base,
    )


def _rdf_item(item: etree._Element, ns: str, base: str | None) -> EntryFields:
    first = _children(item)
    description = _text(first.get(f"{ns}description"))
    encoded = _text(first.get(f"{CONTENT}encoded"))
    link = _link(_text(first.get(f"{ns}link")), base)
    return EntryFields(
        guid=_id(item.get(f"{RDF}about"), base),
        title=_text(first.get(f"{ns}title")),
        link=link,
        author=_text(first.get(f"{DC}creator")),
        published_at=None,
        updated_at=_date(first.get(f"{DC}date")),
        content_html=encoded or description,
        summary_html=description or encoded,
        base_url=base,
    )


def _atom_text(element: etree._Element | None) -> str | None:
    """Atom text constructs as HTML-or-text strings: type text is plain."""
    if element is None:
        return None
    kind = element.get("type", "text")
    if kind == "xhtml":
        div = element.find(XHTML_DIV)
        holder = div if div is not None else element
        for node in holder.iter():
            if isinstance(node.tag, str) and node.tag.startswith(XHTML):
                node.tag = node.tag[len(XHTML) :]  # plain HTML names, whatever the prefix
        etree.cleanup_namespaces(holder)
        return (holder.text or "") + "".join(
            str(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
            for child in holder
        )
    return _text(element)


def _atom_html(element: etree._Element | None) -> str | None:
    """An Atom text construct as an HTML fragment."""
    if element is None:
        return None
    kind = element.get("type", "text")
    value = _atom_text(element)
    if value is None:
        return None
    if kind in ("text", "text/plain"):
        return escape(value, quote=False)
    if kind in ("html", "xhtml", "text/html"):
        return value
    raise FastPathDeclined(f"content type {kind!r}")


def _atom_author(parent: etree._Element) -> str | None:
    """The last <author> (feedparser keeps the last one too)."""
    authors = parent.findall(f"{ATOM}author")
    if not authors:
        return None
    author = authors[-1]
    name = (_text(author.find(f"{ATOM}name")) or "").strip()
    mail = (_text(author.find(f"{ATOM}email")) or "").strip()
    if name and mail:
        return f"{name} ({mail})"
    return name or mail or None


def _atom_link(entry: etree._Element, base: str | None) -> str | None:
    """The last rel=alternate link to a web page (as feedparser picks it)."""
    found = None
    for link in entry.iterfind(f"{ATOM}link"):
        if (
            link.get("rel", "alternate") == "alternate"
            and link.get("type", "text/html").lower() in HTML_TYPES
        ):
            found = _link(link.get("href"), _base(link, base)) or found
    return found


def _atom_entry(entry: etree._Element, base: str | None, feed_author: str | None) -> EntryFields:
    base = _base(entry, base)
    first = _children(entry)
    title_element = first.get(f"{ATOM}title")
    content = first.get(f"{ATOM}content")
    if content is not None and content.get("src"):
        raise FastPathDeclined("out-of-line content")
    summary = first.get(f"{ATOM}summary")
    content_html = _atom_html(content)
    summary_html = _atom_html(summary)
    guid = _id(_text(first.get(f"{ATOM}id")), base)
    return EntryFields(
        guid=guid,
        title=_atom_text(title_element),
        title_is_html=title_element is not None
        and title_element.get("type", "text") in ("html", "xhtml", "text/html"),
        link=_atom_link(entry, base) or guid,  # no web page: the id, as feedparser does
        author=_atom_author(entry) or feed_author,
        published_at=_date(first.get(f"{ATOM}published")),
        updated_at=_date(first.get(f"{ATOM}updated")),
        content_html=content_html or summary_html,
        summary_html=summary_html or content_html,
        base_url=_base(content, base) if content is not None else base,
    )
