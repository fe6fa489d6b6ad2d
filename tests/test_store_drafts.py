"""Drafts in the store, on SQLite and PostgreSQL: saved, resumed, listed,
discarded and posted (the trail and the draft in one transaction)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from trailtui.store import Store, StoreError, open_store, queries
from trailtui.store.drafts import (
    DISCARDED,
    OPEN,
    POSTED,
    EmptyDraft,
    discard_draft,
    draft,
    open_draft_for,
    open_drafts,
    post_draft,
    save_draft,
)
from trailtui.store.models import DraftRow, EngagementRow
from trailtui.store.sync import sync_rows

from .store_world import entry_id, feed_urls, post, store_posts

T0 = 1_800_000_000


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """Ada (two posts) and Bo (none), on each backend."""
    opened = open_store(db_url)
    sync_rows(
        opened,
        [
            {
                "id": "ada",
                "name": "Ada Quill",
                "data": {},
                "feeds": [[feed_urls("ada", 1)[0], None, False]],
            },
            {"id": "bo", "name": "Bo Lind", "data": {}, "feeds": []},
        ],
    )
    store_posts(
        opened,
        feed_urls("ada", 1)[0],
        [post("engines", "Ada on engines", T0), post("looms", "Looms", T0 + 60)],
    )
    yield opened
    opened.close()


def engines(store: Store) -> int:
    return entry_id(store, "engines")


def rows(store: Store) -> list[tuple[int, str, int | None, str, str]]:
    with store.read() as session:
        return [
            (r.id, r.contact_id, r.entry_id, r.status, r.body)
            for r in session.scalars(select(DraftRow).order_by(DraftRow.id))
        ]


def trails(store: Store) -> list[tuple[str, int | None, str, str | None]]:
    with store.read() as session:
        return [
            (r.contact_id, r.entry_id, r.kind, r.text)
            for r in session.scalars(select(EngagementRow).order_by(EngagementRow.id))
        ]


def save(
    store: Store,
    body: str,
    *,
    draft_id: int | None = None,
    entry: int | None = None,
    at: int = T0,
    contact: str = "ada",
) -> int:
    return save_draft(
        store,
        draft_id=draft_id,
        contact_id=contact,
        entry_id=entry,
        template="comment",
        body=body,
        at=at,
    ).id


def test_a_new_draft_is_saved_and_found_again(store: Store) -> None:
    entry = engines(store)
    assert open_draft_for(store, "ada", entry) is None
    saved = save_draft(
        store,
        draft_id=None,
        contact_id="ada",
        entry_id=entry,
        template="question",
        body="Hi Ada, ",
        at=T0,
    )
    assert (saved.status, saved.body, saved.template) == (OPEN, "Hi Ada, ", "question")
    assert (saved.created_at, saved.updated_at) == (T0, T0)
    assert (saved.contact_name, saved.entry_title) == ("Ada Quill", "Ada on engines")
    assert saved.entry_link == "https://example.org/engines" and saved.engagement_id is None
    assert open_draft_for(store, "ada", entry) == saved == draft(store, saved.id)
    # About the person: another draft, not this one.
    assert open_draft_for(store, "ada", None) is None
    assert draft(store, saved.id + 1000) is None


def test_every_character_is_kept(store: Store) -> None:
    body = "Line one\n\n  indented — “quotes” 👩‍💻 [bold]x[/bold] \x1b[31m {name}\ttab\n\n"
    made = save(store, body, entry=engines(store))
    found = open_draft_for(store, "ada", engines(store))
    assert found is not None and found.id == made and found.body == body


def test_saving_updates_the_one_open_draft(store: Store) -> None:
    entry = engines(store)
    first = save(store, "v1", entry=entry)
    assert save(store, "v2", draft_id=first, entry=entry, at=T0 + 5) == first
    # Without its id, the open draft for the post is still the one updated.
    assert save(store, "v3", entry=entry, at=T0 + 9) == first
    assert rows(store) == [(first, "ada", entry, OPEN, "v3")]
    resumed = open_draft_for(store, "ada", entry)
    assert resumed is not None and (resumed.created_at, resumed.updated_at) == (T0, T0 + 9)


def test_never_two_open_drafts_for_one_post(store: Store) -> None:
    entry = engines(store)
    other = entry_id(store, "looms")
    ids = {save(store, f"take {n}", entry=entry, at=T0 + n) for n in range(5)}
    assert len(ids) == 1
    # Another post, the person alone, another person: drafts of their own.
    assert (
        len({*ids, save(store, "x", entry=other), save(store, "y"), save(store, "z", contact="bo")})
        == 4
    )
    open_rows = [r for r in rows(store) if r[3] == OPEN]
    assert len({(r[1], r[2]) for r in open_rows}) == len(open_rows) == 4


def test_the_drafts_list_is_newest_first_with_names_and_titles(store: Store) -> None:
    a = save(store, "about engines", entry=engines(store), at=T0)
    b = save(store, "for Bo", contact="bo", at=T0 + 20)
    c = save(store, "about Ada", at=T0 + 10)
    listed = open_drafts(store)
    assert [d.id for d in listed] == [b, c, a]
    assert [(d.contact_name, d.entry_title) for d in listed] == [
        ("Bo Lind", None),
        ("Ada Quill", None),
        ("Ada Quill", "Ada on engines"),
    ]
    save(store, "about engines, later", draft_id=a, entry=engines(store), at=T0 + 30)
    assert [d.id for d in open_drafts(store)] == [a, b, c]


def test_discarding_leaves_the_list_and_frees_the_post(store: Store) -> None:
    entry = engines(store)
    made = save(store, "not now", entry=entry)
    assert discard_draft(store, made) is True
    assert discard_draft(store, made) is False  # already
    assert discard_draft(store, made + 1000) is False  # none such
    assert open_drafts(store) == [] and open_draft_for(store, "ada", entry) is None
    found = draft(store, made)
    assert found is not None and (found.status, found.body) == (DISCARDED, "not now")
    # Saving it again changes nothing; a new draft for the post is a new row.
    again = save_draft(
        store, draft_id=made, contact_id="ada", entry_id=entry, template=None, body="x"
    )
    assert (again.status, again.body) == (DISCARDED, "not now")
    fresh = save(store, "fresh", entry=entry)
    assert fresh != made and [r[3] for r in rows(store)] == [DISCARDED, OPEN]


def test_post_writes_the_trail_and_marks_the_draft_posted(store: Store) -> None:
    entry = engines(store)
    made = save(store, "Hi Ada, ", entry=entry)
    result = post_draft(
        store,
        draft_id=made,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="  Hi Ada, I loved this.\n",
        kind="comment",
        at=T0 + 100,
    )
    assert not result.already and result.trail.created
    assert result.draft.id == made and result.draft.status == POSTED
    assert result.draft.body == "  Hi Ada, I loved this.\n"  # the draft keeps what was typed
    assert result.draft.engagement_id == result.trail.engagement.id
    assert trails(store) == [("ada", entry, "comment", "Hi Ada, I loved this.")]
    engagement = result.trail.engagement
    assert (engagement.created_at, engagement.entry_title) == (T0 + 100, "Ada on engines")
    assert engagement.marked_read  # like any trail, it marks its post read
    assert open_drafts(store) == [] and open_draft_for(store, "ada", entry) is None
    found = draft(store, made)
    assert found is not None and found.engagement_id == engagement.id
    assert queries.trail(store, "ada")[0].text == "Hi Ada, I loved this."


def test_posting_without_a_draft_makes_its_row_too(store: Store) -> None:
    result = post_draft(
        store,
        draft_id=None,
        contact_id="bo",
        entry_id=None,
        template="thanks",
        body="Thank you, Bo!",
        kind="thanks",
    )
    assert rows(store) == [(result.draft.id, "bo", None, POSTED, "Thank you, Bo!")]
    assert trails(store) == [("bo", None, "thanks", "Thank you, Bo!")]


def test_a_double_post_records_one_trail(store: Store) -> None:
    entry = engines(store)
    made = save(store, "draft", entry=entry)
    first = post_draft(
        store,
        draft_id=made,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="Great post",
        kind="comment",
        at=T0 + 1,
    )
    again = post_draft(
        store,
        draft_id=made,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="Great post",
        kind="comment",
        at=T0 + 2,
    )
    assert again.already and not again.trail.created
    assert again.trail.engagement == first.trail.engagement
    assert again.draft == first.draft
    # The same words again without the draft's id (a second press before the
    # first answered): still one trail, one draft.
    blind = post_draft(
        store,
        draft_id=None,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="Great post\n",
        kind="comment",
    )
    assert blind.already and blind.trail.engagement.id == first.trail.engagement.id
    assert len(trails(store)) == 1 and len(rows(store)) == 1


def test_new_words_to_the_same_post_are_a_new_comment(store: Store) -> None:
    entry = engines(store)
    post_draft(
        store,
        draft_id=None,
        contact_id="ada",
        entry_id=entry,
        template=None,
        body="One",
        kind="comment",
    )
    post_draft(
        store,
        draft_id=None,
        contact_id="ada",
        entry_id=entry,
        template=None,
        body="Two",
        kind="comment",
    )
    assert [t[3] for t in trails(store)] == ["One", "Two"]
    assert [r[3] for r in rows(store)] == [POSTED, POSTED]


def test_a_posted_draft_cannot_be_saved_again(store: Store) -> None:
    entry = engines(store)
    made = save(store, "v1", entry=entry)
    posted = post_draft(
        store,
        draft_id=made,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="final",
        kind="comment",
        at=T0 + 5,
    ).draft
    late = save_draft(
        store,
        draft_id=made,
        contact_id="ada",
        entry_id=entry,
        template="comment",
        body="late autosave",
        at=T0 + 6,
    )
    assert late == posted and late.body == "final" and late.status == POSTED
    assert discard_draft(store, made) is False
    assert rows(store) == [(made, "ada", entry, POSTED, "final")]


def test_an_empty_draft_is_not_posted(store: Store) -> None:
    made = save(store, "  \n ", entry=engines(store))
    with pytest.raises(EmptyDraft, match="empty"):
        post_draft(
            store,
            draft_id=made,
            contact_id="ada",
            entry_id=engines(store),
            template=None,
            body=" \n",
            kind="comment",
        )
    assert trails(store) == [] and rows(store)[0][3] == OPEN


def refuse_trails(store: Store) -> None:
    """A trigger that makes every engagement insert fail, on either backend."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_trail BEFORE INSERT ON engagement "
                    "BEGIN SELECT RAISE(ABORT, 'trails refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_trail() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'trails refused'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_trail BEFORE INSERT ON engagement "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_trail()"
                )
            )


