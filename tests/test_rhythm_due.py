"""The one due logic, by property: monotonic in time; any active trail resets
it; snoozes and notes never count as touches; undone trails never count;
and the people view's grouped SQL agrees with it on a real SQLite file."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.store import open_store, writes
from trailtui.store.records import ContactRecord
from trailtui.trail.cadence import (
    DAY,
    SNOOZE_KIND,
    Health,
    Mark,
    last_touch,
    parse_snooze,
    rhythm,
    standing,
    start_of_day,
)
from trailtui.trail.kinds import Kind
from trailtui.trail.people import people
from trailtui.trail.service import contact_card

T0 = 1_800_000_000


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


ORDER = {Health.FRESH: 0, Health.DUE: 1, Health.OVERDUE: 2}
KINDS = [kind.value for kind in Kind if kind is not Kind.SNOOZE]
SNOOZE_DATES = ["2027-01-20", "2027-02-01", "2027-03-01", "2026-12-01"]  # T0: 2027-01-15

times = st.integers(T0 - 200 * DAY, T0)
marks = st.builds(
    Mark,
    kind=st.sampled_from([*KINDS, SNOOZE_KIND]),
    at=times,
    undone=st.booleans(),
    text=st.sampled_from(SNOOZE_DATES),
)
contacts = st.builds(
    ContactRecord,
    id=st.just("p"),
    name=st.just("P"),
    cadence_seconds=st.one_of(st.none(), st.integers(1, 90).map(lambda d: d * DAY)),
    overdue_seconds=st.one_of(st.none(), st.integers(1, 200).map(lambda d: d * DAY)),
    snooze_until=st.one_of(st.none(), st.sampled_from(SNOOZE_DATES)),
)


@given(contacts, st.lists(marks, max_size=8), times, st.integers(0, 400 * DAY))
def test_health_only_moves_forward_in_time(
    contact: ContactRecord, trail: list[Mark], at: int, later: int
) -> None:
    before, after = standing(contact, trail, at), standing(contact, trail, at + later)
    assert before.due_at == after.due_at  # the clock moves nothing but the health
    if before.health is Health.NEVER:
        assert after.health is Health.NEVER
    else:
        assert ORDER[after.health] >= ORDER[before.health]


@given(contacts, st.lists(marks, max_size=8), st.sampled_from(KINDS), st.integers(0, 30 * DAY))
def test_any_active_trail_of_a_touch_kind_resets_it(
    contact: ContactRecord, trail: list[Mark], kind: str, gap: int
) -> None:
    newest = max([m.at for m in trail], default=T0) + gap
    touched = standing(contact, [*trail, Mark(kind, newest)], newest)
    if kind == Kind.NOTE.value:
        assert touched.last_touch_at == last_touch(trail)
    else:
        assert touched.last_touch_at == newest
        assert touched.health is Health.FRESH


@given(contacts, st.lists(marks, max_size=8), times, st.sampled_from(SNOOZE_DATES), times)
def test_snoozes_and_notes_never_count_as_a_touch(
    contact: ContactRecord, trail: list[Mark], when: int, until: str, at: int
) -> None:
    before = standing(contact, trail, at)
    noted = standing(contact, [*trail, Mark(Kind.NOTE.value, when, text="a thought")], at)
    assert noted == before
    snoozed = standing(contact, [*trail, Mark(SNOOZE_KIND, when, text=until)], at)
    assert snoozed.last_touch_at == before.last_touch_at
    if before.health is Health.NEVER:
        assert snoozed.health is Health.NEVER
        return
    # A snooze only ever moves the due date later than no snooze at all would.
    unsnoozed = standing(
        replace(contact, snooze_until=None), [m for m in trail if m.kind != SNOOZE_KIND], at
    )
    assert snoozed.due_at is not None and unsnoozed.due_at is not None
    assert snoozed.due_at >= unsnoozed.due_at


@given(contacts, st.lists(marks, max_size=8), st.lists(marks, max_size=4), times)
def test_undone_trails_never_count(
    contact: ContactRecord, trail: list[Mark], undone: list[Mark], at: int
) -> None:
    taken_back = [replace(m, undone=True) for m in undone]
    assert standing(contact, [*trail, *taken_back], at) == standing(contact, trail, at)


def test_a_snooze_moves_the_due_date_and_ends_at_local_midnight() -> None:
    ends = start_of_day("2027-01-30")
    assert ends is not None
    touched = rhythm(T0, 7 * DAY, T0 + 8 * DAY, snooze_until=ends)
    assert touched.health is Health.FRESH and touched.due_at == ends
    assert touched.snoozed_until == ends
    assert rhythm(T0, 7 * DAY, ends, snooze_until=ends).health is Health.DUE
    assert rhythm(None, 7 * DAY, T0, snooze_until=ends).snoozed_until == ends


def test_the_newest_snooze_wins_even_a_shorter_one() -> None:
    contact = ContactRecord("p", "P", cadence_seconds=7 * DAY)
    trail = [
        Mark(Kind.LIKE.value, T0 - 10 * DAY),
        Mark(SNOOZE_KIND, T0 - 2 * DAY, text="2027-03-01"),
        Mark(SNOOZE_KIND, T0 - DAY, text="2027-01-25"),
    ]
    assert standing(contact, trail, T0).due_at == start_of_day("2027-01-25")
    # The file's snooze and the app's: the later one holds.
    later = replace(contact, snooze_until="2027-02-01")
    assert standing(later, trail, T0).due_at == start_of_day("2027-02-01")


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("3", "2027-01-18"),
        ("7", "2027-01-22"),
        ("14d", "2027-01-29"),
        ("2w", "2027-01-29"),
        ("2027-02-01", "2027-02-01"),
    ],
)
def test_a_snooze_as_typed(typed: str, until: str, utc: None) -> None:
    assert parse_snooze(typed, T0) == until  # T0: 2027-01-15 08:00 UTC


@pytest.mark.parametrize("typed", ["soon", "0", "2027-01-15", "2020-01-01", "-3", "99999"])
def test_a_snooze_that_makes_no_sense_says_what_to_type(typed: str) -> None:
    with pytest.raises(ValueError, match=r"day|date|after today"):
        parse_snooze(typed, T0)


BOOK = """
version: 1
contacts:
  - {name: Ada, id: ada, tier: A}
  - {name: Bo, id: bo, cadence: 3d, max_cadence: 5d}
  - {name: Cy, id: cy, snooze_until: 2027-02-01}
