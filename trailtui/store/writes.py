"""Writes the user makes: trail entries, read marks and stars."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from trailtui.store.db import Store, now
from trailtui.store.dialects import NO_KEY_UPDATE
from trailtui.store.errors import StoreError
from trailtui.store.models import ContactRow, EngagementRow, EntryRow
from trailtui.store.queries import shown_conditions
from trailtui.store.records import EntryFilter, TrailWrite, Undone

# Ids per UPDATE ... IN (...): under every database's limit on bound values.
ID_CHUNK = 500


def add_engagement(
    store: Store,
    contact_id: str,
    kind: str,
    *,
    entry_id: int | None = None,
    text: str | None = None,
    at: int | None = None,
    once_per_entry: bool = False,
) -> TrailWrite:
    """Append to the trail; the entry it is about (if any) becomes read.

    once_per_entry: if an active trail of this kind is already on this entry,
    record nothing and return that one (`created` False). The check and the
    insert share one write transaction, and the entry's row is locked first
    (`FOR NO KEY UPDATE`; SQLite's write lock already is), so two clients cannot both
    add one: on PostgreSQL the second waits for the first to commit, then
    sees its trail."""
    stamp = at if at is not None else now()
    with store.write() as session:
        if session.get(ContactRow, contact_id) is None:
            raise StoreError(f"no contact with id {contact_id!r}")
        entry = None
        if entry_id is not None:
            entry = session.get(EntryRow, entry_id, with_for_update=NO_KEY_UPDATE)
            if entry is None:
                raise StoreError(f"no entry with id {entry_id}")
            if once_per_entry:
                existing = session.scalars(
                    select(EngagementRow)
                    .where(
                        EngagementRow.entry_id == entry_id,
                        EngagementRow.kind == kind,
                        EngagementRow.undone_at.is_(None),
                    )
                    .order_by(EngagementRow.id)
                    .limit(1)
                ).first()
                if existing is not None:
                    return TrailWrite(existing.record(entry.title), created=False)
        return insert_engagement(session, contact_id, kind, entry=entry, text=text, at=stamp)


def insert_engagement(
    session: Session,
    contact_id: str,
    kind: str,
    *,
    entry: EntryRow | None,
    text: str | None,
    at: int,
) -> TrailWrite:
    """Write one trail in the caller's transaction (a draft's post has its
    own): the entry it is about becomes read, and the trail remembers that
    it marked it (so undo marks it unread again)."""
    marked_read = False
    if entry is not None and entry.read_at is None:
        entry.read_at = at
        marked_read = True
    row = EngagementRow(
        contact_id=contact_id,
        entry_id=entry.id if entry is not None else None,
        kind=kind,
        text=text,
        created_at=at,
        marked_read=marked_read,
    )
    session.add(row)
    session.flush()
    return TrailWrite(row.record(entry.title if entry is not None else None), created=True)


def undo_last_engagement(store: Store, *, among: Collection[int] | None = None) -> Undone | None:
    """Mark the most recently recorded live engagement as undone (it stays in the
    log), and undo what it did: an entry it marked read is unread again, unless
    it was marked read or unread since.

    among: only one of these (the trails this run left: on a database another
    machine shares, its trails are not ours to undo)."""
    if among is not None and not among:
        return None
    with store.write() as session:
        live: list[ColumnElement[bool]] = [EngagementRow.undone_at.is_(None)]
        if among is not None:
            live.append(EngagementRow.id.in_(list(among)))
        row = session.scalars(
            select(EngagementRow)
            .where(*live)
            .order_by(EngagementRow.id.desc())  # the last one left, whatever its date
            .limit(1)
            .with_for_update(key_share=True)  # two clients' undos never undo one trail twice
        ).first()
        if row is None:
            return None
        row.undone_at = now()
        entry = session.get(EntryRow, row.entry_id) if row.entry_id is not None else None
        unread = False
        if entry is not None and row.marked_read and entry.read_at == row.created_at:
            entry.read_at = None
            unread = True
        return Undone(row.record(entry.title if entry else None), entry_unread=unread)


def set_read(store: Store, entry_id: int, read: bool = True) -> None:
    with store.write() as session:
        session.execute(
            update(EntryRow).where(EntryRow.id == entry_id).values(read_at=now() if read else None)
        )


def set_starred(store: Store, entry_id: int, starred: bool) -> None:
    with store.write() as session:
        session.execute(update(EntryRow).where(EntryRow.id == entry_id).values(starred=starred))


def mark_read_where(store: Store, where: EntryFilter | None) -> list[int]:
    """Mark read (now) every unread entry that `where` shows, in one write
    transaction; returns their ids, for `set_read_ids` to undo."""
    stamp = now()
    with store.write() as session:
        conditions = shown_conditions(session, where)
        if conditions is None:
            return []
        unread = select(EntryRow.id).where(*conditions, EntryRow.read_at.is_(None))
        ids = list(session.scalars(unread))
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            session.execute(update(EntryRow).where(EntryRow.id.in_(chunk)).values(read_at=stamp))
        return ids


def set_read_ids(store: Store, ids: Sequence[int], read: bool) -> int:
    """Mark these entries read (now) or unread; returns how many changed
    (those already so, or gone, are not counted)."""
    stamp = now()
    changed = 0
    with store.write() as session:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = list(ids[start : start + ID_CHUNK])
            target = EntryRow.read_at.is_(None) if read else EntryRow.read_at.is_not(None)
            result = session.execute(
                update(EntryRow)
                .where(EntryRow.id.in_(chunk), target)
                .values(read_at=stamp if read else None)
            )
            changed += result.rowcount  # type: ignore[attr-defined]
    return changed
