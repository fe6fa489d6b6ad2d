"""The app, driven by Pilot against a real SQLite file and real feed files."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from trailtui.feeds.refresh import refresh_async
from trailtui.store import queries
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.help import HelpScreen
from trailtui.ui.screens.main import MainScreen
from trailtui.workspace import open_workspace

from .ui_support import SIZE, main_screen, running, screen_text, settle, shown, told, workspace_for


async def test_main_screen_shows_merged_feed_beside_contact(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        screen = main_screen(app)
        titles = [e.title for e in screen.feed.rows]
        assert titles[0] == "Ada on engines"  # newest first
        assert len(titles) == 4
        text = await shown(pilot, "Ada on engines")
        assert "Ada Quill" in text
        assert "Shares my view that tools should be kind." in text  # the panel: why
        assert "Looking for beta readers." in text  # the panel: help
        assert "every 1w" in text and "never touched" in text
        # Feed text that looks like markup is shown literally.
        assert "Bo writes [bold]markup[/bold]" in text
        assert "4 entries · 4 unread" in text


async def test_like_records_for_the_right_contact_and_panel_updates(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = main_screen(app)
        while screen.feed.current and screen.feed.current.contact_id != "bo-lind":
            await pilot.press("j")
        target = screen.feed.current
        assert target is not None
        await pilot.press("l")
        await settle(pilot)
        trail = queries.trail(store, "bo-lind")
        assert [(t.kind, t.entry_id) for t in trail] == [("like", target.id)]
        assert queries.trail(store, "ada") == []
        text = await shown(pilot, "Last touch liked just now")
        assert "liked · " + target.title in text
        assert screen.feed.entries[target.id].read
        assert "4 entries · 3 unread" in text  # the trail marked the entry read
        assert f"Liked “{target.title}”." in text  # said in the status line


async def test_a_second_like_on_one_post_is_not_recorded_and_says_so(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("k")  # the like moved on to the next unread: back to the post
        await pilot.press("l")
        await settle(pilot)
        assert [t.kind for t in queries.trail(store, "ada")] == ["like"]
        await shown(pilot, "Already liked “Ada on engines”. Press u to undo it.")
        # A comment is meant to repeat: two on one post are two trails.
        for words in ("First thought", "Second thought"):
            await pilot.press("g")
            await pilot.press("c")
            await settle(pilot)  # a draft each time: the first was posted
            await pilot.press(*words)
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert [t.kind for t in queries.trail(store, "ada")] == [
            "comment",
            "comment",
            "like",
        ]


async def test_undo_restores_what_the_trail_changed(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = main_screen(app)
        entry = screen.feed.current
        assert entry is not None and not entry.read
        await pilot.press("s")
        await settle(pilot)
        assert screen.feed.entries[entry.id].read
        await pilot.press("u")
        await settle(pilot)
        trail = queries.trail(store, "ada")
        assert [(t.kind, t.undone) for t in trail] == [("share", True)]
        # The share marked the post read; undoing it makes it unread again.
        assert not screen.feed.entries[entry.id].read
        assert not next(e for e in queries.merged_feed(store) if e.id == entry.id).read
        text = await shown(pilot, "Last touch none yet")
        assert "4 entries · 4 unread" in text
        assert "Undone: shared “Ada on engines”." in text


async def test_an_entry_read_before_the_trail_stays_read_after_undo(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        screen = main_screen(app)
        entry = screen.feed.current
        assert entry is not None
        await pilot.press("m")  # read by hand first
        await settle(pilot)
        await pilot.press("l", "u")
        await settle(pilot)
        assert screen.feed.entries[entry.id].read
        assert next(e for e in queries.merged_feed(store) if e.id == entry.id).read


async def test_many_undos_say_so_in_one_place_not_a_toast_each(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        before = len(app.message_log)
        await pilot.press("l", "j", "s")
        await settle(pilot)
        for _ in range(8):
            await pilot.press("u")
            await settle(pilot)
        assert len(app.message_log) == before  # no toast per key press
        text = await shown(pilot, "Nothing to undo: only the trails left since trailtui started.")
        assert text.count("Undone:") == 0  # the newest replaced the others


async def test_a_note_is_not_a_touch_and_the_panel_agrees(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (_, pilot):
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Met at a meetup")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = await shown(pilot, "noted (not a touch)")
        assert "never touched" in text
        assert "Last touch none yet" in text
        assert "Last touch noted" not in text


async def test_trail_survives_a_restart(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("q")
    again = workspace_for(small_world, tmp_path)
    app = TrailApp(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await shown(pilot, "Last touch endorsed")
    assert [t.kind for t in queries.trail(again.store, "ada")] == ["endorse"]
    again.close()


async def test_comment_opens_a_draft_that_records_text_and_escape_cancels(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        store = app.workspace.store
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DraftScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert queries.trail(store, "ada") == []

        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"Great point")
        await pilot.press("ctrl+s")
        await settle(pilot)
        trail = queries.trail(store, "ada")
        said = "Hi Ada, I enjoyed “Ada on engines”. Great point"
        assert [(t.kind, t.text) for t in trail] == [("comment", said)]
        await shown(pilot, "Commented “Ada on engines”.")


async def test_help_lists_the_live_bindings_and_the_palette(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {description for _, description, _, _ in app.screen.keys}
        assert {"Like", "Comment", "Share", "Endorse", "Refresh", "Open", "Quit"} <= keys
        commands = {title for title, _ in app.screen.commands}
        # What has no key is listed too: import, the messages, Textual's themes.
        assert {"Import contacts", "Messages", "Theme"} <= commands
        text = screen_text(app)
        assert "Record that you liked this post" in text
        assert app.screen.palette_key == "^p"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_open_link_only_opens_safe_schemes_and_says_what_happened(
    small_world: Path, tmp_path: Path
) -> None:
    feed = small_world.parent / "feeds" / "ada.rss"
    feed.write_text(
        feed.read_text(encoding="utf-8").replace(
            "<link>https://ada.example.org/p/2</link>", "<link>javascript:alert(1)</link>"
        ),
        encoding="utf-8",
    )
    opened: list[str] = []
    ws = workspace_for(small_world, tmp_path)

    def browser(url: str) -> bool:
        opened.append(url)
        return True

    app = TrailApp(ws, browser=browser)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")  # Ada on engines: the javascript: link
        await settle(pilot)
        await pilot.press("j", "o")  # Ada on notes: https
        await settle(pilot)
    assert opened == ["https://ada.example.org/p/1"]
    assert "Not opened: it has no web link that is safe to open" in told(app)
    assert "Opened https://ada.example.org/p/1" in told(app)
    ws.close()


async def test_open_link_tells_the_truth_when_no_browser_starts(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws, browser=lambda url: False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert "Opened" not in told(app), told(app)
    assert (
        "Not opened: no web browser could be started here. The link: "
        "https://ada.example.org/p/2" in told(app)
    )
    ws.close()


async def test_no_contacts_file_shows_a_helpful_empty_state(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "contacts.yaml"
    async with running(missing, tmp_path) as (app, pilot):
        await pilot.press("escape")  # "not now" on the first-run screen
        await settle(pilot)
        await shown(pilot, "No contacts yet")
        empty = str(app.screen.query_one("#feed-empty", Static).content)
        assert "Press a to add someone, E to start the file" in empty
        assert "trailtui --demo" in empty
        await pilot.press("l")  # no entry: said, not a crash
        await pilot.press("r")
        await settle(pilot)
        assert "nothing to fetch" in screen_text(app)


async def test_broken_contacts_file_keeps_last_good_contacts(
    small_world: Path, tmp_path: Path
) -> None:
    ws = workspace_for(small_world, tmp_path)
    await refresh_async(ws.store, force=True)
    ws.close()
    original = small_world.read_text(encoding="utf-8")
    broken = original.replace("cadence: 7d", "cadence: soon")
    small_world.write_text(broken, encoding="utf-8")
    ws = workspace_for(small_world, tmp_path)
    assert not ws.has_contacts and ws.problems
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(main_screen(app).feed.rows) == 4  # the cached feed still shows
    assert "contacts.yaml:7:14" in told(app) and "cadence" in told(app)
    assert small_world.read_text(encoding="utf-8") == broken  # the user's file is untouched
    ws.close()


async def test_demo_shows_the_bundled_contacts_offline() -> None:
    ws = open_workspace(demo=True)
    assert ws.book is not None and len(ws.book.contacts) >= 8
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        entries = screen.feed.rows
        assert len(entries) >= 100
        assert len({e.contact_id for e in entries}) >= 8
        text = await shown(pilot, f"{len(entries)} entries · {len(entries)} unread")
        assert "trailtui — demo" in text
        assert "Why they matter" in text and entries[0].contact_name in text
        await pilot.press("l")
        await settle(pilot)
        assert [t.kind for t in queries.trail(ws.store, entries[0].contact_id)] == ["like"]
    scratch = ws.scratch_dir
    ws.close()
    assert scratch is not None and not scratch.exists()  # the demo database is thrown away


async def test_feed_health_screen_lists_failing_feeds_first(
    small_world: Path, tmp_path: Path
) -> None:
    from trailtui.ui.screens.feed_health import FeedHealthScreen

    small_world.write_text(
        small_world.read_text(encoding="utf-8")
        + "  - name: Gone Away\n    feeds: [feeds/missing.rss]\n",
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedHealthScreen)
        assert screen.rows[0][0].contact_name == "Gone Away"
        text = await shown(pilot, "3 feeds, 1 needs attention")
        assert "no such file" in text and "fix the path in contacts.yaml" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_counts_are_plural_only_when_they_should_be(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(
        "version: 1\ncontacts:\n  - name: Ada Quill\n    id: ada\n    feeds: [feeds/one.rss]\n",
        encoding="utf-8",
    )
    from .conftest import write_feed

    write_feed(small_world.parent / "feeds" / "one.rss", "ada", ["Only post"])
    ws = workspace_for(small_world, tmp_path)
    app = TrailApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await shown(pilot, "1 entry · 1 unread")
    assert "1 feed refreshed: 1 new entry" in told(app)
    ws.close()


async def test_a_name_with_direction_overrides_and_escapes_is_drawn_clean(
    small_world: Path, tmp_path: Path
) -> None:
    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace(
            "name: Ada Quill", 'name: "Ada \\u202eQuill \\e[31mred"'
        ),
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (_, pilot):
        text = await shown(pilot, "Ada Quill")
        assert "\u202e" not in text and "\x1b" not in text
        assert "Ada Quill red" in text  # the whole sequence went, the words stay
