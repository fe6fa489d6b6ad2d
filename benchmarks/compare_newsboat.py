#!/usr/bin/env python3
"""Cold refresh: `trailtui fetch` against `newsboat -x reload` on the same feeds.

Uses the feed-bench harness (make_corpus.py, feedserver.py, newsboat_reload.sh)
from the directory given with --bench-dir: it generates N feeds x M entries,
serves them on 127.0.0.1, then alternates cold runs of both programs (a fresh
database / cache each run) and prints the medians and their ratio.

    python3 benchmarks/compare_newsboat.py --bench-dir PATH/TO/bench --runs 5

Needs newsboat (`apt-get install newsboat`) and trailtui on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_trailtui(corpus: Path, scratch: Path) -> tuple[float, int, float]:
    db = scratch / f"tt-{time.monotonic_ns()}.sqlite3"
    started = time.perf_counter()
    # A wrapper process reports the peak RSS of trailtui alone.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            "trailtui",
            "--contacts",
            str(corpus / "contacts.yaml"),
            "--db",
            f"sqlite:///{db}",
            "fetch",
            "--force",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    out = done.stdout
    peak = int(done.stderr.strip().splitlines()[-1])
    stats = json.loads(
        subprocess.run(
            [
                "trailtui",
                "--contacts",
                str(corpus / "contacts.yaml"),
                "--db",
                f"sqlite:///{db}",
                "stats",
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    db.unlink(missing_ok=True)
    failed = re.search(r"(\d+) failed", out)
    if failed and failed.group(1) != "0":
        print(out, file=sys.stderr)
    return wall, stats["entries"], peak / 1024


def run_newsboat(bench: Path, corpus: Path) -> tuple[float, int]:
    out = subprocess.run(
        [str(bench / "newsboat_reload.sh"), str(corpus / "urls")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split(None, 1) for line in out.splitlines() if " " in line)
    return float(values["wall_s"]), int(values["items"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, required=True)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--escapes", default="entity", choices=["raw", "entity", "none"])
    args = parser.parse_args()
    bench = args.bench_dir.resolve()
    if shutil.which("newsboat") is None:
        sys.exit("newsboat is not installed (apt-get install newsboat)")
    scratch = Path(tempfile.mkdtemp(prefix="trailtui-bench-"))
    port = free_port()
    corpus = scratch / "corpus"
    subprocess.run(
        [
            sys.executable,
            str(bench / "make_corpus.py"),
            "--out",
            str(corpus),
            "--feeds",
            str(args.feeds),
            "--entries",
            str(args.entries),
            "--escapes",
            args.escapes,
            "--base-url",
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            str(bench / "feedserver.py"),
            "--dir",
            str(corpus),
            "--port",
            str(port),
            "--max-seconds",
            "3000",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("PORT"):
                break
        tt, nb, mem = [], [], []
        for run in range(args.runs):
            wall, entries, peak = run_trailtui(corpus, scratch)
            tt.append(wall)
            mem.append(peak)
            nb_wall, items = run_newsboat(bench, corpus)
            nb.append(nb_wall)
            print(
                f"run {run + 1}: trailtui {wall:.2f} s ({entries} entries), "
                f"newsboat {nb_wall:.2f} s ({items} items)",
                flush=True,
            )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats") as response:
            served = json.load(response)
        tt_m, nb_m = statistics.median(tt), statistics.median(nb)
        print(
            f"\n{args.feeds} feeds x {args.entries} entries, {os.cpu_count()} cores, "
            f"{args.runs} runs, cold"
        )
        print(f"trailtui fetch   median {tt_m:.2f} s  (peak RSS of a run up to {max(mem):.0f} MB)")
        print(f"newsboat reload  median {nb_m:.2f} s")
        print(f"ratio trailtui/newsboat {tt_m / nb_m:.2f}")
        print(f"server: {served['requests']} requests {served['by_status']}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
