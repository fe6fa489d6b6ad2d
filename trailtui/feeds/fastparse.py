"""The fast path: well-formed RSS 2.0 / 0.9x, RSS 1.0 and Atom 1.0 read with lxml.

It only accepts what it is sure to read the same way feedparser does (a
differential test over the fixture corpus checks that). Anything else raises
FastPathDeclined and the feed goes to feedparser: XML that is not well-formed,
a DOCTYPE (entities are feedparser's job), an unknown format, an HTTP charset
that contradicts the document, a date it cannot read.

lxml is set up never to load a DTD, resolve an entity or touch the network.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from html import escape
from urllib.parse import urljoin

from lxml import etree

from trailtui.feeds.dates import any_date
from trailtui.feeds.entries import EntryFields
from trailtui.feeds.sanitize import title_text
from trailtui.xmlsafe import hardened_parser

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
MEDIA = "{http://search.yahoo.com/mrss/}"
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
    """(feed title as plain text, entries) of a well-formed feed, or FastPathDeclined."""
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
        title = channel.find("title")
        if title is None:
            title = channel.find(f"{DC}title")
        return _html_title(title), [
            _rss_item(item, _base(item, base)) for item in channel.iterfind("item")
        ]
    if root.tag == f"{RDF}RDF":
        for ns in (RSS1, RSS090):
            channel = root.find(f"{ns}channel")
            items = root.findall(f"{ns}item")
            if channel is not None or items:
                title = _html_title(channel.find(f"{ns}title")) if channel is not None else None
                return title, [_rdf_item(item, ns, base) for item in items]
        raise FastPathDeclined("RDF without RSS 1.0 channel")
    if root.tag == f"{ATOM}feed":
        base = _base(root, base)
        feed_author = _atom_author(root)
        entries = [
            _atom_entry(e, base, feed_author)
            for e in root
            if e.tag in _ATOM_ENTRY_TAGS  # feedparser reads an <item> there as an entry
        ]
        return _atom_title(root.find(f"{ATOM}title")), entries
    raise FastPathDeclined(f"unknown root element {root.tag!r}")


_ATOM_ENTRY_TAGS = (f"{ATOM}entry", f"{ATOM}item")


def _html_title(element: etree._Element | None) -> str | None:
    """An RSS title as plain text (RSS titles are HTML, often escaped)."""
    if element is None:
        return None
    return title_text(_markup(element), html=True) or None


def _atom_title(element: etree._Element | None) -> str | None:
    """An Atom feed title as plain text, read by its type like an entry's."""
    if element is None:
        return None
    return title_text(_atom_html(element), html=True) or None


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


def _markup(element: etree._Element) -> str:
    """The content of an element as an HTML fragment: its text escaped, child
    elements (markup written straight into the feed) serialised as HTML with
    their namespaces dropped, as feedparser rebuilds them."""
    if len(element) == 0:
        return escape(element.text or "", quote=False)
    return escape(element.text or "", quote=False) + "".join(map(_html_element, element))


def _html_element(element: etree._Element) -> str:
    """One element (and its tail) as HTML: a copy, so that no namespace of the
    feed around it is declared on it; plain HTML names, whatever the prefix."""
    clean = copy.deepcopy(element)
    for node in clean.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(clean)
    return str(etree.tostring(clean, encoding="unicode", method="html", with_tail=True))


def _html_of(element: etree._Element) -> str:
    """An element whose text is HTML (RSS description, content:encoded): as is,
    or rebuilt from the child elements it holds."""
    return element.text or "" if len(element) == 0 else _markup(element)


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


def resolved(base: str | None, value: str) -> str | None:
    """`value` resolved against `base`; None if either is not a URL urljoin can
    read (a bad value costs that value, never the feed: feedparser keeps '')."""
    if not base:
        return value
    try:
        return join_url(base, value)
    except ValueError:  # "Invalid IPv6 URL": a stray [ or ]
        return None


def _base(element: etree._Element, base: str | None) -> str | None:
    declared = element.get(XML_BASE)
    if declared:
        try:
            return urljoin(base or "", declared)
        except ValueError:
            return base  # an unreadable xml:base is ignored
    return base


