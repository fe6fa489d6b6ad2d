#!/usr/bin/env python3
"""Launch to the merged feed on screen, at 100,000 entries and at 15.

    python benchmarks/launch_scale.py                 # 5 rounds, both sizes
    python benchmarks/launch_scale.py --runs 9 --sizes large
    python benchmarks/launch_scale.py --dir /tmp/scale   # where the databases are kept

The databases come from `scale_db.build` (300 contacts, 1,000 feeds, 100,000
entries; and 5 contacts, 5 feeds, 15 entries), kept under --dir between runs.
Every feed is on 127.0.0.1 port 9, where nothing listens. Each launch is
timed from just before its process starts until the feed is on screen:

  headless    `TrailApp` as `trailtui` starts it (the command's modules, the
              workspace, the fork-server check, the app) driven by `run_test`
              at 160x48, until the feed list holds rows and has been painted
  tmux        `trailtui --contacts ... --db ...` in a detached tmux session of
              160x48, `tmux capture-pane -p` polled until the newest title shows
  minimal     a Textual app of a header, a 200-row list and a footer, the same
              two ways: what any Textual app costs before it draws
  newsboat    `newsboat -u urls -c cache.db` (tmux) on a cache of the same
              feeds and entries (`scale_db.newsboat_cache`), until its feed
              list shows

trailtui refreshes the due feeds when it starts. It is timed twice: with
nothing due (the feeds were fetched a moment ago: `scale_db.make_not_due`),
and with every feed due (`scale_db.make_due` before each launch), so its
start-up refresh of 1,000 feeds runs (and is refused on loopback) while the
feed is painted. newsboat does not reload when it opens.

Modes alternate within each round (reversed every other round). Medians, and
ratios against the minimal Textual app and newsboat of the same run, go to
stdout as a Markdown table and to --json (default
benchmarks/results-launch-scale.json). Runs in the project's virtualenv;
needs tmux, and newsboat for its rows (left out if it is not installed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_db  # noqa: E402

SIZES = {
    "large": {"contacts": 300, "feeds": 1000, "entries": 100_000},
    "small": {"contacts": 5, "feeds": 5, "entries": 15},
}
COLUMNS, LINES = 160, 48
TIMEOUT_S = 120.0
POLL_S = 0.01
MINIMAL_ROWS = 200
MINIMAL_MARK = "minimal row 000"

MINIMAL_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*(f"minimal row {{n:03d}}" for n in range({MINIMAL_ROWS})))
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
"""


# ---- one launch, headless (in a fresh child process) ----------------------


def headless_trailtui(contacts: Path, database: Path) -> float:
    """In this fresh process: what `trailtui` does, then run_test until the
    feed list has rows and one paint after; returns time.time() then."""
    import trailtui.cli  # noqa: F401  the command's modules, as `trailtui` loads them
    from trailtui.feeds.workers import prepare_if_wanted
    from trailtui.workspace import open_workspace

    workspace = open_workspace(contacts, f"sqlite:///{database}")
    prepare_if_wanted(workspace.store, "forkserver")
    from trailtui.ui.app import TrailApp

    app = TrailApp(workspace)
    shown: list[float] = []

    async def run() -> None:
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            while not _feed_shown(app):
                await pilot.pause(POLL_S / 2)
            await pilot.pause()  # the list's first paint
            shown.append(time.time())
            while app.refresher.running:  # a start-up refresh ends before the app
                await pilot.pause(0.05)

    asyncio.run(run())
    workspace.close()
    return shown[0]


def _feed_shown(app: Any) -> bool:
    feed = getattr(app.screen, "feed", None) if getattr(app.screen, "showing", False) else None
    return feed is not None and feed.display and bool(feed.rows)


def headless_minimal(script: Path) -> float:
    """In this fresh process: the minimal app until its list is painted."""
    namespace: dict[str, Any] = {"__name__": "minimal"}
    exec(compile(script.read_text(), str(script), "exec"), namespace)
    app = namespace["Minimal"]()
    shown: list[float] = []

    async def run() -> None:
        from textual.widgets import OptionList

        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            while not app.query(OptionList) or not app.query_one(OptionList).option_count:
                await pilot.pause(POLL_S / 2)
            await pilot.pause()
            shown.append(time.time())

    asyncio.run(run())
    return shown[0]


