"""The store: schema and migrations, contact sync, the trail, read queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, inspect, text

from trailtui.contacts import load_contacts, parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.contacts.schema import ContactBook
from trailtui.feeds.refresh import refresh
from trailtui.store import StoreError, ingest, migrations, open_store, queries, search, writes
from trailtui.store.ingest import sort_timestamp
from trailtui.trail.cadence import Health
from trailtui.trail.kinds import Kind
from trailtui.trail.service import contact_card, leave_trail

from .store_world import Post, feed_id, feed_urls, open_world, post, store_posts


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'trail.sqlite3'}"


def book(text_: str, base: Path | None = None) -> ContactBook:
    return parse_contacts(text_, name="contacts.yaml", base_dir=base)


TWO = """
version: 1
contacts:
  - {name: Ada Quill, id: ada, why: kind tools, cadence: 7d}
  - {name: Bo Lind, id: bo}
"""


def test_new_database_gets_schema_version_and_pragmas(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path))
    with store.engine.connect() as conn:
        tables = {
            r[0] for r in conn.execute(text("select name from sqlite_master where type='table'"))
        }
        assert {"contact", "feed", "entry", "engagement", "draft", "trailtui_meta"} <= tables
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA page_size")).scalar() == 16384
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1024  # 16 MB
        version = conn.execute(text("select value from trailtui_meta where key='schema_version'"))
        assert int(version.scalar_one()) == migrations.SCHEMA_VERSION
    store.close()
    # The file is private to the user.
    assert (tmp_path / "trail.sqlite3").stat().st_mode & 0o077 == 0


def test_an_older_database_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as made_with_4k_pages:
        made_with_4k_pages.execute("CREATE TABLE other (x)")
    made_with_4k_pages.close()
    store = open_store(f"sqlite:///{path}", migrate_schema=False)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA page_size")).scalar() == 4096
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 4096  # 16 MB
    store.close()


def test_a_connection_without_checkpoints_leaves_them_to_another(tmp_path: Path) -> None:
    main = open_store(sqlite_url(tmp_path))
    worker = open_store(sqlite_url(tmp_path), migrate_schema=False, checkpoints=False)
    with worker.engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    sync_contacts(worker, book(TWO))
    wal = tmp_path / "trail.sqlite3-wal"
    with sqlite3.connect(tmp_path / "trail.sqlite3") as reader:
        before = reader.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    reader.close()
    main.checkpoint()  # copies the worker's commits into the database file
    with main.engine.connect() as conn:
        busy, frames, copied = conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        assert busy == 0 and copied == frames  # nothing was left behind
    assert before == 2 and wal.exists()
    worker.close()
    main.close()
    reopened = open_store(sqlite_url(tmp_path))
    assert queries.counts(reopened).contacts == 2
    reopened.close()


def test_entry_insert_suits_each_driver() -> None:
    """The bulk insert is SQLAlchemy's statement for the dialect: positional
    (and without RETURNING) for SQLite, named for PostgreSQL."""
    from sqlalchemy.dialects import postgresql, sqlite

    columns = ("feed_id", "guid", "title", "content_hash", "first_seen_at", "sort_ts", "starred")
    compiled = ingest.insert_statement(sqlite.dialect(), columns)
    statement, order = compiled.sql, compiled.order
    assert statement.startswith("INSERT INTO entry") and statement.count("?") == len(columns)
    assert order is not None and sorted(order) == sorted(columns)
    # SQLAlchemy leaves the psycopg dialect's __init__ unannotated.
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    compiled = ingest.insert_statement(dialect, columns)
    statement, order = compiled.sql, compiled.order
    assert order is None and "%(guid)s" in statement
    # PostgreSQL: an entry another client stored first is skipped, and the
    # rows made come back for the search index.
    assert "ON CONFLICT (feed_id, guid) DO NOTHING" in statement
    assert statement.endswith("RETURNING entry.id, entry.feed_id, entry.guid")


def test_reopening_keeps_data(db_url: str) -> None:
    store = open_store(db_url)
    sync_contacts(store, book(TWO))
    leave_trail(store, "ada", Kind.LIKE)
    store.close()
    again = open_store(db_url)
    assert queries.counts(again).engagements == 1
    again.close()


def test_newer_schema_is_refused(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("update trailtui_meta set value='99' where key='schema_version'"))
    store.close()
    with pytest.raises(StoreError, match="newer than this trailtui"):
        open_store(db_url)


def test_a_version_5_database_gains_version_6_and_its_entries_are_found(db_url: str) -> None:
    """v6 gives PostgreSQL its search index, filled from the entries already
    there (made before PostgreSQL had one); on SQLite only the version moves."""
    store = open_world(url=db_url)
    store_posts(store, feed_urls("ada", 1)[0], [post("old-1", "Sourdough starter notes", 10)])
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("drop table entry_search"))
        conn.execute(text("update trailtui_meta set value='5' where key='schema_version'"))
    store.close()
    upgraded = open_store(db_url)
    with upgraded.engine.connect() as conn:
        assert migrations.current_version(conn) == 6 == migrations.SCHEMA_VERSION
    assert [hit.entry.title for hit in search.search(upgraded, "sourdough")] == [
        "Sourdough starter notes"
    ]
    store_posts(upgraded, feed_urls("bo", 1)[0], [post("new-1", "Sourdough, again", 20)])
    assert len(search.search(upgraded, "sourdough")) == 2
    upgraded.close()


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "trail.sqlite3") as conn:
        conn.execute("create table contact (x int)")
    with pytest.raises(StoreError, match="not made by this trailtui"):
        open_store(sqlite_url(tmp_path))


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "trail.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(sqlite_url(tmp_path))


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("no such thing")


def test_migration_path_upgrades_and_keeps_the_trail(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(db_url)
    sync_contacts(store, book(TWO))
    leave_trail(store, "ada", Kind.THANKS, text="thank you")
    store.close()

    def add_column(conn: Connection) -> None:
        conn.execute(text("alter table engagement add column mood varchar(20)"))

    current = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, current, add_column)
    upgraded = open_store(db_url)
    with upgraded.engine.connect() as conn:
        columns = {column["name"] for column in inspect(conn).get_columns("engagement")}
        version = conn.execute(text("select value from trailtui_meta")).scalar_one()
    assert "mood" in columns and version == str(current + 1)
    assert [e.text for e in queries.trail(upgraded, "ada")] == ["thank you"]
    if db_url.startswith("sqlite"):  # a file copied aside first
        database = Path(db_url.removeprefix("sqlite:///"))
        assert database.with_name(f"{database.name}.v{current}.bak").exists()
    upgraded.close()


def test_sync_adds_updates_archives_and_restores(db_url: str) -> None:
    store = open_store(db_url)
    report = sync_contacts(store, book(TWO))
    assert sorted(report.added) == ["ada", "bo"]

    changed = TWO.replace("kind tools", "kinder tools").replace("  - {name: Bo Lind, id: bo}\n", "")
    report = sync_contacts(store, book(changed))
    assert report.updated == ["ada"] and report.archived == ["bo"]
    assert queries.contact(store, "ada").why == "kinder tools"  # type: ignore[union-attr]
    assert queries.contact(store, "bo").archived  # type: ignore[union-attr]
    assert [c.id for c in queries.contacts(store)] == ["ada"]

    report = sync_contacts(store, book(TWO))
    assert report.restored == ["bo"]
    assert not queries.contact(store, "bo").archived  # type: ignore[union-attr]


def test_trail_survives_removal_from_yaml(db_url: str, small_world: Path) -> None:
    store = open_store(db_url)
    sync_contacts(store, load_contacts(small_world))
    refresh(store, force=True)
    entry = queries.merged_feed(store, contact_id="ada")[0]
    leave_trail(store, "ada", Kind.COMMENT, entry_id=entry.id, text="Lovely post")

    text_ = small_world.read_text(encoding="utf-8")
    without_ada = (
        text_.split("  - name: Bo Lind")[0].split("contacts:")[0]
        + "contacts:\n  - name: Bo Lind"
        + text_.split("  - name: Bo Lind")[1]
    )
    small_world.write_text(without_ada, encoding="utf-8")
    report = sync_contacts(store, load_contacts(small_world))
    assert report.archived == ["ada"]
    # Ada's entries leave the merged feed, but her trail and entries stay.
    assert all(e.contact_id != "ada" for e in queries.merged_feed(store))
    trail = queries.trail(store, "ada")
    assert [(t.kind, t.text, t.entry_title) for t in trail] == [
        ("comment", "Lovely post", entry.title)
    ]
    store.close()


def test_removed_feed_is_deactivated_not_deleted(db_url: str, small_world: Path) -> None:
    store = open_store(db_url)
    sync_contacts(store, load_contacts(small_world))
    refresh(store, force=True)
    before = queries.counts(store)
    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace("    feeds: [feeds/ada.rss]\n", ""),
        encoding="utf-8",
    )
    report = sync_contacts(store, load_contacts(small_world))
    assert report.feeds_removed == 1
    after = queries.counts(store)
    assert after.feeds == before.feeds - 1 and after.entries == before.entries - 2
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from entry")).scalar() == before.entries


def test_engagements_undo_and_cadence(db_url: str, small_world: Path) -> None:
    store = open_store(db_url)
    sync_contacts(store, load_contacts(small_world))
    refresh(store, force=True)
    card = contact_card(store, "ada")
    assert card is not None and card.rhythm.health is Health.NEVER

    entry = queries.merged_feed(store, contact_id="ada")[0]
    written = leave_trail(store, "ada", Kind.LIKE, entry_id=entry.id)
    like = written.engagement
    assert written.created and like.kind == "like" and like.entry_id == entry.id
    # Leaving a trail on an entry marks it read.
    assert next(e for e in queries.merged_feed(store) if e.id == entry.id).read
    card = contact_card(store, "ada")
    assert card is not None and card.rhythm.health is Health.FRESH
    assert card.rhythm.due_at == like.created_at + 7 * 86400

    # A note is not a touch: it does not reset the cadence.
    writes.add_engagement(store, "bo-lind", "note", text="met at a meetup", at=1)
    assert contact_card(store, "bo-lind").rhythm.health is Health.NEVER  # type: ignore[union-attr]

    undone = writes.undo_last_engagement(store)
    assert undone is not None and undone.engagement.kind == "note"
    undone = writes.undo_last_engagement(store)
    assert undone is not None and undone.engagement.kind == "like"
    # The like had marked the entry read: undoing it marks it unread again.
    assert undone.entry_unread
    assert not next(e for e in queries.merged_feed(store) if e.id == entry.id).read
    card = contact_card(store, "ada")
    assert card is not None and card.rhythm.health is Health.NEVER
    # Undo marks; the log keeps every row.
    assert [t.undone for t in card.trail] == [True]
    assert queries.counts(store).engagements == 0


def test_overdue_after_twice_the_cadence(db_url: str) -> None:
    store = open_store(db_url)
    sync_contacts(store, book(TWO))
    writes.add_engagement(store, "ada", "share", at=1_000_000)
    week = 7 * 86400
    assert contact_card(store, "ada", at=1_000_000 + week - 1).rhythm.health is Health.FRESH  # type: ignore[union-attr]
    assert contact_card(store, "ada", at=1_000_000 + week).rhythm.health is Health.DUE  # type: ignore[union-attr]
    late = contact_card(store, "ada", at=1_000_000 + 3 * week)
    assert late is not None and late.rhythm.health is Health.OVERDUE
    assert late.rhythm.days_overdue(1_000_000 + 3 * week) == 14


def test_engagement_for_unknown_contact_is_refused(db_url: str) -> None:
    store = open_store(db_url)
    with pytest.raises(StoreError, match="no contact"):
        writes.add_engagement(store, "nobody", "like")


def test_merged_feed_is_newest_first_and_read_toggles(db_url: str, small_world: Path) -> None:
    store = open_store(db_url)
    sync_contacts(store, load_contacts(small_world))
    report = refresh(store, force=True)
    assert report.new_entries == 4 and not report.failures
    entries = queries.merged_feed(store)
    assert [e.sort_ts for e in entries] == sorted((e.sort_ts for e in entries), reverse=True)
    assert entries[0].contact_name == "Ada Quill"
    assert {e.feed_label for e in entries if e.contact_id == "bo-lind"} == {"Notes"}
    writes.set_read(store, entries[0].id)
    assert queries.counts(store).unread == 3
    writes.set_read(store, entries[0].id, read=False)
    assert queries.counts(store).unread == 4


def test_refetch_of_unchanged_feed_writes_no_entries(db_url: str, small_world: Path) -> None:
    store = open_store(db_url)
    sync_contacts(store, load_contacts(small_world))
    refresh(store, force=True)
    again = refresh(store, force=True)
    assert again.new_entries == 0 and again.updated_entries == 0
    # Not forced: nothing is due yet.
    assert refresh(store).total == 0


def test_sort_timestamp_clamps_future_and_missing_dates() -> None:
    assert sort_timestamp(None, 100) == 100
    assert sort_timestamp(200, 100) == 100
    assert sort_timestamp(50, 100) == 50


def test_locked_database_gives_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(sqlite_url(tmp_path))
    sync_contacts(store, book(TWO))
    from trailtui.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)
    blocker = sqlite3.connect(tmp_path / "trail.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        quick = open_store(sqlite_url(tmp_path), migrate_schema=False)
        with quick.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 100")
        with pytest.raises(StoreError, match="locked"):
            writes.add_engagement(quick, "ada", "like")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # Nothing was lost and the store works again.
    assert writes.add_engagement(store, "ada", "like").engagement.kind == "like"


def test_a_feed_listed_twice_is_one_feed_with_the_last_label(db_url: str) -> None:
    store = open_store(db_url)
    text = """
