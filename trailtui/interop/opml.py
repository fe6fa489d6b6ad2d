"""OPML in (a feed reader's subscriptions) and out (every contact's feeds).

Reading walks the outline tree of a strictly parsed document (lxml: no DTD,
no entities, no network), so a broken file is refused with the parser's
reason and line rather than half read, and each outline keeps its line for
the dry-run report. Each outline with an `xmlUrl` is a feed of someone; the
enclosing outlines (and a `category` attribute) are their tags, `htmlUrl`
their web site. An outline that trailtui wrote (`trailtuiId`) is one contact
with every feed below it, so an export imports back as the same people.

A feed reader names an outline after the feed ("Notes by Ada Quill", "The
Kofi Ivanov journal"), so the person's name is taken from it where it can
be (`outline_name`): an `author` attribute, a `text` the reader's user gave
it, or the title without the blog words around the name; otherwise the
title is kept and the candidate says so ("rename it"). Outlines of one
person are then joined into one candidate with several feeds
(`group_outlines`): the same feed, the same name, or the same site
(`profiles.owner_of`: the host, or on a shared host such as github.com or a
Mastodon server, the account), unless their names say they are different
people.

The written OPML 2.0 has one outline per contact with one child per feed;
a `blog:` source (a site whose feed is found by autodiscovery) is written
as a `type="link"` outline to the site (`url` and `htmlUrl`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree

from trailtui.contacts.schema import slugify
from trailtui.interop.model import Candidate, InteropError, Reading, Rejected
from trailtui.interop.profiles import add_link, classify, is_web_url, normalize_url, owner_of
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
    feeds: list[_Outline] = []

    def walk(element: Any, path: list[str]) -> None:
        for child in element:
            if _local(child.tag).lower() != "outline":
                continue
            attrs = _attributes(child)
            line = child.sourceline or 0
            source = f"line {child.sourceline}"
            if ID_ATTRIBUTE.lower() in attrs:
                candidates.append(_exported_contact(child, attrs, path, source))
                continue
            kind = attrs.get("type", "").lower()
            xml_url = attrs.get("xmlurl", "")
            if kind in ("link", "include", "source"):
                reason = f"a link to another list ({kind}), not a feed"
                rejected.append(Rejected(source, reason, _title(attrs), line))
            elif xml_url:
                html_url = attrs.get("htmlurl", "")
                name = outline_name(attrs, xml_url, html_url)
                if not is_web_url(xml_url):
                    reason = f"the feed address {xml_url!r} is not an http(s) URL"
                    rejected.append(Rejected(source, reason, name.text, line))
                else:
                    tags: list[str] = []
                    _add_tags(tags, [*path, *_category_tags(attrs)])
                    feeds.append(_Outline(line, _title(attrs), xml_url, html_url, name, tags))
            walk(child, [*path, _title(attrs)] if _title(attrs) and not xml_url else path)

    walk(body, [])
    if not candidates and not rejected and not feeds:
        raise InteropError("the OPML file lists no feeds (no outline has an xmlUrl)")
    candidates += [_person(group) for group in group_outlines(feeds)]
    candidates.sort(key=lambda candidate: candidate.line)
    return Reading("opml", candidates, rejected)


# -- people from feed titles ---------------------------------------------------------

# How sure a name is: given as the author, found in a title, a person's name as
# the title, a title that is not a name, a web address.
AUTHOR, DERIVED, PERSON, TITLE, ADDRESS = 4, 3, 2, 1, 0

_WORK = (
    r"(?:blog|blogs|weblog|web\s+log|notes|notebook|journal|newsletter|posts|writings?|"
    r"essays|articles|thoughts|musings|ramblings|diary|site|web\s*site|home\s*page|home|"
    r"page|feed|rss|atom|podcast|videos|channel|stories|updates|(?:public\s+)?activity|"
    r"log|corner|(?:digital\s+)?garden|links|link\s*blog|bookmarks|photos|microblog|блог)"
)
_ADJ = (
    r"(?:(?:personal|little|tech|dev|new|old|official|own|online|public|recent|latest|"
    r"weekly|monthly|daily|occasional|random)\s+)*"
)
_PLATFORM = (
    r"(?:substack|medium|github|gitlab|codeberg|mastodon|bluesky|youtube|dev\.to|tumblr|"
    r"wordpress|blogger|twitter|x|threads|linkedin|micro\.blog|write\.as|ghost|hashnode|"
    r"patreon|the\s+fediverse)"
)
# A hyphen, an en or em dash, a bar, a middle dot, a colon or a guillemet between words.
_SEP = r"\s*(?:[-\u2013\u2014|\u00b7:\u00bb]|::)\s*"
# "The X journal": only when X is a person's name of two words or more ("The
# Daily Blog" is not someone called Daily).
_THE_X_WORK = re.compile(rf"^the\s+(?P<name>.+?)\s+{_ADJ}{_WORK}$", re.I)
_TITLE_PATTERNS = [
    re.compile(rf"^(?:the\s+)?{_ADJ}{_WORK}\s+(?:by|of|from|von|de|di|van)\s+(?P<name>.+)$", re.I),
    re.compile(rf"^(?:le|la|el|il|o)\s+{_WORK}\s+(?:de|di|do|da)\s+(?P<name>.+)$", re.I),
    re.compile(rf"^(?P<name>.+?)['\u2019]s?\s+{_ADJ}{_WORK}$", re.I),
    _THE_X_WORK,
    re.compile(rf"^(?P<name>.+?){_SEP}(?:(?:the|my|his|her|their)\s+)?{_ADJ}{_WORK}$", re.I),
    re.compile(rf"^(?:the\s+)?{_ADJ}{_WORK}{_SEP}(?P<name>.+)$", re.I),
    re.compile(rf"^(?P<name>.+?)\s+(?:on|at)\s+{_PLATFORM}$", re.I),
    re.compile(r"^(?P<name>.+?)\s*\(@[^\s()]+\)$"),  # Mastodon: "Ada Quill (@ada@server)"
    re.compile(
        r"^@\S+\s+[-\u2013\u2014]\s+(?P<name>.+)$"
    ),  # Bluesky: "@ada.bsky.social - Ada Quill"
    re.compile(r"^dev\s+community\b[^:]*:\s*(?P<name>.+)$", re.I),
    re.compile(r"^(?:overview|posts|comments)\s+for\s+(?:/?u/)?(?P<name>[\w-]+)$", re.I),
    re.compile(r"^(?P<name>.+?)の(?:ブログ|日記|ノート)$"),
]
# "Chidi Okafor: Systems, mostly", "Thoughts on tools — Ada Quill": a person's
# name of two words or more beside a tagline that is not one.
_TAGLINE = r"(?:\s*:\s+|\s+[-\u2013\u2014|\u00b7]\s+)"
_NAME_THEN_TAGLINE = re.compile(rf"^(?P<name>.+?){_TAGLINE}(?P<rest>.+)$")
_TAGLINE_THEN_NAME = re.compile(rf"^(?P<rest>.+){_TAGLINE}(?P<name>.+?)$")
_TITLE_PATTERNS += [_NAME_THEN_TAGLINE, _TAGLINE_THEN_NAME]
_NEEDS_A_FULL_NAME = (_THE_X_WORK, _NAME_THEN_TAGLINE, _TAGLINE_THEN_NAME)
_BESIDE_A_TAGLINE = (_NAME_THEN_TAGLINE, _TAGLINE_THEN_NAME)
_ONLY_WORK = re.compile(rf"^(?:the\s+)?{_ADJ}{_WORK}$", re.I)
_NOT_A_NAME_START = frozenset(
    {"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that"}
)
_TRIM = " \t\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e-\u2013\u2014|\u00b7:,;"  # quotes, dashes
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['\u2019.-][^\W\d_]+)*\.?$")
_DOMAIN_WORD = re.compile(r"\.[^\W\d_]{2,}")
# Lower-case words inside names (Ludwig van Beethoven, Ana de Souza).
_PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos",
        "das", "do", "bin", "ibn", "al", "el", "ten", "ter", "y", "e", "zu", "af", "av",
    }
)  # fmt: skip
# Words that make a title a publication's, not a person's.
_PUBLICATION_WORDS = frozenset(
    {
        "blog", "blogs", "weblog", "notes", "notebook", "journal", "newsletter", "posts",
        "writing", "writings", "essays", "articles", "thoughts", "musings", "diary", "site",
        "website", "homepage", "home", "page", "feed", "podcast", "videos", "channel",
        "stories", "updates", "activity", "log", "garden", "links", "bookmarks", "photos",
        "news", "weekly", "daily", "digest", "magazine", "review", "times", "post", "radio",
        "show", "tv", "friends", "team", "lab", "labs", "club", "talks",
    }
)  # fmt: skip


def looks_like_person(name: str) -> bool:
    """Whether name reads like a person's name ("Ada Quill", "Émile Zoë",
    "田中 太郎"), not a publication's ("Daily Notes") or a site's."""
    words = name.split()
    if not 1 <= len(words) <= 5:
        return False
    for i, word in enumerate(words):
        lowered = word.lower()
        if not _NAME_WORD.match(word) or _DOMAIN_WORD.search(word):
            return False
        if lowered in _PUBLICATION_WORDS:
            return False
        if word[0].islower() and (i == 0 or lowered not in _PARTICLES):
            return False
    return True


def _usable(name: str) -> bool:
    words = name.split()
    return (
        bool(words)
        and any(ch.isalpha() for ch in name)
        and words[0].lower() not in _NOT_A_NAME_START
        and not _ONLY_WORK.match(name)
    )


def person_from_title(title: str) -> str | None:
    """The person a feed title names ("Notes by Ada Quill", "Ada Quill's blog",
    "The Ada Quill journal", "Ada Quill — Blog", "Stories by Ada Quill on
    Medium"), or None. The name is always a part of the title."""
    text = " ".join(title.split())
    found: str | None = None
    for _ in range(4):  # "Stories by X on Medium" takes two steps
        for pattern in _TITLE_PATTERNS:
            match = pattern.match(text)
            if match is None:
                continue
            name = match.group("name").strip(_TRIM)
            if not _usable(name) or name == text:
                continue
            if pattern in _NEEDS_A_FULL_NAME and not (
                len(name.split()) > 1 and looks_like_person(name)
            ):
                continue
            if pattern in _BESIDE_A_TAGLINE and looks_like_person(match.group("rest").strip(_TRIM)):
                continue  # two names: which one is the person's is not told
            break
        else:
            return found
        found = text = name
    return found


_AUTHOR_KEYS = ("author", "authorname", "creator", "managingeditor")
_EMAIL_AND_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^()]+)\)$|^(?P<named>[^<>@]+?)\s*<\S+@\S+>$")


