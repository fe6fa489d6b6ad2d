"""A yes/no question with explicit button labels; returns True for yes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from trailtui.ui.screens.base import TrailModal


class Confirm(TrailModal[bool]):
    BINDINGS = [
        Binding("escape", "no", "Cancel", id="confirm.no"),
        Binding("left,right,tab", "app.focus_next", "Other choice", show=False, id="confirm.other"),
    ]

    def __init__(self, title: str, body: str, *, yes: str, no: str = "Cancel") -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.title_text, id="confirm-title", markup=False)
            yield Label(self.body, id="confirm-body", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe choice is the default

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
