"""The merged feed: one line per entry, newest first, unread in bold.

A line widget (Textual's line API): only the lines on screen are drawn, so
a long feed costs what a short one does, and the title column always takes
the rest of the width. Feed text is drawn as plain text, never markup, with
cleaned and its width steadied (`safety.shown`) so every terminal lines it up.

The rows are pages of the whole history: the screen appends the next page
when `NeedMore` asks (the cursor or the scroll near the end), and puts what
a refresh brought in its place (`insert_entries`) without moving the
selection or what is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from trailtui.clock import now
from trailtui.safety import shown
from trailtui.store.records import EntryRecord

WHEN_WIDTH = 6
WHO_WIDTH = 18  # at most; a narrow pane gives the title more room
UNREAD_MARK = "● "
READ_MARK = "  "
STAR_MARK = "★"
# The user's own trail on a post, one narrow symbol per kind (in this order).
TRAIL_MARKS = {
    "like": "♥",
    "comment": "✎",
    "share": "↗",
    "endorse": "✓",
    "help": "✚",
    "thanks": "✿",
    "report_back": "↩",
    "intro": "⇄",
    "note": "•",
    "reached_out": "☎",
}
MARKS_WIDTH = 3  # the star and two trail marks; more are cut with "…"
NEAR_END = 2  # screens: closer than this to the last row asks for more


def when_text(timestamp: int, today: datetime) -> str:
    """A short date: the time today, the day this year, else the year."""
    moment = datetime.fromtimestamp(timestamp)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%b %d")
    return moment.strftime("%Y")


def _order_key(entry: EntryRecord) -> tuple[int, int]:
    """The merged feed's order, newest first, as a sort key."""
    return (-entry.sort_ts, -entry.id)


def marks_text(entry: EntryRecord) -> str:
    """The row's marks: ★ starred, then the user's own trail (♥ liked, ✎ commented…)."""
    marks = (STAR_MARK if entry.starred else "") + "".join(
        TRAIL_MARKS.get(kind, "·") for kind in entry.marks
    )
    if len(marks) > MARKS_WIDTH:
        marks = marks[: MARKS_WIDTH - 1] + "…"
    return marks.ljust(MARKS_WIDTH)


