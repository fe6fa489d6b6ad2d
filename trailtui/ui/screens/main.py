"""The main screen: the merged feed beside the contact panel.

Every database call runs in a thread worker; results come back as messages,
and only handlers on the UI thread touch widgets. Refreshing and saving
contacts belong to the app: this screen asks for them with messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Static

from trailtui.feeds.refresh import RefreshReport
from trailtui.paths import display_path
from trailtui.store import queries, writes
from trailtui.store.records import EntryRecord, TrailWrite, Undone
from trailtui.text import plural
from trailtui.trail.kinds import Kind
from trailtui.trail.service import ContactCard, contact_card, leave_trail
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for, keys_for, trail_bindings
from trailtui.ui.messages import OpenLink, RefreshRequested
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.prompt import TextPrompt
from trailtui.ui.widgets.contact_panel import ContactPanel
from trailtui.ui.widgets.feed_list import FeedList
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

PROMPTS = {
    Kind.COMMENT: "Your comment on",
    Kind.REPORT_BACK: "What you reported back about",
    Kind.INTRO: "Whom you introduced them to, about",
    Kind.NOTE: "A note about this person, on",
}


class MainScreen(TrailScreen[None]):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, tooltip="Next entry", id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous entry", id="up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("home", "first", "First entry", show=False, id="first"),
        Binding("end", "last", "Last entry", show=False, id="last"),
        *trail_bindings(),
        Binding("u", "undo", "Undo", tooltip="Undo the last trail you left", id="undo"),
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            show=False,
            tooltip="Toggle the entry between read and unread",
            id="toggle_read",
        ),
        Binding("o", "open_link", "Open", tooltip="Open the entry in your browser", id="open"),
        Binding("r", "refresh", "Refresh", tooltip="Fetch every feed now", id="refresh"),
        Binding(
            "F", "feed_health", "Feeds", tooltip="Feed health: errors and fixes", id="feed_health"
        ),
        Binding(
            "E",
            "app.edit_contacts",
            "Edit contacts",
            tooltip="Edit contacts.yaml here, checked as you type",
            id="edit_contacts",
        ),
        Binding(
            "ctrl+e",
            "app.edit_external",
            "Edit in $EDITOR",
            show=False,
            tooltip="Edit contacts.yaml in your own editor ($VISUAL or $EDITOR)",
            id="edit_external",
        ),
        Binding(
            "a",
            "app.add_contact",
            "Add contact",
            tooltip="Add someone: name, site or feed, why they matter",
            id="add_contact",
        ),
        Binding("question_mark", "help", "Help", tooltip="Every key and command", id="show_help"),
    ]

    FAILURES = {
        "load": Failure("Could not load the feed", "What was shown before is still shown."),
        "card": Failure("Could not load the contact's card"),
        "trail": Failure("Could not record the trail", "Nothing was recorded."),
        "read": Failure(
            "Could not save the read mark", "The entry may show as read until reloaded."
        ),
    }

    @dataclass
    class FeedLoaded(Message):
        generation: int  # which load this answers: only the newest is shown
        entries: list[EntryRecord]
        keep: int | None
        total: int  # in the database; only the newest are listed
        unread: int
        contacts: int  # mirrored from contacts.yaml (for the empty state)
        feeds: int

    @dataclass
    class CardLoaded(Message):
        generation: int
        contact_id: str
        card: ContactCard | None

    @dataclass
    class TrailLeft(Message):
        written: TrailWrite

    @dataclass
    class TrailUndone(Message):
        undone: Undone | None

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.showing_contact: str | None = None
        self.card: ContactCard | None = None
        self.total = self.unread = 0
        self.loaded = False
        self.refreshing: str | None = None  # the status line's text while a refresh runs
        # A newer load replaces an older one still running (exclusive), but a
        # thread cannot be stopped: its answer may come last, and is ignored.
        self.loads = self.card_loads = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="feed-pane"):
                yield FeedList(id="feed")
                yield Static(id="feed-empty", markup=False)
            yield ContactPanel(id="contact")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def feed(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def panel(self) -> ContactPanel:
        return self.query_one(ContactPanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def showing(self) -> bool:
        """Composed and not yet taken down (news can arrive while the app closes)."""
        return self.is_mounted and bool(self.query(FeedList))

    def on_mount(self) -> None:
        self.feed.display = False
        self.show_panel()
        self.status.show("Loading your feed…")
        self.load_feed()

    # ---- the status line ------------------------------------------------

    def idle_status(self) -> None:
        if self.refreshing is not None:
            self.status.show(self.refreshing)
            return
        if not self.loaded:
            return
        shown = len(self.feed.rows)
        listed = (
            plural(shown, "entry", "entries")
            if shown >= self.total
            else f"newest {shown} of {self.total}"
        )
        self.status.show(f"{listed} · {self.unread} unread")

    def _read_changed(self, entry_id: int, read: bool) -> None:
        """Mark an entry (un)read in the list and keep the unread count right."""
        if self.feed.mark_read(entry_id, read):
            self.unread += -1 if read else 1

    # ---- loading ------------------------------------------------------

    def load_feed(self, keep: int | None = None) -> None:
        self.loads += 1
        self.read_feed(self.loads, keep)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def read_feed(self, generation: int, keep: int | None) -> None:
        entries = queries.merged_feed(self.workspace.store)
        counts = queries.counts(self.workspace.store)
        self.post_message(
            self.FeedLoaded(
                generation,
                entries,
                keep,
                counts.entries,
                counts.unread,
                counts.contacts - counts.archived_contacts,
                counts.feeds,
            )
        )

    @on(FeedLoaded)
    def show_feed(self, message: FeedLoaded) -> None:
        if message.generation != self.loads:
            return  # an older load, overtaken by a newer one
        self.loaded = True
        self.total, self.unread = message.total, message.unread
        self.feed.show_entries(message.entries, message.keep)
        empty = self.query_one("#feed-empty", Static)
        empty.display = not message.entries
        self.feed.display = bool(message.entries)
        if not message.entries:
            empty.update(self.empty_text(message.contacts, message.feeds))
        else:
            self.feed.focus()
        self.idle_status()

    def empty_text(self, contacts: int, feeds: int) -> Text:
        """What to do next, with the user's own keys."""
        ws = self.workspace
        path = display_path(ws.contacts_path)
        keys = keys_for(self, ["add_contact", "edit_contacts", "refresh"])
        add, edit = keys.get("add_contact", "a"), keys.get("edit_contacts", "E")
        if not ws.has_contacts:
            if ws.contacts_exist:
                return Text.assemble(
                    ("contacts.yaml has problems.\n\n", "bold"),
                    f"{path} could not be loaded. Press {edit} to see each problem "
                    "where it is and fix it, or run: trailtui contacts check",
                )
            return Text.assemble(
                ("No contacts yet.\n\n", "bold"),
                f"trailtui reads your key people from {path}.\n",
                f"Press {add} to add someone, {edit} to start the file from a commented "
                "example, or run trailtui import FILE (OPML, vCard, LinkedIn CSV). "
                "To look around first: trailtui --demo",
            )
        if not contacts:
            return Text.assemble(
                ("No contacts yet.\n\n", "bold"),
                f"Press {add} to add someone who matters to you, or {edit} to edit contacts.yaml.",
            )
        if not feeds:
            return Text(
                f"None of your contacts has a feed yet. Press {add} to add someone with a site "
                f"or feed, or add a 'feeds:' list in {path} (press {edit})."
            )
        refresh = keys.get("refresh")
        how = f"Press {refresh} to fetch" if refresh else "Fetching"
        return Text(f"No entries yet. {how} your contacts' feeds.")

    @on(FeedList.EntryHighlighted)
    def entry_highlighted(self, message: FeedList.EntryHighlighted) -> None:
        entry = message.entry
        if entry is None:
            self.showing_contact = self.card = None
        elif entry.contact_id != self.showing_contact:
            self.showing_contact = entry.contact_id
            self.load_card(entry.contact_id)
        self.show_panel()

    def load_card(self, contact_id: str) -> None:
        self.card_loads += 1
        self.read_card(self.card_loads, contact_id)

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def read_card(self, generation: int, contact_id: str) -> None:
        card = contact_card(self.workspace.store, contact_id)
        self.post_message(self.CardLoaded(generation, contact_id, card))

    @on(CardLoaded)
    def card_loaded(self, message: CardLoaded) -> None:
        if message.generation == self.card_loads and message.contact_id == self.showing_contact:
            self.card = message.card
            self.show_panel()

    def show_panel(self) -> None:
        card = self.card if self.card and self.card.contact.id == self.showing_contact else None
        self.panel.show_card(card, self.feed.current, keys_for(self, ["like", "comment"]))

    # ---- trail --------------------------------------------------------

    def action_trail(self, kind_name: str) -> None:
        entry = self.feed.current
        if entry is None:
            self.status.flash("Select an entry first.")
            return
        kind = Kind(kind_name)
        if kind in PROMPTS:
            title = f"{PROMPTS[kind]} “{entry.title}” ({entry.contact_name})"
            self.app.push_screen(TextPrompt(title), partial(self._trail_with_text, entry, kind))
        else:
            self.record_trail(entry, kind, None)

    def _trail_with_text(self, entry: EntryRecord, kind: Kind, text: str | None) -> None:
        if text:
            self.record_trail(entry, kind, text)

    @work(thread=True, group="trail", exit_on_error=False)
    def record_trail(self, entry: EntryRecord, kind: Kind, text: str | None) -> None:
        written = leave_trail(
            self.workspace.store, entry.contact_id, kind, entry_id=entry.id, text=text
        )
        self.post_message(self.TrailLeft(written))

    @on(TrailLeft)
    def trail_left(self, message: TrailLeft) -> None:
        engagement = message.written.engagement
        kind = Kind(engagement.kind)
        about = f" “{engagement.entry_title}”" if engagement.entry_title else ""
        if not message.written.created:
            undo = key_for(self, "undo")
            hint = f" Press {undo} to undo it." if undo else ""
            self.status.flash(f"Already {kind.past}{about}.{hint}")
            return
        if engagement.entry_id is not None:
            self._read_changed(engagement.entry_id, True)
        self.status.flash(f"{kind.past.capitalize()}{about}.")
        if engagement.contact_id == self.showing_contact:
            self.load_card(engagement.contact_id)
        self.idle_status()

    def action_undo(self) -> None:
        self.undo_trail()

    @work(thread=True, group="trail", exit_on_error=False)
    def undo_trail(self) -> None:
        self.post_message(self.TrailUndone(writes.undo_last_engagement(self.workspace.store)))

    @on(TrailUndone)
    def trail_undone(self, message: TrailUndone) -> None:
        undone = message.undone
        if undone is None:
            self.status.flash("Nothing to undo.")
            return
        engagement = undone.engagement
        about = f" “{engagement.entry_title}”" if engagement.entry_title else ""
        self.status.flash(f"Undone: {Kind(engagement.kind).past}{about}.")
        if undone.entry_unread and engagement.entry_id is not None:
            self._read_changed(engagement.entry_id, False)
            self.idle_status()
        if engagement.contact_id == self.showing_contact:
            self.load_card(engagement.contact_id)

    def action_toggle_read(self) -> None:
        entry = self.feed.current
        if entry is not None:
            self._read_changed(entry.id, not entry.read)
            self.save_read(entry.id, not entry.read)
            self.idle_status()

    @work(thread=True, group="read", exit_on_error=False)
    def save_read(self, entry_id: int, read: bool) -> None:
        writes.set_read(self.workspace.store, entry_id, read)

    def action_open_link(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        self.post_message(OpenLink(entry.link))

    # ---- contacts -----------------------------------------------------

    def contacts_changed(self) -> None:
        """The contacts were reloaded: show the feed and the card as they are now."""
        current = self.feed.current
        self.load_feed(keep=current.id if current else None)
        if self.showing_contact is not None:
            self.load_card(self.showing_contact)
        if self.workspace.has_contacts:
            # New feeds are due at once; others wait. During a refresh, one follows.
            self.post_message(RefreshRequested(force=False, by_user=False))

    def keys_changed(self) -> None:
        """settings.keys changed: the hints name the new keys."""
        if self.showing:
            self.show_panel()

    # ---- navigation ---------------------------------------------------

    def action_cursor_down(self) -> None:
        self.feed.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.feed.action_cursor_up()

    def action_page_down(self) -> None:
        self.feed.action_page_down()

    def action_page_up(self) -> None:
        self.feed.action_page_up()

    def action_first(self) -> None:
        self.feed.action_first()

    def action_last(self) -> None:
        self.feed.action_last()

    def action_help(self) -> None:
        from trailtui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self))

    def action_feed_health(self) -> None:
        from trailtui.ui.screens.feed_health import FeedHealthScreen

        self.app.push_screen(FeedHealthScreen(self.workspace.store))

    # ---- refresh (run by the app) ----------------------------------------

    def action_refresh(self) -> None:
        if not self.workspace.has_contacts:
            self.status.flash("No contacts loaded, so there is nothing to fetch.")
            return
        self.post_message(RefreshRequested(force=True))

    def refresh_started(self, total: int) -> None:
        if total and self.showing:
            self.refreshing = f"Refreshing {plural(total, 'feed')}…"
            self.status.progress(0, total)
            self.status.show(self.refreshing)

    def refresh_progress(self, done: int, total: int, failed: int) -> None:
        if not self.showing:
            return
        self.status.progress(done, total)
        failures = f" · {failed} failed" if failed else ""
        self.refreshing = f"Refreshing feeds {done}/{total}{failures}"
        self.status.show(self.refreshing)

    def refresh_finished(self, report: RefreshReport | None) -> None:
        self.refreshing = None
        if not self.showing:
            return
        self.status.progress_done()
        current = self.feed.current
        self.load_feed(keep=current.id if current else None)
        if report is None:
            self.idle_status()
