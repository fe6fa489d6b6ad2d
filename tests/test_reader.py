"""The reader, driven by Pilot on a real SQLite file: what it shows, its keys,
and links that open only through the app's allowlist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import update
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList

from trailtui.reading import CUT_NOTE
from trailtui.store import queries
from trailtui.store.models import EntryRow
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.links import LinksScreen
from trailtui.ui.screens.main import MainScreen
from trailtui.ui.screens.reader import ReaderScreen

from .ui_support import running, screen_text, settle, told, wait_for

CONTENT = (
    "<h2>On engines</h2>"
    "<p>Read <a href='https://ada.example.org/docs'>the docs</a> first, then "
    "<a href='/notes'>my notes</a>.</p>"
    "<ul><li>gears</li><li>cards</li></ul>"
    "<p><img src='https://ada.example.org/engine.png' alt='The engine'></p>"
)


def set_content(app: TrailApp, entry_id: int, content: str | None, summary: str = "") -> None:
    """What the database holds for the post (as a feed could have left it, or worse)."""
    with app.workspace.store.write() as session:
        session.execute(
            update(EntryRow).where(EntryRow.id == entry_id).values(content=content, summary=summary)
        )


def first_entry(app: TrailApp) -> tuple[int, str]:
    entry = next(e for e in queries.merged_feed(app.workspace.store) if e.title == "Ada on engines")
    assert entry.link is not None
    return entry.id, entry.link


async def open_reader(pilot: Pilot[None], entry_id: int) -> ReaderScreen:
    app = pilot.app
    assert isinstance(app, TrailApp)
    screen = ReaderScreen(app.workspace, entry_id)
    await app.push_screen(screen)
    await settle(pilot)
    await wait_for(pilot, lambda: screen.text_shown or screen.detail is None)
    await pilot.pause()
    return screen


@asynccontextmanager
async def reading(
    small_world: Path, tmp_path: Path, content: str | None = CONTENT
) -> AsyncIterator[tuple[TrailApp, Pilot[None], ReaderScreen, str, list[str]]]:
    """The app with a fake browser, the reader open on Ada's post with `content`."""
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        return True

    async with running(small_world, tmp_path, browser=browser) as (app, pilot):
        entry_id, link = first_entry(app)
        set_content(app, entry_id, content)
        screen = await open_reader(pilot, entry_id)
        yield app, pilot, screen, link, opened


async def test_the_reader_shows_the_post_whole(small_world: Path, tmp_path: Path) -> None:
    async with reading(small_world, tmp_path) as (app, _pilot, screen, _link, _opened):
        text = screen_text(app)
        assert "Ada on engines" in text
        assert "Ada Quill · ada blog · Mon 12 Oct 2026 10:00 ·" in text
        assert "On engines" in text
        assert "Read the docs [1] first, then my notes [2]." in text
        assert "image: The engine [3]" in text
        assert "[1] the docs  https://ada.example.org/docs" in text
        assert "[2] my notes  https://ada.example.org/notes" in text  # against the post's link
        assert screen.reading is not None and len(screen.reading.links) == 3
        assert "esc Back  o Open  L Links  space Page down  c Comment" in text  # the footer


async def test_o_opens_the_post_and_digits_open_its_links(
    small_world: Path, tmp_path: Path
) -> None:
    async with reading(small_world, tmp_path) as (app, pilot, _screen, link, opened):
        await pilot.press("o")
        await settle(pilot)
        assert opened == [link]
        await pilot.press("2")
        await settle(pilot)
        assert opened == [link, "https://ada.example.org/notes"]
        await pilot.press("7")
        await settle(pilot)
        assert len(opened) == 2
        assert "This post has no link 7." in told(app)


async def test_L_lists_the_links_and_enter_opens_the_chosen(
    small_world: Path, tmp_path: Path
) -> None:
    async with reading(small_world, tmp_path) as (app, pilot, screen, _link, opened):
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        assert app.screen.query_one(OptionList).option_count == 3
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.is_current
        assert opened == ["https://ada.example.org/notes"]
        # Typed there, a number opens its link; Esc opens nothing.
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert opened[-1] == "https://ada.example.org/engine.png"
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.is_current and len(opened) == 2


async def test_a_javascript_link_in_the_content_is_never_opened(
    small_world: Path, tmp_path: Path
) -> None:
    # The store holds what ingestion kept; the reader trusts it no more.
    content = (
        "<p><a href='javascript:alert(1)'>run me</a> and <a href='https://ok.example/'>fine</a></p>"
    )
    async with reading(small_world, tmp_path, content) as (app, pilot, screen, _link, opened):
        assert screen.reading is not None
        assert [link.url for link in screen.reading.links] == ["https://ok.example/"]
        await pilot.press("1")
        await settle(pilot)
        assert opened == ["https://ok.example/"]
        await pilot.press("L")
        await settle(pilot)
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("escape")
        # Were a javascript: address clicked, the app's allowlist refuses it.
        markdown = screen.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "javascript:alert(1)"))
        await settle(pilot)
        assert opened == ["https://ok.example/"]
        assert "Not opened: it has no web link that is safe to open" in told(app)


