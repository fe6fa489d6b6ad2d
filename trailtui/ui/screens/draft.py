"""A draft: words to someone about a post (or about them), from a template,
kept as they are typed, posted with one key.

The default template is filled in and the cursor waits at its end, so `c`,
a few words and ctrl+s is a whole comment. Posting copies the text, opens
the post's page (or the platform's reply or compose page), and records the
trail in the same transaction that marks the draft posted.

Never lost: the text is saved half a second after the last key (in a
thread, never in the way of typing), when the screen closes, when the app
exits, and when the terminal goes away (SIGHUP) or the process is asked to
stop (SIGTERM): while a draft is open those save first, then end the app.
"""

from __future__ import annotations

import difflib
import signal
import threading
from collections.abc import Collection
from dataclasses import dataclass
from types import FrameType
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Label, Select, Static, TextArea
from textual.worker import Worker

from trailtui.logs import logger
from trailtui.safety import clean_text, shown
from trailtui.store.drafts import DraftRecord, PostResult, discard_draft
from trailtui.store.drafts import draft as draft_record
from trailtui.trail.drafts import DraftStart, begin_draft, keep_draft, post
from trailtui.trail.kinds import Kind
from trailtui.trail.platforms import length_hint, reply_address
from trailtui.trail.templates import (
    PLACEHOLDERS,
    Template,
    placeholders_unknown,
    render,
)
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import CopyText, OpenLink
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.draft_keys import PRIVATE, DraftOutcome
from trailtui.ui.screens.external_editor import edit_text
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

SAVE_AFTER = 0.5  # seconds after the last key before the draft is saved
STOP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)  # the terminal closing, a polite kill


def unknown_line(names: Collection[str]) -> str:
    """Why `{nmae}` stays as written, and what was meant."""
    parts = []
    for name in names:
        close = difflib.get_close_matches(name, PLACEHOLDERS, n=1, cutoff=0.6)
        meant = f" (did you mean {{{close[0]}}}?)" if close else ""
        parts.append(f"{{{name}}} is not a placeholder{meant}")
    known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    return f"{'; '.join(parts)}: it is posted as written. Placeholders: {known}."


