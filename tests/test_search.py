"""Full-text search: what plain words find, punctuation, prefixes, ranking,
highlights, the FTS5 syntax and its errors, filters, hostile text, the index
kept in step by every write (a second ingest, deletes, a refresh's worker
processes), what of a long body is indexed, and the migrations that build
it (v3 → v5) and make it keep words, not text (v4 → v5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from trailtui.contacts import load_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds.refresh import refresh
from trailtui.store import (
    Store,
    StoreError,
    ingest,
    migrations,
    open_store,
    queries,
    search,
    writes,
)
from trailtui.store.plaintext import INDEXED_CHARS, html_text, index_text
from trailtui.store.records import EntryFilter, SearchHit
from trailtui.store.search import SearchSyntaxError

from .conftest import write_feed
from .store_world import (
    entry_id,
    entry_ids,
    feed_urls,
    indexed_ids,
    open_world,
    post,
    search_index_is_sound,
    settle,
    store_posts,
)

FIXTURES = Path(__file__).parent / "fixtures" / "store"
AT = 1_900_000_000
ADA, ADA_NOTES = feed_urls("ada", 2)
BO, CY, DI = (feed_urls(p, 1)[0] for p in ("bo", "cy", "di"))
GONE = feed_urls("gone", 1)[0]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The world on each backend (SQLite's FTS5, PostgreSQL's tsvector)."""
    store = open_world(url=db_url)
    store_posts(
        store,
        ADA,
        [
            post(
                "ada-1",
                "Rust async runtimes compared",
                AT + 50,
                "<p>Notes on <b>tokio</b> and smol: what the sched<i>ulers</i> do.</p>",
            ),
            post("ada-2", "Rust-lang: don't panic (draft)", AT + 40, "<p>Errors as values.</p>"),
            post("ada-3", "Weekly links", AT + 30, "<p>Mostly about async I/O in Python.</p>"),
            post("ada-4", "Café naïve notes", AT + 20, "<p>Espresso, crème.</p>"),
        ],
    )
    store_posts(
        store,
        BO,
        [
            post("bo-1", "Gardening in October", AT + 45, "<p>Planting garlic before frost.</p>"),
            post(
                "bo-2",
                "Winter plans",
                AT + 35,
                "<p>" + "Compost and leaves. " * 30 + "Then the garlic beds.</p>",
            ),
            post("bo-3", "Tools I like", AT + 25, "<p>A spade, a fork.</p>", author="Garlic Bo"),
        ],
    )
    store_posts(store, CY, [post("cy-1", "Bread", AT + 10, "<p>Garlic bread recipe.</p>")])
    store_posts(store, ADA_NOTES, [post("notes-1", "Garlic notes", AT + 5, "<p>garlic</p>")])
    store_posts(store, GONE, [post("gone-1", "Garlic archive", AT + 1, "<p>garlic</p>")])
    settle(store)  # gone archived, ada's notes dropped
    yield store
    store.close()


def titles(hits: list[SearchHit]) -> list[str]:
    return [hit.entry.title for hit in hits]


def marked(hit: SearchHit) -> tuple[list[str], list[str]]:
    """The words the hit's marks cover, in its title and its snippet."""
    return (
        [hit.entry.title[a:b] for a, b in hit.title_marks],
        [hit.snippet[a:b] for a, b in hit.snippet_marks],
    )


def sqlite(store: Store) -> bool:
    return store.engine.dialect.name == "sqlite"


def test_plain_words_must_all_be_there(store: Store) -> None:
    assert titles(search.search(store, "rust async")) == ["Rust async runtimes compared"]
    assert titles(search.search(store, "async")) == [
        "Rust async runtimes compared",  # in the title: first
        "Weekly links",
    ]
    assert search.search(store, "rust garlic") == []
    assert search.search(store, "   ") == []


def test_words_in_tags_and_split_by_tags_are_found(store: Store) -> None:
    (hit,) = search.search(store, "tokio schedulers")
    assert hit.entry.title == "Rust async runtimes compared"
    assert marked(hit) == ([], ["tokio", "schedulers"])


