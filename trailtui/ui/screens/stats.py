"""The rhythm in pictures: a calendar of trails per day over 12 weeks, the
balance of kinds per person (people who only ever get likes flagged),
touches per tier, and people overdue week by week (`trail.stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Sparkline, Static

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.text import plural
from trailtui.trail.kinds import Kind
from trailtui.trail.stats import RhythmStats, goal_of, rhythm_stats
from trailtui.ui.errors import Failure
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.theme import Tone, tones
from trailtui.ui.widgets.goal_bar import GoalBar
from trailtui.workspace import Workspace

WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
SHADES = ("·", "▪", "■", "█")  # none, some, the goal's half, the goal met
BAR = 30  # columns of the widest bar
BALANCE_ROWS = 12
# The balance's colours: cheap attention, words, help given, the rest.
GROUPS: tuple[tuple[str, tuple[Kind, ...], Tone], ...] = (
    ("likes", (Kind.LIKE,), "muted"),
    ("comments", (Kind.COMMENT, Kind.SHARE), "accent"),
    ("help", (Kind.HELP, Kind.INTRO, Kind.REPORT_BACK, Kind.ENDORSE), "ok"),
    ("others", (Kind.THANKS, Kind.REACHED_OUT), "warning"),
)


def calendar(stats: RhythmStats, styles: dict[Tone, Style]) -> Text:
    """Weeks as columns, weekdays as rows, a shade per day by how near the goal it came."""
    goal = max(stats.progress.goal, 1)
    first = stats.first_day
    start = first - timedelta(days=first.weekday())  # the Monday of the first week
    weeks = (len(stats.daily) + first.weekday() + 6) // 7
    last = first + timedelta(days=len(stats.daily) - 1)
    text = Text()
    months = "".join(
        (start + timedelta(weeks=w)).strftime("%b")[:2]
        if (start + timedelta(weeks=w)).day <= 7
        else "  "
        for w in range(weeks)
    )
    text.append(f"     {months}\n", style=styles.get("muted", Style()))
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4} ")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day < first or day > last:
                text.append("  ")
                continue
            count = stats.daily[(day - first).days]
            shade = 0 if not count else 3 if count >= goal else 2 if 2 * count >= goal else 1
            style = styles.get("ok", Style()) if shade else styles.get("muted", Style())
            text.append(SHADES[shade] + " ", style=style)
        text.append("\n")
    text.append(
        f"{SHADES[0]} none  {SHADES[1]} some  {SHADES[2]} half the goal  {SHADES[3]} goal met",
        style=styles.get("muted", Style()),
    )
    return text


def balance_table(stats: RhythmStats, styles: dict[Tone, Style]) -> Table | Text:
    if not stats.balances:
        return Text("No trails in these 12 weeks yet.", style=styles.get("muted", Style()))
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0))
    table.add_column(no_wrap=True, max_width=24)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    widest = max(b.total for b in stats.balances)
    for balance in stats.balances[:BALANCE_ROWS]:
        bar = Text()
        said = []
        for label, kinds, tone in GROUPS:
            count = sum(balance.kinds[k.value] for k in kinds)
            if count:
                width = max(1, round(BAR * count / widest))
                bar.append("█" * width, style=styles.get(tone, Style()))
                said.append(plural(count, label.rstrip("s"), label))
        note = Text(", ".join(said))
        if balance.only_likes:
            note.append("  only likes", style=styles.get("warning", Style()))
        table.add_row(Text(shown(balance.name, one_line=True)), bar, note)
    more = len(stats.balances) - BALANCE_ROWS
    if more > 0:
        table.add_row(Text(f"and {plural(more, 'other')}", style="dim"), Text(""), Text(""))
    return table


def legend(styles: dict[Tone, Style]) -> Text:
    text = Text()
    for label, _, tone in GROUPS:
        text.append("█ ", style=styles.get(tone, Style()))
        text.append(f"{label}  ")
    return text


def tiers_table(stats: RhythmStats, styles: dict[Tone, Style]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    widest = max([1, *stats.tiers.values()])
    for tier, count in stats.tiers.items():
        name = f"tier {tier}" if tier != "—" else "no tier"
        bar = Text("█" * round(BAR * count / widest), style=styles.get("accent", Style()))
        bar.append(f" {count}")
        table.add_row(name, bar)
    return table


class StatsScreen(TrailScreen[None]):
    DEFAULT_CSS = """
    StatsScreen VerticalScroll { padding: 0 1; }
    StatsScreen .stats-title { text-style: bold; margin: 1 0 0 0; }
    StatsScreen Sparkline { height: 3; margin: 0 0; }
    StatsScreen #stats-summary { height: auto; }
    """
    BINDINGS = [Binding("escape,q", "close", "Back", tooltip="Back to Today", id="stats.close")]
    FAILURES = {"stats": Failure("Could not count the trail")}

    @dataclass
    class Counted(Message):
        stats: RhythmStats

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.stats: RhythmStats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield GoalBar(id="stats-goal")
        with VerticalScroll():
            yield Static(Text("Counting…"), id="stats-summary", markup=False)
            yield Static("Trails per day, the last 12 weeks", classes="stats-title")
            yield Static(id="stats-calendar", markup=False)
            yield Sparkline([], id="stats-daily")
            yield Static("The balance: what each person got", classes="stats-title")
            yield Static(id="stats-legend", markup=False)
            yield Static(id="stats-balance", markup=False)
            yield Static("Touches per tier", classes="stats-title")
            yield Static(id="stats-tiers", markup=False)
            yield Static("People overdue, week by week", classes="stats-title")
            yield Sparkline([], id="stats-overdue")
            yield Static(id="stats-overdue-said", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.count()

    @work(thread=True, group="stats", exit_on_error=False)
    def count(self) -> None:
        goal = goal_of(self.workspace.book)
        self.post_message(self.Counted(rhythm_stats(self.workspace.store, now(), goal)))

    @on(Counted)
    def counted(self, message: Counted) -> None:
        stats = self.stats = message.stats
        styles = tones(self)
        self.query_one(GoalBar).show(stats.progress)
        total = sum(stats.daily)
        summary = (
            f"{plural(total, 'touch', 'touches')} in 12 weeks · "
            f"{stats.due_now} due now · {stats.overdue_now} overdue now"
        )
        if stats.never_now:
            summary += f" · {stats.never_now} never touched"
        self.query_one("#stats-summary", Static).update(Text(summary))
        self.query_one("#stats-calendar", Static).update(calendar(stats, styles))
        self.query_one("#stats-daily", Sparkline).data = [float(n) for n in stats.daily]
        self.query_one("#stats-legend", Static).update(legend(styles))
        self.query_one("#stats-balance", Static).update(balance_table(stats, styles))
        self.query_one("#stats-tiers", Static).update(tiers_table(stats, styles))
        self.query_one("#stats-overdue", Sparkline).data = [float(n) for n in stats.overdue]
        weeks = " ".join(str(n) for n in stats.overdue)
        self.query_one("#stats-overdue-said", Static).update(
            Text(f"12 weeks ago → now: {weeks}", style=styles.get("muted", Style()))
        )

    def action_close(self) -> None:
        self.dismiss(None)
