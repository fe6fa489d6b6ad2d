"""Everything the app has told the user this session, newest first."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from trailtui.ui.messages import Shown
from trailtui.ui.screens.base import TrailModal

STYLES = {"error": "bold", "warning": "italic"}


class MessagesScreen(TrailModal[None]):
    BINDINGS = [Binding("escape,q", "close", "Close", id="messages.close")]

    def __init__(self, shown: list[Shown]) -> None:
        super().__init__()
        self.shown = list(shown)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="messages-body"):
            yield Static(Text("Messages this session", style="bold"), markup=False)
            if not self.shown:
                yield Static(Text("Nothing yet.", style="dim italic"), markup=False)
            for item in reversed(self.shown):
                when = datetime.fromtimestamp(item.at).strftime("%H:%M:%S")
                line = Text(f"{when}  ", style="dim")
                if item.title:
                    line.append(f"{item.title}: ", style=STYLES.get(item.severity, ""))
                line.append(item.message)
                yield Static(line, markup=False, classes=f"message -{item.severity}")

    def action_close(self) -> None:
        self.dismiss()
