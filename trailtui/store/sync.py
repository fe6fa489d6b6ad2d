"""Mirror a contacts file into the database, by stable contact id.

A contact that leaves the YAML is archived, never deleted: its trail stays.
A feed that leaves the YAML is deactivated: its entries stay for the trail
that points at them, but no longer show in the merged feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select

from trailtui.store.db import Store, now
from trailtui.store.dialects import insert_ignoring
from trailtui.store.models import ContactRow, FeedRow

# Per contact: id, name, the `data` the contact row keeps, and its feeds as
# [location, label, discover]. Plain JSON-safe data: the store knows nothing
# of the contacts file (`contacts.rows` makes these from a validated file).
ContactRows = list[dict[str, Any]]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    feeds_added: int = 0
    feeds_removed: int = 0


def sync_rows(store: Store, contacts: ContactRows) -> SyncReport:
    """Mirror the rows of a valid contacts file (`contacts.rows.contact_rows`)."""
    report = SyncReport()
    stamp = now()
    with store.write() as session:
        rows = {row.id: row for row in session.scalars(select(ContactRow))}
        feeds_by_contact: dict[str, dict[str, FeedRow]] = {}
        for feed in session.scalars(select(FeedRow)):
            feeds_by_contact.setdefault(feed.contact_id, {})[feed.url] = feed
        wanted = set()
        # New rows are inserted in bulk, not one by one through the session:
        # a first start mirrors every contact and feed at once.
        new_contacts: list[dict[str, object]] = []
        new_feeds: list[dict[str, object]] = []
        for contact in contacts:
            contact_id, name, data = contact["id"], contact["name"], contact["data"]
            wanted.add(contact_id)
            row = rows.get(contact_id)
            if row is None:
                new_contacts.append(
                    {"id": contact_id, "name": name, "data": data, "synced_at": stamp}
                )
                report.added.append(contact_id)
            else:
                if row.archived:
                    row.archived = False
                    report.restored.append(contact_id)
                if row.name != name or row.data != data:
                    row.name, row.data = name, data
                    report.updated.append(contact_id)
                row.synced_at = stamp
            existing = feeds_by_contact.get(contact_id, {})
            adding: dict[str, dict[str, object]] = {}
            listed = set()
            for location, label, discover in contact["feeds"]:
                listed.add(location)
                known = existing.get(location)
                if location in adding:  # a path listed twice is one feed; the last says
                    adding[location].update(label=label, discover=discover)
                elif known is None:
                    adding[location] = {
                        "contact_id": contact_id,
                        "url": location,
                        "label": label,
                        "discover": discover,
                    }
                    report.feeds_added += 1
                else:
                    known.label = label
                    if known.discover != discover:
                        known.discover, known.resolved_url = discover, None
                    if not known.active:
                        known.active = True
                        report.feeds_added += 1
            new_feeds.extend(adding.values())
            for url, feed in existing.items():
                if url not in listed and feed.active:
                    feed.active = False
                    report.feeds_removed += 1
        # Another client may mirror the same file at the same moment (on
        # PostgreSQL its rows are not locked out of ours): a row it has
        # just added is not added twice, and neither sync fails.
        dialect = session.connection().dialect
        if new_contacts:
            contacts_table = cast(Table, ContactRow.__table__)
            session.execute(insert_ignoring(dialect, contacts_table, ["id"]), new_contacts)
        if new_feeds:
            feeds_table = cast(Table, FeedRow.__table__)
            session.execute(insert_ignoring(dialect, feeds_table, ["contact_id", "url"]), new_feeds)
        for contact_id, row in rows.items():
            if contact_id not in wanted and not row.archived:
                row.archived = True
                report.archived.append(contact_id)
                for feed in feeds_by_contact.get(contact_id, {}).values():
                    if feed.active:
                        feed.active = False
                        report.feeds_removed += 1
    return report
