"""A YAML TextArea that marks the lines a validation problem points at."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea


class YamlEditor(TextArea):
    """Syntax-highlighted YAML with problem lines marked (in the theme's error colour)."""

    COMPONENT_CLASSES = TextArea.COMPONENT_CLASSES | {"yaml-editor--problem"}
    DEFAULT_CSS = """
    YamlEditor > .yaml-editor--problem {
        background: $error 30%;
        text-style: underline;
    }
    """

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

    def mark_problems(self, lines: Iterable[int]) -> None:
        """Mark these 0-based lines (and nothing else) as having problems."""
        marked = frozenset(line for line in lines if 0 <= line < self.document.line_count)
        if marked != self.problem_lines:
            self.problem_lines = marked
            self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self.problem_lines:
            return strip
        row, _ = self.wrapped_document.offset_to_location(Offset(0, self.scroll_offset.y + y))
        if (
            row not in self.problem_lines
            or self.scroll_offset.y + y >= self.wrapped_document.height
        ):
            return strip
        # Over the syntax colours: the mark must show on every character.
        mark = self.get_component_rich_style("yaml-editor--problem", partial=True)
        return Strip(Segment.apply_style(strip, post_style=mark), strip.cell_length)
