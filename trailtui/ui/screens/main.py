"""The main screen: the merged feed beside the contact panel, where a day of
triage happens — read, leave a trail, filter, search, move on.

Every database call runs in a thread worker; results come back as messages,
and only handlers on the UI thread touch widgets. Refreshing, saving contacts
and the clipboard belong to the app: this screen asks for them with messages.
The list holds pages of the whole history (keyset paging): the next page is
read when the cursor or the scroll nears the end, and what a refresh brings
is put above the top without moving what the user is looking at.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker

from trailtui.feeds.refresh import RefreshReport
from trailtui.safety import shown
from trailtui.store import queries, search, writes
from trailtui.store.records import (
    EntryFilter,
    EntryRecord,
    FeedCounts,
    FilterChoices,
    PageCursor,
    TrailWrite,
    Undone,
)
from trailtui.store.search import SearchHit, SearchSyntaxError
from trailtui.text import plural
from trailtui.trail.kinds import Kind
from trailtui.trail.service import ContactCard, contact_card, leave_trail
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for, keys_for
from trailtui.ui.messages import CopyText, OpenLink, RefreshRequested
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft_keys import WORDED, DraftOutcome
from trailtui.ui.screens.filter import FilterScreen, describe_filter
from trailtui.ui.screens.main_empty import EmptyFeed, empty_text
from trailtui.ui.screens.main_keys import MAIN_BINDINGS
from trailtui.ui.widgets.contact_panel import ContactPanel
from trailtui.ui.widgets.feed_list import FeedList
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

PAGE = 500  # entries read at a time: the first paint needs only a screenful
NARROW = 100  # columns: below this the contact panel is hidden until asked for
SEARCH_DELAY = 0.25  # seconds after the last key before searching
PANEL_DELAY = 0.03  # seconds after the cursor stops before the panel shows its entry

EMPTY_KEYS = [
    "add_contact",
    "edit_contacts",
    "refresh",
    "clear_filters",
    "unread_only",
    "filter",
    "people",
    "reached_out",
    "help",
    "thanks",
    "note",
]


@dataclass(frozen=True)
class MarkedAll:
    """A mark-all-read, kept so `u` can take it back."""

    ids: list[int]


class MainScreen(TrailScreen[None]):
    BINDINGS = MAIN_BINDINGS
    AUTO_FOCUS = "FeedList"  # not the search box, which is hidden until /

    FAILURES = {
        "load": Failure("Could not load the feed", "What was shown before is still shown."),
        "more": Failure("Could not load older entries", "The entries shown are kept."),
        "card": Failure("Could not load the contact's card"),
        "trail": Failure("Could not record the trail", "Nothing was recorded."),
        "read": Failure(
            "Could not save the read mark", "The entry may show as read until reloaded."
        ),
        "star": Failure("Could not save the star", "It may show until reloaded."),
        "choices": Failure("Could not list the filters"),
    }

    @dataclass
    class FeedLoaded(Message):
        generation: int  # which load this answers: only the newest is shown
        entries: list[EntryRecord]
        keep: int | None
        everything: int  # entries before any filter (read for the empty state only)
        contacts: int  # mirrored from contacts.yaml (for the empty state)
        feeds: int
        has_more: bool
        hits: dict[int, SearchHit] | None  # a search's results, by entry id
        problem: str | None = None  # a search the index could not run

    @dataclass
    class Counted(Message):
        generation: int
        counts: FeedCounts  # of what the filter shows

    @dataclass
    class MoreLoaded(Message):
        generation: int
        entries: list[EntryRecord]
        has_more: bool

    @dataclass
    class Arrived(Message):
        generation: int
        entries: list[EntryRecord]
        counts: FeedCounts

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

    @dataclass
    class AllMarked(Message):
        ids: list[int]

    @dataclass
    class AllUnmarked(Message):
        ids: list[int]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.showing_contact: str | None = None
        self.card: ContactCard | None = None
        self.counts = FeedCounts(0, 0, 0)
        self.counted = False  # `counts` are of what is shown now
        self.unread = 0
        self.loaded = False
        self.refreshing: str | None = None  # the status line's text while a refresh runs
        self.where = EntryFilter()
        self.searching: str | None = None  # the search shown, if any
        self.hits: dict[int, SearchHit] = {}
        self.panel_wanted: bool | None = None  # None: shown when the screen is wide enough
        self.last_undoable: MarkedAll | None = None  # when set, `u` takes it back first
        self.empty_why: EmptyFeed | None = None
        self.names: dict[str, str] = {}  # contact id -> name, of the people shown so far
        self._search_timer: Timer | None = None
        self._panel_timer: Timer | None = None
        self.panel_pending = False  # the panel is about to show the entry under the cursor
        # A newer load replaces an older one still running (exclusive), but a
        # thread cannot be stopped: its answer may come last, and is ignored.
        self.loads = self.card_loads = 0
        self.loads_shown = 0
        self.start_up_refresh_asked = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="feed-pane"):
                yield Static(id="filter-bar", markup=False)
                yield Input(placeholder="Search titles, authors and text", id="search")
                yield FeedList(id="feed")
                yield Static(id="feed-empty", markup=False)
                yield Static(id="match", markup=False)
            yield ContactPanel(id="contact")
        yield StatusLine(id="status")
        yield Footer(compact=True)

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
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def showing(self) -> bool:
        """Composed and not yet taken down (news can arrive while the app closes)."""
        return self.is_mounted and bool(self.query(FeedList))

    def on_mount(self) -> None:
        self.feed.display = False
        self.search_box.display = False
        self.show_panel()
        self.show_filter_bar()
        self.status.show("Loading your feed…")
        self.load_feed()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_panel(event.size.width)

    def fit_panel(self, width: int) -> None:
        """A narrow terminal gives the list the room; `v` shows the panel anyway."""
        wanted = self.panel_wanted if self.panel_wanted is not None else width >= NARROW
        self.panel.display = wanted
        self.set_class(width < NARROW, "narrow")

    # ---- the status line and the filter bar ------------------------------------

    def idle_status(self) -> None:
        if self.refreshing is not None:
            self.status.show(self.refreshing)
            return
        if not self.loaded:
            return
        if self.searching is not None:
            found = len(self.feed.rows)
            self.status.show(
                f"{plural(found, 'match', 'matches')} for “{shown(self.searching, one_line=True)}”"
            )
            return
        if not self.counted:
            self.status.show("Counting entries…")
            return
        total = self.counts.total
        listed = plural(total, "entry", "entries")
        self.status.show(f"{listed} · {self.unread:,} unread")

    def show_filter_bar(self) -> None:
        bar = self.query_one("#filter-bar", Static)
        parts = []
        if self.where.active:
            parts.append(describe_filter(self.where, self.person_name(self.where.contact_id)))
        if self.searching is not None and not self.search_box.display:
            parts.append(f"search: “{shown(self.searching, one_line=True)}”")
        bar.display = bool(parts)
        if parts:
            clear = key_for(self, "clear_filters")
            hint = f"  ({clear} clears)" if clear else ""
            bar.update(Text.assemble(("Showing ", "bold"), " · ".join(parts), hint))

    def person_name(self, contact_id: str | None) -> str | None:
        if contact_id is None:
            return None
        if self.card is not None and self.card.contact.id == contact_id:
            return self.card.contact.name
        return self.names.get(contact_id)

    def _read_changed(self, entry_id: int, read: bool) -> None:
        """Mark an entry (un)read in the list and keep the unread count right."""
        if self.feed.mark_read(entry_id, read):
            self.unread += -1 if read else 1

    # ---- loading ------------------------------------------------------

    def load_feed(self, keep: int | None = None) -> None:
        self.loads += 1
        wanted = max(PAGE, len(self.feed.rows)) if self.loaded else PAGE
        self.read_feed(self.loads, keep, self.where, self.searching, wanted)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def read_feed(
        self,
        generation: int,
        keep: int | None,
        where: EntryFilter,
        searching: str | None,
        wanted: int,
    ) -> None:
        store = self.workspace.store
        hits: dict[int, SearchHit] | None = None
        problem = None
        if searching is not None:
            try:
                found = search.search(store, searching, where=where)
            except SearchSyntaxError as error:
                found, problem = [], str(error)
            hits = {hit.entry.id: hit for hit in found}
            entries = [hit.entry for hit in found]
            has_more = False
        else:
            entries = queries.merged_feed(store, where=where, limit=wanted + 1)
            has_more = len(entries) > wanted
            entries = entries[:wanted]
        overall = queries.counts(store) if not entries else None  # only the empty state needs it
        self.post_message(
            self.FeedLoaded(
                generation,
                entries,
                keep,
                overall.entries if overall else 0,
                overall.contacts - overall.archived_contacts if overall else 0,
                overall.feeds if overall else 0,
                has_more,
                hits,
                problem,
            )
        )
        # Counting 100,000 entries takes longer than the page: the list is shown first.
        self.post_message(self.Counted(generation, queries.feed_counts(store, where)))

    @on(Counted)
    def counts_arrived(self, message: Counted) -> None:
        if message.generation != self.loads:
            return
        self.counts, self.unread = message.counts, message.counts.unread
        self.counted = True
        self.idle_status()

    @on(FeedLoaded)
    def show_feed(self, message: FeedLoaded) -> None:
        if message.generation != self.loads:
            return  # an older load, overtaken by a newer one
        first = self.loads_shown == 0
        self.loaded = True
        self.loads_shown += 1
        self.hits = message.hits or {}
        self.feed.highlights = {ident: hit.title_marks for ident, hit in self.hits.items()}
        self.feed.has_more = message.has_more
        self.feed.show_entries(message.entries, message.keep)
        for entry in message.entries[:1]:
            self.names[entry.contact_id] = entry.contact_name
        empty = self.query_one("#feed-empty", Static)
        empty.display = not message.entries
        self.feed.display = bool(message.entries)
        self.empty_why = EmptyFeed(
            contacts=message.contacts,
            feeds=message.feeds,
            total=message.everything,
            where=self.where,
            searching=self.searching,
            refreshing=self.refreshing is not None,
            person_name=self.person_name(self.where.contact_id),
        )
        if not message.entries:
            self.show_empty()
        elif not (self.search_box.display and self.search_box.has_focus):
            self.feed.focus()
        if message.problem:
            self.status.flash(message.problem)
        self.show_match()
        self.show_filter_bar()
        self.idle_status()
        if first:
            # The start-up refresh waits for the cached feed to be on screen.
            self.call_after_refresh(self.start_up_refresh)

    @property
    def start_up_pending(self) -> bool:
        """The feed is shown and the start-up refresh not yet asked for."""
        return (
            self.workspace.has_contacts and self.loads_shown > 0 and not self.start_up_refresh_asked
        )

    @property
    def settling(self) -> bool:
        """Something the screen will do by itself in a moment (the start-up
        refresh, the panel following the cursor): tests wait for it."""
        return self.start_up_pending or (self.panel_pending and self.is_current)

    def start_up_refresh(self) -> None:
        if self.workspace.has_contacts and not self.start_up_refresh_asked:
            self.start_up_refresh_asked = True
            self.post_message(RefreshRequested(force=False, by_user=False))

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "load":
            self.start_up_refresh()  # a feed that could not be shown may still be fetched

    def show_empty(self) -> None:
        why = self.empty_why
        if why is None or self.feed.rows:
            return
        card = self.card
        if card is not None and card.contact.id == why.where.contact_id:
            why = replace(why, person_name=card.contact.name, person_feeds=card.contact.feed_count)
        why = replace(why, refreshing=self.refreshing is not None)
        self.query_one("#feed-empty", Static).update(
            empty_text(self.workspace, why, keys_for(self, EMPTY_KEYS))
        )

    @on(FeedList.NeedMore)
    def need_more(self, message: FeedList.NeedMore) -> None:
        last = self.feed.rows[-1] if self.feed.rows else None
        if last is not None and self.searching is None:
            self.read_more(self.loads, self.where, PageCursor.of(last))

    @work(thread=True, exclusive=True, group="more", exit_on_error=False)
    def read_more(self, generation: int, where: EntryFilter, after: PageCursor) -> None:
        entries = queries.merged_feed(
            self.workspace.store, where=where, older_than=after, limit=PAGE + 1
        )
        self.post_message(self.MoreLoaded(generation, entries[:PAGE], len(entries) > PAGE))

    @on(MoreLoaded)
    def more_loaded(self, message: MoreLoaded) -> None:
        if message.generation != self.loads:
            return
        self.feed.has_more = message.has_more
        self.feed.append_entries(message.entries)

    def load_arrivals(self) -> None:
        """After a refresh: what arrived goes in its place in the list."""
        if not self.feed.rows or self.searching is not None or not self.feed.moved:
            current = self.feed.current
            self.load_feed(keep=current.id if current else None)
            return
        self.read_arrivals(self.loads, self.where, len(self.feed.rows) + 2 * PAGE)

    @work(thread=True, exclusive=True, group="arrivals", exit_on_error=False)
    def read_arrivals(self, generation: int, where: EntryFilter, window: int) -> None:
        # The loaded window read again: what is not listed yet arrived (at any
        # date: a post can be backdated), and is put in its place.
        store = self.workspace.store
        entries = queries.merged_feed(store, where=where, limit=window)
        self.post_message(self.Arrived(generation, entries, queries.feed_counts(store, where)))

    @on(Arrived)
    def arrived(self, message: Arrived) -> None:
        if message.generation != self.loads:
            return
        added = self.feed.insert_entries(message.entries)
        self.counts, self.unread = message.counts, message.counts.unread
        if added:
            self.status.flash(f"{plural(added, 'new entry', 'new entries')} arrived.")
        self.idle_status()

    # ---- the card ------------------------------------------------------

    @on(FeedList.EntryHighlighted)
    def entry_highlighted(self, message: FeedList.EntryHighlighted) -> None:
        entry = message.entry
        if entry is None:
            person = self.where.contact_id
            if person != self.showing_contact:
                self.showing_contact, self.card = person, None
                if person is not None:
                    self.load_card(person)
        elif entry.contact_id != self.showing_contact:
            self.showing_contact = entry.contact_id
            self.load_card(entry.contact_id)
        # The panel follows a moment later: a held key moves the cursor
        # without laying the panel out again for every row passed.
        if self._panel_timer is not None:
            self._panel_timer.stop()
        self._panel_timer = self.set_timer(PANEL_DELAY, self.show_panel)
        self.panel_pending = True
        self.show_match()

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
            self.show_empty()
            self.show_filter_bar()

    def show_panel(self) -> None:
        self.panel_pending = False
        card = self.card if self.card and self.card.contact.id == self.showing_contact else None
        self.panel.show_card(
            card, self.feed.current, keys_for(self, ["like", "comment", "reached_out", "help"])
        )

    def show_match(self) -> None:
        """Where the selected search result matched, its words marked."""
        match = self.query_one("#match", Static)
        current = self.feed.current
        hit = self.hits.get(current.id) if current else None
        match.display = bool(hit and hit.snippet)
        if hit and hit.snippet:
            text = Text(shown(hit.snippet, one_line=True))
            for start, end in hit.snippet_marks:
                text.stylize("bold underline", start, end)
            match.update(text)

    # ---- trail --------------------------------------------------------

    def selected_person(self) -> tuple[str, str] | None:
        """(id, name) of the person the keys are about: the selected post's, or the filter's."""
        entry = self.feed.current
        if entry is not None:
            self.names[entry.contact_id] = entry.contact_name
            return entry.contact_id, entry.contact_name
        if self.card is not None and self.card.contact.id == self.where.contact_id:
            return self.card.contact.id, self.card.contact.name
        return None

    def action_trail(self, kind_name: str) -> None:
        kind = Kind(kind_name)
        if kind in WORDED:
            self.action_draft(kind_name)  # words first: the draft
            return
        entry = self.feed.current
        if kind.about_person:
            person = self.selected_person()
            if person is None:
                self.status.flash("Select a post or a person first.")
                return
            self.record_trail(person[0], None, kind, None)
            return
        if entry is None:
            self.status.flash("Select an entry first.")
            return
        self.record_trail(entry.contact_id, entry.id, kind, None)

    def action_draft(self, kind_name: str) -> None:
        """A draft with the kind's template: about the person for a trail
        about the person, else about the selected post."""
        kind = Kind(kind_name)
        if kind.about_person:
            person = self.selected_person()
            if person is None:
                self.status.flash("Select a post or a person first.")
                return
            contact_id, entry_id = person[0], None
        else:
            entry = self.feed.current
            if entry is None:
                self.status.flash("Select an entry first.")
                return
            contact_id, entry_id = entry.contact_id, entry.id
        from trailtui.ui.screens.draft import DraftScreen

        self.app.push_screen(
            DraftScreen(self.workspace, contact_id, entry_id, kind=kind), self.draft_closed
        )

    def draft_closed(self, outcome: DraftOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.posted is not None:
            self.post_message(self.TrailLeft(outcome.posted.trail))
        elif outcome.kept is not None:
            drafts = key_for(self, "drafts")
            where = f" ({drafts} lists your drafts)" if drafts else ""
            self.status.flash(f"Kept as a draft{where}.")
        elif outcome.discarded:
            self.status.flash("Draft discarded.")

    @work(thread=True, group="trail", exit_on_error=False)
    def record_trail(
        self, contact_id: str, entry_id: int | None, kind: Kind, text: str | None
    ) -> None:
        written = self.workspace.remember_trail(
            leave_trail(self.workspace.store, contact_id, kind, entry_id=entry_id, text=text)
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
        self.last_undoable = None
        name = self.person_name(engagement.contact_id)
        if engagement.entry_id is None:
            self.status.flash(f"{kind.past.capitalize()}: {name or engagement.contact_id}.")
        else:
            self.status.flash(f"{kind.past.capitalize()}{about}.")
            self._read_changed(engagement.entry_id, True)
            entry = self.feed.entries.get(engagement.entry_id)
            if entry is not None and kind.value not in entry.marks:
                self.feed.update_entry(entry.id, marks=(*entry.marks, kind.value))
            current = self.feed.current
            if (
                self.workspace.advance_after_trail
                and current is not None
                and current.id == engagement.entry_id
            ):
                self.go_to_next_unread()
        if engagement.contact_id == self.showing_contact:
            self.load_card(engagement.contact_id)
        self.idle_status()

    def action_undo(self) -> None:
        if self.last_undoable is not None:
            batch, self.last_undoable = self.last_undoable, None
            self.unmark_all(batch.ids)
            return
        self.undo_trail()

    @work(thread=True, group="trail", exit_on_error=False)
    def undo_trail(self) -> None:
        self.post_message(self.TrailUndone(self.workspace.undo_last_trail()))

    @on(TrailUndone)
    def trail_undone(self, message: TrailUndone) -> None:
        undone = message.undone
        if undone is None:
            self.status.flash("Nothing to undo: only the trails left since trailtui started.")
            return
        engagement = undone.engagement
        about = f" “{engagement.entry_title}”" if engagement.entry_title else ""
        self.status.flash(f"Undone: {Kind(engagement.kind).past}{about}.")
        if engagement.entry_id is not None:
            if undone.entry_unread:
                self._read_changed(engagement.entry_id, False)
            entry = self.feed.entries.get(engagement.entry_id)
            if entry is not None and not Kind(engagement.kind).repeats:
                marks = tuple(kind for kind in entry.marks if kind != engagement.kind)
                self.feed.update_entry(entry.id, marks=marks)
            self.idle_status()
        if engagement.contact_id == self.showing_contact:
            self.load_card(engagement.contact_id)

    # ---- read marks and stars ---------------------------------------------

    def action_toggle_read(self) -> None:
        entry = self.feed.current
        if entry is not None:
            self._read_changed(entry.id, not entry.read)
            self.save_read(entry.id, not entry.read)
            self.idle_status()

    def action_skip(self) -> None:
        """Mark read and move on: triage's most common key."""
        entry = self.feed.current
        if entry is None:
            return
        if not entry.read:
            self._read_changed(entry.id, True)
            self.save_read(entry.id, True)
            self.idle_status()
        self.go_to_next_unread()

    def go_to_next_unread(self) -> None:
        index = self.feed.next_unread(1)
        if index is None:
            index = self.feed.cursor + 1 if self.feed.cursor + 1 < len(self.feed.rows) else None
        if index is not None:
            self.feed.user_moves_to(index)
        elif not self.feed.has_more:
            self.status.flash("That was the last entry: all caught up.")

    @work(thread=True, group="read", exit_on_error=False)
    def save_read(self, entry_id: int, read: bool) -> None:
        writes.set_read(self.workspace.store, entry_id, read)

    def action_star(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        self.feed.update_entry(entry.id, starred=not entry.starred)
        self.save_star(entry.id, not entry.starred)
        self.status.flash("Starred." if not entry.starred else "Unstarred.")

    @work(thread=True, group="star", exit_on_error=False)
    def save_star(self, entry_id: int, starred: bool) -> None:
        writes.set_starred(self.workspace.store, entry_id, starred)

    def action_mark_all_read(self) -> None:
        if not self.loaded:
            return
        if self.searching is not None:
            ids = [entry.id for entry in self.feed.rows if not entry.read]
            count = len(ids)
        else:
            ids, count = [], self.unread
        if not count:
            self.status.flash("Nothing unread here.")
            return
        shown_what = "of the search results" if self.searching is not None else "shown"
        undo = key_for(self, "undo")
        self.app.push_screen(
            Confirm(
                f"Mark {plural(count, 'entry', 'entries')} read?",
                f"Every unread entry {shown_what} becomes read."
                + (f" Press {undo} afterwards to take it back." if undo else ""),
                yes="Mark read",
            ),
            partial(self._mark_all_confirmed, ids),
        )

    def _mark_all_confirmed(self, ids: list[int], yes: bool | None) -> None:
        if yes:
            self.mark_all(self.where, ids or None)

    @work(thread=True, group="read", exit_on_error=False)
    def mark_all(self, where: EntryFilter, ids: list[int] | None) -> None:
        store = self.workspace.store
        if ids is None:
            ids = writes.mark_read_where(store, where)
        else:
            writes.set_read_ids(store, ids, True)
        self.post_message(self.AllMarked(ids))

    @on(AllMarked)
    def all_marked(self, message: AllMarked) -> None:
        for ident in message.ids:
            self._read_changed(ident, True)
        self.unread = max(0, self.counts.unread - len(message.ids))
        self.counts = replace(self.counts, unread=self.unread)
        self.last_undoable = MarkedAll(message.ids)
        undo = key_for(self, "undo")
        hint = f" Press {undo} to undo." if undo else ""
        self.status.flash(f"Marked {plural(len(message.ids), 'entry', 'entries')} read.{hint}")
        self.idle_status()

    @work(thread=True, group="read", exit_on_error=False)
    def unmark_all(self, ids: list[int]) -> None:
        writes.set_read_ids(self.workspace.store, ids, False)
        self.post_message(self.AllUnmarked(ids))

    @on(AllUnmarked)
    def all_unmarked(self, message: AllUnmarked) -> None:
        for ident in message.ids:
            self._read_changed(ident, False)
        self.unread = self.counts.unread + len(message.ids)
        self.counts = replace(self.counts, unread=self.unread)
        self.status.flash(f"Undone: {plural(len(message.ids), 'entry', 'entries')} unread again.")
        self.idle_status()

    # ---- links ------------------------------------------------------------

    def action_open_link(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        self.post_message(OpenLink(entry.link))

    def action_copy_link(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        if not entry.link:
            self.status.flash("This entry has no link to copy.")
            return
        self.post_message(CopyText(entry.link, "the link"))

    def action_open_reader(self) -> None:
        entry = self.feed.current
        if entry is None:
            return
        from trailtui.ui.screens.reader import ReaderScreen

        if not entry.read:
            self._read_changed(entry.id, True)
            self.save_read(entry.id, True)
            self.idle_status()
        self.app.push_screen(ReaderScreen(self.workspace, entry.id), self.draft_closed)

    # ---- finding ------------------------------------------------------

    def set_filter(self, where: EntryFilter) -> None:
        if where == self.where:
            return
        self.where = where
        self.loaded_anew()

    def loaded_anew(self) -> None:
        """Another filter or search: the list starts again at the top."""
        self.feed.moved = False
        self.loaded = self.counted = False
        self.status.show("Loading…")
        self.feed.show_entries([])
        self.load_feed()
        self.show_filter_bar()

    def action_filter(self) -> None:
        self.read_choices()

    @work(thread=True, group="choices", exit_on_error=False)
    def read_choices(self) -> None:
        choices = queries.filter_choices(self.workspace.store)
        self.app.call_from_thread(self._choose_filter, choices)

    def _choose_filter(self, choices: FilterChoices) -> None:
        self.app.push_screen(
            FilterScreen(self.where, choices, person=self.selected_person()), self._filter_chosen
        )

    def _filter_chosen(self, where: EntryFilter | None) -> None:
        if where is not None:
            self.set_filter(where)

    def action_person_only(self) -> None:
        if self.where.contact_id is not None:
            self.set_filter(replace(self.where, contact_id=None))
            return
        person = self.selected_person()
        if person is None:
            self.status.flash("Select a post first: its person's posts are shown.")
            return
        self.set_filter(replace(self.where, contact_id=person[0]))

    def action_unread_only(self) -> None:
        self.set_filter(replace(self.where, unread_only=not self.where.unread_only))

    def action_clear_filters(self) -> None:
        if self.search_box.display:
            self.search_box.display = False
            self.search_box.value = ""
        if not self.where.active and self.searching is None:
            self.feed.focus()
            return
        self.where, self.searching = EntryFilter(), None
        self.loaded_anew()

    def action_search(self) -> None:
        box = self.search_box
        box.display = True
        box.value = self.searching or ""
        box.focus()

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self.search_for, event.value))

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.search_for(event.value)
        self.search_box.display = False
        if self.feed.rows:
            self.feed.focus()
        self.show_filter_bar()

    def search_for(self, text: str) -> None:
        wanted = text.strip() or None
        if wanted == self.searching:
            return
        self.searching = wanted
        self.loaded_anew()

    # ---- people -------------------------------------------------------

    def action_people(self) -> None:
        from trailtui.ui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen(self.workspace), self.show_person)

    def show_person(self, contact_id: str | None) -> None:
        if contact_id is None:
            return
        self.searching = None
        self.showing_contact, self.card = contact_id, None
        self.load_card(contact_id)
        self.where = replace(EntryFilter(), contact_id=contact_id)
        self.loaded_anew()

    def action_timeline(self) -> None:
        person = self.selected_person()
        if person is None:
            self.status.flash("Select a post or a person first.")
            return
        from trailtui.ui.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.workspace, person[0]))

    def action_toggle_panel(self) -> None:
        self.panel_wanted = not self.panel.display
        self.fit_panel(self.size.width)

    # ---- contacts -----------------------------------------------------

    def contacts_changed(self) -> None:
        """The contacts were reloaded: show the feed and the card as they are now."""
        current = self.feed.current
        self.load_feed(keep=current.id if current else None)
        if self.showing_contact is not None:
            self.load_card(self.showing_contact)
        if self.workspace.has_contacts:
            # New feeds are due at once; others wait. During a refresh, one follows.
            self.start_up_refresh_asked = True  # (this is it, if the app began with none)
            self.post_message(RefreshRequested(force=False, by_user=False))

    def keys_changed(self) -> None:
        """settings.keys changed: the hints name the new keys."""
        if self.showing:
            self.show_panel()
            self.show_empty()
            self.show_filter_bar()

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
        if self.feed.has_more:
            self.status.flash("Loading older entries…")

    def action_next_unread(self) -> None:
        index = self.feed.next_unread(1)
        if index is None:
            self.status.flash(
                "No unread entry below." + (" Loading more…" if self.feed.has_more else "")
            )
            return
        self.feed.user_moves_to(index)

    def action_previous_unread(self) -> None:
        index = self.feed.next_unread(-1)
        if index is None:
            self.status.flash("No unread entry above.")
            return
        self.feed.user_moves_to(index)

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
            self.show_empty()

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
        self.load_arrivals()
        if self.showing_contact is not None:  # trails another machine left show too
            self.load_card(self.showing_contact)
        if report is None:
            self.idle_status()
