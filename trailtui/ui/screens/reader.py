"""The reader: one post's whole title, who wrote it and where, its text and its links.

The post is read from the database and made into Markdown (`reading`) in a
thread; the Markdown widget mounts it in batches, so a long post never
holds a key. Links open only through the app (`OpenLink`: http, https and
mailto), whether chosen by number, from the list (`L`) or clicked: the
widget would open any scheme itself, so it is told not to.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

from markdown_it import MarkdownIt
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Markdown, Static

from trailtui.clock import now
from trailtui.paths import tilde
from trailtui.reading import Link, Reading, reading_of
from trailtui.safety import shown
from trailtui.store import queries
from trailtui.store.records import EntryDetail
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import OpenLink
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.draft_keys import DraftOutcome
from trailtui.ui.screens.links import LinksScreen
from trailtui.ui.theme import tones
from trailtui.ui.widgets.contact_panel import ago
from trailtui.workspace import Workspace

LATER_UPDATE = 24 * 3600  # an update this long after publishing is worth saying


def markdown_parser() -> MarkdownIt:
    """The parser the reader draws with: CommonMark with tables and
    strikethrough. No raw HTML (it would be dropped, not shown) and no bare
    web addresses made links: the only links are the ones `reading` numbered."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def when_text(timestamp: int, at: int) -> str:
    """The day and time, local, and how long ago: 'Tue 24 Nov 2026 10:00 · 7 days ago'."""
    moment = datetime.fromtimestamp(timestamp)
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} · {ago(timestamp, at)}"


def byline(detail: EntryDetail, at: int) -> str:
    """Who, in which feed, by which author, when: the line under the title."""
    entry = detail.entry
    parts = [entry.contact_name, tilde(entry.feed_label)]
    if entry.author and entry.author != entry.contact_name:
        parts.append(f"by {entry.author}")
    published = detail.published_at or entry.sort_ts
    parts.append(when_text(published, at))
    if detail.updated_at and detail.updated_at - published >= LATER_UPDATE:
        parts.append(f"updated {ago(detail.updated_at, at)}")
    return " · ".join(shown(part, one_line=True) for part in parts if part)


def links_text(links: tuple[Link, ...]) -> Text:
    """The numbered links under the text: number, label, address."""
    text = Text("Links", style="bold")
    for link in links:
        text.append(f"\n[{link.number}] ", style="bold")
        text.append(shown(link.label, one_line=True))
        if link.label != link.url:
            text.append(f"  {shown(link.url, one_line=True)}", style="dim")
    return text


