#!/usr/bin/env python3
"""trailtui's benchmark suite: one session, one loopback server, one table.

    python3 benchmarks/run.py                     # full run (about 6-10 minutes)
    python3 benchmarks/run.py --with-reader       # also the `reader` library
    python3 benchmarks/run.py --quick --skip-newsboat   # smoke check, < 1 minute

It generates a corpus with make_corpus.py (200 feeds x 50 entries,
--escapes entity), starts ONE feedserver.py on 127.0.0.1 for the whole
session and measures, alternating the programs and taking medians:

  cold    trailtui `fetch --force` into a fresh SQLite file, `newsboat -x reload`
          into a fresh cache (reload-threads 8) and, with --with-reader, the
          `reader` library's update_feeds(workers=8) into a fresh database;
  warm    the same on a primed database / cache; every feed answers 304
          (checked with the server's /_stats; newsboat is primed twice);
  memory  peak RSS of each cold run (the largest single process, from
          wait4(2), like /usr/bin/time %M) and the sampled peak of the whole
          process group (PSS, so pages shared by forked workers count once);
  entries items each program stored, for the entity corpus and for an
          --escapes raw corpus (not well-formed XML in 5 % of the feeds);
  scaling trailtui (and newsboat) cold on 1000 feeds x 50 entries;
  faults  trailtui (and newsboat) on every /fault/* route plus 5 good feeds,
          with the server at --huge-mb 50 --bomb-mb 256.

Results: a markdown table on stdout and benchmarks/results.json.
Standard library only. Everything it starts is stopped, and its temporary
directory removed, on success, error and Ctrl-C alike.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import selectors
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import feedserver  # noqa: E402  (sibling module: the fault route names)
import make_corpus  # noqa: E402

LOOPBACK = "127.0.0.1"
SAMPLE_INTERVAL_S = 0.1
SLOW_FAULTS = ("slow", "timeout")  # each costs the client its whole deadline
IDLE_PROBE_S = 0.5
IDLE_CORES = 0.3  # other processes' CPU use (in cores) below which the machine counts as idle
BUSY_SHARE = 0.25  # a run is flagged when others used > this many cores on average meanwhile
GOOD_FEEDS_IN_FAULT_RUN = 5

# The `reader` side: a throwaway process that makes a fresh database, adds
# every URL and calls update_feeds() (cold), or only update_feeds() (warm).
READER_SCRIPT = r"""
import json, sys
from reader import make_reader
db, urls, mode, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = make_reader(db)
if mode == "cold":
    with open(urls, encoding="utf-8") as fh:
        for url in fh.read().split():
            r.add_feed(url, exist_ok=True)
    r.update_feeds(workers=workers)
else:  # every feed now, not only those due: conditional GETs -> 304
    r.update_feeds(workers=workers, scheduled=False)
feeds = list(r.get_feeds())
errors = {f.url: getattr(f.last_exception, "type_name", "?") for f in feeds if f.last_exception}
per_feed = {f.url: r.get_entry_counts(feed=f).total for f in feeds}
print(json.dumps({"entries": r.get_entry_counts().total, "feeds": len(feeds),
                  "errors": errors, "per_feed": per_feed}))
r.close()
"""

# The measured program runs under this small wrapper, which times it and
# reports wait4()'s ru_maxrss for it (like /usr/bin/time %M).  The wrapper is
# needed: a child's peak RSS starts at the RSS of the process it was forked
# from (the kernel carries it over exec), and run.py itself is large after
# generating a corpus; the wrapper is small.
WRAPPER = r"""
import json, os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, ru = os.wait4(proc.pid, 0)
wall = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as fh:
    json.dump({"wall_s": wall, "maxrss_kb": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime,
               "rc": code}, fh)
