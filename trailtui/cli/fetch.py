"""`trailtui fetch`: refresh the feeds headless, with a progress bar on a terminal."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import click

from trailtui import paths
from trailtui.cli.common import CONTEXT, Options, fail, open_workspace_or_exit, workspace_options
from trailtui.text import plural

DATABASE = "database: "  # how a feed that could not be stored says why (feeds.finish)


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


@click.command(context_settings=CONTEXT)
@click.option("--force", is_flag=True, help="Fetch every feed now, even those not yet due.")
@workspace_options
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

            workspace = open_workspace_or_exit(options, early=early)
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
            click.echo(f"Fetching {plural(total, 'feed')}...", err=True)

    def on_progress(outcome: FeedOutcome, done: int, total: int) -> None:
        if bar:
            bar[0].update(1)
        elif outcome.result is Result.FAILED:
            click.echo(f"  failed: {outcome.url}: {outcome.error}", err=True)

    from trailtui.store import StoreError, queries

    try:
        report = refresh(
            workspace.store,
            force=force,
            refresh_every=workspace.refresh_every,
            on_start=on_start,
            on_progress=on_progress,
        )
    except StoreError as exc:
        fail(f"the database failed during the refresh: {exc}; run trailtui fetch again")
    finally:
        if bar:
            bar[0].__exit__(None, None, None)

    feeds_by_id = {}
    if report.failures:
        # If the database is gone, the summary names the feeds by URL alone.
        with suppress(StoreError):
            feeds_by_id = {f.id: f for f in queries.feed_health(workspace.store)}
    workspace.close()
    if report.total:
        unchanged = report.count(Result.NOT_MODIFIED) + report.count(Result.UNCHANGED)
        click.echo(
            f"{plural(report.total, 'feed')} in {report.elapsed:.1f} s: "
            f"{plural(report.new_entries, 'new entry', 'new entries')}, "
            f"{report.updated_entries} updated; {report.count(Result.UPDATED)} changed, "
            f"{unchanged} unchanged, {len(report.failures)} failed."
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
    lost = [o.error for o in report.failures if o.error and o.error.startswith(DATABASE)]
    if lost:
        fail(
            f"the database failed during the refresh ({lost[-1].removeprefix(DATABASE)}); "
            f"{plural(len(lost), 'feed')} could not be stored, what was stored is kept: "
            "run trailtui fetch again"
        )
