"""The help screen, built from the live key bindings and the palette's commands,
so it cannot drift from what the keys do (remapped keys included)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from trailtui.ui.keys import key_for, live_bindings
from trailtui.ui.screens.base import TrailModal

INTRO = (
    "trailtui shows your key contacts' posts, newest first, beside a panel about "
    "the person who wrote the selected one. Leave a trail with one key: it is "
    "recorded, and the panel shows when you last kept in touch. Any key can be "
    "changed in contacts.yaml (settings.keys, by the ids below)."
)


class HelpScreen(TrailModal[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(
        self,
        keys: list[tuple[str, str, str, str]],
        commands: list[tuple[str, str]],
        palette_key: str = "",
    ) -> None:
        """keys: (key as shown, what it does, a longer explanation, binding id);
        commands: (palette command, what it does) for what has no key."""
        super().__init__()
        self.keys = keys
        self.commands = commands
        self.palette_key = palette_key

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        """Help for what `screen` offers now: its live keys, then the palette's other commands."""
        bound = live_bindings(screen)
        keys = [(b.key_text, b.description, b.tooltip, b.id) for b in bound]
        bound_titles = {f"{b.description} ({b.key_text})" for b in bound}
        commands = [
            (command.title, command.help)
            for command in screen.app.get_system_commands(screen)
            if command.title not in bound_titles
        ]
        return cls(keys, commands, key_for(screen, "command_palette"))

    def compose(self) -> ComposeResult:
        keys = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        keys.add_column(style="dim")
        keys.add_column(style="dim italic", no_wrap=True)
        for key, description, tooltip, ident in self.keys:
            keys.add_row(key, description, tooltip if tooltip != description else "", ident)
        commands = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        commands.add_column(style="bold", no_wrap=True)
        commands.add_column(style="dim")
        for title, text in self.commands:
            commands.add_row(title, text)
        palette = f" ({self.palette_key})" if self.palette_key else ""
        with VerticalScroll(id="help-body"):
            yield Static(Text("trailtui: keys", style="bold"), markup=False)
            yield Static(Text(INTRO), markup=False, id="help-intro")
            yield Static(keys, markup=False, id="help-keys")
            yield Static(
                Text(
                    f"\nMore in the command palette{palette}: type a few letters of a name.",
                    style="bold",
                ),
                markup=False,
            )
            yield Static(commands, markup=False, id="help-commands")
            yield Static(markup=False, id="help-close")

    def on_mount(self) -> None:
        close = key_for(self, "help.close", "Esc")
        self.query_one("#help-close", Static).update(
            Text(f"Press {close} to close.", style="dim italic")
        )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
