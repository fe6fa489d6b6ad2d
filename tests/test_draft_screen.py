"""The draft screen, driven by Pilot on a real SQLite file: `c`, type, post;
templates (built-in and the user's own), the length hint, unknown
placeholders, hostile feed text, $EDITOR, a double post, a store that fails,
save for later and resume, and the signals that close a terminal."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from textual.pilot import Pilot
from textual.widgets import Select, TextArea

from trailtui.store import StoreError, queries
from trailtui.store import drafts as stored
from trailtui.store.models import EntryRow
from trailtui.trail import drafts as service
from trailtui.trail.kinds import Kind
from trailtui.ui.app import TrailApp
from trailtui.ui.screens import draft as draft_module
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.draft_keys import DRAFT_KEYS
from trailtui.ui.screens.main import MainScreen

from .conftest import write_feed
from .ui_support import main_screen, running, screen_text, settle, shown, told, wait_for

ENGINES = "https://ada.example.org/p/2"  # the link of "Ada on engines", the newest post


@pytest.fixture
def clipboard_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real xclip on PATH (an X display named): what it was given lands in a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    got = tmp_path / "clipboard"
    tool = bin_dir / "xclip"
    tool.write_text(f'#!/bin/sh\ncat > "{got}"\n', encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return got


class Browser:
    """The app's browser: the pages it was asked to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


def osc52(app: TrailApp) -> list[str]:
    """What the app sends to the terminal's clipboard, kept instead."""
    sent: list[str] = []
    app.copy_to_clipboard = sent.append  # type: ignore[method-assign,assignment]
    return sent


async def draft_open(pilot: Pilot[None], key: str = "c") -> DraftScreen:
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen), f"{key} opened {type(screen).__name__}"
    await wait_for(pilot, lambda: screen.started)
    return screen


def top(app: TrailApp) -> object:
    """The screen on top now (not as an earlier isinstance narrowed it)."""
    return app.screen


def body_of(screen: DraftScreen) -> str:
    return screen.query_one("#draft-body", TextArea).text


def open_drafts(app: TrailApp) -> list[stored.DraftRecord]:
    return stored.open_drafts(app.workspace.store)


async def saved(pilot: Pilot[None], app: TrailApp, body: str) -> stored.DraftRecord:
    """The open draft once the database holds `body` (the autosave is a timer)."""
    await wait_for(pilot, lambda: any(d.body == body for d in open_drafts(app)))
    return next(d for d in open_drafts(app) if d.body == body)


def with_settings(contacts: Path, text: str) -> None:
    contacts.write_text(
        contacts.read_text(encoding="utf-8").replace("version: 1\n", f"version: 1\n{text}"),
        encoding="utf-8",
    )


# ---- c, type, post --------------------------------------------------------------


