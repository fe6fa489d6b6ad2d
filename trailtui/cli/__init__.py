"""The command line: `trailtui` opens the app; subcommands work headless.

Exit codes: 0 ok, 1 user error (bad file, bad input, unusable database),
2 usage error. User errors never print a traceback.

The group is assembled here from the command modules (`app` is the group
itself; `fetch`, `contacts`, `interop`, `report`, `digest` hold the commands; `common`
what they share). Command modules never import this one.
"""

from __future__ import annotations

import gc

from trailtui.cli.app import main
from trailtui.cli.contacts import contacts
from trailtui.cli.db import db
from trailtui.cli.digest import digest
from trailtui.cli.fetch import fetch
from trailtui.cli.interop import export_command, import_command
from trailtui.cli.report import doctor, stats

__all__ = ["main", "run"]

for command in (fetch, contacts, stats, doctor, digest, db):
    main.add_command(command)
main.add_command(import_command, "import")
main.add_command(export_command, "export")


def run() -> None:
    """The `trailtui` command (and `python -m trailtui`)."""
    try:
        main()
    finally:
        # The process ends here. Python's last garbage collection would walk
        # every object still alive (a tenth of a second after a refresh) only
        # to free memory the system takes back anyway; it skips frozen ones.
        gc.freeze()
