"""An entry's HTML as readable Markdown text, its links numbered.

The stored HTML was sanitized by nh3 when it was fetched, but it is still
the feed's text: whatever it says must be shown, never obeyed. So the text
of the post is escaped before it becomes Markdown (a title saying `**x**`
or `[a](javascript:…)` reads as written), only links that are safe to open
become links, each with a number the reader can type, and images become
numbered links too (a terminal draws no pictures, and an inline image would
fetch whatever the feed names). The work is bounded: so much text at most,
so deep a nesting, so wide a table.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import nh3
from bs4.element import NavigableString, Tag
from markdownify import (  # type: ignore[attr-defined]  # public, but not in its stubs
    ATX,
    MarkdownConverter,
    chomp,
    should_remove_whitespace_inside,
    should_remove_whitespace_outside,
)

from trailtui.safety import clean_line, clean_text, safe_link, steady_width

MAX_TEXT = 200_000  # characters of the post's text shown; the rest is left to the browser
MAX_DEPTH = 40  # HTML nesting followed; what is deeper is shown as its plain text
MAX_NESTING = 6  # quotes and lists drawn inside each other; deeper ones are drawn flat
MAX_COLUMNS_SPANNED = 8  # a table cell's colspan, at most
MAX_URL = 2_000  # a longer link is shown as text, not numbered
MAX_LABEL = 200  # a link's label in the list of links
TAG_COST = 4  # what an element costs of the budget, besides its text
# Each block of Markdown is a widget of the reader's, and a few thousand take
# seconds to mount, whatever their size: so many at most, then the rest is
# left to the browser. A list item is several widgets, and a list mounts all
# at once (so do a table's rows): they weigh more.
MAX_BLOCKS = 1_000

NO_TEXT = "This post has no text in its feed. Press o to open it."
CUT_NOTE = "… (the rest is in the post: press o)"

# Every character the Markdown parser could read as syntax in the feed's
# text is escaped with a backslash (CommonMark lets any ASCII punctuation be
# escaped). markdownify's own options miss some: a `1` and a `. ` in two
# elements make a list item, backticks open code, `!` and `&` are left. A
# `.` or `)` is syntax only after digits: escaped there, and at the start of
# a piece of text (the digits may end the piece before it).
_SYNTAX = re.compile(r"([\\`*_\[\]<>#+\-=|~&!])|(?:(?<=\d)|^)([.)])")
_WHITESPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")
_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "embed"}
)
_NESTS = frozenset({"blockquote", "ul", "ol"})
_BLOCK_WEIGHTS = {
    **dict.fromkeys(("p", "div", "section", "article", "dt", "dd", "hr", "pre", "table"), 1),
    **dict.fromkeys((f"h{level}" for level in range(1, 7)), 1),
    "blockquote": 2,
    "tr": 2,
    "li": 4,
}
# For the plain-text fallback: block elements start a new paragraph.
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|li|h[1-6]|pre|blockquote|tr|table|section|article|figure|hr)\b)",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Link:
    """A numbered link of the post: the reader opens it by its number."""

    number: int
    label: str  # one clean line: the link's text, or "image: its alt text"
    url: str  # safe to open (http, https, mailto)


@dataclass(frozen=True)
class Reading:
    """A post as the reader shows it: Markdown whose only links are the numbered ones."""

    markdown: str
    links: tuple[Link, ...]
    truncated: bool  # the text was cut short (a note at its end says so)


def reading_of(
    content_html: str | None, summary_html: str | None, *, base_url: str | None
) -> Reading:
    """The entry's content as Markdown (its summary when the content gives no
    text), links numbered in reading order and resolved against `base_url`."""
    for fragment in (content_html, summary_html):
        if fragment and not fragment.isspace():
            reading = _convert(fragment, base_url)
            if reading.markdown:
                return reading
    return Reading(escape(NO_TEXT), (), truncated=False)


def escape(text: str) -> str:
    """Text as Markdown that shows it literally: no formatting, no links."""
    return _SYNTAX.sub(r"\\\1\2", text)


def destination(url: str) -> str:
    """A link's address as written in the Markdown: in angle brackets, with
    the characters that would end or change them percent-encoded."""
    return "<" + url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E") + ">"


def _convert(fragment: str, base_url: str | None) -> Reading:
    converter = _Converter(base_url)
    try:
        markdown = converter.convert(fragment)
    except RecursionError:  # a nesting the depth limit did not foresee
        return _plain_reading(fragment)
    return _finished(markdown, tuple(converter.links), converter.truncated)


def _finished(markdown: str, links: tuple[Link, ...], truncated: bool) -> Reading:
    # Every piece was cleaned as it was read; this is the last word on what
    # reaches the terminal, whatever the converter made of it.
    markdown = steady_width(clean_text(markdown.strip(), max_length=len(markdown) + 1))
    if truncated:
        markdown = f"{markdown}\n\n{escape(CUT_NOTE)}" if markdown else escape(CUT_NOTE)
    return Reading(markdown, links, truncated)


def _plain_reading(fragment: str) -> Reading:
    """The fragment's text alone, in paragraphs: no formatting, no links."""
    text = html.unescape(nh3.clean(_BLOCK_TAG.sub("\n\n<", fragment), tags=set()))
    truncated = len(text) > MAX_TEXT
    text = clean_text(_cut(text, MAX_TEXT), max_length=MAX_TEXT + 1)
    paragraphs = (
        escape(" ".join(part.split())) for part in re.split(r"\n\s*\n", text) if part.strip()
    )
    return _finished("\n\n".join(paragraphs), (), truncated)


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a space when one is near the end."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", max(0, limit - 200), limit)
    return text[: space if space > 0 else limit]


