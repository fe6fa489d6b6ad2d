"""Snoozing someone: 3, 7 or 14 days, or until a date. Returns the end date
(YYYY-MM-DD) or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from trailtui.safety import shown
from trailtui.trail.cadence import SNOOZE_CHOICES, parse_snooze
from trailtui.ui.keys import key_for
from trailtui.ui.screens.base import TrailModal


class SnoozePrompt(TrailModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="snooze.cancel")]
    DEFAULT_CSS = """
    SnoozePrompt { align: center middle; }
    SnoozePrompt Label { width: 100%; }
    SnoozePrompt #snooze-problem { color: $text-error; }
    """

    def __init__(self, name: str, at: int) -> None:
        super().__init__()
        self.person = name
        self.at = at

    def compose(self) -> ComposeResult:
        days = ", ".join(str(n) for n in SNOOZE_CHOICES)
        with Vertical(id="prompt"):
            yield Label(
                f"Snooze {shown(self.person, one_line=True)} for how long?",
                id="prompt-title",
                markup=False,
            )
            yield Input(value="7", placeholder=f"{days} days, 2w, or a date", id="prompt-input")
            yield Label(id="snooze-problem", markup=False)
            yield Label(id="prompt-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        cancel = key_for(self, "snooze.cancel", "Esc")
        days = ", ".join(str(n) for n in SNOOZE_CHOICES)
        self.query_one("#prompt-hint", Label).update(
            f"{days} days, 2w, or a date like 2026-12-24 · Enter to snooze · {cancel} to cancel. "
            "A snooze is not a trail: it moves the due date."
        )

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        try:
            until = parse_snooze(event.value, self.at)
        except ValueError as error:
            self.query_one("#snooze-problem", Label).update(str(error))
            return
        self.dismiss(until)

    def action_cancel(self) -> None:
        self.dismiss(None)
