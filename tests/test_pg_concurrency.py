"""Two machines on one PostgreSQL database: two client processes, each with
its own copy of contacts.yaml, leave trails and drafts on the same posts at
the same time while a third process runs `trailtui fetch`. Nothing is lost,
nothing is doubled, and the counts add up."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from trailtui.store import open_store
from trailtui.store.models import DraftRow, EngagementRow, EntryRow, FeedRow

from .conftest import write_feed
from .feedserver import FeedServer

PEOPLE = 6
POSTS = 5  # per person, at first; the fetch during the run brings 2 more each
HANG_GUARD = 240  # seconds: a process that takes longer has hung


def world(folder: Path, server: FeedServer, posts: int) -> Path:
    """A contacts file with PEOPLE people, each with one feed of `posts` posts."""
    folder.mkdir(exist_ok=True)
    lines = ["version: 1", "contacts:"]
    for n in range(PEOPLE):
        slug = f"p{n}"
        feed = write_feed(folder / f"{slug}.rss", slug, [f"{slug} post {i}" for i in range(posts)])
        url = server.add_feed(slug, feed.read_bytes())
        lines += [f"  - name: Person {n}", f"    id: {slug}", f"    feeds: [{url}]"]
    contacts = folder / "contacts.yaml"
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return contacts


def client(name: str, contacts: str, url: str, ready: Any, go: Any, results: Any) -> None:
    """One machine: its own workspace; the posts it sees said `ready`; on `go`,
    a like, a comment and a draft on every one, and a snooze of every person."""
    from trailtui.workspace import open_workspace

    try:
        workspace = open_workspace(contacts, url)
    except BaseException as exc:
        results.put((name, repr(exc), 0))
        raise
    store = workspace.store
    with store.read() as session:
        entries = list(
            session.execute(
                select(EntryRow.id, FeedRow.contact_id).join(
                    FeedRow, EntryRow.feed_id == FeedRow.id
                )
            ).all()
        )
    ready.put(name)
    go.wait()
    try:
        liked = trails(name, store, entries)
    except BaseException as exc:
        results.put((name, repr(exc), 0))
        raise
    finally:
        workspace.close()
    results.put((name, len(entries), liked))


def trails(name: str, store: Any, entries: list[Any]) -> int:
    """One machine's trails and drafts; how many likes it was the first to leave."""
    from trailtui.store import drafts
    from trailtui.trail.kinds import Kind
    from trailtui.trail.service import leave_trail

    liked = 0
    for entry_id, contact_id in entries:
        liked += leave_trail(store, contact_id, Kind.LIKE, entry_id=entry_id).created
        leave_trail(store, contact_id, Kind.COMMENT, entry_id=entry_id, text=f"{name} {entry_id}")
        drafts.save_draft(
            store, draft_id=None, contact_id=contact_id, entry_id=entry_id, template=None,
            body=f"{name} writes",
        )  # fmt: skip
    for n in range(PEOPLE):
        leave_trail(store, f"p{n}", Kind.SNOOZE, text=f"{name} 2027-01-01")
    return liked


def test_two_machines_and_a_fetch_at_once(pg_url: str, server: FeedServer, tmp_path: Path) -> None:
    contacts = world(tmp_path / "server", server, POSTS)
    fetch = [sys.executable, "-m", "trailtui", "--contacts", str(contacts), "--db", pg_url]
    first = subprocess.run([*fetch, "fetch"], capture_output=True, text=True, timeout=HANG_GUARD)
    assert first.returncode == 0, first.stderr
    machines = {}
    for name in ("a", "b"):  # each its own config folder, the same ids
        folder = tmp_path / f"machine-{name}"
        shutil.copytree(tmp_path / "server", folder)
        machines[name] = folder / "contacts.yaml"
    world(tmp_path / "server", server, POSTS + 2)  # two new posts each, for the fetch
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Queue(), spawn.Event(), spawn.Queue()
    clients = [
        spawn.Process(target=client, args=(name, str(path), pg_url, ready, go, results))
        for name, path in machines.items()
    ]
    for process in clients:
        process.start()
    # Both machines have read the posts before the fetch starts (or they would
    # see some of its new ones); then all three go at once.
    assert sorted(ready.get(timeout=HANG_GUARD) for _ in clients) == ["a", "b"]
    fetching = subprocess.Popen(
        [*fetch, "fetch", "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    go.set()
    out, err = fetching.communicate(timeout=HANG_GUARD)
    reports = [results.get(timeout=HANG_GUARD) for _ in clients]
    for process in clients:
        process.join(HANG_GUARD)
    assert all(isinstance(count, int) for _, count, _ in reports), reports
    assert [process.exitcode for process in clients] == [0, 0]
    assert fetching.returncode == 0, err
    assert "0 failed" in out

    store = open_store(pg_url)
    try:
        with store.read() as session:
            entries = session.execute(select(EntryRow.feed_id, EntryRow.guid)).all()
            trail = session.execute(
                select(EngagementRow.kind, EngagementRow.entry_id, EngagementRow.text).where(
                    EngagementRow.undone_at.is_(None)
                )
            ).all()
            open_drafts = session.execute(
                select(DraftRow.contact_id, DraftRow.entry_id, func.count())
                .where(DraftRow.status == "open")
                .group_by(DraftRow.contact_id, DraftRow.entry_id)
            ).all()
    finally:
        store.close()
    seen = {name: count for name, count, _ in reports}  # or the error a client met
    assert seen == {"a": PEOPLE * POSTS, "b": PEOPLE * POSTS}  # the posts before the fetch
    # The fetch's new posts are there, each once.
    assert len(entries) == len(set(entries)) == PEOPLE * (POSTS + 2)
    likes = Counter(entry for kind, entry, _ in trail if kind == "like")
    assert set(likes.values()) == {1} and len(likes) == PEOPLE * POSTS  # one like per post
    assert sum(liked for _, _, liked in reports) == PEOPLE * POSTS  # each made by one client
    comments = {text for kind, _, text in trail if kind == "comment"}
    assert len(comments) == 2 * PEOPLE * POSTS  # every comment of both, none lost
    snoozes = Counter(text.split()[0] for kind, _, text in trail if kind == "snooze" and text)
    assert snoozes == {"a": PEOPLE, "b": PEOPLE}
    assert len(open_drafts) == PEOPLE * POSTS  # one open draft per person and post
    assert {count for _, _, count in open_drafts} == {1}
