"""One post, shown once: a feed whose redirect ends at another listed feed of
the same person stores nothing of its own (real server, real SQLite file)."""

from __future__ import annotations

from pathlib import Path

from trailtui.contacts import parse_contacts
from trailtui.contacts.rows import sync_contacts
from trailtui.feeds.decide import Result
from trailtui.feeds.http import FetchLimits
from trailtui.feeds.refresh import refresh
from trailtui.store import Store, open_store, queries

from .feedserver import FeedServer

LIMITS = FetchLimits(connect_timeout=10.0, read_timeout=10.0, deadline=5.0)


def synced(tmp_path: Path, people: dict[str, list[str]]) -> Store:
    lines = ["version: 1", "contacts:"]
    for name, feeds in people.items():
        lines += [f"  - name: {name}", "    feeds:"] + [f'      - "{url}"' for url in feeds]
    store = open_store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    book = parse_contacts("\n".join(lines) + "\n", name="contacts.yaml", base_dir=tmp_path)
    sync_contacts(store, book)
    return store


def test_a_feed_leading_to_another_listed_feed_is_stored_once(
    tmp_path: Path, server: FeedServer
) -> None:
    old, new = server.url("/redirect-301"), server.url("/feeds/rss")
    store = synced(tmp_path, {"Ada": [old, new], "Bo": [old]})

    report = refresh(store, force=True, limits=LIMITS)

    outcomes = {(o.feed_id, o.url): o for o in report.outcomes}
    assert all(o.result is Result.UPDATED for o in outcomes.values()), outcomes
    titles = [e.title for e in queries.merged_feed(store, contact_id="ada")]
    assert len(titles) == 3 and len(set(titles)) == 3, titles
    leading = [o for o in report.outcomes if o.url == old and o.moved_to == new]
    said = sorted((o.new, o.warning is not None) for o in leading)
    # Ada's old address: nothing stored, and said why; Bo lists only the old
    # one, so Bo's copy is the only one Bo has.
    assert said == [(0, True), (3, False)], said
    assert all("listed too" in (o.warning or "") for o in leading if o.new == 0)
    assert len(queries.merged_feed(store, contact_id="bo")) == 3


def test_a_redirect_to_an_unlisted_feed_keeps_its_entries(
    tmp_path: Path, server: FeedServer
) -> None:
    store = synced(tmp_path, {"Ada": [server.url("/redirect-301"), server.url("/feeds/atom")]})

    report = refresh(store, force=True, limits=LIMITS)

    assert sorted(o.new for o in report.outcomes) == [2, 3]
    assert all(o.warning is None for o in report.outcomes)
