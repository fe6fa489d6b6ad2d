"""Per-person facts for the people view and the card, in grouped queries.

One query per fact for every contact at once, never one per person: the
people view stays as quick with 300 contacts as with 3. The store knows no
trail kinds: which kinds keep in touch is passed in (as `queries.last_touch_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from trailtui.store import queries
from trailtui.store.db import Store
from trailtui.store.models import ContactRow, EngagementRow, EntryRow, FeedRow
from trailtui.store.records import FeedHealth, TrailRecord


@dataclass(frozen=True)
class Tally:
    """What the trail and the feeds hold about one contact."""

    feed_count: int = 0  # active feeds
    unread: int = 0  # unread entries of those feeds
    last_touch_at: int | None = None  # the newest active trail of a touch kind
    last_trail_kind: str | None = None  # the newest active trail of any kind
    last_trail_at: int | None = None
    snoozed: str | None = None  # the newest active snooze's end (YYYY-MM-DD)


def tallies(
    store: Store,
    *,
    touch_kinds: tuple[str, ...],
    contact_id: str | None = None,
    snooze_kind: str | None = None,
) -> dict[str, Tally]:
    """Per contact id (every contact, or just `contact_id`), its Tally. A
    contact with no feed and no trail is absent: its Tally is `Tally()`.
    Trails of `snooze_kind` are snoozes: not the last trail, but `snoozed`."""
    feed_counts = (
        select(FeedRow.contact_id, func.count(FeedRow.id))
        .where(FeedRow.active.is_(True))
        .group_by(FeedRow.contact_id)
    )
    unread = (
        select(FeedRow.contact_id, func.count(EntryRow.id))
        .join(EntryRow, EntryRow.feed_id == FeedRow.id)
        .where(FeedRow.active.is_(True), EntryRow.read_at.is_(None))
        .group_by(FeedRow.contact_id)
    )
    touched = (
        select(EngagementRow.contact_id, func.max(EngagementRow.created_at))
        .where(EngagementRow.undone_at.is_(None), EngagementRow.kind.in_(touch_kinds))
        .group_by(EngagementRow.contact_id)
    )
    # The newest active trail per contact: the first of each contact's rows
    # in the order the trail is read (a window, so any SQL database runs it).
    # Snoozes are ranked apart in the same query: the newest is the snooze.
    is_snooze = EngagementRow.kind == (snooze_kind or "")
    ranked = (
        select(
            EngagementRow.contact_id,
            EngagementRow.kind,
            EngagementRow.created_at,
            EngagementRow.text,
            func.row_number()
            .over(
                partition_by=(EngagementRow.contact_id, is_snooze),
                order_by=(EngagementRow.created_at.desc(), EngagementRow.id.desc()),
            )
            .label("n"),
        )
        .where(EngagementRow.undone_at.is_(None))
        .subquery()
    )
    last = select(ranked.c.contact_id, ranked.c.kind, ranked.c.created_at, ranked.c.text).where(
        ranked.c.n == 1
    )
    if contact_id is not None:
        feed_counts = feed_counts.where(FeedRow.contact_id == contact_id)
        unread = unread.where(FeedRow.contact_id == contact_id)
        touched = touched.where(EngagementRow.contact_id == contact_id)
        last = last.where(ranked.c.contact_id == contact_id)
    with store.read() as session:
        feeds = dict(session.execute(feed_counts).all())
        unread_counts = dict(session.execute(unread).all())
        touches = dict(session.execute(touched).all())
        lasts: dict[str, tuple[str, int]] = {}
        snoozed: dict[str, str] = {}
        for ident, kind, at, text in session.execute(last):
            if snooze_kind is not None and kind == snooze_kind:
                if text:
                    snoozed[ident] = text
            else:
                lasts[ident] = (kind, at)
    return {
        ident: Tally(
            feed_count=feeds.get(ident, 0),
            unread=unread_counts.get(ident, 0),
            last_touch_at=touches.get(ident),
            last_trail_kind=lasts[ident][0] if ident in lasts else None,
            last_trail_at=lasts[ident][1] if ident in lasts else None,
            snoozed=snoozed.get(ident),
        )
        for ident in {*feeds, *unread_counts, *touches, *lasts, *snoozed}
    }


def snoozes(store: Store, snooze_kind: str, contact_id: str | None = None) -> dict[str, str]:
    """Per contact id, the `text` (an end date) of its newest active trail of
    `snooze_kind`: the newest snooze wins, a shorter one too."""
    ranked = (
        select(
            EngagementRow.contact_id,
            EngagementRow.text,
            func.row_number()
            .over(
                partition_by=EngagementRow.contact_id,
                order_by=(EngagementRow.created_at.desc(), EngagementRow.id.desc()),
            )
            .label("n"),
        )
        .where(
            EngagementRow.undone_at.is_(None),
            EngagementRow.kind == snooze_kind,
            EngagementRow.text.is_not(None),
        )
        .subquery()
    )
    newest = select(ranked.c.contact_id, ranked.c.text).where(ranked.c.n == 1)
    if contact_id is not None:
        newest = newest.where(ranked.c.contact_id == contact_id)
    with store.read() as session:
        return {str(ident): str(text) for ident, text in session.execute(newest)}


@dataclass(frozen=True)
class TrailFact:
    """One active trail, as the rhythm's counts read it."""

    contact_id: str
    kind: str
    created_at: int
    entry_id: int | None
    text: str | None  # what was said (a snooze: its end date)


def active_trail(
    store: Store, *, since: int | None = None, until: int | None = None
) -> list[TrailFact]:
    """Every trail not undone, oldest first, created in [since, until)."""
    query = select(
        EngagementRow.contact_id,
        EngagementRow.kind,
        EngagementRow.created_at,
        EngagementRow.entry_id,
        EngagementRow.text,
    ).where(EngagementRow.undone_at.is_(None))
    if since is not None:
        query = query.where(EngagementRow.created_at >= since)
    if until is not None:
        query = query.where(EngagementRow.created_at < until)
    query = query.order_by(EngagementRow.created_at, EngagementRow.id)
    with store.read() as session:
        return [TrailFact(*row) for row in session.execute(query)]


def contact_feeds(store: Store, contact_id: str) -> list[FeedHealth]:
    """A contact's active feeds with their health fields, in the order listed."""
    return queries.feed_health(store, contact_id=contact_id)


def whole_trail(store: Store, contact_id: str) -> list[TrailRecord]:
    """Every trail ever left for a contact, undone ones too, newest first."""
    query = (
        select(EngagementRow, ContactRow.name, EntryRow.title, EntryRow.link)
        .join(ContactRow, EngagementRow.contact_id == ContactRow.id)
        .outerjoin(EntryRow, EngagementRow.entry_id == EntryRow.id)
        .where(EngagementRow.contact_id == contact_id)
        .order_by(EngagementRow.created_at.desc(), EngagementRow.id.desc())
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
