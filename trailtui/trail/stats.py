"""The rhythm in numbers: trails per day, the daily goal and its streak, the
balance of kinds per person, touches per tier, people overdue over time.

Days are the user's own: a trail left at 23:30 counts for that evening in
the local time zone, whatever UTC says. The pure functions take the trail
as facts and the clock as `at`; `progress` and `rhythm_stats` read the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from trailtui.store import Store, queries
from trailtui.store.people import TrailFact, active_trail
from trailtui.store.records import ContactRecord
from trailtui.trail.cadence import DAY, TOUCH_KINDS, Health, Mark, standing
from trailtui.trail.kinds import Kind
from trailtui.trail.people import people

if TYPE_CHECKING:
    from trailtui.contacts.schema import ContactBook

WEEKS = 12
NO_TIER = "—"
DEFAULT_GOAL = 3  # settings.daily_goal when there is no valid contacts file


def goal_of(book: ContactBook | None) -> int:
    """settings.daily_goal (the default without a valid contacts file)."""
    return book.settings.daily_goal if book is not None else DEFAULT_GOAL


def local_day(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp).date()


def day_start(day: date) -> int:
    """Local midnight at the start of `day`."""
    return int(datetime.combine(day, time()).timestamp())


def touches_per_day(facts: Iterable[TrailFact]) -> Counter[date]:
    """How many touches (not notes, not snoozes) each local day holds."""
    return Counter(local_day(f.created_at) for f in facts if f.kind in TOUCH_KINDS)


def streak(per_day: Counter[date], today: date, goal: int) -> int:
    """Days in a row meeting the goal, up to today. Today still counts as
    under way: until it meets the goal, the streak is the one up to yesterday.
    A goal of 0 asks for nothing: the streak counts days with any trail."""
    wanted = max(goal, 1)
    day = today if per_day[today] >= wanted else today - timedelta(days=1)
    days = 0
    while per_day[day] >= wanted:
        days += 1
        day -= timedelta(days=1)
    return days


@dataclass(frozen=True)
class Progress:
    """Today against the daily goal, and the streak of days meeting it."""

    today: int
    goal: int
    streak: int

    @property
    def met(self) -> bool:
        return self.today >= self.goal

    @property
    def left(self) -> int:
        return max(0, self.goal - self.today)


def progress_of(facts: Iterable[TrailFact], at: int, goal: int) -> Progress:
    per_day = touches_per_day(facts)
    today = local_day(at)
    return Progress(per_day[today], goal, streak(per_day, today, goal))


def progress(store: Store, at: int, goal: int) -> Progress:
    """Read from the trail of the last year (a streak longer than that is a year)."""
    since = day_start(local_day(at) - timedelta(days=366))
    return progress_of(active_trail(store, since=since), at, goal)


def daily_series(per_day: Counter[date], today: date, days: int = WEEKS * 7) -> list[int]:
    """Touches on each of the last `days` days, oldest first, today last."""
    first = today - timedelta(days=days - 1)
    return [per_day[first + timedelta(days=n)] for n in range(days)]


@dataclass(frozen=True)
class Balance:
    """The mix of kinds one person got: likes against comments against help."""

    contact_id: str
    name: str
    kinds: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @property
    def only_likes(self) -> bool:
        """Every touch a like: attention that costs nothing."""
        return self.total > 0 and self.kinds[Kind.LIKE.value] == self.total


def balances(facts: Iterable[TrailFact], contacts: Sequence[ContactRecord]) -> list[Balance]:
    """Per person touched, the kinds of their touches; most touched first."""
    kinds: dict[str, Counter[str]] = {}
    for fact in facts:
        if fact.kind in TOUCH_KINDS:
            kinds.setdefault(fact.contact_id, Counter())[fact.kind] += 1
    names = {c.id: c.name for c in contacts}
    found = [Balance(ident, names.get(ident, ident), mix) for ident, mix in kinds.items()]
    return sorted(found, key=lambda b: (-b.total, b.name.casefold(), b.contact_id))


def touches_per_tier(
    facts: Iterable[TrailFact], contacts: Sequence[ContactRecord]
) -> dict[str, int]:
    """Touches per tier (people with no tier under NO_TIER), every tier listed."""
    tiers = {c.id: c.tier or NO_TIER for c in contacts}
    counted = Counter(tiers.get(f.contact_id, NO_TIER) for f in facts if f.kind in TOUCH_KINDS)
    names = [*sorted({*tiers.values(), *counted} - {NO_TIER}), NO_TIER]
    return {tier: counted[tier] for tier in names}


def overdue_over_time(
    marks: dict[str, list[Mark]], contacts: Sequence[ContactRecord], at: int, weeks: int = WEEKS
) -> list[int]:
    """How many people were overdue at the end of each of the last `weeks`
    weeks (oldest first, now last), by the due logic on the trail as it was then."""
    counts = []
    for back in range(weeks - 1, -1, -1):
        then = at - back * 7 * DAY
        overdue = 0
        for contact in contacts:
            before = [m for m in marks.get(contact.id, []) if m.at <= then]
            if standing(contact, before, then).health is Health.OVERDUE:
                overdue += 1
        counts.append(overdue)
    return counts


@dataclass(frozen=True)
class RhythmStats:
    """Everything the stats screen draws."""

    at: int
    progress: Progress
    daily: list[int]  # the last WEEKS * 7 days, oldest first
    balances: list[Balance]
    tiers: dict[str, int]
    overdue: list[int]  # people overdue at each week's end, oldest first
    due_now: int
    overdue_now: int
    never_now: int = 0  # never touched yet (and not snoozed)

    @property
    def first_day(self) -> date:
        return local_day(self.at) - timedelta(days=len(self.daily) - 1)


def rhythm_stats(store: Store, at: int, goal: int) -> RhythmStats:
    today = local_day(at)
    since = day_start(today - timedelta(days=WEEKS * 7 - 1))
    contacts = queries.contacts(store)
    facts = active_trail(store, until=at + 1)
    recent = [f for f in facts if f.created_at >= since]
    per_day = touches_per_day(facts)
    marks = marks_by_contact(facts)
    now_health = [standing(c, marks.get(c.id, []), at).health for c in contacts]
    return RhythmStats(
        at=at,
        progress=Progress(per_day[today], goal, streak(per_day, today, goal)),
        daily=daily_series(per_day, today),
        balances=balances(recent, contacts),
        tiers=touches_per_tier(recent, contacts),
        overdue=overdue_over_time(marks, contacts, at),
        due_now=sum(1 for h in now_health if h is Health.DUE),
        overdue_now=sum(1 for h in now_health if h is Health.OVERDUE),
        never_now=sum(1 for h in now_health if h is Health.NEVER),
    )


def marks_by_contact(facts: Iterable[TrailFact]) -> dict[str, list[Mark]]:
    """The active trail as the due logic reads it, per contact."""
    found: dict[str, list[Mark]] = {}
    for fact in facts:
        found.setdefault(fact.contact_id, []).append(
            Mark(fact.kind, fact.created_at, text=fact.text)
        )
    return found


@dataclass(frozen=True)
class RhythmCounts:
    """What `trailtui stats` adds: who is due, and the goal's streak."""

    due: int
    overdue: int
    never: int  # never touched, not snoozed
    today: int
    goal: int
    streak: int


def rhythm_counts(store: Store, at: int, goal: int) -> RhythmCounts:
    everyone = people(store, at=at)
    health = [p.rhythm.health for p in everyone]
    done = progress(store, at, goal)
    return RhythmCounts(
        due=health.count(Health.DUE),
        overdue=health.count(Health.OVERDUE),
        never=sum(
            1 for p in everyone if p.rhythm.health is Health.NEVER and p.rhythm.wants_a_trail
        ),
        today=done.today,
        goal=goal,
        streak=done.streak,
    )
