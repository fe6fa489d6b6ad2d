#!/usr/bin/env python3
"""A first refresh run the way the app runs it: how worker processes start.

    python3 benchmarks/app_refresh.py                 # 200 x 50, 5 rounds
    python3 benchmarks/app_refresh.py --runs 9 --modes fork,forkserver

The app runs `Refresh.run()` in a background thread of a process that has
other threads alive. This times that first refresh (an empty database, every
feed parsed) of the bench corpus, served by benchmarks/feedserver.py on
127.0.0.1, with the refresh's workers started in each way:

  fork                 forked from the refresh's process (the CLI's way, and the app's so far)
  forkserver           from multiprocessing's fork server, prepared early
                       (`workers.prepare`) and warm when the refresh starts
  forkserver-startup   the same, but the refresh starts while `prepare`, begun at
                       process start, may still be running (the app's first refresh)
  forkserver-cold      no `prepare`: the refresh's first worker starts the server
  thread               no worker processes: the refresh's one thread does everything

Each run is a fresh process (`--child`), which loads trailtui, starts three
threads that stay alive (two idle, one waking 30 times a second, like a UI's),
opens a new SQLite file and mirrors the contacts, then times `Refresh.run()`
in a thread of its own. Rounds alternate the modes, the order rotating; before
each run the machine must be idle (other processes below 0.3 cores, at most
--idle-timeout s of waiting). Medians, and ratios to fork within this session,
go to stdout as a markdown table and to --json (default
benchmarks/results-app-refresh.json). Standard library and trailtui only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MODES = ("fork", "forkserver", "forkserver-startup", "forkserver-cold", "thread")
TICK_S = 1 / 30
IDLE_CORES = 0.3
IDLE_PROBE_S = 0.5
BUSY_SHARE = 0.25


# --------------------------------------------------------------------- one run


def timed_work(*args: Any) -> None:
    """A worker process, timed: `workers.work`, then its CPU time written beside
    the database (a fork server's worker is no child of the measured process,
    so its CPU time would not show in that process's accounts)."""
    from trailtui.feeds import workers

    plan = args[0]
    cpu = time.process_time()
    try:
        # Forked: the measured process replaced `workers.work` and kept the
        # real one here. From the fork server: nothing was replaced there.
        (REAL_WORK[0] if REAL_WORK else workers.work)(*args)
    finally:
        folder = Path(plan.database_url.removeprefix("sqlite:///") + ".workers")
        (folder / f"{os.getpid()}.cpu").write_text(f"{time.process_time() - cpu}")


REAL_WORK: list[Any] = []


def cpu_of(pid: int) -> float:
    """utime + stime of one live process (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> dict[int, float]:
    """CPU time of this process's live children (the fork server, its resource tracker)."""
    me, found = os.getpid(), {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            if int(stat[stat.rfind(b")") + 2 :].split()[1]) == me:
                found[int(entry)] = cpu_of(int(entry))
    return found


def machine_busy_s() -> float:
    with open("/proc/stat", encoding="ascii") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (ticks + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def child(mode: str, contacts: Path, database: Path, server_pid: int) -> dict[str, Any]:
    """One measured refresh in this (fresh) process; what it saw, as JSON-able data."""
    t0 = time.perf_counter()
    from trailtui.contacts import load_contacts
    from trailtui.contacts.rows import sync_contacts
    from trailtui.feeds import workers
    from trailtui.feeds.refresh import Refresh
    from trailtui.store import open_store, queries

    imported_s = time.perf_counter() - t0
    stop = threading.Event()

    def ticking() -> None:
        while not stop.wait(TICK_S):
            sum(range(200))  # a frame's worth of nothing

    others = [threading.Thread(target=stop.wait, daemon=True) for _ in range(2)]
    others.append(threading.Thread(target=ticking, daemon=True))
    for thread in others:
        thread.start()

    prepared: dict[str, Any] = {}
    preparing = None
    if mode in ("forkserver", "forkserver-startup"):

        def prepare() -> None:
            started = time.perf_counter()
            prepared["ok"] = workers.prepare("forkserver")
            prepared["s"] = round(time.perf_counter() - started, 3)
            prepared["done_at"] = time.perf_counter()

        preparing = threading.Thread(target=prepare)
        preparing.start()

    store = open_store(f"sqlite:///{database}")
    sync_contacts(store, load_contacts(contacts))
    if mode == "forkserver" and preparing is not None:
        preparing.join()  # warm before the refresh starts

    start_method: workers.StartMethod | None = {
        "fork": "fork",
        "thread": None,
    }.get(mode, "forkserver")  # type: ignore[assignment]
    pool_start: list[float] = []
    real_start = workers.WorkerPool.start

    def timed_start(*args: Any) -> Any:
        started = time.perf_counter()
        pool = real_start(*args)
        pool_start.append(time.perf_counter() - started)
        pool_start.append(0 if pool is None else len(pool.processes))
        pool_start.append(0 if pool is None else sum(pool.reported_by))
        timed_start.pool = pool  # type: ignore[attr-defined]
        return pool

    workers.WorkerPool.start = timed_start  # type: ignore[method-assign]
    REAL_WORK.append(workers.work)
    workers.work = timed_work
    worker_folder = Path(f"{database}.workers")
    worker_folder.mkdir()
    first: list[float] = []
    box: list[Any] = []
    refresh = Refresh(
        store,
        force=True,
        on_progress=lambda o, done, total: first or first.append(time.perf_counter()),
        start_method=start_method,
    )
    runner = threading.Thread(target=lambda: box.append(refresh.run()), name="refresh")
    helpers0, busy0, own0, server0 = children_cpu(), machine_busy_s(), own_cpu(), cpu_of(server_pid)
    started = time.perf_counter()
    runner.start()
    runner.join()
    wall = time.perf_counter() - started
    helpers1, busy1, own1, server1 = children_cpu(), machine_busy_s(), own_cpu(), cpu_of(server_pid)
    worker_cpu = sum(float(f.read_text()) for f in worker_folder.glob("*.cpu"))
    helpers_cpu = sum(cpu - helpers0.get(pid, 0.0) for pid, cpu in helpers1.items())
    own_window = own1 - own0
    other = (busy1 - busy0) - own_window - worker_cpu - helpers_cpu - (server1 - server0)
    report = box[0]
    pool = getattr(timed_start, "pool", None)
    result = {
        "mode": mode,
        "wall_s": round(wall, 3),
        "first_outcome_s": round(first[0] - started, 3) if first else None,
        "pool_start_s": round(pool_start[0], 4) if pool_start else None,
        "workers": len(pool.processes) if pool is not None else 0,
        "by_workers": sum(pool.reported_by) if pool is not None else 0,
        "feeds": report.total,
        "failures": len(report.failures),
        "entries": queries.counts(store).entries,
        "imported_s": round(imported_s, 3),
        "prepare_s": prepared.get("s"),
        "prepared": prepared.get("ok"),
        # > 0: prepare was still running when the refresh started
        "prepare_left_s": (
            round(max(0.0, prepared["done_at"] - started), 3) if "done_at" in prepared else None
        ),
        "threads_alive": len(others) + 1,
        # CPU seconds while the refresh ran: the refresh's process, its workers,
        # the fork server (starting, forking), the feed server, anything else
        "cpu_s": round(own_window, 3),
        "workers_cpu_s": round(worker_cpu, 3),
        "fork_server_cpu_s": round(helpers_cpu, 3),
        "server_cpu_s": round(server1 - server0, 3),
        "other_cpu_s": round(max(0.0, other), 3),
    }
    stop.set()
    store.close()
    return result


# --------------------------------------------------------------------- the session


def own_cpu() -> float:
    """This process's own CPU time so far (its workers count their own)."""
    times = os.times()
    return times.user + times.system


def busy_cores(exclude: list[int], probe: float = IDLE_PROBE_S) -> float:
    import run  # type: ignore[import-not-found]

    b0 = run.system_busy_s()
    p0 = sum(run.process_cpu_s(pid) for pid in exclude) + run.self_cpu_s()
    time.sleep(probe)
    b1 = run.system_busy_s()
    p1 = sum(run.process_cpu_s(pid) for pid in exclude) + run.self_cpu_s()
    return float(((b1 - b0) - (p1 - p0)) / probe)


def wait_idle(server_pid: int, timeout: float) -> float:
    started = time.monotonic()
    while busy_cores([server_pid]) >= IDLE_CORES:
        if time.monotonic() - started >= timeout:
            break
    return round(time.monotonic() - started, 1)


def session(args: argparse.Namespace, tmp: Path, log: Any) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import make_corpus  # type: ignore[import-not-found]
    import run

    began = datetime.now(UTC).isoformat(timespec="seconds")
    corpus = tmp / "corpus"
    (corpus / "feeds").mkdir(parents=True)
    server = run.Server(corpus, tmp, huge_mb=1, bomb_mb=1, max_s=3600)
    log(f"feedserver on {server.origin}")
    manifest = make_corpus.generate(corpus, 1, args.feeds, args.entries, server.origin, "entity")
    server.preload()
    expected = args.feeds * args.entries
    log(f"corpus {args.feeds} x {args.entries}: {manifest['feed_bytes'] / 1e6:.1f} MB")
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "trailtui")],
        check=False,
        capture_output=True,
    )
    modes = args.modes
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    discarded: list[dict[str, Any]] = []
    counter = 0

    def measure(mode: str) -> dict[str, Any]:
        nonlocal counter
        counter += 1
        waited = wait_idle(server.proc.pid, args.idle_timeout)
        database = tmp / f"run-{counter:03d}.sqlite3"
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                mode,
                str(corpus / "contacts.yaml"),
                str(database),
                str(server.proc.pid),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
            start_new_session=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{mode} run failed:\n{done.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["waited_for_idle_s"] = waited
        if result["entries"] != expected or result["failures"]:
            raise RuntimeError(f"{mode}: stored {result['entries']} of {expected}: {result}")
        if (result["by_workers"] == result["feeds"]) != (mode != "thread"):
            raise RuntimeError(f"{mode}: the workers did not do the work: {result}")
        for path in tmp.glob(f"run-{counter:03d}.sqlite3*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        return result

    for round_no in range(args.runs):
        for mode in run.rotate(list(modes), round_no):
            for _ in range(args.retry_busy + 1):
                result = measure(mode)
                if not disturbed(result):
                    break
                discarded.append(result)
                log(f"  ({mode} {result['wall_s']:.3f} s, others used {result['other_cpu_s']} s)")
            runs[mode].append(result)
            log(
                f"  round {round_no + 1} {mode:<19} {result['wall_s']:.3f} s"
                f"  first outcome {result['first_outcome_s']}, pool start"
                f" {result['pool_start_s']}, prepare {result['prepare_s']}"
                f" (left {result['prepare_left_s']}), CPU: refresh {result['cpu_s']}"
                f" workers {result['workers_cpu_s']} fork server {result['fork_server_cpu_s']}"
                f" others {result['other_cpu_s']}"
            )
    server.stop()
    return {
        "started": began,
        "machine": run.machine_info(),
        "commit": run.git_commit(REPO),
        "corpus": {"feeds": args.feeds, "entries": args.entries, "mb": manifest["feed_bytes"]},
        "runs_per_mode": args.runs,
        "runs": runs,
        "discarded_busy_runs": discarded,
    }


def disturbed(result: dict[str, Any]) -> bool:
    """Other processes used more than BUSY_SHARE cores on average during the run."""
    return bool(result["other_cpu_s"] > BUSY_SHARE * max(result["wall_s"], 0.1))


def median(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def table(results: dict[str, Any]) -> str:
    runs = results["runs"]
    fork = median([r["wall_s"] for r in runs.get("fork", [])])
    lines = [
        "| workers start by | median s | / fork | all runs (s) | first outcome s"
        " | pool start s | prepare s | CPU s: refresh + workers + fork server |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode, results_of in runs.items():
        wall = median([r["wall_s"] for r in results_of]) or 0.0
        ratio = f"{wall / fork:.2f}" if fork else "-"
        spread = " ".join(f"{r['wall_s']:.2f}" for r in results_of)
        first = median([r["first_outcome_s"] for r in results_of])
        pool = median([r["pool_start_s"] for r in results_of])
        prepare = median([r["prepare_s"] for r in results_of])
        cpu = " + ".join(
            f"{median([r[key] for r in results_of]) or 0:.2f}"
            for key in ("cpu_s", "workers_cpu_s", "fork_server_cpu_s")
        )
        lines.append(
            f"| {mode} | **{wall:.2f}** | {ratio} | {spread} | {first} | {pool or '-'} |"
            f" {prepare or '-'} | {cpu} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="rounds (each mode once per round)")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {MODES}")
    ap.add_argument("--idle-timeout", type=float, default=30.0)
    ap.add_argument(
        "--retry-busy", type=int, default=2, help="repeat a disturbed run at most this often"
    )
    ap.add_argument("--json", type=Path, default=HERE / "results-app-refresh.json")
    ap.add_argument("--report", type=Path, help="only print the table of an earlier --json")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        mode, contacts, database, server_pid = args.child
        print(json.dumps(child(mode, Path(contacts), Path(database), int(server_pid))))
        return 0
    if args.report:
        print(table(json.loads(args.report.read_text(encoding="utf-8"))))
        return 0
    args.modes = [m for m in args.modes.split(",") if m]
    if unknown := set(args.modes) - set(MODES):
        ap.error(f"unknown modes: {', '.join(sorted(unknown))}")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="trailtui-app-refresh-"))
    sys.path.insert(0, str(HERE))
    import run

    started = time.monotonic()
    try:
        results = session(args, tmp, log)
        results["duration_s"] = round(time.monotonic() - started, 1)
        results["table_markdown"] = table(results)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(results["table_markdown"])
        log(f"wrote {args.json}")
        return 0
    finally:
        run.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