def _author(attrs: dict[str, str]) -> str:
    """The feed's author, when the outline carries one (`author="Ada Quill"`)."""
    for key in _AUTHOR_KEYS:
        value = " ".join(attrs.get(key, "").split())
        match = _EMAIL_AND_NAME.match(value)
        if match:
            value = (match.group("name") or match.group("named") or "").strip()
        if value and "@" not in value and any(ch.isalpha() for ch in value):
            return value
    return ""


@dataclass(frozen=True)
class Name:
    """A candidate's name, how sure it is (AUTHOR ... ADDRESS), and the title it
    was taken from."""

    text: str
    rank: int
    title: str = ""

    @property
    def note(self) -> str:
        if self.rank == ADDRESS:
            return "named after the site's address; rename it"
        if self.rank == TITLE:
            return "named after the feed title; rename it"
        if self.rank == PERSON and len(self.text.split()) < 2:
            return "named after the feed title; rename it if it is not their name"
        if self.rank == DERIVED and self.title:
            rename = "" if looks_like_person(self.text) else "; rename it"  # a handle
            return f"name taken from the feed title {self.title!r}{rename}"
        return ""


def outline_name(attrs: dict[str, str], xml_url: str, html_url: str = "") -> Name:
    """Who a feed outline is of; never an empty name."""
    text = " ".join(attrs.get("text", "").split())
    title = " ".join(attrs.get("title", "").split())
    author = _author(attrs)
    if author:
        return Name(author, AUTHOR)
    derived = person_from_title(text) if text else None
    if derived:
        return Name(derived, DERIVED, text)
    if text and title and text != title and looks_like_person(text):
        return Name(text, DERIVED)  # the reader's user named a feed titled otherwise
    derived = person_from_title(title) if title else None
    if derived:
        return Name(derived, DERIVED, title)
    shown = text or title
    if shown:
        return Name(shown, PERSON if looks_like_person(shown) else TITLE, shown)
    return Name(_host(html_url) or _host(xml_url) or xml_url, ADDRESS)


