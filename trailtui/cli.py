"""The command line: `trailtui` opens the app; subcommands work headless.

Exit codes: 0 ok, 1 user error (bad file, bad input, unusable database),
2 usage error. User errors never print a traceback.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from trailtui import __version__, paths

if TYPE_CHECKING:
    from trailtui.contacts import Problem
    from trailtui.contacts.early import EarlyContacts
    from trailtui.workspace import Workspace


@dataclass(frozen=True)
class Options:
    contacts: Path | None
    db: str | None
    demo: bool


def _fail(message: str) -> NoReturn:
    click.echo(f"trailtui: {message}", err=True)
    sys.exit(1)


def _report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)


def _workspace(
    options: Options, *, need_contacts: bool = True, early: EarlyContacts | None = None
) -> Workspace:
    # Imported here: `--help` and `--version` should not wait for the database layer.
    from trailtui.store import StoreError
    from trailtui.workspace import open_workspace

    try:
        workspace = open_workspace(options.contacts, options.db, demo=options.demo, early=early)
    except StoreError as exc:
        _fail(str(exc))
    if need_contacts and not workspace.has_contacts:
        workspace.close()
        _report_problems(workspace.problems)
        sys.exit(1)
    return workspace


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while starting up: imports and opening the
    database make tens of thousands of objects that live as long as the
    process, and collecting would scan them again and again (a tenth of the
    start-up time) to find nothing. They are frozen out of later collections
    too: the first one after start-up would otherwise scan them all."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@click.option(
    "--contacts",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"contacts.yaml to use [env {paths.ENV_CONTACTS}; default "
    f"{paths.default_contacts_path()}]",
)
@click.option(
    "--db",
    metavar="URL",
    help=f"SQLAlchemy database URL [env {paths.ENV_DB}; default SQLite in {paths.data_dir()}]",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Use the bundled example contacts, offline, with a throwaway database.",
)
@click.version_option(__version__, prog_name="trailtui")
@click.pass_context
def main(ctx: click.Context, contacts: Path | None, db: str | None, demo: bool) -> None:
    """Keep in touch with the people who matter.

    With no command, opens the app: your contacts' feeds merged, newest first,
    beside a panel about the person who wrote each one. Leave a trail with one
    key (l like, c comment, s share, e endorse); press ? in the app for all keys.
    """
    ctx.obj = Options(contacts, db, demo)
    if ctx.invoked_subcommand is None:
        _run_app(ctx.obj)


def _run_app(options: Options) -> None:
    workspace = _workspace(options, need_contacts=False)
    from trailtui.ui.app import TrailApp  # deferred: the CLI commands don't need Textual

    try:
        TrailApp(workspace).run()
    finally:
        workspace.close()


@main.command()
@click.option("--force", is_flag=True, help="Fetch every feed now, even those not yet due.")
@click.pass_obj
def fetch(options: Options, force: bool) -> None:
    """Refresh every contact's feeds, headless (safe to run from cron while the app runs)."""
    early = None
    if not options.demo:
        # A first run into a new database: the contacts file is read on another
        # core while this process loads the database layer.
        from trailtui.contacts.early import start

        early = start(paths.contacts_path(options.contacts), paths.database_url(options.db))
    try:
        with _gc_paused():
            from trailtui.feeds.refresh import FeedOutcome, Result, refresh

            workspace = _workspace(options, early=early)
    finally:
        if early is not None:
            early.close()
    show_bar = sys.stderr.isatty()
    bar: list[Any] = []  # click's progress bar, made once the total is known

    def on_start(total: int) -> None:
        if total == 0:
            click.echo("No feeds are due (use --force to fetch them anyway).", err=True)
        elif show_bar:
            progress = click.progressbar(
                length=total, label="Fetching feeds", file=sys.stderr, show_pos=True
            )
            progress.__enter__()
            bar.append(progress)
        else:
            click.echo(f"Fetching {total} feeds...", err=True)

    def on_progress(outcome: FeedOutcome, done: int, total: int) -> None:
        if bar:
            bar[0].update(1)
        elif outcome.result is Result.FAILED:
            click.echo(f"  failed: {outcome.url}: {outcome.error}", err=True)

    try:
        report = refresh(
            workspace.store,
            force=force,
            refresh_every=workspace.refresh_every,
            on_start=on_start,
            on_progress=on_progress,
        )
    finally:
        if bar:
            bar[0].__exit__(None, None, None)
    feeds_by_id = {}
    if report.failures:
        from trailtui.store import queries

        feeds_by_id = {f.id: f for f in queries.feed_health(workspace.store)}
    workspace.close()
    if report.total:
        click.echo(
            f"{report.total} feeds in {report.elapsed:.1f} s: {report.new_entries} new entries, "
            f"{report.updated_entries} updated; {report.count(Result.UPDATED)} changed, "
            f"{report.count(Result.NOT_MODIFIED) + report.count(Result.UNCHANGED)} unchanged, "
            f"{len(report.failures)} failed."
        )
    for outcome in report.failures:
        health = feeds_by_id.get(outcome.feed_id)
        who = f" ({health.contact_name})" if health else ""
        click.echo(f"  FAILED {outcome.url}{who}: {outcome.error}")
    for outcome in report.outcomes:
        if outcome.warning:
            click.echo(f"  warning {outcome.url}: {outcome.warning}")
        if outcome.moved_to:
            click.echo(
                f"  moved {outcome.url} -> {outcome.moved_to} (update contacts.yaml to the new URL)"
            )


@main.group(context_settings=CONTEXT)
def contacts() -> None:
    """Work with the contacts file."""


