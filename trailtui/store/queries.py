"""Read queries: the merged feed, contacts, the trail, headline counts."""

from __future__ import annotations

from sqlalchemy import func, select

from trailtui.store.db import Store
from trailtui.store.models import ContactRow, EngagementRow, EntryRow, FeedRow
from trailtui.store.records import (
    ContactRecord,
    Counts,
    EngagementRecord,
    EntryDetail,
    EntryRecord,
    FeedHealth,
    FeedState,
    TrailRecord,
)

DEFAULT_PAGE = 2_000


def _contact_record(row: ContactRow, feed_count: int = 0) -> ContactRecord:
    data = row.data or {}
    return ContactRecord(
        id=row.id,
        name=row.name,
        archived=row.archived,
        why=data.get("why", ""),
        help=data.get("help", ""),
        cadence_seconds=data.get("cadence_seconds"),
        overdue_seconds=data.get("overdue_seconds"),
        tier=data.get("tier"),
        snooze_until=data.get("snooze_until"),
        circles=tuple(data.get("circles", ())),
        tags=tuple(data.get("tags", ())),
        notes=data.get("notes", ""),
        links=dict(data.get("links", {})),
        feed_count=feed_count,
    )


def merged_feed(
    store: Store, *, limit: int = DEFAULT_PAGE, contact_id: str | None = None
) -> list[EntryRecord]:
    """Entries of active feeds of current contacts, newest first."""
    query = (
        select(
            EntryRow.id,
            EntryRow.feed_id,
            FeedRow.contact_id,
            ContactRow.name,
            EntryRow.title,
            EntryRow.link,
            EntryRow.author,
            EntryRow.sort_ts,
            EntryRow.read_at,
            func.coalesce(FeedRow.label, FeedRow.title, FeedRow.url),
        )
        .join(FeedRow, EntryRow.feed_id == FeedRow.id)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
        .order_by(EntryRow.sort_ts.desc(), EntryRow.id.desc())
        .limit(limit)
    )
    if contact_id is not None:
        query = query.where(FeedRow.contact_id == contact_id)
    with store.read() as session:
        return [
            EntryRecord(
                id=r[0],
                feed_id=r[1],
                contact_id=r[2],
                contact_name=r[3],
                title=r[4],
                link=r[5],
                author=r[6],
                sort_ts=r[7],
                read=r[8] is not None,
                feed_label=r[9],
            )
            for r in session.execute(query)
        ]


def entry_detail(store: Store, entry_id: int) -> EntryDetail | None:
    """One entry with its text, for the reader (None if it is gone)."""
    query = (
        select(EntryRow, FeedRow, ContactRow.name)
        .join(FeedRow, EntryRow.feed_id == FeedRow.id)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(EntryRow.id == entry_id)
    )
    with store.read() as session:
        found = session.execute(query).first()
        if found is None:
            return None
        entry, feed, name = found
        return EntryDetail(
            entry=EntryRecord(
                id=entry.id,
                feed_id=feed.id,
                contact_id=feed.contact_id,
                contact_name=name,
                title=entry.title,
                link=entry.link,
                author=entry.author,
                sort_ts=entry.sort_ts,
                read=entry.read_at is not None,
                feed_label=feed.label or feed.title or feed.url,
                starred=bool(entry.starred),
            ),
            summary=entry.summary,
            content=entry.content,
            published_at=entry.published_at,
            updated_at=entry.updated_at,
            feed_title=feed.title,
            feed_url=feed.resolved_url or feed.url,
        )


def contact(store: Store, contact_id: str) -> ContactRecord | None:
    with store.read() as session:
        row = session.get(ContactRow, contact_id)
        if row is None:
            return None
        feeds = session.scalar(
            select(func.count(FeedRow.id)).where(
                FeedRow.contact_id == contact_id, FeedRow.active.is_(True)
            )
        )
        return _contact_record(row, feeds or 0)


def contacts(store: Store, *, include_archived: bool = False) -> list[ContactRecord]:
    query = select(ContactRow).order_by(ContactRow.name)
    if not include_archived:
        query = query.where(ContactRow.archived.is_(False))
    with store.read() as session:
        return [_contact_record(row) for row in session.scalars(query)]


