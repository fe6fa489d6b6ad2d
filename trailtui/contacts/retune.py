"""What the weekly review offers for someone skipped again and again, written
into contacts.yaml: a looser cadence, another tier, or retiring them.

Each is one minimal text edit (`yamltext.fields`), checked as the file would
be before anything is saved; the save is atomic with a `.bak`
(`files.save_text`). Retiring takes the contact out of the file: the
database keeps their trail, archived.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from trailtui.contacts.adding import current_text
from trailtui.contacts.files import save_text
from trailtui.contacts.loader import parse_contacts_for
from trailtui.contacts.yamltext.fields import remove_contact, set_contact_value


class Change(StrEnum):
    CADENCE = "cadence"
    TIER = "tier"
    RETIRE = "retire"


@dataclass(frozen=True)
class Retune:
    """One change to one contact, as the review offers it."""

    contact_id: str
    name: str
    change: Change
    value: str | None = None  # "14d" for a cadence, "B" for a tier

    @property
    def said(self) -> str:
        """What it does, in words: 'Loosen Ada's cadence to 14d'."""
        if self.change is Change.CADENCE:
            return f"Loosen {self.name}'s cadence to {self.value}"
        if self.change is Change.TIER:
            return f"Move {self.name} to tier {self.value}"
        return f"Retire {self.name} (out of contacts.yaml; their trail is kept)"


def retuned_text(path: Path, text: str, retune: Retune) -> str:
    """text with the change made, checked as the file at path would be.
    Raises ContactsError (a located problem) or LookupError (no such contact)."""
    book = parse_contacts_for(path, text)
    ids = [contact.id for contact in book.contacts]
    if retune.contact_id not in ids:
        raise LookupError(f"{retune.name} is no longer in {path.name}")
    index = ids.index(retune.contact_id)
    if retune.change is Change.RETIRE:
        new_text = remove_contact(text, index)
    else:
        if not retune.value:
            raise ValueError(f"{retune.change} needs a value")
        new_text = set_contact_value(text, index, retune.change.value, retune.value)
    parse_contacts_for(path, new_text)
    return new_text


def retune_contact(path: Path, retune: Retune) -> str:
    """Make the change in the contacts file at path (atomically); the new text."""
    new_text = retuned_text(path, current_text(path), retune)
    save_text(path, new_text)
    return new_text
