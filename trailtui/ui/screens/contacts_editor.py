"""Editing contacts.yaml inside the app, validated as you type.

The user's text is saved exactly as written (comments, order, spacing),
atomically with a backup, through the app's one door for changes to the
file. An invalid file is only saved when the user says so; the app then
keeps running on the last valid contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, TextArea
from textual.widgets.option_list import Option

from trailtui.contacts import ContactsError, Problem, parse_contacts_for
from trailtui.contacts.files import save_text
from trailtui.paths import display_path
from trailtui.text import plural
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.widgets.notice import Notice, Tone
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


def validate(text: str, path: Path) -> Verdict:
    try:
        book = parse_contacts_for(path, text)
    except ContactsError as exc:
        return Verdict(text, exc.problems)
    return Verdict(text, [], len(book.contacts), book.feed_count)


@dataclass(frozen=True)
class Written:
    text: str
    backup: Path | None
    ok: bool  # the text had no problems


def write_text(path: Path, verdict: Verdict) -> Written:
    """The door's write for the editor: the text exactly as typed."""
    return Written(verdict.text, save_text(path, verdict.text), verdict.ok)


class ContactsEditor(TrailScreen[None]):
    """contacts.yaml in a YAML editor, with its problems listed underneath."""

    BINDINGS = [
        # Priority: a key the user picks for saving must save, even one the text
        # area would otherwise take (ctrl+w deletes a word there).
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save contacts.yaml and reload it",
            priority=True,
            id="editor.save",
        ),
        Binding(
            "f8",
            "next_problem",
            "Next problem",
            tooltip="Jump to the next problem",
            id="editor.next_problem",
        ),
        # A priority binding: the text area would otherwise take Escape to move
        # the focus, and the first press would do nothing the user can see.
        Binding(
            "escape",
            "close",
            "Close",
            tooltip="Back to the feed (asks first if there are unsaved edits)",
            priority=True,
            id="editor.close",
        ),
    ]
    FAILURES = {
        "validate": Failure("Could not check the text", "Your text is still here."),
        "save": Failure("Could not save contacts.yaml", "Your text is still here in the editor."),
        "follow": Failure("Could not read contacts.yaml again", "Your text is still here."),
    }

    @dataclass
    class Validated(Message):
        verdict: Verdict

    def __init__(self, workspace: Workspace, text: str, *, new_file: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.initial_text = text
        self.saved_text = "" if new_file else text  # a new file is unsaved until saved
        self.verdict: Verdict | None = None
        self.saving = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield YamlEditor(self.initial_text, id="yaml")
        yield Notice(id="editor-status")
        yield OptionList(id="problems")
        yield Footer()

    @property
    def editor(self) -> YamlEditor:
        return self.query_one(YamlEditor)

    @property
    def path(self) -> Path:
        return self.workspace.contacts_path

    @property
    def modified(self) -> bool:
        return self.editor.text != self.saved_text

    def on_mount(self) -> None:
        self.sub_title = f"editing {display_path(self.path)}"
        self.query_one("#problems").display = False
        self.editor.focus()
        self.check(self.initial_text)

    # ---- validation ----------------------------------------------------

    @on(TextArea.Changed)
    def text_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(VALIDATE_AFTER, lambda: self.check(self.editor.text))
        self.show_status()

    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def check(self, text: str) -> None:
        self.post_message(self.Validated(validate(text, self.path)))

    @on(Validated)
    def show_verdict(self, message: Validated) -> None:
        if message.verdict.text != self.editor.text:
            return  # the user typed on; a newer check is coming
        self.verdict = verdict = message.verdict
        self.editor.mark_problems(p.line - 1 for p in verdict.problems if p.line)
        problems = self.query_one("#problems", OptionList)
        problems.clear_options()
        problems.add_options(
            Option(Text(describe(problem)), id=str(index))
            for index, problem in enumerate(verdict.problems)
        )
        problems.display = bool(verdict.problems)
        self.show_status()
        # The list takes room from the editor: keep the line being typed in view.
        self.call_after_refresh(self.editor.scroll_cursor_visible)

    def show_status(self) -> None:
        verdict = self.verdict
        parts = [self.path.name, "modified" if self.modified else "saved"]
        tone: Tone = "busy"
        if self.saving:
            parts.append("saving…")
        elif verdict is None or verdict.text != self.editor.text:
            parts.append("checking…")
        elif verdict.ok:
            tone = "ok"
            parts.append(
                f"✓ valid: {plural(verdict.contacts, 'contact')}, {plural(verdict.feeds, 'feed')}"
            )
        else:
            tone = "error"
            jump = key_for(self, "editor.next_problem")
            how = f"{jump} jumps to the next; " if jump else ""
            parts.append(
                f"✗ {plural(len(verdict.problems), 'problem')} "
                f"({how}Enter on one below jumps to it)"
            )
        self.query_one("#editor-status", Notice).say(" · ".join(parts), tone)

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
        if not self.saving:
            self.check_then_save(self.editor.text)

    # Its own group: a check started by the last key (exclusive in "validate")
    # must not cancel the save before it runs.
    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def check_then_save(self, text: str) -> None:
        verdict = validate(text, self.path)
        self.app.call_from_thread(self._save_if_allowed, verdict)

    def _save_if_allowed(self, verdict: Verdict) -> None:
        if verdict.ok:
            self.write(verdict)
            return
        first = describe(verdict.problems[0])
        self.app.push_screen(
            Confirm(
                f"contacts.yaml has {plural(len(verdict.problems), 'problem')}",
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

    def write(self, verdict: Verdict) -> None:
        self.saving = True
        self.show_status()
        change = ContactsChange(
            "Saving contacts.yaml",
            partial(write_text, self.path, verdict),
            kept="Your text is still here in the editor; contacts.yaml on disk was not changed.",
        )
        self.post_message(WriteContacts(change, self))

    @on(ContactsWritten)
    def saved(self, message: ContactsWritten) -> None:
        self.saving = False
        written = message.result
        assert isinstance(written, Written)
        self.saved_text = written.text
        self.show_status()
        kept = f" (previous version in {written.backup.name})" if written.backup else ""
        if written.ok:
            self.notify(f"Saved and reloaded{kept}.", timeout=4, markup=False)
        else:
            self.notify(
                f"Saved with problems{kept}; still using your last valid contacts.",
                severity="warning",
                timeout=6,
                markup=False,
            )

    @on(ContactsWriteFailed)
    def save_failed(self, message: ContactsWriteFailed) -> None:
        self.saving = False
        self.show_status()

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
        self.follow_file()

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def follow_file(self) -> None:
        try:
            text = self.workspace.read_contacts_text()
        except (OSError, UnicodeError):
            return
        self.app.call_from_thread(self._load_from_disk, text)

    def _load_from_disk(self, text: str) -> None:
        if self.modified or text == self.editor.text:
            return
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


def describe(problem: Problem) -> str:
    where = f"line {problem.line}" if problem.line else "file"
    if problem.line and problem.column:
        where += f", col {problem.column}"
    path = f" {problem.path}:" if problem.path else ""
    return f"{where}:{path} {problem.message}"
