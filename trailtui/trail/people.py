"""Every current contact as the people view lists them, and the view's orders.

A person is on the list whether or not they have a feed or a trail: people
who publish nothing still have a cadence (plain data, no UI).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from trailtui.store import Store, queries
from trailtui.store.people import Tally, tallies, whole_trail
from trailtui.store.records import ContactRecord, TrailRecord
from trailtui.trail.cadence import DAY, SNOOZE_KIND, TOUCH_KINDS, Health, Rhythm, contact_rhythm


@dataclass(frozen=True)
class Person:
    """One row of the people view."""

    contact: ContactRecord
    rhythm: Rhythm
    feed_count: int
    unread: int
    last_trail_kind: str | None  # the newest active trail, of any kind (notes too)
    last_trail_at: int | None

    @property
    def id(self) -> str:
        return self.contact.id

    @property
    def name(self) -> str:
        return self.contact.name

    def days_until_due(self, at: int) -> int | None:
        """Whole days left before the person is due (None once due, or never touched)."""
        due_at = self.rhythm.due_at
        if due_at is None or at >= due_at:
            return None
        return max(1, (due_at - at) // DAY)  # as the card counts them


class Order(StrEnum):
    """How the people view is sorted; `next` cycles through them."""

    DUE = "due"
    NAME = "name"
    LAST_TRAIL = "last trail"

    @property
    def explained(self) -> str:
        return _EXPLAINED[self]

    @property
    def next(self) -> Order:
        orders = list(Order)
        return orders[(orders.index(self) + 1) % len(orders)]


_EXPLAINED = {
    Order.DUE: "most overdue first, then never touched, then due, then fresh (and snoozed)",
    Order.NAME: "A to Z",
    Order.LAST_TRAIL: "most recent trail first, no trail yet last",
}


def _due_key(person: Person) -> tuple[int, int, str]:
    """Overdue first (the longest past due first): a relationship slipping.
    Then those never touched: a first trail is owed, but no date says how
    late it is. Then due, then fresh, each by its due date. A never-touched
    person snoozed for now waits with the fresh ones, until the snooze ends."""
    rhythm, name = person.rhythm, person.name.casefold()
    if rhythm.health is Health.NEVER:
        if rhythm.snoozed_until is not None:
            return (3, rhythm.snoozed_until, name)
        return (1, 0, name)
    group = {Health.OVERDUE: 0, Health.DUE: 2, Health.FRESH: 3}[rhythm.health]
    return (group, rhythm.due_at or 0, name)


def sort_people(people: Iterable[Person], order: Order) -> list[Person]:
    if order is Order.DUE:
        return sorted(people, key=_due_key)
    by_name = sorted(people, key=lambda p: (p.name.casefold(), p.id))
    if order is Order.NAME:
        return by_name
    # Stable: people with the same last trail time (or none) stay A to Z.
    return sorted(by_name, key=lambda p: -(p.last_trail_at or -1))


def matching(people: Iterable[Person], text: str) -> list[Person]:
    """The people whose name holds `text` (any case; every word, in any order)."""
    words = text.casefold().split()
    return [p for p in people if all(word in p.name.casefold() for word in words)]


def _person(contact: ContactRecord, tally: Tally, at: int) -> Person:
    return Person(
        contact=replace(contact, feed_count=tally.feed_count),
        rhythm=contact_rhythm(contact, tally.last_touch_at, at, snoozed=tally.snoozed),
        feed_count=tally.feed_count,
        unread=tally.unread,
        last_trail_kind=tally.last_trail_kind,
        last_trail_at=tally.last_trail_at,
    )


def people(store: Store, *, at: int, order: Order = Order.DUE) -> list[Person]:
    """Every current contact, with or without feeds or trails, in `order`."""
    found = tallies(store, touch_kinds=TOUCH_KINDS, snooze_kind=SNOOZE_KIND)
    listed = [_person(c, found.get(c.id, Tally()), at) for c in queries.contacts(store)]
    return sort_people(listed, order)


def person(store: Store, contact_id: str, *, at: int) -> Person | None:
    """One person as `people` lists them (after a trail: the row again)."""
    contact = queries.contact(store, contact_id)
    if contact is None or contact.archived:
        return None
    found = tallies(store, touch_kinds=TOUCH_KINDS, contact_id=contact_id, snooze_kind=SNOOZE_KIND)
    return _person(contact, found.get(contact_id, Tally()), at)


@dataclass(frozen=True)
class Timeline:
    """A person's whole trail, newest first, undone trails included."""

    contact: ContactRecord
    trail: list[TrailRecord]

    @property
    def undone(self) -> int:
        return sum(1 for t in self.trail if t.undone_at is not None)


def timeline(store: Store, contact_id: str) -> Timeline | None:
    contact = queries.contact(store, contact_id)
    if contact is None:
        return None
    return Timeline(contact, whole_trail(store, contact_id))
