"""The main screen: the merged feed beside the contact panel.

Every database and network call runs in a thread worker; results come back
as messages, and only handlers on the UI thread touch widgets.
"""

from __future__ import annotations

import dataclasses
import webbrowser
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from trailtui.feeds.refresh import FeedOutcome, RefreshReport, Result, refresh
from trailtui.safety import safe_link
from trailtui.store import StoreError, queries, writes
from trailtui.store.records import EngagementRecord, EntryRecord
from trailtui.trail.kinds import Kind
from trailtui.trail.service import ContactCard, contact_card, leave_trail
from trailtui.ui.screens.feed_health import FeedHealthScreen
from trailtui.ui.screens.help import HelpScreen
from trailtui.ui.screens.prompt import TextPrompt
from trailtui.ui.widgets.contact_panel import ContactPanel
from trailtui.ui.widgets.feed_list import FeedList
from trailtui.workspace import Workspace

# Trail keys: (key, kind, footer label, tooltip, asks for text)
TRAIL_KEYS: list[tuple[str, Kind, str, str, bool]] = [
    ("l", Kind.LIKE, "Like", "Record that you liked this post", False),
    ("c", Kind.COMMENT, "Comment", "Write a comment and record it", True),
    ("s", Kind.SHARE, "Share", "Record that you shared this post", False),
    ("e", Kind.ENDORSE, "Endorse", "Record that you endorsed this person", False),
    ("h", Kind.HELP, "Offer help", "Record that you offered help", False),
    ("t", Kind.THANKS, "Thanks", "Record that you thanked them", False),
    ("b", Kind.REPORT_BACK, "Report back", "Record that you reported back on their advice", True),
    ("i", Kind.INTRO, "Intro", "Record an introduction you made for them", True),
    ("n", Kind.NOTE, "Note", "Add a private note about this person (not a touch)", True),
]

PROMPTS = {
    Kind.COMMENT: "Your comment on",
    Kind.REPORT_BACK: "What you reported back about",
    Kind.INTRO: "Whom you introduced them to, about",
    Kind.NOTE: "A note about this person, on",
}


