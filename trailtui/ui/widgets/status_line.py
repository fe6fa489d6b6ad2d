"""The status line under the feed: counts, refresh progress, the last action.

What a key just did ("Liked “…”", "Undone: liked …") shows here, replacing
the one before, instead of a toast per key press stacking over the panel.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

FLASH_SECONDS = 6.0


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
    }
    StatusLine #status-text {
        width: 1fr;
        padding: 0 1;
    }
    StatusLine #status-action {
        width: auto;
        max-width: 60%;
        padding: 0 1;
        color: $text-accent;
    }
    StatusLine ProgressBar {
        width: 40;
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.action_text = ""
        self._clear_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status-text", markup=False)
        yield Static(id="status-action", markup=False)
        yield ProgressBar(id="status-progress", show_eta=False)

    def show(self, text: str) -> None:
        """The line's standing text (counts, "Refreshing feeds 3/10")."""
        self.text = text
        self.query_one("#status-text", Static).update(Text(text))

    def flash(self, text: str) -> None:
        """What just happened, until the next action or a few seconds pass."""
        self.action_text = text
        self.query_one("#status-action", Static).update(Text(text))
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.set_timer(FLASH_SECONDS, lambda: self.flash_done())

    def flash_done(self) -> None:
        self.action_text = ""
        self.query_one("#status-action", Static).update("")

    def progress(self, done: int, total: int) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done)

    def progress_done(self) -> None:
        self.query_one(ProgressBar).display = False

    @property
    def progress_shown(self) -> bool:
        return bool(self.query_one(ProgressBar).display)
