#!/usr/bin/env python3
"""The app's first refresh, end to end: the real app, its workers as it starts them.

    python3 benchmarks/app_first_refresh.py            # 200 x 50, 5 rounds
    python3 benchmarks/app_first_refresh.py --runs 7

Each run is a fresh process that does what `trailtui` does: opens a new
database on the bench corpus's contacts (served by benchmarks/feedserver.py
on 127.0.0.1), warms the workers (`workers.prepare_if_wanted`, the app's
fork server), imports and starts the Textual app (headless, 120x36), and
waits until its first refresh has stored every entry. Two modes alternate:

  forkserver   the app as it is: workers from a fork server warmed before
               the app starts
  fork         the app before: its workers forked from the app's own
               (threaded) process, nothing warmed

Times are from the process's start to the end of the refresh (`to_done`) and
of the refresh alone (`refresh`). Medians and the ratio to `fork` go to stdout
as a markdown table and to --json (default benchmarks/results-app-first-refresh.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MODES = ("forkserver", "fork")


def child(mode: str, contacts: Path, database: Path) -> dict[str, Any]:
    """One run of the app, in this (fresh) process."""
    from trailtui.feeds import workers
    from trailtui.store import queries
    from trailtui.workspace import open_workspace

    workspace = open_workspace(contacts, f"sqlite:///{database}")
    if mode == "forkserver":
        workers.prepare_if_wanted(workspace.store, "forkserver")
    from trailtui.ui import refresher
    from trailtui.ui.app import TrailApp

    if mode == "fork":
        refresher.START_METHOD = "fork"
    app = TrailApp(workspace)
    times: dict[str, float] = {}

    async def run() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            while app.refresher.runs == 0:
                await pilot.pause(0.005)
            began = time.perf_counter()
            while app.refresher.running:
                await pilot.pause(0.005)
            times["refresh"] = time.perf_counter() - began
            times["to_done"] = time.perf_counter() - STARTED

    asyncio.run(run())
    counts = queries.counts(workspace.store)
    workspace.close()
    return {"mode": mode, **times, "entries": counts.entries}


def session(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import make_corpus  # type: ignore[import-not-found]
    import run  # type: ignore[import-not-found]

    corpus = tmp / "corpus"
    (corpus / "feeds").mkdir(parents=True)
    server = run.Server(corpus, tmp, huge_mb=1, bomb_mb=1, max_s=3600)
    make_corpus.generate(corpus, 1, args.feeds, args.entries, server.origin, "entity")
    server.preload()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "trailtui")], capture_output=True
    )
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    try:
        for round_ in range(args.runs):
            for mode in MODES if round_ % 2 == 0 else tuple(reversed(MODES)):
                database = tmp / f"{mode}-{round_}.sqlite3"
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        mode,
                        str(corpus / "contacts.yaml"),
                        str(database),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                if done.returncode != 0:
                    raise RuntimeError(f"{mode} run failed:\n{done.stderr[-3000:]}")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                if result["entries"] != args.feeds * args.entries:
                    raise RuntimeError(f"{mode}: stored {result['entries']} entries")
                results[mode].append(result)
                print(
                    f"  {mode:10} to done {result['to_done']:.2f} s, "
                    f"refresh {result['refresh']:.2f} s",
                    file=sys.stderr,
                )
    finally:
        server.stop()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "feeds": args.feeds,
        "entries": args.entries,
        "runs": results,
    }


def table(data: dict[str, Any]) -> str:
    base = {
        k: statistics.median(r[k] for r in data["runs"]["fork"]) for k in ("to_done", "refresh")
    }
    lines = [
        "| the app's workers | start to refresh done | ratio | the refresh alone | ratio |",
        "|---|---|---|---|---|",
    ]
    for mode in MODES:
        runs = data["runs"][mode]
        done = statistics.median(r["to_done"] for r in runs)
        alone = statistics.median(r["refresh"] for r in runs)
        lines.append(
            f"| {mode} | {done:.2f} s | {done / base['to_done']:.2f} | {alone:.2f} s | "
            f"{alone / base['refresh']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--json", type=Path, default=HERE / "results-app-first-refresh.json")
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "CONTACTS", "DB"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        mode, contacts, database = args.child
        print(json.dumps(child(mode, Path(contacts), Path(database))))
        return 0
    with tempfile.TemporaryDirectory(prefix="trailtui-app-bench-") as tmp:
        data = session(args, Path(tmp))
    args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(table(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
