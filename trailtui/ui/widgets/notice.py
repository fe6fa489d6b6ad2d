"""A line of feedback in a form: plain text, its tone shown in theme colours."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.widgets import Static

Tone = Literal["", "ok", "warning", "error", "busy"]
TONES: tuple[Tone, ...] = ("ok", "warning", "error", "busy")


class Notice(Static):
    DEFAULT_CSS = """
    Notice.-ok { color: $text-success; }
    Notice.-warning { color: $text-warning; }
    Notice.-error { color: $text-error; text-style: bold; }
    Notice.-busy { color: $text-muted; text-style: italic; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.text = ""
        self.tone: Tone = ""

    def say(self, text: str, tone: Tone = "") -> None:
        """Show text (never markup) in a tone: ok, warning, error, busy, or plain."""
        self.text, self.tone = text, tone
        for name in TONES:
            self.set_class(name == tone, f"-{name}")
        self.update(Text(text))
