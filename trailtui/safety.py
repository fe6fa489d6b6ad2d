"""Untrusted text and links from feeds, made safe to store and to show.

Feed text may carry terminal escape sequences (OSC 52 clipboard writes, screen
clears, fake hyperlinks) and bidi overrides. Everything from a feed passes
through `clean_text` at ingestion; links pass `safe_link` before being opened.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS strings
# (ESC ] ... BEL or ESC \), and other escapes (ESC c, ESC 7...). Also their
# 8-bit C1 forms; those only when terminated, because a lone C1 character is
# usually mojibake (a UTF-8 quote read as Latin-1), and the text after it is real.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                                # CSI
  | \x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?            # OSC/DCS/... strings
  | [\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)  # their 8-bit forms
  | \x1b[\x20-\x2f]*[\x30-\x7e]                                       # other escapes
    )
    """,
    re.VERBOSE,
)
# Remaining C0 controls except tab and newline, DEL, C1 controls, bidi
# overrides/isolates, and invisible characters used for spoofing. ZWJ (U+200D)
# stays: emoji sequences need it.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_INTRODUCER = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")

MAX_LINE = 1_000
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_text(text: str | None, *, max_length: int = 200_000) -> str:
    """Text with escape sequences and unsafe control characters removed."""
    if not text:
        return ""
    text = text[:max_length]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNSAFE_CHARS.search(text):  # rare: most text needs no rewriting
        text = _UNSAFE_CHARS.sub("", _without_sequences(text))
    return text


def _without_sequences(text: str) -> str:
    """Escape sequences removed. Matched only where an introducer stands, so a
    long text with one stray ESC costs a scan, not a regex attempt per character."""
    kept: list[str] = []
    position = 0
    for found in _INTRODUCER.finditer(text):
        start = found.start()
        if start < position:
            continue  # inside a sequence already removed
        sequence = _ESCAPE_SEQUENCE.match(text, start)
        if sequence is None:
            continue  # a lone C1 character: the control-character pass drops it
        kept.append(text[position:start])
        position = sequence.end()
    kept.append(text[position:])
    return "".join(kept)


def clean_line(text: str | None, *, max_length: int = MAX_LINE) -> str:
    """`clean_text` folded onto one line (titles, names, authors)."""
    cleaned = " ".join(clean_text(text, max_length=max_length * 4).split())
    return cleaned[:max_length]


def safe_link(url: str | None) -> str | None:
    """The URL if it is safe to open (http, https, mailto), else None."""
    if not url:
        return None
    url = url.strip()
    if _UNSAFE_CHARS.search(url) or "\x1b" in url or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url
