"""Start-up loads only what painting the cached feed needs.

The HTTP client, the parsers, the HTML sanitiser, the YAML loader and the
contacts schema are loaded when a refresh has feeds to fetch or the contacts
file has changed, never to show what the database holds. Each check runs in
a fresh interpreter, so what another test imported does not hide a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from trailtui.feeds.refresh import refresh
from trailtui.workspace import open_workspace

# Top-level packages, and trailtui's own modules that load them.
NOT_AT_START_UP = (
    "aiohttp",
    "feedparser",
    "lxml",
    "nh3",
    "yaml",
    "pydantic",
    "tree_sitter",
    "markdownify",
    "zlib_ng",
    "trailtui.feeds.http",
    "trailtui.feeds.finish",
    "trailtui.feeds.parse",
    "trailtui.contacts.schema",
    "trailtui.contacts.loader",
)

REPORT = f"""
import json, sys
heavy = {NOT_AT_START_UP!r}
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def loaded_by(code: str, *args: str) -> list[str]:
    """Which of NOT_AT_START_UP a fresh interpreter has loaded after `code`."""
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_app_and_the_command_import_none_of_it() -> None:
    code = "import trailtui.cli, trailtui.ui.app, trailtui.workspace, trailtui.feeds.refresh\n"
    assert loaded_by(code) == []


def test_the_report_sees_what_is_loaded() -> None:
    # The check itself: a module that does load one of them is caught.
    assert loaded_by("import trailtui.feeds.finish\n") == [
        "aiohttp",
        "trailtui.feeds.finish",
        "trailtui.feeds.http",
        "zlib_ng",
    ]


LAUNCH = """
import asyncio, sys
from trailtui.feeds.workers import prepare_if_wanted
from trailtui.workspace import open_workspace

workspace = open_workspace(sys.argv[1], sys.argv[2])
prepare_if_wanted(workspace.store, "forkserver")
from trailtui.ui.app import TrailApp

app = TrailApp(workspace)


async def launch() -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        while not (getattr(app.screen, "showing", False) and app.screen.feed.rows):
            await pilot.pause(0.01)
        await pilot.pause()
        while app.refresher.running:  # the start-up refresh, with nothing due
            await pilot.pause(0.01)
        assert app.refresher.runs == 1


asyncio.run(launch())
workspace.close()
"""


def test_a_launch_to_the_cached_feed_imports_none_of_it(small_world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'launch.sqlite3'}"
    workspace = open_workspace(small_world, db)  # the contacts mirrored, their fingerprint kept
    report = refresh(workspace.store, start_method=None)  # every feed fetched: none due now
    assert report.total == 2 and not report.failures
    workspace.close()

    assert loaded_by(LAUNCH, str(small_world), db) == []


def test_a_changed_contacts_file_is_still_read_at_start_up(
    small_world: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'changed.sqlite3'}"
    open_workspace(small_world, db).close()
    small_world.write_text(
        small_world.read_text(encoding="utf-8").replace("cadence: 7d", "cadence: 3d"),
        encoding="utf-8",
    )
    code = (
        "import sys\nfrom trailtui.workspace import open_workspace\n"
        "open_workspace(sys.argv[1], sys.argv[2]).close()\n"
    )
    loaded = loaded_by(code, str(small_world), db)
    assert "yaml" in loaded and "trailtui.contacts.schema" in loaded
    assert "aiohttp" not in loaded
