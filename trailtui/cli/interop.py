"""`trailtui import` and `trailtui export` (the readers and writers are in trailtui/interop).

Only click is imported here at start-up; the readers, the YAML and the
database layers are imported inside the commands, so `trailtui --help`
stays fast.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trailtui.cli.common import (
    CONTEXT,
    DEMO_READ_ONLY,
    Options,
    fail,
    missing_contacts,
    open_workspace_or_exit,
    report_problems,
    warn,
    workspace_options,
    workspace_problems,
)
from trailtui.interop.model import FORMATS
from trailtui.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from trailtui.contacts import ContactBook
    from trailtui.interop.plan import ImportPlan, PlanItem

_FORMAT_NAMES = {"opml": "OPML", "vcard": "vCard", "linkedin": "LinkedIn CSV"}


def _load(path: Path, nothing_done: str) -> tuple[bytes | None, ContactBook | None]:
    """The contacts file's bytes and book (None, None when there is no file yet)."""
    from trailtui.contacts import ContactsError
    from trailtui.interop.apply import load_contacts_file

    try:
        return load_contacts_file(path)
    except OSError as exc:
        fail(f"{path}: cannot read the contacts file: {exc.strerror or exc}")
    except ContactsError as exc:
        report_problems(exc.problems)
        fail(f"fix {path} first (`trailtui contacts check`); {nothing_done}")


def _summary(item: PlanItem) -> str:
    contact = item.contact or {}
    parts = [f"id {contact.get('id')}"]
    if contact.get("links"):
        parts.append("links " + ", ".join(contact["links"]))
    if contact.get("feeds"):
        parts.append(plural(len(contact["feeds"]), "feed"))
    if contact.get("tags"):
        parts.append("tags " + ", ".join(str(t) for t in contact["tags"]))
    return "; ".join(parts)


def _section(
    title: str, items: list[PlanItem], mark: str, detail: Callable[[PlanItem], str]
) -> None:
    """One part of the plan: a heading, then a line per item and its notes."""
    if not items:
        return
    click.echo(f"\n{title}:")
    for item in items:
        click.echo(f"  {mark} {item.name} [{item.source}]{detail(item)}")
        for note in item.notes:
            click.echo(f"      note: {note}")


def _print_plan(plan: ImportPlan, source: Path) -> None:
    from trailtui.interop.plan import ADD, SKIP

    adds, merges, by_hand, skips = plan.of(ADD), plan.to_merge(), plan.by_hand(), plan.of(SKIP)
    click.echo(f"{source} ({_FORMAT_NAMES.get(plan.format, plan.format)}): {len(plan.items)} found")
    _section(f"New contacts ({len(adds)})", adds, "+", lambda item: f": {_summary(item)}")
    _section(
        f"Already there, with something new ({len(merges)}; --apply adds it to them)",
        merges,
        "~",
        lambda item: f" -> {item.target}: {item.reason}",
    )
    _section(
        f"Already there, with something new, to copy by hand ({len(by_hand)})",
        by_hand,
        "?",
        lambda item: f" -> {item.target}: {item.reason}\n      {item.by_hand}",
    )
    _section(f"Skipped ({len(skips)})", skips, "-", lambda item: f": {item.reason}")
    updated = len(plan.merges())
    summary = f"{len(adds)} to add, {plural(updated, 'contact')} to update"
    if by_hand:
        summary += f", {len(by_hand)} to merge by hand"
    click.echo(f"\n{summary}, {len(skips)} skipped.")


