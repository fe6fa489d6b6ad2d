"""What the UI and CLI ask of the trail: leave one, and see a contact's card."""

from __future__ import annotations

from dataclasses import dataclass

from trailtui.store import Store, queries, writes
from trailtui.store.db import now
from trailtui.store.people import contact_feeds, snoozes
from trailtui.store.records import ContactRecord, EngagementRecord, FeedHealth, TrailWrite
from trailtui.trail.cadence import SNOOZE_KIND, TOUCH_KINDS, Rhythm, contact_rhythm
from trailtui.trail.kinds import Kind

RECENT_TRAIL = 8


@dataclass(frozen=True)
class ContactCard:
    """Everything the contact panel shows about one person."""

    contact: ContactRecord
    trail: list[EngagementRecord]
    rhythm: Rhythm
    at: int
    feeds: tuple[FeedHealth, ...] = ()  # active ones, as listed


def contact_card(store: Store, contact_id: str, *, at: int | None = None) -> ContactCard | None:
    record = queries.contact(store, contact_id)
    if record is None:
        return None
    stamp = at if at is not None else now()
    touched = queries.last_touch_at(store, contact_id, kinds=TOUCH_KINDS)
    return ContactCard(
        contact=record,
        trail=queries.trail(store, contact_id, limit=RECENT_TRAIL),
        rhythm=contact_rhythm(
            record, touched, stamp, snoozed=snoozes(store, SNOOZE_KIND, contact_id).get(contact_id)
        ),
        at=stamp,
        feeds=tuple(contact_feeds(store, contact_id)),
    )


def leave_trail(
    store: Store,
    contact_id: str,
    kind: Kind,
    *,
    entry_id: int | None = None,
    text: str | None = None,
) -> TrailWrite:
    """Record a trail. On a post, a kind that does not repeat (a like, a share…)
    is recorded once: a second one returns the first, `created` False."""
    text = text.strip() if text else None
    return writes.add_engagement(
        store,
        contact_id,
        kind.value,
        entry_id=entry_id,
        text=text,
        once_per_entry=not kind.repeats,
    )
