"""A validated contacts file as the plain data the database mirrors.

Plain lists and dicts (JSON-safe), so they can be made in another process
(`contacts.early`) and used without loading the contacts schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trailtui.contacts.schema import ContactBook
    from trailtui.store import Store
    from trailtui.store.sync import ContactRows, SyncReport


def sync_contacts(store: Store, book: ContactBook) -> SyncReport:
    """Mirror a validated contacts file into the database, by stable id."""
    from trailtui.store.sync import sync_rows  # the database layer, only when it is used

    return sync_rows(store, contact_rows(book))


def contact_rows(book: ContactBook) -> ContactRows:
    """Per contact: id, name, the `data` the contact row keeps, and its feeds
    as [location, label, discover]."""
    rows: ContactRows = []
    for contact in book.contacts:
        cadence = book.cadence_of(contact)
        rows.append(
            {
                "id": contact.id,
                "name": contact.name,
                "data": {
                    "why": contact.why,
                    "help": contact.help,
                    "cadence_seconds": int(cadence.total_seconds()),
                    "overdue_seconds": int(book.overdue_after(contact).total_seconds()),
                    "tier": contact.tier,
                    "snooze_until": (
                        contact.snooze_until.isoformat() if contact.snooze_until else None
                    ),
                    "circles": list(contact.circles),
                    "tags": list(contact.tags),
                    "notes": contact.notes,
                    "links": dict(contact.links),
                },
                "feeds": [[spec.location, spec.label, spec.discover] for spec in contact.feeds],
            }
        )
    return rows


def start_up_settings(book: ContactBook) -> dict[str, Any]:
    """The settings start-up needs, kept in the database beside the fingerprint."""
    settings = book.settings
    return {
        "refresh_every": int(settings.refresh_every.total_seconds()),
        "keys": dict(settings.keys),
        "advance_after_trail": settings.advance_after_trail,
        "theme": settings.theme,
    }
