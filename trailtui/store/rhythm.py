"""What the weekly review reads beside the trail: the drafts left open."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from trailtui.store.db import Store
from trailtui.store.models import ContactRow, DraftRow, EntryRow

OPEN = "open"


@dataclass(frozen=True)
class OpenDraft:
    id: int
    contact_id: str
    contact_name: str
    entry_title: str | None
    body: str
    updated_at: int


def open_drafts(store: Store) -> list[OpenDraft]:
    """Every draft still open, the longest untouched first."""
    query = (
        select(DraftRow, ContactRow.name, EntryRow.title)
        .join(ContactRow, DraftRow.contact_id == ContactRow.id)
        .outerjoin(EntryRow, DraftRow.entry_id == EntryRow.id)
        .where(DraftRow.status == OPEN)
        .order_by(DraftRow.updated_at, DraftRow.id)
    )
    with store.read() as session:
        return [
            OpenDraft(row.id, row.contact_id, name, title, row.body, row.updated_at)
            for row, name, title in session.execute(query)
        ]
