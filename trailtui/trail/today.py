"""Today: the best next trails, ranked.

`rank` is one pure function of the people (with their rhythm, from the one
due logic), the unread posts and the clock:

1. a fresh (unread) post from someone overdue, due, or never touched —
   their newest, labelled with why ("B · 12 d overdue · new post"); the
   most overdue first, then due, then never touched, then by tier;
2. people who are owed a trail and have no new post, each with a trail that
   needs no post: offer help (their `help` text), report back, thanks, or
   reach out;
3. the rest of the unread feed, newest first.

People snoozed wait: their posts are in the feed part, they are not asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trailtui.safety import shown
from trailtui.store import Store, queries
from trailtui.store.records import EntryFilter, EntryRecord
from trailtui.text import plural
from trailtui.trail.cadence import Health
from trailtui.trail.kinds import Kind
from trailtui.trail.people import Person, people

FEED_LIMIT = 200  # unread posts listed after the people: a day's worth
TIER_ORDER = {"A": 0, "B": 1, "C": 2}


class Part(StrEnum):
    POST = "a new post from someone due"
    PERSON = "someone due, no new post"
    FEED = "the rest of the feed"


@dataclass(frozen=True)
class Suggestion:
    """A trail that needs no post, and why it is the one suggested."""

    kind: Kind
    said: str  # "Offer help: looking for beta readers"


@dataclass(frozen=True)
class TodayItem:
    part: Part
    person: Person | None  # None for a feed post of someone not due (see `entry`)
    entry: EntryRecord | None
    why: str  # "B · 12 d overdue · new post"
    suggestion: Suggestion | None = None

    @property
    def contact_id(self) -> str:
        if self.person is not None:
            return self.person.id
        assert self.entry is not None
        return self.entry.contact_id

    @property
    def contact_name(self) -> str:
        if self.person is not None:
            return self.person.name
        assert self.entry is not None
        return self.entry.contact_name


def standing_text(who: Person, at: int) -> str:
    """'12 d overdue', 'due today', 'due 3 d ago', 'never touched', 'fresh'."""
    rhythm = who.rhythm
    if rhythm.health is Health.NEVER:
        return "never touched"
    late = rhythm.days_overdue(at)
    if rhythm.health is Health.OVERDUE:
        return f"{late} d overdue"
    if rhythm.health is Health.DUE:
        return f"due {late} d ago" if late else "due today"
    return "fresh"


def _urgency(who: Person, at: int) -> tuple[int, int, int, str]:
    """Overdue first (most days first), then due, then never touched; A before B."""
    group = {Health.OVERDUE: 0, Health.DUE: 1, Health.NEVER: 2, Health.FRESH: 3}
    health = who.rhythm.health
    late = -who.rhythm.days_overdue(at) if health is not Health.NEVER else 0
    tier = TIER_ORDER.get(who.contact.tier or "", 3)
    return (group[health], late, tier, who.name.casefold())


def _label(who: Person, at: int, tail: str) -> str:
    parts = [who.contact.tier or "", standing_text(who, at), tail]
    return " · ".join(p for p in parts if p)


def suggest(who: Person) -> Suggestion:
    """A trail that needs no post: help they asked for, else closing the loop
    on what you last did for them, else a word of thanks, else reaching out."""
    contact = who.contact
    if contact.help.strip():
        return Suggestion(Kind.HELP, f"Offer help: {shown(contact.help, one_line=True)}")
    last = who.last_trail_kind
    if last in (Kind.HELP.value, Kind.INTRO.value):
        return Suggestion(Kind.REPORT_BACK, "Report back on how your help or intro went")
    if last in (Kind.COMMENT.value, Kind.SHARE.value, Kind.ENDORSE.value):
        return Suggestion(Kind.THANKS, "Thank them for something they did or wrote")
    return Suggestion(Kind.REACHED_OUT, "Reach out: a message, a call, a coffee")


def rank(everyone: Sequence[Person], unread: Sequence[EntryRecord], at: int) -> list[TodayItem]:
    """The queue, best first (see the module's docstring). `unread` is newest first."""
    by_person: dict[str, list[EntryRecord]] = {}
    for entry in unread:
        by_person.setdefault(entry.contact_id, []).append(entry)
    owed = sorted((p for p in everyone if p.rhythm.wants_a_trail), key=lambda p: _urgency(p, at))
    posts: list[TodayItem] = []
    quiet: list[TodayItem] = []
    taken: set[int] = set()
    for who in owed:
        theirs = by_person.get(who.id, [])
        if theirs:
            newest = theirs[0]
            count = max(len(theirs), who.unread)
            tail = "new post" if count == 1 else plural(count, "new post")
            posts.append(TodayItem(Part.POST, who, newest, _label(who, at, tail)))
            taken.add(newest.id)
        else:
            quiet.append(
                TodayItem(Part.PERSON, who, None, _label(who, at, "no new post"), suggest(who))
            )
    named = {p.id: p for p in everyone}
    rest = [
        TodayItem(Part.FEED, named.get(entry.contact_id), entry, "unread")
        for entry in unread
        if entry.id not in taken
    ]
    return [*posts, *quiet, *rest]


def today(store: Store, at: int, *, limit: int = FEED_LIMIT) -> list[TodayItem]:
    """The queue as it stands: the people, each owed person's newest unread
    post (however old), and the newest `limit` unread posts."""
    everyone = people(store, at=at)
    unread = queries.merged_feed(store, where=EntryFilter(unread_only=True), limit=limit)
    listed = {entry.id for entry in unread}
    extra: list[EntryRecord] = []
    for who in everyone:
        if who.rhythm.wants_a_trail and who.unread and all(e.contact_id != who.id for e in unread):
            where = EntryFilter(contact_id=who.id, unread_only=True)
            extra += [
                e for e in queries.merged_feed(store, where=where, limit=1) if e.id not in listed
            ]
    merged = sorted([*unread, *extra], key=lambda e: (-e.sort_ts, -e.id))
    return rank(everyone, merged, at)
