"""The people view's data: every current contact, their tallies and rhythm,
the orders, the find, and a person's whole trail (a fixed clock throughout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, update

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.store import Store, open_store, writes
from trailtui.store.models import EngagementRow, EntryRow, FeedRow
from trailtui.store.people import contact_feeds, tallies, whole_trail
from trailtui.trail.cadence import DAY, TOUCH_KINDS, Health
from trailtui.trail.people import Order, Person, matching, people, person, sort_people, timeline
from trailtui.trail.service import contact_card

T0 = 1_800_000_000  # "now" in every test here

BOOK = """
version: 1
settings:
  default_cadence: 14d
  tier_cadences: {A: 7d, B: 21d, C: 60d}
contacts:
  - {name: Ada Quill, id: ada, tier: A, feeds: [ada.rss, ada-notes.rss]}
  - {name: Bo Lind, id: bo, tier: C, feeds: [bo.rss]}
  - {name: Cy Offline, id: cy}
  - {name: Dee Far, id: dee, cadence: 2d}
  - {name: Hannah Brandt, id: hannah}
"""


def sync(store: Store, text: str, base: Path) -> None:
    sync_contacts(store, parse_contacts(text, name="contacts.yaml", base_dir=base))


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """People on each backend."""
    opened = open_store(db_url)
    sync(opened, BOOK, tmp_path)
    yield opened
    opened.close()


def feed_ids(store: Store, contact_id: str) -> list[int]:
    with store.read() as session:
        return list(
            session.scalars(
                FeedRow.__table__.select()
                .with_only_columns(FeedRow.id)
                .where(FeedRow.contact_id == contact_id)
                .order_by(FeedRow.id)
            )
        )


def add_entries(store: Store, feed_id: int, count: int, *, read: int = 0) -> list[int]:
    """`count` entries on a feed, the first `read` of them read."""
    with store.write() as session:
        rows = [
            EntryRow(
                feed_id=feed_id,
                guid=f"{feed_id}-{n}",
                title=f"Post {n}",
                first_seen_at=T0 - n,
                sort_ts=T0 - n,
                read_at=T0 if n < read else None,
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def trail(store: Store, contact_id: str, kind: str, days_ago: float, **kw: object) -> int:
    written = writes.add_engagement(
        store,
        contact_id,
        kind,
        at=int(T0 - days_ago * DAY),
        **kw,  # type: ignore[arg-type]
    )
    return written.engagement.id


def undo(store: Store, engagement_id: int, days_ago: float) -> None:
    with store.write() as session:
        session.execute(
            update(EngagementRow)
            .where(EngagementRow.id == engagement_id)
            .values(undone_at=int(T0 - days_ago * DAY))
        )


def by_id(listed: list[Person]) -> dict[str, Person]:
    return {p.id: p for p in listed}


def test_every_current_contact_is_listed_with_or_without_feeds_or_trails(
    store: Store, tmp_path: Path
) -> None:
    listed = people(store, at=T0)
    assert sorted(p.id for p in listed) == ["ada", "bo", "cy", "dee", "hannah"]
    cy = by_id(listed)["cy"]
    assert (cy.feed_count, cy.unread, cy.last_trail_kind, cy.rhythm.health) == (
        0,
        0,
        None,
        Health.NEVER,
    )
    # Someone who leaves the file leaves the view (archived: their trail stays).
    sync(store, BOOK.replace("  - {name: Cy Offline, id: cy}\n", ""), tmp_path)
    assert "cy" not in by_id(people(store, at=T0))


def test_feed_and_unread_counts_are_per_person_and_count_active_feeds_only(
    store: Store, tmp_path: Path
) -> None:
    ada_main, ada_notes = feed_ids(store, "ada")
    add_entries(store, ada_main, 5, read=2)
    add_entries(store, ada_notes, 4, read=1)
    add_entries(store, feed_ids(store, "bo")[0], 3, read=3)
    listed = by_id(people(store, at=T0))
    assert (listed["ada"].feed_count, listed["ada"].unread) == (2, 3 + 3)
    assert (listed["bo"].feed_count, listed["bo"].unread) == (1, 0)
    # A feed taken out of the file no longer counts, nor do its unread entries.
    sync(store, BOOK.replace("[ada.rss, ada-notes.rss]", "[ada.rss]"), tmp_path)
    ada = by_id(people(store, at=T0))["ada"]
    assert (ada.feed_count, ada.unread) == (1, 3)


def test_the_last_touch_skips_notes_and_undone_trails_but_the_last_trail_shows_a_note(
    store: Store,
) -> None:
    trail(store, "ada", "thanks", days_ago=10)
    undone = trail(store, "ada", "reached_out", days_ago=3)
    undo(store, undone, days_ago=2)
    trail(store, "ada", "note", days_ago=1)
    ada = by_id(people(store, at=T0))["ada"]
    assert ada.rhythm.last_touch_at == T0 - 10 * DAY  # the thanks: notes do not keep in touch
    assert (ada.last_trail_kind, ada.last_trail_at) == ("note", T0 - DAY)


def test_health_uses_the_tier_cadence_where_the_contact_has_none(store: Store) -> None:
    for contact_id in ("ada", "bo", "dee"):
        trail(store, contact_id, "help", days_ago=8)
    listed = by_id(people(store, at=T0))
    # Ada is tier A (7d): due a day ago. Bo is tier C (60d): fresh for 52 days.
    assert listed["ada"].rhythm.health is Health.DUE
    assert listed["ada"].rhythm.days_overdue(T0) == 1
    assert listed["bo"].rhythm.health is Health.FRESH
    assert listed["bo"].days_until_due(T0) == 52
    # Dee's own cadence (2d) beats the default; overdue after twice that.
    assert listed["dee"].rhythm.health is Health.OVERDUE
    assert listed["dee"].rhythm.days_overdue(T0) == 6
    # Hannah has no tier and no cadence: the default (14d) applies once touched.
    trail(store, "hannah", "endorse", days_ago=15)
    hannah = by_id(people(store, at=T0))["hannah"]
    assert hannah.rhythm.due_at == T0 - DAY and hannah.rhythm.health is Health.DUE


def test_the_card_and_the_view_agree(store: Store) -> None:
    trail(store, "bo", "thanks", days_ago=61)
    card = contact_card(store, "bo", at=T0)
    assert card is not None
    assert card.rhythm == by_id(people(store, at=T0))["bo"].rhythm
    assert person(store, "bo", at=T0) == by_id(people(store, at=T0))["bo"]


def test_due_order_puts_the_most_overdue_first_then_the_never_touched(store: Store) -> None:
    trail(store, "ada", "thanks", days_ago=30)  # tier A, 7d: overdue by 23 d
    trail(store, "dee", "thanks", days_ago=5)  # 2d: overdue by 3 d
    trail(store, "bo", "thanks", days_ago=1)  # tier C, 60d: fresh
    order = [p.id for p in people(store, at=T0, order=Order.DUE)]
    assert order == ["ada", "dee", "cy", "hannah", "bo"]
    # A due (not yet overdue) person comes after the never touched, before the fresh.
    trail(store, "hannah", "thanks", days_ago=15)
    order = [p.id for p in people(store, at=T0, order=Order.DUE)]
    assert order == ["ada", "dee", "cy", "hannah", "bo"]
    assert by_id(people(store, at=T0))["hannah"].rhythm.health is Health.DUE


def test_a_snoozed_never_touched_person_waits_with_the_fresh_ones(
    store: Store, tmp_path: Path
) -> None:
    sync(store, BOOK.replace("id: cy}", "id: cy, snooze_until: 2099-01-01}"), tmp_path)
    trail(store, "bo", "thanks", days_ago=1)
    order = [p.id for p in people(store, at=T0, order=Order.DUE)]
    assert order.index("hannah") < order.index("bo") < order.index("cy")


def test_name_and_last_trail_orders(store: Store) -> None:
    trail(store, "hannah", "note", days_ago=1)
    trail(store, "bo", "like", days_ago=4)
    names = [p.name for p in people(store, at=T0, order=Order.NAME)]
    assert names == sorted(names, key=str.casefold)
    recent = [p.id for p in people(store, at=T0, order=Order.LAST_TRAIL)]
    assert recent == ["hannah", "bo", "ada", "cy", "dee"]  # no trail yet: A to Z, last


def test_the_orders_cycle_and_each_explains_itself() -> None:
    seen = [Order.DUE]
    while (following := seen[-1].next) is not Order.DUE:
        seen.append(following)
    assert seen == list(Order)
    assert all(order.explained for order in Order)


def test_find_matches_any_case_and_every_word(store: Store) -> None:
    listed = people(store, at=T0)
    assert [p.id for p in matching(listed, "han")] == ["hannah"]
    assert [p.id for p in matching(listed, "LIND bo")] == ["bo"]
    assert matching(listed, "zed") == []
    assert len(matching(listed, "")) == len(listed)
    assert sort_people(matching(listed, "a"), Order.NAME)[0].id == "ada"


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """Every SELECT the store runs inside the block."""
    ran: list[str] = []

    def seen(*args: object) -> None:
        statement = str(args[2])
        if statement.lstrip().upper().startswith("SELECT"):
            ran.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        yield ran
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


def test_the_view_asks_the_same_few_queries_for_5_people_or_60(
    store: Store, tmp_path: Path
) -> None:
    for contact_id in ("ada", "bo", "cy"):
        trail(store, contact_id, "thanks", days_ago=2)
    with statements(store) as for_five:
        people(store, at=T0)
    many = "".join(f"  - {{name: Person {n}, id: p{n}, feeds: [p{n}.rss]}}\n" for n in range(55))
    sync(store, BOOK + many, tmp_path)
    for n in range(0, 55, 5):
        trail(store, f"p{n}", "help", days_ago=n / 5)
    with statements(store) as for_sixty:
        assert len(people(store, at=T0)) == 60
    assert 0 < len(for_sixty) == len(for_five) <= 5  # the contacts, then four tallies


def test_tallies_leave_out_people_with_nothing_to_tally(store: Store) -> None:
    trail(store, "cy", "thanks", days_ago=1)
    found = tallies(store, touch_kinds=TOUCH_KINDS)
    assert set(found) == {"ada", "bo", "cy"}  # two with feeds, one with a trail
    assert set(tallies(store, touch_kinds=TOUCH_KINDS, contact_id="bo")) == {"bo"}


def test_the_whole_trail_is_newest_first_with_undone_ones_marked(store: Store) -> None:
    [entry] = add_entries(store, feed_ids(store, "bo")[0], 1)
    first = trail(store, "bo", "like", days_ago=9, entry_id=entry)
    second = trail(store, "bo", "reached_out", days_ago=5, text="a call")
    third = trail(store, "bo", "thanks", days_ago=2)
    undo(store, second, days_ago=1)
    trail(store, "ada", "thanks", days_ago=1)  # someone else's
    records = whole_trail(store, "bo")
    assert [r.id for r in records] == [third, second, first]
    assert [r.undone_at for r in records] == [None, T0 - DAY, None]
    assert records[1].text == "a call" and records[2].entry_title == "Post 0"
    found = timeline(store, "bo")
    assert found is not None and found.undone == 1 and found.contact.name == "Bo Lind"
    assert timeline(store, "nobody") is None


def test_a_contacts_feeds_carry_their_health(store: Store) -> None:
    ada_main, ada_notes = feed_ids(store, "ada")
    with store.write() as session:
        session.execute(
            update(FeedRow)
            .where(FeedRow.id == ada_main)
            .values(last_fetch_at=T0, last_success_at=T0, last_status=200)
        )
        session.execute(
            update(FeedRow)
            .where(FeedRow.id == ada_notes)
            .values(last_fetch_at=T0, last_status=404, last_error="HTTP 404", failures=3)
        )
    add_entries(store, ada_main, 2)
    feeds = contact_feeds(store, "ada")
    assert [(f.id, f.failures, f.last_error, f.entry_count) for f in feeds] == [
        (ada_main, 0, None, 2),
        (ada_notes, 3, "HTTP 404", 0),
    ]
    card = contact_card(store, "ada", at=T0)
    assert card is not None and card.feeds == tuple(feeds)
    assert contact_feeds(store, "cy") == []