class ReaderScreen(TrailScreen[DraftOutcome | None]):
    """One post, read inside trailtui. Dismissed with None, or with the
    outcome of a comment posted from here (the feed then marks its row)."""

    DEFAULT_CSS = """
    ReaderScreen #reader-scroll { height: 1fr; padding: 0 2; }
    ReaderScreen #reader-title { height: auto; margin: 1 0 0 0; text-style: bold; }
    ReaderScreen #reader-byline { height: auto; color: $text-muted; margin: 0 0 1 0; }
    ReaderScreen #reader-text { height: auto; margin: 0; padding: 0; }
    ReaderScreen #reader-text > MarkdownHeader:first-child { margin: 0 0 1 0; }
    ReaderScreen #reader-links { height: auto; margin: 1 0; }
    """

    BINDINGS = [
        Binding("escape,backspace", "close", "Back", tooltip="Back to the feed", id="reader.close"),
        Binding("o", "open", "Open", tooltip="Open the post in the browser", id="reader.open"),
        Binding(
            "L", "links", "Links", tooltip="Pick one of the post's links to open", id="reader.links"
        ),
        Binding(
            "space,pagedown",
            "page_down",
            "Page down",
            tooltip="Scroll a page down",
            id="reader.page_down",
        ),
        Binding(
            "pageup,b",
            "page_up",
            "Page up",
            show=False,  # the footer keeps room for Comment at 80 columns
            tooltip="Scroll a page up",
            id="reader.page_up",
        ),
        Binding(
            "j,down", "down", "Down", show=False, tooltip="Scroll a line down", id="reader.down"
        ),
        Binding("k,up", "up", "Up", show=False, tooltip="Scroll a line up", id="reader.up"),
        Binding(
            "c",
            "comment",
            "Comment",
            tooltip="Write a comment on this post (text you selected is its {quote})",
            id="reader.comment",
        ),
    ]

    FAILURES = {
        "reader": Failure(
            "Could not read the post", "It is still in the feed: press o to open it."
        ),
        "reader-text": Failure("Could not show the post's text", "Press o to open it instead."),
    }

    @dataclass
    class Loaded(Message):
        detail: EntryDetail | None
        reading: Reading | None
        at: int

    def __init__(self, workspace: Workspace, entry_id: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.entry_id = entry_id
        self.detail: EntryDetail | None = None
        self.reading: Reading | None = None
        self.text_shown = False  # the Markdown is mounted (all of it)

    def compose(self) -> ComposeResult:
        yield Header()
        # Not focusable: the screen's bindings scroll it, so the keymap holds.
        with VerticalScroll(id="reader-scroll", can_focus=False):
            yield Static(Text("Loading the post…"), id="reader-title", markup=False)
            yield Static(id="reader-byline", markup=False)
            yield Markdown(id="reader-text", parser_factory=markdown_parser, open_links=False)
            yield Static(id="reader-links", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reader-links").display = False
        self.load()

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def load(self) -> None:
        detail = queries.entry_detail(self.workspace.store, self.entry_id)
        reading = None
        if detail is not None:
            # The stored summary is one line of plain text (feeds.sanitize.text_of):
            # escaped, its "<" and "&" read as written.
            summary = html.escape(detail.summary) if detail.summary else None
            reading = reading_of(detail.content, summary, base_url=detail.entry.link)
        self.post_message(self.Loaded(detail, reading, now()))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.detail, self.reading = message.detail, message.reading
        title = self.query_one("#reader-title", Static)
        byline_ = self.query_one("#reader-byline", Static)
        if message.detail is None or message.reading is None:
            title.update(Text("This post is no longer here"))
            close = key_for(self, "reader.close", "Esc")
            byline_.update(
                Text(
                    f"It is not in the database any more. Press {close} to go back.",
                    style=tones(self)["muted"],
                )
            )
            return
        detail, reading = message.detail, message.reading
        title.update(Text(shown(detail.entry.title) or "(untitled)"))
        byline_.update(Text(byline(detail, message.at)))
        if reading.links:
            links = self.query_one("#reader-links", Static)
            links.update(links_text(reading.links))
            links.display = True
        self.show_text(reading.markdown)

    @work(exclusive=True, group="reader-text", exit_on_error=False)
    async def show_text(self, markdown: str) -> None:
        await self.query_one("#reader-text", Markdown).update(markdown)
        self.text_shown = True

    # ---- keys ---------------------------------------------------------------

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#reader-scroll", VerticalScroll)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open(self) -> None:
        if self.detail is not None:
            self.post_message(OpenLink(self.detail.entry.link))

    def action_comment(self) -> None:
        if self.detail is None:
            return
        from trailtui.ui.screens.draft import DraftScreen

        entry = self.detail.entry
        selected = (self.get_selected_text() or "").strip() or None
        self.app.push_screen(
            DraftScreen(self.workspace, entry.contact_id, entry.id, selected=selected),
            self.draft_closed,
        )

    def draft_closed(self, outcome: DraftOutcome | None) -> None:
        """Posted: back to the feed, which marks the row; else go on reading."""
        if outcome is None:
            return
        if outcome.posted is not None:
            self.dismiss(outcome)
        elif outcome.kept is not None:
            self.notify("Kept as a draft.", timeout=3)
        elif outcome.discarded:
            self.notify("Draft discarded.", timeout=3)

    def action_page_down(self) -> None:
        self.scroller.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroller.scroll_page_up(animate=False)

    def action_down(self) -> None:
        self.scroller.scroll_relative(y=1, animate=False)

    def action_up(self) -> None:
        self.scroller.scroll_relative(y=-1, animate=False)

    def action_links(self) -> None:
        if self.reading is None:
            return
        if not self.reading.links:
            self.notify("This post has no links to open.", timeout=3, markup=False)
            return
        self.app.push_screen(LinksScreen(self.reading.links), self.chosen)

    def chosen(self, link: Link | None) -> None:
        if link is not None:
            self.post_message(OpenLink(link.url))

    def on_key(self, event: events.Key) -> None:
        # Digits 1-9 open that link, unless the keymap gave a digit to a binding.
        digit = event.character
        if not digit or digit not in "123456789" or event.key in self.active_bindings:
            return
        event.stop()
        links = self.reading.links if self.reading else ()
        if int(digit) <= len(links):
            self.post_message(OpenLink(links[int(digit) - 1].url))
        elif self.reading is not None:
            self.notify(f"This post has no link {digit}.", timeout=3, markup=False)

    @on(Markdown.LinkClicked)
    def link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A click opens the link through the app, as a number would: the
        numbered link it is, when it is one (the widget gives the address
        normalized and unquoted), else the address as clicked."""
        event.stop()
        event.prevent_default()
        self.post_message(OpenLink(self.clicked_link(event.href)))

    def clicked_link(self, href: str) -> str:
        parser = markdown_parser()
        for link in self.reading.links if self.reading else ():
            if href in (link.url, unquote(parser.normalizeLink(link.url))):
                return link.url
        return href
