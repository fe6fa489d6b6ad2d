"""A person's whole trail, newest first: what was left, when, on which post.

Undone trails stay in the log and show here, struck through, with the day
they were undone: the trail is a history, not a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.store.records import TrailRecord
from trailtui.text import plural
from trailtui.trail.kinds import Kind, describe
from trailtui.trail.people import Timeline, timeline
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for, keys_for
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.theme import tones
from trailtui.workspace import Workspace

KIND_WIDTH = max(len(kind.past) for kind in Kind)


def day(timestamp: int, at: int) -> str:
    """'3 Dec', with the year when it is not this year's."""
    when, this = datetime.fromtimestamp(timestamp), datetime.fromtimestamp(at)
    text = f"{when.day} {when:%b}"
    return text if when.year == this.year else f"{text} {when.year}"


def trail_line(record: TrailRecord, at: int, muted: Style) -> Text:
    """One trail: date, what was done, the post's title, the words left."""
    line = Text(datetime.fromtimestamp(record.created_at).strftime("%Y-%m-%d"), style=muted)
    line.append(f"  {describe(record.kind):<{KIND_WIDTH}}")
    if record.entry_title:
        line.append(f"  {shown(record.entry_title, one_line=True)}")
    if record.text:
        line.append(f"  “{shown(record.text)}”", style="italic")
    line.rstrip()  # the kind's padding, when nothing follows it
    if record.undone_at is not None:
        line.stylize(Style(strike=True, dim=True))
        line.append(f"  undone on {day(record.undone_at, at)}", style=muted)
    return line


class TimelineScreen(TrailScreen[None]):
    DEFAULT_CSS = """
    TimelineScreen #timeline-summary { height: auto; padding: 0 1; }
    TimelineScreen #timeline-scroll { height: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back where you were", id="timeline.close"),
    ]

    FAILURES = {"timeline": Failure("Could not load the trail")}

    @dataclass
    class Loaded(Message):
        timeline: Timeline | None
        at: int

    def __init__(self, workspace: Workspace, contact_id: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.contact_id = contact_id
        self.timeline: Timeline | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the trail…"), id="timeline-summary", markup=False)
        with VerticalScroll(id="timeline-scroll"):
            yield Static(id="timeline-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(timeline(self.workspace.store, self.contact_id), now()))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.timeline = found = message.timeline
        summary = self.query_one("#timeline-summary", Static)
        body = self.query_one("#timeline-body", Static)
        muted = tones(self)["muted"]
        if found is None:
            summary.update(Text("No such person", style="bold"))
            body.update(Text("They are no longer in the database.", style=muted))
            return
        head = Text(shown(found.contact.name, one_line=True), style="bold")
        if found.trail:
            head.append(f" · {plural(len(found.trail), 'trail')}, newest first")
            if found.undone:
                head.append(f" ({found.undone} undone, struck through)")
        summary.update(head)
        if not found.trail:
            body.update(self.empty_text(found.contact.name))
            return
        lines = Text("\n").join(trail_line(record, message.at, muted) for record in found.trail)
        body.update(lines)
        self.query_one("#timeline-scroll", VerticalScroll).focus()

    def empty_text(self, name: str) -> Text:
        below = [screen for screen in self.app.screen_stack if screen is not self]
        keys = keys_for(below[-1], ["like", "reached_out"]) if below else {}
        ways = []
        if keys.get("like"):
            ways.append(f"{keys['like']} likes one of their posts")
        if keys.get("reached_out"):
            ways.append(f"{keys['reached_out']} records a call or a message")
        hint = f" On the screen before this one, {' and '.join(ways)}." if ways else ""
        close = key_for(self, "timeline.close", "Esc")
        return Text(
            f"No trail for {shown(name, one_line=True)} yet. What you leave on their posts "
            f"or about them (thanks, an intro, a call) shows here, newest first.{hint}\n\n"
            f"Press {close} to go back.",
            style=tones(self)["muted"],
        )

    def action_close(self) -> None:
        self.dismiss(None)