@pytest.mark.parametrize(
    "typed",
    [
        "c++",
        "-rust",
        "rust-",
        "title:rust",
        "e.g.",
        "don't",
        "(draft",
        "draft)",
        "[x] {y} <z> #1 @me $5 50% a&b a|b a;b a,b a/b a\\b ~a `a` ^a ?!",
        "AND",
        "NEAR",
        "or not and",
        "'quoted'",
        ":",
        "-",
        "rust - async",
    ],
)
def test_punctuation_in_plain_text_is_never_an_error(store: Store, typed: str) -> None:
    search.search(store, typed)  # raises nothing
    search.search(store, typed, where=EntryFilter(unread_only=True))


def test_punctuation_separates_words(store: Store) -> None:
    assert titles(search.search(store, "rust-lang")) == ["Rust-lang: don't panic (draft)"]
    assert titles(search.search(store, "don't panic")) == ["Rust-lang: don't panic (draft)"]
    assert titles(search.search(store, "(draft)")) == ["Rust-lang: don't panic (draft)"]
    assert titles(search.search(store, "i/o")) == ["Weekly links"]


def test_the_last_word_is_a_prefix_while_it_is_typed(store: Store) -> None:
    assert titles(search.search(store, "rust runt")) == ["Rust async runtimes compared"]
    (hit,) = search.search(store, "compar")
    assert marked(hit)[0] == ["compared"]
    # A finished word (a space after it) is a whole word; a middle one always is.
    assert search.search(store, "compar ") == []
    assert search.search(store, "runt async") == []


def test_accents_and_case_do_not_matter(store: Store) -> None:
    (hit,) = search.search(store, "CAFE NAIVE")
    assert marked(hit)[0] == ["Café", "naïve"]
    (hit,) = search.search(store, "creme")
    assert marked(hit)[1] == ["crème"]


def test_title_ranks_above_author_above_body(store: Store) -> None:
    # The same word in a title, an author, bodies.
    store_posts(store, DI, [post("di-1", "Garlic", AT, "<p>Nothing here.</p>")])
    found = titles(search.search(store, "garlic"))
    assert found[0] == "Garlic"
    assert found[1] == "Tools I like"  # by "Garlic Bo"
    assert set(found[2:]) == {"Gardening in October", "Winter plans", "Bread"}


def test_highlights_are_the_spans_of_the_words(store: Store) -> None:
    (hit,) = search.search(store, "rust async")
    title = hit.entry.title
    assert hit.title_marks == ((0, 4), (title.index("async"), title.index("async") + 5))
    (hit,) = search.search(store, "winter garlic")
    assert marked(hit) == (["Winter"], ["garlic"])
    # A long body: the excerpt is short, around the match, cut at words.
    assert len(hit.snippet) <= search.SNIPPET_CHARS + 2
    assert hit.snippet.startswith("…") and "garlic beds" in hit.snippet
    # A title-only match: the excerpt is the body's start, nothing marked in it.
    (hit,) = search.search(store, "gardening")
    assert hit.snippet == "Planting garlic before frost." and hit.snippet_marks == ()


def test_explicit_syntax_keeps_its_meaning(store: Store) -> None:
    assert titles(search.search(store, '"async runtimes"')) == ["Rust async runtimes compared"]
    assert search.search(store, '"runtimes async"') == []
    assert titles(search.search(store, "panic OR frost")) == [
        "Rust-lang: don't panic (draft)",
        "Gardening in October",
    ]
    assert titles(search.search(store, "async NOT tokio")) == ["Weekly links"]
    assert titles(search.search(store, "sched*")) == ["Rust async runtimes compared"]
    if sqlite(store):
        assert titles(search.search(store, "NEAR(tokio smol, 2)")) == [
            "Rust async runtimes compared"
        ]
        assert search.search(store, "NEAR(tokio do, 2)") == []
    else:  # no tsquery says "within N words": told so, not guessed
        with pytest.raises(SearchSyntaxError, match="NEAR"):
            search.search(store, "NEAR(tokio smol, 2)")
    assert titles(search.search(store, "(panic OR frost) garlic")) == ["Gardening in October"]
    (hit,) = search.search(store, "async NOT tokio")
    assert marked(hit) == ([], ["async"])  # a word left out is not marked


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ('rust "async', "a quote is not closed"),
        ("(rust OR async", "a bracket is not closed"),
        ("rust) OR (async", "a bracket is closed that was never opened"),
        ("NOT rust", "NOT is not where a word should be"),
        ("rust OR", "it ends where a word should follow"),
        ("rust AND AND async", "AND is not where a word should be"),
    ],
)
def test_bad_syntax_is_told_clearly(store: Store, typed: str, says: str) -> None:
    with pytest.raises(SearchSyntaxError) as raised:
        search.search(store, typed)
    message = str(raised.value)
    assert message.startswith(f"could not search for {typed!r}: ") and says in message
    assert isinstance(raised.value, StoreError)


