"""Today: the queue of the best next trails (`trail.today.rank`), the daily
goal and streak above it.

The trail keys work as on the feed: on a post they are left on it, about a
person (help, thanks, reach out…) they are left for the person. `z` snoozes
the person, `u` undoes the last trail or snooze, Enter reads the post. The
app's `d` switches between Today and the feed (remembered).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.store import writes
from trailtui.store.records import TrailWrite, Undone
from trailtui.text import plural
from trailtui.trail.cadence import SNOOZE_KIND, start_of_day
from trailtui.trail.kinds import Kind
from trailtui.trail.service import leave_trail
from trailtui.trail.stats import Progress, goal_of, progress
from trailtui.trail.today import Part, TodayItem, today
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for, trail_bindings
from trailtui.ui.messages import RefreshRequested
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.draft_keys import WORDED, DraftOutcome, draft_bindings, drafts_binding
from trailtui.ui.widgets.goal_bar import GoalBar
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

HEADINGS = {
    Part.POST: "New posts from people who are due",
    Part.PERSON: "Due, with no new post: a trail that needs none",
    Part.FEED: "The rest of the feed",
}
IN_FOOTER = {"like", "comment"}  # with Read, Snooze, Help and the app's: 80 columns
NAME_WIDTH = 30  # a longer name is cut, so the why stays on the line


class TodayScreen(TrailScreen[None]):
    AUTO_FOCUS = "#today-queue"
    DEFAULT_CSS = """
    TodayScreen #today-met { height: auto; padding: 0 1; color: $text-success; display: none; }
    TodayScreen #today-queue { height: 1fr; border: none; }
    TodayScreen #today-empty { height: 1fr; padding: 2 4; color: $text-muted; display: none; }
    """

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, tooltip="Next entry", id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous entry", id="up"),
        Binding("home,g", "first", "First entry", show=False, id="first"),
        Binding("end,G", "last", "Last entry", show=False, id="last"),
        Binding(
            "enter",
            "open_reader",
            "Read",
            tooltip="Read the post here",
            priority=True,  # not the list's own Enter
            id="open_reader",
        ),
        *(replace(binding, show=binding.id in IN_FOOTER) for binding in trail_bindings()),
        *draft_bindings(),
        drafts_binding(),
        Binding(
            "z",
            "snooze",
            "Snooze",
            tooltip="Not now: this person waits 3, 7, 14 days or until a date (undo with u)",
            id="snooze",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            tooltip="Undo the last trail or mark-all-read",
            id="undo",
        ),
        Binding(
            "p", "people", "People", show=False, tooltip="Everyone, with who is due", id="people"
        ),
        Binding(
            "S",
            "stats",
            "Stats",
            show=False,
            tooltip="Your rhythm in pictures: days, balance, tiers",
            id="today.stats",
        ),
        Binding(
            "W",
            "review",
            "Review",
            show=False,
            tooltip="The weekly review: who was touched, who keeps being skipped",
            id="today.review",
        ),
        Binding(
            "d",
            "switch_view",
            "Today/feed",
            tooltip="Switch between Today (who to touch next) and the whole feed",
            id="today",
        ),
        Binding(
            "r", "refresh", "Refresh", show=False, tooltip="Fetch every feed now", id="refresh"
        ),
        Binding("question_mark", "help", "Help", tooltip="Every key and command", id="show_help"),
    ]

    FAILURES = {
        "load": Failure("Could not load Today", "What was shown before is still shown."),
        "trail": Failure("Could not record the trail", "Nothing was recorded."),
        "read": Failure("Could not save the read mark", "The post may show as unread."),
    }

    @dataclass
    class Loaded(Message):
        generation: int
        items: list[TodayItem]
        progress: Progress
        at: int

    @dataclass
    class TrailLeft(Message):
        written: TrailWrite
        name: str

    @dataclass
    class TrailUndone(Message):
        undone: Undone | None

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.items: list[TodayItem] = []
        self.rows: list[int | None] = []  # per option: the index of its item (None: a heading)
        self.progress: Progress | None = None
        self.loaded = False
        self.loads = 0
        self.at = now()

    def compose(self) -> ComposeResult:
        yield Header()
        yield GoalBar(id="today-goal")
        yield Static(id="today-met", markup=False)
        yield OptionList(id="today-queue")
        yield Static(id="today-empty", markup=False)
        yield StatusLine(id="today-status")
        yield Footer(compact=True)

    @property
    def queue(self) -> OptionList:
        return self.query_one("#today-queue", OptionList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def current(self) -> TodayItem | None:
        index = self.queue.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        item = self.rows[index]
        return self.items[item] if item is not None else None

    def on_mount(self) -> None:
        self.status.show("Ranking today's trails…")
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()  # a trail left in the reader, the feed or the people view

    # ---- loading --------------------------------------------------------

    def reload(self) -> None:
        self.loads += 1
        self.read_today(self.loads)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def read_today(self, generation: int) -> None:
        store = self.workspace.store
        at = now()
        goal = goal_of(self.workspace.book)
        self.post_message(self.Loaded(generation, today(store, at), progress(store, at, goal), at))

    @on(Loaded)
    def show_today(self, message: Loaded) -> None:
        if message.generation != self.loads:
            return
        keep = self.queue.highlighted
        first = not self.loaded
        self.loaded, self.at = True, message.at
        self.items, self.progress = message.items, message.progress
        self.query_one(GoalBar).show(message.progress)
        self.show_goal_met()
        self.fill_queue(keep)
        if first and self.rows:
            self.queue.highlighted = next(
                (n for n, item in enumerate(self.rows) if item is not None), None
            )
        self.idle_status()

    def show_goal_met(self) -> None:
        met = self.query_one("#today-met", Static)
        progress = self.progress
        met.display = bool(progress and progress.goal and progress.met)
        if progress is not None and met.display:
            streak = f" Streak: {plural(progress.streak, 'day')}." if progress.streak else ""
            met.update(
                Text(
                    f"Daily goal met: {progress.today} of {plural(progress.goal, 'trail')} "
                    f"today.{streak} Anything more is a bonus."
                )
            )

    def fill_queue(self, keep: int | None) -> None:
        queue = self.queue
        queue.clear_options()
        self.rows = []
        options: list[Option] = []
        part: Part | None = None
        for index, item in enumerate(self.items):
            if item.part is not part:
                part = item.part
                count = sum(1 for i in self.items if i.part is part)
                heading = Text(f"{HEADINGS[part]} ({count})", style="bold underline")
                options.append(Option(heading, disabled=True))
                self.rows.append(None)
            options.append(Option(self.item_text(item)))
            self.rows.append(index)
        queue.add_options(options)
        empty = self.query_one("#today-empty", Static)
        empty.display = not self.items
        queue.display = bool(self.items)
        if not self.items:
            empty.update(
                Text(
                    "Nothing waits: nobody is due and every post is read.\n\n"
                    f"Press {key_for(self, 'today', 'd')} for the whole feed, "
                    f"{key_for(self, 'people', 'p')} for everyone."
                )
            )
        if keep is not None and self.rows:
            keep = min(keep, len(self.rows) - 1)
            while keep < len(self.rows) - 1 and self.rows[keep] is None:
                keep += 1
            queue.highlighted = keep

    def item_text(self, item: TodayItem) -> Text:
        text = Text("  ")
        name = shown(item.contact_name, one_line=True)
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + "…"
        text.append(name, style="bold")
        text.append(f"  {item.why}", style="dim")
        if item.entry is not None:
            text.append("\n    ")
            text.append(shown(item.entry.title, one_line=True) or "(untitled)")
        elif item.suggestion is not None:
            key = key_for(self, item.suggestion.kind.value)
            text.append("\n    ")
            if key:
                text.append(f"{key} ", style="bold")
            text.append(item.suggestion.said)
        return text

    def idle_status(self) -> None:
        owed = sum(1 for item in self.items if item.part is not Part.FEED)
        unread = sum(1 for item in self.items if item.entry is not None)
        self.status.show(f"{plural(owed, 'person', 'people')} owed a trail · {unread} posts")

    # ---- the trail -------------------------------------------------------

    def action_trail(self, kind_name: str) -> None:
        if Kind(kind_name) in WORDED:
            self.action_draft(kind_name)  # words first: the draft
            return
        self.trail_on_current(Kind(kind_name), drafted=False)

    def action_draft(self, kind_name: str) -> None:
        self.trail_on_current(Kind(kind_name), drafted=True)

    def trail_on_current(self, kind: Kind, *, drafted: bool) -> None:
        """The trail on the post (a trail about the person: for the person), at
        once or after a draft."""
        item = self.current
        if item is None:
            self.status.flash("Select a post or a person first.")
            return
        entry_id = None
        if not kind.about_person:
            if item.entry is None:
                hint = item.suggestion.said if item.suggestion else "a trail about the person"
                name = shown(item.contact_name, one_line=True)
                self.status.flash(f"{name} has no new post here. Try: {hint}.")
                return
            entry_id = item.entry.id
        if drafted:
            from trailtui.ui.screens.draft import DraftScreen

            self.app.push_screen(
                DraftScreen(self.workspace, item.contact_id, entry_id, kind=kind),
                partial(self.draft_closed, item),
            )
            return
        self.record_trail(item.contact_id, item.contact_name, entry_id, kind, None)

    def draft_closed(self, item: TodayItem, outcome: DraftOutcome | None) -> None:
        if outcome is not None and outcome.posted is not None:
            self.post_message(self.TrailLeft(outcome.posted.trail, item.contact_name))
        elif outcome is not None and outcome.kept is not None:
            drafts = key_for(self, "drafts")
            where = f" ({drafts} lists your drafts)" if drafts else ""
            self.status.flash(f"Kept as a draft{where}.")
        elif outcome is not None and outcome.discarded:
            self.status.flash("Draft discarded.")

    @work(thread=True, group="trail", exit_on_error=False)
    def record_trail(
        self, contact_id: str, name: str, entry_id: int | None, kind: Kind, text: str | None
    ) -> None:
        written = self.workspace.remember_trail(
            leave_trail(self.workspace.store, contact_id, kind, entry_id=entry_id, text=text)
        )
        self.post_message(self.TrailLeft(written, name))

    @on(TrailLeft)
    def trail_left(self, message: TrailLeft) -> None:
        engagement = message.written.engagement
        kind = Kind(engagement.kind)
        undo = key_for(self, "undo")
        hint = f" Press {undo} to undo." if undo else ""
        if not message.written.created:
            self.status.flash(f"Already {kind.past}.{hint}")
            return
        if kind is Kind.SNOOZE and engagement.text:
            until = start_of_day(engagement.text)
            when = _day(until) if until is not None else engagement.text
            self.status.flash(f"Snoozed {shown(message.name, one_line=True)} until {when}.{hint}")
        else:
            about = f" “{engagement.entry_title}”" if engagement.entry_title else ""
            said = about or f": {shown(message.name, one_line=True)}"
            self.status.flash(f"{kind.past.capitalize()}{said}.{hint}")
        self.reload()

    def action_snooze(self) -> None:
        item = self.current
        if item is None:
            self.status.flash("Select a post or a person first.")
            return
        from trailtui.ui.screens.snooze import SnoozePrompt

        self.app.push_screen(SnoozePrompt(item.contact_name, self.at), partial(self._snoozed, item))

    def _snoozed(self, item: TodayItem, until: str | None) -> None:
        if until:
            self.record_trail(item.contact_id, item.contact_name, None, Kind.SNOOZE, until)

    def action_undo(self) -> None:
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
        if engagement.kind == SNOOZE_KIND:
            self.status.flash("Undone: the snooze. They are asked for again.")
        else:
            self.status.flash(f"Undone: {Kind(engagement.kind).past}{about}.")
        self.reload()

    # ---- reading --------------------------------------------------------

    def action_open_reader(self) -> None:
        item = self.current
        if item is None:
            return
        if item.entry is None:
            suggestion = item.suggestion
            key = key_for(self, suggestion.kind.value) if suggestion else ""
            self.status.flash(
                f"No post to read: {suggestion.said.lower() if suggestion else 'reach out'}"
                + (f" ({key})." if key else ".")
            )
            return
        from trailtui.ui.screens.reader import ReaderScreen

        if not item.entry.read:
            self.save_read(item.entry.id)
        self.app.push_screen(
            ReaderScreen(self.workspace, item.entry.id), partial(self.draft_closed, item)
        )

    @work(thread=True, group="read", exit_on_error=False)
    def save_read(self, entry_id: int) -> None:
        writes.set_read(self.workspace.store, entry_id, True)

    # ---- elsewhere --------------------------------------------------------

    def action_people(self) -> None:
        from trailtui.ui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen(self.workspace), self.show_person)

    def show_person(self, contact_id: str | None) -> None:
        """A person chosen in the people view: their posts, in the feed."""
        if contact_id is None:
            return
        from trailtui.ui.screens.main import MainScreen

        self.action_switch_view()
        feed = self.app.screen
        if isinstance(feed, MainScreen):
            feed.show_person(contact_id)

    def action_stats(self) -> None:
        from trailtui.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.workspace))

    def action_review(self) -> None:
        from trailtui.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.workspace))

    def action_refresh(self) -> None:
        if not self.workspace.has_contacts:
            self.status.flash("No contacts loaded, so there is nothing to fetch.")
            return
        self.post_message(RefreshRequested(force=True))

    def action_switch_view(self) -> None:
        switch = getattr(self.app, "action_switch_view", None)
        if switch is not None:
            switch()

    def action_help(self) -> None:
        from trailtui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self))

    # ---- moving -----------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.queue.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.queue.action_cursor_up()

    def action_first(self) -> None:
        self.queue.action_first()

    def action_last(self) -> None:
        self.queue.action_last()


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%b %d")
