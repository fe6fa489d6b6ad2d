"""Everything one run of trailtui works on: the contacts file and the database.

The CLI and the UI both start here, so `--demo`, `--contacts`, `--db` and the
environment variables mean the same thing everywhere.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trailtui import paths
from trailtui.contacts import ContactBook, ContactsError, Problem, load_contacts
from trailtui.store import Store, open_store
from trailtui.store.sync import SyncReport, sync_contacts


@dataclass
class Workspace:
    contacts_path: Path
    store: Store
    demo: bool = False
    book: ContactBook | None = None
    problems: list[Problem] = field(default_factory=list)
    _scratch: Path | None = None

    @property
    def refresh_every(self) -> int:
        if self.book is None:
            return 30 * 60
        return int(self.book.settings.refresh_every.total_seconds())

    def reload_contacts(self) -> SyncReport | None:
        """Re-read the contacts file and mirror it into the database. On errors
        the last good contacts stay in use and `problems` says what is wrong."""
        try:
            book = load_contacts(self.contacts_path)
        except ContactsError as exc:
            self.problems = exc.problems
            return None
        self.book, self.problems = book, []
        return sync_contacts(self.store, book)

    def close(self) -> None:
        self.store.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def open_workspace(
    contacts: str | Path | None = None, db: str | None = None, *, demo: bool = False
) -> Workspace:
    """Open the database and load the contacts (problems are kept, not raised).

    The demo reads the bundled example contacts and uses a throwaway database
    unless --db is given. Raises StoreError if the database cannot be used.
    """
    scratch = None
    if demo:
        contacts_path = Path(contacts) if contacts else paths.demo_dir() / "contacts.yaml"
        if db is None:
            scratch = Path(tempfile.mkdtemp(prefix="trailtui-demo-"))
            db = paths.sqlite_url(scratch / "demo.sqlite3")
    else:
        contacts_path = paths.contacts_path(contacts)
    try:
        store = open_store(paths.database_url(db))
    except Exception:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    workspace = Workspace(contacts_path=contacts_path, store=store, demo=demo, _scratch=scratch)
    workspace.reload_contacts()
    return workspace