def test_a_failed_trail_leaves_the_draft_open_with_its_words(store: Store) -> None:
    entry = engines(store)
    made = save(store, "v1", entry=entry)
    refuse_trails(store)
    with pytest.raises(StoreError, match=r"cannot post the draft: .*trails refused"):
        post_draft(
            store,
            draft_id=made,
            contact_id="ada",
            entry_id=entry,
            template="comment",
            body="v2, the words",
            kind="comment",
        )
    # Nothing of the post was kept: no trail, the draft not posted, its post
    # still unread; the words typed are kept as the open draft.
    assert trails(store) == []
    assert rows(store) == [(made, "ada", entry, OPEN, "v2, the words")]
    assert not next(e for e in queries.merged_feed(store) if e.id == entry).read
    assert [d.id for d in open_drafts(store)] == [made]


def test_a_failed_first_post_keeps_the_words_as_a_new_draft(store: Store) -> None:
    refuse_trails(store)
    with pytest.raises(StoreError, match="trails refused"):
        post_draft(
            store,
            draft_id=None,
            contact_id="bo",
            entry_id=None,
            template="thanks",
            body="Thanks, Bo",
            kind="thanks",
        )
    assert trails(store) == []
    assert [(r[1], r[3], r[4]) for r in rows(store)] == [("bo", OPEN, "Thanks, Bo")]


