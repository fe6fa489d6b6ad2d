"""Importing people in the app: choose a file, read the plan, choose, then apply it.

Exactly what `trailtui import` does: the plan comes first (who would be
added, who is already there and what they gain, what is skipped and why) and
nothing is written until the user presses the button that applies it. Before
that, each person can be left out (untick) or renamed (an OPML file names
people after their blogs when it cannot tell): the plan is made again with
those choices, ids and matches included.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from trailtui.interop.apply import ImportOutcome, PlannedImport, apply_plan, plan_file
from trailtui.interop.plan import ADD, MERGE, SKIP, ChoiceError, ImportPlan, PlanItem
from trailtui.text import plural
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailModal
from trailtui.ui.screens.prompt import TextPrompt
from trailtui.ui.theme import Tone, tones
from trailtui.ui.widgets.notice import Notice
from trailtui.workspace import Workspace


def summary(plan: ImportPlan) -> str:
    adds, skips = plan.of(ADD), plan.of(SKIP)
    text = (
        f"{len(plan.items)} found: {len(adds)} to add, "
        f"{plural(len(plan.merges()), 'contact')} already there to update with something new"
    )
    if plan.by_hand():
        text += f", {len(plan.by_hand())} to merge by hand"
    return f"{text}, {len(skips)} skipped."


def apply_label(plan: ImportPlan) -> str:
    """The apply button's label: what pressing it does."""
    added, updated = len(plan.new_contacts()), len(plan.merges())
    if added and updated:
        return f"Add {added}, update {updated}"
    if updated:
        return f"Update {plural(updated, 'contact')}"
    if added:
        return f"Add {plural(added, 'contact')}"
    return "Nothing to add"


def choosable(plan: ImportPlan) -> list[PlanItem]:
    """The entries the user decides on: new people and updates (not what is skipped)."""
    return [item for item in plan.items if item.action in (ADD, MERGE) and not item.by_hand]


def choice_label(item: PlanItem, styles: dict[Tone, Style]) -> Text:
    if item.action == ADD:
        new_id = (item.contact or {}).get("id")
        label = Text.assemble(("+ ", styles["ok"]), item.name, (f"  [{item.source}]", "dim"))
        if new_id:
            label.append(f"  id {new_id}", style="dim")
    else:
        label = Text.assemble(("~ ", styles["warning"]), f"{item.name} → {item.target}")
        label.append(f": {item.reason}", style="dim")
    return label


