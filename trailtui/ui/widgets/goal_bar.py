"""The rhythm's header line: today's trails against the daily goal, and the streak."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from trailtui.text import plural
from trailtui.trail.stats import Progress
from trailtui.ui.theme import Tone, tones


def progress_text(progress: Progress, styles: dict[Tone, Style] | None = None) -> Text:
    """'Today 1 of 3 trails ●○○ · streak 4 days', or the goal met."""
    goal = progress.goal
    styles = styles or {}
    ok, muted = styles.get("ok", Style()), styles.get("muted", Style(dim=True))
    text = Text()
    if goal:
        text.append("Today ", style="bold")
        text.append(f"{progress.today} of {plural(goal, 'trail')} ")
        filled = min(progress.today, goal)
        text.append("●" * filled, style=ok)
        text.append("○" * (goal - filled), style=muted)
        if progress.met:
            text.append("  goal met", style=ok)
    else:
        text.append("Today ", style="bold")
        text.append(plural(progress.today, "trail"))
    days = progress.streak
    text.append(" · ")
    if days:
        text.append(f"streak {plural(days, 'day')}", style="bold")
    else:
        text.append("no streak yet", style=muted)
    return text


class GoalBar(Static):
    """One line under the header; `show` it a Progress."""

    DEFAULT_CSS = """
    GoalBar { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Counting today's trails…"), id=id, markup=False)
        self.progress: Progress | None = None

    def show(self, progress: Progress) -> None:
        self.progress = progress
        self.update(progress_text(progress, tones(self)))
