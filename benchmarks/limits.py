#!/usr/bin/env python3
"""How long trailtui's limits take to act, each against a baseline timed in the same run.

    python benchmarks/limits.py              # about 40 s on a quiet 2-core machine
    python benchmarks/limits.py --runs 9 --json limits.json

The tests assert only what a limit does (a deep file refused, a huge body cut
at the cap, a silent server timed out, feeds fetched at the same time); this
script measures how fast it does it:

  contacts  refusing a deeply nested file, an alias bomb and a file over 5 MB,
            against loading a valid contacts file (of the same size, or at the
            value limit for the alias bomb);
  parse     parse_feed on a 10,000-entry RSS feed against feedparser on the
            same bytes, and a billion-laughs body against the small RSS sample;
  fetch     on the tests' loopback server (tests/feedserver.py, in this
            process): a body cut at the 1 MB cap (endless, and a gzip bomb)
            against reading a 30 MB body whole; a read timeout and a
            deadline against the limit itself; a refused connection against
            an ordinary small fetch; 16 silent servers at once against one.

Each figure is the median of --runs repetitions (after one warm-up); a ratio
divides two medians of this run, so it does not depend on how fast the
machine is. Needs trailtui and its dependencies importable (run it with the
project's virtualenv). Nothing binds to anything but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402

from tests import feedserver  # noqa: E402
from tests.big_feeds import ten_thousand_entries  # noqa: E402
from tests.feedserver import (  # noqa: E402
    BILLION_LAUGHS,
    RSS_SAMPLE,
    FeedServer,
    free_port_url,
    gzip_bomb,
)
from trailtui.contacts import ContactsError, parse_contacts  # noqa: E402
from trailtui.contacts.loader import MAX_NODES  # noqa: E402
from trailtui.feeds.http import Fetcher, FetchLimits  # noqa: E402
from trailtui.feeds.parse import parse_feed, parse_with_feedparser  # noqa: E402

MB = 1024 * 1024

# ------------------------------------------------------------------ timing


def timed(call: Callable[[], object], runs: int) -> list[float]:
    call()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


async def timed_awaits(call: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    await call()  # warm-up: a first connection, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def refused(source: str | bytes, message: str) -> Callable[[], None]:
    def call() -> None:
        try:
            parse_contacts(source)
        except ContactsError as exc:
            assert [p.message for p in exc.problems] == [message], exc.problems
        else:
            raise AssertionError("accepted")

    return call


def loaded(source: str | bytes) -> Callable[[], None]:
    return lambda: parse_contacts(source)


# ------------------------------------------------------------------ inputs


def valid_contacts(min_bytes: int) -> str:
    """A valid contacts file of at least min_bytes: one short contact after another."""
    lines = ["version: 1", "contacts:"]
    size, n = 0, 0
    while size < min_bytes:
        line = f"  - {{name: Person {n}, tags: [a, b]}}"
        lines.append(line)
        size += len(line) + 1
        n += 1
    return "\n".join(lines) + "\n"


def tags_at_the_limit() -> str:
    """A valid file with about MAX_NODES values: what an alias bomb is stopped at."""
    return (
        "version: 1\ncontacts:\n  - name: A\n    tags: ["
        + ", ".join(["x"] * (MAX_NODES - 20))
        + "]\n"
    )


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    lines = ["lol0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"contacts: *a{levels - 1}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ measurements

Row = dict[str, Any]


def row(name: str, times: list[float], baseline: str | float | None = None, note: str = "") -> Row:
    """A measurement; its baseline is another row's name, or the limit itself in seconds."""
    return {
        "name": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "runs": times,
        "baseline": baseline,
        "note": note,
    }


def contacts_rows(runs: int) -> list[Row]:
    deep = "contacts: " + "[" * 3000 + "]" * 3000 + "\n"
    same_size = valid_contacts(len(deep))
    too_big = b"contacts: []\n" + b"#" * (5 * MB)
    nested = "the YAML is nested too deeply"
    return [
        row("load a valid 6 KB contacts file", timed(loaded(same_size), runs)),
        row(
            "refuse 3000 nested flow lists (6 KB)",
            timed(refused(deep, nested), runs),
            "load a valid 6 KB contacts file",
        ),
        row(
            "refuse 200 nested flow lists",
            timed(refused("contacts: " + "[" * 200 + "]" * 200 + "\n", nested), runs),
            "load a valid 6 KB contacts file",
        ),
        row(
            "refuse 200 nested block lists",
            timed(
                refused("contacts:\n" + "".join(" " * (i + 1) + "-\n" for i in range(200)), nested),
                runs,
            ),
            "load a valid 6 KB contacts file",
        ),
        row(
            "refuse a self-referencing alias",
            timed(refused("x: &a [*a]\ncontacts: []\n", nested), runs),
            "load a valid 6 KB contacts file",
        ),
        row(
            f"load a valid file with {MAX_NODES - 20:,} values",
            timed(loaded(tags_at_the_limit()), runs),
        ),
        row(
            "refuse an alias bomb (1 KB, ~3.5e9 values)",
            timed(refused(alias_bomb(), "the file has too many values (an alias bomb?)"), runs),
            f"load a valid file with {MAX_NODES - 20:,} values",
        ),
        row(
            "refuse a 5.2 MB file",
            timed(refused(too_big, "the file is 5.2 MB; the limit is 5 MB"), runs),
            "load a valid 6 KB contacts file",
        ),
    ]


