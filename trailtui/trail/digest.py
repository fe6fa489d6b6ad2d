"""The digest: one batched summary for cron or a desktop notification —
who is due or overdue (and never touched), their fresh posts, open drafts,
today's count and the streak. As text, or as JSON with stable keys.

JSON times are ISO 8601 in UTC (as the trail export's); a person never
touched has `"last_touch": "never"`. Text is for a terminal or a
notification: every name and title goes through `safety.shown`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trailtui.safety import shown
from trailtui.store import Store, queries
from trailtui.store.drafts import DraftRecord, oldest_first, open_drafts
from trailtui.store.records import EntryFilter, EntryRecord
from trailtui.text import plural
from trailtui.trail.cadence import Health
from trailtui.trail.people import Person, people
from trailtui.trail.stats import Progress, progress
from trailtui.trail.today import standing_text

FRESH_POSTS = 3  # per person, newest first
NEVER = "never"


@dataclass(frozen=True)
class DuePerson:
    person: Person
    posts: list[EntryRecord]  # their newest unread posts


@dataclass(frozen=True)
class Digest:
    at: int
    progress: Progress
    due: list[DuePerson]  # most overdue first, then due, then never touched
    drafts: list[DraftRecord]


def digest(store: Store, at: int, goal: int) -> Digest:
    owed = [p for p in people(store, at=at) if p.rhythm.wants_a_trail]
    due = []
    for who in owed:
        posts = []
        if who.unread:
            where = EntryFilter(contact_id=who.id, unread_only=True)
            posts = queries.merged_feed(store, where=where, limit=FRESH_POSTS)
        due.append(DuePerson(who, posts))
    return Digest(at, progress(store, at, goal), due, oldest_first(open_drafts(store)))


def _iso(timestamp: int | None) -> str | None:
    """ISO 8601 in UTC, as the trail export writes times."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def digest_data(found: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data. Keys are stable: new ones may be added,
    none renamed or removed."""
    at = found.at
    return {
        "at": _iso(at),
        "today": {
            "trails": found.progress.today,
            "goal": found.progress.goal,
            "met": found.progress.met,
            "streak": found.progress.streak,
        },
        "due": [
            {
                "id": d.person.id,
                "name": d.person.name,
                "tier": d.person.contact.tier,
                "health": d.person.rhythm.health.name.lower(),
                "last_touch": _iso(d.person.rhythm.last_touch_at) or NEVER,
                "due_at": _iso(d.person.rhythm.due_at),
                "days_overdue": d.person.rhythm.days_overdue(at),
                "unread": d.person.unread,
                "fresh_posts": [
                    {"title": e.title, "link": e.link, "at": _iso(e.sort_ts)} for e in d.posts
                ],
            }
            for d in found.due
        ],
        "drafts": [
            {
                "id": draft.id,
                "contact_id": draft.contact_id,
                "contact_name": draft.contact_name,
                "entry_title": draft.entry_title,
                "updated_at": _iso(draft.updated_at),
            }
            for draft in found.drafts
        ],
    }


def digest_json(found: Digest) -> str:
    return json.dumps(digest_data(found), ensure_ascii=False, indent=2) + "\n"


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d")


def digest_text(found: Digest) -> str:
    """A few lines a person reads at a glance."""
    done = found.progress
    lines = [f"trailtui digest · {datetime.fromtimestamp(found.at).strftime('%Y-%m-%d %H:%M')}"]
    goal = (
        f"{done.today} of {plural(done.goal, 'trail')}"
        if done.goal
        else plural(done.today, "trail")
    )
    met = " (goal met)" if done.goal and done.met else ""
    lines.append(f"Today: {goal}{met} · streak {plural(done.streak, 'day')}")
    lines.append("")
    if found.due:
        lines.append(f"Owed a trail: due, overdue or never touched ({len(found.due)}):")
    else:
        lines.append("Nobody is due.")
    for d in found.due:
        who = d.person
        parts = [shown(who.name, one_line=True)]
        if who.contact.tier:
            parts.append(who.contact.tier)
        parts.append(standing_text(who, found.at))
        touched = who.rhythm.last_touch_at
        if who.rhythm.health is not Health.NEVER and touched is not None:
            parts.append(f"last touch {_day(touched)}")
        if who.unread:
            parts.append(plural(who.unread, "new post"))
        lines.append("  " + " · ".join(parts))
        for entry in d.posts:
            title = shown(entry.title, one_line=True) or "(untitled)"
            link = f"  {shown(entry.link, one_line=True)}" if entry.link else ""
            lines.append(f"      {title}{link}")
    if found.drafts:
        lines += ["", f"Open drafts ({len(found.drafts)}):"]
        for draft in found.drafts:
            about = f" · “{shown(draft.entry_title, one_line=True)}”" if draft.entry_title else ""
            name = shown(draft.contact_name, one_line=True)
            lines.append(f"  {name}{about} · since {_day(draft.updated_at)}")
    return "\n".join(lines).rstrip() + "\n"
