"""`trailtui digest`: who is due, their fresh posts, open drafts, today's count
and the streak, in one batch (for cron or a desktop notification)."""

from __future__ import annotations

import click

from trailtui.cli.common import (
    CONTEXT,
    Options,
    open_workspace_or_exit,
    warn,
    workspace_options,
    workspace_problems,
)


@click.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (stable keys).")
@workspace_options
def digest(options: Options, as_json: bool) -> None:
    """Who is due or overdue (or never touched), their fresh posts, open
    drafts, today's trails against settings.daily_goal, and the streak.

    Always exits 0 when the database can be read: the digest is for cron. A
    missing or invalid contacts file is said on stderr; the digest is then
    made from the database alone, with the default daily goal.
    """
    from trailtui.clock import now
    from trailtui.trail.digest import digest as make_digest
    from trailtui.trail.digest import digest_json, digest_text
    from trailtui.trail.stats import goal_of

    workspace = open_workspace_or_exit(options, need_contacts=False)
    try:
        problems = workspace_problems(workspace, options)
        if problems:
            warn("the contacts file cannot be used; the digest is from the database alone")
        found = make_digest(workspace.store, now(), goal_of(workspace.book))
    finally:
        workspace.close()
    click.echo(digest_json(found) if as_json else digest_text(found), nl=False)