class _Converter(MarkdownConverter):
    """markdownify, made to number links and to keep the feed's text literal.

    One converter per post: it collects the links it numbered and spends a
    budget (text, plus a little per element) that ends the conversion."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            escape_asterisks=False,  # escaped with everything else, in `escape`
            escape_underscores=False,
            escape_misc=False,
            bs4_options="html.parser",
        )
        self.base_url = base_url if safe_link(base_url) and not _is_mailto(base_url) else None
        self.links: list[Link] = []
        self.numbers: dict[str, int] = {}
        self.budget = MAX_TEXT
        self.blocks = MAX_BLOCKS
        self.truncated = False
        self.depth = 0

    def base(self) -> Any:
        """markdownify's own methods (its stubs name only `convert`)."""
        return super()

    # ---- the walk: budget, depth, hidden elements ---------------------------

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        if self.budget <= 0 or self.blocks <= 0:
            self.truncated = True
            return ""
        self.budget -= TAG_COST
        self.blocks -= _BLOCK_WEIGHTS.get(node.name, 0)
        if node.name in _HIDDEN:
            return ""
        if self.depth >= MAX_DEPTH:
            return self.flat(node, parent_tags or set())
        if node.name in ("td", "th"):
            _narrow(node)
        self.depth += 1
        try:
            return str(self.base().process_tag(node, parent_tags))
        finally:
            self.depth -= 1

    def flat(self, node: Tag, parent_tags: set[str]) -> str:
        """A node too deep to follow, as its text (escaped, unless in code)."""
        text = _WHITESPACE.sub(" ", self.spend(node.get_text()))
        return text if "_noformat" in parent_tags else escape(text)

    def spend(self, text: str) -> str:
        """Text cleaned, and cut where the budget ends."""
        if len(text) > self.budget:
            text = _cut(text, max(self.budget, 0))
            self.truncated = True
        self.budget -= len(text)
        return clean_text(text, max_length=len(text) + 1)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        # markdownify's, but every piece of text is cleaned and paid for, and
        # outside <pre> all its whitespace is one space: a newline kept from
        # the HTML could start a line that reads as a heading or a list.
        parent_tags = parent_tags or set()
        text = self.spend(str(el))
        if "pre" not in parent_tags:
            text = _WHITESPACE.sub(" ", text)
        if "_noformat" not in parent_tags:
            text = escape(text)
        if should_remove_whitespace_outside(el.previous_sibling) or (
            should_remove_whitespace_inside(el.parent) and not el.previous_sibling
        ):
            text = text.lstrip(" \t\r\n")
        if should_remove_whitespace_outside(el.next_sibling) or (
            should_remove_whitespace_inside(el.parent) and not el.next_sibling
        ):
            text = text.rstrip()
        return text

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape(text)

    # ---- links and images ---------------------------------------------------

    def safe_url(self, value: Any) -> str | None:
        """The attribute as an absolute link that is safe to open, else None."""
        if not isinstance(value, str) or not value.strip():
            return None
        url = value.strip()
        if self.base_url is not None:
            try:
                url = urljoin(self.base_url, url)
            except ValueError:  # e.g. a malformed IPv6 host
                return None
        url = safe_link(url) or ""
        return url if 0 < len(url) <= MAX_URL else None

    def number(self, url: str, label: str) -> int:
        """The link's number: a new one, or the one it got when it came before."""
        number = self.numbers.get(url)
        if number is None:
            number = self.numbers[url] = len(self.links) + 1
            self.links.append(Link(number, label or url, url))
            self.budget -= len(url)
        return number

    def numbered(self, url: str, text: str, label: str, parent_tags: set[str]) -> str:
        """`text` as a link to `url`, its number after it."""
        number = self.number(url, label)
        if "_noformat" in parent_tags:  # in code: the text as it is, and the number
            return f"{text} [{number}]"
        return f"[{text}]({destination(url)}) \\[{number}\\]"

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        prefix, suffix, text = _chomp(text)
        url = self.safe_url(el.get("href"))
        if not text or url is None:
            return f"{prefix}{text}{suffix}"  # shown as text: nothing to open
        label = clean_line(el.get_text(), max_length=MAX_LABEL)
        if "](<" in text:
            # The link holds a numbered link already (an image): links cannot
            # nest, so this one follows it.
            link = self.numbered(url, "link", label or "link", parent_tags)
            return f"{prefix}{text} {link}{suffix}"
        return prefix + self.numbered(url, text, label, parent_tags) + suffix

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = clean_line(str(el.get("alt") or ""), max_length=MAX_LABEL)
        self.budget -= len(alt)
        label = f"image: {alt}" if alt else "image"
        url = self.safe_url(el.get("src"))
        shown = label if "_noformat" in parent_tags else escape(label)
        if url is None:
            return f"({shown})"
        return self.numbered(url, shown, label, parent_tags)

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        url = self.safe_url(el.get("src"))
        if url is None:
            source = el.find("source", attrs={"src": True})
            url = self.safe_url(source.get("src")) if isinstance(source, Tag) else None
        if url is None:
            return text
        return self.numbered(url, "video", "video", parent_tags)

    convert_audio = convert_video

    # ---- blocks: code that cannot be closed early, bounded nesting ----------

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, text = _chomp(text)
        if not text:
            return ""
        # One more backtick than the longest run inside: the text cannot end it.
        fence = "`" * (_longest_backticks(text) + 1)
        padding = " " if "`" in text else ""
        return f"{prefix}{fence}{padding}{text}{padding}{fence}{suffix}"

    convert_kbd = convert_code
    convert_samp = convert_code

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip("\n")
        if not text:
            return ""
        if "_inline" in parent_tags:  # in a heading or a table cell: one line
            return self.convert_code(el, _WHITESPACE.sub(" ", text), set())
        fence = "`" * max(3, _longest_backticks(text) + 1)
        return f"\n\n{fence}\n{text}\n{fence}\n\n"

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if _nesting(el) > MAX_NESTING:
            return f"\n\n{text.strip()}\n\n"
        return str(self.base().convert_blockquote(el, text, parent_tags))

    def convert_list(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if _nesting(el) > MAX_NESTING:
            return f"\n\n{text.strip()}\n\n"
        return str(self.base().convert_list(el, text, parent_tags))

    convert_ul = convert_list
    convert_ol = convert_list

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if _nesting(el) > MAX_NESTING:
            return f"\n\n{text.strip()}\n\n"
        return str(self.base().convert_li(el, text, parent_tags))


def _chomp(text: str) -> tuple[str, str, str]:
    """markdownify's: the spaces around inline text, to keep outside its markup."""
    prefix, suffix, inner = chomp(text)
    return str(prefix), str(suffix), str(inner)


def _is_mailto(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith("mailto:")


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def _nesting(el: Tag) -> int:
    """How many quotes and lists hold this element (itself included)."""
    count = int(el.name in _NESTS)
    for parent in el.parents:
        if parent.name in _NESTS:
            count += 1
    return count


def _narrow(cell: Tag) -> None:
    """A cell spans a few columns at most: a colspan of thousands would make
    every row of the table as wide."""
    span = cell.get("colspan")
    if isinstance(span, str) and span.isdigit() and int(span) > MAX_COLUMNS_SPANNED:
        cell["colspan"] = str(MAX_COLUMNS_SPANNED)