async def test_c_type_post_records_the_comment_copies_it_and_opens_the_post(
    small_world: Path, tmp_path: Path, clipboard_tool: Path
) -> None:
    browser = Browser()
    async with running(small_world, tmp_path, browser=browser) as (app, pilot):
        sent = osc52(app)
        store = app.workspace.store
        screen = await draft_open(pilot)
        # The default template is filled in, and the cursor waits at its end.
        assert body_of(screen) == "Hi Ada, I enjoyed “Ada on engines”. "
        text = screen_text(app)
        assert "Thoughtful comment · Ada Quill · “Ada on engines”" in text
        assert f"Post copies your text and opens {ENGINES}" in text
        await pilot.press(*"The part on gears was new to me.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        comment = "Hi Ada, I enjoyed “Ada on engines”. The part on gears was new to me."
        trail = queries.trail(store, "ada")
        assert [(t.kind, t.text, t.entry_title) for t in trail] == [
            ("comment", comment, "Ada on engines")
        ]
        # The draft was written, and is posted: no open draft is left.
        assert open_drafts(app) == []
        posted = stored.open_draft_for(store, "ada", trail[0].entry_id)
        assert posted is None
        # Both clipboards got the text as typed (the template's trailing space kept).
        assert sent == [comment]
        await wait_for(pilot, lambda: clipboard_tool.exists())
        assert clipboard_tool.read_text(encoding="utf-8") == comment
        await wait_for(pilot, lambda: "with xclip" in told(app))
        assert browser.opened == [ENGINES]
        # Back on the feed, which says what was done and marks the post.
        assert isinstance(app.screen, MainScreen)
        await shown(pilot, "Commented “Ada on engines”.")


async def test_a_mastodon_post_opens_the_reply_on_the_users_own_server(
    tmp_path: Path, clipboard_tool: Path
) -> None:
    feed = tmp_path / "toots.rss"
    write_feed(feed, "ada", ["A toot"])
    feed.write_text(
        feed.read_text(encoding="utf-8").replace(
            "https://ada.example.org/p/1", "https://hachyderm.io/@ada/111"
        ),
        encoding="utf-8",
    )
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        'version: 1\nsettings:\n  mastodon_server: "@me@mastodon.social"\n'
        "contacts:\n  - name: Ada Quill\n    id: ada\n    feeds: [toots.rss]\n",
        encoding="utf-8",
    )
    browser = Browser()
    async with running(contacts, tmp_path, browser=browser) as (app, pilot):
        screen = await draft_open(pilot)
        start = body_of(screen)
        await shown(pilot, f"{len(start.split())} words · {len(start)}/500 (Mastodon)")
        assert "hachyderm.io" in screen_text(app)  # where Post goes, said before
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert browser.opened == [
        "https://mastodon.social/authorize_interaction?uri=https%3A%2F%2Fhachyderm.io%2F%40ada%2F111"
    ]


async def test_the_length_hint_counts_and_warns_over_the_platforms_limit(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "sky.rss"
    write_feed(feed, "bo", ["A skeet"])
    feed.write_text(
        feed.read_text(encoding="utf-8").replace(
            "https://bo.example.org/p/1", "https://bsky.app/profile/bo.bsky.social/post/3k"
        ),
        encoding="utf-8",
    )
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "version: 1\ncontacts:\n  - name: Bo Lind\n    feeds: [sky.rss]\n", encoding="utf-8"
    )
    async with running(contacts, tmp_path) as (_, pilot):
        screen = await draft_open(pilot)
        start = body_of(screen)
        await shown(pilot, f"{len(start.split())} words · {len(start)}/300 (Bluesky)")
        length = screen.query_one("#draft-length")
        assert not length.has_class("-over")
        area = screen.query_one("#draft-body", TextArea)
        area.insert("é" * (301 - len(start)))  # é: one character, however it is typed
        await shown(pilot, "/300 (Bluesky) · 1 too many")
        assert length.has_class("-over")


# ---- templates --------------------------------------------------------------------


async def pick(pilot: Pilot[None], screen: DraftScreen, key: str) -> None:
    """Choose a template in the picker, as ctrl+t and the list would."""
    await pilot.press("ctrl+t")
    await pilot.pause()
    picker = screen.query_one("#draft-template", Select)
    assert picker.expanded
    picker.value = key
    await settle(pilot)


async def test_an_untouched_template_is_replaced_and_typing_is_never_lost(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pick(pilot, screen, "question")
        assert body_of(screen) == "Hi Ada, a question about “Ada on engines”: "
        assert screen.template is not None and screen.template.key == "question"
        await pilot.press(*"why brass?")
        typed = "Hi Ada, a question about “Ada on engines”: why brass?"
        # Typed text: switching asks first; keeping it keeps every character.
        await pick(pilot, screen, "feedback")
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        await pilot.click("#no")
        await settle(pilot)
        assert top(app) is screen and body_of(screen) == typed
        assert screen.template is not None and screen.template.key == "feedback"
        # Replacing it is the user's choice.
        await pick(pilot, screen, "thanks")
        assert isinstance(app.screen, Confirm)
        await pilot.click("#yes")
        await settle(pilot)
        assert body_of(screen) == "Thank you, Ada! "
        assert "Appreciation · Ada Quill" in screen_text(app)
        # Posted as the template's kind: thanks.
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "ada")
        assert [(t.kind, t.text) for t in trail] == [("thanks", "Thank you, Ada!")]