version: 1
contacts:
  - name: Ada
    feeds:
      - {url: "https://ada.example.org/feed.xml", label: first}
      - {url: "https://ada.example.org/feed.xml", label: second}
"""
    report = sync_contacts(store, book(text))
    assert report.feeds_added == 1
    (feed,) = queries.feed_health(store)
    assert feed.label == "second"
    store.close()


def test_a_batch_of_feeds_stores_each_feed_s_new_entries_as_its_own(db_url: str) -> None:
    """A transaction's new entries go in together, at its end: each keeps
    its feed, each feed its counts; a feed gone meanwhile stores nothing."""
    store = open_world(url=db_url)
    at = 2_000_000_000
    update = ingest.FeedUpdate(
        fetched_at=at, status=200, error=None, next_fetch_at=at, succeeded=True
    )
    ada, bo = feed_id(store, feed_urls("ada", 1)[0]), feed_id(store, feed_urls("bo", 1)[0])
    store_posts(store, feed_urls("bo", 1)[0], [post("bo-old", "Kept", at - 9)])
    batch: list[tuple[int, ingest.FeedUpdate, list[Post]]] = [
        (ada, update, [post(f"ada-{n}", f"Ada {n}", at - n) for n in range(3)]),
        (999_999, update, [post("lost", "Lost", at)]),  # removed while it was fetched
        (bo, update, [post("bo-old", "Kept, edited", at - 9), post("bo-new", "Bo new", at)]),
    ]
    results = ingest.store_fetches(store, batch)
    assert [(r.new, r.updated) for r in results] == [(3, 0), (0, 0), (1, 1)]
    with store.read() as session:
        rows = session.execute(text("SELECT guid, feed_id, title FROM entry")).all()
    assert sorted(tuple(row) for row in rows) == sorted(
        [
            *((f"ada-{n}", ada, f"Ada {n}") for n in range(3)),
            ("bo-new", bo, "Bo new"),
            ("bo-old", bo, "Kept, edited"),
        ]
    )
    store.close()


def test_new_entries_fit_a_database_that_takes_few_bound_values(tmp_path: Path) -> None:
    """SQLite before 3.32 takes 999 bound values a statement: fewer rows to
    an INSERT then, all of them stored."""
    store = open_world(tmp_path)
    event.listen(
        store.engine,
        "connect",
        lambda dbapi, _record: dbapi.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999),
    )
    store.engine.dispose()  # new connections, with the limit
    inserts: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("INSERT INTO entry "):
            inserts.append(len(params))

    event.listen(store.engine, "before_cursor_execute", count)
    count_ = ingest.INSERT_ROWS + 37
    posts = [post(f"p-{n}", f"Post {n}", 1_900_000_000 - n) for n in range(count_)]
    store_posts(store, feed_urls("di", 1)[0], posts)
    assert inserts and max(inserts) <= 999 and len(inserts) > count_ * 16 // 999
    assert queries.counts(store).entries == count_
    store.close()


def test_chunk_sizes_cover_every_row_in_few_shapes() -> None:
    for count in (0, 1, 7, 200, 201, 399, 1000):
        sizes = ingest.chunk_sizes(count, 200)
        assert sum(sizes) == count and all(0 < size <= 200 for size in sizes)
        assert set(sizes) <= {200} | {1 << k for k in range(8)}
