"""The trailtui app: wires the workspace, settings, keys and workers to the screens.

The app owns what outlives a screen:
- the contacts file: the one door every change to it goes through
  (`WriteContacts`), the watch for edits made elsewhere, and the reload;
- the refresh (`Refresher`): one at a time;
- the settings that change the app itself: key overrides and theme;
- what it has told the user (`message_log`) and the log file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual import on, work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from trailtui.clock import now
from trailtui.contacts.watch import FileWatch
from trailtui.links import Opened, open_in_browser, open_link
from trailtui.logs import log_to_file
from trailtui.paths import display_path, tilde
from trailtui.store import meta
from trailtui.store.sync import SyncReport
from trailtui.text import plural
from trailtui.ui.errors import Failure, ReportsFailures, report_failure
from trailtui.ui.keys import key_for, live_bindings
from trailtui.ui.messages import (
    SAVED,
    ContactsChange,
    ContactsReloaded,
    ContactsWriteFailed,
    ContactsWritten,
    CopyText,
    OpenLink,
    RefreshFinished,
    RefreshProgress,
    RefreshRequested,
    RefreshStarted,
    Shown,
    WriteContacts,
)
from trailtui.ui.refresher import Refresher
from trailtui.ui.screens.external_editor import editor_command, run_editor
from trailtui.ui.screens.main import MainScreen
from trailtui.workspace import Workspace

WATCH_EVERY = 1.0  # seconds between looks at the contacts file
NAVIGATION = {"down", "up", "page_down", "page_up", "first", "last"}
VIEW_KEY = "view"  # trailtui_meta: the view last switched to, "today" or "feed"
TODAY, FEED = "today", "feed"


class TrailApp(ReportsFailures, App[None]):
    CSS_PATH = "trailtui.tcss"
    TITLE = "trailtui"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Leave trailtui", id="quit"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            tooltip="Every command, by name (themes, import, keys…)",
            id="command_palette",
        ),
        Binding(
            "d",
            "switch_view",
            "Today/feed",
            show=False,  # Today's footer shows it; the feed's keeps to triage
            tooltip="Switch between Today (who to touch next) and the whole feed",
            id="today",
        ),
    ]
    FAILURES = {
        "contacts": Failure(
            "Could not reload contacts.yaml", "Still using your last valid contacts."
        ),
        "refresh": Failure("The refresh failed", "Everything fetched before it is kept."),
        "open": Failure("Could not open the link"),
        "theme": Failure("Could not remember the theme", "It is in use until you quit."),
        "view": Failure("Could not remember the view", "It is in use until you quit."),
    }

    def __init__(
        self,
        workspace: Workspace,
        *,
        watch_every: float = WATCH_EVERY,
        browser: Callable[[str], bool] = open_in_browser,
        default_view: str = FEED,
    ) -> None:
        """default_view: Today or the feed, when no view was switched to before
        in this database (`trailtui` itself starts on Today)."""
        super().__init__()
        self.workspace = workspace
        self.sub_title = "demo" if workspace.demo else display_path(workspace.contacts_path)
        self.contacts_watch = FileWatch(workspace.contacts_path)
        self.watch_every = watch_every
        self.browser = browser
        self.refresher = Refresher(self, workspace)
        self.message_log: list[Shown] = []
        self.main = MainScreen(workspace)
        self._writes = 0  # changes to contacts.yaml under way: the watch waits
        self.reloads = 0  # contacts reloads handled this session
        self._theme_applied: str | None = None
        self._starter_for_editor: ContactsChange | None = None
        self.refresh_every = workspace.refresh_every  # seconds between background refreshes
        self._refresh_timer: Timer | None = None
        self._start_theme = workspace.chosen_theme()  # read here, before the UI runs
        self.start_view = meta.get(workspace.store, VIEW_KEY) or default_view

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_mount(self) -> None:
        log_to_file()
        self.apply_settings(self._start_theme)
        self.theme_changed_signal.subscribe(self, self._theme_picked)
        self.set_interval(self.watch_every, self.check_contacts_file)
        self._refresh_timer = self.set_interval(self.refresh_every, self.refresh_due)
        workspace = self.workspace
        if not workspace.contacts_exist and not workspace.demo:
            from trailtui.ui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(workspace))
        elif workspace.problems:
            self.notify(
                "\n".join(str(p) for p in workspace.problems[:5]),
                title="contacts.yaml has problems",
                severity="error",
                timeout=15,
                markup=False,
            )
        if self.start_view == TODAY and (workspace.contacts_exist or workspace.demo):
            self.push_screen(self.today_screen())
        # The start-up refresh is asked for by the main screen once the cached
        # feed is on screen: painting it first is what a launch is judged by.

    async def on_unmount(self) -> None:
        await self.refresher.stop()  # its downloads and worker processes end with the app

    # ---- what the user is told ---------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.message_log.append(Shown(now(), title, message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers every action the screen's keys do (with the keys the
        user has now), then what has no key."""
        for live in live_bindings(screen):
            if live.id in NAVIGATION or live.action in ("command_palette", "quit"):
                continue
            yield SystemCommand(
                f"{live.description} ({live.key_text})",
                live.tooltip,
                partial(self.run_action, live.action, live.namespace),
            )
        if not any(live.id == "drafts" for live in live_bindings(screen)):
            yield SystemCommand(
                "Drafts", "Your open drafts: resume one or discard it", self.action_drafts
            )
        yield SystemCommand(
            "Import contacts",
            "Add people from an OPML, vCard or LinkedIn Connections.csv file",
            self.action_import_contacts,
        )
        yield SystemCommand(
            "Messages", "Everything trailtui has told you this session", self.action_messages
        )
        yield SystemCommand(
            "Stats", "Your rhythm in pictures: trails per day, balance, tiers", self.action_stats
        )
        yield SystemCommand(
            "Weekly review",
            "Who was touched, who keeps being skipped (loosen, move, retire), open drafts",
            self.action_review,
        )
        yield from super().get_system_commands(screen)

    # ---- Today and the feed ---------------------------------------------------

    def today_screen(self) -> Screen[None]:
        from trailtui.ui.screens.today import TodayScreen

        return TodayScreen(self.workspace)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_view":
            from trailtui.ui.screens.today import TodayScreen

            return isinstance(self.screen, MainScreen | TodayScreen)
        return True

    def action_switch_view(self) -> None:
        """Today ⇄ the feed; the one switched to is where the next start opens."""
        from trailtui.ui.screens.today import TodayScreen

        if isinstance(self.screen, TodayScreen):
            self.pop_screen()
            view = FEED
        elif isinstance(self.screen, MainScreen):
            self.push_screen(self.today_screen())
            view = TODAY
        else:
            return
        self.start_view = view
        self.remember_view(view)

    @work(thread=True, group="view", exit_on_error=False)
    def remember_view(self, view: str) -> None:
        meta.put(self.workspace.store, {VIEW_KEY: view})

    def action_stats(self) -> None:
        from trailtui.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.workspace))

    def action_review(self) -> None:
        from trailtui.ui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(self.workspace))

    def today_changed(self) -> None:
        """The trail or the feeds changed underneath: Today ranks again."""
        from trailtui.ui.screens.today import TodayScreen

        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen) and screen.loaded:
                screen.reload()

    def action_drafts(self) -> None:
        from trailtui.ui.screens.drafts_list import DraftsList

        if not isinstance(self.screen, DraftsList):
            self.push_screen(DraftsList(self.workspace))

    def action_messages(self) -> None:
        from trailtui.ui.screens.messages_log import MessagesScreen

        self.push_screen(MessagesScreen(self.message_log))

    # ---- settings from contacts.yaml ------------------------------------

    def apply_settings(self, theme: str | None = None) -> None:
        """Key overrides, refresh interval and theme from `settings:`; a bad theme
        name is reported."""
        self.set_keymap(self.workspace.keymap)
        if self._refresh_timer is not None and self.refresh_every != self.workspace.refresh_every:
            self._refresh_timer.stop()
            self.refresh_every = self.workspace.refresh_every
            self._refresh_timer = self.set_interval(self.refresh_every, self.refresh_due)
        theme = theme or self.workspace.file_theme
        if theme and theme != self.theme:
            if theme in self.available_themes:
                self._theme_applied = theme
                self.theme = theme
            else:
                self.notify(
                    f"settings.theme: unknown theme {theme!r}; "
                    f"available: {', '.join(sorted(self.available_themes))}",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
        self.main.keys_changed()

    def _theme_picked(self, theme: Any) -> None:
        """A theme chosen in the app is remembered for the next start."""
        name = getattr(theme, "name", None)
        if not isinstance(name, str) or name == self._theme_applied:
            return
        self._theme_applied = name
        self.remember_theme(name)

    @work(thread=True, group="theme", exit_on_error=False)
    def remember_theme(self, name: str) -> None:
        self.workspace.remember_theme(name)

    # ---- the contacts file: the one door ------------------------------------

    def check_contacts_file(self) -> None:
        if self._writes:
            return  # our own save is under way; it marks itself as seen
        if self.contacts_watch.changed():
            self.reload_contacts("changed on disk")

    @work(thread=True, group="contacts", exit_on_error=False)
    def reload_contacts(self, reason: str) -> None:
        report = self.workspace.reload_contacts()
        self.post_message(ContactsReloaded(report, reason))

    @on(WriteContacts)
    def write_contacts(self, message: WriteContacts) -> None:
        self._writes += 1
        self.run_worker(
            partial(self._write_contacts, message),
            name=message.change.what,
            group="contacts-write",
            thread=True,
            exit_on_error=False,
        )

    def _write_contacts(self, message: WriteContacts) -> None:
        """In a worker: make the change, mark it seen, reload; tell the screen."""
        change = message.change
        try:
            with self.workspace.lock:
                result = change.write()
                self.contacts_watch.mark_seen()
                report = self.workspace.reload_contacts()
        except Exception as error:
            self.call_from_thread(self._write_failed, message, error)
            return
        self.call_from_thread(self._written, message, result, report)

    def _written(self, message: WriteContacts, result: object, report: SyncReport | None) -> None:
        self._writes -= 1
        self.post_message(ContactsReloaded(report, SAVED))
        message.reply_to.post_message(ContactsWritten(message.change, result, report))

    def _write_failed(self, message: WriteContacts, error: Exception) -> None:
        self._writes -= 1
        change = message.change
        report_failure(self, Failure(f"{change.what} failed", change.kept), error)
        message.reply_to.post_message(ContactsWriteFailed(change, error))

    @on(ContactsReloaded)
    def contacts_reloaded(self, message: ContactsReloaded) -> None:
        workspace = self.workspace
        self.reloads += 1
        if message.reason == SAVED:
            self.contacts_watch.mark_seen()  # our own write: not a change to react to
        self.apply_settings()
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.contacts_changed()
            elif message.reason != SAVED and hasattr(screen, "file_changed_on_disk"):
                screen.file_changed_on_disk()
        self.today_changed()
        if message.reason == SAVED:
            return  # the screen that saved says what happened
        if workspace.problems:
            self.notify(
                "\n".join(str(p) for p in workspace.problems[:5])
                + "\nStill using your last valid contacts.",
                title=f"contacts.yaml {message.reason}: it has problems",
                severity="error",
                timeout=15,
                markup=False,
            )
        elif message.report is not None:
            self.notify(describe_sync(message.report), title=f"contacts.yaml {message.reason}")

    # ---- refreshing -----------------------------------------------------

    def refresh_due(self) -> None:
        """Every `settings.refresh_every`: fetch the feeds that are due, quietly."""
        if self.workspace.has_contacts:
            self.refresher.request(force=False, by_user=False)

    @on(RefreshRequested)
    def refresh_requested(self, message: RefreshRequested) -> None:
        self.refresher.request(force=message.force, by_user=message.by_user)

    @on(RefreshStarted)
    def refresh_started(self, message: RefreshStarted) -> None:
        self.main.refresh_started(message.total)

    @on(RefreshProgress)
    def refresh_progress(self, message: RefreshProgress) -> None:
        self.refresher.progressed(message.done, message.total)
        self.main.refresh_progress(message.done, message.total, message.failed)

    @on(RefreshFinished)
    def refresh_finished(self, message: RefreshFinished) -> None:
        self.refresher.finished()
        self.main.refresh_finished(message.report)
        self.today_changed()
        report = message.report
        if report is None or not report.total:
            return
        text = (
            f"{plural(report.total, 'feed')} refreshed: "
            f"{plural(report.new_entries, 'new entry', 'new entries')}"
        )
        if report.failures:
            key = self.main_key("feed_health")
            see = f" (press {key} to see why)" if key else ""
            text += f", {len(report.failures)} failed{see}"
            details = "\n".join(tilde(f"{o.url}: {o.error}") for o in report.failures[:5])
            self.notify(
                details, title="Some feeds failed", severity="warning", timeout=10, markup=False
            )
        for outcome in [o for o in report.outcomes if o.moved_to][:3]:
            edit = self.main_key("edit_contacts")
            where = f" (press {edit})" if edit else ""
            self.notify(
                f"{outcome.url} moved permanently to {outcome.moved_to}. trailtui follows "
                f"the redirect each time; put the new address in contacts.yaml{where} to "
                "fetch it directly.",
                title="A feed moved",
                timeout=10,
                markup=False,
            )
        self.notify(text, timeout=4)

    def worker_failed(self, worker: Any) -> None:
        if worker.group == "refresh":
            self.refresher.finished()
            self.main.refresh_finished(None)

    def main_key(self, binding_id: str) -> str:
        return key_for(self.main, binding_id) if self.main.is_mounted else ""

    # ---- links -------------------------------------------------------------

    @on(OpenLink)
    def open_requested(self, message: OpenLink) -> None:
        self.open_url_in_worker(message.url)

    @work(thread=True, group="open", exit_on_error=False)
    def open_url_in_worker(self, url: str | None) -> None:
        opened = open_link(url, self.browser)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._opened, opened)

    def _opened(self, opened: Opened) -> None:
        if opened.ok:
            self.notify(f"Opened {opened.url}", timeout=3, markup=False)
        elif opened.url is None:
            self.notify(f"Not opened: {opened.reason}.", severity="warning", markup=False)
        else:
            self.notify(
                f"Not opened: {opened.reason}. The link: {opened.url}",
                severity="warning",
                timeout=10,
                markup=False,
            )

    # ---- the clipboard ------------------------------------------------------

    @on(CopyText)
    def copy_requested(self, message: CopyText) -> None:
        self.copy_to_clipboard(message.text)  # OSC 52: the terminal may or may not take it
        self.copy_with_tool(message.text, message.what)

    @work(thread=True, group="copy", exit_on_error=False)
    def copy_with_tool(self, text: str, what: str) -> None:
        from trailtui.clipboard import copy_with_tool

        copied = copy_with_tool(text)
        if get_current_worker().is_cancelled:
            return
        if copied.ok:
            told = f"Copied {what} (with {copied.tool}, and sent to the terminal's clipboard)."
        else:
            told = (
                f"Sent {what} to the terminal's clipboard (OSC 52), if your terminal allows it; "
                f"no system clipboard took it: {copied.problem}."
            )
        self.call_from_thread(self.notify, told, timeout=5, markup=False)

    # ---- editing ---------------------------------------------------------

    def action_edit_contacts(self) -> None:
        """Open contacts.yaml in the in-app editor (a starter text if it is new)."""
        self.open_editor()

    @work(thread=True, group="editor", exit_on_error=False)
    def open_editor(self) -> None:
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
                self.call_from_thread(
                    self.notify,
                    f"Cannot edit {workspace.contacts_path} here: {reason}.",
                    severity="error",
                    markup=False,
                )
                return
        self.call_from_thread(self._show_editor, text, new_file)

    def _show_editor(self, text: str, new_file: bool) -> None:
        from trailtui.ui.screens.contacts_editor import ContactsEditor

        self.push_screen(ContactsEditor(self.workspace, text, new_file=new_file))

    def action_edit_external(self) -> None:
        """Hand the terminal to $VISUAL/$EDITOR, then validate and reload. A
        first run's file is written from the starter first, through the door."""
        if not self.workspace.contacts_exist:
            change = ContactsChange(
                f"Creating {self.workspace.contacts_path.name}", self.workspace.write_starter
            )
            self._starter_for_editor = change
            self.post_message(WriteContacts(change, self))
            return
        self.run_external_editor()

    @on(ContactsWritten)
    def starter_written(self, message: ContactsWritten) -> None:
        if message.change is self._starter_for_editor:
            self._starter_for_editor = None
            self.run_external_editor()

    def run_external_editor(self) -> None:
        command = editor_command()
        try:
            completed = run_editor(self, self.workspace.contacts_path)
        except SuspendNotSupported:
            key = self.main_key("edit_contacts") or "E"
            self.notify(
                f"This terminal cannot hand over to another editor; press {key} to edit here.",
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


def describe_sync(report: SyncReport) -> str:
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
        parts.append(f"{plural(report.feeds_added, 'feed')} added, {report.feeds_removed} removed")
    return "Reloaded: " + (", ".join(parts) if parts else "no changes to your contacts") + "."
