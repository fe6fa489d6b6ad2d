"""Drafts: words being written to someone, kept until posted or discarded.

One open draft per person and post (or per person, about no post): saving
without a draft's id finds the open one first. Posting is one write
transaction: the body saved, the trail written (its text the body), the
draft marked posted; a posted draft is never posted again, so a second press
records nothing. The trail a posted draft made is found again without a
column of its own: the engagement of that person, post and text, created at
the moment the draft was posted (its `updated_at`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from trailtui.store.db import Store, now
from trailtui.store.dialects import NO_KEY_UPDATE
from trailtui.store.errors import StoreError
from trailtui.store.models import ContactRow, DraftRow, EngagementRow, EntryRow
from trailtui.store.records import TrailWrite
from trailtui.store.writes import insert_engagement

OPEN = "open"
POSTED = "posted"
DISCARDED = "discarded"


class EmptyDraft(StoreError):
    """Posting a draft with no words in it: nothing is recorded."""


@dataclass(frozen=True)
class DraftRecord:
    id: int
    contact_id: str
    entry_id: int | None  # None: about the person, no post
    template: str | None  # the key of the template it was started from
    body: str
    created_at: int
    updated_at: int
    status: str  # OPEN, POSTED, DISCARDED
    contact_name: str = ""
    entry_title: str | None = None
    entry_link: str | None = None
    engagement_id: int | None = None  # the trail a posted draft made


@dataclass(frozen=True)
class PostResult:
    draft: DraftRecord
    trail: TrailWrite
    already: bool  # the draft was already posted: nothing new was recorded


def open_draft_for(store: Store, contact_id: str, entry_id: int | None) -> DraftRecord | None:
    """The newest open draft for this person and post (entry None: about the person)."""
    with store.read() as session:
        row = _open_row(session, contact_id, entry_id)
        return _record(session, row) if row is not None else None


def draft(store: Store, draft_id: int) -> DraftRecord | None:
    with store.read() as session:
        row = session.get(DraftRow, draft_id)
        return _record(session, row) if row is not None else None


def open_drafts(store: Store) -> list[DraftRecord]:
    """Every open draft, the one written to last first, with its person and post."""
    query = (
        select(DraftRow, ContactRow.name, EntryRow.title, EntryRow.link)
        .join(ContactRow, DraftRow.contact_id == ContactRow.id)
        .outerjoin(EntryRow, DraftRow.entry_id == EntryRow.id)
        .where(DraftRow.status == OPEN)
        .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
    )
    with store.read() as session:
        return [
            _plain(row, name, title, link, None)
            for row, name, title, link in session.execute(query)
        ]


def oldest_first(drafts: list[DraftRecord]) -> list[DraftRecord]:
    """`open_drafts` the other way round: the longest untouched first."""
    return drafts[::-1]


def save_draft(
    store: Store,
    *,
    draft_id: int | None,
    contact_id: str,
    entry_id: int | None,
    template: str | None,
    body: str,
    at: int | None = None,
) -> DraftRecord:
    """Keep a draft's words.

    draft_id None: the open draft for (contact, entry) is updated if there is
    one, else a new one is made. A draft already posted or discarded is
    returned as it is: nothing changes (a late autosave cannot reopen it)."""
    stamp = at if at is not None else now()
    with _writing(store, "save the draft") as session:
        row = _draft_to_write(session, draft_id, contact_id, entry_id)
        if row is None:
            row = _new_row(session, contact_id, entry_id, template, body, stamp)
        elif row.status == OPEN:
            row.body = body
            row.template = template
            row.updated_at = stamp
        session.flush()
        return _record(session, row)


def discard_draft(store: Store, draft_id: int) -> bool:
    """Discard an open draft; False if there is none by that id (gone, posted
    or discarded already)."""
    with _writing(store, "discard the draft") as session:
        row = session.get(DraftRow, draft_id)
        if row is None or row.status != OPEN:
            return False
        row.status = DISCARDED
        row.updated_at = now()
        return True


def post_draft(
    store: Store,
    *,
    draft_id: int | None,
    contact_id: str,
    entry_id: int | None,
    template: str | None,
    body: str,
    kind: str,
    at: int | None = None,
) -> PostResult:
    """Record the draft as a trail of `kind` holding its text, and mark it posted.

    One write transaction: the body saved, the draft marked posted, the
    engagement written (its entry becomes read); if any part fails, none is
    kept, and the words are then saved as the open draft they were. A draft
    already posted records nothing (`already`, with the trail it made), and
    so does posting the same words to the same person and post again with
    no draft id. Raises EmptyDraft for a draft with no words."""
    text = body.strip()
    if not text:
        raise EmptyDraft("nothing to post: the draft is empty")
    stamp = at if at is not None else now()
    try:
        with _writing(store, "post the draft") as session:
            row = _draft_to_write(session, draft_id, contact_id, entry_id)
            if row is None and draft_id is None:
                row = _posted_with(session, contact_id, entry_id, text)
            if row is not None and row.status == POSTED:
                return _already(session, row)
            if row is None or row.status != OPEN:
                row = _new_row(session, contact_id, entry_id, template, body, stamp)
            row.body = body
            row.template = template
            row.updated_at = stamp
            row.status = POSTED
            session.flush()
            trail = _add_trail(session, row, kind, text, stamp)
            return PostResult(_record(session, row, trail.engagement.id), trail, already=False)
    except EmptyDraft:
        raise
    except StoreError:
        _keep_words(store, draft_id, contact_id, entry_id, template, body)
        raise


@contextmanager
def _writing(store: Store, doing: str) -> Iterator[Session]:
    """A write transaction whose database errors (a constraint, a trigger, a
    lost connection) become a StoreError that says what could not be done."""
    try:
        with store.write() as session:
            yield session
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"cannot {doing}: {reason}") from None


def _keep_words(
    store: Store,
    draft_id: int | None,
    contact_id: str,
    entry_id: int | None,
    template: str | None,
    body: str,
) -> None:
    """After a failed post, keep what was written as the open draft (if the
    database takes even that; the post's own error is the one to tell)."""
    with suppress(StoreError):
        save_draft(
            store,
            draft_id=draft_id,
            contact_id=contact_id,
            entry_id=entry_id,
            template=template,
            body=body,
        )


def _about(entry_id: int | None) -> ColumnElement[bool]:
    return DraftRow.entry_id.is_(None) if entry_id is None else DraftRow.entry_id == entry_id


def _open_row(session: Session, contact_id: str, entry_id: int | None) -> DraftRow | None:
    return session.scalars(
        select(DraftRow)
        .where(DraftRow.contact_id == contact_id, _about(entry_id), DraftRow.status == OPEN)
        .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
        .limit(1)
    ).first()


def _draft_to_write(
    session: Session, draft_id: int | None, contact_id: str, entry_id: int | None
) -> DraftRow | None:
    """The draft a save or a post writes to: the one named, else the open one
    for (contact, entry). The contact's row is locked first (PostgreSQL), so
    two clients cannot both find no open draft and both make one (SQLite's
    write transaction already holds the database's one write lock)."""
    if session.get(ContactRow, contact_id, with_for_update=NO_KEY_UPDATE) is None:
        raise StoreError(f"no contact with id {contact_id!r}")
    if entry_id is not None and session.get(EntryRow, entry_id) is None:
        raise StoreError(f"no entry with id {entry_id}")
    if draft_id is not None:
        row = session.get(DraftRow, draft_id)
        if row is not None:
            return row
    return _open_row(session, contact_id, entry_id)


def _new_row(
    session: Session,
    contact_id: str,
    entry_id: int | None,
    template: str | None,
    body: str,
    stamp: int,
) -> DraftRow:
    row = DraftRow(
        contact_id=contact_id,
        entry_id=entry_id,
        template=template,
        body=body,
        created_at=stamp,
        updated_at=stamp,
        status=OPEN,
    )
    session.add(row)
    return row


def _posted_with(
    session: Session, contact_id: str, entry_id: int | None, text: str
) -> DraftRow | None:
    """The last posted draft for (contact, entry), if it holds these words:
    a second post of what was just posted, without the draft's id."""
    row = session.scalars(
        select(DraftRow)
        .where(DraftRow.contact_id == contact_id, _about(entry_id), DraftRow.status == POSTED)
        .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
        .limit(1)
    ).first()
    return row if row is not None and row.body.strip() == text else None


def _add_trail(session: Session, row: DraftRow, kind: str, text: str, stamp: int) -> TrailWrite:
    """The engagement a post records, in the post's transaction."""
    entry = session.get(EntryRow, row.entry_id) if row.entry_id is not None else None
    return insert_engagement(session, row.contact_id, kind, entry=entry, text=text, at=stamp)


def _made_trail(session: Session, row: DraftRow) -> EngagementRow | None:
    """The engagement a posted draft made (see the module's docstring)."""
    if row.status != POSTED:
        return None
    entry = (
        EngagementRow.entry_id.is_(None)
        if row.entry_id is None
        else EngagementRow.entry_id == row.entry_id
    )
    return session.scalars(
        select(EngagementRow)
        .where(
            EngagementRow.contact_id == row.contact_id,
            entry,
            EngagementRow.text == row.body.strip(),
            EngagementRow.created_at == row.updated_at,
        )
        .order_by(EngagementRow.id)
        .limit(1)
    ).first()


def _already(session: Session, row: DraftRow) -> PostResult:
    made = _made_trail(session, row)
    if made is None:  # the trail was made by hand, or its entry is gone
        raise StoreError("this draft was posted, but its trail is not found")
    entry = session.get(EntryRow, made.entry_id) if made.entry_id is not None else None
    title = entry.title if entry is not None else None
    record = _record(session, row, made.id)
    return PostResult(record, TrailWrite(made.record(title), created=False), already=True)


def _record(session: Session, row: DraftRow, engagement_id: int | None = None) -> DraftRecord:
    contact = session.get(ContactRow, row.contact_id)
    entry = session.get(EntryRow, row.entry_id) if row.entry_id is not None else None
    if engagement_id is None and row.status == POSTED:
        made = _made_trail(session, row)
        engagement_id = made.id if made is not None else None
    return _plain(
        row,
        contact.name if contact is not None else "",
        entry.title if entry is not None else None,
        entry.link if entry is not None else None,
        engagement_id,
    )


def _plain(
    row: DraftRow,
    contact_name: str,
    entry_title: str | None,
    entry_link: str | None,
    engagement_id: int | None,
) -> DraftRecord:
    return DraftRecord(
        id=row.id,
        contact_id=row.contact_id,
        entry_id=row.entry_id,
        template=row.template,
        body=row.body,
        created_at=row.created_at,
        updated_at=row.updated_at,
        status=row.status,
        contact_name=contact_name,
        entry_title=entry_title,
        entry_link=entry_link,
        engagement_id=engagement_id,
    )
