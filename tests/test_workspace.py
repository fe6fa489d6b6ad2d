"""The workspace: contacts mirrored once, re-read only when the file changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from trailtui.store import queries
from trailtui.workspace import open_workspace


def test_unchanged_contacts_are_not_parsed_again(small_world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    first = open_workspace(small_world, db)
    assert first.has_contacts and first.book is not None
    first.close()

    second = open_workspace(small_world, db)
    assert second.has_contacts
    assert second._book is None  # not parsed at start-up
    assert second.refresh_every == 30 * 60
    assert second.book is not None and len(second.book.contacts) == 3  # parsed on demand
    second.close()

    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace("cadence: 7d", "cadence: 3d"),
        encoding="utf-8",
    )
    third = open_workspace(small_world, db)
    assert third._book is not None  # changed: parsed and synced again
    assert queries.contact(third.store, "ada").cadence_seconds == 3 * 86400  # type: ignore[union-attr]
    third.close()


def test_settings_survive_the_skip(tmp_path: Path) -> None:
    contacts = tmp_path / "c.yaml"
    contacts.write_text("version: 1\nsettings: {refresh_every: 2h}\ncontacts: []\n")
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    open_workspace(contacts, db).close()
    again = open_workspace(contacts, db)
    assert again._book is None and again.refresh_every == 7200
    again.close()


def test_a_broken_file_is_reported_even_if_an_old_one_was_synced(
    small_world: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    open_workspace(small_world, db).close()
    small_world.write_text("contacts: [\n", encoding="utf-8")
    broken = open_workspace(small_world, db)
    assert not broken.has_contacts and "not valid YAML" in str(broken.problems[0])
    # The last good contacts are still in the database.
    assert [c.id for c in queries.contacts(broken.store)] == ["ada", "bo-lind", "cy-offline"]
    broken.close()


def test_warm_fetch_never_imports_the_yaml_stack(small_world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    open_workspace(small_world, db).close()
    code = (
        "import sys\n"
        "from trailtui.workspace import open_workspace\n"
        f"ws = open_workspace({str(small_world)!r}, {db!r})\n"
        "assert ws.has_contacts\n"
        "print(sorted(m for m in ('yaml', 'pydantic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _mirrored(db: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    import sqlite3

    with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
        contacts = connection.execute(
            "SELECT id, name, data, archived FROM contact ORDER BY id"
        ).fetchall()
        feeds = connection.execute(
            "SELECT contact_id, url, label, discover, active FROM feed ORDER BY id"
        ).fetchall()
    connection.close()
    return contacts, feeds


def test_contacts_read_early_are_mirrored_the_same(small_world: Path, tmp_path: Path) -> None:
    from trailtui.contacts import early

    plain = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    open_workspace(small_world, plain).close()

    db = f"sqlite:///{tmp_path / 'early.sqlite3'}"
    helper = early.start(small_world, db)
    assert helper is not None
    workspace = open_workspace(small_world, db, early=helper)
    assert workspace.has_contacts and not workspace.problems
    assert workspace._book is None  # the helper read it
    assert workspace.refresh_every == 30 * 60
    assert workspace.book is not None and len(workspace.book.contacts) == 3  # parsed on demand
    workspace.close()
    assert _mirrored(db) == _mirrored(plain)
    assert early.start(small_world, db) is None  # the database exists now
    assert early.start(small_world, "sqlite://") is None
    assert early.start(small_world, "postgresql://localhost/trail") is None


def test_a_file_changed_after_the_early_read_is_read_again(
    small_world: Path, tmp_path: Path
) -> None:
    from trailtui.contacts import early

    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    helper = early.start(small_world, db)
    assert helper is not None
    # Whether the helper read the file before or after this edit, what is
    # mirrored is the file as it is when the workspace opens.
    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace("cadence: 7d", "cadence: 5d"),
        encoding="utf-8",
    )
    workspace = open_workspace(small_world, db, early=helper)
    assert queries.contact(workspace.store, "ada").cadence_seconds == 5 * 86400  # type: ignore[union-attr]
    workspace.close()


def test_problems_found_early_are_reported_as_usual(tmp_path: Path) -> None:
    from trailtui.contacts import early

    contacts = tmp_path / "c.yaml"
    contacts.write_text("version: 1\ncontacts:\n  - name: Ann\n    cadence: often\n")
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    helper = early.start(contacts, db)
    assert helper is not None
    workspace = open_workspace(contacts, db, early=helper)
    assert not workspace.has_contacts
    assert [(p.line, p.path) for p in workspace.problems] == [(4, "contacts[0].cadence")]
    workspace.close()


def test_undo_undoes_only_this_runs_trails(small_world: Path, db_url: str) -> None:
    """Two machines on one database: each undoes its own last trail, never the
    other's, even when the other's is newer."""
    from trailtui.feeds.refresh import refresh
    from trailtui.trail.kinds import Kind
    from trailtui.trail.service import leave_trail

    here = open_workspace(small_world, db_url)
    there = open_workspace(small_world, db_url)
    try:
        refresh(here.store, force=True)
        entry = queries.merged_feed(here.store)[0]
        before = leave_trail(here.store, entry.contact_id, Kind.THANKS)  # an earlier run's
        mine = here.remember_trail(
            leave_trail(here.store, entry.contact_id, Kind.LIKE, entry_id=entry.id)
        )
        theirs = there.remember_trail(
            leave_trail(there.store, entry.contact_id, Kind.COMMENT, entry_id=entry.id, text="hi")
        )
        undone = here.undo_last_trail()
        assert undone is not None and undone.engagement.id == mine.engagement.id
        assert here.undo_last_trail() is None  # nothing else of this run's
        live = {e.id for e in queries.trail(here.store, entry.contact_id) if not e.undone}
        assert live == {before.engagement.id, theirs.engagement.id}
        # A trail found already there (a second like) is not this run's to undo.
        first = there.remember_trail(
            leave_trail(there.store, entry.contact_id, Kind.LIKE, entry_id=entry.id)
        )
        again = here.remember_trail(
            leave_trail(here.store, entry.contact_id, Kind.LIKE, entry_id=entry.id)
        )
        assert first.created and not again.created
        assert here.undo_last_trail() is None
        undone = there.undo_last_trail()
        assert undone is not None and undone.engagement.id == first.engagement.id
    finally:
        here.close()
        there.close()
