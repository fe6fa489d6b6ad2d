"""Mirror a contacts file into the database, by stable contact id.

A contact that leaves the YAML is archived, never deleted: its trail stays.
A feed that leaves the YAML is deactivated: its entries stay for the trail
that points at them, but no longer show in the merged feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from trailtui.contacts import ContactBook
from trailtui.store.db import Store, now
from trailtui.store.models import ContactRow, FeedRow


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    feeds_added: int = 0
    feeds_removed: int = 0


def sync_contacts(store: Store, book: ContactBook) -> SyncReport:
    report = SyncReport()
    stamp = now()
    with store.write() as session:
        rows = {row.id: row for row in session.scalars(select(ContactRow))}
        feeds_by_contact: dict[str, dict[str, FeedRow]] = {}
        for feed in session.scalars(select(FeedRow)):
            feeds_by_contact.setdefault(feed.contact_id, {})[feed.url] = feed
        wanted = set()
        for contact in book.contacts:
            wanted.add(contact.id)
            cadence = book.cadence_of(contact)
            data = {
                "why": contact.why,
                "help": contact.help,
                "cadence_seconds": int(cadence.total_seconds()),
                "overdue_seconds": int(book.overdue_after(contact).total_seconds()),
                "tier": contact.tier,
                "snooze_until": contact.snooze_until.isoformat() if contact.snooze_until else None,
                "circles": list(contact.circles),
                "tags": list(contact.tags),
                "notes": contact.notes,
                "links": dict(contact.links),
            }
            row = rows.get(contact.id)
            if row is None:
                row = ContactRow(id=contact.id, name=contact.name, data=data, synced_at=stamp)
                session.add(row)
                report.added.append(contact.id)
            else:
                if row.archived:
                    row.archived = False
                    report.restored.append(contact.id)
                if row.name != contact.name or row.data != data:
                    row.name, row.data = contact.name, data
                    report.updated.append(contact.id)
                row.synced_at = stamp
            existing = feeds_by_contact.get(contact.id, {})
            listed = set()
            for spec in contact.feeds:
                listed.add(spec.location)
                known = existing.get(spec.location)
                if known is None:
                    added = FeedRow(
                        contact_id=contact.id,
                        url=spec.location,
                        label=spec.label,
                        discover=spec.discover,
                    )
                    session.add(added)
                    existing[spec.location] = added  # a path listed twice is one feed
                    report.feeds_added += 1
                else:
                    known.label = spec.label
                    if known.discover != spec.discover:
                        known.discover, known.resolved_url = spec.discover, None
                    if not known.active:
                        known.active = True
                        report.feeds_added += 1
            for url, feed in existing.items():
                if url not in listed and feed.active:
                    feed.active = False
                    report.feeds_removed += 1
        for contact_id, row in rows.items():
            if contact_id not in wanted and not row.archived:
                row.archived = True
                report.archived.append(contact_id)
                for feed in feeds_by_contact.get(contact_id, {}).values():
                    if feed.active:
                        feed.active = False
                        report.feeds_removed += 1
    return report
