"""vCard 2.1, 3.0 and 4.0 address books (one or many cards a file).

A small reader for the few properties a contact needs: FN / N (the name),
EMAIL, URL and X-SOCIALPROFILE (links, and feeds where a profile has one),
NOTE, ORG and TITLE (a first line of notes) and CATEGORIES (tags). It unfolds
folded lines, reads quoted-printable values in their CHARSET, splits
structured values on unescaped ';' and undoes the text escapes (\\, \\; \\n \\\\).
Everything else (photos, phones, addresses) is left out.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from trailtui.interop.model import Candidate, InteropError, Reading, Rejected
from trailtui.interop.profiles import add_link, add_profile, is_email, normalize_email

_LINES = re.compile(r"\r\n|\r|\n")
_ESCAPE = re.compile(r"\\(.)", re.S)
_UNESCAPE = {"n": "\n", "N": "\n"}


@dataclass
class _Property:
    name: str
    params: dict[str, list[str]]
    value: str
    line: int

    @property
    def types(self) -> set[str]:
        return {t.lower() for t in self.params.get("TYPE", [])}

    @property
    def preferred(self) -> bool:
        return "pref" in self.types or bool(self.params.get("PREF"))


@dataclass
class _Card:
    line: int
    properties: list[_Property] = field(default_factory=list)

    def all(self, name: str) -> list[_Property]:
        return [p for p in self.properties if p.name == name]

    def first(self, name: str) -> _Property | None:
        found = self.all(name)
        return found[0] if found else None


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _split_unescaped(value: str, separator: str) -> list[str]:
    """Split on separators that are not escaped with a backslash."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(value):
        ch = value[index]
        if ch == "\\" and index + 1 < len(value):
            current.append(value[index : index + 2])
            index += 2
            continue
        if ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        index += 1
    parts.append("".join(current))
    return parts


def unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(1)), value)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, unfolded line): folded continuations (a leading space or
    tab) joined, and quoted-printable soft line breaks ('=' at the end) too."""
    current: str | None = None
    start = 0
    for number, line in enumerate(_LINES.split(text), start=1):
        if current is not None and line[:1] in (" ", "\t"):
            current += line[1:]
            continue
        if current is not None and _soft_break(current):
            current = current[:-1] + line.lstrip(" \t")
            continue
        if current is not None:
            yield start, current
        current, start = line, number
    if current is not None:
        yield start, current


def _soft_break(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return line.endswith("=") and "QUOTED-PRINTABLE" in head


def _parse_property(line: str, number: int) -> _Property | None:
    head_value = _split_outside_quotes(line, ":")
    if len(head_value) < 2:
        return None
    head, value = head_value[0], ":".join(head_value[1:])
    parts = _split_outside_quotes(head, ";")
    name = parts[0].rsplit(".", 1)[-1].strip().upper()  # drop a group (item1.EMAIL)
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, sep, raw = part.partition("=")
        if not sep:  # vCard 2.1: a bare WORK, PREF or QUOTED-PRINTABLE
            key, raw = (
                ("ENCODING" if part.upper() in ("QUOTED-PRINTABLE", "BASE64") else "TYPE"),
                part,
            )
        values = [
            value.strip()
            for quoted in _split_outside_quotes(raw, ",")
            for value in quoted.strip().strip('"').split(",")
        ]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    encoding = {e.upper() for e in params.get("ENCODING", [])}
    if "QUOTED-PRINTABLE" in encoding:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        raw_bytes = quopri.decodestring(value.encode("utf-8", errors="replace"))
        try:
            value = raw_bytes.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            value = raw_bytes.decode("utf-8", errors="replace")
    elif encoding & {"B", "BASE64"}:
        value = ""  # photos and keys: nothing a contact needs
    return _Property(name, params, value, number)


def _cards(text: str) -> Iterator[_Card]:
    card: _Card | None = None
    seen_begin = False
    for number, line in _logical_lines(text):
        stripped = line.strip()
        upper = stripped.upper()
        if upper == "BEGIN:VCARD":
            if card is not None:
                raise InteropError(
                    f"line {number}: a new card begins before the card from line "
                    f"{card.line} ended (END:VCARD missing)"
                )
            card, seen_begin = _Card(number), True
        elif upper == "END:VCARD":
            if card is None:
                raise InteropError(f"line {number}: END:VCARD without BEGIN:VCARD")
            yield card
            card = None
        elif card is not None and stripped:
            found = _parse_property(line, number)
            if found is not None:
                card.properties.append(found)
    if card is not None:
        raise InteropError(f"the card that begins at line {card.line} has no END:VCARD")
    if not seen_begin:
        raise InteropError("no BEGIN:VCARD found; this is not a vCard file")


def _name(card: _Card) -> str:
    full = card.first("FN")
    if full is not None and unescape(full.value).strip():
        return " ".join(unescape(full.value).split())
    structured = card.first("N")
    if structured is not None:
        parts = [unescape(p).strip() for p in _split_unescaped(structured.value, ";")]
        parts += [""] * (5 - len(parts))
        family, given, additional, prefix, suffix = parts[:5]
        return " ".join(p for p in (prefix, given, additional, family, suffix) if p)
    return ""


def _sorted_by_preference(properties: list[_Property]) -> list[_Property]:
    return sorted(properties, key=lambda p: not p.preferred)


def _card_candidate(card: _Card, index: int) -> Candidate | Rejected:
    source = f"card {index} (line {card.line})"
    name = _name(card)
    kind = card.first("KIND")
    if kind is not None and kind.value.strip().lower() in ("group", "org", "location"):
        return Rejected(source, f"not a person (KIND:{kind.value.strip()})", name, card.line)
    if not name:
        return Rejected(source, "the card has no name (FN or N)", line=card.line)
    data: dict[str, Any] = {"name": name}
    links: dict[str, str] = {}
    for prop in _sorted_by_preference(card.all("EMAIL")):
        email = normalize_email(unescape(prop.value))
        if is_email(email):
            add_link(links, "email", email)
    if links:
        data["links"] = links
    for prop in card.all("URL") + card.all("X-SOCIALPROFILE"):
        url = unescape(prop.value).strip()
        add_profile(data, url, work="work" in prop.types)
    first_line = _role(card)
    note = "\n".join(unescape(p.value).strip() for p in card.all("NOTE") if p.value.strip())
    notes = "\n".join(part for part in (first_line, note) if part)
    if notes:
        data["notes"] = notes + ("\n" if "\n" in notes else "")
    tags: list[str] = []
    for prop in card.all("CATEGORIES"):
        for tag in _split_unescaped(prop.value, ","):
            tag = " ".join(unescape(tag).split())
            if tag and tag.lower() not in {t.lower() for t in tags}:
                tags.append(tag)
    if tags:
        data["tags"] = tags
    return Candidate(data, source, card.line)


def _role(card: _Card) -> str:
    title = card.first("TITLE")
    org = card.first("ORG")
    title_text = " ".join(unescape(title.value).split()) if title else ""
    org_text = ""
    if org is not None:
        units = [" ".join(unescape(u).split()) for u in _split_unescaped(org.value, ";")]
        org_text = ", ".join(u for u in units if u)
    if title_text and org_text:
        return f"{title_text} at {org_text}"
    return title_text or org_text


def read_vcard(data: bytes) -> Reading:
    """Candidates from a .vcf file; raises InteropError for one that is not a vCard."""
    text = decode_text(data)
    candidates: list[Candidate] = []
    rejected: list[Rejected] = []
    for index, card in enumerate(_cards(text), start=1):
        found = _card_candidate(card, index)
        if isinstance(found, Rejected):
            rejected.append(found)
        else:
            candidates.append(found)
    return Reading("vcard", candidates, rejected)