def _link(value: str | None, base: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    return resolved(base, value)


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
    return resolved(base, value.strip())


_TITLE_TAGS = ("title", f"{DC}title")
_AUTHOR_TAGS = ("author", f"{DC}creator", f"{DC}author", f"{ITUNES}author")
_PUBLISHED_TAGS = ("pubDate", f"{DCTERMS}issued")
_UPDATED_TAGS = (f"{DC}date", f"{DCTERMS}modified")
# Summary-like elements, and whether their text is HTML (feedparser reads
# <summary> and itunes:summary as plain text).
_DESCRIPTION_TAGS = {
    "description": True,
    f"{DC}description": True,
    "summary": False,
    f"{ITUNES}summary": False,
}
_CONTENT_TAGS = (f"{CONTENT}encoded", f"{XHTML}body", "body")
_HTML_HINT = re.compile(r"</\w+>|&#?\w+;")


def _plain_as_html(value: str) -> str:
    """Plain text of an RSS element as HTML. feedparser guesses whether such
    text is really HTML; the fast path leaves any doubt to it."""
    if _HTML_HINT.search(value):
        raise FastPathDeclined("unknown format: plain text that may be HTML")
    return escape(value, quote=False)


class _Texts:
    """Summary and content as feedparser collects them, element by element: a
    second summary-like element, before any content, is the content; content
    is copied to the summary when there is none."""

    __slots__ = ("contents", "summary")

    def __init__(self) -> None:
        self.summary: str | None = None
        self.contents: list[str] = []

    def add_summary(self, value: str) -> None:
        if self.summary is not None and not self.contents:
            self.contents.append(value)
        else:
            self.summary = value

    def add_content(self, value: str, *, copies: bool = True) -> None:
        self.contents.append(value)
        if self.summary is None and copies:
            self.summary = value

    def media_fallback(self, parent: etree._Element) -> None:
        """A video's description (media:group/media:description, YouTube): the
        entry's text when it has no other."""
        if self.summary is not None or self.contents:
            return
        for element in parent.iter(f"{MEDIA}description"):
            value = _text(element) or ""
            plain = element.get("type", "html").lower() in ("plain", "text", "text/plain")
            self.summary = escape(value, quote=False) if plain else value
            return

    def fields(self) -> tuple[str | None, str | None]:
        """(content_html, summary_html)."""
        content = next((value for value in self.contents if value), None)
        return content or self.summary, self.summary or content


# What each RSS item child is, looked up once per child.
_RSS_ROLES: dict[object, str] = {
    "guid": "guid",
    "link": "link",
    **dict.fromkeys(_TITLE_TAGS, "title"),
    **dict.fromkeys(_AUTHOR_TAGS, "author"),
    **dict.fromkeys(_PUBLISHED_TAGS, "published"),
    **dict.fromkeys(_UPDATED_TAGS, "updated"),
    **{tag: "summary" if html else "plain summary" for tag, html in _DESCRIPTION_TAGS.items()},
    f"{CONTENT}encoded": "encoded",
    **dict.fromkeys(_CONTENT_TAGS[1:], "xhtml"),
}


def _rss_item(item: etree._Element, base: str | None) -> EntryFields:
    # One pass: the first guid, link and title, the last author and dates (as
    # feedparser keeps them), summary and content in the order feedparser
    # reads them (see _Texts).
    guid_element = link_element = title = author = published = updated = None
    texts = _Texts()
    for child in item:
        role = _RSS_ROLES.get(child.tag)
        if role is None:
            continue
        if role == "summary":
            texts.add_summary(_html_of(child))
        elif role == "encoded":
            texts.add_content(_html_of(child))
        elif role == "guid":
            guid_element = guid_element if guid_element is not None else child
        elif role == "link":
            link_element = link_element if link_element is not None else child
        elif role == "title":
            title = title or _html_of(child) or None
        elif role == "author":
            author = _text(child) or author
        elif role == "published":
            published = child
        elif role == "updated":
            updated = child
        elif role == "plain summary":
            texts.add_summary(_plain_as_html(_text(child) or ""))
        else:
            texts.add_content(_markup(child))
    if title is None:
        title = _media_title(item)
    texts.media_fallback(item)
    permalink = guid_element is not None and guid_element.get("isPermaLink", "true") != "false"
    guid = _text(guid_element)
    if permalink:
        guid = _id(guid, base)  # a permalink is a URL, maybe relative
    elif guid is not None:
        guid = guid.strip() or None
    link = _link(_text(link_element), base)
    if link is None and guid and permalink:
        link = guid  # feedparser does the same
    content_html, summary_html = texts.fields()
    return EntryFields(
        guid=guid,
        title=title,
        link=link,
        author=author,
        published_at=_date(published),
        updated_at=_date(updated),
        content_html=content_html,
        summary_html=summary_html,
        base_url=base,
    )


def _media_title(item: etree._Element) -> str | None:
    """media:title, read only when the item has no title of its own."""
    found = None
    for element in item.iter(f"{MEDIA}title"):
        found = _markup(element) or found
    return found


def _rdf_item(item: etree._Element, ns: str, base: str | None) -> EntryFields:
    first = _children(item)
    description = first.get(f"{ns}description")
    encoded = first.get(f"{CONTENT}encoded")
    description_html = _html_of(description) if description is not None else None
    encoded_html = _html_of(encoded) if encoded is not None else None
    link = _link(_text(first.get(f"{ns}link")), base)
    title = first.get(f"{ns}title")
    return EntryFields(
        guid=_id(item.get(f"{RDF}about"), base),
        title=_html_of(title) if title is not None else None,
        link=link,
        author=_text(first.get(f"{DC}creator")),
        published_at=None,
        updated_at=_date(first.get(f"{DC}date")),
        content_html=encoded_html or description_html,
        summary_html=description_html or encoded_html,
        base_url=base,
    )


def _atom_text(element: etree._Element | None) -> str | None:
    """Atom text constructs as HTML-or-text strings: type text is plain."""
    if element is None:
        return None
    kind = element.get("type", "text")
    if kind == "xhtml":
        div = element.find(XHTML_DIV)
        return _markup(div if div is not None else element)
    return _text(element)


_TEXT_KINDS = ("text", "text/plain")
_HTML_KINDS = ("html", "xhtml", "text/html")


def _atom_html(element: etree._Element | None) -> str | None:
    """An Atom text construct as an HTML fragment."""
    if element is None:
        return None
    kind = element.get("type", "text")
    value = _atom_text(element)
    if value is None:
        return None
    if kind in _TEXT_KINDS:
        return escape(value, quote=False)
    if kind in _HTML_KINDS:
        return value
    lowered = kind.lower()
    if "/" in lowered and not lowered.startswith("text/") and not lowered.endswith("xml"):
        return _base64_html(value)  # RFC 4287 4.1.3.3: any other media type is base64
    raise FastPathDeclined(f"content type {kind!r}")


def _base64_html(value: str) -> str:
    """Base64 text decoded, read as feedparser reads it (as HTML)."""
    try:
        return base64.b64decode(value.encode("ascii"), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeError):
        raise FastPathDeclined("content type: base64 that does not decode") from None


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


_ATOM_PUBLISHED = (f"{ATOM}published", f"{ATOM}issued")
_ATOM_UPDATED = (f"{ATOM}updated", f"{ATOM}modified")


def _atom_entry(entry: etree._Element, base: str | None, feed_author: str | None) -> EntryFields:
    base = _base(entry, base)
    title_element = content = published = updated = None
    texts = _Texts()
    for child in entry:
        tag = child.tag
        if tag == f"{ATOM}title":
            if title_element is None:
                title_element = child
        elif tag in _ATOM_PUBLISHED:
            published = child  # the last one, as feedparser keeps it
        elif tag in _ATOM_UPDATED:
            updated = child
        elif tag == f"{ATOM}summary":
            texts.add_summary(_atom_html(child) or "")
        elif tag == f"{ATOM}content":
            if child.get("src"):
                raise FastPathDeclined("out-of-line content")
            content = content if content is not None else child
            kind = child.get("type", "text")
            texts.add_content(_atom_html(child) or "", copies=kind in _TEXT_KINDS + _HTML_KINDS)
    texts.media_fallback(entry)
    guid = _id(_text(entry.find(f"{ATOM}id")), base)
    content_html, summary_html = texts.fields()
    return EntryFields(
        guid=guid,
        title=_atom_text(title_element),
        title_is_html=title_element is not None
        and title_element.get("type", "text") in _HTML_KINDS,
        link=_atom_link(entry, base) or guid,  # no web page: the id, as feedparser does
        author=_atom_author(entry) or feed_author,
        published_at=_date(published),
        updated_at=_date(updated),
        content_html=content_html,
        summary_html=summary_html,
        base_url=_base(content, base) if content is not None else base,
    )
