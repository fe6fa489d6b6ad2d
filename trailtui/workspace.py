"""Everything one run of trailtui works on: the contacts file and the database.

The CLI and the UI both start here, so `--demo`, `--contacts`, `--db` and the
environment variables mean the same thing everywhere.

Start-up is kept cheap: when the contacts file is byte for byte the one last
mirrored into this database, it is not parsed again (the YAML and validation
libraries are not even imported) until something asks for the ContactBook.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trailtui import __version__, paths
from trailtui.store import Store, meta, open_store

if TYPE_CHECKING:
    from trailtui.contacts import ContactBook, Problem
    from trailtui.contacts.early import EarlyContacts
    from trailtui.store.records import TrailWrite, Undone
    from trailtui.store.sync import SyncReport

FINGERPRINT_KEY = "contacts_fingerprint"
SETTINGS_KEY = "contacts_settings"
THEME_PICKED_KEY = "theme_picked"  # chosen in the app (command palette)
THEME_SEEN_KEY = "theme_from_file"  # settings.theme when that pick was made
DEFAULT_REFRESH_EVERY = 30 * 60


class Workspace:
    def __init__(
        self,
        contacts_path: Path,
        store: Store,
        *,
        demo: bool = False,
        scratch: Path | None = None,
        early: EarlyContacts | None = None,
    ) -> None:
        self.contacts_path = contacts_path
        self.store = store
        self.demo = demo
        self.problems: list[Problem] = []
        self._book: ContactBook | None = None
        self._synced = False  # a valid contacts file is mirrored in the database
        self._settings: dict[str, Any] = {}  # what start-up needs, kept without parsing
        self._scratch = scratch
        self._early = early  # the contacts file, being read by a helper
        # Reloads and saves come from the app's workers, the file watch and
        # the CLI: one at a time, and `book` is never half-updated.
        self.lock = threading.RLock()
        self._blank: bool | None = None  # the file exists but holds nothing
        self._trails_left: list[int] = []  # this run's own trails, the ones undo may undo
        self._trails_lock = threading.Lock()

    @property
    def scratch_dir(self) -> Path | None:
        """The demo's throwaway folder (removed by close), if this run has one."""
        return self._scratch

    @property
    def has_contacts(self) -> bool:
        """Whether a valid contacts file is in effect."""
        return self._synced

    @property
    def book(self) -> ContactBook | None:
        """The validated contacts (parsed on first use if start-up skipped it).

        Parsing reads and validates the file: call this from a worker, never
        from the UI thread."""
        with self.lock:
            if self._book is None and self._synced:
                self._reload(force=False, parse=True)
            return self._book

    @property
    def refresh_every(self) -> int:
        return int(self._settings.get("refresh_every", DEFAULT_REFRESH_EVERY))

    @property
    def advance_after_trail(self) -> bool:
        return bool(self._settings.get("advance_after_trail", True))

    @property
    def keymap(self) -> dict[str, str]:
        """Key overrides from settings.keys: binding id -> keys."""
        return dict(self._settings.get("keys", {}))

    @property
    def contacts_exist(self) -> bool:
        """Whether there is a contacts file with something in it. A missing or
        blank file is a first run: the app offers the commented starter."""
        if self._blank is None:
            self._blank = _is_blank(self.contacts_path)
        return not self._blank and self.contacts_path.exists()

    @property
    def file_theme(self) -> str | None:
        """settings.theme of the contacts file."""
        theme = self._settings.get("theme")
        return str(theme) if theme else None

    def chosen_theme(self) -> str | None:
        """The theme to start with: the last choice made, in the app or in the file.

        A theme picked in the app is kept for this database (this machine);
        a settings.theme written in the file after that pick wins again."""
        picked = meta.get(self.store, THEME_PICKED_KEY)
        if picked and meta.get(self.store, THEME_SEEN_KEY) == (self.file_theme or ""):
            return picked
        return self.file_theme

    def remember_theme(self, theme: str) -> None:
        """A theme the user picked in the app (kept until the file says otherwise)."""
        meta.put(self.store, {THEME_PICKED_KEY: theme, THEME_SEEN_KEY: self.file_theme or ""})

    def read_contacts_text(self) -> str:
        """The contacts file as text (for the editor). Raises OSError/UnicodeError."""
        return self.contacts_path.read_bytes().decode("utf-8-sig")

    def write_starter(self) -> None:
        """Write the commented starter file (the app's door reloads after it).

        Refused if a file with something in it is there; a blank file is
        replaced (and kept as the .bak)."""
        from trailtui.contacts.files import save_text
        from trailtui.contacts.starter import STARTER

        with self.lock:
            if not _is_blank(self.contacts_path) and self.contacts_path.exists():
                raise FileExistsError(f"{self.contacts_path} already exists")
            save_text(self.contacts_path, STARTER)

    def _fingerprint(self, data: bytes) -> str:
        digest = hashlib.sha256(data)
        # The layout of the cached settings is part of the fingerprint too.
        digest.update(f"\0{self.contacts_path.resolve()}\0{__version__}\0settings-2".encode())
        return digest.hexdigest()

    def reload_contacts(self, *, force: bool = False) -> SyncReport | None:
        """Re-read the contacts file and mirror it into the database. On errors
        the last good contacts stay in use and `problems` says what is wrong."""
        with self.lock:
            return self._reload(force)

    def _reload(self, force: bool, *, parse: bool = False) -> SyncReport | None:
        """parse=True: the book is wanted even when the file is the one already
        mirrored (it is then only parsed: nothing is written to the database,
        which may be read-only)."""
        try:
            data = self.contacts_path.read_bytes()
        except OSError:
            data = None
        self._blank = data is not None and not data.strip()
        fingerprint = self._fingerprint(data) if data is not None else None
        unchanged = fingerprint and fingerprint == meta.get(self.store, FINGERPRINT_KEY)
        if not force and unchanged and not parse:
            self._settings = json.loads(meta.get(self.store, SETTINGS_KEY) or "{}")
            self._synced, self.problems = True, []
            return None
        early = None
        if not parse:  # the forked helper's rows mirror the file, but bring no book
            early, self._early = self._early, None
        ready = early.result(data) if early is not None and data is not None else None
        if ready is not None:  # read and valid: mirror it without loading the schema
            from trailtui.store.sync import sync_rows

            rows, self._settings = ready
            report = sync_rows(self.store, rows)
            self._book, self.problems, self._synced = None, [], True
            self._remember(fingerprint)
            return report
        from trailtui.contacts import ContactsError, load_contacts, parse_contacts_for
        from trailtui.contacts.rows import start_up_settings, sync_contacts

        try:
            # The bytes read above, so the fingerprint is of what was checked;
            # load_contacts only when they could not be read (it says why).
            path = self.contacts_path
            book = load_contacts(path) if data is None else parse_contacts_for(path, data)
        except ContactsError as exc:
            self.problems = exc.problems
            self._synced = False
            return None
        if not force and unchanged:  # parsed for its book alone: the mirror is up to date
            self._book, self.problems, self._synced = book, [], True
            self._settings = start_up_settings(book)
            return None
        report = sync_contacts(self.store, book)
        self._book, self.problems, self._synced = book, [], True
        self._settings = start_up_settings(book)
        self._remember(fingerprint)
        return report

    def _remember(self, fingerprint: str | None) -> None:
        """The file now mirrored, and the settings start-up needs."""
        if fingerprint:
            meta.put(
                self.store,
                {FINGERPRINT_KEY: fingerprint, SETTINGS_KEY: json.dumps(self._settings)},
            )

    def remember_trail(self, written: TrailWrite) -> TrailWrite:
        """A trail this run left (undo undoes only these: another machine on the
        same database may be leaving trails too)."""
        if written.created:
            with self._trails_lock:
                self._trails_left.append(written.engagement.id)
        return written

    def undo_last_trail(self) -> Undone | None:
        """Undo the last trail this run left that is still live."""
        from trailtui.store.writes import undo_last_engagement

        with self._trails_lock:
            left = list(self._trails_left)
        undone = undo_last_engagement(self.store, among=left)
        if undone is not None:
            with self._trails_lock:
                self._trails_left.remove(undone.engagement.id)
        return undone

    def close(self) -> None:
        if self._early is not None:
            self._early.close()
            self._early = None
        self.store.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _is_blank(path: Path) -> bool:
    """A file that exists and holds only whitespace (an empty file a user made)."""
    try:
        return path.stat().st_size < 4096 and not path.read_bytes().strip()
    except OSError:
        return False


