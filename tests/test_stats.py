"""The stats screen's numbers (trail.stats), on a fixed clock in UTC: the
balance of kinds per person, touches per tier, people overdue week by week,
and the summary counts read from a real store."""

from __future__ import annotations

from pathlib import Path

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.store import open_store, writes
from trailtui.store.people import TrailFact
from trailtui.store.records import ContactRecord
from trailtui.trail.cadence import DAY, Mark
from trailtui.trail.stats import (
    NO_TIER,
    WEEKS,
    balances,
    overdue_over_time,
    rhythm_stats,
    touches_per_tier,
)

from .test_today import NOW, fixed_time

__all__ = ["fixed_time"]  # the fixed clock and UTC of the Today tests, for every test here


def fact(contact: str, kind: str, days_ago: float) -> TrailFact:
    return TrailFact(contact, kind, int(NOW - days_ago * DAY), None, None)


ADA = ContactRecord("ada", "Ada Quill", tier="A", cadence_seconds=7 * DAY)
BO = ContactRecord("bo", "Bo Lind", tier="B", cadence_seconds=14 * DAY)
CY = ContactRecord("cy", "Cy Noor", cadence_seconds=7 * DAY)


def test_the_balance_counts_kinds_per_person_and_flags_only_likes() -> None:
    facts = [
        fact("ada", "like", 1),
        fact("ada", "like", 2),
        fact("bo", "like", 1),
        fact("bo", "comment", 3),
        fact("bo", "help", 4),
        fact("bo", "note", 5),  # not a touch: not in the mix
        fact("cy", "snooze", 1),  # nor a snooze
    ]
    found = balances(facts, [ADA, BO, CY])
    assert [(b.contact_id, dict(b.kinds), b.only_likes) for b in found] == [
        ("bo", {"like": 1, "comment": 1, "help": 1}, False),  # most touched first
        ("ada", {"like": 2}, True),
    ]
    assert balances([fact("cy", "note", 1)], [CY]) == []  # nobody touched


def test_touches_per_tier_lists_every_tier_and_the_untiered_last() -> None:
    facts = [fact("ada", "like", 1), fact("ada", "comment", 2), fact("cy", "thanks", 1)]
    facts.append(fact("ada", "note", 1))
    assert touches_per_tier(facts, [ADA, BO, CY]) == {"A": 2, "B": 0, NO_TIER: 1}


def test_people_overdue_week_by_week_follow_the_trail_as_it_was() -> None:
    # Ada: touched 40 days ago, then again 3 days ago; cadence 7d, overdue after 14d.
    marks = {"ada": [Mark("like", int(NOW - 40 * DAY)), Mark("comment", int(NOW - 3 * DAY))]}
    weeks = overdue_over_time(marks, [ADA], NOW)
    assert len(weeks) == WEEKS
    # 40 days back she was just touched; 14 days later she was overdue, until 3 days ago.
    then = [NOW - back * 7 * DAY for back in range(WEEKS - 1, -1, -1)]
    expected = [1 if NOW - 40 * DAY + 14 * DAY < t < NOW - 3 * DAY else 0 for t in then]
    expected = [0 if t < NOW - 40 * DAY else e for t, e in zip(then, expected, strict=True)]
    assert weeks == expected
    assert weeks[-1] == 0 and 1 in weeks


def test_the_summary_counts_due_overdue_and_never_touched(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "version: 1\nsettings: {daily_goal: 2}\ncontacts:\n"
        "  - {name: Ada Quill, id: ada, cadence: 7d}\n"
        "  - {name: Bo Lind, id: bo, cadence: 7d}\n"
        "  - {name: Cy Noor, id: cy, cadence: 7d}\n"
        "  - {name: Dee Far, id: dee, cadence: 7d}\n",
        encoding="utf-8",
    )
    store = open_store(f"sqlite:///{tmp_path / 'trail.db'}")
    try:
        text = contacts.read_text(encoding="utf-8")
        sync_contacts(store, parse_contacts(text, name="c", base_dir=tmp_path))
        writes.add_engagement(store, "ada", "like", at=NOW - 2 * DAY)  # fresh
        writes.add_engagement(store, "bo", "comment", at=NOW - 9 * DAY, text="hi")  # due
        writes.add_engagement(store, "cy", "help", at=NOW - 20 * DAY)  # overdue
        writes.add_engagement(store, "ada", "like", at=NOW - 60, once_per_entry=False)  # today
        stats = rhythm_stats(store, NOW, 2)
    finally:
        store.close()
    assert (stats.due_now, stats.overdue_now, stats.never_now) == (1, 1, 1)  # dee: never
    assert stats.progress.today == 1 and not stats.progress.met
    assert len(stats.daily) == WEEKS * 7 and stats.daily[-1] == 1 and sum(stats.daily) == 4
