"""The trailtui app: wires the workspace, styles and commands to the screens."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trailtui.ui.screens.main import MainScreen, key_display
from trailtui.workspace import Workspace


class TrailApp(App[None]):
    CSS_PATH = "trailtui.tcss"
    TITLE = "trailtui"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Leave trailtui", id="quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.sub_title = "demo" if workspace.demo else str(workspace.contacts_path)

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.workspace)

    def get_system_commands(self, screen: Screen[None]) -> Iterable[SystemCommand]:
        """The palette offers every action that has a key, from the same bindings."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for binding in screen.BINDINGS:
                assert isinstance(binding, Binding)
                if binding.id in ("down", "up"):
                    continue
                key = key_display(self, binding)
                yield SystemCommand(
                    f"{binding.description} ({key})",
                    binding.tooltip or binding.description,
                    partial(screen.run_action, binding.action),
                )
