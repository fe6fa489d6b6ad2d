"""The weekly review: who was touched this week, who was skipped again and
again (with what to change about them), and the drafts left open.

Someone is "skipped again and again" when they are overdue and have been
past due for two weeks or more: two reviews went by without a trail. For
each, three offers: loosen the cadence (twice as long), move them a tier
down (A to B, B to C), or retire them. The review only offers; the screen
asks, and `contacts.retune` writes what the user confirms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from trailtui.contacts.durations import format_duration
from trailtui.contacts.retune import Change, Retune
from trailtui.store import Store
from trailtui.store.drafts import DraftRecord, oldest_first, open_drafts
from trailtui.store.people import active_trail
from trailtui.trail.cadence import DAY, DEFAULT_CADENCE, TOUCH_KINDS, Health
from trailtui.trail.people import Person, people

WEEK = 7 * DAY
SKIPPED_AFTER = 2 * WEEK  # past due this long: two reviews without a trail
NEXT_TIER = {"A": "B", "B": "C"}


@dataclass(frozen=True)
class Touched:
    person: Person
    touches: int  # this week
    kinds: tuple[str, ...]  # the kinds left, most left first


@dataclass(frozen=True)
class Skipped:
    person: Person
    weeks: int  # whole weeks past due
    offers: tuple[Retune, ...]


@dataclass(frozen=True)
class Review:
    at: int
    since: int  # the week reviewed: [since, at)
    touched: list[Touched]
    skipped: list[Skipped]
    drafts: list[DraftRecord]


def offers_for(who: Person) -> tuple[Retune, ...]:
    """Loosen the cadence to twice what it is, move a tier down, or retire."""
    contact = who.contact
    cadence = contact.cadence_seconds or DEFAULT_CADENCE
    looser = format_duration(timedelta(seconds=2 * cadence))
    found = [Retune(contact.id, contact.name, Change.CADENCE, looser)]
    lower = NEXT_TIER.get(contact.tier or "")
    if lower is not None:
        found.append(Retune(contact.id, contact.name, Change.TIER, lower))
    found.append(Retune(contact.id, contact.name, Change.RETIRE))
    return tuple(found)


def skipped_weeks(who: Person, at: int) -> int:
    due_at = who.rhythm.due_at
    if who.rhythm.health is not Health.OVERDUE or due_at is None:
        return 0
    return (at - due_at) // WEEK


def weekly_review(store: Store, at: int) -> Review:
    since = at - WEEK
    everyone = people(store, at=at)
    kinds: dict[str, Counter[str]] = {}
    for fact in active_trail(store, since=since, until=at + 1):
        if fact.kind in TOUCH_KINDS:
            kinds.setdefault(fact.contact_id, Counter())[fact.kind] += 1
    touched = [
        Touched(p, sum(kinds[p.id].values()), tuple(k for k, _ in kinds[p.id].most_common()))
        for p in everyone
        if p.id in kinds
    ]
    touched.sort(key=lambda t: (-t.touches, t.person.name.casefold()))
    skipped = [
        Skipped(p, (at - (p.rhythm.due_at or at)) // WEEK, offers_for(p))
        for p in everyone
        if p.rhythm.health is Health.OVERDUE
        and p.rhythm.due_at is not None
        and at - p.rhythm.due_at >= SKIPPED_AFTER
    ]
    skipped.sort(key=lambda s: (-s.weeks, s.person.name.casefold()))
    return Review(at, since, touched, skipped, oldest_first(open_drafts(store)))