"""
trail_rows = st.lists(
    st.tuples(
        st.sampled_from(["ada", "bo", "cy"]),
        st.sampled_from([*KINDS, SNOOZE_KIND]),
        st.integers(0, 60),  # days before T0
        st.booleans(),  # undone at once
        st.sampled_from(SNOOZE_DATES),
    ),
    max_size=10,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trail_rows, st.integers(0, 40))
def test_the_people_view_and_the_card_agree_with_the_due_logic(
    rows: list[tuple[str, str, int, bool, str]], ahead: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'due.sqlite3'}")
        try:
            sync_contacts(store, parse_contacts(BOOK, name="contacts.yaml", base_dir=Path(folder)))
            written: dict[str, list[Mark]] = {}
            for contact_id, kind, days, undone, until in rows:
                at = T0 - days * DAY
                text = until if kind == SNOOZE_KIND else None
                writes.add_engagement(store, contact_id, kind, at=at, text=text)
                if undone:
                    writes.undo_last_engagement(store)
                written.setdefault(contact_id, []).append(Mark(kind, at, undone, text))
            at = T0 + ahead * DAY
            for who in people(store, at=at):
                expected = standing(who.contact, written.get(who.id, []), at)
                assert who.rhythm == expected, who.id
                card = contact_card(store, who.id, at=at)
                assert card is not None and card.rhythm == expected
        finally:
            store.close()