# -- one person, several feeds -------------------------------------------------------


@dataclass
class _Outline:
    line: int
    title: str
    xml_url: str
    html_url: str
    name: Name
    tags: list[str] = field(default_factory=list)

    @property
    def feed(self) -> str:
        return normalize_url(self.xml_url)

    @property
    def owners(self) -> list[str]:
        found = [owner_of(self.xml_url), owner_of(self.html_url)]
        return list(dict.fromkeys(owner for owner in found if owner))

    @property
    def words(self) -> frozenset[str] | None:
        """The words of a name that may be a person's, else None."""
        if self.name.rank < PERSON:
            return None
        return frozenset(w for w in slugify(self.name.text).split("-") if w) or None

    @property
    def telling(self) -> frozenset[str] | None:
        """The words of a name sure enough to keep people apart. A title of
        one word ("Scraps") may be a first name, or a second blog's name."""
        words = self.words
        if words is None or (self.name.rank == PERSON and len(self.name.text.split()) < 2):
            return None
        return words


def _compatible(first: list[_Outline], second: list[_Outline]) -> bool:
    """Whether two sets of outlines may be one person: no two sure names that
    differ ("Ada" and "Ada Quill" may be one person, "Ada Quill" and "Bo Lind" not)."""
    names = [o.telling for o in first if o.telling]
    others = [o.telling for o in second if o.telling]
    return all(a <= b or b <= a for a in names for b in others)


