"""The merged feed: one row per entry, newest first, unread in bold."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from trailtui.store.records import EntryRecord


def _when(timestamp: int, today: datetime) -> str:
    moment = datetime.fromtimestamp(timestamp)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%b %d")
    return moment.strftime("%Y-%m-%d")


TITLE_MIN = 20


class FeedList(DataTable[Text]):
    """Entries as rows keyed by entry id. Text cells: feed text is never markup."""

    @dataclass
    class EntryHighlighted(Message):
        feed_list: FeedList
        entry: EntryRecord | None

        @property
        def control(self) -> FeedList:
            return self.feed_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.entries: dict[int, EntryRecord] = {}

    def on_mount(self) -> None:
        self.add_column("When", key="when", width=10)
        self.add_column("Who", key="who", width=18)
        self._title = self.add_column("Title", key="title", width=TITLE_MIN)

    def on_resize(self) -> None:
        self._fit_title()

    def _fit_title(self) -> None:
        """The title column takes the rest of the pane: titles are cropped at its
        edge, and the table never scrolls sideways. (Measured from the titles, the
        column was clamped to the console's width at measuring time, and could
        stay narrower than the pane.)"""
        title = self.columns.get(self._title)
        if title is None:
            return
        others = sum(
            c.get_render_width(self) for key, c in self.columns.items() if key != self._title
        )
        room = (
            self.size.width - others - 2 * self.cell_padding - self.styles.scrollbar_size_vertical
        )
        width = max(TITLE_MIN, room)
        if title.width != width:
            title.width = width
            self._clear_caches()  # rendered rows are cached by their widths
            self._require_update_dimensions = True
            self.refresh()

    @property
    def current(self) -> EntryRecord | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.entries.get(int(key)) if key is not None else None

    def show_entries(self, entries: list[EntryRecord], keep: int | None = None) -> None:
        """Replace the rows; keep the cursor on entry `keep` if it is still there."""
        keep = keep if keep is not None else (self.current.id if self.current else None)
        today = datetime.now()
        self.clear()
        self.entries = {entry.id: entry for entry in entries}
        for entry in entries:
            self.add_row(*self._cells(entry, today), key=str(entry.id))
        if keep is not None and keep in self.entries:
            self.move_cursor(row=self.get_row_index(str(keep)))
        self._announce()

    def mark_read(self, entry_id: int, read: bool = True) -> bool:
        """Show an entry as (un)read; whether that changed anything."""
        entry = self.entries.get(entry_id)
        if entry is None or entry.read == read:
            return False
        entry = replace(entry, read=read)
        self.entries[entry_id] = entry
        when, who, title = self._cells(entry, datetime.now())
        self.update_cell(str(entry_id), "when", when)
        self.update_cell(str(entry_id), "who", who)
        self.update_cell(str(entry_id), "title", title)
        return True

    def _cells(self, entry: EntryRecord, today: datetime) -> tuple[Text, Text, Text]:
        style = "dim" if entry.read else "bold"
        marker = "  " if entry.read else "● "
        return (
            Text(_when(entry.sort_ts, today), style="dim"),
            Text(entry.contact_name, style="italic" if entry.read else "", no_wrap=True),
            Text.assemble((marker, "bold"), (entry.title, style)),
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.EntryHighlighted(self, self.current))
