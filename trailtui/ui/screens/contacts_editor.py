"""Editing contacts.yaml inside the app, validated as you type.

The user's text is saved exactly as written (comments, order, spacing), and
atomically with a backup. An invalid file is only saved when the user says
so; the app then keeps running on the last valid contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from trailtui.contacts import ContactsError, Problem, parse_contacts_for
from trailtui.contacts.files import backup_path
from trailtui.store.sync import SyncReport
from trailtui.ui.messages import SAVED, ContactsReloaded
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.widgets.yaml_editor import YamlEditor
from trailtui.workspace import Workspace

VALIDATE_AFTER = 0.3  # seconds of quiet typing before the text is checked


@dataclass(frozen=True)
class Verdict:
    """What validating one version of the text found."""

    text: str
    problems: list[Problem]
    contacts: int = 0
    feeds: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(text: str, workspace: Workspace) -> Verdict:
    path = workspace.contacts_path
    try:
        book = parse_contacts_for(path, text)
    except ContactsError as exc:
        return Verdict(text, exc.problems)
    return Verdict(text, [], len(book.contacts), book.feed_count)


class ContactsEditor(Screen[None]):
    """contacts.yaml in a YAML editor, with its problems listed underneath."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save contacts.yaml and reload it"),
        Binding("f8", "next_problem", "Next problem", tooltip="Jump to the next problem"),
        Binding("escape", "close", "Close", tooltip="Back to the feed"),
    ]

    @dataclass
    class Validated(Message):
        verdict: Verdict

    @dataclass
    class Saved(Message):
        verdict: Verdict
        report: SyncReport | None

    def __init__(self, workspace: Workspace, text: str, *, new_file: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.initial_text = text
        self.saved_text = "" if new_file else text  # a new file is unsaved until saved
        self.verdict: Verdict | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield YamlEditor(self.initial_text, id="yaml")
        yield Static(id="editor-status", markup=False)
        yield OptionList(id="problems")
        yield Footer()

    @property
    def editor(self) -> YamlEditor:
        return self.query_one(YamlEditor)

    @property
    def modified(self) -> bool:
        return self.editor.text != self.saved_text

    def on_mount(self) -> None:
        self.sub_title = f"editing {self.workspace.contacts_path}"
        self.query_one("#problems").display = False
        self.editor.focus()
        self.check(self.initial_text)

    # ---- validation ----------------------------------------------------

    @on(TextArea.Changed)
    def text_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(VALIDATE_AFTER, lambda: self.check(self.editor.text))
        self._show_status()

    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def check(self, text: str) -> None:
        self.post_message(self.Validated(validate(text, self.workspace)))

    @on(Validated)
    def show_verdict(self, message: Validated) -> None:
        if message.verdict.text != self.editor.text:
            return  # the user typed on; a newer check is coming
        self.verdict = verdict = message.verdict
        self.editor.mark_problems(p.line - 1 for p in verdict.problems if p.line)
        problems = self.query_one("#problems", OptionList)
        problems.clear_options()
        problems.add_options(
            Option(Text(_describe(problem), style="red"), id=str(index))
            for index, problem in enumerate(verdict.problems)
        )
        problems.display = bool(verdict.problems)
        self._show_status()
        # The list takes room from the editor: keep the line being typed in view.
        self.call_after_refresh(self.editor.scroll_cursor_visible)

    def _show_status(self) -> None:
        verdict = self.verdict
        parts = [self.workspace.contacts_path.name, "modified" if self.modified else "saved"]
        if verdict is None or verdict.text != self.editor.text:
            parts.append("checking…")
        elif verdict.ok:
            parts.append(f"✓ valid: {verdict.contacts} contacts, {verdict.feeds} feeds")
        else:
            count = len(verdict.problems)
            parts.append(
                f"✗ {count} problem{'s' if count != 1 else ''} "
                "(F8 jumps to the next; Enter on one below jumps to it)"
            )
        self.query_one("#editor-status", Static).update(" · ".join(parts))

    @on(OptionList.OptionSelected, "#problems")
    def jump_to_selected(self, event: OptionList.OptionSelected) -> None:
        if self.verdict is not None and event.option_id is not None:
            self._jump(self.verdict.problems[int(event.option_id)])

    def _jump(self, problem: Problem) -> None:
        if problem.line is None:
            self.notify(str(problem), severity="warning", markup=False)
            return
        row = problem.line - 1
        line = self.editor.document.get_line(row) if row < self.editor.document.line_count else ""
        column = min((problem.column or 1) - 1, len(line))
        self.editor.move_cursor((row, column), center=True)
        self.editor.focus()

    def action_next_problem(self) -> None:
        verdict = self.verdict
        located = [p for p in verdict.problems if p.line] if verdict else []
        if not located:
            self.notify("No problems found.", timeout=2)
            return
        row = self.editor.cursor_location[0] + 1
        after = [p for p in located if p.line and p.line > row]
        self._jump((after or located)[0])

    # ---- saving ----------------------------------------------------------

    def action_save(self) -> None:
        self.check_then_save(self.editor.text)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def check_then_save(self, text: str) -> None:
        verdict = validate(text, self.workspace)
        self.app.call_from_thread(self._save_if_allowed, verdict)

    def _save_if_allowed(self, verdict: Verdict) -> None:
        if verdict.ok:
            self.write(verdict)
            return
        count = len(verdict.problems)
        first = _describe(verdict.problems[0])
        self.app.push_screen(
            Confirm(
                f"contacts.yaml has {count} problem{'s' if count != 1 else ''}",
                f"{first}\n\nSave it anyway? trailtui keeps using your last valid contacts "
                "until the file is fixed.",
                yes="Save anyway",
                no="Keep editing",
            ),
            partial(self._confirmed, verdict),
        )

    def _confirmed(self, verdict: Verdict, yes: bool | None) -> None:
        if yes:
            self.write(verdict)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def write(self, verdict: Verdict) -> None:
        report = self.workspace.save_contacts_text(verdict.text)
        self.post_message(self.Saved(verdict, report))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.saved_text = message.verdict.text
        self._show_status()
        backup = backup_path(self.workspace.contacts_path)
        kept = f" (previous version in {backup.name})" if backup.exists() else ""
        if message.verdict.ok:
            self.notify(f"Saved and reloaded{kept}.", timeout=4, markup=False)
        else:
            self.notify(
                f"Saved with problems{kept}; still using your last valid contacts.",
                severity="warning",
                timeout=6,
                markup=False,
            )
        self.app.post_message(ContactsReloaded(message.report, SAVED))

    # ---- the file changed elsewhere -----------------------------------

    def file_changed_on_disk(self) -> None:
        """Another program changed the file: follow it unless we have edits."""
        if self.modified:
            self.notify(
                "contacts.yaml changed on disk. Saving here will replace that version "
                "(it is kept as the .bak).",
                severity="warning",
                timeout=8,
            )
            return
        try:
            text = self.workspace.read_contacts_text()
        except (OSError, UnicodeError):
            return
        if text != self.editor.text:
            cursor = self.editor.cursor_location
            self.editor.load_text(text)
            self.saved_text = text
            row = min(cursor[0], self.editor.document.line_count - 1)
            self.editor.move_cursor((row, cursor[1]))
            self.notify("Reloaded contacts.yaml: it changed on disk.", timeout=3)

    # ---- leaving -------------------------------------------------------

    def action_close(self) -> None:
        if not self.modified:
            self.dismiss()
            return
        self.app.push_screen(
            Confirm(
                "Unsaved changes",
                "Your edits to contacts.yaml are not saved. Leave and lose them?",
                yes="Discard changes",
                no="Keep editing",
            ),
            self._close_confirmed,
        )

    def _close_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.dismiss()


def _describe(problem: Problem) -> str:
    where = f"line {problem.line}" if problem.line else "file"
    if problem.line and problem.column:
        where += f", col {problem.column}"
    path = f" {problem.path}:" if problem.path else ""
    return f"{where}:{path} {problem.message}"
