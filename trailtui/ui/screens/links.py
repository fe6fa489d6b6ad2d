"""A post's numbered links, to pick one: Enter, or its number typed."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from trailtui.reading import Link
from trailtui.safety import shown
from trailtui.ui.keys import key_for
from trailtui.ui.screens.base import TrailModal


def link_prompt(link: Link) -> Text:
    """One link as the list shows it: its number, its label, its address."""
    prompt = Text(f"{link.number:>3}  ", style="bold")
    prompt.append(shown(link.label, one_line=True))
    if link.label != link.url:
        prompt.append(f"\n     {shown(link.url, one_line=True)}", style="dim")
    return prompt


class LinksScreen(TrailModal[Link | None]):
    """The links of a post; dismissed with the one chosen, or None."""

    DEFAULT_CSS = """
    LinksScreen { align: center middle; }
    LinksScreen #links {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 85%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    LinksScreen #links-hint { color: $text-muted; margin: 0 0 1 0; }
    LinksScreen OptionList { height: auto; max-height: 1fr; }
    """

    BINDINGS = [
        # Before the list's own Enter, so the keymap and the footer name this one.
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the highlighted link",
            id="links.open",
            priority=True,
        ),
        Binding("escape", "close", "Back", tooltip="Back to the post", id="links.close"),
    ]

    def __init__(self, links: tuple[Link, ...]) -> None:
        super().__init__()
        self.links = links
        self.typed = ""  # the digits typed so far, of a number with several

    def compose(self) -> ComposeResult:
        with Vertical(id="links"):
            yield Label(id="links-hint", markup=False)
            yield OptionList(*(Option(link_prompt(link)) for link in self.links))
        yield Footer()

    def on_mount(self) -> None:
        open_key = key_for(self, "links.open", "Enter")
        close = key_for(self, "links.close", "Esc")
        self.query_one("#links-hint", Label).update(
            f"Type a link's number, or {open_key} to open the highlighted one. {close} goes back."
        )
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_open(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self.links):
            self.dismiss(self.links[index])

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.links[event.option_index])

    def on_key(self, event: events.Key) -> None:
        # A number opens its link as soon as no longer number could follow
        # it: with 12 links, 3 opens at once, 1 waits for a second digit
        # (Enter then opens 1).
        digit = event.character
        if not digit or not digit.isdigit() or not digit.isascii():
            return
        event.stop()
        typed = self.typed + digit
        if not 1 <= int(typed) <= len(self.links):
            typed = digit if 1 <= int(digit) <= len(self.links) else ""
        self.typed = typed
        if not typed:
            self.notify(f"There is no link {digit}.", timeout=3, markup=False)
            return
        self.query_one(OptionList).highlighted = int(typed) - 1
        if int(typed) * 10 > len(self.links):
            self.dismiss(self.links[int(typed) - 1])
