"""The help screen, built from the live key bindings so it cannot drift."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "trailtui shows your key contacts' posts, newest first, beside a panel about "
    "the person who wrote the selected one. Leave a trail with one key: it is "
    "recorded, and the panel shows when you last kept in touch."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", show=True),
    ]

    def __init__(self, keys: list[tuple[str, str, str]]) -> None:
        """keys: (key as shown, what it does, a longer explanation)."""
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for key, description, tooltip in self.keys:
            table.add_row(key, description, tooltip)
        with VerticalScroll(id="help-body"):
            yield Static(Text("trailtui: keys", style="bold"), markup=False)
            yield Static(Text(INTRO), markup=False, id="help-intro")
            yield Static(table, markup=False)
            yield Static(Text("Press Esc or ? to close.", style="dim italic"), markup=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
