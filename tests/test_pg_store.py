"""What is PostgreSQL's own in the store: every migration run on it, the
search syntax as a tsquery, one like per post under two clients at once,
times that stay UTC whatever the session's time zone, connections that stay
with the process that opened them, and an unreachable server told clearly."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text

from trailtui.store import Store, StoreError, migrations, open_store, pgsearch, search, writes
from trailtui.store.search import SearchSyntaxError

from .store_world import entry_id, feed_urls, open_world, post, store_posts


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    opened = open_world(url=pg_url)
    yield opened
    opened.close()


def test_a_version_1_database_takes_every_migration(store: Store, pg_url: str) -> None:
    """A database as version 1 left it (no discovery columns, no trail's read
    mark, no v4 indexes, no search index) is brought to the current version
    in one go, its entries searchable and its trail kept."""
    store_posts(store, feed_urls("ada", 1)[0], [post("a-1", "Kingfisher sighting", 10)])
    writes.add_engagement(store, "ada", "like", entry_id=entry_id(store, "a-1"))
    with store.engine.begin() as conn:
        for statement in (
            "DROP TABLE entry_search",
            "DROP INDEX ix_entry_unread",
            "DROP INDEX ix_entry_starred",
            "DROP INDEX ix_engagement_entry",
            "ALTER TABLE feed DROP COLUMN discover",
            "ALTER TABLE feed DROP COLUMN resolved_url",
            "ALTER TABLE engagement DROP COLUMN marked_read",
            "UPDATE trailtui_meta SET value = '1' WHERE key = 'schema_version'",
        ):
            conn.exec_driver_sql(statement)
    store.close()
    upgraded = open_store(pg_url)
    try:
        with upgraded.engine.connect() as conn:
            assert migrations.current_version(conn) == migrations.SCHEMA_VERSION
            indexes = set(conn.scalars(text("SELECT indexname FROM pg_indexes")))
        assert {"ix_entry_unread", "ix_entry_starred", "ix_engagement_entry"} <= indexes
        assert "ix_entry_search_words" in indexes
        (hit,) = search.search(upgraded, "kingfisher")
        assert hit.entry.title == "Kingfisher sighting" and hit.title_marks == ((0, 10),)
        undone = writes.undo_last_engagement(upgraded)
        assert undone is not None and undone.engagement.kind == "like"
        assert not undone.entry_unread  # made before v3: it never said it marked read
    finally:
        upgraded.close()


@pytest.mark.parametrize(
    ("expression", "wanted"),
    [
        ('"rust" "async"*', "('rust' & 'async':*)"),
        ('"rust lang"', "('rust' <-> 'lang')"),
        ('"Café" OR "NAÏVE"', "('cafe' | 'naive')"),
        ('"a" NOT "b"', "('a' & !'b')"),
        ('"a" OR "b" NOT "c"', "('a' | ('b' & !'c'))"),  # NOT binds tighter than OR
        ('( "a" OR "b" ) AND "c"', "(('a' | 'b') & 'c')"),
    ],
)
def test_fts5_expressions_become_the_same_tsquery(expression: str, wanted: str) -> None:
    assert pgsearch.tsquery(expression) == wanted


def test_what_a_tsquery_cannot_say_is_a_syntax_error(store: Store) -> None:
    with pytest.raises(SearchSyntaxError, match=r"NEAR\(\.\.\.\) is SQLite's alone"):
        search.search(store, "NEAR(tokio smol, 2)")
    with pytest.raises(SearchSyntaxError, match="it ends where a word should follow"):
        search.search(store, "rust OR")


def test_the_index_does_not_depend_on_the_server_s_text_search_setup(store: Store) -> None:
    """The words are made in Python: another default configuration (one that
    stems and drops stop words) changes nothing."""
    store_posts(store, feed_urls("bo", 1)[0], [post("b-1", "The running herons", 10)])
    with store.engine.begin() as conn:
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        conn.exec_driver_sql(
            f"ALTER DATABASE \"{database}\" SET default_text_search_config = 'english'"
        )
    store.engine.dispose()  # new sessions, with the setting
    assert [h.entry.title for h in search.search(store, "the running")] == ["The running herons"]
    assert search.search(store, "run") != [] and search.search(store, "run ") == []


def test_one_like_per_post_under_two_clients_at_once(store: Store, pg_url: str) -> None:
    """Two clients (each its own engine, as two machines) like the same posts
    at the same moment: each post has one like, and each client was told
    whether it made it."""
    posts = [post(f"c-{n}", f"Post {n}", 100 + n) for n in range(20)]
    store_posts(store, feed_urls("cy", 1)[0], posts)
    ids = [entry_id(store, f"c-{n}") for n in range(20)]
    clients = [open_store(pg_url, migrate_schema=False) for _ in range(2)]
    made: list[list[bool]] = [[], []]
    start = threading.Barrier(2)

    def like_all(n: int) -> None:
        start.wait()
        for id_ in ids:
            written = writes.add_engagement(
                clients[n], "cy", "like", entry_id=id_, once_per_entry=True
            )
            made[n].append(written.created)

    threads = [threading.Thread(target=like_all, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    with store.read() as session:
        rows = session.execute(
            text("SELECT entry_id, count(*) FROM engagement GROUP BY entry_id")
        ).all()
    per_post: dict[int, int] = {row[0]: row[1] for row in rows}
    assert per_post == dict.fromkeys(ids, 1)
    assert [a + b for a, b in zip(made[0], made[1], strict=True)] == [1] * len(ids)


def test_times_stay_utc_whatever_the_session_time_zone(store: Store, pg_url: str) -> None:
    far = make_url(pg_url).update_query_dict({"options": "-c TimeZone=Pacific/Chatham"})
    elsewhere = open_store(far.render_as_string(hide_password=False), migrate_schema=False)
    try:
        with elsewhere.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW TimeZone").scalar_one() == "Pacific/Chatham"
        store_posts(elsewhere, feed_urls("di", 1)[0], [post("d-1", "Dated", 1_700_000_000)])
        written = writes.add_engagement(elsewhere, "di", "thanks", at=1_700_000_123)
    finally:
        elsewhere.close()
    with store.read() as session:
        stored = session.execute(
            text("SELECT published_at, sort_ts FROM entry WHERE guid = 'd-1'")
        ).one()
        at = session.execute(
            text("SELECT created_at FROM engagement WHERE id = :i"),
            {"i": written.engagement.id},
        ).scalar_one()
    assert tuple(stored) == (1_700_000_000, 1_700_000_000) and at == 1_700_000_123


def test_a_forked_process_opens_its_own_connections(store: Store) -> None:
    """A worker forked from a process holding pooled connections gets new
    ones; the parent's keep working once it is gone."""

    def backend(of: Store) -> int:
        with of.read() as session:
            found: int = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            return found

    parent = backend(store)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: report its backend, then leave as workers do
        code = 1
        try:
            os.write(writer, str(backend(store)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    reported = os.read(reader, 64)
    os.close(reader)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert reported and int(reported) != parent
    assert backend(store) == parent  # the parent's connection, still good


def test_an_unreachable_server_is_named_without_its_password() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as raised:
        open_store("postgresql+psycopg://ada:s3cret-word@127.0.0.1:1/trail")
    message = str(raised.value)
    assert message.startswith("cannot reach the PostgreSQL server at 127.0.0.1:1 (database trail)")
    assert "s3cret" not in message
    store = open_store(
        "postgresql+psycopg://ada:s3cret-word@127.0.0.1:1/trail", migrate_schema=False
    )
    assert "s3cret" not in store.url and "***" in store.url
    store.close()
