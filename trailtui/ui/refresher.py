"""One refresh at a time, owned by the app.

A key pressed while a refresh runs is told so; a contacts reload during a
refresh queues one follow-up (however many reloads come). Quitting cancels
the refresh for real: its downloads stop and its worker processes end.
"""

from __future__ import annotations

import asyncio
import threading
from functools import partial
from typing import Any

from textual.app import App

from trailtui.feeds.refresh import FeedOutcome, ProgressCallback, Refresh, RefreshReport, Result
from trailtui.feeds.workers import StartMethod
from trailtui.text import plural
from trailtui.ui.messages import RefreshFinished, RefreshProgress, RefreshStarted
from trailtui.workspace import Workspace

# The app has threads, so its worker processes start from a fork server
# (a clean process), never by forking the app itself; `trailtui` warms it
# before the app starts (workers.prepare_if_wanted).
START_METHOD: StartMethod = "forkserver"
STOP_PATIENCE = 30.0  # seconds quitting waits for a cancelled refresh to end


class Refresher:
    def __init__(self, app: App[Any], workspace: Workspace) -> None:
        self.app = app
        self.workspace = workspace
        self.current: Refresh | None = None
        self.again = False  # a follow-up is queued
        self.runs = 0  # refreshes started this session
        self._ended = threading.Event()  # the worker thread has left run()
        self._ended.set()
        self.done = self.total = 0

    @property
    def running(self) -> bool:
        return self.current is not None

    def request(self, *, force: bool, by_user: bool) -> bool:
        """Start a refresh; False (and a follow-up queued, or the user told)
        if one is running."""
        if self.current is not None:
            if by_user:
                progress = (
                    f": {self.done} of {plural(self.total, 'feed')} done" if self.total else ""
                )
                self.app.notify(f"Already refreshing{progress}.", timeout=3)
            else:
                self.again = True
            return False
        refresh = Refresh(
            self.workspace.store,
            force=force,
            refresh_every=self.workspace.refresh_every,
            on_start=self._started,
            on_progress=self._progress(),
            start_method=START_METHOD,
        )
        self.current, self.done, self.total = refresh, 0, 0
        self.runs += 1
        self._ended.clear()
        self.app.run_worker(
            partial(self._run, refresh),
            name="refreshing feeds",
            group="refresh",
            thread=True,
            exit_on_error=False,
        )
        return True

    def _run(self, refresh: Refresh) -> None:
        """In the worker's thread: the whole refresh, then its report."""
        try:
            report: RefreshReport = refresh.run()
        finally:
            self._ended.set()
        self.app.post_message(RefreshFinished(report))

    def _started(self, total: int) -> None:
        self.app.post_message(RefreshStarted(total))

    def _progress(self) -> ProgressCallback:
        failed = 0

        def progress(outcome: FeedOutcome, done: int, total: int) -> None:
            nonlocal failed
            failed += outcome.result is Result.FAILED
            self.app.post_message(RefreshProgress(outcome, done, total, failed))

        return progress

    def progressed(self, done: int, total: int) -> None:
        """On the UI thread, as progress arrives."""
        self.done, self.total = done, total

    def finished(self) -> None:
        """On the UI thread: the refresh ended (or failed); run the queued follow-up."""
        self.current = None
        if self.again:
            self.again = False
            self.request(force=False, by_user=False)

    async def stop(self, patience: float = STOP_PATIENCE) -> None:
        """Cancel the refresh and wait until its thread (and so its worker
        processes, which it stops before it returns) has ended."""
        self.again = False
        refresh = self.current
        if refresh is None:
            return
        refresh.cancel()
        # Textual's own cancel of a thread worker only marks it: wait for the thread.
        await asyncio.to_thread(self._ended.wait, patience)