async def test_user_templates_from_the_file_replace_by_name_and_join_the_picker(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(
        small_world.read_text(encoding="utf-8")
        + "templates:\n"
        + '  Thoughtful comment: "Dear {first_name}, on {title}: "\n'
        + '  Shout-out: "Everyone, read {link} by {name}"\n',
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        assert body_of(screen) == "Dear Ada, on Ada on engines: "  # replaced by its label
        picker = screen.query_one("#draft-template", Select)
        labels = [str(label) for label, _ in picker._options]
        assert labels[0] == "Thoughtful comment" and labels[-1] == "Shout-out"
        assert labels.count("Thoughtful comment") == 1
        await pick(pilot, screen, "Shout-out")
        shout = f"Everyone, read {ENGINES} by Ada Quill"
        assert body_of(screen) == shout
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "ada")
        assert [(t.kind, t.text) for t in trail] == [("comment", shout)]


async def test_an_unknown_placeholder_stays_as_written_and_is_flagged(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(
        small_world.read_text(encoding="utf-8")
        + 'templates:\n  comment: "Hi {nmae}, {0} and {x!r} stay too. "\n',
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (_, pilot):
        screen = await draft_open(pilot)
        assert body_of(screen) == "Hi {nmae}, {0} and {x!r} stay too. "
        text = await shown(pilot, "{nmae} is not a placeholder (did you mean {name}?)")
        assert "it is posted as written" in text
        # Fixed by hand: the flag goes.
        area = screen.query_one("#draft-body", TextArea)
        area.replace("name", (0, 4), (0, 8))
        await wait_for(pilot, lambda: not screen.query_one("#draft-unknown").display)
        assert body_of(screen).startswith("Hi {name}")


async def test_hostile_entry_text_is_shown_literally_never_as_markup_or_escapes(
    small_world: Path, tmp_path: Path
) -> None:
    hostile = "[bold]x[/bold] \x1b[31mred\x1b[0m {name} [link=https://evil.example]y[/link]"
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        with store.write() as session:  # as a feed that slipped past the ingest would leave it
            session.execute(
                update(EntryRow).where(EntryRow.title == "Ada on engines").values(title=hostile)
            )
        main_screen(app).load_feed()
        await settle(pilot)
        screen = await draft_open(pilot)
        literal = "[bold]x[/bold] red {name} [link=https://evil.example]y[/link]"
        assert body_of(screen) == f"Hi Ada, I enjoyed “{literal}”. "
        text = screen_text(app)
        assert literal in text
        svg = app.export_screenshot()
        assert "\x1b" not in svg and 'evil.example"' not in svg  # no link made of it
        assert "{name} is not a placeholder" not in text  # a value is never a placeholder


# ---- never lost ---------------------------------------------------------------------


async def test_save_for_later_then_c_resumes_every_character(
    small_world: Path, tmp_path: Path
) -> None:
    words = "  two spaces,\n\ta tab, “quotes”, 🌧️ and a line\n\n"
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        screen.query_one("#draft-body", TextArea).insert(words)
        whole = body_of(screen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await shown(pilot, "Kept as a draft (D lists your drafts).")
        [kept] = open_drafts(app)
        assert kept.body == whole and kept.status == "open" and kept.template == "comment"
        assert queries.trail(app.workspace.store, "ada") == []
        main_screen(app).feed.user_moves_to(0)
        await settle(pilot)
        again = await draft_open(pilot)
        assert body_of(again) == whole
        await shown(pilot, "Resumed your draft, every character as you left it.")
        # Escape keeps it too; the untouched template of another post is never saved.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j")
        await draft_open(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert [d.body for d in open_drafts(app)] == [whole]


async def test_typing_is_saved_while_the_draft_is_open(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"Saved as I type")
        record = await saved(pilot, app, body_of(screen))
        assert record.body.endswith("Saved as I type")
        await shown(pilot, "Saved as a draft.")
        await pilot.press(*" and more")
        await saved(pilot, app, body_of(screen))
        assert len(open_drafts(app)) == 1  # the same draft, updated


async def test_quitting_the_app_keeps_the_draft(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        area = screen.query_one("#draft-body", TextArea)
        area.insert("left mid-sentence")
        typed = area.text
        app.exit()  # before the autosave's half second: the screen's unmount saves it
        await pilot.pause()
    assert [d.body for d in stored.open_drafts(app.workspace.store)] == [typed]


async def test_sighup_and_sigterm_save_first_then_end_the_app(
    small_world: Path, tmp_path: Path
) -> None:
    before = {number: signal.getsignal(number) for number in (signal.SIGHUP, signal.SIGTERM)}
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        handler = signal.getsignal(signal.SIGTERM)
        assert handler == screen.stop_signalled
        assert signal.getsignal(signal.SIGHUP) == screen.stop_signalled
        await pilot.press("escape")
        await settle(pilot)
        # Closed: the handlers that were there before are back.
        assert {n: signal.getsignal(n) for n in before} == before
        screen = await draft_open(pilot)
        area = screen.query_one("#draft-body", TextArea)
        area.insert("the terminal is closing")
        typed = area.text
        screen.stop_signalled(signal.SIGHUP, None)  # as the signal would, on this thread
        # Saved before anything else ran (no await: neither the autosave nor the exit).
        assert [d.body for d in open_drafts(app)] == [typed]
        assert {n: signal.getsignal(n) for n in before} == before
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGHUP


# ---- posting twice, a failing store ------------------------------------------------


async def test_a_double_post_records_one_trail(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"once")
        text = body_of(screen)
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "ada")
        assert [(t.kind, t.text) for t in trail] == [("comment", text.strip())]
        # The same draft posted again (a second client, a retry) records nothing either.
        assert screen.start is not None and screen.template is not None
        again = service.post(
            app.workspace.store,
            screen.start,
            draft_id=screen.draft_id,
            body=text,
            template=screen.template,
        )
        assert again.already and again.trail.engagement.id == trail[0].id
        assert len(queries.trail(app.workspace.store, "ada")) == 1


async def test_a_store_error_on_post_keeps_the_screen_and_the_text(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> object:
        raise StoreError("database is locked")

    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"keep me")
        monkeypatch.setattr(draft_module, "post", failing)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen
        assert body_of(screen).endswith("keep me")
        assert "Could not record the trail: database is locked." in told(app)
        await shown(pilot, "Not recorded. Press ^s to try again.")
        assert queries.trail(app.workspace.store, "ada") == []
        monkeypatch.setattr(draft_module, "post", service.post)
        text = body_of(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [t.text for t in queries.trail(app.workspace.store, "ada")] == [text.strip()]


async def test_discard_asks_and_leaves_nothing(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"not this")
        await saved(pilot, app, body_of(screen))
        await pilot.click("#draft-discard")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.click("#no")
        await settle(pilot)
        assert top(app) is screen and len(open_drafts(app)) == 1
        await pilot.click("#draft-discard")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert open_drafts(app) == [] and queries.trail(app.workspace.store, "ada") == []
        await shown(pilot, "Draft discarded.")


# ---- $EDITOR ------------------------------------------------------------------------


@pytest.fixture
def no_suspend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The headless test terminal cannot be handed over; everything else is real."""
    monkeypatch.setattr(TrailApp, "suspend", lambda self: contextlib.nullcontext())
    yield


def editor_script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def test_ctrl_e_hands_the_draft_to_the_users_editor_and_reads_it_back(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_suspend: None
) -> None:
    given = tmp_path / "given"
    script = editor_script(
        tmp_path,
        f'cp "$1" "{given}"\ncase "$1" in *.md) ;; *) exit 3;; esac\n'
        'printf "A line from my editor.\\n" >> "$1"',
    )
    monkeypatch.setenv("VISUAL", str(script))
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"Mine. ")
        before = body_of(screen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert given.read_text(encoding="utf-8") == before
        assert body_of(screen) == before + "A line from my editor.\n"
        await saved(pilot, app, before + "A line from my editor.\n")
        await shown(pilot, "Your editor's text is in the draft, and saved.")


@pytest.mark.parametrize("editor", ["fails", "missing"])
async def test_a_failing_or_missing_editor_says_so_and_keeps_the_text(
    small_world: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_suspend: None,
    editor: str,
) -> None:
    if editor == "fails":
        script = editor_script(tmp_path, 'printf "half" > "$1"\nexit 1')
        expected = f"{script} exited with status 1."
    else:
        script = tmp_path / "no-such-editor"
        expected = f"Could not start {script}: No such file or directory."
    monkeypatch.setenv("VISUAL", str(script))
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        await pilot.press(*"kept")
        before = body_of(screen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert top(app) is screen and body_of(screen) == before
        assert f"Not edited: {expected} Your text is kept here as it was." in told(app)


async def test_the_palette_offers_the_editor_while_a_draft_is_open(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "Edit in $EDITOR (^e)" in titles and "Post (^s)" in titles
        assert "Drafts" in titles  # the list, from the palette, with no key here


# ---- worded trails: shift keys and the plain keys that carry words -----------------


@pytest.mark.parametrize(("key", "kind"), [(k, kind) for k, kind, _ in DRAFT_KEYS])
async def test_each_shift_key_drafts_its_kind_about_the_person_and_posts_it(
    small_world: Path, tmp_path: Path, key: str, kind: Kind
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = await draft_open(pilot, key)
        assert screen.template is not None and screen.template.kind is kind
        assert screen.entry_id is None  # a trail about the person, never filed under a post
        await pilot.press(*"in my words")
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "ada")
        assert [(t.kind, t.entry_id) for t in trail] == [(kind.value, None)]
        assert trail[0].text is not None and trail[0].text.endswith("in my words")
        await shown(pilot, f"{kind.past.capitalize()}: Ada Quill.")


async def test_help_and_thanks_keep_their_one_key_trail(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("h", "t")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        trail = queries.trail(app.workspace.store, "ada")
        assert sorted((t.kind, t.text) for t in trail) == [("help", None), ("thanks", None)]


async def test_a_note_is_recorded_without_copying_or_opening_anything(
    small_world: Path, tmp_path: Path
) -> None:
    browser = Browser()
    async with running(small_world, tmp_path, browser=browser) as (app, pilot):
        sent = osc52(app)
        await draft_open(pilot, "n")
        await shown(pilot, "nothing is copied or opened")
        await pilot.press(*"prefers email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(app.workspace.store, "ada")
        assert [(t.kind, t.text) for t in trail] == [("note", "prefers email")]
        assert sent == [] and browser.opened == []


async def test_the_drafts_key_and_draft_keys_follow_settings_keys(
    small_world: Path, tmp_path: Path
) -> None:
    with_settings(small_world, "settings:\n  keys: {draft_help: ctrl+h, draft.post: ctrl+o}\n")
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        screen = await draft_open(pilot, "ctrl+h")
        assert screen.template is not None and screen.template.kind is Kind.HELP
        assert "^o Post" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert queries.trail(app.workspace.store, "ada") == []
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert [t.kind for t in queries.trail(app.workspace.store, "ada")] == ["help"]


async def test_today_and_the_people_view_draft_with_the_same_keys(
    small_world: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.people import PeopleScreen
    from trailtui.ui.screens.today import TodayScreen

    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("d")
        await settle(pilot)
        today = app.screen
        assert isinstance(today, TodayScreen)
        item = today.current
        assert item is not None
        draft = await draft_open(pilot, "N")
        assert draft.template is not None and draft.template.kind is Kind.NOTE
        await pilot.press(*"from Today")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is today
        trail = queries.trail(store, item.contact_id)
        assert [(t.kind, t.text, t.entry_id) for t in trail] == [("note", "from Today", None)]
        # b on a post of Today's: report back is worded, so it is drafted too.
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, DraftScreen)
        await pilot.press("escape")
        await settle(pilot)

        app.push_screen(PeopleScreen(app.workspace))
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        who = people.current
        assert who is not None
        draft = await draft_open(pilot, "H")
        assert body_of(draft) == f"Hi {who.name.split()[0]}, how can I help you? "
        await pilot.press(*"Beta reading?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is people
        kinds = [(t.kind, t.entry_id) for t in queries.trail(store, who.id)]
        assert ("help", None) in kinds
        await shown(pilot, f"Recorded for {who.name}: offered help")