@click.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="The file's format (default: told from its content).",
)
@click.option("--apply", is_flag=True, help="Write the changes into the contacts file.")
@workspace_options
def import_command(options: Options, file: Path, fmt: str | None, apply: bool) -> None:
    """Import people from OPML, a vCard file or LinkedIn's Connections.csv.

    Always prints the plan first: who would be added, who is already in your
    contacts file (and what the file brings that they lack), and what is
    skipped and why. Nothing is written unless --apply is given; then the new
    contacts are appended to the contacts file and the new links, feeds and
    tags are inserted into the contacts they belong to, leaving every line you
    wrote as it was, and the previous version is kept as a .bak file. A
    contacts file that does not exist yet is created.
    """
    from trailtui.interop.apply import apply_plan, plan_reading
    from trailtui.interop.detect import read_file
    from trailtui.interop.model import InteropError

    try:
        reading = read_file(file, fmt)
    except InteropError as exc:
        fail(f"{file}: {exc}")
    target = options.contacts_file()
    data, book = _load(target, "nothing was imported")
    planned = plan_reading(file, reading, target, data, book)
    plan = planned.plan
    _print_plan(plan, file)
    new, merges = plan.new_contacts(), plan.merges()
    if not apply:
        if new or merges:
            change = "write these changes to" if data is not None else "create"
            click.echo(f"Dry run: nothing written. Add --apply to {change} {target}.")
        return
    if options.demo:
        fail(DEMO_READ_ONLY)
    if not new and not merges:
        click.echo(f"Nothing to add, nothing new to merge; {target} is unchanged.")
        return
    outcome = apply_plan(planned)
    if outcome.error is not None:
        if outcome.problems:
            report_problems(outcome.problems)
        fail(outcome.error)
    click.echo(outcome.summary(target))
    if outcome.backup is not None:
        click.echo(f"The previous version is in {outcome.backup}.")


@click.command("export", context_settings=CONTEXT)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["opml", "json", "jsonl", "csv"]),
    help="opml: every contact's feeds; json, jsonl, csv: the trail (every engagement).",
)
@click.option("--opml", "as_opml", is_flag=True, help="Same as --format opml.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--person", metavar="ID", help="The trail of this contact only (their id).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The trail from this day on (YYYY-MM-DD, UTC, included).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The trail up to this day (YYYY-MM-DD, UTC, included).",
)
@workspace_options
def export_command(
    options: Options,
    fmt: str | None,
    as_opml: bool,
    out: Path | None,
    person: str | None,
    since: datetime | None,
    until: datetime | None,
) -> None:
    """Export your feeds as OPML, or the trail you left as JSON, JSON Lines or CSV.

    OPML is made from the contacts file, which must be valid. The trail is in
    the database alone: it is exported even when the contacts file is missing
    or invalid, with a warning on stderr saying so. --person, --since and
    --until narrow the trail (days are UTC days, as the export's times are).
    """
    if as_opml:
        if fmt not in (None, "opml"):
            raise click.UsageError(f"--opml and --format {fmt} contradict each other")
        fmt = "opml"
    if fmt is None:
        raise click.UsageError("choose what to export: --format opml|json|jsonl|csv (or --opml)")
    narrowed = person is not None or since is not None or until is not None
    if fmt == "opml" and narrowed:
        raise click.UsageError("--person, --since and --until narrow the trail, not OPML")
    if since is not None and until is not None and until < since:
        raise click.UsageError(f"--until {until:%Y-%m-%d} is before --since {since:%Y-%m-%d}")
    if fmt == "opml":
        text, what = _export_opml(options)
    else:
        text, what = _export_trail(
            options,
            fmt,
            person=person,
            since=since.date() if since else None,
            until=until.date() if until else None,
        )
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
    click.echo(f"Wrote {what} to {out}.", err=True)


def _export_opml(options: Options) -> tuple[str, str]:
    from datetime import UTC, datetime

    from trailtui.interop.opml import write_opml

    path = options.contacts_file()
    _, book = _load(path, "nothing was exported")
    if book is None:
        report_problems([missing_contacts(path, options.contacts_origin())])
        sys.exit(1)
    text = write_opml(book.contacts, now=datetime.now(UTC))
    feeds, contacts = plural(book.feed_count, "feed"), plural(len(book.contacts), "contact")
    return text, f"{feeds} of {contacts}"


def _export_trail(
    options: Options,
    fmt: str,
    *,
    person: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> tuple[str, str]:
    from trailtui.interop.trail import filter_trail, format_trail
    from trailtui.store import queries

    workspace = open_workspace_or_exit(options, need_contacts=False)
    try:
        problems = workspace_problems(workspace, options)
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            warn("the contacts file cannot be used; the trail is exported from the database alone")
        if person is not None and queries.contact(workspace.store, person) is None:
            fail(f"no contact has the id {person!r}; `trailtui export --format json` lists the ids")
        records = filter_trail(
            queries.full_trail(workspace.store), person=person, since=since, until=until
        )
    finally:
        workspace.close()
    return format_trail(records, fmt), plural(len(records), "trail entry", "trail entries")