def group_outlines(outlines: Sequence[_Outline]) -> list[list[_Outline]]:
    """Outlines joined by person, each group in file order, groups in the order
    of their first outline. The same feed always joins; the same name, or
    the same site, when the names allow it. No outline is lost."""
    parent = list(range(len(outlines)))
    members: dict[int, list[_Outline]] = {i: [o] for i, o in enumerate(outlines)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int, *, forced: bool) -> None:
        a, b = sorted((root(i), root(j)))
        if a == b or not (forced or _compatible(members[a], members[b])):
            return
        parent[b] = a
        members[a].extend(members.pop(b))

    def by_key(keys: Sequence[Sequence[str]], *, forced: bool = False) -> None:
        first: dict[str, int] = {}
        for i, own in enumerate(keys):
            for key in own:
                if key in first:
                    join(first[key], i, forced=forced)
                else:
                    first[key] = i

    by_key([[o.feed] for o in outlines], forced=True)
    by_key([["-".join(sorted(o.words))] if o.words else [] for o in outlines])
    by_key([o.owners for o in outlines])
    groups = [sorted(group, key=lambda o: o.line) for group in members.values()]
    return sorted(groups, key=lambda group: group[0].line)


def _why_joined(outline: _Outline, earlier: list[_Outline]) -> str:
    if any(o.feed == outline.feed for o in earlier):
        return "the same feed again"
    if outline.words and any(o.words == outline.words for o in earlier):
        return "the same name"
    for owner in outline.owners:
        if any(owner in o.owners for o in earlier):
            return f"the same site, {owner}"
    return "the same person"


def _person(group: list[_Outline]) -> Candidate:
    """One candidate for the outlines of one person."""
    first = group[0]
    best = max(group, key=lambda o: (o.name.rank, len(o.name.text.split()), -o.line)).name
    distinct: dict[str, _Outline] = {}
    for outline in group:
        distinct.setdefault(outline.feed, outline)
    feeds: list[Any] = []
    for outline in distinct.values():
        label = outline.title
        if len(distinct) > 1 and label and label.casefold() != best.text.casefold():
            feeds.append({"url": outline.xml_url, "label": label})  # tells the feeds apart
        else:
            feeds.append(outline.xml_url)
    data: dict[str, Any] = {"name": best.text, "feeds": feeds}
    links: dict[str, str] = {}
    linked: set[str | None] = set()  # one link per site: not ada.example.org/ and /notes/
    for outline in group:
        if is_web_url(outline.html_url) and owner_of(outline.html_url) not in linked:
            key = classify(outline.html_url).link_key
            if key is not None and key != "work":
                add_link(links, key, outline.html_url)
                linked.add(owner_of(outline.html_url))
    if links:
        data["links"] = links
    tags: list[str] = []
    for outline in group:
        _add_tags(tags, outline.tags)
    if tags:
        data["tags"] = tags
    notes = tuple(
        f"also line {o.line} ({o.title or o.xml_url!r}): {_why_joined(o, group[: i + 1])}"
        for i, o in enumerate(group[1:])
    )
    return Candidate(
        data, f"line {first.line}", first.line, notes=notes, name_note=best.note, grouped=True
    )


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