def trail(store: Store, contact_id: str, *, limit: int = 10) -> list[EngagementRecord]:
    """A contact's most recent engagements, newest first (undone ones included)."""
    query = (
        select(EngagementRow, EntryRow.title)
        .outerjoin(EntryRow, EngagementRow.entry_id == EntryRow.id)
        .where(EngagementRow.contact_id == contact_id)
        .order_by(EngagementRow.created_at.desc(), EngagementRow.id.desc())
        .limit(limit)
    )
    with store.read() as session:
        return [row.record(title) for row, title in session.execute(query)]


def feeds_to_fetch(store: Store, *, at: int, force: bool = False) -> list[FeedState]:
    """Active feeds of current contacts whose next fetch time has come."""
    query = (
        select(FeedRow)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
        .order_by(FeedRow.id)
    )
    if not force:
        query = query.where((FeedRow.next_fetch_at.is_(None)) | (FeedRow.next_fetch_at <= at))
    with store.read() as session:
        return [
            FeedState(
                id=f.id,
                url=f.url,
                contact_id=f.contact_id,
                etag=f.etag,
                last_modified=f.last_modified,
                content_hash=f.content_hash,
                next_fetch_at=f.next_fetch_at,
                failures=f.failures,
                discover=f.discover,
                resolved_url=f.resolved_url,
            )
            for f in session.scalars(query)
        ]


def feed_health(store: Store) -> list[FeedHealth]:
    entry_counts = (
        select(EntryRow.feed_id, func.count(EntryRow.id).label("n"))
        .group_by(EntryRow.feed_id)
        .subquery()
    )
    query = (
        select(FeedRow, ContactRow.name, func.coalesce(entry_counts.c.n, 0))
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .outerjoin(entry_counts, entry_counts.c.feed_id == FeedRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
        .order_by(FeedRow.failures.desc(), ContactRow.name)
    )
    with store.read() as session:
        return [
            FeedHealth(
                id=f.id,
                url=f.url,
                contact_name=name,
                label=f.label,
                title=f.title,
                last_status=f.last_status,
                last_error=f.last_error,
                failures=f.failures,
                last_fetch_at=f.last_fetch_at,
                last_success_at=f.last_success_at,
                entry_count=n,
                moved_to=f.moved_to,
                next_fetch_at=f.next_fetch_at,
                resolved_url=f.resolved_url,
            )
            for f, name, n in session.execute(query)
        ]


def counts(store: Store) -> Counts:
    visible = (
        select(EntryRow.id)
        .join(FeedRow, EntryRow.feed_id == FeedRow.id)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
    )
    active_feeds = (
        select(func.count(FeedRow.id))
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
    )
    with store.read() as session:

        def scalar(query: object) -> int:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]

        return Counts(
            contacts=scalar(
                select(func.count(ContactRow.id)).where(ContactRow.archived.is_(False))
            ),
            archived_contacts=scalar(
                select(func.count(ContactRow.id)).where(ContactRow.archived.is_(True))
            ),
            feeds=scalar(active_feeds),
            entries=scalar(select(func.count()).select_from(visible.subquery())),
            unread=scalar(
                select(func.count()).select_from(
                    visible.where(EntryRow.read_at.is_(None)).subquery()
                )
            ),
            engagements=scalar(
                select(func.count(EngagementRow.id)).where(EngagementRow.undone_at.is_(None))
            ),
            failing_feeds=scalar(active_feeds.where(FeedRow.failures > 0)),
        )


def last_touch_at(store: Store, contact_id: str, *, kinds: tuple[str, ...]) -> int | None:
    """When the contact was last touched by one of these kinds (not undone)."""
    with store.read() as session:
        return session.scalar(
            select(func.max(EngagementRow.created_at)).where(
                EngagementRow.contact_id == contact_id,
                EngagementRow.undone_at.is_(None),
                EngagementRow.kind.in_(kinds),
            )
        )


def full_trail(store: Store) -> list[TrailRecord]:
    """Every engagement ever recorded (undone ones too), oldest first, for export."""
    query = (
        select(EngagementRow, ContactRow.name, EntryRow.title, EntryRow.link)
        .join(ContactRow, EngagementRow.contact_id == ContactRow.id)
        .outerjoin(EntryRow, EngagementRow.entry_id == EntryRow.id)
        .order_by(EngagementRow.created_at, EngagementRow.id)
    )
    with store.read() as session:
        return [
            TrailRecord(
                id=row.id,
                created_at=row.created_at,
                contact_id=row.contact_id,
                contact_name=name,
                kind=row.kind,
                text=row.text,
                entry_title=title,
                entry_link=link,
                undone_at=row.undone_at,
            )
            for row, name, title, link in session.execute(query)
        ]