def test_filters_narrow_the_search(store: Store) -> None:
    assert titles(search.search(store, "garlic", where=EntryFilter(contact_id="cy"))) == ["Bread"]
    assert set(titles(search.search(store, "garlic", where=EntryFilter(tier="B")))) == {
        "Gardening in October",
        "Winter plans",
        "Tools I like",
    }
    assert titles(search.search(store, "garlic", where=EntryFilter(tag="rust"))) == ["Bread"]
    writes.set_read_ids(store, [entry_id(store, "bo-1")], True)
    writes.set_starred(store, entry_id(store, "bo-2"), True)
    unread = titles(search.search(store, "garlic", where=EntryFilter(unread_only=True)))
    assert "Gardening in October" not in unread and "Winter plans" in unread
    starred = search.search(store, "garlic", where=EntryFilter(starred_only=True))
    assert titles(starred) == ["Winter plans"] and starred[0].entry.starred
    assert search.search(store, "garlic", where=EntryFilter(tier="Z")) == []
    assert len(search.search(store, "garlic", limit=2)) == 2


def test_archived_contacts_and_dropped_feeds_are_not_found(store: Store) -> None:
    found = titles(search.search(store, "garlic", limit=50))
    assert "Garlic archive" not in found and "Garlic notes" not in found
    assert search.search(store, "archive") == []


def test_the_best_shown_entries_even_when_hidden_ones_rank_higher(store: Store) -> None:
    """Hidden entries that match better than every shown one still leave
    the shown ones found, as many as asked for."""
    store_posts(
        store,
        ADA_NOTES,
        [post(f"hidden-{n}", "Garlic garlic garlic", AT - n, "<p>garlic</p>") for n in range(900)],
    )
    found = titles(search.search(store, "garlic", limit=3))
    assert len(found) == 3 and not {"Garlic garlic garlic", "Garlic notes"} & set(found)


def test_hostile_text_is_indexed_as_text(store: Store) -> None:
    store_posts(
        store,
        DI,
        [
            post(
                "evil-1",
                "<b>bold</b> [red]markup[/red] \x1b[31m",
                AT,
                '<p class="attrword" title="titleword">visible '
                '<a href="https://evil.example/hrefword">link</a></p>'
                "<script>scriptword()</script><style>styleword{}</style>"
                "<p>&lt;script&gt;shown&lt;/script&gt; &amp;amp;</p>",
            )
        ],
    )
    for hidden in ("attrword", "titleword", "hrefword", "evil", "scriptword", "styleword", "p"):
        assert search.search(store, hidden) == [], hidden
    (hit,) = search.search(store, "visible link")
    assert "<" not in hit.snippet.split("visible")[1].split("link")[0]
    (hit,) = search.search(store, "script shown")
    assert marked(hit)[1] == ["script", "shown", "script"]
    assert "<script>shown</script> &amp;" in hit.snippet
    # The title is plain text: its brackets are words' neighbours, nothing more.
    (hit,) = search.search(store, "bold markup")
    assert marked(hit)[0] == ["bold", "markup"]


