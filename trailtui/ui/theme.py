"""Colours for Rich text drawn in Python, taken from the app's current theme."""

from __future__ import annotations

from typing import Literal

from rich.color import ColorParseError
from rich.errors import StyleSyntaxError
from rich.style import Style
from textual.dom import DOMNode

Tone = Literal["ok", "warning", "error", "muted", "accent"]
_VARIABLE: dict[Tone, str] = {
    "ok": "text-success",
    "warning": "text-warning",
    "error": "text-error",
    "muted": "text-muted",
    "accent": "text-accent",
}


def tones(node: DOMNode) -> dict[Tone, Style]:
    """A style per tone in the theme in use (ask again after a theme change)."""
    variables = node.app.get_css_variables()
    styles: dict[Tone, Style] = {}
    for tone, name in _VARIABLE.items():
        value = variables.get(name)
        try:
            styles[tone] = Style(color=value) if value else Style()
        except (ColorParseError, StyleSyntaxError):  # e.g. "auto 87%": Rich cannot draw it
            styles[tone] = Style(dim=tone == "muted")
    return styles
