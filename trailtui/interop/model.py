"""What readers return: candidate contacts, and entries they had to leave out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMATS = ("opml", "vcard", "linkedin")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class InteropError(Exception):
    """A file that cannot be imported; the message says why (and where, when known)."""


@dataclass(frozen=True)
class Candidate:
    """One person found in an import file, in the contacts.yaml shape.

    `data` holds name and any of links, feeds, tags, notes; `source` says where
    in the file it came from ("line 12", "card 3", "row 7"); for several
    entries joined into one person, the first.
    """

    data: dict[str, Any]
    source: str
    line: int = 0  # for putting the report in the file's order
    notes: tuple[str, ...] = ()  # what the reader did (entries it joined into this one)
    name_note: str = ""  # how the name was found, when it may be wrong ("rename it")
    # The reader already joined the file's entries by person: another entry
    # with the same name is someone else (two feeds both titled "Blog").
    grouped: bool = False

    @property
    def name(self) -> str:
        return str(self.data.get("name", ""))


@dataclass(frozen=True)
class Rejected:
    """An entry of the file that is not a usable contact, and why."""

    source: str
    reason: str
    name: str = ""
    line: int = 0


@dataclass(frozen=True)
class Reading:
    format: str
    candidates: list[Candidate]
    rejected: list[Rejected] = field(default_factory=list)


def plural(count: int, what: str) -> str:
    """'1 contact', '2 contacts'."""
    return f"{count} {what}{'s' if count != 1 else ''}"
