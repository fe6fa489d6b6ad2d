"""The "add contact" form: name, a site or feed, why they matter, how to help.

The source is looked at before anything is written: the user sees the feed
found (or the feeds a page points to) and picks. The new contact is appended
to the end of the `contacts:` list as text; the rest of the file, comments
included, is left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from trailtui.contacts import ContactsError
from trailtui.contacts.adding import contact_mapping, current_text, id_clash, text_with_contact
from trailtui.feeds.probe import Probe, SourceError, feed_entry, probe_source
from trailtui.store.sync import SyncReport
from trailtui.ui.messages import SAVED, ContactsReloaded
from trailtui.workspace import Workspace

TIERS = [("A: closest (every week)", "A"), ("B: regular", "B"), ("C: keep warm", "C")]


class AddContactScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "add", "Add", show=False),
    ]

    @dataclass
    class Probed(Message):
        probe: Probe

    @dataclass
    class Added(Message):
        name: str
        report: SyncReport | None

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.probe: Probe | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="add-contact"):
            yield Label("Add a contact", id="add-title")
            yield Label("Name")
            yield Input(placeholder="Ada Lovelace", id="name")
            yield Label("Site, feed or shorthand (optional)")
            with Horizontal(id="source-row"):
                yield Input(
                    placeholder="ada.example · https://ada.example/feed.xml · github:ada · "
                    "@ada@hachyderm.io",
                    id="source",
                )
                yield Button("Find feed", id="find")
            yield Static(id="probe-status", markup=False)
            yield SelectionList[int](id="candidates")
            yield Label("Why they matter")
            yield Input(placeholder="Shares my view that tools should teach", id="why")
            yield Label("How I can help them now")
            yield Input(placeholder="Looking for beta readers", id="help")
            yield Label("Tier")
            yield Select(TIERS, prompt="none (default cadence)", id="tier")
            yield Static(id="add-error", markup=False)
            with Horizontal(id="add-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add contact", id="add", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#candidates").display = False
        self.query_one("#name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _error(self, message: str) -> None:
        self.query_one("#add-error", Static).update(Text(message, style="bold red"))

    # ---- looking at the source -------------------------------------------

    @on(Button.Pressed, "#find")
    @on(Input.Submitted, "#source")
    def find_feed(self) -> None:
        source = self._value("source")
        if not source:
            self._status(Text("Type a site, a feed address or a shorthand first.", "yellow"))
            return
        try:
            feed_entry(source)
        except SourceError as exc:
            self._status(Text(str(exc), "red"))
            return
        self.probe = None
        self.query_one("#candidates").display = False
        self._status(Text(f"Looking at {source}…", "italic"))
        self.run_probe(source)

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def run_probe(self, source: str) -> None:
        self.post_message(self.Probed(probe_source(source)))

    def _status(self, text: Text) -> None:
        self.query_one("#probe-status", Static).update(text)

    @on(Probed)
    def show_probe(self, message: Probed) -> None:
        probe = message.probe
        if probe.source != self._value("source"):
            return  # the user changed the source meanwhile
        self.probe = probe
        choices = self.query_one("#candidates", SelectionList)
        choices.clear_options()
        if not probe.ok:
            self._status(Text(f"No feed found: {probe.error}", "red"))
            choices.display = False
            return
        where = f" on {probe.page}" if probe.page else ""
        count = len(probe.candidates)
        self._status(
            Text(f"✓ Found {count} feed{'s' if count != 1 else ''}{where}:", "green")
            if count > 1
            else Text(f"✓ Found a feed{where}:", "green")
        )
        for index, candidate in enumerate(probe.candidates):
            title = candidate.title or "(untitled)"
            label = Text(f"{title} · {candidate.entries} entries · {candidate.url}")
            choices.add_option((label, index, index == 0))
        choices.display = True

    # ---- adding ------------------------------------------------------------

    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        name = self._value("name")
        if not name:
            self._error("A contact needs a name.")
            self.query_one("#name", Input).focus()
            return
        clash = id_clash(self.workspace.book, name)
        if clash:
            self._error(clash)
            return
        feeds = self._chosen_feeds()
        if feeds is None:
            return
        tier = self.query_one("#tier", Select).value
        contact = contact_mapping(
            name,
            feeds,
            why=self._value("why"),
            help=self._value("help"),
            tier=tier if isinstance(tier, str) else None,
        )
        self.save(contact)

    def _chosen_feeds(self) -> list[dict[str, str]] | None:
        source = self._value("source")
        if not source:
            return []
        probe = self.probe
        if probe is None or probe.source != source:
            self._error("Press Find feed first, so you can see what the address gives.")
            return None
        if not probe.ok:
            try:
                return [feed_entry(source)]  # kept as typed; the refresh will report it
            except SourceError as exc:
                self._error(str(exc))
                return None
        chosen = self.query_one("#candidates", SelectionList).selected
        return [probe.candidates[index].entry for index in sorted(chosen)]

    @work(thread=True, exclusive=True, group="add", exit_on_error=False)
    def save(self, contact: dict[str, Any]) -> None:
        path = self.workspace.contacts_path
        try:
            text = text_with_contact(path, current_text(path), contact)
        except ContactsError as exc:
            first = exc.problems[0]
            self.app.call_from_thread(
                self._error,
                f"contacts.yaml has problems, so nothing was written. Fix them first "
                f"(press E): {first}",
            )
            return
        except (OSError, UnicodeError) as exc:
            self.app.call_from_thread(self._error, f"Cannot read contacts.yaml: {exc}")
            return
        report = self.workspace.save_contacts_text(text)
        self.post_message(self.Added(contact["name"], report))

    @on(Added)
    def added(self, message: Added) -> None:
        self.app.post_message(ContactsReloaded(message.report, SAVED))
        self.notify(f"Added {message.name} to contacts.yaml.", markup=False)
        self.dismiss()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()
