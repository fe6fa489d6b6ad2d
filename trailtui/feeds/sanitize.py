"""Feed HTML made safe to keep (nh3), and made into plain text.

Both parsing paths pass their HTML through here, so whichever parser read a
feed, the stored content is the same safe HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from typing import Literal

import nh3

from trailtui.feeds.htmltext import HIDDEN_END, HIDDEN_START, html_to_text, quick_text
from trailtui.safety import clean_line, clean_text

MAX_CONTENT = 512 * 1024
SUMMARY_SOURCE = 3 * 1024  # enough HTML for a summary line; bounds the work
MAX_SUMMARY = 600
FIRST_TRY = 1024  # HTML read first for a summary; the whole SUMMARY_SOURCE if short
CUT_MARGIN = 40  # longer than any character reference
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(fragment: str | None, base_url: str | None = None) -> str | None:
    """Safe HTML: no scripts, styles or event handlers; links http(s)/mailto
    only; relative links resolved against the entry's base URL."""
    if not fragment:
        return None
    if base_url is None or not base_url.startswith(("http://", "https://")):
        base_url = None
    cleaned = _cleaner(base_url).clean(fragment)
    # After nh3, not before: it turns references like &#27; into characters.
    return clean_text(cleaned, max_length=MAX_CONTENT) or None


@lru_cache(maxsize=64)
def _cleaner(base_url: str | None) -> nh3.Cleaner:
    """One sanitiser per base URL (most entries of a feed share one): building
    it costs more than cleaning a short entry."""
    relative: tuple[Literal["rewrite_with_base"], str] | Literal["pass_through"] = "pass_through"
    if base_url is not None:
        relative = ("rewrite_with_base", base_url)
    return nh3.Cleaner(
        url_schemes=URL_SCHEMES,
        url_relative=relative,
        link_rel="noopener noreferrer nofollow",
    )


def text_of(fragment: str | None, *, limit: int = MAX_SUMMARY) -> str:
    """One line of readable text from an HTML fragment."""
    if not fragment:
        return ""
    if len(fragment) > FIRST_TRY and not HIDDEN_START.search(fragment, 0, FIRST_TRY):
        # Most fragments give a whole summary from their first kilobyte. What
        # a cut changes (a reference or a tag cut in two) stays within the
        # last few characters, beyond the margin: the same summary, for a third
        # of the work. A cut <script> would leak its text, so none may start.
        line = line_from(fragment, FIRST_TRY, limit)
        if len(line) >= limit + CUT_MARGIN:
            return line[:limit]
    return line_from(fragment, SUMMARY_SOURCE, limit)[:limit]


def line_from(fragment: str, source: int, limit: int) -> str:
    head = _control_references(fragment[:source])
    if len(fragment) > source:
        if head.rfind("<") > head.rfind(">"):
            head = head[: head.rfind("<")]  # never cut inside a tag: it would show as text
        starts = list(HIDDEN_START.finditer(head))
        if starts and not HIDDEN_END.search(head, starts[-1].end()):
            head = head[: starts[-1].start()]  # a script cut open would show as text
    return clean_line(quick_text(head)[: limit * 2], max_length=limit * 2)


# Character references to control characters: html.unescape would drop the
# ESC of "&#27;[31m" and leave "[31m" behind; as real characters, the
# sequence is recognised and removed whole.
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));")


def _control_references(value: str) -> str:
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if 0x80 <= code < 0xA0:
            # &#146; is a Windows-1252 quote to browsers and feedparser (HTML5);
            # the five code points Windows-1252 leaves undefined stay controls.
            return windows_1252(chr(code))
        return chr(code) if code < 0x20 or code == 0x7F else match.group(0)

    return _CONTROL_REFERENCE.sub(character, value) if "&#" in value else value


def windows_1252(char: str) -> str:
    """A C1 control character as the Windows-1252 character of the same byte
    (U+0092 is the quote in "don't"), or itself where that byte is undefined."""
    try:
        return bytes([ord(char)]).decode("cp1252")
    except UnicodeDecodeError:
        return char


def title_text(value: str | None, *, html: bool = True) -> str:
    """A title as plain text. HTML titles (and RSS titles, often escaped or
    double-escaped by the publisher) are shown as a reader would render them;
    plain-text titles (Atom type="text") keep their < and & as written."""
    if not value:
        return ""
    if html and ("<" in value or "&" in value):
        value = _control_references(value)
        value = html_to_text(value) if "<" in value else unescape(value)
    return clean_line(value)
