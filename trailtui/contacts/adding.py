"""Adding one person to contacts.yaml: what the app's form and
`trailtui contacts add` share. The new contact is appended as text (the rest
of the file stays byte for byte) and the result is checked before anyone
writes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trailtui.contacts.loader import parse_contacts_for
from trailtui.contacts.schema import ContactBook, slugify


def current_text(path: Path) -> str:
    """The contacts file's text, or the commented starter when there is none yet.
    Raises OSError or UnicodeError."""
    if not path.exists():
        from trailtui.contacts.starter import STARTER

        return STARTER
    return path.read_bytes().decode("utf-8-sig")


def id_clash(book: ContactBook | None, name: str) -> str | None:
    """Why a new contact called `name` cannot be added (its id is taken), or None."""
    new_id = slugify(name.strip()) or "contact"
    holder = book.by_id().get(new_id) if book is not None else None
    if holder is None:
        return None
    return f"{holder.name} already has the id {new_id!r}; use a name that tells them apart"


def contact_mapping(
    name: str,
    feeds: list[dict[str, str]],
    *,
    why: str = "",
    help: str = "",
    tier: str | None = None,
) -> dict[str, Any]:
    """A new contact as it is written into contacts.yaml (empty fields left out)."""
    contact: dict[str, Any] = {"name": name.strip()}
    if tier:
        contact["tier"] = tier
    if why.strip():
        contact["why"] = why.strip()
    if help.strip():
        contact["help"] = help.strip()
    if feeds:
        contact["feeds"] = feeds
    return contact


def text_with_contact(path: Path, text: str, contact: dict[str, Any]) -> str:
    """text with the contact appended, checked as the file at path would be.

    Raises ContactsError (every problem names the file) when the text cannot
    take the contact or the result would not be a valid file.
    """
    from trailtui.contacts.yamltext import append_contacts

    new_text = append_contacts(text, [contact], name=str(path))
    parse_contacts_for(path, new_text)
    return new_text