sys.exit(code if code >= 0 else 128 - code)
"""

# --------------------------------------------------------------------- processes

LIVE: dict[int, subprocess.Popen[bytes]] = {}  # pid -> process, stopped by cleanup()


def stop_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM the process group of `proc` (started with start_new_session), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        if proc.returncode is not None:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # leftover workers of a finished leader
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _kill_group(pgid: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def cleanup() -> None:
    for proc in list(LIVE.values()):
        stop_group(proc)
        LIVE.pop(proc.pid, None)


def on_terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through every finally: cleanup runs


def spawn(cmd: list[str], **kw: Any) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True, **kw)
    LIVE[proc.pid] = proc
    return proc


def child_env(home: Path) -> dict[str, str]:
    """The caller's environment with HOME/XDG inside `home` and no proxy settings
    (every request must go to the loopback server, never through a proxy)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower() and not k.startswith("TRAILTUI_")
    }
    for key, sub in (
        ("XDG_CONFIG_HOME", "xdg/config"),
        ("XDG_DATA_HOME", "xdg/data"),
        ("XDG_CACHE_HOME", "xdg/cache"),
        ("XDG_STATE_HOME", "xdg/state"),
    ):
        env[key] = str(home / sub)
    env["HOME"] = str(home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class GroupSampler(threading.Thread):
    """Samples the memory of every process in one process group (the measured
    program and any worker it forks) every SAMPLE_INTERVAL_S; keeps the peaks."""

    def __init__(self, pgid: int, skip: int | None = None) -> None:
        super().__init__(daemon=True)
        self.pgid = pgid
        self.skip = skip  # the wrapper process
        self.done = threading.Event()
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.peak_procs = 0

    def run(self) -> None:
        while not self.done.is_set():
            pss = rss = count = 0
            for pid in _group_members(self.pgid):
                if pid == self.skip:
                    continue
                fields = _rollup(pid)
                pss += fields.get("Pss", 0)
                rss += fields.get("Rss", 0)
                count += 1
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_procs = max(self.peak_procs, count)
            self.done.wait(SAMPLE_INTERVAL_S)


def _group_members(pgid: int) -> list[int]:
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        after = stat[stat.rfind(b")") + 2 :].split()  # state ppid pgrp ...
        if len(after) > 2 and int(after[2]) == pgid and after[0] != b"Z":
            members.append(int(name))
    return members


def _rollup(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss"):
                    out[key] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return out


class Server:
    """feedserver.py on 127.0.0.1 with a kernel-chosen port, for the whole session."""

    def __init__(self, corpus: Path, tmp: Path, huge_mb: int, bomb_mb: int, max_s: int) -> None:
        self.stats_file = tmp / "server-stats.json"
        self.err_file = tmp / "server.err"
        cmd = [
            sys.executable,
            str(HERE / "feedserver.py"),
            "--dir",
            str(corpus),
            "--port",
            "0",
            "--host",
            LOOPBACK,
            "--stats",
            str(self.stats_file),
            "--max-seconds",
            str(max_s),
            "--huge-mb",
            str(huge_mb),
            "--bomb-mb",
            str(bomb_mb),
        ]
        with open(self.err_file, "wb") as err:
            self.proc = spawn(cmd, stdout=subprocess.PIPE, stderr=err)
        self.port = self._read_port(timeout=60)
        self.origin = f"http://{LOOPBACK}:{self.port}"
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _read_port(self, timeout: float) -> int:
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = b""
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise RuntimeError(f"feedserver did not start; see {self.err_file}")
            chunk = os.read(self.proc.stdout.fileno(), 1)
            if not chunk:
                raise RuntimeError(f"feedserver exited: {self.err_file.read_text()[-2000:]}")
            line += chunk
        sel.close()
        match = re.match(rb"PORT (\d+)", line)
        if not match:
            raise RuntimeError(f"feedserver said {line!r}")
        return int(match.group(1))

    def get(self, path: str) -> Any:
        with self._opener.open(self.origin + path, timeout=120) as response:
            return json.load(response)

    def stats(self) -> dict[str, Any]:
        return self.get("/_stats")  # type: ignore[no-any-return]

    def preload(self) -> dict[str, Any]:
        return self.get("/_preload")  # type: ignore[no-any-return]

    def stop(self) -> dict[str, Any]:
        stop_group(self.proc, grace=15)
        LIVE.pop(self.proc.pid, None)
        try:
            return json.loads(self.stats_file.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return {}


CLK_TCK = os.sysconf("SC_CLK_TCK")


def system_busy_s() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat)."""
    with suppress(OSError, ValueError):
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (ticks + [0] * 8)[:8]
        return (user + nice + system + irq + softirq + steal) / CLK_TCK
    return 0.0


def process_cpu_s(pid: int) -> float:
    """utime + stime of one process (all its threads), seconds."""
    with suppress(OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        fields = stat[stat.rfind(b")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    return 0.0


def self_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def http_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    statuses = set(before["by_status"]) | set(after["by_status"])
    by_status = {
        s: after["by_status"].get(s, 0) - before["by_status"].get(s, 0) for s in sorted(statuses)
    }
    return {
        "requests": after["requests"] - before["requests"],
        "by_status": {s: n for s, n in by_status.items() if n},
        "gzip": after["gzip_responses"] - before["gzip_responses"],
        "bytes_sent": after["bytes_sent"] - before["bytes_sent"],
    }


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path, log: Callable[[str], None]) -> None:
        self.args = args
        self.tmp = tmp
        self.log = log
        self.server: Server | None = None
        self.counter = 0

    def retry_if_busy(self, attempt: Callable[[], dict]) -> dict:
        """Run `attempt`; while other processes were busy meanwhile (see busy()),
        run it again, at most --retry-busy more times.  The discarded runs are
        listed in the result."""
        discarded: list[dict] = []
        while True:
            run = attempt()
            if not busy(run) or len(discarded) >= self.args.retry_busy:
                break
            discarded.append({k: run[k] for k in ("name", "wall_s", "other_cpu_s")})
            self.log(
                f"  ({run['name']} took {run['wall_s']:.2f} s while other processes used "
                f"{run['other_cpu_s']:.2f} s of CPU: discarded, running it again)"
            )
        run["discarded_busy_runs"] = discarded
        return run

    def wait_idle(self) -> float:
        """Wait (at most --idle-timeout s) until other processes use less than
        IDLE_CORES of CPU, so a run does not start while the machine is busy."""
        assert self.server is not None
        started = time.monotonic()
        while True:
            b0, s0, m0 = system_busy_s(), process_cpu_s(self.server.proc.pid), self_cpu_s()
            time.sleep(IDLE_PROBE_S)
            b1, s1, m1 = system_busy_s(), process_cpu_s(self.server.proc.pid), self_cpu_s()
            other = ((b1 - b0) - (s1 - s0) - (m1 - m0)) / IDLE_PROBE_S
            waited = time.monotonic() - started
            if other < IDLE_CORES:
                return round(waited - IDLE_PROBE_S, 1)
            if waited >= self.args.idle_timeout:
                self.log(f"  (machine still busy: {other:.1f} cores used by others; going on)")
                return round(waited, 1)

    def measure(self, name: str, cmd: list[str], env: dict[str, str], timeout: float) -> dict:
        """Run `cmd` (own process group), timing it and sampling its memory."""
        assert self.server is not None
        self.counter += 1
        logs = self.tmp / "logs"
        logs.mkdir(exist_ok=True)
        out_path = logs / f"{self.counter:03d}-{name}.out"
        err_path = logs / f"{self.counter:03d}-{name}.err"
        waited = self.wait_idle() if self.args.wait_idle else 0.0
        before = self.server.stats()
        cpu0 = (system_busy_s(), process_cpu_s(self.server.proc.pid), self_cpu_s())
        usage_path = logs / f"{self.counter:03d}-{name}.usage.json"
        wrapped = [sys.executable, "-c", WRAPPER, str(usage_path), *cmd]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = spawn(wrapped, env=env, stdout=out, stderr=err)
            sampler = GroupSampler(proc.pid, skip=proc.pid)
            sampler.start()
            # On timeout only signal the group: the wait4() below does the reaping.
            killer = threading.Timer(timeout, _kill_group, (proc.pid,))
            killer.daemon = True
            killer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - started
            finally:
                killer.cancel()
                sampler.done.set()
                sampler.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
            LIVE.pop(proc.pid, None)
            stop_group(proc)  # any worker the program left behind
        cpu1 = (system_busy_s(), process_cpu_s(self.server.proc.pid), self_cpu_s())
        after = self.server.stats()
        try:
            inner = json.loads(usage_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # killed before it could report
            inner = {"wall_s": wall, "maxrss_kb": 0, "cpu_s": 0.0, "rc": proc.returncode}
        program_cpu = inner["cpu_s"]
        wrapper_cpu = usage.ru_utime + usage.ru_stime - program_cpu
        server_cpu = cpu1[1] - cpu0[1]
        # Busy CPU time on the machine that was neither the program, the
        # server nor run.py: other work competing for the cores meanwhile.
        other_cpu = (
            (cpu1[0] - cpu0[0]) - program_cpu - wrapper_cpu - server_cpu - (cpu1[2] - cpu0[2])
        )
        return {
            "name": name,
            "wall_s": round(inner["wall_s"], 3),
            "wall_with_wrapper_s": round(wall, 3),
            "rc": inner["rc"],
            "timed_out": wall >= timeout,
            "max_rss_mb": round(inner["maxrss_kb"] / 1024, 1),
            "group_pss_mb": round(sampler.peak_pss_kb / 1024, 1),
            "group_rss_mb": round(sampler.peak_rss_kb / 1024, 1),
            "processes": sampler.peak_procs,
            "cpu_s": round(program_cpu, 2),
            "server_cpu_s": round(server_cpu, 2),
            "other_cpu_s": round(max(0.0, other_cpu), 2),
            "loadavg": Path("/proc/loadavg").read_text().split()[0],
            "waited_for_idle_s": waited,
            "http": http_delta(before, after),
            "stdout": out_path.read_text(encoding="utf-8", errors="replace")[-20000:],
            "stderr": err_path.read_text(encoding="utf-8", errors="replace")[-4000:],
        }


# --------------------------------------------------------------------- programs


class Trailtui:
    name = "trailtui"

    def __init__(self, bench: Bench, cmd: list[str], package_dir: Path | None) -> None:
        self.bench = bench
        self.cmd = cmd
        self.package_dir = package_dir
        self.home = bench.tmp / "home-trailtui"
        self.home.mkdir(exist_ok=True)

    def base(self, contacts: Path, db: Path) -> list[str]:
        return [*self.cmd, "--contacts", str(contacts), "--db", f"sqlite:///{db}"]

    def fetch(self, contacts: Path, db: Path, label: str, timeout: float = 600) -> dict:
        cmd = [*self.base(contacts, db), "fetch", "--force"]
        source = source_hash(self.package_dir) if self.package_dir else None
        run = self.bench.measure(f"trailtui-{label}", cmd, child_env(self.home), timeout)
        run["source"] = source  # trailtui may be edited while the session runs
        if self.package_dir and source_hash(self.package_dir) != source:
            run["source"] = f"{source} (changed during this run)"
        summary = re.search(
            r"(\d+) feeds in ([\d.]+) s: (\d+) new entries, (\d+) updated; (\d+) changed, "
            r"(\d+) unchanged, (\d+) failed",
            run["stdout"],
        )
        if summary:
            keys = ("feeds", "own_elapsed_s", "new", "updated", "changed", "unchanged", "failed")
            run["summary"] = {
                k: float(v) if "." in v else int(v)
                for k, v in zip(keys, summary.groups(), strict=True)
            }
        run["failures"] = [
            line.strip()[len("FAILED ") :]
            for line in run["stdout"].splitlines()
            if line.strip().startswith("FAILED ")
        ]
        run["entries"] = self.entries(contacts, db)
        return run

    def entries(self, contacts: Path, db: Path) -> int | None:
        done = subprocess.run(
            [*self.base(contacts, db), "stats", "--json"],
            env=child_env(self.home),
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        try:
            return int(json.loads(done.stdout)["entries"])
        except (ValueError, KeyError, TypeError):
            self.bench.log(f"  trailtui stats --json failed: {done.stderr.strip()[-500:]}")
            return None

    @staticmethod
    def per_feed(db: Path) -> dict[str, int]:
        """Entries per feed URL, read from trailtui's SQLite file (schema of trailtui 0.1)."""
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                rows = con.execute(
                    "SELECT f.url, COUNT(e.id) FROM feed f LEFT JOIN entry e ON e.feed_id = f.id "
                    "GROUP BY f.id"
                ).fetchall()
        except sqlite3.Error:
            return {}
        return dict(rows)


class Newsboat:
    name = "newsboat"

    def __init__(self, bench: Bench, threads: int) -> None:
        self.bench = bench
        self.threads = threads

    def reload(self, urls: Path, state: Path, label: str, timeout: float = 900) -> dict:
        state.mkdir(parents=True, exist_ok=True)
        config = state / "config"
        config.write_text(f"reload-threads {self.threads}\n", encoding="utf-8")
        cache = state / "cache.db"
        cmd = ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"]
        run = self.bench.measure(f"newsboat-{label}", cmd, child_env(state), timeout)
        run["entries"], run["per_feed"] = self.items(cache)
        return run

    @staticmethod
    def items(cache: Path) -> tuple[int | None, dict[str, int]]:
        if not cache.exists():
            return None, {}
        try:
            with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as con:
                total = con.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0]
                rows = con.execute(
                    "SELECT feedurl, COUNT(*) FROM rss_item GROUP BY feedurl"
                ).fetchall()
        except sqlite3.Error:
            return None, {}
        return int(total), dict(rows)


class Reader:
    name = "reader"

    def __init__(self, bench: Bench, python: Path, workers: int) -> None:
        self.bench = bench
        self.python = python
        self.workers = workers
        self.script = bench.tmp / "reader_update.py"
        self.script.write_text(READER_SCRIPT, encoding="utf-8")
        self.home = bench.tmp / "home-reader"
        self.home.mkdir(exist_ok=True)

    def update(self, urls: Path, db: Path, mode: str, label: str, timeout: float = 900) -> dict:
        cmd = [str(self.python), str(self.script), str(db), str(urls), mode, str(self.workers)]
        run = self.bench.measure(f"reader-{label}", cmd, child_env(self.home), timeout)
        try:
            data = json.loads(run["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            data = {}
        run["entries"] = data.get("entries")
        run["errors"] = data.get("errors", {})
        run["per_feed"] = data.get("per_feed", {})
        run["stdout"] = ""  # the per-feed JSON is kept above
        return run


def make_reader_venv(tmp: Path, existing: Path | None, log: Callable[[str], None]) -> Path:
    """A throwaway virtualenv with the `reader` library; returns its python."""
    if existing is not None:
        python = existing / "bin" / "python"
        if not python.exists():
            raise RuntimeError(f"--reader-venv {existing}: no bin/python there")
        return python
    venv = tmp / "reader-venv"
    log(f"creating a throwaway venv for `reader` in {venv} ...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # reader vendors a feedparser that imports `sgmllib`; recent feedparser
    # releases depend on feedparser-sgmllib instead, so sgmllib3k is added.
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "reader",
            "sgmllib3k",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install reader failed: {done.stderr.strip()[-1500:]}")
    return python


# --------------------------------------------------------------------- helpers


def find_trailtui(explicit: str | None) -> list[str]:
    """The trailtui command: --trailtui, else PATH, else a .venv* beside or above
    the repository, else `python -m trailtui` if this interpreter has it."""
    if explicit:
        return shlex.split(explicit)
    if found := shutil.which("trailtui"):
        return [found]
    for root in (REPO, REPO.parent):
        for venv in sorted(root.glob(".venv*")):
            if (venv / "bin" / "trailtui").exists():
                return [str(venv / "bin" / "trailtui")]
    probe = subprocess.run([sys.executable, "-c", "import trailtui"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "trailtui"]
    raise SystemExit(
        "run.py: cannot find trailtui; install it (pip install -e .) or pass --trailtui CMD"
    )


def interpreter_of(cmd: list[str]) -> str:
    """The Python that runs the trailtui command (from a script's #! line)."""
    if len(cmd) >= 3 and cmd[1] == "-m":
        return cmd[0]
    with suppress(OSError, IndexError):
        first = Path(cmd[0]).read_bytes()[:300].split(b"\n", 1)[0]
        if first.startswith(b"#!"):
            return first[2:].decode().strip().split()[0]
    return sys.executable


TRAILTUI_INFO = r"""
import importlib.metadata as m, json, sys, pathlib, trailtui
def v(name):
    try: return m.version(name)
    except m.PackageNotFoundError: return None
print(json.dumps({"python": sys.version.split()[0],
  "version": getattr(trailtui, "__version__", None),
  "package_dir": str(pathlib.Path(trailtui.__file__).parent),
  "deps": {d: v(d) for d in ("aiohttp", "feedparser", "lxml", "sqlalchemy", "nh3")}}))
"""


def tool_info(trailtui_cmd: list[str], reader_python: Path | None, newsboat: bool) -> dict:
    info: dict[str, Any] = {"trailtui_cmd": trailtui_cmd}
    done = subprocess.run(
        [interpreter_of(trailtui_cmd), "-c", TRAILTUI_INFO], capture_output=True, text=True
    )
    with suppress(ValueError):
        info["trailtui"] = json.loads(done.stdout)
    if "trailtui" in info:
        pkg = Path(info["trailtui"]["package_dir"])
        info["trailtui"]["source_sha256"] = source_hash(pkg)
        info["trailtui"]["git_commit"] = git_commit(pkg.parent)
    if newsboat:
        done = subprocess.run(["newsboat", "--version"], capture_output=True, text=True)
        info["newsboat"] = done.stdout.splitlines()[0] if done.stdout else None
    if reader_python is not None:
        done = subprocess.run(
            [
                str(reader_python),
                "-c",
                "import importlib.metadata as m, sys; "
                "print(m.version('reader'), sys.version.split()[0])",
            ],
            capture_output=True,
            text=True,
        )
        parts = done.stdout.split()
        info["reader"] = {"version": parts[0], "python": parts[1]} if len(parts) == 2 else None
    return info


def source_hash(package_dir: Path) -> str:
    """sha256 over trailtui's .py files: tells whether the code changed mid-run."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(str(path.relative_to(package_dir)).encode())
        with suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def git_commit(root: Path) -> str | None:
    """HEAD's commit, read from .git's files (no git command needed)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:12]
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"nproc": os.cpu_count()}
    with suppress(AttributeError):
        info["usable_cpus"] = len(os.sched_getaffinity(0))
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    with suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip('"')
    info["kernel"] = platform.release()
    info["python"] = sys.version.split()[0]
    info["sqlite"] = sqlite3.sqlite_version
    return info


def med(runs: list[dict], key: str = "wall_s") -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def rotate(items: list[Any], n: int) -> list[Any]:
    if not items:
        return items
    n %= len(items)
    return items[n:] + items[:n]


def busy(run: dict) -> bool:
    """Other processes used more than BUSY_SHARE cores on average during the run."""
    return run.get("other_cpu_s", 0) > BUSY_SHARE * max(run["wall_s"], 0.1)


def spread(runs: list[dict]) -> str:
    return " ".join(f"{r['wall_s']:.2f}" + ("*" if busy(r) else "") for r in runs)


def trailtui_versions(results: dict) -> dict[str, list[str]]:
    """trailtui source hash -> names of the runs that used it."""
    runs: list[dict] = []
    for key in ("cold", "warm"):
        runs += results.get(key, {}).get("trailtui", [])
    runs += [
        results[k]["trailtui"] for k in ("raw", "faults") if results.get(k, {}).get("trailtui")
    ]
    for point in results.get("scaling", []):
        runs += point["trailtui"]
    versions: dict[str, list[str]] = {}
    for run in runs:
        versions.setdefault(str(run.get("source")), []).append(run["name"])
    return versions


@contextmanager
def phase(log: Callable[[str], None], title: str) -> Iterator[None]:
    log(f"\n== {title}")
    started = time.monotonic()
    yield
    log(f"   ({time.monotonic() - started:.0f} s)")


# --------------------------------------------------------------------- the session


def run_session(args: argparse.Namespace, tmp: Path, log: Callable[[str], None]) -> dict:
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": machine_info(),
    }
    bench = Bench(args, tmp, log)
    trailtui_cmd = find_trailtui(args.trailtui)
    use_newsboat = not args.skip_newsboat
    if use_newsboat and shutil.which("newsboat") is None:
        raise SystemExit(
            "run.py: newsboat is not installed (apt-get install newsboat), or pass --skip-newsboat"
        )
    reader_python = None
    if args.with_reader:
        reader_python = make_reader_venv(tmp, args.reader_venv, log)
    results["tools"] = tool_info(trailtui_cmd, reader_python, use_newsboat)
    log(f"trailtui: {' '.join(trailtui_cmd)}  {json.dumps(results['tools'].get('trailtui'))}")

    corpus = tmp / "corpus"
    (corpus / "feeds").mkdir(parents=True)
    bench.server = server = Server(corpus, tmp, args.huge_mb, args.bomb_mb, args.server_max_s)
    log(
        f"feedserver on {server.origin} (pid {server.proc.pid}), huge {args.huge_mb} MB, "
        f"bomb {args.bomb_mb} MiB"
    )

    def generate(feeds: int, entries: int, escapes: str) -> dict:
        t0 = time.monotonic()
        manifest = make_corpus.generate(corpus, args.seed, feeds, entries, server.origin, escapes)
        loaded = server.preload()
        log(
            f"corpus {feeds} x {entries} --escapes {escapes}: "
            f"{manifest['feed_bytes'] / 1e6:.1f} MB, "
            f"{manifest['contacts']} contacts; generated and preloaded in "
            f"{time.monotonic() - t0:.1f} s (server gzip {loaded['seconds']} s)"
        )
        return manifest

    tt_info = results["tools"].get("trailtui") or {}
    if tt_info:
        # Bytecode, as `pip install` compiles it: an editable install run
        # with PYTHONDONTWRITEBYTECODE (as here) would compile every module
        # on every run, and time that instead of trailtui.
        subprocess.run(
            [interpreter_of(trailtui_cmd), "-m", "compileall", "-q", tt_info["package_dir"]],
            check=False,
            capture_output=True,
        )
    tt = Trailtui(bench, trailtui_cmd, Path(tt_info["package_dir"]) if tt_info else None)
    nb = Newsboat(bench, args.threads) if use_newsboat else None
    rd = Reader(bench, reader_python, args.threads) if reader_python else None
    contacts, urls = corpus / "contacts.yaml", corpus / "urls"
    n_feeds, n_entries = args.feeds, args.entries
    expected = n_feeds * n_entries

    # ---------------------------------------------------------------- cold + warm
    manifest = generate(n_feeds, n_entries, "entity")
    results["corpus"] = {
        k: manifest[k]
        for k in (
            "feeds",
            "entries",
            "escapes",
            "kinds",
            "contacts",
            "contacts_with_two_feeds",
            "total_entries",
            "feed_bytes",
        )
    }
    check = subprocess.run(
        [*trailtui_cmd, "contacts", "check", str(contacts)],
        capture_output=True,
        text=True,
        env=child_env(tt.home),
    )
    log(f"trailtui contacts check: {(check.stdout or check.stderr).strip()[:300]}")

    cold: dict[str, list[dict]] = {"trailtui": [], "newsboat": [], "reader": []}
    warm_state: dict[str, Path] = {}
    with phase(log, f"cold refresh, {n_feeds} x {n_entries}, {args.runs} runs each, alternating"):
        programs = ["trailtui"] + (["newsboat"] if nb else []) + (["reader"] if rd else [])
        for i in range(args.runs):
            for prog in rotate(programs, i):
                keep = i == 0  # the first cold state becomes the warm state
                suffix = "" if prog == "newsboat" else ".sqlite"
                db = tmp / (f"warm-{prog}{suffix}" if keep else f"cold-{prog}-{i}{suffix}")

                def cold_run(prog: str = prog, db: Path = db, label: str = f"cold{i + 1}") -> dict:
                    _remove(db)  # fresh state, also for a repeated attempt
                    if prog == "trailtui":
                        return tt.fetch(contacts, db, label)
                    if prog == "newsboat":
                        assert nb is not None
                        return nb.reload(urls, db, label)
                    assert rd is not None
                    return rd.update(urls, db, "cold", label)

                run = bench.retry_if_busy(cold_run)
                run.pop("per_feed", None)
                cold[prog].append(run)
                if keep:
                    warm_state[prog] = db
                else:
                    _remove(db)
                log(
                    f"  {prog:<9} cold {i + 1}: {run['wall_s']:6.2f} s  max RSS "
                    f"{run['max_rss_mb']:6.1f} MB  group PSS {run['group_pss_mb']:6.1f} MB  "
                    f"entries {run['entries']}  http {run['http']['by_status']}"
                    + (f"  failed {run['failures'][:3]}" if run.get("failures") else "")
                )

    warm: dict[str, list[dict]] = {"trailtui": [], "newsboat": [], "reader": []}
    primes: list[dict] = []
    with phase(log, f"warm refresh (all 304), {args.runs} runs each, alternating"):
        if nb:  # newsboat stores validators only from its second run on (see README)
            run = nb.reload(urls, warm_state["newsboat"], "prime2")
            run.pop("per_feed", None)
            primes.append(run)
            log(f"  newsboat  prime 2: {run['wall_s']:6.2f} s  http {run['http']['by_status']}")
        programs = ["trailtui"] + (["newsboat"] if nb else []) + (["reader"] if rd else [])
        for i in range(args.runs):
            for prog in rotate(programs, i):

                def warm_run(prog: str = prog, label: str = f"warm{i + 1}") -> dict:
                    if prog == "trailtui":
                        return tt.fetch(contacts, warm_state["trailtui"], label)
                    if prog == "newsboat":
                        assert nb is not None
                        return nb.reload(urls, warm_state["newsboat"], label)
                    assert rd is not None
                    return rd.update(urls, warm_state["reader"], "warm", label)

                run = bench.retry_if_busy(warm_run)
                run.pop("per_feed", None)
                got = run["http"]["by_status"]
                run["all_304"] = got == {"304": n_feeds}
                warm[prog].append(run)
                log(
                    f"  {prog:<9} warm {i + 1}: {run['wall_s']:6.2f} s  http {got}"
                    + ("" if run["all_304"] else "  <-- not all 304")
                )
    for state in warm_state.values():
        _remove(state)
    results["cold"] = {k: v for k, v in cold.items() if v}
    results["warm"] = {k: v for k, v in warm.items() if v}
    results["newsboat_primes"] = primes

    # ---------------------------------------------------------------- faults
    if not args.skip_faults:
        with phase(log, "fault routes + good feeds"):
            results["faults"] = fault_run(args, bench, tt, nb, corpus, manifest, log)

    # ---------------------------------------------------------------- raw corpus
    raw: dict[str, dict] = {}
    with phase(log, "entries recovered from the --escapes raw corpus (one cold run each)"):
        manifest_raw = generate(n_feeds, n_entries, "raw")
        results["raw_corpus"] = {
            "feeds_with_control_chars": manifest_raw["feeds_with_control_chars"],
        }
        raw["trailtui"] = tt.fetch(contacts, tmp / "raw-trailtui.sqlite", "raw")
        raw["trailtui"]["per_feed"] = Trailtui.per_feed(tmp / "raw-trailtui.sqlite")
        _remove(tmp / "raw-trailtui.sqlite")
        if nb:
            raw["newsboat"] = nb.reload(urls, tmp / "raw-newsboat", "raw")
            _remove(tmp / "raw-newsboat")
        if rd:
            raw["reader"] = rd.update(urls, tmp / "raw-reader.sqlite", "cold", "raw")
            _remove(tmp / "raw-reader.sqlite")
        hostile = set(manifest_raw["feeds_with_control_chars"])
        for prog, run in raw.items():
            per_feed = run.pop("per_feed", {})
            short = {
                u.rsplit("/", 1)[-1]: n
                for u, n in per_feed.items()
                if u.rsplit("/", 1)[-1] in hostile and n != n_entries
            }
            run["short_feeds"] = short
            log(
                f"  {prog:<9} raw: {run['wall_s']:6.2f} s  entries {run['entries']}"
                + (f"  short feeds {short}" if short else "")
                + (f"  failed {run['failures']}" if run.get("failures") else "")
            )
    results["raw"] = raw

    # ---------------------------------------------------------------- scaling
    scaling: list[dict] = []
    if not args.skip_scaling:
        for feeds in args.scale_feeds:
            with phase(log, f"scaling: {feeds} x {n_entries}, {args.scale_runs} run(s)"):
                m = generate(feeds, n_entries, "entity")
                point: dict[str, Any] = {
                    "feeds": feeds,
                    "entries": n_entries,
                    "feed_bytes": m["feed_bytes"],
                    "trailtui": [],
                    "newsboat": [],
                }
                for i in range(args.scale_runs):
                    for prog in rotate(["trailtui"] + (["newsboat"] if nb else []), i):
                        suffix = "" if prog == "newsboat" else ".sqlite"
                        db = tmp / f"scale-{prog}-{feeds}-{i}{suffix}"

                        def scale_run(
                            prog: str = prog, db: Path = db, label: str = f"scale{feeds}-{i + 1}"
                        ) -> dict:
                            _remove(db)
                            if prog == "trailtui":
                                return tt.fetch(contacts, db, label)
                            assert nb is not None
                            return nb.reload(urls, db, label)

                        run = bench.retry_if_busy(scale_run)
                        _remove(db)
                        run.pop("per_feed", None)
                        run["stdout"] = run["stdout"][-3000:]
                        point[prog].append(run)
                        log(
                            f"  {prog:<9} {feeds} feeds {i + 1}: {run['wall_s']:6.2f} s  "
                            f"max RSS {run['max_rss_mb']:.0f} MB  group PSS "
                            f"{run['group_pss_mb']:.0f} MB  entries {run['entries']}"
                            + (f"  failed {len(run['failures'])}" if run.get("failures") else "")
                        )
                scaling.append(point)
    results["scaling"] = scaling

    results["server_final"] = server.stop()
    bench.server = None
    results["server_final"].pop("by_path", None)
    after = tool_info(trailtui_cmd, None, False).get("trailtui", {})
    before = results["tools"].get("trailtui", {})
    results["trailtui_source_changed_during_run"] = before.get("source_sha256") != after.get(
        "source_sha256"
    )
    results["expected_entries"] = expected
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return results


def fault_run(
    args: argparse.Namespace,
    bench: Bench,
    tt: Trailtui,
    nb: Newsboat | None,
    corpus: Path,
    manifest: dict,
    log: Callable[[str], None],
) -> dict:
    assert bench.server is not None
    origin = bench.server.origin
    routes = [r for r in feedserver.FAULTS if not (args.quick and r in SLOW_FAULTS)]
    feed_urls = (corpus / "urls").read_text(encoding="utf-8").split()
    n = len(feed_urls)
    # Spread over the corpus and never the first feed (redirect-30x and
    # malformed serve that one; newsboat files items by guid across feeds).
    picks = sorted(
        {1 + (k * (n - 1)) // GOOD_FEEDS_IN_FAULT_RUN for k in range(GOOD_FEEDS_IN_FAULT_RUN)}
    )
    good = [feed_urls[i] for i in picks if i < n]
    fault_urls = {r: f"{origin}/fault/{r}" for r in routes}
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  (JSON strings are YAML)
    lines = ["version: 1", "contacts:"]
    for i, url in enumerate(good, 1):
        lines += [f"  - name: {q(f'Good feed {i}')}", "    feeds:", f"      - {q(url)}"]
    for route, url in fault_urls.items():
        lines += [f"  - name: {q(f'Fault {route}')}", "    feeds:", f"      - {q(url)}"]
    contacts = bench.tmp / "contacts-faults.yaml"
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    urls = bench.tmp / "urls-faults"
    urls.write_text("".join(u + "\n" for u in [*good, *fault_urls.values()]), encoding="utf-8")

    out: dict[str, Any] = {
        "routes": routes,
        "good_feeds": good,
        "huge_mb": args.huge_mb,
        "bomb_mb": args.bomb_mb,
    }
    db = bench.tmp / "faults-trailtui.sqlite"
    run = tt.fetch(contacts, db, "faults", timeout=600)
    per_feed = Trailtui.per_feed(db)
    _remove(db)
    run["per_route_entries"] = {r: per_feed.get(u) for r, u in fault_urls.items()}
    run["good_entries"] = [per_feed.get(u) for u in good]
    run["good_landed"] = sum(1 for u in good if per_feed.get(u) == manifest["entries"])
    reasons = {}
    for line in run["failures"]:
        url, _, reason = line.partition(": ")
        url = url.split(" (")[0]
        route = url.rsplit("/fault/", 1)[-1] if "/fault/" in url else url
        reasons[route] = reason
    run["failure_reasons"] = reasons
    out["trailtui"] = run
    log(
        f"  trailtui faults: {run['wall_s']:.1f} s  max RSS {run['max_rss_mb']:.0f} MB  group PSS "
        f"{run['group_pss_mb']:.0f} MB  good feeds landed {run['good_landed']}/{len(good)}  "
        f"failed {len(run['failures'])}/{len(routes) + len(good)}"
    )
    for route in routes:
        log(
            f"     {route:<15} entries {run['per_route_entries'][route]!s:<5} "
            f"{reasons.get(route, '')[:110]}"
        )
    if nb:
        state = bench.tmp / "faults-newsboat"
        nrun = nb.reload(urls, state, "faults", timeout=900)
        _remove(state)
        per = nrun.pop("per_feed", {})
        nrun["per_route_entries"] = {r: per.get(u, 0) for r, u in fault_urls.items()}
        nrun["good_entries"] = [per.get(u, 0) for u in good]
        nrun["good_landed"] = sum(1 for u in good if per.get(u) == manifest["entries"])
        out["newsboat"] = nrun
        log(
            f"  newsboat faults: {nrun['wall_s']:.1f} s  max RSS {nrun['max_rss_mb']:.0f} MB  "
            f"good feeds landed {nrun['good_landed']}/{len(good)}  "
            f"per route {nrun['per_route_entries']}"
        )
    return out


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            with suppress(OSError):
                p.unlink()


# --------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


def report(results: dict) -> str:
    m, tools = results["machine"], results["tools"]
    cold, warm = results["cold"], results["warm"]
    progs = [p for p in ("trailtui", "newsboat", "reader") if p in cold]
    c = results["corpus"]
    runs = len(cold["trailtui"])
    lines = []
    tt_info = tools.get("trailtui") or {}
    lines.append(
        f"- Machine: {m.get('nproc')} CPUs ({m.get('cpu', '?')}), {m.get('memory_gib')} GiB, "
        f"{m.get('os', '?')}, kernel {m.get('kernel')}; Python {m['python']} (run.py), "
        f"{tt_info.get('python', '?')} (trailtui)."
    )
    ver = [
        f"trailtui {tt_info.get('version')}"
        + (f" (commit {tt_info['git_commit']})" if tt_info.get("git_commit") else "")
        + f", deps {', '.join(f'{k} {v}' for k, v in (tt_info.get('deps') or {}).items())}"
    ]
    if tools.get("newsboat"):
        ver.append(f"{tools['newsboat']} (reload-threads {results['args']['threads']})")
    if tools.get("reader"):
        ver.append(
            f"reader {tools['reader']['version']} (update_feeds workers="
            f"{results['args']['threads']})"
        )
    lines.append("- Tools: " + "; ".join(ver) + ".")
    lines.append(
        f"- Corpus: {c['feeds']} feeds x {c['entries']} entries = {c['total_entries']} "
        f"(rss2 {c['kinds']['rss2']}, atom {c['kinds']['atom']}, rss1 {c['kinds']['rss1']}), "
        f"{c['feed_bytes'] / 1e6:.1f} MB of XML, --escapes {c['escapes']}; medians of "
        f"{runs} runs, programs alternated; one feedserver on 127.0.0.1 for the whole session."
    )
    versions = trailtui_versions(results)
    if len(versions) > 1 or results.get("trailtui_source_changed_during_run"):
        seen = "; ".join(f"{v}: {', '.join(names)}" for v, names in versions.items())
        lines.append(
            "- WARNING: trailtui's source changed during this session, so its numbers mix "
            f"versions (source hash: runs) {seen}."
        )
    flagged = [
        r["name"]
        for group in (results.get("cold", {}), results.get("warm", {}))
        for runs in group.values()
        for r in runs
        if busy(r)
    ] + [
        r["name"]
        for pt in results.get("scaling", [])
        for k in ("trailtui", "newsboat")
        for r in pt.get(k, [])
        if busy(r)
    ]
    repeated = [
        d["name"]
        for group in (results.get("cold", {}), results.get("warm", {}))
        for runs in group.values()
        for r in runs
        for d in r.get("discarded_busy_runs", [])
    ] + [
        d["name"]
        for pt in results.get("scaling", [])
        for k in ("trailtui", "newsboat")
        for r in pt.get(k, [])
        for d in r.get("discarded_busy_runs", [])
    ]
    if repeated:
        lines.append(
            f"- {len(repeated)} run(s) were repeated because other processes were busy meanwhile "
            f"(--retry-busy): {', '.join(repeated)}."
        )
    if flagged:
        lines.append(
            f"- Runs marked * had other processes using more than {BUSY_SHARE} cores on average "
            f"meanwhile (the machine was shared): {', '.join(flagged)}."
        )
    lines.append("")
    header = ["measurement", *progs]
    if "newsboat" in progs:
        header.append("trailtui / newsboat")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))

    def row(label: str, values: dict[str, str], rat: str | None = None) -> None:
        cells = [label, *(values.get(p, "-") for p in progs)]
        if "newsboat" in progs:
            cells.append(rat or "")
        lines.append("| " + " | ".join(cells) + " |")

    cm = {p: med(cold[p]) for p in progs}
    row(
        f"cold refresh, median wall s ({c['feeds']} x {c['entries']})",
        {p: f"**{fmt(cm[p])}**" for p in progs},
        ratio(cm.get("trailtui"), cm.get("newsboat")),
    )
    row("cold, all runs (s)", {p: spread(cold[p]) for p in progs})
    wm = {p: med(warm[p]) for p in progs if p in warm}
    all304 = {p: all(r["all_304"] for r in warm[p]) for p in warm}
    row(
        "warm refresh (all 304), median wall s",
        {p: f"**{fmt(wm[p])}**" + ("" if all304[p] else " (not all 304!)") for p in wm},
        ratio(wm.get("trailtui"), wm.get("newsboat")),
    )
    row("warm, all runs (s)", {p: spread(warm[p]) for p in warm})
    row(
        "cold: peak RSS, largest process (MB, median)",
        {p: fmt(med(cold[p], "max_rss_mb"), 0) for p in progs},
        ratio(med(cold["trailtui"], "max_rss_mb"), med(cold.get("newsboat", []), "max_rss_mb")),
    )
    row(
        "cold: peak memory, whole process group (PSS MB, median; processes)",
        {
            p: f"{fmt(med(cold[p], 'group_pss_mb'), 0)} ({max(r['processes'] for r in cold[p])})"
            for p in progs
        },
    )
    row("cold: CPU time user+sys (s, median)", {p: fmt(med(cold[p], "cpu_s")) for p in progs})
    row(
        "cold: server CPU per run (s, median)",
        {p: fmt(med(cold[p], "server_cpu_s")) for p in progs},
    )
    row(
        "cold: CPU used by other processes meanwhile (s, median / max)",
        {
            p: f"{fmt(med(cold[p], 'other_cpu_s'))} / {fmt(max(r['other_cpu_s'] for r in cold[p]))}"
            for p in progs
        },
    )
    exp = results["expected_entries"]

    def counts(runs: list[dict]) -> str:
        values = sorted({r["entries"] for r in runs}, key=lambda v: (v is None, v))
        return " / ".join(str(v) for v in values)

    row(f"entries stored, entity corpus (expected {exp})", {p: counts(cold[p]) for p in progs})
    raw = results.get("raw", {})
    if raw:
        row(
            f"entries stored, raw corpus (expected {exp})",
            {p: str(raw[p]["entries"]) for p in raw if p in progs},
        )
    fails = {
        p: str(sum(len(r.get("failures", [])) for r in cold[p])) for p in progs if p == "trailtui"
    }
    if fails:
        row("feeds reported failed over all cold runs", fails)
    for point in results.get("scaling", []):
        t = {p: med(point[p]) for p in ("trailtui", "newsboat") if point.get(p)}
        vals = {p: f"**{fmt(t[p])}** ({spread(point[p])})" for p in t}
        row(
            f"cold refresh {point['feeds']} x {point['entries']} "
            f"({point['feed_bytes'] / 1e6:.0f} MB), median wall s (all runs)",
            vals,
            ratio(t.get("trailtui"), t.get("newsboat")),
        )
        row(
            f"  entries stored ({point['feeds'] * point['entries']} expected)",
            {p: counts(point[p]) for p in t},
        )
        row(
            "  peak RSS largest process / group PSS (MB)",
            {
                p: f"{fmt(med(point[p], 'max_rss_mb'), 0)} / "
                f"{fmt(med(point[p], 'group_pss_mb'), 0)}"
                for p in t
            },
        )
    faults = results.get("faults")
    if faults:
        f_progs = [p for p in ("trailtui", "newsboat") if p in faults]
        nroutes, ngood = len(faults["routes"]), len(faults["good_feeds"])
        row(
            f"faults ({nroutes} /fault/* routes + {ngood} good feeds): wall s",
            {p: fmt(faults[p]["wall_s"], 1) for p in f_progs},
        )
        row(
            "  faults: peak RSS largest process / group PSS (MB)",
            {
                p: f"{fmt(faults[p]['max_rss_mb'], 0)} / {fmt(faults[p]['group_pss_mb'], 0)}"
                for p in f_progs
            },
        )
        row(
            "  faults: good feeds landed complete",
            {p: f"{faults[p]['good_landed']}/{ngood}" for p in f_progs},
        )
    lines.append("")
    # scaling summary
    if results.get("scaling") and "trailtui" in cold:
        base = (c["feeds"], med(cold["trailtui"]))
        parts = [f"{base[0]} feeds {fmt(base[1])} s ({1000 * base[1] / base[0]:.1f} ms/feed)"]
        for point in results["scaling"]:
            t = med(point["trailtui"])
            if t:
                parts.append(
                    f"{point['feeds']} feeds {fmt(t)} s ({1000 * t / point['feeds']:.1f} ms/feed)"
                )
        lines.append(
            f"trailtui scaling (cold, {c['entries']} entries/feed): " + "; ".join(parts) + "."
        )
    if faults and "trailtui" in faults:
        reasons = dict(faults["trailtui"]["failure_reasons"])
        per = faults["trailtui"]["per_route_entries"]
        for line in faults["trailtui"]["stdout"].splitlines():  # warnings and moves
            match = re.match(r"\s+(warning|moved) \S+/fault/([\w-]+)(?::| ->) (.*)", line)
            if match and match.group(2) not in reasons:
                kind, route, text = match.groups()
                reasons[route] = f"{kind}: {text}" if kind == "warning" else f"moved to {text}"
        lines.append("")
        lines.append("trailtui per fault route (entries stored; what `fetch` reported):")
        lines.append("")
        lines.append(
            "| route | entries | trailtui's message |"
            + (" newsboat items |" if "newsboat" in faults else "")
        )
        lines.append("|---|---|---|" + ("---|" if "newsboat" in faults else ""))
        for route in faults["routes"]:
            cells = [
                f"`{route}`",
                str(per.get(route)),
                reasons.get(route, "ok").replace("|", "/"),
            ]
            if "newsboat" in faults:
                cells.append(str(faults["newsboat"]["per_route_entries"].get(route)))
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="trailtui vs newsboat (and reader): cold/warm refresh, memory, entries, "
        "scaling and fault routes, in one session against one loopback server.",
        epilog="See benchmarks/README.md.",
    )
    ap.add_argument(
        "--runs", type=int, default=5, help="runs per program for cold and warm (default 5)"
    )
    ap.add_argument("--feeds", type=int, default=200, help="feeds in the main corpus (default 200)")
    ap.add_argument("--entries", type=int, default=50, help="entries per feed (default 50)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 20 x 10, 2 runs, 60 feeds for scaling, no slow/timeout "
        "fault routes, small huge/bomb (well under a minute without newsboat)",
    )
    ap.add_argument(
        "--with-reader",
        action="store_true",
        help="also measure the `reader` library (installed into a throwaway venv)",
    )
    ap.add_argument(
        "--reader-venv",
        type=Path,
        help="use this existing venv (with reader installed) instead of making one",
    )
    ap.add_argument(
        "--skip-newsboat", action="store_true", help="measure trailtui (and reader) only"
    )
    ap.add_argument("--skip-faults", action="store_true", help="no fault-route run")
    ap.add_argument("--skip-scaling", action="store_true", help="no scaling run")
    ap.add_argument(
        "--scale-feeds",
        default=None,
        help="comma-separated feed counts for the scaling run (default 1000)",
    )
    ap.add_argument(
        "--scale-runs",
        type=int,
        default=None,
        help="runs per program per scaling point (default 3)",
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=8,
        help="newsboat reload-threads and reader workers (default 8)",
    )
    ap.add_argument("--huge-mb", type=int, default=None, help="size of /fault/huge (default 50)")
    ap.add_argument(
        "--bomb-mb",
        type=int,
        default=None,
        help="inflated size of /fault/gzipbomb, MiB (default 256)",
    )
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--trailtui", help="trailtui command (default: from PATH or a .venv*)")
    ap.add_argument(
        "--json",
        type=Path,
        default=None,
        help="results file (default benchmarks/results.json; "
        "benchmarks/results-quick.json with --quick)",
    )
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--report", type=Path, metavar="RESULTS_JSON", help="only print the table of a results file"
    )
    ap.add_argument(
        "--no-wait-idle",
        dest="wait_idle",
        action="store_false",
        help=f"do not wait before each run until other processes use < {IDLE_CORES} cores",
    )
    ap.add_argument(
        "--retry-busy",
        type=int,
        default=2,
        help="repeat a run during which other processes were busy, at most this often "
        "(default 2; the repeated runs are listed in results.json)",
    )
    ap.add_argument(
        "--idle-timeout",
        type=float,
        default=60.0,
        help="longest wait for an idle machine before a run (default 60 s)",
    )
    ap.add_argument(
        "--server-max-s",
        type=int,
        default=5400,
        help="the server stops by itself after this long (default 5400)",
    )
    args = ap.parse_args(argv)
    q = args.quick
    if q:
        args.feeds = 20 if args.feeds == 200 else args.feeds
        args.entries = 10 if args.entries == 50 else args.entries
        args.runs = 2 if args.runs == 5 else args.runs
    args.scale_feeds = [int(x) for x in (args.scale_feeds or ("60" if q else "1000")).split(",")]
    args.scale_runs = args.scale_runs or (1 if q else 3)
    args.huge_mb = args.huge_mb or (20 if q else 50)
    args.bomb_mb = args.bomb_mb or (64 if q else 256)
    args.json = args.json or HERE / ("results-quick.json" if q else "results.json")
    if min(args.runs, args.feeds, args.entries, args.scale_runs, args.threads) < 1:
        ap.error("--runs, --feeds, --entries, --scale-runs and --threads must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:  # only print the table of an earlier run
        print(report(json.loads(args.report.read_text(encoding="utf-8"))))
        return 0
    # Ctrl-C must stop the session even where SIGINT was inherited as ignored
    # (e.g. started with `&` from a script): KeyboardInterrupt -> cleanup.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_terminate)
    signal.signal(signal.SIGHUP, on_terminate)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="trailtui-bench-"))
    log(f"run.py: working in {tmp}")
    started = time.monotonic()
    try:
        results = run_session(args, tmp, log)
        results["duration_s"] = round(time.monotonic() - started, 1)
        table = report(results)
        results["table_markdown"] = table
        args.json.write_text(
            json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(table)
        log(f"\nwrote {args.json} ({results['duration_s']:.0f} s in all)")
        return 0
    except KeyboardInterrupt:
        log("\nrun.py: interrupted; stopping everything")
        return 130
    finally:
        cleanup()
        if args.keep_tmp:
            log(f"run.py: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
