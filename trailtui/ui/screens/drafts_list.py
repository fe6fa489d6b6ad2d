"""The open drafts: who each is for, which post, how old, how it begins.

Enter resumes one (the draft screen, every character as it was left); a key
discards one after asking. Reached by `D` on the feed and Today, and by the
palette's *Drafts* from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.store.drafts import DraftRecord, discard_draft, open_drafts
from trailtui.text import plural
from trailtui.trail.cadence import DAY
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft import DraftScreen
from trailtui.ui.screens.draft_keys import DraftOutcome, posted_text
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

# The age has a fixed width; the person, the post and the first line share the rest.
AGE_WIDTH = 8  # "just now", "59 min"
NEEDS_A_DRAFT = frozenset({"resume", "discard"})


def draft_age(timestamp: int, at: int) -> str:
    """How long ago a draft was last written to: 'just now', '5 min', '3 h', '2 d'."""
    seconds = max(0, at - timestamp)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < DAY:
        return f"{seconds // 3600} h"
    return f"{seconds // DAY} d"


def first_line(body: str) -> str:
    """The first line with words on it (what the list shows of a draft)."""
    for line in body.splitlines():
        if line.strip():
            return shown(line, one_line=True)
    return "(empty)"


class DraftsList(TrailScreen[None]):
    AUTO_FOCUS = "#drafts-table"
    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back where you were", id="drafts.close"),
        Binding(
            "enter",
            "resume",
            "Resume",
            tooltip="Open the draft where you left it",
            priority=True,  # not the table's own Enter
            id="drafts.resume",
        ),
        Binding(
            "x,delete",
            "discard",
            "Discard",
            tooltip="Throw the draft away (asks first)",
            id="drafts.discard",
        ),
        Binding(
            "j,down", "cursor_down", "Down", show=False, tooltip="Next draft", id="drafts.down"
        ),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous draft", id="drafts.up"),
    ]

    FAILURES = {
        "drafts": Failure("Could not list the drafts", "What was shown before is still shown."),
        "discard": Failure("Could not discard the draft", "It is still in the list."),
    }

    @dataclass
    class Loaded(Message):
        drafts: list[DraftRecord]
        at: int

    @dataclass
    class Discarded(Message):
        record: DraftRecord
        done: bool

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.drafts: list[DraftRecord] = []
        self.at = now()
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(Text("Loading drafts…"), id="drafts-summary", markup=False)
        yield DataTable(id="drafts-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="drafts-empty", markup=False)
        yield StatusLine(id="drafts-status")
        yield Footer(compact=True)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#drafts-table", DataTable)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#drafts-status", StatusLine)

    @property
    def current(self) -> DraftRecord | None:
        row = self.table.cursor_row
        return self.drafts[row] if self.loaded and 0 <= row < len(self.drafts) else None

    def on_mount(self) -> None:
        self.status.show("")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With no draft listed, only the way back is offered (the footer agrees)."""
        return not (self.loaded and not self.drafts and action in NEEDS_A_DRAFT)

    # ---- loading ----------------------------------------------------------

    @work(thread=True, exclusive=True, group="drafts", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(open_drafts(self.workspace.store), now()))

    @on(Loaded)
    def loaded_drafts(self, message: Loaded) -> None:
        keep = self.current
        self.loaded, self.at, self.drafts = True, message.at, message.drafts
        self.show_list(keep.id if keep else None)

    def show_list(self, keep: int | None) -> None:
        table, empty = self.table, self.query_one("#drafts-empty", Static)
        table.display = bool(self.drafts)
        empty.display = not self.drafts
        self.refresh_bindings()
        summary = self.query_one("#drafts-summary", Static)
        if not self.drafts:
            summary.update(Text("Drafts", style="bold"))
            empty.update(self.empty_text())
            return
        line = Text(plural(len(self.drafts), "open draft"), style="bold")
        keys = [
            f"{key} to {what}"
            for key, what in (
                (key_for(self, "drafts.resume"), "resume"),
                (key_for(self, "drafts.discard"), "discard"),
            )
            if key
        ]
        if keys:
            line.append(f" · newest first · {', '.join(keys)}", style="dim")
        summary.update(line)
        self.columns()
        table.clear()
        for record in self.drafts:
            table.add_row(*self.cells(record), key=str(record.id))
        ids = [record.id for record in self.drafts]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        table.focus()

    def columns(self) -> None:
        """Person, post and first line share the width the age leaves."""
        spare = max(30, self.size.width - AGE_WIDTH - 2 * 4 - 2)
        person = min(max(spare // 5, 10), 24)
        post = min(max(spare * 2 // 7, 12), 40)
        words = max(spare - person - post, 12)
        table = self.table
        table.clear(columns=True)
        table.add_column("Person", width=person)
        table.add_column("Post", width=post)
        table.add_column("Age", width=AGE_WIDTH)
        table.add_column("Begins", width=words)

    def cells(self, record: DraftRecord) -> list[Text]:
        post = shown(record.entry_title, one_line=True) if record.entry_title else ""
        return [
            Text(shown(record.contact_name or record.contact_id, one_line=True), no_wrap=True),
            Text(post or "about them", style="" if post else "dim", no_wrap=True),
            Text(draft_age(record.updated_at, self.at), no_wrap=True),
            Text(first_line(record.body), no_wrap=True, overflow="ellipsis"),
        ]

    def empty_text(self) -> Text:
        """No drafts: how to start one, with the user's own keys."""
        below = [screen for screen in self.app.screen_stack if screen is not self]
        comment = next(
            (key for screen in reversed(below) if (key := key_for(screen, "comment"))), ""
        )
        close = key_for(self, "drafts.close", "Esc")
        how = f"press {comment} on a post" if comment else "comment on a post"
        return Text.assemble(
            ("No open drafts.\n\n", "bold"),
            f"A draft starts when you write to someone: {how} in the feed or Today, "
            "and what you type is kept here until you post it or throw it away.\n\n",
            f"Press {close} to go back.",
        )

    def on_resize(self, event: Resize) -> None:
        if self.loaded and self.drafts:
            current = self.current
            self.show_list(current.id if current else None)

    # ---- keys -------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_resume(self) -> None:
        record = self.current
        if record is None:
            return
        self.app.push_screen(
            DraftScreen(self.workspace, record.contact_id, record.entry_id), self.draft_closed
        )

    def draft_closed(self, outcome: DraftOutcome | None) -> None:
        if outcome is not None and outcome.posted is not None:
            self.status.flash(posted_text(outcome.posted))
        elif outcome is not None and outcome.discarded:
            self.status.flash("Draft discarded.")
        self.load()

    def action_discard(self) -> None:
        record = self.current
        if record is None:
            return
        name = shown(record.contact_name or record.contact_id, one_line=True)
        about = f" about “{shown(record.entry_title, one_line=True)}”" if record.entry_title else ""
        self.app.push_screen(
            Confirm(
                f"Discard the draft for {name}?",
                f"The draft{about}, beginning “{first_line(record.body)}”, is thrown away "
                "and nothing is recorded.",
                yes="Discard",
                no="Keep it",
            ),
            partial(self._discard_confirmed, record),
        )

    def _discard_confirmed(self, record: DraftRecord, yes: bool | None) -> None:
        if yes:
            self.discard(record)

    @work(thread=True, group="discard", exit_on_error=False)
    def discard(self, record: DraftRecord) -> None:
        done = discard_draft(self.workspace.store, record.id)
        self.post_message(self.Discarded(record, done))

    @on(Discarded)
    def was_discarded(self, message: Discarded) -> None:
        name = shown(message.record.contact_name or message.record.contact_id, one_line=True)
        self.status.flash(
            f"Discarded the draft for {name}."
            if message.done
            else "That draft was already posted or discarded."
        )
        self.load()
