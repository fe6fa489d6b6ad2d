"""`trailtui contacts check` and `trailtui contacts add`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from trailtui import paths
from trailtui.cli.common import (
    CONTEXT,
    DEMO_READ_ONLY,
    Options,
    contacts_problems,
    fail,
    report_problems,
    workspace_options,
)
from trailtui.text import plural


@click.group(context_settings=CONTEXT)
@workspace_options
def contacts(options: Options) -> None:
    """Work with the contacts file."""


@contacts.command("check", context_settings=CONTEXT)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@workspace_options
def contacts_check(options: Options, path: Path | None) -> None:
    """Validate a contacts file (PATH, else the one in use).

    Prints a summary, or every problem (exit 1). Warnings, such as a feed file
    that does not exist, are printed too but leave the file valid (exit 0).
    """
    from trailtui.contacts import ContactsError, load_contacts, parse_contacts_for
    from trailtui.contacts.warnings import find_warnings

    origin = None if path is not None else options.contacts_origin()
    if path is None:
        path = options.contacts_file()
    try:
        data: bytes | None = path.read_bytes()
    except OSError:
        data = None
    try:
        # The bytes read above, so the warnings are located in what was checked;
        # load_contacts only when they could not be read (it says why).
        book = load_contacts(path) if data is None else parse_contacts_for(path, data)
    except ContactsError as exc:
        report_problems(contacts_problems(path, exc.problems, origin))
        sys.exit(1)
    warnings = find_warnings(book, data)
    for warning in warnings:
        click.echo(str(warning), err=True)
    without_feeds = sum(1 for c in book.contacts if not c.feeds)
    click.echo(
        f"{path}: OK, {plural(len(book.contacts), 'contact')}, {plural(book.feed_count, 'feed')}"
        + (f" ({plural(without_feeds, 'contact')} without feeds)" if without_feeds else "")
        + (f"; {plural(len(warnings), 'warning')}" if warnings else "")
        + "."
    )


@contacts.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.argument("source", required=False)
@click.option("--why", default="", help="Why this person matters to you.")
@click.option("--help-them", "help_them", default="", help="How you can help them now.")
@click.option("--tier", type=click.Choice(["A", "B", "C"]), help="Tier (sets the cadence).")
@click.option("--no-check", is_flag=True, help="Add SOURCE as written, without fetching it first.")
@workspace_options
def contacts_add(
    options: Options,
    name: str,
    source: str | None,
    why: str,
    help_them: str,
    tier: str | None,
    no_check: bool,
) -> None:
    """Append a contact to the contacts file, leaving the rest of it as it is.

    SOURCE is optional: a site (its feed is found for you), a feed URL, a local
    file, or a shorthand such as github:ada, mastodon:@ada@hachyderm.io,
    bluesky:ada.bsky.social, youtube:UC..., substack:ada, medium:@ada,
    devto:ada or reddit:ada. It is fetched once first, to show what it gives.
    A contacts file that does not exist yet is created.
    """
    from trailtui.contacts import ContactsError, parse_contacts_for
    from trailtui.contacts.adding import (
        contact_mapping,
        current_text,
        id_clash,
        text_with_contact,
    )
    from trailtui.contacts.files import save_text
    from trailtui.contacts.schema import slugify
    from trailtui.feeds.probe import SourceError, feed_entry, probe_source

    if options.demo:
        fail(DEMO_READ_ONLY)
    path = paths.contacts_path(options.contacts)
    try:
        text = current_text(path)
        book = parse_contacts_for(path, text)
    except ContactsError as exc:
        report_problems(exc.problems)
        fail(f"fix {path} first (trailtui contacts check); nothing was added")
    except (OSError, UnicodeError) as exc:
        fail(f"{path}: cannot read the contacts file: {exc}")
    clash = id_clash(book, name)
    if clash:
        fail(clash)
    feeds: list[dict[str, str]] = []
    if source:
        try:
            entry = feed_entry(source, base_dir=path.parent)
        except SourceError as exc:
            fail(f"{source}: {exc}")
        if no_check:
            feeds = [entry]
        else:
            click.echo(f"Looking at {source}...", err=True)
            probe = probe_source(source, base_dir=path.parent)
            if not probe.ok:
                fail(f"no feed found: {probe.error} (add --no-check to add it anyway)")
            for index, found in enumerate(probe.candidates):
                mark = "*" if index == 0 else " "
                title = found.title or "(untitled)"
                click.echo(
                    f" {mark} {title}: {found.url} ({plural(found.entries, 'entry', 'entries')})"
                )
            if len(probe.candidates) > 1:
                click.echo("   (* is added; add the others in the file if you want them)")
            feeds = [probe.candidates[0].entry]
    contact = contact_mapping(name, feeds, why=why, help=help_them, tier=tier)
    try:
        new_text = text_with_contact(path, text, contact)
    except ContactsError as exc:
        report_problems(exc.problems)
        fail(f"the contact cannot be added to {path}; nothing was added")
    created = not path.exists()
    try:
        backup = save_text(path, new_text)
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")
    if created:
        click.echo(f"Created {path} (it did not exist) from the commented starter file.")
    click.echo(f"Added {name.strip()} (id {slugify(name.strip()) or 'contact'}) to {path}.")
    if backup is not None:
        click.echo(f"The previous version is in {backup}.")
