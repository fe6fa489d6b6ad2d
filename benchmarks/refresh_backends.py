#!/usr/bin/env python3
"""Cold and warm refresh of the 200 x 50 corpus into SQLite and into
PostgreSQL on loopback, beside newsboat, in one session.

    python benchmarks/refresh_backends.py            # 3 runs of each, alternating
    python benchmarks/refresh_backends.py --runs 1   # a quick look

One feedserver.py (run.py's `Server`) serves the corpus on 127.0.0.1; a
throwaway PostgreSQL cluster (tests/pgserver.py's `Cluster`: initdb in a
temporary directory, 127.0.0.1 only, fsync off as in the tests) takes the
PostgreSQL runs, each into a database of its own. cold: `trailtui fetch
--force` into a new database (`newsboat -x reload` with a new cache); warm:
the same again into the state the first cold run left (conditional GETs,
mostly 304s). Medians are reported with their ratios to SQLite and to
newsboat; everything goes to benchmarks/results-refresh-backends.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import make_corpus  # noqa: E402
import run as harness  # noqa: E402

from tests import pgserver  # noqa: E402

RESULTS = HERE / "results-refresh-backends.json"


class BackendTrailtui(harness.Trailtui):
    """run.py's trailtui runner, given a database URL instead of a SQLite path."""

    def __init__(self, *args: Any, url_of: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_of = url_of

    def base(self, contacts: Path, db: Path) -> list[str]:
        return [*self.cmd, "--contacts", str(contacts), "--db", self.url_of(db)]


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs]
    return {
        "median_s": round(statistics.median(walls), 3),
        "runs_s": walls,
        "entries": [r.get("entries") for r in runs],
        "rc": [r["rc"] for r in runs],
        "max_rss_mb": max(r["max_rss_mb"] for r in runs),
        "cpu_s": [r["cpu_s"] for r in runs],
        "other_cpu_s": [r["other_cpu_s"] for r in runs],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=16, help="newsboat's reload-threads")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--wait-idle", action="store_true", help="wait for an idle machine per run")
    ap.add_argument("--idle-timeout", type=float, default=20.0)
    ap.add_argument("--retry-busy", type=int, default=0)
    args = ap.parse_args(argv)
    if shutil.which("newsboat") is None:
        raise SystemExit("refresh_backends.py: newsboat is missing (apt-get install newsboat)")
    why = pgserver.why_unavailable()
    if why:
        raise SystemExit(f"refresh_backends.py: PostgreSQL cannot run here: {why}")
    tmp = Path(tempfile.mkdtemp(prefix="trailtui-backends-"))
    cluster = pgserver.Cluster().start()
    server = None
    try:
        bench = harness.Bench(args, tmp, print)
        (tmp / "corpus" / "feeds").mkdir(parents=True)
        bench.server = server = harness.Server(tmp / "corpus", tmp, 50, 10, 3600)
        manifest = make_corpus.generate(
            tmp / "corpus", args.seed, args.feeds, args.entries, server.origin, "entity"
        )
        server.preload()
        contacts, urls = tmp / "corpus" / "contacts.yaml", tmp / "corpus" / "urls"
        command = harness.find_trailtui(None)
        databases: dict[Path, str] = {}

        def pg_url(db: Path) -> str:
            if db not in databases:
                databases[db] = pgserver.fresh_database(cluster.admin_url)
            return databases[db]

        runners = {
            "sqlite": BackendTrailtui(bench, command, None, url_of=lambda db: f"sqlite:///{db}"),
            "postgresql": BackendTrailtui(bench, command, None, url_of=pg_url),
        }
        newsboat = harness.Newsboat(bench, args.threads)
        cold: dict[str, list[dict[str, Any]]] = {name: [] for name in (*runners, "newsboat")}
        warm: dict[str, list[dict[str, Any]]] = {name: [] for name in cold}
        for i in range(args.runs):
            order = list(cold)[i % 3 :] + list(cold)[: i % 3]  # each goes first in turn
            for name in order:
                state = tmp / f"{name}-cold{i}"
                if name == "newsboat":
                    cold[name].append(newsboat.reload(urls, state, f"cold{i + 1}"))
                else:
                    cold[name].append(runners[name].fetch(contacts, state, f"{name}-cold{i + 1}"))
                print(f"cold {name} {i + 1}: {cold[name][-1]['wall_s']:.2f} s", flush=True)
        for i in range(args.runs):
            for name in cold:
                state = tmp / f"{name}-cold0"  # the first cold run's state
                if name == "newsboat":
                    warm[name].append(newsboat.reload(urls, state, f"warm{i + 1}"))
                else:
                    warm[name].append(runners[name].fetch(contacts, state, f"{name}-warm{i + 1}"))
                print(f"warm {name} {i + 1}: {warm[name][-1]['wall_s']:.2f} s", flush=True)
        phases = {"cold": cold, "warm": warm}
        report: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpus": {k: manifest[k] for k in ("feeds", "entries", "total_entries", "feed_bytes")},
            "machine": harness.machine_info(),
            "postgresql": "loopback cluster, fsync=off, synchronous_commit=off (as the tests')",
        }
        for phase, runs in phases.items():
            medians = {name: summary(r) for name, r in runs.items()}
            base = medians["sqlite"]["median_s"]
            boat = medians["newsboat"]["median_s"]
            report[phase] = medians
            report[f"{phase}_ratios"] = {
                "postgresql_over_sqlite": round(medians["postgresql"]["median_s"] / base, 2),
                "sqlite_over_newsboat": round(base / boat, 2),
                "postgresql_over_newsboat": round(medians["postgresql"]["median_s"] / boat, 2),
            }
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        for phase in phases:
            line = ", ".join(f"{n} {report[phase][n]['median_s']:.2f} s" for n in cold)
            print(f"{phase}: {line}; ratios {report[f'{phase}_ratios']}")
        print(f"wrote {args.out}")
        return 0
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