def key_display(app: App[None], binding: Binding) -> str:
    """All the keys of a binding as the user would type them: 'j / ↓'."""
    keys = [key.strip() for key in binding.key.split(",")]
    return " / ".join(app.get_key_display(dataclasses.replace(binding, key=k)) for k in keys)


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up"),
        *[
            Binding(
                key,
                f"trail('{kind.value}')",
                label,
                tooltip=tip,
                id=kind.value,
                show=kind in (Kind.LIKE, Kind.COMMENT, Kind.SHARE, Kind.ENDORSE),
            )
            for key, kind, label, tip, _ in TRAIL_KEYS
        ],
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
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="show_help"),
    ]

    @dataclass
    class FeedLoaded(Message):
        entries: list[EntryRecord]
        keep: int | None
        total: int  # in the database; only the newest are listed
        unread: int

    @dataclass
    class CardLoaded(Message):
        contact_id: str
        card: ContactCard | None

    @dataclass
    class TrailLeft(Message):
        engagement: EngagementRecord

    @dataclass
    class RefreshStarted(Message):
        total: int

    class RefreshProgress(Message):
        def __init__(self, outcome: FeedOutcome, done: int, total: int, failed: int) -> None:
            super().__init__()
            self.outcome, self.done, self.total, self.failed = outcome, done, total, failed

        def can_replace(self, message: Message) -> bool:
            # A burst of progress collapses to the newest.
            return isinstance(message, MainScreen.RefreshProgress)

    @dataclass
    class RefreshFinished(Message):
        report: RefreshReport

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.showing_contact: str | None = None
        self.total = self.unread = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="feed-pane"):
                yield FeedList(id="feed")
                yield Static(id="feed-empty", markup=False)
            yield ContactPanel(id="contact")
        with Horizontal(id="status"):
            yield Static(id="status-text", markup=False)
            yield ProgressBar(id="refresh-progress", show_eta=False)
        yield Footer()

    @property
    def feed(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def panel(self) -> ContactPanel:
        return self.query_one(ContactPanel)

    def on_mount(self) -> None:
        self.query_one("#refresh-progress").display = False
        self.panel.show_card(None)
        self.set_status("Loading your feed…")
        self.load_feed()
        if self.workspace.problems and self.workspace.contacts_exist:
            self.app.notify(
                "\n".join(str(p) for p in self.workspace.problems[:5]),
                title="contacts.yaml has problems",
                severity="error",
                timeout=15,
                markup=False,
            )
        if self.workspace.has_contacts:
            self.run_refresh(force=False)

    # ---- status line --------------------------------------------------

    def set_status(self, text: str) -> None:
        self.query_one("#status-text", Static).update(Text(text))

    def _idle_status(self) -> None:
        shown = len(self.feed.entries)
        listed = f"{shown} entries" if shown >= self.total else f"newest {shown} of {self.total}"
        self.set_status(f"{listed} · {self.unread} unread")

    def _read_changed(self, entry_id: int, read: bool) -> None:
        """Mark an entry (un)read in the list and keep the unread count right."""
        if self.feed.mark_read(entry_id, read):
            self.unread += -1 if read else 1

    # ---- loading ------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_feed(self, keep: int | None = None) -> None:
        entries = queries.merged_feed(self.workspace.store)
        counts = queries.counts(self.workspace.store)
        self.post_message(self.FeedLoaded(entries, keep, counts.entries, counts.unread))

    @on(FeedLoaded)
    def show_feed(self, message: FeedLoaded) -> None:
        self.total, self.unread = message.total, message.unread
        self.feed.show_entries(message.entries, message.keep)
        empty = self.query_one("#feed-empty", Static)
        empty.display = not message.entries
        self.feed.display = bool(message.entries)
        if not message.entries:
            empty.update(self._empty_text())
        else:
            self.feed.focus()
        self._idle_status()

    def _empty_text(self) -> Text:
        ws = self.workspace
        if not ws.has_contacts:
            if ws.contacts_exist:
                return Text.assemble(
                    ("contacts.yaml has problems.\n\n", "bold"),
                    f"{ws.contacts_path} could not be loaded. Press E to see each problem "
                    "where it is and fix it, or run: trailtui contacts check",
                )
            return Text.assemble(
                ("No contacts yet.\n\n", "bold"),
                f"trailtui reads your key people from {ws.contacts_path}.\n",
                "Press a to add someone, E to start the file from a commented example, "
                "or run trailtui import FILE (OPML, vCard, LinkedIn CSV). "
                "To look around first: trailtui --demo",
            )
        book = ws.book
        if book is not None and not book.contacts:
            return Text.assemble(
                ("No contacts yet.\n\n", "bold"),
                "Press a to add someone who matters to you, or E to edit contacts.yaml.",
            )
        if book is not None and not book.feed_count:
            return Text(
                "None of your contacts has a feed yet. Press a to add someone with a site "
                f"or feed, or add a 'feeds:' list in {ws.contacts_path} (press E)."
            )
        return Text("No entries yet. Press r to fetch your contacts' feeds.")

    @on(FeedList.EntryHighlighted)
    def entry_highlighted(self, message: FeedList.EntryHighlighted) -> None:
        entry = message.entry
        if entry is None:
            self.showing_contact = None
            self.panel.show_card(None)
        elif entry.contact_id != self.showing_contact:
            self.showing_contact = entry.contact_id
            self.load_card(entry.contact_id)

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def load_card(self, contact_id: str) -> None:
        self.post_message(
            self.CardLoaded(contact_id, contact_card(self.workspace.store, contact_id))
        )

    @on(CardLoaded)
    def show_card(self, message: CardLoaded) -> None:
        if message.contact_id == self.showing_contact:
            self.panel.show_card(message.card)

    # ---- trail --------------------------------------------------------

    def action_trail(self, kind_name: str) -> None:
        entry = self.feed.current
        if entry is None:
            self.app.notify("Select an entry first.", severity="warning")
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
        engagement = leave_trail(
            self.workspace.store, entry.contact_id, kind, entry_id=entry.id, text=text
        )
        self.post_message(self.TrailLeft(engagement))

    @on(TrailLeft)
    def trail_left(self, message: TrailLeft) -> None:
        engagement = message.engagement
        if engagement.entry_id is not None:
            self._read_changed(engagement.entry_id, True)
        self.notify(f"{Kind(engagement.kind).past.capitalize()}.", timeout=2)
        if engagement.contact_id == self.showing_contact:
            self.load_card(engagement.contact_id)
        self._idle_status()

    def action_undo(self) -> None:
        self.undo_trail()

    @work(thread=True, group="trail", exit_on_error=False)
    def undo_trail(self) -> None:
        undone = writes.undo_last_engagement(self.workspace.store)
        if undone is None:
            self.app.call_from_thread(self.notify, "Nothing to undo.", severity="warning")
            return
        self.app.call_from_thread(self._after_undo, undone)

    def _after_undo(self, undone: EngagementRecord) -> None:
        self.notify(f"Undone: {Kind(undone.kind).past}.", timeout=2)
        if undone.contact_id == self.showing_contact:
            self.load_card(undone.contact_id)

    def action_toggle_read(self) -> None:
        entry = self.feed.current
        if entry is not None:
            self._read_changed(entry.id, not entry.read)
            self.save_read(entry.id, not entry.read)
            self._idle_status()

    @work(thread=True, group="trail", exit_on_error=False)
    def save_read(self, entry_id: int, read: bool) -> None:
        writes.set_read(self.workspace.store, entry_id, read)

    def action_open_link(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        link = safe_link(entry.link)
        if link is None:
            self.notify("This entry has no web link that is safe to open.", severity="warning")
            return
        webbrowser.open(link)
        self.notify(f"Opened {link}", timeout=3, markup=False)

    # ---- contacts -----------------------------------------------------

    def contacts_changed(self) -> None:
        """The contacts were reloaded: show the feed and the card as they are now."""
        current = self.feed.current
        self.load_feed(keep=current.id if current else None)
        if self.showing_contact is not None:
            self.load_card(self.showing_contact)
        if self.workspace.has_contacts:
            self.run_refresh(force=False)  # new feeds are due at once; others wait

    # ---- navigation ---------------------------------------------------

    def action_cursor_down(self) -> None:
        self.feed.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.feed.action_cursor_up()

    def action_help(self) -> None:
        keys = []
        seen = set()
        for binding in [*self.BINDINGS, *self.app.BINDINGS]:
            assert isinstance(binding, Binding)
            if binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(
                (key_display(self.app, binding), binding.description, binding.tooltip or "")
            )
        self.app.push_screen(HelpScreen(keys))

    def action_feed_health(self) -> None:
        self.app.push_screen(FeedHealthScreen(self.workspace.store))

    # ---- refresh ------------------------------------------------------

    def action_refresh(self) -> None:
        if not self.workspace.has_contacts:
            self.notify("No contacts loaded, so there is nothing to fetch.", severity="warning")
            return
        self.run_refresh(force=True)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, force: bool) -> None:
        failed = 0

        def started(total: int) -> None:
            self.post_message(self.RefreshStarted(total))

        def progress(outcome: FeedOutcome, done: int, total: int) -> None:
            nonlocal failed
            failed += outcome.result is Result.FAILED
            self.post_message(self.RefreshProgress(outcome, done, total, failed))

        report = refresh(
            self.workspace.store,
            force=force,
            refresh_every=self.workspace.refresh_every,
            on_start=started,
            on_progress=progress,
        )
        self.post_message(self.RefreshFinished(report))

    @on(RefreshStarted)
    def refresh_started(self, message: RefreshStarted) -> None:
        bar = self.query_one("#refresh-progress", ProgressBar)
        if message.total:
            bar.display = True
            bar.update(total=message.total, progress=0)
            self.set_status(f"Refreshing {message.total} feeds…")

    @on(RefreshProgress)
    def refresh_progress(self, message: RefreshProgress) -> None:
        self.query_one("#refresh-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )
        failed = f" · {message.failed} failed" if message.failed else ""
        self.set_status(f"Refreshing feeds {message.done}/{message.total}{failed}")

    @on(RefreshFinished)
    def refresh_finished(self, message: RefreshFinished) -> None:
        report = message.report
        self.query_one("#refresh-progress").display = False
        current = self.feed.current
        self.load_feed(keep=current.id if current else None)
        if report.total:
            feeds = "feed" if report.total == 1 else "feeds"
            entries = "entry" if report.new_entries == 1 else "entries"
            text = f"{report.total} {feeds} refreshed: {report.new_entries} new {entries}"
            if report.failures:
                text += f", {len(report.failures)} failed (press F to see why)"
                details = "\n".join(f"{o.url}: {o.error}" for o in report.failures[:5])
                self.notify(
                    details, title="Some feeds failed", severity="warning", timeout=10, markup=False
                )
            for outcome in [o for o in report.outcomes if o.moved_to][:3]:
                self.notify(
                    f"{outcome.url} moved to {outcome.moved_to}; update contacts.yaml?",
                    title="A feed moved",
                    timeout=10,
                    markup=False,
                )
            self.notify(text, timeout=4)

    # ---- errors -------------------------------------------------------

    def on_worker_state_changed(self, event: object) -> None:
        from textual.worker import Worker, WorkerState

        worker = getattr(event, "worker", None)
        if not isinstance(worker, Worker) or worker.state is not WorkerState.ERROR:
            return
        error = worker.error
        message = (
            str(error) if isinstance(error, StoreError) else f"{type(error).__name__}: {error}"
        )
        self.notify(message, title=f"{worker.group} failed", severity="error", markup=False)
        if worker.group == "refresh":
            self.query_one("#refresh-progress").display = False
            self._idle_status()
