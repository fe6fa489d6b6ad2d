"""`trailtui` itself: the group's options, and the app when no command is given."""

from __future__ import annotations

import sys

import click

from trailtui import __version__
from trailtui.cli.common import CONTEXT, Options, open_workspace_or_exit, workspace_options


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="trailtui")
@workspace_options
def main(options: Options) -> None:
    """Keep in touch with the people who matter.

    With no command, opens the app on Today: the best next trails, first a new
    post from someone due, then people due with a trail that needs no post,
    then the rest of the feed (d switches to the whole feed, remembered).
    Leave a trail with one key (l like, c comment, s share, e endorse); press ?
    in the app for all keys.

    --contacts, --db and --demo may also follow the command's name.
    """
    if click.get_current_context().invoked_subcommand is None:
        _run_app(options)


def _run_app(options: Options) -> None:
    workspace = open_workspace_or_exit(options, need_contacts=False)
    from trailtui.feeds.workers import prepare_if_wanted

    # A first refresh's workers start from a fork server (the app has threads):
    # warm it while Textual loads.
    prepare_if_wanted(workspace.store, "forkserver")
    from trailtui.ui.app import TODAY, TrailApp  # deferred: the CLI commands don't need Textual

    try:
        app = TrailApp(workspace, default_view=TODAY)
        app.run()
    finally:
        workspace.close()
    if app.return_code:  # stopped by a signal (128 + its number), after saving
        sys.exit(app.return_code)
