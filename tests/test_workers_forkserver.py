"""Worker processes started by a fork server, as the app starts them: its
process has threads, so it must never fork itself.

The strongest check runs in a fresh interpreter (`app_like`), where nothing
has started a fork server yet: `os.fork` there raises, threads are alive, the
server is prepared in the background, and the refresh runs in a thread.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import multiprocessing.forkserver
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from trailtui.feeds import workers
from trailtui.feeds.refresh import Refresh, RefreshReport
from trailtui.store import queries

from .test_refresh import many_feeds, started_pools, store_with_feeds

FEEDS = 30  # more than MIN_NEW_FEEDS never-parsed feeds: a refresh wants workers
HANG_GUARD = 120.0


def test_enough_feeds_to_want_workers(tmp_path: Path) -> None:
    store = store_with_feeds(tmp_path, FEEDS)
    assert FEEDS >= workers.MIN_NEW_FEEDS and workers.wanted(store, FEEDS)
    store.close()


def run_in_a_thread(refresh: Refresh) -> RefreshReport:
    """As the app does: in a thread, while another thread of the process lives."""
    idle = threading.Event()
    other = threading.Thread(target=idle.wait, name="an-app-thread")
    other.start()
    box: list[RefreshReport] = []
    runner = threading.Thread(target=lambda: box.append(refresh.run()))
    runner.start()
    runner.join(HANG_GUARD)
    idle.set()
    other.join()
    assert not runner.is_alive() and box
    return box[0]


def test_forkserver_workers_never_fork_the_calling_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_with_feeds(tmp_path, FEEDS)
    forks: list[str] = []

    def no_fork() -> int:
        forks.append(threading.current_thread().name)
        raise OSError(errno.EPERM, "this process must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    pools = started_pools(monkeypatch)
    report = run_in_a_thread(Refresh(store, force=True, start_method="forkserver"))

    assert forks == []
    assert report.total == FEEDS and not report.failures
    assert queries.counts(store).entries == 2 * FEEDS
    (pool,) = pools
    assert pool.start_method == "forkserver"
    assert len(pool.processes) == min(os.cpu_count() or 1, workers.MAX_WORKERS)
    assert sum(pool.reported_by) == FEEDS  # every outcome came from a worker process
    assert [p.exitcode for p in pool.processes] == [0] * len(pool.processes)
    assert multiprocessing.active_children() == []
    store.close()


def test_prepare_gets_a_working_fork_server() -> None:
    assert workers.prepare("forkserver")
    assert workers.prepare("forkserver")  # again: the same server, still fine
    assert workers.prepare("fork")
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    "error",
    [OSError(errno.EPERM, "Operation not permitted"), EOFError("unexpected EOF")],
    ids=["no-server", "server-died"],
)
def test_a_fork_server_that_cannot_start_workers_means_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    def refuse(*args: Any) -> Any:
        raise error

    monkeypatch.setattr(multiprocessing.forkserver, "connect_to_new_process", refuse)
    assert not workers.prepare("forkserver")
    store = store_with_feeds(tmp_path, FEEDS)
    calls: list[workers.WorkerPool | None] = []
    real = workers.WorkerPool.start

    def start(*args: Any) -> workers.WorkerPool | None:
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr(workers.WorkerPool, "start", start)
    report = Refresh(store, force=True, start_method="forkserver").run()
    assert calls == [None]  # it tried, and the refresh did the work in one thread
    assert report.total == FEEDS and not report.failures
    assert queries.counts(store).entries == 2 * FEEDS
    assert multiprocessing.active_children() == []
    store.close()


# ---- in a fresh interpreter --------------------------------------------------

APP_LIKE = r"""
import json, os, sys, threading

mode, contacts, database = sys.argv[1:4]
forks = []

def no_fork():
    forks.append(threading.current_thread().name)
    raise OSError(1, "this process must not fork")

os.fork = no_fork
if mode == "no-server":  # a sandbox: no helper process can be started at all
    import multiprocessing.util

    def no_spawn(*args):
        raise PermissionError(1, "Operation not permitted")

    multiprocessing.util.spawnv_passfds = no_spawn

from trailtui.contacts import load_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds import workers
from trailtui.feeds.refresh import Refresh
from trailtui.store import open_store

prepared = []
idle = threading.Event()
app_thread = threading.Thread(target=idle.wait)  # the app's other threads
app_thread.start()
preparing = threading.Thread(target=lambda: prepared.append(workers.prepare("forkserver")))
preparing.start()  # early, in the background, as the app does

store = open_store("sqlite:///" + database)
sync_contacts(store, load_contacts(contacts))
preparing.join()
pools = []
real_start = workers.WorkerPool.start

def start(*args):
    pools.append(real_start(*args))
    return pools[-1]

workers.WorkerPool.start = start
box = []
refresh = Refresh(store, force=True, start_method="forkserver")
runner = threading.Thread(target=lambda: box.append(refresh.run()))
runner.start()
runner.join()
idle.set()
app_thread.join()
report = box[0]
pool = pools[0]
print(json.dumps({
    "forks": forks,
    "prepared": prepared,
    "total": report.total,
    "failures": len(report.failures),
    "new": report.new_entries,
    "workers": None if pool is None else len(pool.processes),
    "reported_by_workers": None if pool is None else sum(pool.reported_by),
    "worker_pids": [] if pool is None else [p.pid for p in pool.processes],
    "pid": os.getpid(),
}))
store.close()
"""


def app_like(tmp_path: Path, mode: str) -> dict[str, Any]:
    contacts = many_feeds(tmp_path, FEEDS)
    done = subprocess.run(
        [sys.executable, "-c", APP_LIKE, mode, str(contacts), str(tmp_path / "app.sqlite3")],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_an_app_like_process_starts_workers_without_forking_itself(tmp_path: Path) -> None:
    result = app_like(tmp_path, "forkserver")
    assert result["forks"] == [] and result["prepared"] == [True]
    assert result["total"] == FEEDS and result["failures"] == 0 and result["new"] == 2 * FEEDS
    assert result["workers"] == min(os.cpu_count() or 1, workers.MAX_WORKERS)
    assert result["reported_by_workers"] == FEEDS
    assert result["pid"] not in result["worker_pids"]


def test_where_no_helper_process_can_start_the_refresh_uses_one_thread(tmp_path: Path) -> None:
    result = app_like(tmp_path, "no-server")
    assert result["forks"] == [] and result["prepared"] == [False]
    assert result["total"] == FEEDS and result["failures"] == 0 and result["new"] == 2 * FEEDS
    assert result["workers"] is None
