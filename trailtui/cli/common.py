"""What every command shares: the workspace options, failing, reporting problems.

Only click and `paths` are imported here at start-up; the database and the
contacts schema are imported by the functions that need them, so
`trailtui --help` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from trailtui import paths
from trailtui.text import plural

if TYPE_CHECKING:
    from trailtui.contacts import Problem
    from trailtui.contacts.early import EarlyContacts
    from trailtui.workspace import Workspace

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DEMO_READ_ONLY = "the demo's contacts are not changed; pass --contacts FILE without --demo"

R = TypeVar("R")


@dataclass(frozen=True)
class Options:
    """The workspace options in effect for a command."""

    contacts: Path | None = None
    db: str | None = None
    demo: bool = False

    def contacts_file(self) -> Path:
        """The contacts file these options name (the bundled one for the demo)."""
        if self.demo and not self.contacts:
            return paths.demo_dir() / "contacts.yaml"
        return paths.contacts_path(self.contacts)

    def contacts_origin(self) -> str | None:
        """What chose the contacts file: '--contacts', the variable, or None (the default)."""
        if self.contacts:
            return "--contacts"
        if not self.demo and os.environ.get(paths.ENV_CONTACTS):
            return paths.ENV_CONTACTS
        return None


def workspace_options(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command (or group) --contacts, --db and --demo, and pass it the
    Options in effect as its first argument.

    The options may come before the command's name or after it, at any level
    (`trailtui --db X contacts --contacts F check --demo`); given at several
    levels, the last one wins. Environment variables are read later, by
    `paths`, only when no level gave the option.
    """

    @functools.wraps(command)
    def callback(*args: Any, contacts: Path | None, db: str | None, demo: bool, **kwargs: Any) -> R:
        ctx = click.get_current_context()
        given = ctx.find_object(Options) or Options()
        options = Options(
            contacts=contacts if contacts is not None else given.contacts,
            db=db if db is not None else given.db,
            demo=demo or given.demo,
        )
        ctx.obj = options  # what the subcommands of a group start from
        return command(options, *args, **kwargs)

    for option in reversed(_OPTIONS):
        callback = option(callback)
    return callback


_OPTIONS = (
    click.option(
        "--contacts",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"contacts.yaml to use [env {paths.ENV_CONTACTS}; default "
        f"{paths.default_contacts_path()}]",
    ),
    click.option(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy database URL [env {paths.ENV_DB}; default SQLite in {paths.data_dir()}]",
    ),
    click.option(
        "--demo",
        is_flag=True,
        help="Use the bundled example contacts, offline, with a throwaway database.",
    ),
)


def fail(message: str) -> NoReturn:
    """A user error: one line on stderr, exit 1."""
    click.echo(f"trailtui: {message}", err=True)
    sys.exit(1)


def warn(message: str) -> None:
    click.echo(f"trailtui: warning: {message}", err=True)


def report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{plural(len(problems), 'problem')} found.", err=True)


def missing_contacts(path: Path, origin: str | None) -> Problem:
    """The problem of a contacts file that is not there, worded for whoever chose it."""
    from trailtui.contacts.errors import Problem

    if origin is None:
        message = "no such file; run `trailtui` to start one, or pass --contacts FILE"
    else:
        message = f"no such file (given by {origin})"
    return Problem(str(path), None, None, "", message)


def contacts_problems(path: Path, problems: list[Problem], origin: str | None) -> list[Problem]:
    """The problems of the contacts file at path, a missing file worded by what chose it."""
    if len(problems) != 1 or not _missing(path):
        return problems
    return [missing_contacts(path, origin)]


def _missing(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False  # there, but unreadable: the loader says why
    return False


def workspace_problems(workspace: Workspace, options: Options) -> list[Problem]:
    """Why the workspace has no valid contacts file (empty when it has one)."""
    if workspace.has_contacts:
        return []
    return contacts_problems(workspace.contacts_path, workspace.problems, options.contacts_origin())


def open_workspace_or_exit(
    options: Options, *, need_contacts: bool = True, early: EarlyContacts | None = None
) -> Workspace:
    """The workspace, or exit 1: with the database's error when it cannot be used,
    or with the contacts file's problems when need_contacts and it is not valid."""
    # Imported here: `--help` and `--version` should not wait for the database layer.
    from trailtui.store import StoreError
    from trailtui.workspace import open_workspace

    try:
        workspace = open_workspace(options.contacts, options.db, demo=options.demo, early=early)
    except StoreError as exc:
        fail(str(exc))
    if need_contacts and not workspace.has_contacts:
        problems = workspace_problems(workspace, options)
        workspace.close()
        report_problems(problems)
        sys.exit(1)
    return workspace