def open_workspace(
    contacts: str | Path | None = None,
    db: str | None = None,
    *,
    demo: bool = False,
    early: EarlyContacts | None = None,
) -> Workspace:
    """Open the database and load the contacts (problems are kept, not raised).

    The demo reads the bundled example contacts and uses a throwaway database
    (and a throwaway copy of the contacts) unless --db is given. Raises
    StoreError if the database cannot be used. `early`: the contacts file being
    read meanwhile (`contacts.early.start`).
    """
    scratch = None
    if demo:
        contacts_path = Path(contacts) if contacts else paths.demo_dir() / "contacts.yaml"
        if db is None:
            scratch = Path(tempfile.mkdtemp(prefix="trailtui-demo-"))
            db = paths.sqlite_url(scratch / "demo.sqlite3")
            if not contacts:
                # A throwaway copy, so editing the demo's contacts never touches
                # the installed package.
                copy = shutil.copytree(paths.demo_dir(), scratch / "demo")
                contacts_path = Path(copy) / "contacts.yaml"
    else:
        contacts_path = paths.contacts_path(contacts)
    try:
        store = open_store(paths.database_url(db))
    except Exception:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    workspace = Workspace(contacts_path, store, demo=demo, scratch=scratch, early=early)
    workspace.reload_contacts()
    return workspace
