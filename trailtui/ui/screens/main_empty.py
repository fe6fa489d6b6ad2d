"""What the main screen says when its list is empty: always what to do next,
with the user's own keys."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from trailtui.paths import display_path
from trailtui.safety import shown
from trailtui.store.records import EntryFilter
from trailtui.workspace import Workspace


@dataclass(frozen=True)
class EmptyFeed:
    """Why nothing is listed."""

    contacts: int  # current contacts mirrored from contacts.yaml
    feeds: int  # their active feeds
    total: int  # entries of the whole feed, before any filter
    where: EntryFilter
    searching: str | None  # the search text, if one is shown
    refreshing: bool
    person_name: str | None = None  # the person of a person-only filter
    person_feeds: int | None = None  # their feeds, once their card is known


def empty_text(ws: Workspace, why: EmptyFeed, keys: dict[str, str]) -> Text:
    """`keys`: binding id -> the user's key, for every hint named here."""
    path = display_path(ws.contacts_path)
    add, edit = keys.get("add_contact", "a"), keys.get("edit_contacts", "E")
    clear = keys.get("clear_filters", "escape")
    if not ws.has_contacts:
        if ws.contacts_exist:
            return Text.assemble(
                ("contacts.yaml has problems.\n\n", "bold"),
                f"{path} could not be loaded. Press {edit} to see each problem "
                "where it is and fix it, or run: trailtui contacts check",
            )
        return Text.assemble(
            ("No contacts yet.\n\n", "bold"),
            f"trailtui reads your key people from {path}.\n",
            f"Press {add} to add someone, {edit} to start the file from a commented "
            "example, or run trailtui import FILE (OPML, vCard, LinkedIn CSV). "
            "To look around first: trailtui --demo",
        )
    if not why.contacts:
        return Text.assemble(
            ("No contacts yet.\n\n", "bold"),
            f"Press {add} to add someone who matters to you, or {edit} to edit contacts.yaml.",
        )
    if why.searching is not None:
        return Text.assemble(
            (f"Nothing matches “{shown(why.searching, one_line=True)}”.\n\n", "bold"),
            "Search looks in titles, authors and text. Try fewer or other words, "
            f"or press {clear} to show everything again.",
        )
    if why.where.contact_id is not None and why.person_feeds == 0:
        name = shown(why.person_name or why.where.contact_id, one_line=True)
        trails = ", ".join(
            f"{keys[ident]} {word}"
            for ident, word in (
                ("reached_out", "reached out"),
                ("help", "offer help"),
                ("thanks", "thanks"),
                ("note", "a note"),
            )
            if ident in keys
        )
        suggestion = f"Leave a trail that needs no post: {trails}. " if trails else ""
        return Text.assemble(
            (f"{name} has no feed yet.\n\n", "bold"),
            suggestion,
            f"To follow their posts, add a site or feed to them in contacts.yaml ({edit}). "
            f"Press {clear} to see everyone again.",
        )
    if why.where.active:
        if why.where.unread_only and why.total:
            unread = keys.get("unread_only", "U")
            return Text.assemble(
                ("All caught up.\n\n", "bold"),
                f"Nothing unread here. Press {unread} to see read entries too, "
                f"or {clear} for everything.",
            )
        return Text.assemble(
            ("Nothing matches the filter.\n\n", "bold"),
            f"Press {clear} to clear it, or {keys.get('filter', 'f')} to change it.",
        )
    if not why.feeds:
        return Text(
            f"None of your contacts has a feed yet. Press {add} to add someone with a site "
            f"or feed, or add a 'feeds:' list in {path} (press {edit}). People without a "
            f"feed are in the people view ({keys.get('people', 'p')})."
        )
    if why.refreshing:
        return Text("No entries yet: fetching your contacts' feeds…")
    refresh = keys.get("refresh")
    how = f"Press {refresh} to fetch" if refresh else "Fetching"
    return Text(f"No entries yet. {how} your contacts' feeds.")
