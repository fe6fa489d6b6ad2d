"""One error path: a worker that fails anywhere in the app ends here.

Textual tells only the node that started a worker when it fails (the
message does not bubble), so every screen and the app share this handler
(`ReportsFailures`): the user sees what failed and what was kept, the log
file gets the traceback, and the node may tidy up (`worker_failed`).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from trailtui.logs import logger
from trailtui.store.errors import StoreError


@dataclass(frozen=True)
class Failure:
    """How a worker's failure is told: what failed, and what the user still has."""

    what: str  # "Could not save contacts.yaml"
    kept: str = ""  # "Your text is still in the editor; the file was not changed."


def describe_error(error: BaseException | None) -> str:
    """A failure as a user reads it: the reason, not the exception's class."""
    if error is None:
        return "an unknown error"
    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        return f"{error.filename}: {reason}" if error.filename else reason
    if isinstance(error, UnicodeError):
        return "the file is not UTF-8 text"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class ReportsFailures:
    """Mixed into every screen and the app: failed workers are reported, never lost.

    FAILURES maps a worker group to how its failure is told; a group not
    listed is told by the worker's name."""

    FAILURES: ClassVar[dict[str, Failure]] = {}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        worker = event.worker
        assert isinstance(self, DOMNode)
        failure = self.FAILURES.get(worker.group) or Failure(
            f"{(worker.name or worker.group).capitalize()} failed"
        )
        report_failure(self, failure, worker.error)
        self.worker_failed(worker)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """Put the screen back as it was before the work started (a hook)."""


def report_failure(node: DOMNode, failure: Failure, error: BaseException | None) -> None:
    """Tell the user, and write the whole story to the log."""
    reason = describe_error(error)
    log = logger("ui")
    if error is not None:
        trace = "".join(traceback.format_exception(error))
        log.error("%s: %s\n%s", failure.what, reason, trace.rstrip())
    else:
        log.error("%s: %s", failure.what, reason)
    message = reason.rstrip(".") + "."
    if failure.kept:
        message += f"\n{failure.kept}"
    node.app.notify(message, title=failure.what, severity="error", timeout=12, markup=False)