async def test_a_clicked_link_opens_through_the_app(small_world: Path, tmp_path: Path) -> None:
    content = "<p><a href='https://b\u00fccher.example/a%20b'>Books</a> to read</p>"
    async with reading(small_world, tmp_path, content) as (_app, pilot, screen, _link, opened):
        await pilot.click("#reader-text MarkdownParagraph", offset=(1, 0))
        await settle(pilot)
        # The widget gives the address normalized (punycode) and unquoted (a
        # space): the numbered link it came from is what is opened.
        assert opened == ["https://b\u00fccher.example/a%20b"]
        assert screen.is_current


async def test_escape_and_backspace_go_back(small_world: Path, tmp_path: Path) -> None:
    async with reading(small_world, tmp_path) as (app, pilot, _screen, _link, _opened):
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        entry_id, _ = first_entry(app)
        await open_reader(pilot, entry_id)
        await pilot.press("backspace")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_post_gone_meanwhile_says_so(small_world: Path, tmp_path: Path) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        await open_reader(pilot, 987_654)
        assert "This post is no longer here" in screen_text(app)
        assert "It is not in the database any more. Press esc to go back." in screen_text(app)
        await pilot.press("o", "L", "1")  # nothing to open: nothing happens
        await settle(pilot)
        assert "Opened" not in told(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_post_without_content_shows_its_summary_as_written(
    small_world: Path, tmp_path: Path
) -> None:
    async with running(small_world, tmp_path) as (app, pilot):
        entry_id, _ = first_entry(app)
        set_content(app, entry_id, None, summary="Engines: a <b> tag & **stars** as text")
        await open_reader(pilot, entry_id)
        assert "Engines: a <b> tag & **stars** as text" in screen_text(app)


async def test_a_post_without_text_says_how_to_read_it(small_world: Path, tmp_path: Path) -> None:
    async with reading(small_world, tmp_path, None) as (app, _pilot, _screen, _link, _opened):
        assert "This post has no text in its feed. Press o to open it." in screen_text(app)


async def test_hostile_content_stays_literal_on_screen(small_world: Path, tmp_path: Path) -> None:
    content = (
        "<p>[bold red]not red[/] and [link=https://evil.example]no link[/link]</p>"
        "<p>**not bold** `not code` &lt;script&gt;alert(1)&lt;/script&gt;</p>"
        "<p># not a heading</p>"
        "<p>copy &#27;]52;c;aGVsbG8=&#7;this \x1b[31mred\x1b[0m</p>"
    )
    async with reading(small_world, tmp_path, content) as (app, _pilot, screen, _link, _opened):
        text = screen_text(app)
        assert "[bold red]not red[/] and [link=https://evil.example]no link[/link]" in text
        assert "**not bold** `not code` <script>alert(1)</script>" in text
        assert "# not a heading" in text
        assert "copy this red" in text
        assert "52;" not in text and "[31m" not in text
        assert screen.reading is not None and screen.reading.links == ()


async def test_a_huge_post_is_cut_and_the_keys_scroll_it(small_world: Path, tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>Paragraph {n}. " + "word " * 60 + "</p>" for n in range(200))
    content = paragraphs + "<p>" + "endless " * 130_000 + "</p>"  # a megabyte
    async with reading(small_world, tmp_path, content) as (app, pilot, screen, _link, _opened):
        assert screen.reading is not None and screen.reading.truncated
        scroller = screen.scroller
        assert scroller.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        page = scroller.scroll_y
        assert page > 10
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroller.scroll_y == page + 2
        await pilot.press("k")
        await pilot.pause()
        assert scroller.scroll_y == page + 1
        await pilot.press("b")
        await pilot.pause()
        assert scroller.scroll_y == 1
        scroller.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert CUT_NOTE in text
        assert scroller.max_scroll_y > 0
        assert isinstance(app.screen, ReaderScreen)


async def test_c_comments_from_the_reader_quoting_the_selected_text(
    small_world: Path, tmp_path: Path
) -> None:
    from textual.selection import Selection
    from textual.widgets import TextArea

    from trailtui.ui.screens.draft import DraftScreen

    template = 'templates:\n  comment: "On “{quote}”: thank you"\n'
    text = small_world.read_text(encoding="utf-8")
    text = text.replace("contacts:\n", template + "contacts:\n", 1)
    small_world.write_text(text, encoding="utf-8")
    async with running(small_world, tmp_path) as (app, pilot):
        entry_id, _ = first_entry(app)
        set_content(app, entry_id, "<p>Gears before cards.</p><p>Oil them weekly.</p>")
        feed = app.screen
        assert isinstance(feed, MainScreen)
        feed.feed.move_to(next(i for i, e in enumerate(feed.feed.rows) if e.id == entry_id))
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await wait_for(pilot, lambda: reader.text_shown)
        await pilot.pause()
        # The second paragraph selected, as a drag over it would (unselected,
        # {quote} is the post's first sentence).
        second = list(reader.query("MarkdownParagraph"))[1]
        reader.selections = {second: Selection(None, None)}
        assert (reader.get_selected_text() or "").strip() == "Oil them weekly."
        await pilot.press("c")
        await settle(pilot)
        draft = app.screen
        assert isinstance(draft, DraftScreen)
        await wait_for(pilot, lambda: draft.start is not None)
        assert draft.query_one(TextArea).text == "On “Oil them weekly.”: thank you"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen is feed)  # posted: back in the feed
        await settle(pilot)
        [trail] = queries.trail(app.workspace.store, "ada")
        assert (trail.kind, trail.entry_id) == ("comment", entry_id)
        assert trail.text == "On “Oil them weekly.”: thank you"
        assert "comment" in feed.feed.entries[entry_id].marks  # the row is marked
