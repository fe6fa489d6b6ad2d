"""Messages between the screens and the app: requests go up, results come down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from trailtui.feeds.refresh import FeedOutcome, RefreshReport
from trailtui.store.sync import SyncReport

SAVED = "saved"  # the reason when the app itself wrote contacts.yaml


@dataclass(frozen=True)
class Shown:
    """One thing the app told the user (a toast), kept for the messages list."""

    at: int
    title: str
    message: str
    severity: str


@dataclass(frozen=True)
class ContactsChange:
    """One write to the user's contacts file, made through the app's one door.

    `write` runs in a worker thread and returns whatever the screen that
    asked wants back (the saved text, an import's outcome...). If it raises,
    the failure is reported as `what` failed, with `kept` saying what the
    user still has; the file is then as `write` left it (saves are atomic)."""

    what: str  # "Saving contacts.yaml"
    write: Callable[[], Any]
    kept: str = "contacts.yaml was not changed."


@dataclass
class WriteContacts(Message):
    """A screen asks the app to make a change to contacts.yaml."""

    change: ContactsChange
    reply_to: MessagePump


@dataclass
class ContactsWritten(Message):
    """To the screen that asked: the change was made and the contacts reloaded.

    `report` is None when the file now has problems (or nothing changed)."""

    change: ContactsChange
    result: Any
    report: SyncReport | None


@dataclass
class ContactsWriteFailed(Message):
    """To the screen that asked: the change failed (already reported to the user)."""

    change: ContactsChange
    error: BaseException


@dataclass
class ContactsReloaded(Message):
    """The contacts were read again; `reason` says why ("saved", "changed on disk")."""

    report: SyncReport | None
    reason: str


@dataclass
class RefreshRequested(Message):
    """Fetch the feeds: every one (`force`), or those that are due."""

    force: bool
    by_user: bool = True  # a key, not a reload: says so if one is already running


@dataclass
class RefreshStarted(Message):
    total: int


class RefreshProgress(Message):
    def __init__(self, outcome: FeedOutcome, done: int, total: int, failed: int) -> None:
        super().__init__()
        self.outcome, self.done, self.total, self.failed = outcome, done, total, failed

    def can_replace(self, message: Message) -> bool:
        # A burst of progress collapses to the newest.
        return isinstance(message, RefreshProgress)


@dataclass
class RefreshFinished(Message):
    report: RefreshReport | None  # None: it failed (and was reported)


@dataclass
class OpenLink(Message):
    """Open an entry's link in the browser (only http, https and mailto are opened)."""

    url: str | None


@dataclass
class CopyText(Message):
    """Put text on the clipboard: the terminal's (OSC 52) and the system's
    tool where one exists; the app says which took it. `what` names it
    ("the link")."""

    text: str
    what: str
