"""The people view: every current contact, with or without feeds or trails.

Who is due, who was never touched, and a trail about the person (a call,
thanks, an intro) left from here with the same keys as on the feed. Enter
returns the chosen contact's id; the main screen then shows their posts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.store.records import TrailWrite
from trailtui.text import plural
from trailtui.trail.cadence import DAY, Health
from trailtui.trail.kinds import Kind, describe
from trailtui.trail.people import Order, Person, matching, people, person, sort_people
from trailtui.trail.service import leave_trail
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for, keys_for, trail_bindings
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.draft_keys import WORDED, DraftOutcome, draft_bindings
from trailtui.ui.theme import Tone, tones
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

PERSON_KINDS = tuple(kind for kind in Kind if kind.about_person)
NEEDS_SOMEONE = frozenset({"open", "sort", "find", "timeline", "trail", "draft"})

HEALTH_TONES: dict[Health, Tone] = {
    Health.FRESH: "ok",
    Health.DUE: "warning",
    Health.OVERDUE: "error",
    Health.NEVER: "muted",
}

# (label, width) of the columns whose width does not change; the name and
# the last trail share what is left of the screen's width.
FIXED = (("Tier", 4), ("Health", 17), ("Unread", 6), ("Feeds", 5))
NAME_WIDTHS = (12, 30)  # the narrowest and widest the name column gets
TRAIL_WIDTHS = (16, 34)


def health_text(who: Person, at: int) -> str:
    """Fresh, due, overdue or never touched, with the days until due or past
    it (counted as the card counts them)."""
    rhythm = who.rhythm
    if rhythm.health is Health.NEVER:
        if rhythm.snoozed_until is not None:
            return datetime.fromtimestamp(rhythm.snoozed_until).strftime("snoozed to %b %d")
        return "never touched"
    left = who.days_until_due(at)
    if left is not None:
        return f"fresh · {left} d left"
    late = rhythm.days_overdue(at)
    if rhythm.health is Health.OVERDUE:
        return f"overdue {late} d"
    return f"due {late} d ago" if late else "due today"


def age(timestamp: int, at: int) -> str:
    """How long ago, in a few letters: '3 d ago', '2 h ago', 'just now'."""
    seconds = max(0, at - timestamp)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < DAY:
        return f"{seconds // 3600} h ago"
    return f"{seconds // DAY} d ago"


def last_trail_text(who: Person, at: int) -> str:
    if who.last_trail_kind is None or who.last_trail_at is None:
        return "none yet"
    return f"{describe(who.last_trail_kind)} {age(who.last_trail_at, at)}"


class PeopleScreen(TrailScreen[str | None]):
    """Dismissed with the chosen contact's id (Enter), or None (Esc)."""

    AUTO_FOCUS = "#people-table"
    DEFAULT_CSS = """
    PeopleScreen #people-summary { height: auto; padding: 0 1; }
    PeopleScreen #people-find { display: none; margin: 0 1; }
    PeopleScreen #people-find.-finding { display: block; }
    PeopleScreen #people-table { height: 1fr; }
    PeopleScreen #people-empty { height: 1fr; padding: 2 4; color: $text-muted; display: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back to the feed", id="people.close"),
        Binding(
            "enter",
            "open",
            "Show posts",
            tooltip="Back to the feed, showing this person's posts and card",
            priority=True,  # also from the find box, and not the table's own Enter
            id="people.open",
        ),
        Binding(
            "s", "sort", "Sort", tooltip="Sort by due-ness, name or last trail", id="people.sort"
        ),
        Binding(
            "slash", "find", "Find", tooltip="Find a person by name as you type", id="people.find"
        ),
        Binding(
            "j,down", "cursor_down", "Down", show=False, tooltip="Next person", id="people.down"
        ),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous person", id="people.up"),
        Binding(
            "T",
            "timeline",
            "Whole trail",
            tooltip="Every trail you left for this person, undone ones too",
            id="timeline",
        ),
        # The feed's trail keys about the person, "reached out" in the footer:
        # here it is the trail most left (a call, a message, a coffee).
        *(
            replace(binding, show=True) if binding.id == Kind.REACHED_OUT else binding
            for binding in trail_bindings(kinds=PERSON_KINDS)
        ),
        *draft_bindings(kinds=PERSON_KINDS),
    ]

    FAILURES = {
        "people": Failure("Could not load the people", "What was shown before is still shown."),
        "trail": Failure("Could not record the trail", "Nothing was recorded."),
    }

    @dataclass
    class Loaded(Message):
        generation: int  # which load this answers: only the newest is shown
        people: list[Person]
        at: int

    @dataclass
    class TrailLeft(Message):
        written: TrailWrite
        person: Person | None  # the row as it is now
        at: int

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.order = Order.DUE
        self.everyone: list[Person] = []  # in `order`
        self.listed: list[Person] = []  # what the table shows (the find applied)
        self.at = now()
        self.loaded = False
        self.loads = 0
        self.widths: tuple[int, int] | None = None  # the name and trail columns'

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading people…"), id="people-summary", markup=False)
        yield Input(placeholder="a name, or part of one", id="people-find")
        yield DataTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="people-empty", markup=False)
        yield StatusLine(id="people-status")
        yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#people-table", DataTable)

    @property
    def find_box(self) -> Input:
        return self.query_one("#people-find", Input)

    @property
    def finding(self) -> bool:
        return self.find_box.has_class("-finding")

    @property
    def current(self) -> Person | None:
        """The highlighted person, if the list has any."""
        row = self.table.cursor_row
        return self.listed[row] if self.loaded and 0 <= row < len(self.listed) else None

    def on_mount(self) -> None:
        self.query_one(StatusLine).show("")
        self.load()

    # ---- loading ------------------------------------------------------

    def load(self) -> None:
        self.loads += 1
        self.read_people(self.loads)

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def read_people(self, generation: int) -> None:
        at = now()
        self.post_message(self.Loaded(generation, people(self.workspace.store, at=at), at))

    @on(Loaded)
    def loaded_people(self, message: Loaded) -> None:
        if message.generation != self.loads:
            return  # an older load, overtaken by a newer one
        self.loaded, self.at = True, message.at
        self.everyone = sort_people(message.people, self.order)
        self.show_list(keep=None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With no one listed, only the way back is offered (the footer agrees)."""
        return not (self.loaded and not self.everyone and action in NEEDS_SOMEONE)

    def file_changed_on_disk(self) -> None:
        """contacts.yaml was edited elsewhere and reloaded: list who is there now."""
        self.load()

    # ---- drawing ------------------------------------------------------

    def show_list(self, keep: str | None) -> None:
        """Draw the people the find leaves, the cursor on `keep` if listed."""
        text = self.find_box.value if self.finding else ""
        self.listed = matching(self.everyone, text) if text else list(self.everyone)
        empty = self.query_one("#people-empty", Static)
        table = self.table
        empty.display = not self.everyone
        table.display = bool(self.everyone)
        if not self.everyone:
            self.summarize(text)
            empty.update(self.empty_text())
            self.refresh_bindings()  # the footer drops what needs someone
            return
        self.columns()
        table.clear()
        tone = tones(self)
        for who in self.listed:
            table.add_row(*self.cells(who, tone), key=who.id)
        ids = [who.id for who in self.listed]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        if not self.finding:
            table.focus()
        self.summarize(text)  # after the focus moves: the keys it names are live where it is

    def columns(self) -> None:
        """Size the columns to the screen: the name and the last trail share
        what the fixed columns leave (so 80 columns need no side scrolling)."""
        padding = 2 * (len(FIXED) + 2) + 2  # each cell's padding, and the scrollbar
        spare = self.size.width - sum(width for _, width in FIXED) - padding
        name = min(max(spare * 2 // 5, NAME_WIDTHS[0]), NAME_WIDTHS[1])  # 14 of 35 at 80
        trail = min(max(spare - name, TRAIL_WIDTHS[0]), TRAIL_WIDTHS[1])
        if self.widths == (name, trail):
            return
        self.widths = (name, trail)
        table = self.table
        table.clear(columns=True)
        table.add_column("Name", width=name)
        for label, width in FIXED[:2]:
            table.add_column(label, width=width)
        table.add_column("Last trail", width=trail)
        for label, width in FIXED[2:]:
            table.add_column(label, width=width)

    def cells(self, who: Person, tone: dict[Tone, Style]) -> list[Text]:
        at = self.at
        muted = tone["muted"]
        health = who.rhythm.health
        health_style = tone[HEALTH_TONES[health]]
        if health is Health.OVERDUE:
            health_style += Style(bold=True)
        no_trail = who.last_trail_kind is None
        return [
            Text(shown(who.name, one_line=True), no_wrap=True, overflow="ellipsis"),
            Text(shown(who.contact.tier or "", one_line=True) or "—"),
            Text(health_text(who, at), style=health_style, no_wrap=True, overflow="ellipsis"),
            Text(
                last_trail_text(who, at),
                style=muted if no_trail else "",
                no_wrap=True,
                overflow="ellipsis",
            ),
            Text(str(who.unread), justify="right", style=muted if not who.unread else ""),
            Text(str(who.feed_count), justify="right", style=muted if not who.feed_count else ""),
        ]

    def summarize(self, text: str) -> None:
        summary = self.query_one("#people-summary", Static)
        if not self.everyone:
            summary.update(Text("People", style="bold"))
            return
        keys = keys_for(self, ["people.sort", "people.find"])
        count = plural(len(self.everyone), "person", "people")
        line = Text(count, style="bold")
        if text:
            line = Text(f"{len(self.listed)} of {count} match “", style="bold")
            line.append(shown(text, one_line=True))
            line.append("”")
        line.append(f" · sorted by {self.order.value}: {self.order.explained}")
        hints = [
            f"{key} to {what}"
            for key, what in (
                (keys.get("people.sort"), "sort"),
                (keys.get("people.find"), "find"),
            )
            if key
        ]
        if hints:
            line.append(f" · {', '.join(hints)}", style="dim")
        summary.update(line)

    def empty_text(self) -> Text:
        """No contacts: how to add one, with the user's own keys (the feed's)."""
        close = key_for(self, "people.close", "Esc")
        below = [screen for screen in self.app.screen_stack if screen is not self]
        keys = keys_for(below[-1], ["add_contact", "edit_contacts"]) if below else {}
        ways = []
        if keys.get("add_contact"):
            ways.append(f"press {keys['add_contact']} to add someone")
        if keys.get("edit_contacts"):
            ways.append(f"{keys['edit_contacts']} to edit contacts.yaml")
        how = f"Press {close} to go back, then {' or '.join(ways)}; or run: " if ways else "Run: "
        return Text.assemble(
            ("No contacts yet.\n\n", "bold"),
            "Everyone in contacts.yaml shows here, with or without a feed, with when "
            "you last left them a trail and when they are due.\n\n",
            f'{how}trailtui contacts add "Their Name"',
        )

    def on_resize(self, event: Resize) -> None:
        if self.loaded and self.everyone:
            current = self.current
            self.show_list(keep=current.id if current else None)

    # ---- keys ---------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_sort(self) -> None:
        current = self.current
        self.order = self.order.next
        self.everyone = sort_people(self.everyone, self.order)
        self.show_list(keep=current.id if current else None)
        self.query_one(StatusLine).flash(f"Sorted by {self.order.value}.")

    def action_find(self) -> None:
        box = self.find_box
        box.add_class("-finding")
        box.focus()

    @on(Input.Changed, "#people-find")
    def find_changed(self, event: Input.Changed) -> None:
        if self.loaded:
            self.show_list(keep=None)

    def leave_find(self) -> None:
        """Back to everyone, the cursor still on the person found."""
        current = self.current
        box = self.find_box
        with box.prevent(Input.Changed):
            box.value = ""
        box.remove_class("-finding")
        self.show_list(keep=current.id if current else None)
        self.table.focus()

    def action_close(self) -> None:
        if self.finding:
            self.leave_find()
        else:
            self.dismiss(None)

    def action_open(self) -> None:
        current = self.current
        if current is None:
            self.query_one(StatusLine).flash("No one to open here.")
            return
        self.dismiss(current.id)

    def action_timeline(self) -> None:
        current = self.current
        if current is not None:
            from trailtui.ui.screens.timeline import TimelineScreen

            self.app.push_screen(TimelineScreen(self.workspace, current.id))

    # ---- trail --------------------------------------------------------

    def action_trail(self, kind_name: str) -> None:
        kind = Kind(kind_name)
        if kind in WORDED:
            self.action_draft(kind_name)  # words first: the draft
            return
        current = self.current
        if current is None:
            self.query_one(StatusLine).flash("Select a person first.")
            return
        self.record_trail(current, kind, None)

    def action_draft(self, kind_name: str) -> None:
        current = self.current
        if current is None:
            self.query_one(StatusLine).flash("Select a person first.")
            return
        from trailtui.ui.screens.draft import DraftScreen

        self.app.push_screen(
            DraftScreen(self.workspace, current.id, None, kind=Kind(kind_name)),
            partial(self.draft_closed, current),
        )

    def draft_closed(self, who: Person, outcome: DraftOutcome | None) -> None:
        status = self.query_one(StatusLine)
        if outcome is not None and outcome.posted is not None:
            self.row_after_trail(outcome.posted.trail, who)
        elif outcome is not None and outcome.kept is not None:
            status.flash(f"Kept as a draft for {shown(who.name, one_line=True)}.")
        else:
            status.flash("Nothing recorded.")

    @work(thread=True, group="trail", exit_on_error=False)
    def row_after_trail(self, written: TrailWrite, who: Person) -> None:
        at = now()
        self.post_message(self.TrailLeft(written, person(self.workspace.store, who.id, at=at), at))

    @work(thread=True, group="trail", exit_on_error=False)
    def record_trail(self, who: Person, kind: Kind, text: str | None) -> None:
        store = self.workspace.store
        written = self.workspace.remember_trail(
            leave_trail(store, who.id, kind, entry_id=None, text=text)
        )
        at = now()
        self.post_message(self.TrailLeft(written, person(store, who.id, at=at), at))

    @on(TrailLeft)
    def trail_left(self, message: TrailLeft) -> None:
        engagement = message.written.engagement
        updated = message.person
        if updated is not None:
            self.at = message.at
            self.everyone = sort_people(
                [updated if p.id == updated.id else p for p in self.everyone], self.order
            )
            current = self.current
            self.show_list(keep=current.id if current else updated.id)
        name = shown(updated.name if updated else engagement.contact_id, one_line=True)
        said = f" “{shown(engagement.text, one_line=True)}”" if engagement.text else ""
        self.query_one(StatusLine).flash(
            f"Recorded for {name}: {Kind(engagement.kind).past}{said}."
        )