class ImportScreen(TrailModal[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
        Binding(
            "f2",
            "rename",
            "Rename",
            tooltip="Rename the highlighted person before importing",
            id="import.rename",
        ),
    ]
    FAILURES = {
        "import": Failure("Could not read the file", "Nothing was written."),
        "replan": Failure("Could not plan the import again", "Nothing was written."),
    }

    @dataclass
    class Planned(Message):
        result: PlannedImport | str  # or why there is no plan

    @dataclass
    class Replanned(Message):
        planned: PlannedImport | None
        renames: dict[str, str]
        refusal: str | None = None  # a choice the plan refused, and why

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.first: PlannedImport | None = None  # as read, before any choice
        self.planned: PlannedImport | None = None  # with the user's choices
        self.skip: set[str] = set()
        self.renames: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Import contacts", id="import-title")
            yield Label(
                "An OPML file from your feed reader, a vCard file, or LinkedIn's Connections.csv"
            )
            yield Input(placeholder="~/Downloads/Connections.csv", id="import-path")
            yield Notice(id="import-summary")
            yield SelectionList[str](id="import-choices")
            with VerticalScroll(id="import-plan-box"):
                yield Static(id="import-plan", markup=False)
            yield Static(id="import-hint", markup=False, classes="hint")
            with Horizontal(id="import-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Read the file", id="read")
                yield Button("Add them", id="apply", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#import-choices").display = False
        self.query_one("#import-path", Input).focus()

    def _show(self, renderable: RenderableType) -> None:
        self.query_one("#import-plan", Static).update(renderable)

    def _say(self, text: str, tone: Any = "") -> None:
        self.query_one("#import-summary", Notice).say(text, tone)

    # ---- reading the file ------------------------------------------------

    @on(Button.Pressed, "#read")
    @on(Input.Submitted, "#import-path")
    def read_file(self) -> None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self._say("Type the path of the file to import.", "warning")
            return
        self.first = self.planned = None
        self.skip, self.renames = set(), {}
        self.query_one("#apply", Button).disabled = True
        self.query_one("#import-choices").display = False
        self._show("")
        self._say(f"Reading {path}…", "busy")
        self.make_plan(path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def make_plan(self, path: str) -> None:
        self.post_message(
            self.Planned(plan_file(Path(path).expanduser(), self.workspace.contacts_path))
        )

    @on(Planned)
    def show_first_plan(self, message: Planned) -> None:
        if isinstance(message.result, str):
            self._say(message.result, "error")
            return
        self.first = message.result
        self.show_plan(message.result)

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "import":
            self._say("The file could not be read (see the message).", "error")

    def show_plan(self, planned: PlannedImport) -> None:
        self.planned = planned
        plan = planned.plan
        styles = tones(self)
        self._say(summary(plan), "ok" if plan.new_contacts() or plan.merges() else "")
        choices = self.query_one("#import-choices", SelectionList)
        highlighted = choices.highlighted
        choices.clear_options()
        first = self.first.plan if self.first is not None else plan
        # Every entry that can be chosen in the plan as first read, ticked unless
        # left out: leaving one out must not make it vanish from the list.
        for item in choosable(first):
            current = self._current(plan, item.key) or item
            choices.add_option(
                Selection(choice_label(current, styles), item.key, item.key not in self.skip)
            )
        choices.display = bool(choices.option_count)
        if highlighted is not None and highlighted < choices.option_count:
            choices.highlighted = highlighted
        self.show_details()
        button = self.query_one("#apply", Button)
        button.label = apply_label(plan)
        button.disabled = not plan.new_contacts() and not plan.merges()
        rename, toggle = key_for(self, "import.rename", "F2"), "Space"
        self.query_one("#import-hint", Static).update(
            Text(
                f"{toggle} leaves a person out or brings them back · {rename} renames one · "
                "the button applies what is ticked",
                style="dim",
            )
        )
        if choices.display and self.focused is self.query_one("#import-path"):
            choices.focus()

    @on(SelectionList.SelectionHighlighted, "#import-choices")
    def show_details(self) -> None:
        """Under the list: what the plan says of the highlighted person, then
        what is skipped and why."""
        if self.planned is None:
            return
        plan = self.planned.plan
        choices = self.query_one("#import-choices", SelectionList)
        parts: list[RenderableType] = []
        if choices.highlighted is not None and choices.option_count:
            key = choices.get_option_at_index(choices.highlighted).value
            item = self._current(plan, key)
            if item is not None:
                parts.append(Text(f"{item.name}  [{item.source}]", style="bold"))
                if item.reason:
                    parts.append(Text(item.reason))
                parts.extend(Text(f"  note: {note}", style="dim") for note in item.notes)
            elif key in self.skip:
                parts.append(
                    Text("Left out of this import (tick it to bring it back).", style="dim")
                )
        skips = [item for item in plan.of(SKIP) if item.key not in self.skip]
        if skips:
            parts.append(Text(f"\nSkipped ({len(skips)}):", style="bold"))
            parts.extend(
                Text(f"- {item.name or '(no name)'}: {item.reason}", style="dim") for item in skips
            )
        for item in plan.by_hand():
            parts.append(Text(f"? {item.name} → {item.target}: {item.by_hand}", style="bold"))
        self._show(Group(*parts))

    @staticmethod
    def _current(plan: ImportPlan, key: str) -> PlanItem | None:
        try:
            return plan.item(key)
        except KeyError:
            return None

    # ---- choosing ------------------------------------------------------

    @on(SelectionList.SelectedChanged, "#import-choices")
    def choices_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        if self.first is None:
            return
        chosen = set(event.selection_list.selected)
        skip = {item.key for item in choosable(self.first.plan)} - chosen
        if skip != self.skip:
            self.skip = skip
            self.replan(self.first, frozenset(skip), dict(self.renames))

    def action_rename(self) -> None:
        choices = self.query_one("#import-choices", SelectionList)
        if self.planned is None or choices.highlighted is None:
            return
        key = choices.get_option_at_index(choices.highlighted).value
        item = self._current(self.planned.plan, key)
        if item is None or item.action != ADD:
            self._say("Only a new contact can be renamed here.", "warning")
            return
        self.app.push_screen(
            TextPrompt(f"A name for {item.name} [{item.source}]", value=item.name),
            partial(self._renamed, key),
        )

    def _renamed(self, key: str, name: str | None) -> None:
        if name and self.first is not None:
            self.replan(self.first, frozenset(self.skip), {**self.renames, key: name})

    @work(thread=True, exclusive=True, group="replan", exit_on_error=False)
    def replan(self, first: PlannedImport, skip: frozenset[str], renames: dict[str, str]) -> None:
        try:
            planned = first.with_choices(skip=skip, rename=renames)
        except ChoiceError as exc:
            self.post_message(self.Replanned(None, renames, exc.reason))
            return
        self.post_message(self.Replanned(planned, renames))

    @on(Replanned)
    def replanned(self, message: Replanned) -> None:
        if message.planned is None:
            self._say(f"Not renamed: {message.refusal}.", "error")
            return
        self.renames = message.renames
        self.show_plan(message.planned)

    # ---- applying ------------------------------------------------------

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
            self._say(outcome.error, "error")
            return
        self.notify(outcome.summary(self.workspace.contacts_path), markup=False)
        self.dismiss()

    @on(ContactsWriteFailed)
    def apply_failed(self, message: ContactsWriteFailed) -> None:
        self.query_one("#apply", Button).disabled = False

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()
