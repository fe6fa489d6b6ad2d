"""The feed error log: every feed's health, the unhealthy ones first, with fixes."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from trailtui.feeds.health import Diagnosis, diagnose
from trailtui.paths import tilde
from trailtui.safety import shown
from trailtui.store import Store, queries
from trailtui.store.records import FeedHealth
from trailtui.text import plural
from trailtui.ui.errors import Failure
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.theme import tones


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return "never"
    return datetime.fromtimestamp(timestamp).strftime("%b %d %H:%M")


class FeedHealthScreen(TrailScreen[None]):
    BINDINGS = [
        Binding(
            "escape,q,F", "app.pop_screen", "Back", tooltip="Back to the feed", id="feeds.back"
        ),
        Binding("j,down", "cursor_down", "Down", show=False, id="feeds.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="feeds.up"),
    ]
    FAILURES = {"health": Failure("Could not read the feeds' health")}

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.rows: list[tuple[FeedHealth, Diagnosis | None]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading feed health…"), id="health-summary", markup=False)
        yield DataTable(id="health-table", cursor_type="row")
        yield Static(id="health-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (
            ("Who", 18),
            ("Feed", 44),
            ("Status", 22),
            ("Entries", 7),
            ("Last success", 13),
        ):
            table.add_column(label, width=width)
        self.load()

    @work(thread=True, exclusive=True, group="health", exit_on_error=False)
    def load(self) -> None:
        feeds = queries.feed_health(self.store)
        rows = [(feed, diagnose(feed)) for feed in feeds]
        rows.sort(key=lambda row: (row[1] is None, -row[0].failures, row[0].contact_name))
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[tuple[FeedHealth, Diagnosis | None]]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        tone = tones(self)
        for feed, found in rows:
            if found is None:
                status = Text("ok", style=tone["ok"])
            elif feed.failures:
                status = Text(f"failing ({feed.failures}x)", style=tone["error"])
            else:
                status = Text(tilde(found.problem), style=tone["warning"])
            table.add_row(
                Text(shown(feed.contact_name, one_line=True)),
                Text(shown(tilde(feed.label or feed.title or feed.url), one_line=True)),
                status,
                Text(str(feed.entry_count)),
                Text(_when(feed.last_success_at)),
            )
        unhealthy = sum(1 for _, found in rows if found is not None)
        if not rows:
            summary = "No feeds yet: none of your contacts lists one."
        elif not unhealthy:
            summary = f"{plural(len(rows), 'feed')}, all healthy."
        else:
            needs = "needs" if unhealthy == 1 else "need"
            summary = f"{plural(len(rows), 'feed')}, {unhealthy} {needs} attention (listed first)."
        self.query_one("#health-summary", Static).update(Text(summary, style="bold"))
        if rows:
            table.focus()
            self._detail(0)

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        feed, found = self.rows[index]
        tone = tones(self)
        detail = Text.assemble(("URL  ", "bold"), tilde(feed.url))
        if feed.resolved_url:
            detail.append_text(
                Text.assemble(("  feed found there  ", "bold"), tilde(feed.resolved_url))
            )
        if found is not None:
            detail.append("\n")
            detail.append_text(
                Text.assemble(("Problem  ", tone["error"] + Style(bold=True)), tilde(found.problem))
            )
            detail.append("\n")
            detail.append_text(
                Text.assemble(("Fix  ", tone["ok"] + Style(bold=True)), tilde(found.advice))
            )
        self.query_one("#health-detail", Static).update(detail)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()
