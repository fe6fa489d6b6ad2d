"""Read queries: the merged feed, contacts, the trail, headline counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from trailtui.store.db import Store
from trailtui.store.models import ContactRow, EngagementRow, EntryRow, FeedRow
from trailtui.store.records import (
    ContactRecord,
    Counts,
    EngagementRecord,
    EntryDetail,
    EntryFilter,
    EntryRecord,
    FeedCounts,
    FeedHealth,
    FeedState,
    FilterChoices,
    PageCursor,
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


def shown_conditions(
    session: Session, where: EntryFilter | None, *, feeds_lead: bool = True
) -> list[ColumnElement[bool]] | None:
    """Conditions on `entry` alone for what the merged feed shows under
    `where`: entries of active feeds of current contacts, then every part of
    the filter. None when no contact can match (nothing to ask the database).

    feeds_lead=False: the feed condition must not lead the plan (it is read
    through `+ 0`, which no index answers). SQLite would otherwise look the
    entries up feed by feed: right for counts, or for one person's page, but
    for a page of everyone (or of a tier) it then sorts tens of thousands
    of them, and for a search's few hundred ids it reads every entry."""
    where = where or EntryFilter()
    feeds = (
        select(FeedRow.id)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .where(FeedRow.active.is_(True), ContactRow.archived.is_(False))
    )
    if where.contact_id is not None:
        feeds = feeds.where(FeedRow.contact_id == where.contact_id)
    if where.tier is not None or where.circle is not None or where.tag is not None:
        people = _people_matching(session, where)
        if not people:
            return None
        feeds = feeds.where(FeedRow.contact_id.in_(people))
    listed = feeds.scalar_subquery()
    if feeds_lead:
        in_feeds = EntryRow.feed_id.in_(listed)
    else:
        in_feeds = (EntryRow.feed_id + literal_column("0")).in_(listed)
    conditions: list[ColumnElement[bool]] = [in_feeds]
    if where.unread_only:
        conditions.append(EntryRow.read_at.is_(None))
    if where.starred_only:
        # `= true` (not `IS 1`): the words of the partial index ix_entry_starred.
        conditions.append(EntryRow.starred == true())
    return conditions


def _people_matching(session: Session, where: EntryFilter) -> list[str]:
    """Current contacts of the filter's tier, circle and tag. Those live in
    the contact's JSON profile: a few hundred rows, read here rather than
    asked of each database's JSON functions."""
    found = []
    for contact_id, data in session.execute(
        select(ContactRow.id, ContactRow.data).where(ContactRow.archived.is_(False))
    ):
        data = data or {}
        if where.tier is not None and data.get("tier") != where.tier:
            continue
        if where.circle is not None and where.circle not in data.get("circles", ()):
            continue
        if where.tag is not None and where.tag not in data.get("tags", ()):
            continue
        found.append(contact_id)
    return found


def with_contact(where: EntryFilter | None, contact_id: str | None) -> EntryFilter | None:
    """`where`, narrowed to one contact as the older `contact_id=` argument asks."""
    if contact_id is None:
        return where
    base = where or EntryFilter()
    if base.contact_id not in (None, contact_id):
        return EntryFilter(contact_id="")  # two different people: nobody
    return replace(base, contact_id=contact_id)


def entries_with_feeds() -> Select[Any]:
    """SELECT what an EntryRecord is made of, FROM entry and its feed and contact."""
    return (
        select(*ENTRY_COLUMNS)
        .select_from(EntryRow)
        .join(FeedRow, EntryRow.feed_id == FeedRow.id)
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
    )


# What an EntryRecord is made of (`entry_records` reads rows of these).
ENTRY_COLUMNS: tuple[Any, ...] = (
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
    EntryRow.starred,
)


def entry_records(session: Session, rows: Sequence[Sequence[Any]]) -> list[EntryRecord]:
    """Rows of `ENTRY_COLUMNS` as records, each with its trail marks."""
    marks = trail_marks(session, [r[0] for r in rows])
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
            starred=bool(r[10]),
            marks=marks.get(r[0], ()),
        )
        for r in rows
    ]


def merged_feed(
    store: Store,
    *,
    limit: int = DEFAULT_PAGE,
    contact_id: str | None = None,
    where: EntryFilter | None = None,
    older_than: PageCursor | None = None,
    newer_than: PageCursor | None = None,
) -> list[EntryRecord]:
    """Entries of active feeds of current contacts, newest first (date, then id).

    older_than: the page after that place (the next page down); newer_than:
    the `limit` entries just before it (what arrived above the top row; the
    nearest ones, so the list stays whole: ask again from the new top for
    more), still newest first. `where` narrows what is shown."""
    where = with_contact(where, contact_id)
    with store.read() as session:
        # One person's few feeds may lead; otherwise an order index does
        # (ix_entry_recent, or the unread or starred one), checking each
        # entry's feed in the index itself.
        one_person = where is not None and where.contact_id is not None
        conditions = shown_conditions(session, where, feeds_lead=one_person)
        if conditions is None:
            return []
        # The page is chosen on `entry` alone (its indexes hold all it needs),
        # then joined to its feeds and contacts.
        page = select(EntryRow.id).where(*conditions)
        place = tuple_(EntryRow.sort_ts, EntryRow.id)
        if older_than is not None:
            page = page.where(place < tuple_(literal(older_than.sort_ts), literal(older_than.id)))
        if newer_than is not None:
            page = page.where(place > tuple_(literal(newer_than.sort_ts), literal(newer_than.id)))
        # Above a cursor (and nothing below): the nearest first, turned round after.
        upward = newer_than is not None and older_than is None
        if upward:
            page = page.order_by(EntryRow.sort_ts, EntryRow.id)
        else:
            page = page.order_by(EntryRow.sort_ts.desc(), EntryRow.id.desc())
        chosen = page.limit(limit).subquery()
        query = (
            entries_with_feeds()
            .join(chosen, chosen.c.id == EntryRow.id)
            .order_by(EntryRow.sort_ts.desc(), EntryRow.id.desc())
        )
        return entry_records(session, session.execute(query).all())