def who_width(width: int) -> int:
    """The name column: 18 cells, less in a narrow pane (a quarter of it, 10 at least)."""
    return max(10, min(WHO_WIDTH, width // 4))


class FeedList(ScrollView, can_focus=True, inherit_bindings=False):
    """Entries as lines, with a cursor. Attributes down: `show_entries`;
    messages up: `EntryHighlighted` when the cursor lands on another entry.

    No keys of its own (not even the scrolling ones it would inherit): the
    screen's bindings move the cursor, so the user's keymap applies to them."""

    COMPONENT_CLASSES = {
        "feed-list--cursor",
        "feed-list--unread",
        "feed-list--read",
        "feed-list--meta",
        "feed-list--match",
    }

    DEFAULT_CSS = """
    FeedList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
    }
    FeedList > .feed-list--unread {
        text-style: bold;
    }
    FeedList > .feed-list--read {
        color: $text-muted;
    }
    FeedList > .feed-list--meta {
        color: $text-muted;
    }
    FeedList > .feed-list--match {
        color: $text-accent;
        text-style: bold underline;
    }
    FeedList > .feed-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    FeedList:focus > .feed-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    @dataclass
    class EntryHighlighted(Message):
        feed_list: FeedList
        entry: EntryRecord | None

        @property
        def control(self) -> FeedList:
            return self.feed_list

    @dataclass
    class NeedMore(Message):
        """The cursor or the scroll is near the last row: the next page, please."""

        feed_list: FeedList

        @property
        def control(self) -> FeedList:
            return self.feed_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[EntryRecord] = []
        self.entries: dict[int, EntryRecord] = {}
        self._index: dict[int, int] = {}
        self.cursor = 0
        self.moved = False  # the user has moved the cursor (until then it stays on the newest)
        self._lines: dict[tuple[int, bool, int], Strip] = {}
        self._announced: int | None = None
        self.has_more = False  # older entries exist beyond the last row
        self._asked_more = False
        # Search results: character spans of the title to highlight, by entry id.
        self.highlights: dict[int, tuple[tuple[int, int], ...]] = {}

    # ---- what is shown ---------------------------------------------------

    @property
    def current(self) -> EntryRecord | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show_entries(self, entries: list[EntryRecord], keep: int | None = None) -> None:
        """Replace the entries; keep the cursor on entry `keep` (default: the
        current one, once the user has moved it) if it is still there, else
        on the same row. Until the user moves it, the cursor is on the newest."""
        current = self.current if self.moved else None
        keep = keep if keep is not None and self.moved else (current.id if current else None)
        self.rows = list(entries)
        self._reindex()
        self._asked_more = False
        if keep is not None and keep in self._index:
            self.cursor = self._index[keep]
        elif not self.moved:
            self.cursor = 0
        else:
            self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self._announced = None
        self.refresh()
        self._follow_cursor()

    def append_entries(self, entries: list[EntryRecord]) -> None:
        """The next page, below the last row (entries already shown are skipped)."""
        fresh = [entry for entry in entries if entry.id not in self._index]
        self.rows.extend(fresh)
        self._reindex()
        self._asked_more = False
        self.refresh()
        self._ask_more_if_near_end()

    def insert_entries(self, entries: list[EntryRecord]) -> int:
        """What a refresh brought, each in its place in the order (newest
        first): the selection stays on its entry and the rows on screen stay
        where they are (until the user moves, the cursor stays on the newest).
        An entry older than the last row waits for its page. Returns how many
        were put in."""
        fresh = [entry for entry in entries if entry.id not in self._index]
        if self.has_more and self.rows:
            last = _order_key(self.rows[-1])
            fresh = [entry for entry in fresh if _order_key(entry) < last]
        if not fresh:
            return 0
        selected = self.current
        top = self.scroll_offset.y
        top_entry = self.rows[top] if 0 <= top < len(self.rows) else None
        self.rows = sorted([*self.rows, *fresh], key=_order_key)
        self._reindex()
        if not self.moved:
            self.cursor = 0
            self._follow_cursor()
        else:
            if selected is not None:
                self.cursor = self._index[selected.id]
                self._announced = selected.id
            if self.is_mounted and top_entry is not None:
                self.scroll_to(y=self._index[top_entry.id], animate=False, immediate=True)
        self.refresh()
        return len(fresh)

    def _reindex(self) -> None:
        self.entries = {entry.id: entry for entry in self.rows}
        self._index = {entry.id: index for index, entry in enumerate(self.rows)}
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    def update_entry(self, entry_id: int, **changes: object) -> EntryRecord | None:
        """Show an entry changed (read, starred, marks); the new record, if it is listed."""
        index = self._index.get(entry_id)
        if index is None:
            return None
        entry = replace(self.rows[index], **changes)  # type: ignore[arg-type]
        if entry != self.rows[index]:
            self.rows[index] = self.entries[entry_id] = entry
            self.refresh_line(index)
        return entry

    def mark_read(self, entry_id: int, read: bool = True) -> bool:
        """Show an entry as (un)read; whether that changed anything."""
        index = self._index.get(entry_id)
        if index is None or self.rows[index].read == read:
            return False
        self.update_entry(entry_id, read=read)
        return True

    def next_unread(self, step: int = 1) -> int | None:
        """The index of the next (step 1) or previous (-1) unread row from the cursor."""
        index = self.cursor + step
        while 0 <= index < len(self.rows):
            if not self.rows[index].read:
                return index
            index += step
        return None

    def refresh_line(self, index: int) -> None:
        self._lines = {key: line for key, line in self._lines.items() if key[0] != index}
        self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))

    # ---- moving ------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index != self.cursor:
            previous, self.cursor = self.cursor, index
            self.refresh_line(previous)
            self.refresh_line(index)
        self._follow_cursor()

    def user_moves_to(self, index: int) -> None:
        self.moved = True
        self.move_to(index)

    def action_cursor_down(self) -> None:
        self.user_moves_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.user_moves_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.user_moves_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.user_moves_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.user_moves_to(0)

    def action_last(self) -> None:
        self.user_moves_to(len(self.rows) - 1)

    def _follow_cursor(self) -> None:
        if self.rows and self.is_mounted:
            self.scroll_to_region(
                Region(0, self.cursor, self.scrollable_content_region.width, 1),
                animate=False,
                force=True,
                immediate=True,
            )
        self._announce()
        self._ask_more_if_near_end()

    def _ask_more_if_near_end(self) -> None:
        if not self.has_more or self._asked_more:
            return
        page = max(1, self.scrollable_content_region.height)
        last_seen = max(self.cursor, self.scroll_offset.y + page)
        if last_seen >= len(self.rows) - NEAR_END * page:
            self._asked_more = True
            self.post_message(self.NeedMore(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ask_more_if_near_end()

    def _announce(self) -> None:
        current = self.current
        ident = current.id if current else None
        if ident != self._announced or ident is None:
            self._announced = ident
            self.post_message(self.EntryHighlighted(self, current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.user_moves_to(self.scroll_offset.y + offset.y)

    # ---- drawing -------------------------------------------------------

    def on_resize(self) -> None:
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self._follow_cursor()

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme or focus change restyles every line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self.rows) or width <= 0:
            return Strip.blank(width, self.rich_style)
        key = (index, index == self.cursor, width)
        line = self._lines.get(key)
        if line is None:
            line = self._render_entry(self.rows[index], index == self.cursor, width)
            if len(self._lines) > 4 * max(1, self.size.height) + 64:
                self._lines.clear()
            self._lines[key] = line
        return line

    def _render_entry(self, entry: EntryRecord, cursor: bool, width: int) -> Strip:
        base = self.rich_style
        text_style = self.get_component_rich_style(
            "feed-list--read" if entry.read else "feed-list--unread", partial=True
        )
        meta = self.get_component_rich_style("feed-list--meta", partial=True)
        today = datetime.fromtimestamp(now())
        who = Text(
            shown(entry.contact_name, one_line=True), style=text_style + Style(italic=entry.read)
        )
        who.truncate(who_width(width), overflow="ellipsis", pad=True)
        title = Text(shown(entry.title, one_line=True), style=text_style)
        for start, end in self.highlights.get(entry.id, ()):
            title.stylize(
                self.get_component_rich_style("feed-list--match", partial=True), start, end
            )
        line = Text.assemble(
            " ",
            (when_text(entry.sort_ts, today).ljust(WHEN_WIDTH), meta),
            " ",
            who,
            " ",
            (READ_MARK if entry.read else UNREAD_MARK, Style(bold=True)),
            (marks_text(entry), meta),
            " ",
            title,
            no_wrap=True,
            end="",
        )
        line.truncate(width, overflow="ellipsis", pad=True)
        if cursor:
            line.stylize(self.get_component_rich_style("feed-list--cursor", partial=True))
        strip = Strip(line.render(self.app.console), line.cell_len)
        return strip.crop_extend(0, width, base).apply_style(base)
