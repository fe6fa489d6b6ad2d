"""The triage screen's store: the merged feed's pages and filters, counts,
filter choices, trail marks, stars, mark-all-read and its undo, and the
query plans that keep them fast on a big history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from trailtui.store import Store, queries, writes
from trailtui.store.records import EntryFilter, EntryRecord, FeedCounts, PageCursor

from .store_world import (
    DROPPED_FEED,
    GONE,
    PEOPLE,
    feed_urls,
    open_world,
    post,
    settle,
    store_posts,
)

BASE = 1_900_000_000
PER_FEED = 25


@dataclass
class Known:
    """What the test put in, to say what each query must give."""

    id: int
    person: str
    url: str
    at: int
    read: bool
    starred: bool

    @property
    def shown(self) -> bool:
        return self.person in PEOPLE and self.url != DROPPED_FEED


@dataclass
class World:
    store: Store
    known: list[Known]

    def expected(self, keep: Callable[[Known], bool] = lambda k: True) -> list[int]:
        chosen = [k for k in self.known if k.shown and keep(k)]
        return [k.id for k in sorted(chosen, key=lambda k: (k.at, k.id), reverse=True)]


def info(person: str) -> dict[str, Any]:
    return PEOPLE.get(person, GONE)


def sqlite_plans_only(world: World) -> None:
    """The query plans checked are SQLite's (PostgreSQL's planner picks by
    its statistics, which a small world does not make stable)."""
    if world.store.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite query plan")


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    """The world on each backend."""
    store = open_world(url=db_url)
    plan = []
    for shift, person in enumerate([*PEOPLE, "gone"]):
        for url in feed_urls(person, info(person)["feeds"]):
            # Many entries share a date (across feeds too): the id decides.
            posts = [
                post(f"{url}#{n}", f"{person} post {n}", BASE + ((n * 37 + shift * 11) % 40) * 60)
                for n in range(PER_FEED)
            ]
            store_posts(store, url, posts)
            plan += [(p, person, url, n) for n, p in enumerate(posts)]
    with store.read() as session:
        ids = {r[0]: r[1] for r in session.execute(text("SELECT guid, id FROM entry"))}
    known = []
    for p, person, url, n in plan:
        known.append(Known(ids[p.guid], person, url, p.published_at or 0, n % 3 == 0, n % 5 == 0))
    writes.set_read_ids(store, [k.id for k in known if k.read], True)
    for k in known:
        if k.starred:
            writes.set_starred(store, k.id, True)
    settle(store)
    yield World(store, known)
    store.close()


def read_times(session: Session) -> dict[int, int | None]:
    return {r[0]: r[1] for r in session.execute(text("SELECT id, read_at FROM entry"))}


def ids(records: list[EntryRecord]) -> list[int]:
    return [r.id for r in records]


def walk(store: Store, where: EntryFilter | None, size: int) -> list[int]:
    """Every page, from the top down, as the list pages."""
    seen: list[int] = []
    cursor: PageCursor | None = None
    while True:
        page = queries.merged_feed(store, limit=size, where=where, older_than=cursor)
        if not page:
            return seen
        assert len(page) <= size
        seen += ids(page)
        cursor = PageCursor.of(page[-1])


FILTERS: dict[str, tuple[EntryFilter, Callable[[Known], bool]]] = {
    "everything": (EntryFilter(), lambda k: True),
    "one person": (EntryFilter(contact_id="ada"), lambda k: k.person == "ada"),
    "tier": (EntryFilter(tier="A"), lambda k: info(k.person)["tier"] == "A"),
    "circle": (EntryFilter(circle="work"), lambda k: "work" in info(k.person)["circles"]),
    "tag": (EntryFilter(tag="rust"), lambda k: "rust" in info(k.person)["tags"]),
    "unread": (EntryFilter(unread_only=True), lambda k: not k.read),
    "starred": (EntryFilter(starred_only=True), lambda k: k.starred),
    "tier, unread": (
        EntryFilter(tier="B", unread_only=True),
        lambda k: info(k.person)["tier"] == "B" and not k.read,
    ),
    "circle, tag, starred": (
        EntryFilter(circle="work", tag="rust", starred_only=True),
        lambda k: (
            "work" in info(k.person)["circles"] and "rust" in info(k.person)["tags"] and k.starred
        ),
    ),
    "person, unread, starred": (
        EntryFilter(contact_id="bo", unread_only=True, starred_only=True),
        lambda k: k.person == "bo" and not k.read and k.starred,
    ),
    "archived person's tag": (EntryFilter(tag="vintage"), lambda k: False),
    "nobody's tier": (EntryFilter(tier="Z"), lambda k: False),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_shows_what_it_says_newest_first(world: World, name: str) -> None:
    where, keep = FILTERS[name]
    expected = world.expected(keep)
    assert ids(queries.merged_feed(world.store, where=where)) == expected
    # Paged: every entry exactly once, in order, whatever the page size.
    for size in (1, 7, 40):
        assert walk(world.store, where, size) == expected
    counts = queries.feed_counts(world.store, where)
    shown = {k.id: k for k in world.known}
    assert counts == FeedCounts(
        total=len(expected),
        unread=sum(1 for i in expected if not shown[i].read),
        starred=sum(1 for i in expected if shown[i].starred),
    )


def test_the_world_has_what_the_filters_need(world: World) -> None:
    """The fixture is not trivial: ties, hidden entries, every filter non-empty."""
    every = world.expected()
    dates = [k.at for k in world.known if k.shown]
    assert len(dates) > len(set(dates))
    assert len(every) < len(world.known)  # archived contact and dropped feed hidden
    for name, (_, keep) in FILTERS.items():
        if "nobody" not in name and "archived" not in name:
            assert world.expected(keep), name


def test_hidden_entries_are_never_shown(world: World) -> None:
    hidden = {k.id for k in world.known if not k.shown}
    assert hidden
    shown = set(ids(queries.merged_feed(world.store)))
    assert not shown & hidden
    assert queries.feed_counts(world.store).total == len(shown)


def test_contact_id_argument_is_the_filter_s_person(world: World) -> None:
    by_argument = queries.merged_feed(world.store, contact_id="bo")
    assert ids(by_argument) == ids(queries.merged_feed(world.store, where=EntryFilter("bo")))
    narrowed = queries.merged_feed(world.store, contact_id="bo", where=EntryFilter(tier="B"))
    assert ids(narrowed) == ids(by_argument)
    # Two different people at once: nobody.
    assert queries.merged_feed(world.store, contact_id="bo", where=EntryFilter("ada")) == []


def test_newer_than_gives_what_arrived_above_the_top_row(world: World) -> None:
    store = world.store
    top = queries.merged_feed(store, limit=10)
    cursor = PageCursor.of(top[0])
    assert queries.merged_feed(store, newer_than=cursor) == []
    url = feed_urls("bo", 1)[0]
    store_posts(store, url, [post(f"new-{n}", f"new {n}", BASE + 10_000 + n) for n in range(5)])
    # An older arrival (below the top row) is not "above" it.
    store_posts(store, url, [post("late", "late", BASE - 10_000)])
    above = queries.merged_feed(store, newer_than=cursor)
    assert [r.title for r in above] == [f"new {n}" for n in (4, 3, 2, 1, 0)]
    # Fewer than arrived: the nearest ones, so the list above stays whole...
    nearest = queries.merged_feed(store, newer_than=cursor, limit=2)
    assert [r.title for r in nearest] == ["new 1", "new 0"]
    # ...and asking again from the new top gives the rest.
    rest = queries.merged_feed(store, newer_than=PageCursor.of(nearest[0]), limit=10)
    assert [r.title for r in rest] == ["new 4", "new 3", "new 2"]
    # Both cursors: what lies between them.
    between = queries.merged_feed(
        store, newer_than=PageCursor.of(above[-1]), older_than=PageCursor.of(above[0])
    )
    assert [r.title for r in between] == ["new 3", "new 2", "new 1"]
    # Filters hold above the top row too.
    assert queries.merged_feed(store, newer_than=cursor, where=EntryFilter("ada")) == []


def test_filter_choices_are_current_contacts_values_sorted(world: World) -> None:
    choices = queries.filter_choices(world.store)
    assert choices.tiers == ("A", "B", "C")
    assert choices.circles == ("climbing", "work")  # not the archived contact's
    assert choices.tags == ("garden", "rust", "tools")


def test_marks_are_the_active_trails_each_once_in_the_order_left(world: World) -> None:
    store = world.store
    entry = queries.merged_feed(store, where=EntryFilter("ada"), limit=1)[0]
    other = queries.merged_feed(store, where=EntryFilter("bo"), limit=1)[0]
    writes.add_engagement(store, "ada", "comment", entry_id=entry.id, text="nice", at=BASE)
    writes.add_engagement(store, "ada", "like", entry_id=entry.id, at=BASE + 1)
    writes.add_engagement(store, "ada", "comment", entry_id=entry.id, text="again", at=BASE + 2)
    writes.add_engagement(store, "bo", "share", entry_id=other.id, at=BASE + 3)
    writes.undo_last_engagement(store)  # the share: undone, so not shown
    writes.add_engagement(store, "ada", "note", at=BASE + 4)  # about no post
    feed = {r.id: r for r in queries.merged_feed(store)}
    assert feed[entry.id].marks == ("comment", "like")
    assert feed[other.id].marks == ()
    assert all(r.marks == () for i, r in feed.items() if i != entry.id)
    detail = queries.entry_detail(store, entry.id)
    assert detail is not None and detail.entry.marks == ("comment", "like")


def test_marks_of_a_page_bigger_than_one_query_s_ids(world: World) -> None:
    store = world.store
    url = feed_urls("cy", 1)[0]
    store_posts(store, url, [post(f"bulk-{n}", f"bulk {n}", BASE - 1000 - n) for n in range(700)])
    feed = queries.merged_feed(store)
    assert len(feed) > 600
    deep = feed[650]
    writes.add_engagement(store, deep.contact_id, "like", entry_id=deep.id)
    assert queries.merged_feed(store)[650].marks == ("like",)


def test_stars_show_filter_and_count(world: World) -> None:
    store = world.store
    entry = queries.merged_feed(store, where=EntryFilter(starred_only=False))[3]
    before = queries.feed_counts(store).starred
    writes.set_starred(store, entry.id, not entry.starred)
    again = {r.id: r for r in queries.merged_feed(store)}[entry.id]
    assert again.starred is not entry.starred
    assert queries.feed_counts(store).starred == before + (1 if again.starred else -1)
    starred = ids(queries.merged_feed(store, where=EntryFilter(starred_only=True)))
    assert (entry.id in starred) is again.starred
    writes.set_starred(store, entry.id, entry.starred)
    assert queries.feed_counts(store).starred == before


def test_mark_read_where_marks_only_what_the_filter_shows_and_undoes(world: World) -> None:
    store = world.store
    where = EntryFilter(contact_id="bo")
    before = {r.id: r.read for r in queries.merged_feed(store)}
    with store.read() as session:
        stamps = read_times(session)
    marked = writes.mark_read_where(store, where)
    assert sorted(marked) == sorted(world.expected(lambda k: k.person == "bo" and not k.read))
    after = {r.id: r.read for r in queries.merged_feed(store)}
    bo = set(ids(queries.merged_feed(store, where=where)))
    assert all(after[i] for i in bo)
    assert all(after[i] == before[i] for i in after if i not in bo)
    assert queries.feed_counts(store, where).unread == 0
    assert writes.mark_read_where(store, where) == []  # nothing unread left
    # The undo: exactly those are unread again; the ones read before keep their time.
    assert writes.set_read_ids(store, marked, False) == len(marked)
    assert {r.id: r.read for r in queries.merged_feed(store)} == before
    with store.read() as session:
        assert read_times(session) == stamps
    assert writes.set_read_ids(store, marked, False) == 0  # already unread


def test_mark_all_read_and_undo_over_many_ids(world: World) -> None:
    store = world.store
    url = feed_urls("di", 1)[0]
    store_posts(store, url, [post(f"bulk-{n}", f"bulk {n}", BASE - 1000 - n) for n in range(1200)])
    unread = queries.feed_counts(store).unread
    assert unread > 1200
    marked = writes.mark_read_where(store, None)
    assert len(marked) == len(set(marked)) == unread
    assert queries.feed_counts(store).unread == 0
    hidden = [k.id for k in world.known if not k.shown and not k.read]
    assert hidden and not set(hidden) & set(marked)  # what is not shown stays as it was
    assert writes.set_read_ids(store, marked, False) == unread
    assert queries.feed_counts(store).unread == unread
    assert writes.set_read_ids(store, [*marked, 10**9], True) == unread  # a gone id: not counted


# ---- plans ------------------------------------------------------------------


def plans(store: Store, call: Callable[[], object]) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT `call` runs, one line per step."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as connection:
        return [
            "\n".join(
                row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in seen
        ]


def page_plan(store: Store, where: EntryFilter | None) -> str:
    """The plan of the query that picks a page's entries."""
    (found,) = [
        plan
        for plan in plans(store, lambda: queries.merged_feed(store, limit=50, where=where))
        if "MATERIALIZE" in plan
    ]
    return found.split("SCAN anon_1")[0]  # the page's choice, before the join


@pytest.mark.parametrize(
    ("where", "index"),
    [
        (None, "COVERING INDEX ix_entry_recent"),
        (EntryFilter(tier="C"), "COVERING INDEX ix_entry_recent"),
        (EntryFilter(tag="rust"), "COVERING INDEX ix_entry_recent"),
        (EntryFilter(unread_only=True), "COVERING INDEX ix_entry_unread"),
        (EntryFilter(starred_only=True), "COVERING INDEX ix_entry_starred"),
    ],
)
def test_a_page_walks_an_order_index_never_sorting_the_history(
    world: World, where: EntryFilter | None, index: str
) -> None:
    """However many entries a filter matches, a page reads them in order from
    an index that holds all it checks (no entry row read, no sort)."""
    sqlite_plans_only(world)
    plan = page_plan(world.store, where)
    assert index in plan
    assert "TEMP B-TREE" not in plan


def test_counts_come_from_an_index_alone(world: World) -> None:
    sqlite_plans_only(world)
    (plan,) = plans(world.store, lambda: queries.feed_counts(world.store))
    assert "COVERING INDEX ix_entry_feed_recent" in plan
    assert "SCAN entry\n" not in plan + "\n"