def headless(argv: list[str], tree: Path | None = None) -> float:
    """A child process's launch (trailtui from `tree` if given); the wall time
    from before it started to the feed shown."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=_with_tree(dict(os.environ), tree),
    )
    if done.returncode != 0:
        raise RuntimeError(f"headless {argv[0]} failed:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1]) - started


def _with_tree(env: dict[str, str], tree: Path | None) -> dict[str, str]:
    """The environment of a launch of the trailtui in `tree` (a folder holding
    `trailtui/`), ahead of the installed one."""
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")]))
    return env


# ---- one launch, in tmux --------------------------------------------------


class Tmux:
    """A tmux server of our own (its own socket), kept up by an idle session,
    so starting a session for a launch does not start a server."""

    def __init__(self, state: Path) -> None:
        self.socket = state / "tmux.sock"
        self.env = {
            **os.environ,
            "HOME": str(state / "home"),
            "XDG_CONFIG_HOME": str(state / "config"),
            "XDG_DATA_HOME": str(state / "data"),
            "XDG_STATE_HOME": str(state / "state"),
            "XDG_CACHE_HOME": str(state / "cache"),
        }
        self.home = state / "home"
        self.home.mkdir()
        self._tmux("new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24", "sleep 86400")

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def launch(self, command: str, ready: Callable[[str], bool]) -> float:
        """Seconds from starting `command` in a 160x48 session until `ready(screen)`."""
        name = "launch"
        started = time.perf_counter()
        self._tmux(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(COLUMNS),
            "-y",
            str(LINES),
            "-c",
            str(self.home),
            command,
        )
        try:
            while True:
                screen = self._tmux("capture-pane", "-p", "-t", name).stdout
                if ready(screen):
                    return time.perf_counter() - started
                if time.perf_counter() - started > TIMEOUT_S:
                    raise RuntimeError(f"not ready after {TIMEOUT_S} s: {command}\n{screen}")
                time.sleep(POLL_S)
        finally:
            self._tmux("kill-session", "-t", name)
            while self._tmux("has-session", "-t", name).returncode == 0:
                time.sleep(0.02)
            time.sleep(0.3)  # the process it hung up on has exited

    def close(self) -> None:
        self._tmux("kill-server")


def trailtui_command() -> list[str]:
    """`trailtui` beside this interpreter, else `python -m trailtui`."""
    beside = Path(sys.executable).with_name("trailtui")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "trailtui"]


def _quote(parts: list[str]) -> str:
    return " ".join(shlex.quote(part) for part in parts)


# ---- a session ------------------------------------------------------------

Launch = tuple[Callable[[], None], Callable[[], float]]  # (set the database up, time one)


def launches(
    paths: scale_db.ScalePaths,
    newest: str,
    tmux: Tmux,
    minimal: Path,
    cache: scale_db.NewsboatPaths | None,
    state: Path,
    trees: dict[str, Path | None],
) -> dict[str, Launch]:
    """Every launch of one size, by name."""
    contacts, db = str(paths.contacts_yaml), str(paths.db)

    def nothing() -> None:
        pass

    def not_due() -> None:
        scale_db.make_not_due(paths.db)

    def due() -> None:
        scale_db.make_due(paths.db)

    def trailtui_ready(screen: str) -> bool:
        return newest in screen

    modes: dict[str, Launch] = {}
    for label, tree in trees.items():
        name = "trailtui" if tree is None else f"trailtui ({label})"
        command = [*trailtui_command(), "--contacts", contacts, "--db", f"sqlite:///{db}"]
        if tree is not None:
            command = ["env", f"PYTHONPATH={tree}", *command]
        app = _quote(command)

        def run_headless(tree: Path | None = tree) -> float:
            return headless(["trailtui", contacts, db], tree)

        def run_tmux(app: str = app) -> float:
            return tmux.launch(app, trailtui_ready)

        modes[f"{name} headless"] = (not_due, run_headless)
        modes[f"{name} headless, all due"] = (due, run_headless)
        modes[f"{name} tmux"] = (not_due, run_tmux)
        modes[f"{name} tmux, all due"] = (due, run_tmux)
    modes |= {
        "minimal headless": (nothing, lambda: headless(["minimal", str(minimal)])),
        "minimal tmux": (
            nothing,
            lambda: tmux.launch(
                _quote([sys.executable, str(minimal)]), lambda screen: MINIMAL_MARK in screen
            ),
        ),
    }
    if cache is not None:
        config = state / "newsboat.config"
        config.write_text("")
        newsboat = _quote(
            ["newsboat", "-u", str(cache.urls), "-c", str(cache.cache), "-C", str(config)]
        )
        modes["newsboat tmux"] = (nothing, lambda: tmux.launch(newsboat, _newsboat_ready))
    return modes


def session(args: argparse.Namespace, state: Path) -> dict[str, Any]:
    tmux = Tmux(state)
    minimal = state / "minimal_app.py"
    minimal.write_text(MINIMAL_APP)
    has_newsboat = shutil.which("newsboat") is not None and not args.skip_newsboat
    folders = [tree or HERE.parent for tree in trees(args).values()]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(f / "trailtui") for f in folders)],
        capture_output=True,
        check=False,
    )
    results: dict[str, Any] = {}
    try:
        for size in args.sizes:
            params = SIZES[size]
            paths = scale_db.build(args.dir, **params)
            newest = scale_db.newest_titles(paths.db, 1)[0]
            cache = scale_db.newsboat_cache(args.dir, **params) if has_newsboat else None
            modes = launches(paths, newest[:24], tmux, minimal, cache, state, trees(args))
            runs: dict[str, list[float]] = {mode: [] for mode in modes}
            for round_ in range(args.runs):
                order = list(modes) if round_ % 2 == 0 else list(reversed(modes))
                for mode in order:
                    prepare, launch = modes[mode]
                    prepare()
                    runs[mode].append(launch())
                    print(f"  {size} {mode:28} {runs[mode][-1]:.3f} s", file=sys.stderr)
            scale_db.make_not_due(paths.db)
            results[size] = {"params": params, "newest_title": newest, "runs": runs}
    finally:
        tmux.close()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "terminal": f"tmux {COLUMNS}x{LINES}",
        "trees": {label: str(tree) if tree else "installed" for label, tree in trees(args).items()},
        "sizes": results,
    }


def trees(args: argparse.Namespace) -> dict[str, Path | None]:
    """The trailtuis to time: each --tree, else the installed one."""
    chosen: dict[str, Path | None] = {}
    for given in args.tree:
        label, _, folder = given.partition("=")
        chosen[label] = Path(folder).resolve()
    return chosen or {"installed": None}


def _newsboat_ready(screen: str) -> bool:
    lines = screen.splitlines()
    return bool(lines) and "Your feeds" in lines[0] and len([x for x in lines if x.strip()]) > 2


def medians(data: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {
        size: {mode: statistics.median(times) for mode, times in block["runs"].items()}
        for size, block in data["sizes"].items()
    }


def table(data: dict[str, Any]) -> str:
    """Rows: what is launched and how; per size, the median and its ratios."""
    middle = medians(data)
    sizes = list(middle)
    head = "| launch to the feed on screen |"
    rule = "|---|"
    for size in sizes:
        entries = data["sizes"][size]["params"]["entries"]
        head += f" {entries:,} entries | ÷ minimal | ÷ newsboat |"
        rule += "---|---|---|"
    lines = [head, rule]
    for mode in middle[sizes[0]]:
        line = f"| {mode} |"
        for size in sizes:
            value = middle[size].get(mode)
            if value is None:
                line += " | | |"
                continue
            driver = "headless" if "headless" in mode else "tmux"
            minimal = middle[size].get(f"minimal {driver}")
            newsboat = middle[size].get("newsboat tmux")
            line += (
                f" {value:.2f} s | {value / minimal:.2f} |" if minimal else f" {value:.2f} s | |"
            )
            line += f" {value / newsboat:.2f} |" if newsboat else " |"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "trailtui-scale")
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the trailtui in DIR (a folder holding trailtui/), e.g. before=/tmp/old",
    )
    parser.add_argument("--json", type=Path, default=HERE / "results-launch-scale.json")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, *rest = args.child
        if what == "trailtui":
            print(headless_trailtui(Path(rest[0]), Path(rest[1])))
        else:
            print(headless_minimal(Path(rest[0])))
        return 0
    if shutil.which("tmux") is None:
        parser.error("tmux is needed (apt-get install -y tmux)")
    with tempfile.TemporaryDirectory(prefix="trailtui-launch-") as state:
        data = session(args, Path(state))
    data["medians"] = medians(data)
    args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(table(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
