#!/usr/bin/env python3
"""Triage at scale: how long a key takes on 100,000 entries, and the memory.

    python benchmarks/triage_keys.py [--dir DIR] [--presses 100]

On the database of `scale_db.build` (300 contacts, 1,000 feeds, 100,000
entries), the real app runs headless at 160x48 and each key is timed from
the press until the screen shows its result: the cursor on the next row
(`j`), the list reloaded for one person (`.`, pressed again to undo it) or
for unread only (`U`), the search's results (`/` a phrase, Enter). Printed:
p50 and p95 per key, and the process's peak resident memory. Nothing here is
asserted in tests: the figures go in the README.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks import scale_db  # noqa: E402

SIZE = (160, 48)
PHRASES = ["moisture logger", "typeface", "retries jitter", "meetup", "benchmark honest"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(percentile(values, 0.95) * 1000, 2),
        "runs": len(values),
    }


async def timed(
    pilot: Any, keys: tuple[str, ...], done: Callable[[], bool], poll: float = 0.001
) -> float:
    started = time.perf_counter()
    await pilot.press(*keys)
    while not done():
        await pilot.pause(poll)
    await pilot.pause()  # the frame that shows it
    return time.perf_counter() - started


async def measure(contacts: Path, db: Path, presses: int) -> dict[str, Any]:
    from trailtui.ui.app import TrailApp
    from trailtui.workspace import open_workspace

    workspace = open_workspace(contacts, f"sqlite:///{db}")
    app = TrailApp(workspace)
    figures: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main
        while not (screen.loaded and screen.feed.rows and screen.counted):
            await pilot.pause(0.01)
        while app.refresher.running:
            await pilot.pause(0.05)

        # What Pilot itself costs per press (a key bound to nothing): the
        # figures below are with it; subtract it for the app's own share.
        baseline: list[float] = []
        for _ in range(presses):
            baseline.append(await timed(pilot, ("f12",), lambda: True))
        figures["no-op key (Pilot's own cost)"] = summary(baseline)

        cursor: list[float] = []
        for _ in range(presses):
            before = screen.feed.cursor
            cursor.append(await timed(pilot, ("j",), lambda b=before: screen.feed.cursor == b + 1))
        figures["cursor move (j)"] = summary(cursor)

        def reloaded(generation: int) -> Callable[[], bool]:
            return lambda: screen.loads > generation and screen.loaded and screen.counted

        async def toggle(key: str) -> list[float]:
            found = []
            for _ in range(presses):
                found.append(await timed(pilot, (key,), reloaded(screen.loads)))
            return found

        figures["filter by person (.)"] = summary(await toggle("period"))
        figures["unread only (U)"] = summary(await toggle("U"))

        searches: list[float] = []
        for n in range(presses):
            phrase = PHRASES[n % len(PHRASES)]
            box = screen.search_box
            await pilot.press("slash")
            box.value = ""
            generation = screen.loads
            started = time.perf_counter()
            box.value = phrase
            await pilot.press("enter")
            while not (screen.loads > generation and screen.loaded):
                await pilot.pause(0.001)
            await pilot.pause()
            searches.append(time.perf_counter() - started)
        figures["search (/ phrase, Enter)"] = summary(searches)
        figures["search results shown (last)"] = len(screen.feed.rows)
    workspace.close()
    # ru_maxrss is in KiB on Linux.
    figures["peak memory MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path.home() / ".cache" / "trailtui-bench")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    paths = scale_db.build(args.dir, entries=args.entries)
    figures = asyncio.run(measure(paths.contacts_yaml, paths.db, args.presses))
    out = HERE / "results-triage-keys.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"| key ({args.entries:,} entries) | p50 | p95 |")
    print("|---|---|---|")
    for name, value in figures.items():
        if isinstance(value, dict):
            print(f"| {name} | {value['p50_ms']} ms | {value['p95_ms']} ms |")
    print(f"\npeak memory: {figures['peak memory MB']} MB")


if __name__ == "__main__":
    main()
