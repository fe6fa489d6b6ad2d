"""Two machines, two versions of contacts.yaml, one PostgreSQL database: the
mirror follows stable ids (a rename renames, a removal archives), no trail is
lost, and each app shows the other machine's trails on its next refresh."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from trailtui.store import open_store, queries
from trailtui.store.models import ContactRow, EntryRow
from trailtui.trail.kinds import Kind
from trailtui.trail.service import leave_trail
from trailtui.ui.app import TrailApp
from trailtui.workspace import open_workspace

from .ui_support import SIZE, main_screen, screen_text, settle, shown, wait_for


def machines(small_world: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Machine A's contacts file (as it was) and B's: Ada renamed, Bo removed."""
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        shutil.copytree(small_world.parent / "feeds", folder / "feeds")
        shutil.copy(small_world, folder / "contacts.yaml")
    text = (b / "contacts.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Ada Quill", "name: Ada Quill-Lovelace")
    start, end = text.index("  - name: Bo Lind"), text.index("  - name: Cy Offline")
    (b / "contacts.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    return a / "contacts.yaml", b / "contacts.yaml"


def contacts_in(url: str) -> dict[str, tuple[str, bool]]:
    store = open_store(url)
    try:
        with store.read() as session:
            rows = session.scalars(select(ContactRow)).all()
            return {row.id: (row.name, row.archived) for row in rows}
    finally:
        store.close()


def test_two_contacts_files_follow_stable_ids(
    small_world: Path, tmp_path: Path, pg_url: str
) -> None:
    file_a, file_b = machines(small_world, tmp_path)
    a = open_workspace(file_a, pg_url)
    with a.store.read() as session:
        post = session.scalars(select(EntryRow.id).order_by(EntryRow.id)).first()
    leave_trail(a.store, "bo-lind", Kind.NOTE, text="Bo's trail, from A")
    leave_trail(a.store, "ada", Kind.LIKE, entry_id=post)
    a.close()
    b = open_workspace(file_b, pg_url)  # B mirrors its own file
    b.close()
    assert contacts_in(pg_url) == {
        "ada": ("Ada Quill-Lovelace", False),  # renamed, same id
        "bo-lind": ("Bo Lind", True),  # removed from B's file: archived
        "cy-offline": ("Cy Offline", False),
    }
    a = open_workspace(file_a, pg_url)  # A again: its file still lists Bo
    try:
        assert contacts_in(pg_url)["bo-lind"] == ("Bo Lind", False)
        assert [t.kind for t in queries.trail(a.store, "bo-lind")] == ["note"]
        assert [t.kind for t in queries.trail(a.store, "ada")] == ["like"]
    finally:
        a.close()


async def test_the_app_shows_the_other_machines_trail_on_refresh(
    small_world: Path, tmp_path: Path, pg_url: str
) -> None:
    file_a, _ = machines(small_world, tmp_path)
    workspace = open_workspace(file_a, pg_url)
    try:
        app = TrailApp(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            current = screen.feed.current
            assert current is not None
            # Machine B, through its own connection to the same database.
            other = open_store(pg_url)
            try:
                leave_trail(
                    other, current.contact_id, Kind.COMMENT, entry_id=current.id,
                    text="Written on machine B",
                )  # fmt: skip
            finally:
                other.close()
            await pilot.press("r")
            await settle(pilot)
            await wait_for(pilot, lambda: not app.refresher.running)
            await settle(pilot)
            # The feed's row carries the mark, and the card the comment itself.
            assert "✎" in screen_text(app)
            await shown(pilot, "Written on machine B")
    finally:
        workspace.close()