_MARKS_CHUNK = 500  # ids per IN (...): under every database's variable limit


def trail_marks(session: Session, entry_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Per entry, the kinds of its active (not undone) trails, each once, in
    the order they were first left."""
    marks: dict[int, list[str]] = {}
    for start in range(0, len(entry_ids), _MARKS_CHUNK):
        chunk = entry_ids[start : start + _MARKS_CHUNK]
        first = func.min(EngagementRow.id)
        query = (
            select(EngagementRow.entry_id, EngagementRow.kind, first)
            .where(EngagementRow.entry_id.in_(chunk), EngagementRow.undone_at.is_(None))
            .group_by(EngagementRow.entry_id, EngagementRow.kind)
            .order_by(first)
        )
        for entry_id, kind, _ in session.execute(query):
            if entry_id is not None:  # always, by the IN: for the type checker
                marks.setdefault(entry_id, []).append(kind)
    return {entry_id: tuple(kinds) for entry_id, kinds in marks.items()}


def feed_counts(store: Store, where: EntryFilter | None = None) -> FeedCounts:
    """How many entries `where` shows, and how many of them are unread, starred."""
    unread = func.sum(case((EntryRow.read_at.is_(None), 1), else_=0))
    starred = func.sum(case((EntryRow.starred.is_(True), 1), else_=0))
    with store.read() as session:
        conditions = shown_conditions(session, where)
        if conditions is None:
            return FeedCounts(0, 0, 0)
        query = select(func.count(), unread, starred).select_from(EntryRow).where(*conditions)
        total, unread_n, starred_n = session.execute(query).one()
        return FeedCounts(int(total or 0), int(unread_n or 0), int(starred_n or 0))


def filter_choices(store: Store) -> FilterChoices:
    """The tiers, circles and tags current contacts have, each sorted."""
    tiers: set[str] = set()
    circles: set[str] = set()
    tags: set[str] = set()
    with store.read() as session:
        for data in session.scalars(select(ContactRow.data).where(ContactRow.archived.is_(False))):
            data = data or {}
            if data.get("tier"):
                tiers.add(data["tier"])
            circles.update(data.get("circles", ()))
            tags.update(data.get("tags", ()))
    return FilterChoices(tuple(sorted(tiers)), tuple(sorted(circles)), tuple(sorted(tags)))


def entry_detail(store: Store, entry_id: int) -> EntryDetail | None:
    """One entry with its text, for the reader (None if it is gone)."""
    query = entries_with_feeds().add_columns(
        EntryRow.summary,
        EntryRow.content,
        EntryRow.published_at,
        EntryRow.updated_at,
        FeedRow.title,
        func.coalesce(FeedRow.resolved_url, FeedRow.url),
    )
    with store.read() as session:
        row = session.execute(query.where(EntryRow.id == entry_id)).first()
        if row is None:
            return None
        (entry,) = entry_records(session, [row])
        summary, content, published_at, updated_at, feed_title, feed_url = row[len(ENTRY_COLUMNS) :]
        return EntryDetail(
            entry=entry,
            summary=summary,
            content=content,
            published_at=published_at,
            updated_at=updated_at,
            feed_title=feed_title,
            feed_url=feed_url,
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


def feed_health(store: Store, *, contact_id: str | None = None) -> list[FeedHealth]:
    """Active feeds with their health: every current contact's, failing first;
    or one contact's (`contact_id`), in the order they were listed."""
    entry_counts = select(EntryRow.feed_id, func.count(EntryRow.id).label("n"))
    if contact_id is not None:
        entry_counts = entry_counts.join(FeedRow, EntryRow.feed_id == FeedRow.id).where(
            FeedRow.contact_id == contact_id
        )
    counted = entry_counts.group_by(EntryRow.feed_id).subquery()
    query = (
        select(FeedRow, ContactRow.name, func.coalesce(counted.c.n, 0))
        .join(ContactRow, FeedRow.contact_id == ContactRow.id)
        .outerjoin(counted, counted.c.feed_id == FeedRow.id)
        .where(FeedRow.active.is_(True))
    )
    if contact_id is not None:
        query = query.where(FeedRow.contact_id == contact_id).order_by(FeedRow.id)
    else:
        query = query.where(ContactRow.archived.is_(False)).order_by(
            FeedRow.failures.desc(), ContactRow.name
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
