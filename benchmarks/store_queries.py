#!/usr/bin/env python3
"""Time the triage screen's store queries on a big database, and what the
search index costs a refresh.

Runs in the project's virtualenv (it times trailtui's own functions):

    python benchmarks/store_queries.py                   # builds (or reuses) the database
    python benchmarks/store_queries.py --dir /tmp/scale  # where scale_db.py keeps it
    python benchmarks/store_queries.py --skip-ingest     # leave the ingest comparison out
    python benchmarks/store_queries.py --plans           # print each query's plan too

The database is scale_db.py's: 300 contacts, 1,000 feeds, 100,000 entries
(made by trailtui's own connection, so the search index's triggers fill it),
built once and reused; an older schema is migrated when it is opened.

Each query runs `--runs` times (default 100) after a warm-up; p50 and p95 of
wall-clock milliseconds are printed, and the results written as JSON.

The ingest comparison: make_corpus.py's 200 x 50 corpus is parsed once, then
stored with `store.ingest.store_fetches` into a new database with the search
index and into one without it (its triggers and table dropped), rounds
alternating, the median of each and their ratio printed; then the same for a
whole first refresh of the corpus's files. Every run gets a database of its
own (one already holding the entries would store nothing); the size of each
database (WAL checked in) is printed too.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from trailtui.feeds.refresh import refresh
from trailtui.store import Store, ingest, migrations, open_store, queries, search, writes
from trailtui.store.ingest import FeedUpdate
from trailtui.store.records import EntryFilter, PageCursor
from trailtui.store.sync import sync_rows

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
scale_db: Any = importlib.import_module("scale_db")

CONTACTS, FEEDS, ENTRIES = 300, 1_000, 100_000
PAGE = 200
NOW = 1_767_225_600  # when the ingest comparison's feeds were fetched
PHRASES = ("rust async", "query planner", "bench")


def database(directory: Path) -> Path:
    """scale_db.py's 100,000-entry database (built once, then reused), at
    this trailtui's schema version (opening it migrates an older one)."""
    paths = scale_db.build(directory, contacts=CONTACTS, feeds=FEEDS, entries=ENTRIES)
    open_store(f"sqlite:///{paths.db}").close()
    return Path(paths.db)


def timed(runs: int, call: Callable[[], object]) -> dict[str, float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
    }


def query_figures(store: Store, runs: int) -> dict[str, dict[str, float]]:
    first = queries.merged_feed(store, limit=PAGE)
    deep = queries.merged_feed(store, limit=PAGE, older_than=PageCursor.of(first[-1]))
    person = first[0].contact_id
    middle = PageCursor.of(deep[-1])
    figures = {
        "first page": timed(runs, lambda: queries.merged_feed(store, limit=PAGE)),
        f"first page of {queries.DEFAULT_PAGE:,}": timed(runs, lambda: queries.merged_feed(store)),
        "next page (keyset)": timed(
            runs, lambda: queries.merged_feed(store, limit=PAGE, older_than=middle)
        ),
        "filter by person": timed(
            runs,
            lambda: queries.merged_feed(store, limit=PAGE, where=EntryFilter(contact_id=person)),
        ),
        "filter by tier C": timed(
            runs, lambda: queries.merged_feed(store, limit=PAGE, where=EntryFilter(tier="C"))
        ),
        "unread only": timed(
            runs,
            lambda: queries.merged_feed(store, limit=PAGE, where=EntryFilter(unread_only=True)),
        ),
        "starred only": timed(
            runs,
            lambda: queries.merged_feed(store, limit=PAGE, where=EntryFilter(starred_only=True)),
        ),
        "counts": timed(runs, lambda: queries.feed_counts(store)),
        "counts, tag filter": timed(
            runs, lambda: queries.feed_counts(store, EntryFilter(tag="rust"))
        ),
    }
    for phrase in PHRASES:
        figures[f"search {phrase!r}"] = timed(runs, partial(search.search, store, phrase))
    figures[f"search {PHRASES[0]!r}, unread"] = timed(
        runs, lambda: search.search(store, PHRASES[0], where=EntryFilter(unread_only=True))
    )
    figures["mark_read_where + undo, a person"] = timed(runs, lambda: _mark_and_undo(store, person))
    return figures


