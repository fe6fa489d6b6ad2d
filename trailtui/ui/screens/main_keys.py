"""The main screen's keys. Feed readers' conventions where they do not clash
with the trail keys (newsboat, elfeed, mutt): j/k, g/G, J/K for the next
unread, / to search, A to mark all read, Enter to read."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding

from trailtui.ui.keys import trail_bindings
from trailtui.ui.screens.draft_keys import draft_bindings, drafts_binding

# The footer keeps to what a day of triage needs, so it fits 80 columns.
IN_FOOTER = {"like", "comment"}

MAIN_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("j,down", "cursor_down", "Down", show=False, tooltip="Next entry", id="down"),
    Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous entry", id="up"),
    Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
    Binding("home,g", "first", "First entry", show=False, id="first"),
    Binding("end,G", "last", "Last entry", show=False, id="last"),
    Binding(
        "J",
        "next_unread",
        "Next unread",
        show=False,
        tooltip="The next unread entry",
        id="next_unread",
    ),
    Binding(
        "K",
        "previous_unread",
        "Previous unread",
        show=False,
        tooltip="The previous unread entry",
        id="previous_unread",
    ),
    Binding("enter", "open_reader", "Read", tooltip="Read the post here", id="open_reader"),
    *(replace(binding, show=binding.id in IN_FOOTER) for binding in trail_bindings()),
    *draft_bindings(),
    drafts_binding(),
    Binding(
        "u", "undo", "Undo", show=False, tooltip="Undo the last trail or mark-all-read", id="undo"
    ),
    Binding(
        "x", "skip", "Skip", show=False, tooltip="Mark read and go to the next unread", id="skip"
    ),
    Binding(
        "m",
        "toggle_read",
        "Read/unread",
        show=False,
        tooltip="Toggle the entry between read and unread",
        id="toggle_read",
    ),
    Binding(
        "A",
        "mark_all_read",
        "Mark all read",
        show=False,
        tooltip="Mark every entry shown read (asks first; undo with u)",
        id="mark_all_read",
    ),
    Binding("asterisk", "star", "Star", show=False, tooltip="Star or unstar the entry", id="star"),
    Binding(
        "y", "copy_link", "Copy link", show=False, tooltip="Copy the entry's link", id="copy_link"
    ),
    Binding(
        "o", "open_link", "Open", show=False, tooltip="Open the entry in your browser", id="open"
    ),
    Binding("slash", "search", "Search", tooltip="Search titles, authors and text", id="search"),
    Binding(
        "f",
        "filter",
        "Filter",
        tooltip="Show only: unread, starred, a tier, circle or tag",
        id="filter",
    ),
    Binding(
        "period",
        "person_only",
        "This person",
        show=False,
        tooltip="Show only this person's posts (again: everyone's)",
        id="person_only",
    ),
    Binding(
        "U",
        "unread_only",
        "Unread only",
        show=False,
        tooltip="Show only unread entries (again: all)",
        id="unread_only",
    ),
    Binding(
        "escape",
        "clear_filters",
        "Clear filters",
        show=False,
        tooltip="Show everything again: no filter, no search",
        id="clear_filters",
    ),
    Binding("p", "people", "People", tooltip="Everyone, with who is due", id="people"),
    Binding(
        "T",
        "timeline",
        "Whole trail",
        show=False,
        tooltip="This person's whole trail",
        id="timeline",
    ),
    Binding(
        "v",
        "toggle_panel",
        "Panel",
        show=False,
        tooltip="Show or hide the contact panel",
        id="toggle_panel",
    ),
    Binding("r", "refresh", "Refresh", show=False, tooltip="Fetch every feed now", id="refresh"),
    Binding(
        "F",
        "feed_health",
        "Feeds",
        show=False,
        tooltip="Feed health: errors and fixes",
        id="feed_health",
    ),
    Binding(
        "E",
        "app.edit_contacts",
        "Edit contacts",
        show=False,
        tooltip="Edit contacts.yaml here, checked as you type",
        id="edit_contacts",
    ),
    Binding(
        "ctrl+e",
        "app.edit_external",
        "Edit in $EDITOR",
        show=False,
        tooltip="Edit contacts.yaml in your own editor ($VISUAL or $EDITOR)",
        id="edit_external",
    ),
    Binding(
        "a",
        "app.add_contact",
        "Add contact",
        show=False,
        tooltip="Add someone: name, site or feed, why they matter",
        id="add_contact",
    ),
    Binding("question_mark", "help", "Help", tooltip="Every key and command", id="show_help"),
]
