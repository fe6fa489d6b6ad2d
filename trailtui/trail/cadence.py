"""Who is due: the last active touch plus the contact's cadence.

The one truth about where a person stands. The people view, the card, the
Today queue, the weekly review and `trailtui digest` all ask `rhythm` (or
`standing`, the same rule read from a person's trail marks), with the clock
passed in: nothing here reads the time.

- due = the last active touch + the cadence (the contact's own, else its
  tier's, else the default: resolved when the contacts file is synced);
- fresh before that, due after it, overdue after `overdue_seconds` (the
  contact's max cadence, default twice the cadence), never touched without
  a touch;
- any active trail of a touch kind resets it; notes, reading and snoozes do
  not, and undone trails do not count at all;
- a snooze (from contacts.yaml or from the app) moves the due date, and is
  not a touch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from trailtui.store.records import ContactRecord
from trailtui.trail.kinds import Kind

DAY = 86_400
DEFAULT_CADENCE = 14 * DAY
SNOOZE_KIND = Kind.SNOOZE.value


class Health(StrEnum):
    NEVER = "never touched"
    FRESH = "fresh"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Rhythm:
    health: Health
    last_touch_at: int | None
    due_at: int | None
    snoozed_until: int | None = None  # set only while the snooze lasts

    def days_overdue(self, at: int) -> int:
        if self.due_at is None or at <= self.due_at:
            return 0
        return (at - self.due_at) // DAY

    @property
    def wants_a_trail(self) -> bool:
        """Due, overdue, or never touched and not snoozed: a trail is owed now."""
        if self.health is Health.NEVER:
            return self.snoozed_until is None
        return self.health in (Health.DUE, Health.OVERDUE)


TOUCH_KINDS = tuple(kind.value for kind in Kind if kind.is_touch)


def rhythm(
    touched: int | None,
    cadence_seconds: int | None,
    at: int,
    *,
    overdue_seconds: int | None = None,
    snooze_until: int | None = None,
) -> Rhythm:
    """Fresh before the cadence, due after it, overdue after `overdue_seconds`
    (default twice the cadence). A snooze pushes the due date without
    counting as a touch: a contact never touched stays "never touched"."""
    snoozed = snooze_until if snooze_until is not None and at < snooze_until else None
    if touched is None:
        return Rhythm(Health.NEVER, None, None, snoozed)
    cadence = cadence_seconds or DEFAULT_CADENCE
    overdue_after = max(overdue_seconds or 2 * cadence, cadence)
    due_at, overdue_at = touched + cadence, touched + overdue_after
    if snooze_until is not None and snooze_until > due_at:
        overdue_at += snooze_until - due_at
        due_at = snooze_until
    if at < due_at:
        health = Health.FRESH
    elif at < overdue_at:
        health = Health.DUE
    else:
        health = Health.OVERDUE
    return Rhythm(health, touched, due_at, snoozed)


@dataclass(frozen=True)
class Mark:
    """One trail row as the due logic sees it."""

    kind: str
    at: int
    undone: bool = False
    text: str | None = None  # a snooze's end, as YYYY-MM-DD


def last_touch(marks: Iterable[Mark]) -> int | None:
    """The newest active trail of a touch kind (notes and snoozes are not)."""
    times = [m.at for m in marks if not m.undone and m.kind in TOUCH_KINDS]
    return max(times, default=None)


def app_snooze(marks: Iterable[Mark]) -> str | None:
    """The date of the newest active snooze left in the app (the newest wins,
    so a shorter snooze can replace a longer one)."""
    newest: Mark | None = None
    for mark in marks:
        wanted = mark.kind == SNOOZE_KIND and not mark.undone and mark.text
        if wanted and (newest is None or mark.at >= newest.at):
            newest = mark
    return newest.text if newest else None


def start_of_day(iso_date: str | None) -> int | None:
    """Local midnight at the start of a YYYY-MM-DD date (a snooze ends then)."""
    if not iso_date:
        return None
    try:
        day = date.fromisoformat(iso_date)
    except ValueError:
        return None
    return int(datetime.combine(day, time()).timestamp())


def snooze_end(file_snooze: str | None, app_snoozed: str | None) -> int | None:
    """When a snooze ends: the later of contacts.yaml's `snooze_until` and the
    app's newest snooze."""
    ends = [t for t in (start_of_day(file_snooze), start_of_day(app_snoozed)) if t is not None]
    return max(ends, default=None)


def contact_rhythm(
    contact: ContactRecord, touched: int | None, at: int, *, snoozed: str | None = None
) -> Rhythm:
    """Where a contact stands, from its last touch and its snoozes. Its cadence
    is the one synced from the contacts file, which already resolved its own,
    else its tier's (`settings.tier_cadences`), else `settings.default_cadence`."""
    return rhythm(
        touched,
        contact.cadence_seconds,
        at,
        overdue_seconds=contact.overdue_seconds,
        snooze_until=snooze_end(contact.snooze_until, snoozed),
    )


def standing(contact: ContactRecord, marks: Iterable[Mark], at: int) -> Rhythm:
    """`contact_rhythm` read from the whole trail: what the grouped queries
    of the people view compute in SQL (a test holds the two together)."""
    listed = list(marks)
    return contact_rhythm(contact, last_touch(listed), at, snoozed=app_snooze(listed))


def describe_snooze(snoozed_until: int) -> str:
    """'snoozed until Dec 08': how every view says it."""
    return datetime.fromtimestamp(snoozed_until).strftime("snoozed until %b %d")


SNOOZE_CHOICES = (3, 7, 14)  # days, as the snooze prompt offers them


def parse_snooze(text: str, at: int) -> str:
    """A snooze as typed (`7`, `7d`, `2w`, or a date `2026-12-24`) → the local
    date it ends, which must be after today. Raises ValueError with what to type."""
    typed = text.strip().lower()
    today = datetime.fromtimestamp(at).date()
    days: int | None = None
    if typed.isdigit():
        days = int(typed)
    elif typed[:-1].isdigit() and typed[-1:] in ("d", "w"):
        days = int(typed[:-1]) * (7 if typed.endswith("w") else 1)
    if days is not None:
        if not 1 <= days <= 3660:
            raise ValueError("a snooze lasts from 1 day to 10 years")
        return (today + timedelta(days=days)).isoformat()
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise ValueError(
            f"expected a number of days (3, 7, 14), weeks (2w) or a date like "
            f"{(today + timedelta(days=7)).isoformat()}"
        ) from None
    if day <= today:
        raise ValueError(f"{day.isoformat()} is not after today: pick a later date")
    return day.isoformat()
