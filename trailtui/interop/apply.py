"""An import from start to end: read the file, plan against the contacts, write the changes.

Used by `trailtui import` and by the app. Writing inserts the merges' new
links, feeds and tags into the contacts they belong to
(`yamltext.merge_into_contacts`) and appends the new contacts
(`yamltext.append_contacts`), both into the user's text, never rewriting a
line of it. The result must load with exactly the planned changes: the new
contacts added, each merged contact equal to what it was plus its additions,
every other contact, the settings and the templates unchanged. The file must
not have changed since it was read; the save is atomic, with a backup
(`files.save_text`), and covers adds and merges at once. An invalid result is
never saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trailtui.contacts import Contact, ContactBook, ContactsError, Problem, parse_contacts_for
from trailtui.contacts.files import save_text
from trailtui.contacts.schema import FeedSpec, feed_mapping
from trailtui.contacts.starter import NEW_FILE
from trailtui.contacts.yamltext import append_contacts, merge_into_contacts
from trailtui.interop.detect import read_file
from trailtui.interop.model import InteropError, Reading, plural
from trailtui.interop.plan import ImportPlan, plan_import


@dataclass(frozen=True)
class PlannedImport:
    source: Path
    contacts_path: Path
    plan: ImportPlan
    original: bytes | None  # the contacts file as read (None: there is none yet)
    book: ContactBook | None

    @cached_property
    def text(self) -> str | None:
        """original as text (it was read, and validated, as UTF-8)."""
        return self.original.decode("utf-8") if self.original is not None else None

    def with_choices(
        self, skip: Iterable[str] = (), rename: Mapping[str, str] | None = None
    ) -> PlannedImport:
        """The same import with entries left out and people renamed
        (`ImportPlan.with_choices`; raises ChoiceError). Applying it checks
        and writes exactly as for the plan as first made."""
        return replace(self, plan=self.plan.with_choices(skip=skip, rename=rename))


@dataclass(frozen=True)
class ImportOutcome:
    added: int = 0  # new contacts
    updated: int = 0  # contacts that gained links, feeds or tags
    backup: Path | None = None
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def summary(self, target: Path) -> str:
        """What was written: "Added 2 contacts to FILE and updated 1 contact." """
        added, updated = plural(self.added, "contact"), plural(self.updated, "contact")
        if self.added and self.updated:
            return f"Added {added} to {target} and updated {updated}."
        if self.updated:
            return f"Updated {updated} in {target}."
        return f"Added {added} to {target}."


def load_contacts_file(path: Path) -> tuple[bytes | None, ContactBook | None]:
    """The contacts file's bytes and book; (None, None) when it does not exist yet.

    Raises ContactsError (an invalid file) or OSError (an unreadable one).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    book = parse_contacts_for(path, data)
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
    return plan_reading(source, reading, contacts_path, original, book)


def plan_reading(
    source: Path,
    reading: Reading,
    contacts_path: Path,
    original: bytes | None,
    book: ContactBook | None,
) -> PlannedImport:
    """The plan for what was read from source, against the contacts file's bytes and book."""
    text = original.decode("utf-8") if original is not None else None
    return PlannedImport(source, contacts_path, plan_import(reading, book, text), original, book)


def apply_plan(planned: PlannedImport) -> ImportOutcome:
    """Write the plan's new contacts and merges into the contacts file, in one save."""
    target = planned.contacts_path
    new = planned.plan.new_contacts()
    book = planned.book
    merges = planned.plan.merges() if book is not None else {}
    if not new and not merges:
        return ImportOutcome()
    text = planned.text if planned.text is not None else NEW_FILE
    unchanged = f"{target} is unchanged"
    before = list(book.contacts) if book is not None else []
    position = {contact.id: i for i, contact in enumerate(before)}
    if any(target_id not in position for target_id in merges):
        return ImportOutcome(error=f"the import did not come out as planned; {unchanged}")
    base_dir = target.parent.resolve()
    try:
        result = merge_into_contacts(text, {position[cid]: gains for cid, gains in merges.items()})
    except ContactsError as exc:  # a contact the plan did not know to leave alone
        return ImportOutcome(
            error=f"cannot add to a contact without rewriting it; {unchanged}",
            problems=exc.problems,
        )
    try:
        result = append_contacts(result, new)
    except ContactsError as exc:
        reason = exc.problems[0].message if exc.problems else "the text cannot take new contacts"
        return ImportOutcome(error=f"{reason}; {unchanged}", problems=exc.problems)
    try:
        after = parse_contacts_for(target, result)
    except ContactsError as exc:
        return ImportOutcome(
            error=f"the contacts file would not be valid after the import; {unchanged}",
            problems=exc.problems,
        )
    try:
        expected = [
            _merged(contact, merges[contact.id], base_dir) if contact.id in merges else contact
            for contact in before
        ]
        expected += [Contact.model_validate(c, context={"base_dir": base_dir}) for c in new]
    except ValidationError:
        return ImportOutcome(error=f"the import did not come out as planned; {unchanged}")
    if after.contacts != expected or (
        book is not None and (after.settings, after.templates) != (book.settings, book.templates)
    ):
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
    return ImportOutcome(added=len(new), updated=len(merges), backup=backup)


def _merged(contact: Contact, gains: dict[str, Any], base_dir: Path) -> Contact:
    """contact as it should load after the merge: its own values, then the additions."""
    context = {"base_dir": base_dir}
    links = dict(contact.links)
    for key, value in gains.get("links", {}).items():
        links.setdefault(key, value)  # a link the contact has keeps its value
    feeds = [
        FeedSpec.model_validate(feed_mapping(f), context=context) for f in gains.get("feeds", [])
    ]
    return contact.model_copy(
        update={
            "links": links,
            "feeds": [*contact.feeds, *feeds],
            "tags": [*contact.tags, *gains.get("tags", [])],
        }
    )