def test_html_text_keeps_words_drops_markup() -> None:
    def words(fragment: str) -> list[str]:
        return html_text(fragment).split()

    assert words("<p>Hello <b>wo</b>rld</p><p>next</p>") == ["Hello", "world", "next"]
    assert words('<img alt="x" src="y"><br/>a&nbsp;b &lt;c&gt;') == ["a", "b", "<c>"]
    assert words("<ul><li>one</li><li>two</li></ul>") == ["one", "two"]
    assert words("<P>Up<BR>per <SCRIPT>x()</SCRIPT>case</P>") == ["Up", "per", "case"]
    assert words("<p>Mixed <Em>ca</Em>se, <STRONG>lo</STRONG>ud</p>") == ["Mixed", "case,", "loud"]
    assert html_text("plain, 1 < 2") == "plain, 1 < 2"
    assert html_text("<!-- a <b> note -->text") == "text"


def test_a_second_ingest_reindexes_changed_entries(store: Store) -> None:
    store_posts(
        store,
        BO,
        [post("bo-1", "Gardening in November", AT + 45, "<p>Mulching the roses.</p>")],
    )
    assert search.search(store, "october") == []
    assert search.search(store, "planting") == []
    (hit,) = search.search(store, "november roses")
    assert hit.entry.id == entry_id(store, "bo-1")
    assert search_index_is_sound(store)
    # A mark or a star rewrites nothing in the index.
    writes.set_starred(store, hit.entry.id, True)
    writes.set_read_ids(store, [hit.entry.id], True)
    assert titles(search.search(store, "roses")) == ["Gardening in November"]


def test_many_new_entries_are_stored_and_indexed_row_by_row(store: Store) -> None:
    """New entries go in many to a statement: each keeps its own values."""
    count = 2 * ingest.INSERT_ROWS + 1
    posts = [post(f"many-{n}", f"Heron {n}", AT - n, f"<p>word{n}x</p>") for n in range(count)]
    store_posts(store, DI, posts)
    for n in (0, ingest.INSERT_ROWS - 1, ingest.INSERT_ROWS, count - 1):
        (hit,) = search.search(store, f"word{n}x")
        assert hit.entry.title == f"Heron {n}" and hit.entry.sort_ts == AT - n
        assert hit.entry.link == f"https://example.org/many-{n}"
    assert len(search.search(store, "heron", limit=500)) == count
    assert indexed_ids(store) == entry_ids(store) and search_index_is_sound(store)


def test_an_index_with_words_left_behind_is_not_sound(store: Store) -> None:
    """The soundness check the tests lean on can fail: an entry rewritten
    while the index was not told leaves its old words behind."""
    assert search_index_is_sound(store)
    with store.write_connection() as connection:
        if sqlite(store):
            connection.exec_driver_sql("DROP TRIGGER entry_search_update")
        # (PostgreSQL's index is told by ingest: a bare UPDATE leaves it behind.)
        connection.exec_driver_sql(
            "UPDATE entry SET content = '<p>Parsnips.</p>' WHERE guid = 'bo-1'"
        )
    assert not search_index_is_sound(store)


def test_the_index_keeps_no_copy_of_the_text(store: Store) -> None:
    """Contentless: the words are there, the text is not (the excerpt comes
    from the entry)."""
    with store.read() as session:
        if sqlite(store):
            (body,) = session.execute(
                text("SELECT body FROM entry_search WHERE rowid = :i"),
                {"i": entry_id(store, "bo-1")},
            ).one()
            assert body is None
        else:  # the entry's id and its vector: no column of text
            columns = session.execute(text("SELECT * FROM entry_search LIMIT 1")).keys()
            assert list(columns) == ["entry_id", "words"]
    (hit,) = search.search(store, "planting")
    assert marked(hit)[1] == ["Planting"]


