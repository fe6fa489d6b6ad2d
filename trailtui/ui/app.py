"""The trailtui app: wires the workspace, styles and commands to the screens.

The app also owns the contacts file's life cycle: it watches the file, reloads
it (after an in-app save, an external editor, or an edit made elsewhere), and
applies the settings that change the app itself (key overrides, theme).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterable
from functools import partial

from textual import on, work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trailtui.contacts.watch import FileWatch
from trailtui.store.sync import SyncReport
from trailtui.ui.messages import SAVED, ContactsReloaded
from trailtui.ui.screens.contacts_editor import ContactsEditor
from trailtui.ui.screens.main import MainScreen, key_display
from trailtui.workspace import Workspace

WATCH_EVERY = 1.0  # seconds between looks at the contacts file


def editor_command() -> list[str]:
    """The user's editor ($VISUAL, then $EDITOR, then vi), split like a shell would."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        return shlex.split(editor) or ["vi"]
    except ValueError:
        return [editor]


class TrailApp(App[None]):
    CSS_PATH = "trailtui.tcss"
    TITLE = "trailtui"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Leave trailtui", id="quit"),
    ]

    def __init__(self, workspace: Workspace, *, watch_every: float = WATCH_EVERY) -> None:
        super().__init__()
        self.workspace = workspace
        self.sub_title = "demo" if workspace.demo else str(workspace.contacts_path)
        self.contacts_watch = FileWatch(workspace.contacts_path)
        self.watch_every = watch_every

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.workspace)

    def on_mount(self) -> None:
        self.apply_settings()
        self.set_interval(self.watch_every, self.check_contacts_file)
        if not self.workspace.contacts_exist and not self.workspace.demo:
            from trailtui.ui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.workspace))

    def get_system_commands(self, screen: Screen[None]) -> Iterable[SystemCommand]:
        """The palette offers every action that has a key, from the same bindings."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for binding in screen.BINDINGS:
                assert isinstance(binding, Binding)
                if binding.id in ("down", "up"):
                    continue
                key = key_display(self, binding)
                yield SystemCommand(
                    f"{binding.description} ({key})",
                    binding.tooltip or binding.description,
                    partial(screen.run_action, binding.action),
                )
            yield SystemCommand(
                "Import contacts",
                "Add people from an OPML, vCard or LinkedIn Connections.csv file",
                self.action_import_contacts,
            )

    # ---- settings from contacts.yaml ------------------------------------

    def apply_settings(self) -> None:
        """Key overrides and theme from `settings:`; a bad theme name is reported."""
        self.set_keymap(self.workspace.keymap)
        theme = self.workspace.theme
        if theme and theme != self.theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(
                    f"settings.theme: unknown theme {theme!r}; "
                    f"available: {', '.join(sorted(self.available_themes))}",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )

    # ---- the contacts file ---------------------------------------------

    def check_contacts_file(self) -> None:
        if self.contacts_watch.changed():
            self.reload_contacts("changed on disk")

    @work(thread=True, exclusive=True, group="contacts", exit_on_error=False)
    def reload_contacts(self, reason: str) -> None:
        report = self.workspace.reload_contacts()
        self.post_message(ContactsReloaded(report, reason))

    @on(ContactsReloaded)
    def contacts_reloaded(self, message: ContactsReloaded) -> None:
        workspace = self.workspace
        if message.reason == SAVED:
            self.contacts_watch.mark_seen()  # our own write: not a change to react to
        self.apply_settings()
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.contacts_changed()
            elif isinstance(screen, ContactsEditor) and message.reason != SAVED:
                screen.file_changed_on_disk()
        if workspace.problems:
            if message.reason == SAVED:
                return  # the editor has said so, with the problems listed
            self.notify(
                "\n".join(str(p) for p in workspace.problems[:5])
                + "\nStill using your last valid contacts.",
                title=f"contacts.yaml {message.reason}: it has problems",
                severity="error",
                timeout=15,
                markup=False,
            )
        elif message.report is not None and message.reason != SAVED:
            self.notify(_describe_sync(message.report), title=f"contacts.yaml {message.reason}")

    # ---- editing ---------------------------------------------------------

    def action_edit_contacts(self) -> None:
        """Open contacts.yaml in the in-app editor (a starter text if it is new)."""
        workspace = self.workspace
        new_file = not workspace.contacts_exist
        if new_file:
            from trailtui.contacts.starter import STARTER

            text = STARTER
        else:
            try:
                text = workspace.read_contacts_text()
            except (OSError, UnicodeError) as exc:
                reason = "it is not UTF-8 text" if isinstance(exc, UnicodeError) else str(exc)
                self.notify(
                    f"Cannot edit {workspace.contacts_path} here: {reason}.",
                    severity="error",
                    markup=False,
                )
                return
        self.push_screen(ContactsEditor(workspace, text, new_file=new_file))

    def action_edit_external(self) -> None:
        """Hand the terminal to $VISUAL/$EDITOR, then validate and reload."""
        path = self.workspace.contacts_path
        if not path.exists():
            from trailtui.contacts.files import save_text
            from trailtui.contacts.starter import STARTER

            save_text(path, STARTER)  # the reload after the editor picks it up
        command = [*editor_command(), str(path)]
        try:
            with self.suspend():
                completed = subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand over to another editor; press E to edit here.",
                severity="warning",
            )
            return
        except OSError as exc:
            self.notify(f"Could not start {command[0]}: {exc}", severity="error", markup=False)
            return
        if completed.returncode != 0:
            self.notify(f"{command[0]} exited with status {completed.returncode}.", timeout=4)
        if self.contacts_watch.changed():
            self.reload_contacts("edited")
        else:
            self.notify("contacts.yaml unchanged.", timeout=2)

    def action_add_contact(self) -> None:
        from trailtui.ui.screens.add_contact import AddContactScreen

        self.push_screen(AddContactScreen(self.workspace))

    def action_import_contacts(self) -> None:
        from trailtui.ui.screens.import_contacts import ImportScreen

        self.push_screen(ImportScreen(self.workspace))


def _describe_sync(report: SyncReport) -> str:
    parts = []
    if report.added:
        parts.append(f"{len(report.added)} added")
    if report.updated:
        parts.append(f"{len(report.updated)} updated")
    if report.archived:
        parts.append(f"{len(report.archived)} archived (their trail is kept)")
    if report.restored:
        parts.append(f"{len(report.restored)} restored")
    if report.feeds_added or report.feeds_removed:
        parts.append(f"{report.feeds_added} feeds added, {report.feeds_removed} removed")
    return "Reloaded: " + (", ".join(parts) if parts else "no changes to your contacts") + "."
