"""The drafts service: a draft begun from the person and post, resumed with
every character, kept and posted; and the posted words in an export."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from trailtui.cli import main
from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.store import Store, StoreError, open_store, queries, writes
from trailtui.store.drafts import POSTED, draft, open_drafts
from trailtui.store.models import EntryRow
from trailtui.trail.drafts import (
    QUOTE_LIMIT,
    begin_draft,
    context_for,
    fill,
    first_sentence,
    keep_draft,
    post,
)
from trailtui.trail.kinds import Kind
from trailtui.trail.platforms import MASTODON
from trailtui.trail.service import leave_trail
from trailtui.trail.templates import BUILT_INS, render, template_for

from .store_world import entry_id, store_posts
from .store_world import post as feed_post

CONTACTS = """\
version: 1
contacts:
  - name: Ada Quill
    id: ada
    why: kind tools
    help: beta readers for her book
    feeds: [https://ada.example.org/feed.xml]
  - name: Bo Lind
    id: bo
    feeds: [https://mastodon.social/@bo.rss]
"""
T0 = 1_793_707_200  # 2026-11-03 12:00 UTC: noon, the same day in any nearby zone
DAY = 86_400
HOSTILE_TITLE = "[bold]x[/bold] {name} [link=https://evil.example]y[/link]"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates in UTC, whatever the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, str]:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(CONTACTS, encoding="utf-8")
    return contacts, f"sqlite:///{tmp_path / 'trail.sqlite3'}"


@pytest.fixture
def store(files: tuple[Path, str]) -> Iterator[Store]:
    contacts, url = files
    opened = open_store(url)
    sync_contacts(opened, parse_contacts(contacts.read_text(), name=str(contacts)))
    content = (
        "<p>Ada on engines</p><p>Continue reading →</p><h2>Notes</h2>"
        "<p>Engines weave algebraic patterns, as looms weave flowers. Then more.</p>"
    )
    store_posts(
        opened,
        "https://ada.example.org/feed.xml",
        [
            feed_post("engines", "Ada on engines", T0, content=content),
            feed_post("looms", "Looms", T0 - 5 * DAY),
            feed_post(
                "hostile", HOSTILE_TITLE, T0, content="<p>[red]Shout[/red] {first_name}.</p>"
            ),
        ],
    )
    store_posts(
        opened,
        "https://mastodon.social/@bo.rss",
        [
            feed_post("toot", "Bo on gardens", T0, link="https://example.org/bo/1"),
            feed_post("status", "A toot", T0, link="https://mastodon.social/@bo/112233"),
        ],
    )
    yield opened
    opened.close()


def test_a_new_draft_fills_the_comment_template_from_the_person_and_post(store: Store) -> None:
    engines = entry_id(store, "engines")
    start = begin_draft(store, contact_id="ada", entry_id=engines, at=T0)
    assert start.draft_id is None and not start.resumed and start.unknown == ()
    assert start.template == template_for(BUILT_INS, Kind.COMMENT) and start.templates == BUILT_INS
    assert start.body == render(start.template.body, start.context).text
    assert "Ada" in start.body and "Ada on engines" in start.body
    assert start.subject == "Ada Quill · “Ada on engines”"
    assert start.link == "https://example.org/engines" and start.platform is None
    context = start.context
    assert (context.name, context.first_name) == ("Ada Quill", "Ada")
    assert (context.title, context.link) == ("Ada on engines", "https://example.org/engines")
    assert (context.why, context.help) == ("kind tools", "beta readers for her book")
    # The title repeated, the "Continue reading" and the heading are skipped.
    assert context.quote == "Engines weave algebraic patterns, as looms weave flowers."
    assert context.last_trail == ""


def test_a_draft_about_the_person_has_no_post(store: Store) -> None:
    start = begin_draft(store, contact_id="ada", entry_id=None, kind=Kind.THANKS)
    assert start.template.key == "thanks" and start.subject == "Ada Quill"
    assert start.body == "Thank you, Ada! " and start.link is None and start.platform is None
    assert (start.context.title, start.context.link, start.context.quote) == ("", "", "")


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (Kind.COMMENT, "comment"),
        (Kind.HELP, "help"),
        (Kind.THANKS, "thanks"),
        (Kind.REPORT_BACK, "report_back"),
        (Kind.INTRO, "intro"),
        (Kind.NOTE, "note"),
        (Kind.REACHED_OUT, "reached_out"),
        (Kind.LIKE, "comment"),
    ],
)
def test_each_worded_trail_starts_from_its_template(store: Store, kind: Kind, key: str) -> None:
    start = begin_draft(store, contact_id="ada", entry_id=entry_id(store, "engines"), kind=kind)
    assert start.template.key == key


def test_the_selected_text_is_the_quote(store: Store) -> None:
    context = context_for(
        store, "ada", entry_id(store, "engines"), selected="  as looms weave\n flowers "
    )
    assert context.quote == "as looms weave flowers"
    blank = context_for(store, "ada", entry_id(store, "engines"), selected="  ")
    assert blank.quote.startswith("Engines weave")


def test_the_last_trail_is_the_newest_live_touch_described(store: Store) -> None:
    looms = entry_id(store, "looms")
    writes.add_engagement(store, "ada", "like", entry_id=looms, at=T0 - 3 * DAY)
    writes.add_engagement(store, "ada", "note", text="private", at=T0 - DAY)  # never named
    assert context_for(store, "ada", None, at=T0).last_trail == "liked “Looms” on 31 Oct"
    leave_trail(store, "ada", Kind.THANKS)
    writes.undo_last_engagement(store)  # undone: not named either
    assert context_for(store, "ada", None, at=T0).last_trail == "liked “Looms” on 31 Oct"
    writes.add_engagement(store, "ada", "reached_out", at=T0 - 2 * DAY)
    assert context_for(store, "ada", None, at=T0).last_trail == "reached out on 1 Nov"
    # Another year is said.
    assert context_for(store, "ada", None, at=T0 + 365 * DAY).last_trail == (
        "reached out on 1 Nov 2026"
    )


def test_a_kept_draft_resumes_with_every_character_and_its_template(store: Store) -> None:
    engines = entry_id(store, "engines")
    start = begin_draft(store, contact_id="ada", entry_id=engines)
    question = next(t for t in start.templates if t.key == "question")
    body = "Hi Ada,\n\n  a question {nmae} [b]x[/b] 👩‍💻 \t\n\n"
    kept = keep_draft(store, start, draft_id=None, body=body, template=question)
    again = begin_draft(store, contact_id="ada", entry_id=engines, kind=Kind.THANKS)
    assert again.resumed and again.draft_id == kept.id
    assert again.body == body and again.template == question and again.unknown == ()
    # Kept again through the id the first save gave: still one draft.
    keep_draft(store, again, draft_id=kept.id, body=body + "more", template=question)
    assert [(d.id, d.body) for d in open_drafts(store)] == [(kept.id, body + "more")]


def test_user_templates_replace_built_ins_and_unknown_placeholders_are_flagged(
    store: Store,
) -> None:
    mine = {"Thoughtful comment": "Dear {first_name}, {nmae} on {title}.", "Cheer": "Go {name}!"}
    start = begin_draft(
        store, contact_id="ada", entry_id=entry_id(store, "engines"), user_templates=mine
    )
    assert start.body == "Dear Ada, {nmae} on Ada on engines."
    assert start.unknown == ("nmae",)
    cheer = start.templates[-1]
    assert (cheer.key, cheer.kind) == ("Cheer", Kind.COMMENT)
    assert fill(start, cheer).text == "Go Ada Quill!"


def test_hostile_post_text_goes_into_the_draft_literally(store: Store) -> None:
    start = begin_draft(store, contact_id="ada", entry_id=entry_id(store, "hostile"))
    assert start.context.title == HOSTILE_TITLE
    assert HOSTILE_TITLE in start.body  # markup and braces, as written; never expanded
    assert start.unknown == ()
    assert start.context.quote == "[red]Shout[/red] {first_name}."
    assert start.subject == f"Ada Quill · “{HOSTILE_TITLE}”"


def test_escapes_in_stored_text_never_reach_the_context(store: Store) -> None:
    with store.write() as session:
        row = session.get(EntryRow, entry_id(store, "looms"))
        assert row is not None
        row.title = "Looms \x1b[31mred\x1b]8;;https://evil.example\x07"
        row.content = "<p>Weaving \x1b[2J patterns of thread and card.</p>"
    context = context_for(store, "ada", entry_id(store, "looms"))
    assert "\x1b" not in context.title + context.quote
    assert context.title.startswith("Looms") and context.quote.startswith("Weaving")


def test_the_platform_comes_from_the_post_or_its_feed(store: Store) -> None:
    status = begin_draft(store, contact_id="bo", entry_id=entry_id(store, "status"))
    assert status.platform == MASTODON and status.link == "https://mastodon.social/@bo/112233"
    toot = begin_draft(store, contact_id="bo", entry_id=entry_id(store, "toot"))
    assert toot.platform == MASTODON  # by the feed's URL


def test_an_unsafe_post_link_is_no_link(store: Store) -> None:
    with store.write() as session:
        row = session.get(EntryRow, entry_id(store, "looms"))
        assert row is not None
        row.link = "javascript:alert(1)"
    start = begin_draft(store, contact_id="ada", entry_id=entry_id(store, "looms"))
    assert start.link is None and start.context.link == ""


def test_posting_records_the_templates_kind_once(store: Store) -> None:
    engines = entry_id(store, "engines")
    start = begin_draft(store, contact_id="ada", entry_id=engines, kind=Kind.REPORT_BACK)
    result = post(
        store, start, draft_id=None, body=start.body + "it worked!", template=start.template
    )
    assert not result.already and result.trail.engagement.kind == "report_back"
    assert result.trail.engagement.text == "Hi Ada, I tried your advice, and it worked!"
    again = post(
        store,
        start,
        draft_id=result.draft.id,
        body=start.body + "it worked!",
        template=start.template,
    )
    assert again.already and again.trail.engagement.id == result.trail.engagement.id
    found = draft(store, result.draft.id)
    assert found is not None and found.status == POSTED
    assert [t.kind for t in queries.trail(store, "ada")] == ["report_back"]
    # The next draft for that post starts afresh.
    assert not begin_draft(store, contact_id="ada", entry_id=engines).resumed


def test_a_kept_then_posted_draft_is_one_row(store: Store) -> None:
    start = begin_draft(store, contact_id="bo", entry_id=None, kind=Kind.HELP)
    kept = keep_draft(
        store, start, draft_id=None, body="How can I help, Bo?", template=start.template
    )
    result = post(
        store, start, draft_id=kept.id, body="How can I help, Bo? ", template=start.template
    )
    assert result.draft.id == kept.id and result.trail.engagement.kind == "help"
    assert open_drafts(store) == []


def test_an_unknown_person_or_post_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no contact with id 'nobody'"):
        begin_draft(store, contact_id="nobody", entry_id=None)
    with pytest.raises(StoreError, match="no entry with id 424242"):
        begin_draft(store, contact_id="ada", entry_id=424_242)


@pytest.mark.parametrize(
    ("fragments", "quote"),
    [
        (
            ("<p>The post Looms appeared first on Ada's blog.</p><p>Cards drive the loom.</p>",),
            "Cards drive the loom.",
        ),
        (
            (
                "<p>https://ada.example.org/x</p><p>Read more</p><p>[…]</p>",
                "Plain summary here, at last.",
            ),
            "Plain summary here, at last.",
        ),
        (("<p>Hi</p>",), "Hi"),  # only a short line: better than nothing
        (("",), ""),
        ((None, None), ""),
        (("<p>Is it “done?” Not yet.</p>",), "Is it “done?”"),
        (
            ("<ul><li>one</li><li>Lists count as lines too, you know</li></ul>",),
            "Lists count as lines too, you know",
        ),
    ],
)
def test_the_first_meaningful_sentence(fragments: tuple[str | None, ...], quote: str) -> None:
    assert first_sentence(*fragments) == quote


def test_a_long_sentence_is_cut_at_a_word() -> None:
    words = " ".join(f"word{n}" for n in range(200))
    quote = first_sentence(f"<p>{words}.</p>")
    assert len(quote) <= QUOTE_LIMIT and quote.endswith("…")
    assert words.startswith(quote[:-1]) and words[len(quote) - 1] == " "


def test_an_export_shows_a_posted_drafts_text(store: Store, files: tuple[Path, str]) -> None:
    contacts, url = files
    start = begin_draft(store, contact_id="ada", entry_id=entry_id(store, "engines"))
    words = start.body + 'the part on “looms”, especially — and, "quoted".'
    post(store, start, draft_id=None, body=words, template=start.template)
    runner = CliRunner()
    result = runner.invoke(
        main, ["--contacts", str(contacts), "--db", url, "export", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["kind"], row["text"], row["entry_title"]) == (
        "comment",
        words.strip(),
        "Ada on engines",
    )
    result = runner.invoke(
        main, ["--contacts", str(contacts), "--db", url, "export", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    (line,) = csv.DictReader(io.StringIO(result.stdout))
    assert line["text"] == words.strip()