@contacts.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_obj
def contacts_check(options: Options, path: Path | None) -> None:
    """Validate a contacts file; print a summary, or every problem (exit 1)."""
    from trailtui.contacts import ContactsError, load_contacts

    if path is None:
        path = (
            paths.demo_dir() / "contacts.yaml"
            if options.demo
            else paths.contacts_path(options.contacts)
        )
    try:
        book = load_contacts(path)
    except ContactsError as exc:
        _report_problems(exc.problems)
        sys.exit(1)
    without_feeds = sum(1 for c in book.contacts if not c.feeds)
    click.echo(
        f"{path}: OK, {len(book.contacts)} contacts, {book.feed_count} feeds"
        + (f" ({without_feeds} contacts without feeds)" if without_feeds else "")
        + "."
    )


@contacts.command("add")
@click.argument("name")
@click.argument("source", required=False)
@click.option("--why", default="", help="Why this person matters to you.")
@click.option("--help-them", "help_them", default="", help="How you can help them now.")
@click.option("--tier", type=click.Choice(["A", "B", "C"]), help="Tier (sets the cadence).")
@click.option("--no-check", is_flag=True, help="Add SOURCE as written, without fetching it first.")
@click.pass_obj
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
        _fail("the demo's contacts are not changed; pass --contacts FILE without --demo")
    path = paths.contacts_path(options.contacts)
    try:
        text = current_text(path)
        book = parse_contacts_for(path, text)
    except ContactsError as exc:
        _report_problems(exc.problems)
        _fail(f"fix {path} first (trailtui contacts check); nothing was added")
    except (OSError, UnicodeError) as exc:
        _fail(f"{path}: cannot read the contacts file: {exc}")
    clash = id_clash(book, name)
    if clash:
        _fail(clash)
    feeds: list[dict[str, str]] = []
    if source:
        try:
            entry = feed_entry(source)
        except SourceError as exc:
            _fail(f"{source}: {exc}")
        if no_check:
            feeds = [entry]
        else:
            click.echo(f"Looking at {source}...", err=True)
            probe = probe_source(source)
            if not probe.ok:
                _fail(f"no feed found: {probe.error} (add --no-check to add it anyway)")
            for index, found in enumerate(probe.candidates):
                mark = "*" if index == 0 else " "
                click.echo(
                    f" {mark} {found.title or '(untitled)'}: {found.url} ({found.entries} entries)"
                )
            if len(probe.candidates) > 1:
                click.echo("   (* is added; add the others in the file if you want them)")
            feeds = [probe.candidates[0].entry]
    contact = contact_mapping(name, feeds, why=why, help=help_them, tier=tier)
    try:
        new_text = text_with_contact(path, text, contact)
    except ContactsError as exc:
        _report_problems(exc.problems)
        _fail(f"the contact cannot be added to {path}; nothing was added")
    try:
        backup = save_text(path, new_text)
    except OSError as exc:
        _fail(f"{path}: cannot write: {exc.strerror or exc}")
    click.echo(f"Added {name.strip()} (id {slugify(name.strip()) or 'contact'}) to {path}.")
    if backup is not None:
        click.echo(f"The previous version is in {backup}.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def stats(options: Options, as_json: bool) -> None:
    """Headline numbers: contacts, feeds, entries, unread, trail."""
    from trailtui.store import queries

    workspace = _workspace(options, need_contacts=False)
    counts = queries.counts(workspace.store)
    workspace.close()
    if as_json:
        click.echo(json.dumps(asdict(counts)))
        return
    click.echo(
        f"{counts.contacts} contacts ({counts.archived_contacts} archived), {counts.feeds} feeds "
        f"({counts.failing_feeds} failing), {counts.entries} entries ({counts.unread} unread), "
        f"{counts.engagements} trail entries."
    )
    if workspace.problems:
        _report_problems(workspace.problems)


@main.command()
@click.pass_obj
def doctor(options: Options) -> None:
    """Check the contacts file, the database and every feed; suggest fixes (exit 1 if any)."""
    from trailtui.feeds.health import diagnose_all
    from trailtui.store import queries

    workspace = _workspace(options, need_contacts=False)
    problems = 0
    book = workspace.book
    if book is not None:
        click.echo(
            f"Contacts: {workspace.contacts_path}: OK, {len(book.contacts)} contacts, "
            f"{book.feed_count} feeds"
        )
    else:
        problems += len(workspace.problems)
        click.echo(f"Contacts: {workspace.contacts_path}: {len(workspace.problems)} problem(s)")
        for problem in workspace.problems:
            click.echo(f"  {problem}")
    click.echo(f"Database: {workspace.store.url}")
    feeds = queries.feed_health(workspace.store)
    diagnoses = diagnose_all(feeds)
    workspace.close()
    problems += len(diagnoses)
    if not diagnoses:
        click.echo(f"Feeds: {len(feeds)} checked, all healthy.")
    else:
        click.echo(f"Feeds: {len(feeds)} checked, {len(diagnoses)} need attention:")
        for found in diagnoses:
            feed = found.feed
            click.echo(f"\n  {feed.contact_name}: {feed.url}")
            click.echo(f"    problem: {found.problem}")
            click.echo(f"    fix:     {found.advice}")
    if problems:
        sys.exit(1)


def run() -> None:
    """The `trailtui` command (and `python -m trailtui`)."""
    try:
        main()
    finally:
        # The process ends here. Python's last garbage collection would walk
        # every object still alive (a tenth of a second after a refresh) only
        # to free memory the system takes back anyway; it skips frozen ones.
        gc.freeze()


# Imports and exports (trailtui/interop); the commands import their libraries lazily.
from trailtui.interop.commands import export_command, import_command  # noqa: E402

main.add_command(import_command, "import")
main.add_command(export_command, "export")