def test_an_unknown_person_or_post_is_told_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(StoreError, match="no contact with id 'nobody'"):
        post_draft(
            store,
            draft_id=None,
            contact_id="nobody",
            entry_id=None,
            template=None,
            body="Hi",
            kind="comment",
        )
    with pytest.raises(StoreError, match="no contact"):
        save_draft(
            store, draft_id=None, contact_id="nobody", entry_id=None, template=None, body="Hi"
        )
    with pytest.raises(StoreError, match="no entry with id 999999"):
        post_draft(
            store,
            draft_id=None,
            contact_id="ada",
            entry_id=999_999,
            template=None,
            body="Hi",
            kind="comment",
        )
    assert trails(store) == [] and rows(store) == []


def test_clients_saving_at_once_still_make_one_open_draft(db_url: str, store: Store) -> None:
    """Several connections each save a first draft for the same post at the
    same moment: the contact's row lock (PostgreSQL) or the write lock
    (SQLite) lets only the first make one; the others update it."""
    entry = engines(store)
    clients = [open_store(db_url, migrate_schema=False) for _ in range(6)]
    start = threading.Barrier(len(clients))
    made: list[int] = []
    failed: list[BaseException] = []

    def first_save(client: Store, n: int) -> None:
        try:
            start.wait()
            made.append(save(client, f"from client {n}", entry=entry, at=T0 + n))
        except BaseException as exc:  # reported below, in the test thread
            failed.append(exc)

    threads = [threading.Thread(target=first_save, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert failed == []
    assert len(made) == len(clients) and len(set(made)) == 1
    assert len([r for r in rows(store) if r[3] == OPEN]) == 1