def test_a_long_body_is_indexed_up_to_its_limit(store: Store) -> None:
    filler = "<p>" + "Lorem ipsum dolor sit amet. " * 100 + "</p>"
    body = "<p>Osprey opens.</p>" + filler * (INDEXED_CHARS // len(filler) + 1) + "<p>Egret.</p>"
    store_posts(store, DI, [post("long-1", "A long post", AT, body)])
    indexed = index_text(body, None)
    assert len(indexed) <= INDEXED_CHARS and not indexed.endswith(("Lor", "ips", "dol"))
    assert titles(search.search(store, "osprey")) == ["A long post"]
    assert titles(search.search(store, "lorem amet")) == ["A long post"]
    assert search.search(store, "egret") == []  # past the limit: the documented cost
    assert search_index_is_sound(store)
    # Rewritten, the long post's words (all of them) are replaced.
    store_posts(store, DI, [post("long-1", "A long post", AT, "<p>Short now.</p>")])
    assert search.search(store, "osprey") == [] and search.search(store, "lorem") == []
    assert search_index_is_sound(store)


def test_deleted_entries_leave_the_index(store: Store) -> None:
    gone = entry_id(store, "ada-1")
    with store.write() as session:
        session.execute(text("DELETE FROM entry WHERE id = :i"), {"i": gone})
        # Removing a feed removes its entries (and so their index rows) too.
        session.execute(text("DELETE FROM feed WHERE url = :u"), {"u": CY})
    assert search.search(store, "tokio") == []
    assert search.search(store, "bread") == []
    assert indexed_ids(store) == entry_ids(store)
    assert search_index_is_sound(store)


def test_a_refresh_with_worker_processes_fills_the_index(tmp_path: Path, db_url: str) -> None:
    lines = ["version: 1", "contacts:"]
    for n in range(30):  # enough never-fetched feeds for worker processes
        write_feed(tmp_path / f"f{n}.rss", f"p{n}", [f"Post {n} kestrel{n}", f"Post {n} plain"])
        lines += [f"  - name: Person {n}", f"    feeds: [f{n}.rss]"]
    (tmp_path / "contacts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = open_store(db_url)
    sync_contacts(store, load_contacts(tmp_path / "contacts.yaml"))
    report = refresh(store, force=True, start_method="fork")
    assert report.new_entries == 60
    (hit,) = search.search(store, "kestrel17")
    assert hit.entry.title == "Post 17 kestrel17" and hit.entry.contact_id == "person-17"
    assert "Body of post" in hit.snippet
    assert len(search.search(store, "plain", limit=100)) == 30
    assert indexed_ids(store) == entry_ids(store) and search_index_is_sound(store)
    store.close()


def v3_database(path: Path) -> None:
    """A database as trailtui made it at schema version 3 (dumped from one)."""
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "v3.sql").read_text(encoding="utf-8"))
    connection.close()


def test_a_v3_database_is_migrated_and_its_entries_are_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    v3_database(path)
    with sqlite3.connect(path) as old:
        assert old.execute("SELECT value FROM trailtui_meta").fetchone() == ("3",)
        assert not old.execute("SELECT 1 FROM sqlite_master WHERE name = 'entry_search'").fetchall()
    old.close()
    store = open_store(f"sqlite:///{path}")
    assert (tmp_path / "old.sqlite3.v3.bak").exists()
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM trailtui_meta")).scalar_one()
        indexes = {
            r[0]
            for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type='index'"))
        }
    assert version == str(migrations.SCHEMA_VERSION) == "6"
    assert {"ix_entry_unread", "ix_entry_starred", "ix_engagement_entry"} <= indexes
    (hit,) = search.search(store, "tokio")
    assert hit.entry.title == "Rust async runtimes compared"
    assert hit.entry.marks == ("like",)  # the trail the v3 database had
    assert titles(search.search(store, "garlic frost")) == ["Gardening in October"]
    assert indexed_ids(store) == entry_ids(store) and search_index_is_sound(store)
    # What v4 added works on the old data, and new entries are indexed too.
    assert queries.feed_counts(store, EntryFilter(tag="rust")).total == 2
    assert queries.filter_choices(store).tags == ("garden", "rust")
    with store.read() as session:
        feed = session.execute(text("SELECT id, url FROM feed WHERE contact_id = 'bo'")).one()
    store_posts(store, feed[1], [post("bo-new", "Leeks", AT, "<p>Leeks in rows.</p>")])
    assert titles(search.search(store, "leeks")) == ["Leeks"]
    store.close()
    # Opened again: nothing to migrate, the index as it was.
    again = open_store(f"sqlite:///{path}")
    assert titles(search.search(again, "leeks rows")) == ["Leeks"]
    again.close()


