"""Writes the user makes: trail entries and read marks."""

from __future__ import annotations

from sqlalchemy import select, update

from trailtui.store.db import Store, now
from trailtui.store.errors import StoreError
from trailtui.store.models import ContactRow, EngagementRow, EntryRow
from trailtui.store.records import EngagementRecord


def add_engagement(
    store: Store,
    contact_id: str,
    kind: str,
    *,
    entry_id: int | None = None,
    text: str | None = None,
    at: int | None = None,
) -> EngagementRecord:
    """Append to the trail; the entry it is about (if any) becomes read."""
    stamp = at if at is not None else now()
    with store.write() as session:
        if session.get(ContactRow, contact_id) is None:
            raise StoreError(f"no contact with id {contact_id!r}")
        title = None
        if entry_id is not None:
            entry = session.get(EntryRow, entry_id)
            if entry is None:
                raise StoreError(f"no entry with id {entry_id}")
            title = entry.title
            if entry.read_at is None:
                entry.read_at = stamp
        row = EngagementRow(
            contact_id=contact_id, entry_id=entry_id, kind=kind, text=text, created_at=stamp
        )
        session.add(row)
        session.flush()
        return EngagementRecord(
            id=row.id,
            contact_id=contact_id,
            entry_id=entry_id,
            kind=kind,
            text=text,
            created_at=stamp,
            undone=False,
            entry_title=title,
        )


def undo_last_engagement(store: Store) -> EngagementRecord | None:
    """Mark the most recently recorded live engagement as undone (it stays in the log)."""
    with store.write() as session:
        row = session.scalars(
            select(EngagementRow)
            .where(EngagementRow.undone_at.is_(None))
            .order_by(EngagementRow.id.desc())  # the last one left, whatever its date
            .limit(1)
        ).first()
        if row is None:
            return None
        row.undone_at = now()
        return EngagementRecord(
            id=row.id,
            contact_id=row.contact_id,
            entry_id=row.entry_id,
            kind=row.kind,
            text=row.text,
            created_at=row.created_at,
            undone=True,
        )


def set_read(store: Store, entry_id: int, read: bool = True) -> None:
    with store.write() as session:
        session.execute(
            update(EntryRow).where(EntryRow.id == entry_id).values(read_at=now() if read else None)
        )
