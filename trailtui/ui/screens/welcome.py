"""First run: there is no contacts file yet. Say where it goes and offer a start."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Static

from trailtui.paths import display_path
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailModal
from trailtui.workspace import Workspace


class WelcomeScreen(TrailModal[None]):
    BINDINGS = [
        Binding("escape", "dismiss_screen", "Not now", id="welcome.later"),
        Binding("down,j", "app.focus_next", "Next", show=False, id="welcome.next"),
        Binding("up,k", "app.focus_previous", "Previous", show=False, id="welcome.previous"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        path = self.workspace.contacts_path
        with Vertical(id="welcome"):
            yield Static(
                Text.assemble(
                    ("Welcome to trailtui\n\n", "bold"),
                    "trailtui keeps the few dozen people who matter most to you in view: "
                    "their posts merged into one feed, and a trail of every like, comment, "
                    "thanks and offer of help you leave them.\n\n",
                    "Your people live in one file you own and can edit by hand:\n",
                    (f"  {display_path(path)}\n", "bold"),
                    "It does not exist yet."
                    if not self.workspace.contacts_path.exists()
                    else "It is empty.",
                ),
                id="welcome-text",
            )
            yield Button(
                "Create it from a commented example and edit it", id="starter", compact=True
            )
            yield Button("Add my first contact", id="add", compact=True)
            yield Button("Import contacts (OPML, vCard, LinkedIn CSV)", id="import", compact=True)
            yield Button("Not now", id="later", compact=True)
            yield Static(
                Text("To look around with made-up people first, quit and run: trailtui --demo"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#starter", Button).focus()

    @on(Button.Pressed, "#starter")
    def create_starter(self) -> None:
        self.query_one("#starter", Button).disabled = True
        change = ContactsChange(
            f"Creating {self.workspace.contacts_path.name}",
            self.workspace.write_starter,
            kept="Nothing was written.",
        )
        self.post_message(WriteContacts(change, self))

    @on(ContactsWritten)
    def created(self, message: ContactsWritten) -> None:
        self.dismiss()
        self.notify(f"Created {display_path(self.workspace.contacts_path)}.", markup=False)
        self.app.call_later(self.app.run_action, "edit_contacts")

    @on(ContactsWriteFailed)
    def not_created(self, message: ContactsWriteFailed) -> None:
        self.query_one("#starter", Button).disabled = False

    @on(Button.Pressed, "#add")
    def add_first(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "add_contact")

    @on(Button.Pressed, "#import")
    def import_file(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "import_contacts")

    @on(Button.Pressed, "#later")
    def action_dismiss_screen(self) -> None:
        self.dismiss()
