"""A one-line text prompt (a name, in the import screen) that returns the text or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from trailtui.ui.keys import key_for
from trailtui.ui.screens.base import TrailModal


class TextPrompt(TrailModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.title_text, id="prompt-title", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(id="prompt-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        cancel = key_for(self, "prompt.cancel", "Esc")
        self.query_one("#prompt-hint", Label).update(f"Enter to save · {cancel} to cancel")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
