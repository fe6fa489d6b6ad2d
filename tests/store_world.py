"""A small world in a real SQLite file for the triage screen's store tests:
contacts with tiers, circles and tags, their feeds, and entries stored by
the refresh's own ingest (`store_fetches`), so the search index is filled as
a refresh fills it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from trailtui.store import Store, open_store, pgsearch
from trailtui.store.ingest import FeedUpdate, store_fetches
from trailtui.store.sync import sync_rows

# Current contacts: tier, circles, tags and the feeds they have.
PEOPLE: dict[str, dict[str, Any]] = {
    "ada": {"tier": "A", "circles": ["work"], "tags": ["rust", "tools"], "feeds": 2},
    "bo": {"tier": "B", "circles": ["work", "climbing"], "tags": ["garden"], "feeds": 1},
    "cy": {"tier": "C", "circles": [], "tags": ["rust"], "feeds": 1},
    "di": {"tier": None, "circles": ["climbing"], "tags": [], "feeds": 1},
}
# Archived by the second sync: its tag and circle are no current contact's.
GONE = {"tier": "A", "circles": ["old-job"], "tags": ["rust", "vintage"], "feeds": 1}
# Feed 2 of ada leaves the contacts file: deactivated.
DROPPED_FEED = "https://ada.example.org/notes.xml"


@dataclass(frozen=True)
class Post:
    """An entry as ingest takes it (`ingest.EntryData`)."""

    guid: str
    title: str
    link: str | None
    author: str | None
    published_at: int | None
    updated_at: int | None
    summary: str
    content: str | None
    content_hash: str


def post(guid: str, title: str, at: int, content: str | None = None, **more: Any) -> Post:
    body = content if content is not None else f"<p>Body of {guid}.</p>"
    made = Post(
        guid=guid,
        title=title,
        link=f"https://example.org/{guid}",
        author=None,
        published_at=at,
        updated_at=None,
        summary=title,
        content=body,
        content_hash="",
    )
    made = replace(made, **more)
    digest = hashlib.sha256(f"{made.title}|{made.author}|{made.content}".encode()).hexdigest()
    return replace(made, content_hash=digest)


def feed_urls(person: str, count: int) -> list[str]:
    urls = [f"https://{person}.example.org/feed.xml"]
    if count > 1:
        urls.append(f"https://{person}.example.org/notes.xml")
    return urls


def _rows(people: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": person,
            "name": person.capitalize(),
            "data": {k: v for k, v in info.items() if k != "feeds" and v is not None},
            "feeds": [[url, None, False] for url in feed_urls(person, info["feeds"])],
        }
        for person, info in people.items()
    ]


def open_world(tmp_path: Path | None = None, *, url: str | None = None) -> Store:
    """The contacts and feeds (gone and ada's notes still current), in a
    SQLite file in `tmp_path` or the database at `url`: call `settle` once
    their entries are stored."""
    if url is None:
        assert tmp_path is not None
        url = f"sqlite:///{tmp_path / 'world.sqlite3'}"
    store = open_store(url)
    sync_rows(store, _rows({**PEOPLE, "gone": GONE}))
    return store


def settle(store: Store) -> None:
    """The second sync: `gone` archived, ada's notes feed dropped."""
    people = {**PEOPLE, "ada": {**PEOPLE["ada"], "feeds": 1}}
    sync_rows(store, _rows(people))


def feed_id(store: Store, url: str) -> int:
    with store.read() as session:
        found = session.execute(text("SELECT id FROM feed WHERE url = :u"), {"u": url}).scalar()
    assert isinstance(found, int)
    return found


def store_posts(store: Store, url: str, posts: list[Post], at: int = 2_000_000_000) -> None:
    update = FeedUpdate(fetched_at=at, status=200, error=None, next_fetch_at=at, succeeded=True)
    store_fetches(store, [(feed_id(store, url), update, posts)])


def entry_id(store: Store, guid: str) -> int:
    with store.read() as session:
        found = session.execute(text("SELECT id FROM entry WHERE guid = :g"), {"g": guid}).scalar()
    assert isinstance(found, int)
    return found


def search_index_is_sound(store: Store) -> bool:
    """FTS5's own check of its index, and that the index holds exactly the
    words of the entries there are, each where it is (as an index made
    afresh from them holds them): no word of an old version of an entry
    left behind, none of a new one missing."""
    if store.engine.dialect.name == "postgresql":
        return _postgresql_index_is_sound(store)
    try:
        with store.write_connection() as connection:
            connection.exec_driver_sql(
                "INSERT INTO entry_search(entry_search) VALUES ('integrity-check')"
            )
    except Exception:
        return False
    with store.engine.connect() as connection:  # rolled back: the tables made here go
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.fresh_search USING fts5(title, author, body, "
            "content = '', tokenize = 'unicode61 remove_diacritics 2')"
        )
        connection.exec_driver_sql(
            "INSERT INTO temp.fresh_search (rowid, title, author, body) SELECT id, title, "
            "author, trailtui_index_text(content, summary) FROM entry"
        )
        return _index_words(connection, "main", "entry_search") == _index_words(
            connection, "temp", "fresh_search"
        )


def _postgresql_index_is_sound(store: Store) -> bool:
    """PostgreSQL's index holds, for every entry and only those, the vector
    its current title, author and body make (`pgsearch.vector`), as the
    server reads it."""
    with store.read() as session:
        rows = session.execute(text("SELECT entry_id, words::text FROM entry_search")).all()
        held = {row[0]: row[1] for row in rows}
        entries = session.execute(
            text("SELECT id, title, author, content, summary FROM entry")
        ).all()
        wanted = {
            row[0]: session.execute(
                text("SELECT CAST(:v AS tsvector)::text"),
                {"v": pgsearch.vector(row[1], row[2], row[3], row[4])},
            ).scalar_one()
            for row in entries
        }
    return held == wanted


def _index_words(connection: Connection, schema: str, table: str) -> set[tuple[Any, ...]]:
    """Every (word, entry, column, offset) an FTS5 table holds."""
    vocabulary = f"temp.{table}_words"
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {vocabulary} USING fts5vocab({schema}, {table}, instance)"
    )
    rows = connection.exec_driver_sql(f"SELECT term, doc, col, offset FROM {vocabulary}")
    return {tuple(row) for row in rows}


def indexed_ids(store: Store) -> set[int]:
    with store.read() as session:
        key = "entry_id" if store.engine.dialect.name == "postgresql" else "rowid"
        return {r[0] for r in session.execute(text(f"SELECT {key} FROM entry_search"))}


def entry_ids(store: Store) -> set[int]:
    with store.read() as session:
        return {r[0] for r in session.execute(text("SELECT id FROM entry"))}
