"""`trailtui stats` and `trailtui doctor`: what the workspace holds, and what is wrong with it."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from trailtui.cli.common import (
    CONTEXT,
    Options,
    open_workspace_or_exit,
    report_problems,
    workspace_options,
    workspace_problems,
)
from trailtui.text import plural


@click.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@workspace_options
def stats(options: Options, as_json: bool) -> None:
    """Headline numbers: contacts, feeds, entries, unread, trail; who is due
    and overdue, today's trails and the streak of days meeting the daily goal.

    The numbers are the database's. When the contacts file is missing or
    invalid they are still printed (they are from the last valid file), its
    problems follow on stderr, and the exit code is 1.
    """
    from trailtui.clock import now
    from trailtui.store import queries
    from trailtui.trail.stats import goal_of, rhythm_counts

    workspace = open_workspace_or_exit(options, need_contacts=False)
    try:
        counts = queries.counts(workspace.store)
        problems = workspace_problems(workspace, options)
        rhythm = rhythm_counts(workspace.store, now(), goal_of(workspace.book))
    finally:
        workspace.close()
    if as_json:
        click.echo(json.dumps({**asdict(counts), **asdict(rhythm)}))
    else:
        click.echo(
            f"{plural(counts.contacts, 'contact')} ({counts.archived_contacts} archived), "
            f"{plural(counts.feeds, 'feed')} ({counts.failing_feeds} failing), "
            f"{plural(counts.entries, 'entry', 'entries')} ({counts.unread} unread), "
            f"{plural(counts.engagements, 'trail entry', 'trail entries')}."
        )
        click.echo(
            f"{rhythm.due} due, {rhythm.overdue} overdue, {rhythm.never} never touched; "
            f"today {rhythm.today} of {plural(rhythm.goal, 'trail')}, "
            f"streak {plural(rhythm.streak, 'day')}."
        )
    if problems:
        report_problems(problems)
        sys.exit(1)


@click.command(context_settings=CONTEXT)
@workspace_options
def doctor(options: Options) -> None:
    """Check the contacts file, the database and every feed; suggest fixes (exit 1 if any)."""
    from trailtui.feeds.health import diagnose_all
    from trailtui.store import queries

    workspace = open_workspace_or_exit(options, need_contacts=False)
    try:
        contact_problems = workspace_problems(workspace, options)
        book = workspace.book
        if book is not None:
            click.echo(
                f"Contacts: {workspace.contacts_path}: OK, "
                f"{plural(len(book.contacts), 'contact')}, {plural(book.feed_count, 'feed')}"
            )
        else:
            click.echo(
                f"Contacts: {workspace.contacts_path}: {plural(len(contact_problems), 'problem')}"
            )
            for problem in contact_problems:
                click.echo(f"  {problem}")
        click.echo(f"Database: {workspace.store.url}")
        feeds = queries.feed_health(workspace.store)
        diagnoses = diagnose_all(feeds)
    finally:
        workspace.close()
    if not feeds:
        click.echo("Feeds: none in the database yet.")
    elif not diagnoses:
        click.echo(f"Feeds: {len(feeds)} checked, all healthy.")
    else:
        needs = plural(len(diagnoses), "needs", "need")
        click.echo(f"Feeds: {len(feeds)} checked, {needs} attention:")
        for found in diagnoses:
            feed = found.feed
            click.echo(f"\n  {feed.contact_name}: {feed.url}")
            click.echo(f"    problem: {found.problem}")
            click.echo(f"    fix:     {found.advice}")
    problems = len(contact_problems) + len(diagnoses)
    if problems:
        click.echo(f"\n{plural(problems, 'problem')} found.")
        sys.exit(1)