def test_a_new_database_has_the_index_at_once(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with store.engine.connect() as connection:
        found = connection.execute(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'entry_search%'")
        ).all()
    names = {r[0] for r in found}
    assert {"entry_search", "entry_search_insert", "entry_search_update"} <= names
    assert "entry_search_delete" in names
    assert not (tmp_path / "new.sqlite3.v0.bak").exists()
    store.close()


# The search index as schema version 4 made it: a copy of each entry's text
# kept in the index, and triggers that let FTS5 forget a row by its id alone.
V4_SEARCH = (
    "DROP TRIGGER entry_search_insert",
    "DROP TRIGGER entry_search_update",
    "DROP TRIGGER entry_search_delete",
    "DROP TABLE entry_search",
    "CREATE VIRTUAL TABLE entry_search USING fts5("
    "title, author, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER entry_search_insert AFTER INSERT ON entry BEGIN "
    "INSERT INTO entry_search (rowid, title, author, body) VALUES "
    "(new.id, new.title, new.author, trailtui_index_text(new.content, new.summary)); END",
    "CREATE TRIGGER entry_search_update AFTER UPDATE OF title, author, content, summary "
    "ON entry BEGIN UPDATE entry_search SET title = new.title, author = new.author, "
    "body = trailtui_index_text(new.content, new.summary) WHERE rowid = old.id; END",
    "CREATE TRIGGER entry_search_delete AFTER DELETE ON entry BEGIN "
    "DELETE FROM entry_search WHERE rowid = old.id; END",
    "INSERT INTO entry_search (rowid, title, author, body) "
    "SELECT id, title, author, trailtui_index_text(content, summary) FROM entry",
    "UPDATE trailtui_meta SET value = '4' WHERE key = 'schema_version'",
)


def v4_database(path: Path) -> None:
    """A database as trailtui made it at schema version 4: the v3 one, its
    v4 indexes, and v4's search index in place of today's."""
    v3_database(path)
    store = open_store(f"sqlite:///{path}")  # now at the current version
    with store.write_connection() as connection:
        for statement in V4_SEARCH:
            connection.exec_driver_sql(statement)
    store.close()
    for backup in path.parent.glob(f"{path.name}.v*.bak"):
        backup.unlink()


def test_a_v4_database_keeps_words_not_text_once_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    v4_database(path)
    with sqlite3.connect(path) as old:
        assert old.execute("SELECT value FROM trailtui_meta").fetchone() == ("4",)
        copied = old.execute("SELECT body FROM entry_search WHERE body LIKE '%tokio%'").fetchall()
        assert len(copied) == 1  # v4 kept the text
    old.close()
    store = open_store(f"sqlite:///{path}")
    assert (tmp_path / "v4.sqlite3.v4.bak").exists()
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM trailtui_meta")).scalar_one()
        made = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'entry_search'")
        ).scalar_one()
        copied = connection.execute(text("SELECT count(body) FROM entry_search")).scalar_one()
    assert version == str(migrations.SCHEMA_VERSION) and "content = ''" in made
    assert copied == 0  # no text kept, only its words
    assert indexed_ids(store) == entry_ids(store) and search_index_is_sound(store)
    (hit,) = search.search(store, "tokio")
    assert hit.entry.title == "Rust async runtimes compared" and "tokio" in hit.snippet
    # In step still: an update, a delete, a new entry.
    with store.read() as session:
        feed = session.execute(text("SELECT id, url FROM feed WHERE contact_id = 'bo'")).one()
    store_posts(store, feed[1], [post("bo-new", "Leeks", AT, "<p>Leeks in rows.</p>")])
    with store.write() as session:
        session.execute(text("DELETE FROM entry WHERE title = 'Gardening in October'"))
    assert titles(search.search(store, "leeks rows")) == ["Leeks"]
    assert search.search(store, "garlic frost") == []
    assert search_index_is_sound(store)
    store.close()
