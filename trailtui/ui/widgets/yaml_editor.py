"""A YAML TextArea that marks the lines a validation problem points at."""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from textual import events
from textual.widgets import TextArea

ERROR_HIGHLIGHT = "trailtui.problem"
ERROR_STYLE = Style(bgcolor="#5f1f1f", underline=True)


class YamlEditor(TextArea):
    """Syntax-highlighted YAML with problem lines marked in red."""

    problem_lines: frozenset[int] = frozenset()  # 0-based

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            text,
            language="yaml",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            max_checkpoints=200,
            id=id,
        )
        self.indent_type = "spaces"
        self.indent_width = 2

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs TextArea's own key handler after this one. For Escape it
        # would move the focus away; skip it so the key reaches the screen's
        # binding (close). Every other key is left to TextArea.
        if event.key == "escape":
            event.prevent_default()

    def mark_problems(self, lines: Iterable[int]) -> None:
        """Mark these 0-based lines (and nothing else) as having problems."""
        marked = frozenset(line for line in lines if 0 <= line < self.document.line_count)
        if marked != self.problem_lines:
            self.problem_lines = marked
            self._build_highlight_map()
            self.refresh()

    def _build_highlight_map(self) -> None:
        # The syntax highlights, then a whole-line highlight on each problem line.
        super()._build_highlight_map()
        theme = getattr(self, "_theme", None)  # not set yet during __init__
        if theme is not None:
            theme.syntax_styles.setdefault(ERROR_HIGHLIGHT, ERROR_STYLE)
        for line in self.problem_lines:
            self._highlights[line].append((0, None, ERROR_HIGHLIGHT))
