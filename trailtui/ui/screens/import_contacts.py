"""Importing people in the app: choose a file, read the plan, then apply it.

Exactly what `trailtui import` does: the plan comes first (who would be
added, who is already there and what they gain, what is skipped and why) and
nothing is written until the user presses the button that applies it (adds
the new contacts and inserts the new links, feeds and tags into the others).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from trailtui.interop.apply import ImportOutcome, PlannedImport, apply_plan, plan_file
from trailtui.interop.plan import ADD, SKIP, ImportPlan
from trailtui.text import plural
from trailtui.ui.errors import Failure
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailModal
from trailtui.workspace import Workspace


def render_plan(plan: ImportPlan) -> RenderableType:
    adds, merges, skips = plan.of(ADD), plan.to_merge(), plan.of(SKIP)
    by_hand = plan.by_hand()
    summary = (
        f"{len(plan.items)} found: {len(adds)} to add, "
        f"{plural(len(plan.merges()), 'contact')} already there to update with something new"
    )
    if by_hand:
        summary += f", {len(by_hand)} to merge by hand"
    lines: list[RenderableType] = [Text(f"{summary}, {len(skips)} skipped.", style="bold")]
    for item in adds:
        lines.append(Text(f"+ {item.name}  [{item.source}]", style="green"))
        lines.extend(Text(f"    note: {note}", style="dim") for note in item.notes)
    for item in merges:
        lines.append(Text(f"~ {item.name} → {item.target}: {item.reason}", style="yellow"))
        lines.extend(Text(f"    note: {note}", style="dim") for note in item.notes)
    for item in by_hand:
        lines.append(Text(f"? {item.name} → {item.target}: {item.reason}", style="yellow"))
        lines.append(Text(f"    {item.by_hand}", style="bold yellow"))
    for item in skips:
        lines.append(Text(f"- {item.name or '(no name)'}: {item.reason}", style="dim"))
    return Group(*lines)


def apply_label(plan: ImportPlan) -> str:
    """The apply button's label: what pressing it does."""
    added, updated = len(plan.new_contacts()), len(plan.merges())
    if added and updated:
        return f"Add {added}, update {updated}"
    if updated:
        return f"Update {plural(updated, 'contact')}"
    return f"Add {plural(added, 'contact')}"


class ImportScreen(TrailModal[None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]
    FAILURES = {"import": Failure("Could not read the file", "Nothing was written.")}

    @dataclass
    class Planned(Message):
        result: PlannedImport | str  # or why there is no plan

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.planned: PlannedImport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Import contacts", id="import-title")
            yield Label(
                "An OPML file from your feed reader, a vCard file, or LinkedIn's Connections.csv"
            )
            yield Input(placeholder="~/Downloads/Connections.csv", id="import-path")
            with VerticalScroll(id="import-plan-box"):
                yield Static(id="import-plan", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Read the file", id="read")
                yield Button("Add them", id="apply", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def _show(self, renderable: RenderableType) -> None:
        self.query_one("#import-plan", Static).update(renderable)

    @on(Button.Pressed, "#read")
    @on(Input.Submitted, "#import-path")
    def read_file(self) -> None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self._show(Text("Type the path of the file to import.", style="yellow"))
            return
        self.planned = None
        self.query_one("#apply", Button).disabled = True
        self._show(Text(f"Reading {path}…", style="italic"))
        self.make_plan(path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def make_plan(self, path: str) -> None:
        self.post_message(
            self.Planned(plan_file(Path(path).expanduser(), self.workspace.contacts_path))
        )

    @on(Planned)
    def show_plan(self, message: Planned) -> None:
        if isinstance(message.result, str):
            self._show(Text(message.result, style="bold red"))
            return
        self.planned = planned = message.result
        self._show(render_plan(planned.plan))
        button = self.query_one("#apply", Button)
        button.label = apply_label(planned.plan)
        button.disabled = not planned.plan.new_contacts() and not planned.plan.merges()
        if not button.disabled:
            button.focus()  # Enter now applies the plan just read

    def worker_failed(self, worker: Worker[object]) -> None:
        self._show(Text("The file could not be read (see the message).", style="bold"))

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        planned = self.planned
        if planned is None:
            return
        self.query_one("#apply", Button).disabled = True
        change = ContactsChange(
            "Importing contacts",
            partial(apply_plan, planned),
            kept="contacts.yaml was not changed; the plan is still shown.",
        )
        self.post_message(WriteContacts(change, self))

    @on(ContactsWritten)
    def applied(self, message: ContactsWritten) -> None:
        outcome = message.result
        assert isinstance(outcome, ImportOutcome)
        if outcome.error is not None:
            self._show(Text(outcome.error, style="bold"))
            return
        self.notify(outcome.summary(self.workspace.contacts_path), markup=False)
        self.dismiss()

    @on(ContactsWriteFailed)
    def apply_failed(self, message: ContactsWriteFailed) -> None:
        self.query_one("#apply", Button).disabled = False

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()
