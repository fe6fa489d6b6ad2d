"""An import from start to end: read the file, plan against the contacts, write the new ones.

Used by `trailtui import` and by the app. Writing appends the new contacts
to the user's text (`yamltext.append_contacts`), checks that the result
loads with exactly the planned contacts added, checks that the file did not
change since it was read, and saves atomically with a backup
(`files.save_text`). An invalid result is never saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from trailtui.contacts import ContactBook, ContactsError, Problem, parse_contacts
from trailtui.contacts.files import save_text
from trailtui.contacts.yamltext import append_contacts
from trailtui.interop.detect import read_file
from trailtui.interop.model import InteropError
from trailtui.interop.plan import ImportPlan, plan_import

NEW_FILE = """\
# trailtui contacts: one entry per person; `trailtui contacts check` validates this file.
version: 1
contacts:
"""


@dataclass(frozen=True)
class PlannedImport:
    source: Path
    contacts_path: Path
    plan: ImportPlan
    original: bytes | None  # the contacts file as read (None: there is none yet)
    book: ContactBook | None


@dataclass(frozen=True)
class ImportOutcome:
    added: int = 0
    backup: Path | None = None
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)


def load_contacts_file(path: Path) -> tuple[bytes | None, ContactBook | None]:
    """The contacts file's bytes and book; (None, None) when it does not exist yet.

    Raises ContactsError (an invalid file) or OSError (an unreadable one).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    book = parse_contacts(data, name=str(path), base_dir=path.parent.resolve(), path=path)
    return data, book


def plan_file(source: Path, contacts_path: Path, fmt: str | None = None) -> PlannedImport | str:
    """The plan for importing source into the contacts file, or why there is none."""
    try:
        reading = read_file(source, fmt)
    except InteropError as exc:
        return f"{source}: {exc}"
    try:
        original, book = load_contacts_file(contacts_path)
    except ContactsError as exc:
        first = exc.problems[0] if exc.problems else ""
        return f"fix {contacts_path} first: {first}"
    except OSError as exc:
        return f"{contacts_path}: cannot read the contacts file: {exc.strerror or exc}"
    return PlannedImport(source, contacts_path, plan_import(reading, book), original, book)


def apply_plan(planned: PlannedImport) -> ImportOutcome:
    """Write the plan's new contacts into the contacts file (merges are not applied)."""
    target = planned.contacts_path
    new = planned.plan.new_contacts()
    if not new:
        return ImportOutcome()
    try:
        text = planned.original.decode("utf-8") if planned.original is not None else NEW_FILE
    except UnicodeDecodeError:  # pragma: no cover - the file was parsed as UTF-8
        return ImportOutcome(error=f"{target} is not UTF-8 text; nothing written")
    unchanged = f"{target} is unchanged"
    try:
        result = append_contacts(text, new)
        after = parse_contacts(
            result, name=str(target), base_dir=target.parent.resolve(), path=target
        )
    except ContactsError as exc:
        return ImportOutcome(
            error=f"the contacts file would not be valid after the import; {unchanged}",
            problems=exc.problems,
        )
    before = [c.id for c in planned.book.contacts] if planned.book else []
    if [c.id for c in after.contacts] != before + [c["id"] for c in new]:
        return ImportOutcome(error=f"the import did not come out as planned; {unchanged}")
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        return ImportOutcome(error=f"{target}: cannot read: {exc.strerror or exc}")
    if current != planned.original:
        return ImportOutcome(error=f"{target} changed since the plan; run the import again")
    try:
        backup = save_text(target, result)
    except OSError as exc:
        return ImportOutcome(error=f"{target}: cannot write: {exc.strerror or exc}")
    return ImportOutcome(added=len(new), backup=backup)