class DraftScreen(TrailScreen[DraftOutcome | None]):
    """The draft of one person and post; dismissed with a `DraftOutcome`."""

    AUTO_FOCUS = "#draft-body"
    BINDINGS = [
        # Priority: the text area has the focus and would take these keys.
        Binding(
            "ctrl+s",
            "post",
            "Post",
            tooltip="Copy the text, open the post's page and record the trail",
            priority=True,
            id="draft.post",
        ),
        Binding(
            "ctrl+l",
            "later",
            "Save for later",
            tooltip="Keep it as a draft and close (the drafts list has it)",
            priority=True,
            id="draft.later",
        ),
        Binding(
            "ctrl+e",
            "external_editor",
            "Edit in $EDITOR",
            tooltip="Write it in your own editor ($VISUAL or $EDITOR), then back here",
            priority=True,
            id="draft.editor",
        ),
        Binding(
            "ctrl+t",
            "pick_template",
            "Template",
            tooltip="Choose another template",
            priority=True,
            id="draft.template",
        ),
        Binding(
            "escape",
            "close",
            "Back",
            show=False,
            tooltip="Close, keeping the draft (like Save for later)",
            priority=True,
            id="draft.close",
        ),
    ]

    FAILURES = {
        "begin": Failure("Could not open the draft", "Nothing was changed."),
        "save": Failure("Could not save the draft", "Your text is still here; it is tried again."),
        "keep": Failure("Could not save the draft", "Your text is still here."),
        "post": Failure("Could not record the trail", "Your text is still here; nothing recorded."),
        "discard": Failure("Could not discard the draft", "It is still here."),
    }

    @dataclass
    class Began(Message):
        start: DraftStart
        mastodon_server: str | None

    @dataclass
    class Saved(Message):
        record: DraftRecord

    @dataclass
    class Kept(Message):
        record: DraftRecord | None  # None: nothing had been written

    @dataclass
    class Posted(Message):
        result: PostResult

    @dataclass
    class Discarded(Message):
        pass

    def __init__(
        self,
        workspace: Workspace,
        contact_id: str,
        entry_id: int | None,
        *,
        kind: Kind = Kind.COMMENT,
        selected: str | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.contact_id, self.entry_id = contact_id, entry_id
        self.kind, self.selected = kind, selected
        self.start: DraftStart | None = None
        self.template: Template | None = None
        self.mastodon_server: str | None = None
        self.draft_id: int | None = None
        self.untouched: str | None = None  # the template's text as filled in, not yet edited
        # What the save workers, the signal handlers and the UI thread share:
        # the newest text (set on the UI thread), under one lock, so saves
        # run one at a time and each writes the newest text, whatever order
        # they run in.
        self.latest = ""
        self.saved_body: str | None = None
        self.saved_template: str | None = None
        self.finished = False  # posted or discarded: nothing is saved any more
        self.posting = False
        self.closing = False
        self._lock = threading.RLock()
        self._save_timer: Timer | None = None
        self._previous_handlers: dict[int, Any] = {}
        # Kept, not queried: its text is read once more as the screen goes away.
        self.editor = TextArea(id="draft-body", soft_wrap=True, read_only=True)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="draft-box"):
            yield Static(Text("Opening the draft…"), id="draft-title", markup=False)
            yield Static(id="draft-where", markup=False)
            with Horizontal(id="draft-picker"):
                yield Label("Template", id="draft-picker-label")
            yield self.editor
            yield Static(id="draft-length", markup=False)
            yield Static(id="draft-unknown", markup=False)
            with Horizontal(id="draft-buttons"):
                yield Button("Post", id="draft-post", variant="primary")
                yield Button("Save for later", id="draft-later")
                yield Button("Discard", id="draft-discard", variant="error")
        yield StatusLine(id="draft-status")
        yield Footer(compact=True)

    @property
    def body(self) -> TextArea:
        return self.editor

    @property
    def status(self) -> StatusLine:
        return self.query_one("#draft-status", StatusLine)

    @property
    def started(self) -> bool:
        return self.start is not None and self.template is not None

    def on_mount(self) -> None:
        self.status.show("")
        self.install_signal_handlers()
        self.begin()

    def on_unmount(self) -> None:
        """The screen is gone (closed, or the app is exiting): the text is kept."""
        self.restore_signal_handlers()
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            self.save_now(self.current_text())
        except Exception:  # the app is closing: the log is all that is left to tell
            logger("ui").exception("Could not save the draft on the way out")

    # ---- beginning --------------------------------------------------------

    @work(thread=True, group="begin", exit_on_error=False)
    def begin(self) -> None:
        book = self.workspace.book  # parses contacts.yaml if start-up skipped it
        user = dict(book.templates) if book is not None else {}
        server = book.settings.mastodon_server if book is not None else None
        start = begin_draft(
            self.workspace.store,
            contact_id=self.contact_id,
            entry_id=self.entry_id,
            kind=self.kind,
            user_templates=user,
            selected=self.selected,
        )
        self.post_message(self.Began(start, server))

    @on(Began)
    def began(self, message: Began) -> None:
        start = message.start
        self.start, self.template = start, start.template
        self.mastodon_server = message.mastodon_server
        self.draft_id = start.draft_id
        body = clean_text(start.body)  # what the terminal can show is what is posted
        self.untouched = None if start.resumed else body
        with self._lock:
            self.latest = body
            if start.resumed:
                self.saved_body, self.saved_template = start.body, start.template.key
        picker = Select(
            [(shown(t.label, one_line=True), t.key) for t in start.templates],
            value=start.template.key,
            allow_blank=False,
            id="draft-template",
        )
        self.query_one("#draft-picker", Horizontal).mount(picker)
        area = self.body
        with area.prevent(TextArea.Changed):
            area.load_text(body)
        area.read_only = False
        area.move_cursor(area.document.end)
        area.focus()
        self.show_title()
        self.show_where()
        self.show_hints()
        if start.resumed:
            self.status.flash("Resumed your draft, every character as you left it.")
        self.status.show(self.saved_line())

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "begin":
            self.dismiss(None)
        elif worker.group == "post":
            self.posting = False
            self.status.show(self.saved_line())
            again = key_for(self, "draft.post")
            self.status.flash(f"Not recorded. Press {again} to try again." if again else "")
        elif worker.group == "keep":
            self.closing = False

    # ---- drawing ----------------------------------------------------------

    def show_title(self) -> None:
        start, template = self.start, self.template
        if start is None or template is None:
            return
        title = Text(shown(template.label, one_line=True), style="bold")
        title.append(" · ")
        title.append(shown(start.subject, one_line=True))
        self.query_one("#draft-title", Static).update(title)

    def show_where(self) -> None:
        """Where Post takes the text: said before it is pressed."""
        start, template = self.start, self.template
        if start is None or template is None:
            return
        where = self.query_one("#draft-where", Static)
        if template.kind in PRIVATE:
            where.update(Text("Post records this note for you alone: nothing is copied or opened."))
            return
        address = reply_address(start.link, "", mastodon_server=self.mastodon_server)
        line = Text("Post copies your text", style="dim")
        if address is None:
            line.append(" and records the trail (no page to open).", style="dim")
        else:
            platform = start.platform.name if start.platform else ""
            opens = "opens its compose page" if platform == "Bluesky" else "opens"
            line.append(f" and {opens} ", style="dim")
            shown_address = address.split("?", 1)[0] if platform == "Bluesky" else address
            line.append(shown(shown_address, one_line=True))
        where.update(line)

    def show_hints(self) -> None:
        """The length (and the platform's limit), and placeholders that are not."""
        start = self.start
        if start is None:
            return
        text = self.body.text
        hint = length_hint(text, start.platform)
        length = self.query_one("#draft-length", Static)
        line = Text(str(hint))
        if hint.over and hint.limit is not None:
            line.append(f" · {hint.characters - hint.limit} too many")
        length.update(line)
        length.set_class(hint.over, "-over")
        unknown = placeholders_unknown(text)
        flag = self.query_one("#draft-unknown", Static)
        flag.display = bool(unknown)
        if unknown:
            flag.update(Text(unknown_line(unknown)))

    def saved_line(self) -> str:
        if self.finished:
            return ""
        if self.draft_id is None:
            return "Not saved yet: it is kept as soon as you type."
        return "Saved as a draft."

    # ---- typing and saving ----------------------------------------------

    @on(TextArea.Changed, "#draft-body")
    def typed(self, event: TextArea.Changed) -> None:
        if not self.started or self.finished:
            return
        self.latest = event.text_area.text
        self.show_hints()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self.save_soon)

    def save_soon(self) -> None:
        self._save_timer = None
        self.save_in_worker()

    @work(thread=True, group="save", exit_on_error=False)
    def save_in_worker(self) -> None:
        record = self.save_now()
        if record is not None:
            self.post_message(self.Saved(record))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        if not self.finished:
            self.status.show(self.saved_line())

    def current_text(self) -> str | None:
        """The editor's text now, on the UI thread (a key's change may not
        have reached `typed` yet); None before the draft has begun."""
        return self.editor.text if self.started and not self.editor.read_only else None

    def save_now(self, text: str | None = None) -> DraftRecord | None:
        """Write the newest text (`text`, else the last typed), if it is not
        written yet. Any thread; blocks.

        A draft never saved whose text is still the template untouched is
        not written: opening and closing a draft leaves nothing behind."""
        with self._lock:
            start, template = self.start, self.template
            if start is None or template is None or self.finished:
                return None
            if text is not None:
                self.latest = text
            body = self.latest
            if body == self.saved_body and template.key == self.saved_template:
                return None
            if self.draft_id is None and body == self.untouched:
                return None
            record = keep_draft(
                self.workspace.store, start, draft_id=self.draft_id, body=body, template=template
            )
            self.draft_id = record.id
            self.saved_body, self.saved_template = body, template.key
            return record

    # ---- templates --------------------------------------------------------

    def action_pick_template(self) -> None:
        if self.started:
            picker = self.query_one("#draft-template", Select)
            picker.focus()
            picker.expanded = True

    @on(Select.Changed, "#draft-template")
    def template_picked(self, event: Select.Changed) -> None:
        start, current = self.start, self.template
        if start is None or current is None or event.value == current.key:
            return
        chosen = next((t for t in start.templates if t.key == event.value), None)
        if chosen is None:
            return
        text = self.body.text
        if text == self.untouched or not text.strip():
            self.use_template(chosen, fill=True)
            return
        self.app.push_screen(
            Confirm(
                f"Start again from “{shown(chosen.label, one_line=True)}”?",
                "Your text is replaced by the template filled in. Keep your text to "
                "post it as it is, as this template's kind of trail.",
                yes="Replace my text",
                no="Keep my text",
            ),
            lambda replace: self.use_template(chosen, fill=bool(replace)),
        )

    def use_template(self, template: Template, *, fill: bool) -> None:
        start = self.start
        if start is None:
            return
        self.template = template
        if fill:
            rendered = render(template.body, start.context)
            text = clean_text(rendered.text)
            self.untouched = text
            area = self.body
            area.load_text(text)
            area.move_cursor(area.document.end)
            self.latest = text
        self.body.focus()
        self.show_title()
        self.show_where()
        self.show_hints()
        self.save_in_worker()

    # ---- your own editor --------------------------------------------------

    def action_external_editor(self) -> None:
        if not self.started or self.finished:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        edited = edit_text(self.app, self.body.text, suffix=".md")
        self.refresh(layout=True)
        if edited.text is None:
            self.app.notify(
                f"{edited.problem} Your text is kept here as it was.",
                title="Not edited",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        text = clean_text(edited.text)
        area = self.body
        area.load_text(text)
        area.move_cursor(area.document.end)
        self.latest = text
        self.show_hints()
        self.save_in_worker()
        self.status.flash("Your editor's text is in the draft, and saved.")

    # ---- posting ----------------------------------------------------------

    @on(Button.Pressed, "#draft-post")
    def action_post(self) -> None:
        start, template = self.start, self.template
        if start is None or template is None or self.posting or self.finished:
            return  # a second press while the first is recorded records nothing more
        text = self.body.text
        if not text.strip():
            self.status.flash("Nothing to post yet: write something first.")
            return
        self.posting = True
        if self._save_timer is not None:
            self._save_timer.stop()
        if template.kind not in PRIVATE:
            what = "your comment" if template.kind is Kind.COMMENT else "your message"
            self.post_message(CopyText(text, what))
            address = reply_address(start.link, text, mastodon_server=self.mastodon_server)
            if address is not None:
                self.post_message(OpenLink(address))
        self.status.show("Recording…")
        self.post_in_worker(text, template)

    @work(thread=True, group="post", exit_on_error=False)
    def post_in_worker(self, text: str, template: Template) -> None:
        start = self.start
        assert start is not None
        with self._lock:
            result = post(
                self.workspace.store, start, draft_id=self.draft_id, body=text, template=template
            )
            self.draft_id = result.draft.id
            self.finished = True
        if not result.already:
            self.workspace.remember_trail(result.trail)
        self.post_message(self.Posted(result))

    @on(Posted)
    def posted(self, message: Posted) -> None:
        self.dismiss(DraftOutcome(posted=message.result))

    # ---- keeping and discarding --------------------------------------------

    @on(Button.Pressed, "#draft-later")
    def action_later(self) -> None:
        if not self.started:
            self.dismiss(None)
            return
        if self.closing or self.posting or self.finished:
            return
        self.closing = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self.keep_and_close()

    def action_close(self) -> None:
        if self.started:
            picker = self.query_one("#draft-template", Select)
            if picker.expanded:
                picker.expanded = False
                self.body.focus()
                return
        self.action_later()

    @work(thread=True, group="keep", exit_on_error=False)
    def keep_and_close(self) -> None:
        self.save_now()
        with self._lock:
            draft_id = self.draft_id
        record = None
        if draft_id is not None:
            record = draft_record(self.workspace.store, draft_id)
        self.post_message(self.Kept(record))

    @on(Kept)
    def kept(self, message: Kept) -> None:
        self.dismiss(DraftOutcome(kept=message.record))

    @on(Button.Pressed, "#draft-discard")
    def discard_pressed(self) -> None:
        if not self.started or self.posting or self.finished:
            return
        self.app.push_screen(
            Confirm(
                "Discard this draft?",
                "Its text is thrown away and nothing is recorded.",
                yes="Discard",
                no="Keep writing",
            ),
            self._discard_confirmed,
        )

    def _discard_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.discard_in_worker()
        else:
            self.body.focus()

    @work(thread=True, group="discard", exit_on_error=False)
    def discard_in_worker(self) -> None:
        with self._lock:
            if self.draft_id is not None:
                discard_draft(self.workspace.store, self.draft_id)
            self.finished = True
        self.post_message(self.Discarded())

    @on(Discarded)
    def discarded(self) -> None:
        self.dismiss(DraftOutcome(discarded=True))

    # ---- the terminal closing ---------------------------------------------

    def install_signal_handlers(self) -> None:
        """While the draft is open, SIGHUP and SIGTERM save it first, then end
        the app (the previous handlers come back when the screen closes)."""
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread
        for number in STOP_SIGNALS:
            self._previous_handlers[number] = signal.signal(number, self.stop_signalled)

    def restore_signal_handlers(self) -> None:
        for number, previous in self._previous_handlers.items():
            signal.signal(number, previous)
        self._previous_handlers.clear()

    def stop_signalled(self, number: int, frame: FrameType | None) -> None:
        """Save now, on this thread, before anything else can go wrong; then exit."""
        try:
            self.save_now(self.current_text())
        except Exception:
            logger("ui").exception("Could not save the draft on signal %s", number)
        self.restore_signal_handlers()
        self.app.exit(return_code=128 + number)
