"""The "add contact" form: name, a site or feed, why they matter, how to help.

The source is looked at before anything is written: the user sees the feed
found (or the feeds a page points to) and picks. The new contact is appended
to the end of the `contacts:` list as text, through the app's one door for
changes to contacts.yaml; the rest of the file, comments included, is left
exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, SelectionList
from textual.worker import Worker

from trailtui.contacts import ContactsError, parse_contacts_for
from trailtui.contacts.adding import contact_mapping, current_text, id_clash, text_with_contact
from trailtui.contacts.files import save_text
from trailtui.feeds.probe import Probe, SourceError, feed_entry, probe_source
from trailtui.text import plural
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailModal
from trailtui.ui.widgets.notice import Notice
from trailtui.workspace import Workspace

TIERS = [("A: closest (every week)", "A"), ("B: regular", "B"), ("C: keep warm", "C")]


@dataclass(frozen=True)
class Appended:
    """What adding did: the contact's name, or why nothing was written."""

    name: str
    refused: str | None = None


def append_contact(path: Path, contact: dict[str, Any]) -> Appended:
    """Append one contact to the file at path, checked; in a worker thread.

    A file with problems or an id already taken writes nothing and says why."""
    try:
        text = current_text(path)
        book = parse_contacts_for(path, text) if text.strip() else None
    except ContactsError as exc:
        return Appended(
            contact["name"],
            f"contacts.yaml has problems, so nothing was written. Fix them first: "
            f"{exc.problems[0]}",
        )
    clash = id_clash(book, contact["name"])
    if clash:
        return Appended(contact["name"], clash)
    try:
        new_text = text_with_contact(path, text, contact)
    except ContactsError as exc:
        return Appended(contact["name"], f"Nothing was written: {exc.problems[0]}")
    save_text(path, new_text)
    return Appended(contact["name"])


class AddContactScreen(TrailModal[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="add.cancel"),
        Binding("ctrl+s", "add", "Add", show=False, id="add.add"),
    ]
    FAILURES = {"probe": Failure("Could not look at the source", "Nothing was written.")}

    @dataclass
    class Probed(Message):
        probe: Probe

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.probe: Probe | None = None
        self.saving = False

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
            yield Notice(id="probe-status")
            yield SelectionList[int](id="candidates")
            yield Label("Why they matter")
            yield Input(placeholder="Shares my view that tools should teach", id="why")
            yield Label("How I can help them now")
            yield Input(placeholder="Looking for beta readers", id="help")
            yield Label("Tier")
            yield Select(TIERS, prompt="none (default cadence)", id="tier")
            yield Notice(id="add-error")
            with Horizontal(id="add-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add contact", id="add", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#candidates").display = False
        self.query_one("#name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _error(self, message: str) -> None:
        self.query_one("#add-error", Notice).say(message, "error")

    def _status(self, text: str, tone: Any = "") -> None:
        self.query_one("#probe-status", Notice).say(text, tone)

    @property
    def base_dir(self) -> Path:
        """Relative feed paths are relative to the contacts file."""
        return self.workspace.contacts_path.parent

    # ---- looking at the source -------------------------------------------

    @on(Button.Pressed, "#find")
    @on(Input.Submitted, "#source")
    def find_feed(self) -> None:
        source = self._value("source")
        if not source:
            self._status("Type a site, a feed address or a shorthand first.", "warning")
            return
        try:
            feed_entry(source, base_dir=self.base_dir)
        except SourceError as exc:
            self._status(str(exc), "error")
            return
        self.probe = None
        self.query_one("#candidates").display = False
        self._status(f"Looking at {source}…", "busy")
        self.run_probe(source)

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def run_probe(self, source: str) -> None:
        self.post_message(self.Probed(probe_source(source, base_dir=self.base_dir)))

    @on(Probed)
    def show_probe(self, message: Probed) -> None:
        probe = message.probe
        if probe.source != self._value("source"):
            return  # the user changed the source meanwhile
        self.probe = probe
        choices = self.query_one("#candidates", SelectionList)
        choices.clear_options()
        if not probe.ok:
            self._status(f"No feed found: {probe.error}", "error")
            choices.display = False
            return
        where = f" on {probe.page}" if probe.page else ""
        count = len(probe.candidates)
        self._status(
            f"✓ Found {plural(count, 'feed')}{where}:" if count > 1 else f"✓ Found a feed{where}:",
            "ok",
        )
        for index, candidate in enumerate(probe.candidates):
            title = candidate.title or "(untitled)"
            label = f"{title} · {plural(candidate.entries, 'entry', 'entries')} · {candidate.url}"
            choices.add_option((label, index, index == 0))
        choices.display = True

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "probe":
            self._status("Could not look at it (see the message).", "error")

    # ---- adding ------------------------------------------------------------

    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        if self.saving:
            return
        name = self._value("name")
        if not name:
            self._error("A contact needs a name.")
            self.query_one("#name", Input).focus()
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
        self.saving = True
        self.query_one("#add", Button).disabled = True
        self.query_one("#add-error", Notice).say(f"Adding {name}…", "busy")
        change = ContactsChange(
            f"Adding {name}",
            partial(append_contact, self.workspace.contacts_path, contact),
            kept="contacts.yaml was not changed; the form still holds what you typed.",
        )
        self.post_message(WriteContacts(change, self))

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
                # kept as typed; the refresh will report it
                return [feed_entry(source, base_dir=self.base_dir)]
            except SourceError as exc:
                self._error(str(exc))
                return None
        chosen = self.query_one("#candidates", SelectionList).selected
        return [probe.candidates[index].entry for index in sorted(chosen)]

    @on(ContactsWritten)
    def added(self, message: ContactsWritten) -> None:
        self.saving = False
        self.query_one("#add", Button).disabled = False
        result = message.result
        assert isinstance(result, Appended)
        if result.refused is not None:
            edit = key_for(self.app.screen_stack[0], "edit_contacts")
            hint = f" (press {edit} in the feed to edit the file)" if edit else ""
            self._error(result.refused + hint)
            return
        self.notify(f"Added {result.name} to contacts.yaml.", markup=False)
        self.dismiss()

    @on(ContactsWriteFailed)
    def add_failed(self, message: ContactsWriteFailed) -> None:
        self.saving = False
        self.query_one("#add", Button).disabled = False
        self._error("Nothing was added (see the message). Your entries are still here.")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()
