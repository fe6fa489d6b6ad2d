"""Worker processes for a big first refresh: each fetches, finishes and stores.

A first refresh parses every feed, more work than one core can do while the
downloads go on. `WorkerPool.start` starts one worker per core (at most 4).
Each runs its own event loop and HTTP session (its share of the concurrency
limits) and takes the next feed from a counter the workers share; its one
finishing thread parses what has been downloaded (`finish.finish_feeds`)
and stores it through the worker's own database connection, a few feeds per
transaction, taking turns with the other workers to write.

Workers start in one of two ways (`StartMethod`):

- "fork": forked from the refresh's process, sharing what it has loaded. For
  a process with no other threads (the `fetch` command): the quickest start.
- "forkserver": forked from multiprocessing's fork server, a clean process
  with the modules a worker needs already imported (`prepare` starts it). For
  a process with threads (the app): forking one of those can deadlock a child
  on a lock another thread held.

Everything a worker gets is picklable, so both ways work alike.

No feed body ever crosses a process boundary: only each feed's small outcome
comes back, through a pipe the refresh's event loop watches. A worker that
dies costs nothing but time: `unreported` lists the feeds no worker reported,
and the refresh finishes those itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import queue
import random
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal

from trailtui.clock import now
from trailtui.feeds.decide import FeedOutcome
from trailtui.store import Store, open_store
from trailtui.store.records import FeedState

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext, ForkContext, ForkServerContext
    from multiprocessing.process import BaseProcess

    from trailtui.feeds import finish
    from trailtui.feeds.http import FetchLimits

StartMethod = Literal["fork", "forkserver"]
START_METHODS: tuple[StartMethod, ...] = ("fork", "forkserver")

# Starting processes costs little, but not nothing: below this many
# never-parsed feeds, one thread in the refresh's own process does the work.
MIN_NEW_FEEDS = 24
MAX_WORKERS = 4
MAX_BATCH = 4  # feeds a worker stores in one transaction
# What the fork server imports once, so that each worker forked from it
# starts with them loaded: this module, fetching and finishing (`finish`,
# which this module imports only when a worker runs, so that the app's
# start-up, which imports this module, loads no HTTP client), the parsers,
# and SQLite's dialect (loaded only when a worker opens the store).
# "__main__" is multiprocessing's own default: the program's script, which
# each worker would otherwise import itself.
PRELOAD = (
    "__main__",
    "trailtui.feeds.workers",
    "trailtui.feeds.finish",
    "trailtui.feeds.parse",
    "sqlalchemy.dialects.sqlite",
)
STOP_GRACE = 5.0  # seconds a terminated worker has to end before it is killed
READY_TIMEOUT = 60.0  # prepare() gives up on a fork server this slow to start one process

# Errors that mean "no worker processes here" (a sandbox, process limits, a
# fork server that cannot start or died): the refresh uses one thread instead.
CANNOT_START = (OSError, EOFError, ValueError)


def wanted(store: Store, new_feeds: int) -> bool:
    """Whether a refresh with this many never-parsed feeds should start workers."""
    if new_feeds < MIN_NEW_FEEDS or (os.cpu_count() or 1) < 2 or os.name != "posix":
        return False
    database = store.engine.url.database or ""
    return not (store.engine.dialect.name == "sqlite" and database in ("", ":memory:"))


def _context(start_method: StartMethod) -> ForkContext | ForkServerContext:
    """The multiprocessing context for a start method (ValueError if this system has none)."""
    if start_method == "forkserver":
        context = multiprocessing.get_context("forkserver")
        # Only heeded when the server starts; the same list every time.
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("fork")


_prepare_lock = threading.Lock()


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """multiprocessing hands sys.stderr's file descriptor to the helper process
    it starts first (its resource tracker); inside a Textual app sys.stderr
    is a capture whose descriptor is -1, and the start fails ("bad value(s) in
    fds_to_keep"). For that moment, the process's real stderr."""
    try:
        usable = sys.stderr is None or sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = True  # no descriptor at all: multiprocessing passes none
    if usable or sys.__stderr__ is None:
        yield
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = captured


def prepare(start_method: StartMethod = "forkserver") -> bool:
    """Get workers ready to start quickly; False if none can start here.

    "forkserver": starts the fork server (it imports `PRELOAD`) and waits until
    it has started one process that does nothing, so the server is warm and
    known to work. Blocks for as long as that takes (about the start-up of a
    Python process): call it early, in a background thread, before the first
    refresh needs it. Safe from any thread, and more than once (a server that
    died is started again). "fork": loads the parsers, which forked workers
    then share. A refresh whose workers cannot start uses one thread: False
    only says it will."""
    if os.name != "posix":
        return False
    if start_method == "fork":
        import trailtui.feeds.finish
        import trailtui.feeds.parse  # noqa: F401 - loaded once, shared by the forks

        return True
    try:
        context = _context(start_method)
        with _prepare_lock, _stderr_with_a_descriptor():
            process = context.Process(target=_ready, name="trailtui-ready", daemon=True)
            process.start()
            process.join(READY_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
            return bool(process.exitcode == 0)
    except CANNOT_START:
        return False


def prepare_if_wanted(
    store: Store, start_method: StartMethod = "forkserver"
) -> threading.Thread | None:
    """Warm the workers in a background thread if the next refresh (of the
    feeds due now) will want them; the thread, or None if it will not.

    The app calls this before it starts, so the fork server is warm by the
    time its first refresh needs it (a cold one makes that refresh a third
    slower; see benchmarks/app_refresh.py)."""
    from trailtui.store import queries

    due = queries.feeds_to_fetch(store, at=now(), force=False)
    if not wanted(store, sum(1 for feed in due if feed.content_hash is None)):
        return None
    thread = threading.Thread(
        target=prepare, args=(start_method,), name="trailtui-prepare-workers", daemon=True
    )
    thread.start()
    return thread


def _ready() -> None:
    """The process `prepare` starts: nothing to do, its exit says the server works."""


@dataclass(frozen=True)
class Plan:
    """What every worker knows from the moment it starts (picklable)."""

    feeds: list[FeedState]
    limits: FetchLimits  # one worker's share
    refresh_every: int
    database_url: str


class _Counter:
    """The index of the next feed to take, shared by the workers.

    A multiprocessing shared value: inherited by a fork, pickled to a worker
    of the fork server, one counter either way."""

    def __init__(self, context: BaseContext) -> None:
        self._value = context.Value("q", 0)

    def take(self) -> int:
        with self._value.get_lock():
            index = int(self._value.value)
            self._value.value = index + 1
        return index


class WorkerPool:
    """Worker processes and the pipes their outcomes come back through."""

    def __init__(
        self,
        processes: list[BaseProcess],
        pipes: list[Connection],
        count: int,
        start_method: StartMethod,
    ) -> None:
        self.processes = processes
        self.start_method = start_method
        # Outcomes each worker sent (by the index of its process): what the
        # workers themselves did, and the refresh did not.
        self.reported_by = [0] * len(processes)
        self._pipes = pipes
        self._reported: set[int] = set()
        self._ended: set[Connection] = set()  # pipes that reached their end
        self._count = count
        self._stopped = False
        self._shared: tuple[object, ...] = ()  # kept alive while the workers run

    @classmethod
    def start(
        cls,
        store: Store,
        feeds: list[FeedState],
        limits: FetchLimits,
        refresh_every: int,
        start_method: StartMethod = "fork",
    ) -> WorkerPool | None:
        """Start the workers (None if this system cannot: the caller uses a thread).

        Called before the refresh starts any thread or HTTP session of its own,
        so a forked worker inherits neither."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS, len(feeds))
        share = replace(
            limits,
            concurrency=max(1, limits.concurrency // workers),
            per_host=max(1, limits.per_host // workers),
        )
        plan = Plan(
            feeds, share, refresh_every, store.engine.url.render_as_string(hide_password=False)
        )
        processes: list[BaseProcess] = []
        pipes: list[Connection] = []
        pool = cls(processes, pipes, len(feeds), start_method)
        try:
            context = _context(start_method)
            with _stderr_with_a_descriptor():
                counter = _Counter(context)
                write_lock = context.Lock()
            if start_method == "fork":
                import trailtui.feeds.finish
                import trailtui.feeds.parse  # noqa: F401 - loaded once, shared by the forks

                # What exists now lives as long as the refresh: kept out of the
                # workers' collections, they never write to (and so copy) the
                # pages they share.
                gc.freeze()
            for _ in range(workers):
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=work,
                    args=(plan, counter, write_lock, writer),
                    name="trailtui-worker",
                    daemon=True,
                )
                try:
                    with _stderr_with_a_descriptor():
                        process.start()
                except BaseException:
                    reader.close()
                    raise
                finally:
                    writer.close()  # the worker holds the only writer: its exit is our EOF
                processes.append(process)
                pipes.append(reader)
        except CANNOT_START:  # no processes here (sandbox, limits): one thread instead
            pool.stop()
            return None
        pool.reported_by = [0] * len(processes)
        # A fork server's worker opens the named semaphores after start()
        # returns; dropped here, they would be unlinked before it can.
        pool._shared = (counter, write_lock)
        return pool

    async def outcomes(self, stall_after: float) -> AsyncIterator[FeedOutcome]:
        """Each feed's outcome as a worker stores it; ends when every worker is done,
        or when none has reported anything for `stall_after` seconds (a worker
        stuck by a bug must not hang the refresh: `stop` ends it, and its
        feeds are left to the caller)."""
        loop = asyncio.get_running_loop()
        arrived: asyncio.Queue[FeedOutcome | None] = asyncio.Queue()
        open_pipes = set(self._pipes)

        def readable(pipe: Connection) -> None:
            try:
                while pipe.poll():
                    arrived.put_nowait(self._receive(pipe))
            except Exception as exc:  # EOF (the worker is done or dead), or a garbled message
                if isinstance(exc, EOFError | OSError):
                    self._ended.add(pipe)  # else `stop` ends that worker
                loop.remove_reader(pipe.fileno())
                open_pipes.discard(pipe)
                if not open_pipes:
                    arrived.put_nowait(None)

        for pipe in open_pipes:
            loop.add_reader(pipe.fileno(), readable, pipe)
        try:
            while True:
                try:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow
                    # a cancellation that comes as an outcome arrives.
                    async with asyncio.timeout(stall_after):
                        outcome = await arrived.get()
                except TimeoutError:
                    return
                if outcome is None:
                    return
                yield outcome
        finally:
            for pipe in open_pipes:
                loop.remove_reader(pipe.fileno())

    def _receive(self, pipe: Connection) -> FeedOutcome:
        index, outcome = pipe.recv()
        self._reported.add(index)
        self.reported_by[self._pipes.index(pipe)] += 1
        return outcome  # type: ignore[no-any-return]

    def unreported(self) -> list[int]:
        """Indices of the feeds no worker reported (a worker died)."""
        return [index for index in range(self._count) if index not in self._reported]

    def stop(self) -> list[FeedOutcome]:
        """Stop the workers still at work (the refresh was cancelled, or they
        stalled), reap all; the outcomes they sent that were not read yet.

        Those feeds are stored: a worker reports a feed once its transaction
        has committed. A worker whose pipe has ended is leaving by itself: it
        is waited for, never killed in the middle of closing its database.
        Stopping twice does nothing."""
        if self._stopped:
            return []
        self._stopped = True
        for process, pipe in zip(self.processes, self._pipes, strict=True):
            if pipe not in self._ended and process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(STOP_GRACE)
            if process.is_alive():
                process.kill()
                process.join()
        late: list[FeedOutcome] = []
        for pipe in self._pipes:
            with contextlib.suppress(Exception):  # the end of what it sent, or a garbled tail
                while pipe.poll():
                    late.append(self._receive(pipe))
            pipe.close()
        self._shared = ()
        if self.start_method == "fork":
            gc.unfreeze()
        return late


def work(plan: Plan, counter: _Counter, write_lock: Any, pipe: Connection) -> None:
    """A worker process: fetch, finish and store feeds until none are left."""
    try:
        # What the worker was started with (all of it, from a fork server)
        # stays out of its collections: they never touch those shared pages.
        gc.freeze()
        store = open_store(plan.database_url, migrate_schema=False, checkpoints=False)
        try:
            asyncio.run(_lanes(plan, counter, store, write_lock, pipe))
        finally:
            with contextlib.suppress(Exception):
                store.close()
            pipe.close()
    except BaseException:  # (a database it cannot open, a bug): the refresh finishes this
        os._exit(1)  # worker's feeds; a traceback would land on the app's screen


async def _lanes(
    plan: Plan, counter: _Counter, store: Store, write_lock: Any, pipe: Connection
) -> None:
    """Download on this loop; finish (parse and store) in one thread.

    On the loop itself, each feed's few milliseconds of work would hold up
    every download in progress. The thread takes what has been downloaded
    meanwhile (at most MAX_BATCH feeds) and stores it in one transaction, and
    reports each outcome itself, so the loop wakes only for the network.
    At most `concurrency` feeds are taken and not yet finished: near the end,
    a worker holding many downloaded feeds would keep the other cores waiting."""
    from trailtui.feeds import finish
    from trailtui.feeds.http import Fetcher

    loop = asyncio.get_running_loop()
    limits = plan.limits
    downloaded: queue.SimpleQueue[tuple[int, finish.Job] | None] = queue.SimpleQueue()
    room = asyncio.Semaphore(limits.concurrency)

    def free(count: int) -> None:
        for _ in range(count):
            room.release()

    def finish_downloaded() -> None:
        try:
            finish_all()
        except BaseException:  # the parent gone (a broken pipe), or a bug: this worker
            os._exit(1)  # ends at once; the refresh finishes the feeds it did not report

    def finish_all() -> None:
        while (first := downloaded.get()) is not None:
            batch = [first]
            while len(batch) < MAX_BATCH and not downloaded.empty():
                item = downloaded.get()
                if item is None:  # the end: finish this batch first
                    downloaded.put(None)
                    break
                batch.append(item)
            outcomes = finish.finish_feeds([job for _, job in batch], store, write_lock)
            for (index, _), outcome in zip(batch, outcomes, strict=True):
                pipe.send((index, outcome))
            loop.call_soon_threadsafe(free, len(batch))

    async def lane() -> None:
        while True:
            await room.acquire()
            index = counter.take()
            if index >= len(plan.feeds):
                room.release()  # for a lane still waiting: it learns there is nothing left
                return
            feed = plan.feeds[index]
            fetched, found = await finish.fetch_feed(fetcher, feed, limits.max_bytes)
            jitter = random.random()
            job = finish.Job(feed, fetched, plan.refresh_every, limits.max_bytes, jitter, found)
            downloaded.put((index, job))

    finisher = threading.Thread(target=finish_downloaded, name="trailtui-finish")
    finisher.start()
    try:
        async with Fetcher(limits, decode=False) as fetcher:
            await asyncio.gather(*(lane() for _ in range(limits.concurrency)))
    finally:
        downloaded.put(None)
        await asyncio.to_thread(finisher.join)
