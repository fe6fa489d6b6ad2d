"""Choosing what the merged feed shows: unread, starred, a person, a tier,
a circle, a tag. Each choice toggles at once; closing applies them all."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from trailtui.safety import shown
from trailtui.store.records import EntryFilter, FilterChoices
from trailtui.ui.screens.base import TrailModal

ON, OFF = "●", "○"


def describe_filter(where: EntryFilter, person: str | None = None) -> str:
    """The filter in a few words, as the filter bar shows it."""
    parts = []
    if where.contact_id is not None:
        parts.append(f"person: {person or where.contact_id}")
    if where.tier is not None:
        parts.append(f"tier {where.tier}")
    if where.circle is not None:
        parts.append(f"circle: {where.circle}")
    if where.tag is not None:
        parts.append(f"tag: {where.tag}")
    if where.unread_only:
        parts.append("unread only")
    if where.starred_only:
        parts.append("starred only")
    return " · ".join(parts)


class FilterScreen(TrailModal[EntryFilter]):
    """Returns the filter as the user left it (Esc applies, as every toggle
    already showed what it does)."""

    BINDINGS = [
        Binding("escape,f", "done", "Apply and close", id="filter.close"),
    ]

    def __init__(
        self,
        where: EntryFilter,
        choices: FilterChoices,
        *,
        person: tuple[str, str] | None = None,  # the selected entry's (id, name)
    ) -> None:
        super().__init__()
        self.where = where
        self.choices = choices
        self.person = person

    def compose(self) -> ComposeResult:
        with Vertical(id="filter"):
            yield Label("Show only…", id="filter-title")
            yield OptionList(id="filter-options")
            yield Label("Enter toggles a choice; Esc applies them.", id="filter-hint")

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self.options())
        if highlighted is not None:
            options.highlighted = min(highlighted, options.option_count - 1)
        options.focus()

    def options(self) -> list[Option]:
        where = self.where
        found = [
            self.toggle("unread", "Unread only", where.unread_only),
            self.toggle("starred", "Starred only", where.starred_only),
        ]
        if where.contact_id is not None and (
            self.person is None or self.person[0] != where.contact_id
        ):
            found.append(self.toggle("person:", f"This person only ({where.contact_id})", True))
        if self.person is not None:
            ident, name = self.person
            found.append(
                self.toggle(
                    f"person:{ident}",
                    f"This person only: {shown(name, one_line=True)}",
                    where.contact_id == ident,
                )
            )
        found += [
            self.toggle(f"tier:{t}", f"Tier {t}", where.tier == t) for t in self.choices.tiers
        ]
        found += [
            self.toggle(f"circle:{c}", f"Circle: {shown(c, one_line=True)}", where.circle == c)
            for c in self.choices.circles
        ]
        found += [
            self.toggle(f"tag:{t}", f"Tag: {shown(t, one_line=True)}", where.tag == t)
            for t in self.choices.tags
        ]
        found.append(Option(Text("Clear every filter"), id="clear", disabled=not where.active))
        return found

    @staticmethod
    def toggle(ident: str, label: str, on: bool) -> Option:
        return Option(Text(f"{ON if on else OFF} {label}"), id=ident)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.where = toggled(self.where, event.option_id or "")
        self.fill()

    def action_done(self) -> None:
        self.dismiss(self.where)


def toggled(where: EntryFilter, choice: str) -> EntryFilter:
    """The filter with one choice flipped (one person, tier, circle or tag at a time)."""
    kind, _, value = choice.partition(":")
    if kind == "unread":
        return replace(where, unread_only=not where.unread_only)
    if kind == "starred":
        return replace(where, starred_only=not where.starred_only)
    if kind == "person":
        return replace(where, contact_id=None if where.contact_id == value or not value else value)
    if kind == "tier":
        return replace(where, tier=None if where.tier == value else value)
    if kind == "circle":
        return replace(where, circle=None if where.circle == value else value)
    if kind == "tag":
        return replace(where, tag=None if where.tag == value else value)
    if kind == "clear":
        return EntryFilter()
    return where