def parse_rows(runs: int) -> list[Row]:
    big = ten_thousand_entries()
    url = "https://big.example.org/feed.xml"
    small = RSS_SAMPLE.encode()
    return [
        row(
            "feedparser.parse, 10,000 entries (3.3 MB)", timed(lambda: feedparser.parse(big), runs)
        ),
        row(
            "parse_feed (fast path), 10,000 entries",
            timed(lambda: parse_feed(big, {}, url), runs),
            "feedparser.parse, 10,000 entries (3.3 MB)",
        ),
        row(
            "trailtui's feedparser fallback, 10,000 entries",
            timed(lambda: parse_with_feedparser(big, {}, url), runs),
            "feedparser.parse, 10,000 entries (3.3 MB)",
        ),
        row("parse_feed, the RSS sample (1.9 KB)", timed(lambda: parse_feed(small), runs)),
        row(
            "parse_feed, billion laughs (1.5 KB, ~3 GB expanded)",
            timed(lambda: parse_feed(BILLION_LAUGHS), runs),
            "parse_feed, the RSS sample (1.9 KB)",
        ),
    ]


def fetched(limits: FetchLimits, urls: list[str], expect: str | None, runs: int) -> list[float]:
    """Times fetching `urls` at once on one Fetcher; each must fail with `expect`
    at the start of its reason (or succeed, for None)."""

    async def all_runs() -> list[float]:
        async with Fetcher(limits) as fetcher:

            async def once() -> None:
                for result in await asyncio.gather(*(fetcher.fetch(url) for url in urls)):
                    if expect is None:
                        assert result.ok, result.error
                    else:
                        assert (result.error or "").startswith(expect), result.error

            return await timed_awaits(once, runs)

    return asyncio.run(all_runs())


def fetch_rows(runs: int) -> list[Row]:
    capped = FetchLimits(max_bytes=MB)
    read = FetchLimits(read_timeout=0.5, deadline=60.0, concurrency=16, per_host=16)
    deadline = FetchLimits(read_timeout=60.0, deadline=1.0)
    too_big = "the feed is larger than 1 MB"
    silent = "timed out (the server sent nothing for 0.5 s)"
    gzip_bomb()  # built once, before timing
    # Headers and body leave the test server in separate writes; with Nagle's
    # algorithm on, the body then waits for the client's delayed ACK (~40 ms),
    # which would swamp every baseline here.
    feedserver._Handler.disable_nagle_algorithm = True
    with FeedServer() as server:
        whole = "read a 30 MB chunked body whole (cap 64 MB)"
        return [
            row(whole, fetched(FetchLimits(max_bytes=64 * MB), [server.url("/huge")], None, runs)),
            row(
                "cut an endless chunked body at the 1 MB cap",
                fetched(capped, [server.url("/endless")], too_big, runs),
                whole,
                "1/30 = 0.033 would be reading exactly 1 MB of it",
            ),
            row(
                "cut a gzip bomb (64 KB, 64 MiB inflated) at the cap",
                fetched(capped, [server.url("/gzipbomb")], too_big, runs),
                whole,
            ),
            row(
                "fetch the RSS sample (1.9 KB)",
                fetched(capped, [server.url("/feeds/rss")], None, runs),
            ),
            row(
                "a refused connection",
                fetched(capped, [free_port_url()], "cannot connect", runs),
                "fetch the RSS sample (1.9 KB)",
            ),
            row(
                "a silent server, read timeout 0.5 s",
                fetched(read, [server.url("/hang")], silent, runs),
                0.5,
            ),
            row(
                "16 silent servers at once, read timeout 0.5 s",
                fetched(read, [server.url("/hang")] * 16, silent, runs),
                "a silent server, read timeout 0.5 s",
                "1.00: all at the same time; 16: one after another",
            ),
            row(
                "a drip-feed (1 byte per 0.1 s for 3 min), deadline 1 s",
                fetched(deadline, [server.url("/drip")], "timed out (no complete answer", runs),
                1.0,
            ),
        ]


# ------------------------------------------------------------------ report


def report(rows: list[Row]) -> str:
    medians = {r["name"]: r["median_s"] for r in rows}
    out = ["| measurement | median | min | against | ratio |", "| --- | ---: | ---: | --- | ---: |"]
    for r in rows:
        against, ratio = "", ""
        baseline = r["baseline"]
        if isinstance(baseline, float):
            against = f"the limit ({baseline:g} s)"
            ratio = f"{r['median_s'] / baseline:.2f}"
        elif baseline:
            against = baseline
            ratio = f"{r['median_s'] / medians[baseline]:.3g}"
        if r["note"]:
            ratio += f" ({r['note']})"
        out.append(
            f"| {r['name']} | {_ms(r['median_s'])} | {_ms(r['min_s'])} | {against} | {ratio} |"
        )
    return "\n".join(out)


def _ms(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed repetitions of each (default 5)")
    ap.add_argument("--only", choices=["contacts", "parse", "fetch"], action="append")
    ap.add_argument("--json", type=Path, help="also write every run's times here")
    args = ap.parse_args(argv)
    parts = {"contacts": contacts_rows, "parse": parse_rows, "fetch": fetch_rows}
    rows: list[Row] = []
    for name in args.only or list(parts):
        print(f"measuring {name} ...", file=sys.stderr)
        rows += parts[name](args.runs)
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
