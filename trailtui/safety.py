"""Untrusted text and links from feeds, made safe to store and to show.

Feed text may carry terminal escape sequences (OSC 52 clipboard writes, screen
clears, fake hyperlinks) and bidi overrides. Everything from a feed passes
through `clean_text` at ingestion; links pass `safe_link` before being opened.
"""

from __future__ import annotations

import re
import unicodedata
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
    if not is_safe(text):  # rare: most text needs no rewriting
        text = _UNSAFE_CHARS.sub("", _without_sequences(text))
    return text


def is_safe(text: str) -> bool:
    """Whether `text` has nothing `clean_text` removes (carriage returns aside).

    Checked on the encoded bytes: bytes.translate and searches that start
    with a fixed byte are several times faster than a character class
    tried at every character of a long text."""
    if "\ufeff" in text:  # cheaper found here than in the bytes
        return False
    data = text.encode("utf-8", "surrogatepass")
    return not (
        has_controls_utf8(data) or (b"\xe2" in data and _INVISIBLE_UTF8.search(data) is not None)
    )


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


# The same rules for UTF-8 bytes (a whole feed body, before parsing): matching
# the encoded characters directly is several times cheaper than decoding a
# large body, cleaning the text and encoding it again. Valid UTF-8 only. The
# searches start with a fixed byte, or use bytes.find/translate: a character
# class as the first item would make `re` test every byte.
_UTF8_NOT_TERMINATOR = (
    rb"(?:[\x00-\x06\x08-\x1a\x1c-\x7f]|\xc2[\x80-\x9b\x9d-\xbf]|[\xc3-\xf4][\x80-\xbf]+)"
)
_ESCAPE_SEQUENCE_UTF8 = re.compile(
    rb"(?:\x1b\[|\xc2\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b[\]PX^_](?:[^\x07\x1b\xc2]|\xc2[^\x9c])*+(?:\x07|\x1b\\|\xc2\x9c)?"  # OSC/DCS/...
    rb"|\xc2[\x90\x98\x9d\x9e\x9f]"  # their 8-bit forms: at most 4096 characters
    + _UTF8_NOT_TERMINATOR
    + rb"{0,4096}+(?:\x07|\x1b\\|\xc2\x9c)"
    rb"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # other escapes
)
_C1_INTRODUCER_UTF8 = re.compile(rb"\xc2[\x90\x98\x9b\x9d-\x9f]")
_C0_AND_DEL = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_INVISIBLE_UTF8 = re.compile(rb"\xe2(?:\x80[\x8b\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])")  # but the BOM
_BOM_UTF8 = b"\xef\xbb\xbf"


_C0_BUT_CR = _C0_AND_DEL.replace(b"\r", b"")


def has_controls_utf8(data: bytes) -> bool:
    """Whether UTF-8 bytes carry terminal controls: C0 (but tab, LF and CR), DEL, C1."""
    if len(data.translate(None, _C0_BUT_CR)) != len(data):
        return True
    return b"\xc2" in data and _C1_UTF8.search(data) is not None


def clean_utf8(data: bytes) -> bytes:
    """`clean_text` for valid UTF-8 bytes: the same result, encoded."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    has_c0 = len(data.translate(None, _C0_AND_DEL)) != len(data)
    has_c1 = b"\xc2" in data and _C1_UTF8.search(data) is not None
    if not (has_c0 or has_c1 or _BOM_UTF8 in data or _INVISIBLE_UTF8.search(data)):
        return data
    if b"\x1b" in data or has_c1:
        data = _without_sequences_utf8(data)
    data = data.translate(None, _C0_AND_DEL)
    return _INVISIBLE_UTF8.sub(b"", _C1_UTF8.sub(b"", data)).replace(_BOM_UTF8, b"")


def _without_sequences_utf8(data: bytes) -> bytes:
    introducers = [m.start() for m in _C1_INTRODUCER_UTF8.finditer(data)]
    escape = data.find(b"\x1b")
    while escape != -1:
        introducers.append(escape)
        escape = data.find(b"\x1b", escape + 1)
    kept: list[bytes] = []
    position = 0
    for start in sorted(introducers):
        if start < position:
            continue  # inside a sequence already removed
        sequence = _ESCAPE_SEQUENCE_UTF8.match(data, start)
        if sequence is None:
            continue
        kept.append(data[position:start])
        position = sequence.end()
    kept.append(data[position:])
    return b"".join(kept)


def clean_line(text: str | None, *, max_length: int = MAX_LINE) -> str:
    """`clean_text` folded onto one line (titles, names, authors)."""
    if (
        text
        and len(text) <= max_length
        and text.isprintable()  # no control or format characters, no space but " "
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
    ):
        return text  # the usual case: already one clean line
    if not text:
        return ""
    text = text[: max_length * 4]
    if not is_safe(text):
        text = clean_text(text)
    return " ".join(text.split())[:max_length]


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


# Terminals disagree on how wide some emoji are: U+FE0F (emoji presentation)
# after a narrow character makes it two cells in some terminals and one in
# others (tmux, xterm), and a skin-tone modifier is a cell of its own in some.
# Text drawn with either drifts every column after it (a pane's border moves).
# Without them, every terminal and Rich count the same cells.
_EMOJI_PRESENTATION = "\ufe0f"
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")


def steady_width(text: str) -> str:
    """Text whose width every terminal measures alike: a narrow character keeps
    its own width (its emoji-presentation selector dropped), skin tones go."""
    if text.isascii():
        return text
    text = _SKIN_TONES.sub("", text)
    if _EMOJI_PRESENTATION not in text:
        return text
    kept = []
    previous = ""
    for char in text:
        if (
            char == _EMOJI_PRESENTATION
            and unicodedata.east_asian_width(previous or " ") not in "WF"
        ):
            continue
        kept.append(char)
        previous = char
    return "".join(kept)


def shown(text: str | None, *, one_line: bool = False) -> str:
    """Text as the app draws it, from wherever it came (a feed, an import, a
    hand-edited file): no escape sequences or direction overrides, and a
    width every terminal measures alike. one_line folds it onto one line."""
    return steady_width(clean_line(text) if one_line else clean_text(text))
