"""Worker processes for a big first refresh: each fetches, finishes and stores.

A first refresh parses every feed, more work than one core can do while the
downloads go on. `WorkerPool.start` forks one worker per core (at most 4).
Each runs its own event loop and HTTP session (its share of the concurrency
limits) and takes the next feed from a counter the workers share; its one
finishing thread parses what has been downloaded (`finish.finish_feeds`)
and stores it through the worker's own database connection, a few feeds per
transaction, taking turns with the other workers to write.

No feed body ever crosses a process boundary: only each feed's small outcome
comes back, through a pipe the refresh's event loop watches. A worker that
dies costs nothing but time: `unreported` lists the feeds no worker reported,
and the refresh finishes those itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import mmap
import os
import queue
import random
import struct
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from trailtui.feeds import finish
from trailtui.feeds.decide import FeedOutcome
from trailtui.feeds.http import Fetcher, FetchLimits
from trailtui.store import Store, open_store
from trailtui.store.records import FeedState

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

# Starting processes costs little, but not nothing: below this many
# never-parsed feeds, one thread in the refresh's own process does the work.
MIN_NEW_FEEDS = 24
MAX_WORKERS = 4
MAX_BATCH = 4  # feeds a worker stores in one transaction


def wanted(store: Store, new_feeds: int) -> bool:
    """Whether a refresh with this many never-parsed feeds should fork workers."""
    if new_feeds < MIN_NEW_FEEDS or (os.cpu_count() or 1) < 2 or os.name != "posix":
        return False
    database = store.engine.url.database or ""
    return not (store.engine.dialect.name == "sqlite" and database in ("", ":memory:"))


@dataclass(frozen=True)
class Plan:
    """What every worker knows from the moment it is forked."""

    feeds: list[FeedState]
    limits: FetchLimits  # one worker's share
    refresh_every: int
    database_url: str


class _Counter:
    """The index of the next feed to take, shared by the forked workers."""

    def __init__(self, lock: Any) -> None:
        self._memory = mmap.mmap(-1, 8)  # anonymous and shared: forks see one counter
        self._lock = lock

    def take(self) -> int:
        with self._lock:
            index = int(struct.unpack_from("q", self._memory)[0])
            struct.pack_into("q", self._memory, 0, index + 1)
        return index


class WorkerPool:
    """Forked workers and the pipes their outcomes come back through."""

    def __init__(self, processes: list[BaseProcess], pipes: list[Connection], count: int) -> None:
        self.processes = processes
        self._pipes = pipes
        self._reported: set[int] = set()
        self._ended: set[Connection] = set()  # pipes that reached their end
        self._count = count

    @classmethod
    def start(
        cls, store: Store, feeds: list[FeedState], limits: FetchLimits, refresh_every: int
    ) -> WorkerPool | None:
        """Fork the workers (None if this system cannot: the caller uses a thread).

        Called before the refresh starts any thread or HTTP session of its own,
        so a worker inherits neither."""
        import trailtui.feeds.parse  # noqa: F401 - loaded once, shared by the forks

        workers = min(os.cpu_count() or 1, MAX_WORKERS, len(feeds))
        share = replace(
            limits,
            concurrency=max(1, limits.concurrency // workers),
            per_host=max(1, limits.per_host // workers),
        )
        plan = Plan(
            feeds, share, refresh_every, store.engine.url.render_as_string(hide_password=False)
        )
        context = get_context("fork")
        counter = _Counter(context.Lock())
        write_lock = context.Lock()
        # What exists now lives as long as the refresh: kept out of the workers'
        # collections, they never write to (and so copy) the pages they share.
        gc.freeze()
        processes: list[BaseProcess] = []
        pipes: list[Connection] = []
        try:
            for _ in range(workers):
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=_work,
                    args=(plan, counter, write_lock, writer),
                    daemon=True,
                )
                process.start()
                writer.close()  # the worker holds the only writer: its exit is our EOF
                processes.append(process)
                pipes.append(reader)
        except OSError:  # no processes here (sandbox, limits): one thread instead
            pool = cls(processes, pipes, len(feeds))
            pool.stop()
            return None
        return cls(processes, pipes, len(feeds))

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
                    index, outcome = pipe.recv()
                    self._reported.add(index)
                    arrived.put_nowait(outcome)
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
                    outcome = await asyncio.wait_for(arrived.get(), stall_after)
                except TimeoutError:
                    return
                if outcome is None:
                    return
                yield outcome
        finally:
            for pipe in open_pipes:
                loop.remove_reader(pipe.fileno())

    def unreported(self) -> list[int]:
        """Indices of the feeds no worker reported (a worker died)."""
        return [index for index in range(self._count) if index not in self._reported]

    def stop(self) -> None:
        """Stop the workers still at work (the refresh was cancelled), and reap all.

        A worker whose pipe has ended is leaving by itself: it is waited for,
        never killed in the middle of closing its database."""
        for process, pipe in zip(self.processes, self._pipes, strict=True):
            if pipe not in self._ended and process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()
        for pipe in self._pipes:
            pipe.close()
        gc.unfreeze()


def _work(plan: Plan, counter: _Counter, write_lock: Any, pipe: Connection) -> None:
    """A worker process: fetch, finish and store feeds until none are left."""
    try:
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