def _mark_and_undo(store: Store, person: str) -> None:
    marked = writes.mark_read_where(store, EntryFilter(contact_id=person))
    writes.set_read_ids(store, marked, False)


def selects_of(store: Store, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SELECT statements (and their parameters) that `call` runs."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return seen


def query_plans(store: Store) -> None:
    """What SQLite does for each query (EXPLAIN QUERY PLAN), printed for the eye."""
    first = queries.merged_feed(store, limit=PAGE)
    calls: dict[str, Callable[[], object]] = {
        "first page": lambda: queries.merged_feed(store, limit=PAGE),
        "next page": lambda: queries.merged_feed(
            store, limit=PAGE, older_than=PageCursor.of(first[-1])
        ),
        "newer than": lambda: queries.merged_feed(
            store, limit=PAGE, newer_than=PageCursor.of(first[-1])
        ),
        "person": lambda: queries.merged_feed(
            store, limit=PAGE, where=EntryFilter(contact_id=first[0].contact_id)
        ),
        "tier": lambda: queries.merged_feed(store, limit=PAGE, where=EntryFilter(tier="C")),
        "unread": lambda: queries.merged_feed(
            store, limit=PAGE, where=EntryFilter(unread_only=True)
        ),
        "starred": lambda: queries.merged_feed(
            store, limit=PAGE, where=EntryFilter(starred_only=True)
        ),
        "counts": lambda: queries.feed_counts(store),
        "search": lambda: search.search(store, PHRASES[0]),
    }
    for name, call in calls.items():
        seen = selects_of(store, call)
        with store.engine.connect() as connection:
            for statement, params in seen:
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
                print(f"-- {name}: {' '.join(statement.split())[:90]}…", file=sys.stderr)
                for row in plan:
                    print(f"     {row[3]}", file=sys.stderr)


@contextmanager
def corpus_entries(root: Path) -> Iterator[list[tuple[str, list[Any]]]]:
    """make_corpus.py's 200 x 50 corpus, parsed once: (url, entries) per feed."""
    from trailtui.feeds.parse import parse_feed

    out = root / "corpus"
    subprocess.run(
        [
            *(sys.executable, str(HERE / "make_corpus.py"), "--out", str(out)),
            *("--feeds", "200", "--entries", "50", "--escapes", "entity"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    feeds = []
    for path in sorted((out / "feeds").iterdir()):
        feeds.append((path.as_uri(), list(parse_feed(path.read_bytes()).entries)))
    yield feeds


def new_database(root: Path, name: str, urls: list[str], indexed: bool) -> Store:
    """A new database with one contact per feed; `indexed=False`: the search
    index and its triggers dropped (what trailtui did before schema 4)."""
    store = open_store(f"sqlite:///{root / name}")
    rows = [
        {"id": f"p{i}", "name": f"P {i}", "data": {}, "feeds": [[url, None, False]]}
        for i, url in enumerate(urls)
    ]
    sync_rows(store, rows)
    if not indexed:
        with store.write_connection() as connection:
            for trigger in ("insert", "update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {migrations.SEARCH_TABLE}_{trigger}")
            connection.exec_driver_sql(f"DROP TABLE {migrations.SEARCH_TABLE}")
    return store


def run_name(kind: str, indexed: bool, n: int) -> str:
    """A new file for every run: a second run into the same database would
    find every entry stored already and write nothing."""
    return f"{kind}-{n}-{'indexed' if indexed else 'plain'}.sqlite3"


def settled_size(root: Path, name: str) -> int:
    """The database's size once its WAL is checked in (then the file is removed)."""
    path = root / name
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    size = path.stat().st_size
    for leftover in (path, path.with_name(f"{name}-wal"), path.with_name(f"{name}-shm")):
        leftover.unlink(missing_ok=True)
    return size


def ingest_once(
    root: Path, feeds: list[tuple[str, list[Any]]], indexed: bool, n: int, sizes: list[int]
) -> float:
    """Store the parsed corpus as a refresh's workers do (4 feeds a transaction)."""
    name = run_name("ingest", indexed, n)
    store = new_database(root, name, [url for url, _ in feeds], indexed)
    with store.read() as session:
        ids = {url: i for i, url in session.execute(text("SELECT id, url FROM feed"))}
    update = FeedUpdate(fetched_at=NOW, status=200, error=None, next_fetch_at=NOW, succeeded=True)
    batch = [(ids[url], update, entries) for url, entries in feeds]
    started = time.perf_counter()
    for i in range(0, len(batch), 4):
        ingest.store_fetches(store, batch[i : i + 4])
    elapsed = time.perf_counter() - started
    store.close()
    sizes.append(settled_size(root, name))
    return elapsed


def refresh_once(root: Path, urls: list[str], indexed: bool, n: int, sizes: list[int]) -> float:
    """A whole first refresh of the corpus's files (fetch, parse, store), its
    workers forked, as `trailtui fetch` runs it."""
    name = run_name("refresh", indexed, n)
    store = new_database(root, name, urls, indexed)
    started = time.perf_counter()
    report = refresh(store, force=True, start_method="fork")
    elapsed = time.perf_counter() - started
    assert not report.failures, report.failures[:3]
    assert report.new_entries > 0, "the database held the corpus already"
    store.close()
    sizes.append(settled_size(root, name))
    return elapsed


Once = Callable[[bool, int, list[int]], float]


def compare(rounds: int, once: Once) -> dict[str, float]:
    """With and without the index, rounds alternating which goes first:
    medians of the times, and the databases' sizes."""
    times: dict[bool, list[float]] = {True: [], False: []}
    sizes: dict[bool, list[int]] = {True: [], False: []}
    for n in range(rounds):
        for indexed in (n % 2 == 0, n % 2 != 0):
            times[indexed].append(once(indexed, n, sizes[indexed]))
    with_index, without = statistics.median(times[True]), statistics.median(times[False])
    return {
        "with_index_s": round(with_index, 3),
        "without_index_s": round(without, 3),
        "ratio": round(with_index / without, 3),
        "with_index_mb": round(statistics.median(sizes[True]) / 1e6, 1),
        "without_index_mb": round(statistics.median(sizes[False]) / 1e6, 1),
    }


def ingest_figures(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, corpus_entries(Path(tmp)) as feeds:
        root = Path(tmp)
        urls = [path.as_uri() for path in sorted((root / "corpus" / "feeds").iterdir())]
        return {
            "entries": sum(len(entries) for _, entries in feeds),
            "store only": compare(rounds, lambda i, n, s: ingest_once(root, feeds, i, n, s)),
            "first refresh": compare(rounds, lambda i, n, s: refresh_once(root, urls, i, n, s)),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "trailtui-scale",
        help="where scale_db.py keeps its databases",
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--ingest-rounds", type=int, default=6)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN")
    parser.add_argument("--json", type=Path, default=HERE / "results-store-queries.json")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if not args.skip_queries:
        store = open_store(f"sqlite:///{database(args.dir)}")
        if args.plans:
            query_plans(store)
        results["queries"] = query_figures(store, args.runs)
        store.close()
        print(f"{'query':40} {'p50 ms':>8} {'p95 ms':>8}")
        for name, figure in results["queries"].items():
            print(f"{name:40} {figure['p50_ms']:8.2f} {figure['p95_ms']:8.2f}")
    if not args.skip_ingest:
        results["ingest"] = ingest_figures(args.ingest_rounds)
        figures = results["ingest"]
        for name in ("store only", "first refresh"):
            figure = figures[name]
            print(
                f"{name}, {figures['entries']:,} entries: {figure['with_index_s']} s with the "
                f"search index, {figure['without_index_s']} s without (x{figure['ratio']}); "
                f"database {figure['with_index_mb']} MB with, "
                f"{figure['without_index_mb']} MB without"
            )
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
