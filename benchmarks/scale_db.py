#!/usr/bin/env python3
"""A trailtui database at scale (and a newsboat cache of the same size).

    python benchmarks/scale_db.py DIR              # 300 contacts, 1,000 feeds, 100,000 entries
    python benchmarks/scale_db.py DIR --entries 15 --feeds 5 --contacts 5
    python benchmarks/scale_db.py DIR --newsboat   # also the newsboat cache

`build` writes a valid contacts.yaml (tiers, circles, tags, cadences varied;
some contacts with no feed) and a database made the way trailtui makes one:
`open_workspace` creates, migrates and syncs it from that file (so the
contacts fingerprint is stored and a launch does not parse the file again).
Entries are then inserted in bulk: titles, authors, HTML content of a few
paragraphs, dates over two years, some read, some starred, some trails in
`engagement`. Every feed is on 127.0.0.1 port 9 (nothing listens there: a
refresh fails at once) and was last fetched successfully; its next fetch is
far in the future, so a launch finds nothing due unless the caller says so
(`make_due`).

Results are cached by their parameters under DIR: a second call with the
same ones reuses the files. Runs in the project's virtualenv (it uses
trailtui's own workspace and store).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))


def _words(text: str) -> list[str]:
    return text.split()


LAYOUT = 1  # bump when what `build` writes changes, so old caches are not reused
# Fixed "now" of the generated data, so a seed gives the same database any day.
ANCHOR = int(datetime(2025, 6, 1, 9, 0, tzinfo=UTC).timestamp())
TWO_YEARS = 2 * 365 * 86400
FAR_FUTURE = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
CLOSED_PORT = 9  # discard: nothing listens on loopback, a fetch is refused at once

FIRST = _words("""Ada Alan Grace Linus Margaret Ken Barbara José Zoë Siobhán Björn Ngozi
Aiko Priya Mateus Søren Chloé Dmitri Fatima Hiroshi Ingrid Kwame Leilani Mei
Nikolai Olga Pedro Rania Tomás Yuki Émile Astrid Bao Chidi Dalia Elif Farhan
Gustavo Hana Ivan Jana Kofi Lucía Marek Noor Pablo Qiu Rosa Sanjay Tove""")
LAST = _words("""Lovelace Hopper O'Brien Núñez Müller Okafor Tanaka Sharma Silva Adeyemi
Kristensen Dubois Ivanov Haddad Nakamura Larsen Mensah Kahale Chen Petrov
Kowalski García Nasser Fernández Sato Lefèvre Andersson Nguyen Eze Aziz Öztürk
Rahman MacLeod Novak Costa Berg Moreau Schmidt Takahashi Horvat""")
WORDS = _words("""able access action after again agent algorithm almost analysis answer
api approach array async backup balance battery benchmark better binary branch
bridge browser buffer build bundle cache camera careful change channel cheap
circle clean client cloud cluster code coffee column command compile config
container context core cost crash cursor data database debug default deploy
design device disk domain edge editor effort empty engine error event example
fast feature field file filter final focus folder format frame garden graph
group guide handle header heavy history home hook idea image index input issue
journey kernel language layer layout leak library light limit link local log
loop machine memory merge message method migrate mobile model module morning
network night node note number object offline option order output package page
panel parse patch path pattern people pipeline plain plan policy pool port
power process profile project proxy query queue quiet random reader record
release remote render repair report request result review river route rule
runtime sample scale schema screen script search server service session shell
signal simple socket source space speed stable stack state storage stream style
switch system table task team terminal test thread token tool topic trace train
tree update upgrade value version video view village walk watch window winter
worker""")
TITLES = [
    "How we {v} our {n}",
    "Notes on {n} and {n}",
    "Why the {n} is {a}",
    "{k} {n}s in {k} lines of {l}",
    "Release {k}.{k}.{k}",
    "Weekly links #{k}",
    "A {a} look at {n}",
    "{k} things I learned about {n}",
    "Debugging a {a} {n} in {l}",
    "Moving the {n} to {l}",
    "On {n}, {n} and {n}",
    "Field report: {n} {n}",
]
ADJECTIVES = _words("slow quiet broken simple strange tiny fast stubborn careful cheap lazy")
VERBS = _words("rebuilt profiled migrated simplified rewrote tested deleted cached sharded")
LANGS = ["Python", "Rust", "Go", "C", "Lua", "Zig", "shell", "SQL", "Haskell"]
CIRCLES = ["values", "relevance-now", "work", "research", "community", "old-friends"]
TAGS = _words("""ml databases typography rust python design security i18n devops writing
open-source teaching hardware climate music""")
CADENCES = ["12h", "3d", "7d", "10d", "2w", "3w", "1mo", "2mo"]
_SENTENCE_END = re.compile(r"[.?!]")
KINDS = ["like", "comment", "share", "endorse", "help", "thanks", "report_back", "note"]


class ScalePaths(NamedTuple):
    contacts_yaml: Path
    db: Path


class NewsboatPaths(NamedTuple):
    cache: Path
    urls: Path


def build(
    directory: Path,
    *,
    contacts: int = 300,
    feeds: int = 1000,
    entries: int = 100_000,
    seed: int = 0,
) -> ScalePaths:
    """The contacts file and database for these parameters (made once, then reused)."""
    target = directory / _name(contacts, feeds, entries, seed)
    paths = ScalePaths(target / "contacts.yaml", target / "trailtui.sqlite3")
    if (target / "done.json").exists():
        return paths
    if target.exists():
        shutil.rmtree(target)  # a build that did not finish
    target.mkdir(parents=True)
    rng = random.Random(seed)
    people = _people(rng, contacts, feeds)
    paths.contacts_yaml.write_text(_contacts_yaml(people), encoding="utf-8")
    from trailtui.workspace import open_workspace

    workspace = open_workspace(paths.contacts_yaml, f"sqlite:///{paths.db}")
    try:
        if workspace.problems:
            raise RuntimeError(f"generated contacts are not valid: {workspace.problems[:3]}")
    finally:
        workspace.close()
    _fill(paths.db, rng, entries)
    (target / "done.json").write_text(
        json.dumps({"contacts": contacts, "feeds": feeds, "entries": entries, "seed": seed})
    )
    return paths


def make_due(db: Path) -> None:
    """Every feed due now and never failed: a launch then starts a refresh of all
    of them (refused at once: they are on a closed loopback port)."""
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE feed SET next_fetch_at = 0, failures = 0, last_error = NULL")


def make_not_due(db: Path) -> None:
    """Every feed fetched a moment ago: a launch finds nothing to refresh."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE feed SET next_fetch_at = ?, failures = 0, last_error = NULL", (FAR_FUTURE,)
        )


def newest_titles(db: Path, count: int = 5) -> list[str]:
    """The titles at the top of the merged feed (newest first)."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT entry.title FROM entry JOIN feed ON feed.id = entry.feed_id "
            "JOIN contact ON contact.id = feed.contact_id "
            "WHERE feed.active AND NOT contact.archived "
            "ORDER BY entry.sort_ts DESC, entry.id DESC LIMIT ?",
            (count,),
        ).fetchall()
    return [title for (title,) in rows]


def newsboat_cache(
    directory: Path,
    *,
    contacts: int = 300,
    feeds: int = 1000,
    entries: int = 100_000,
    seed: int = 0,
) -> NewsboatPaths:
    """A newsboat cache.db and urls file holding what `build` puts in the
    trailtui database (same feeds, same entries, same read marks)."""
    scale = build(directory, contacts=contacts, feeds=feeds, entries=entries, seed=seed)
    target = scale.db.parent / "newsboat"
    paths = NewsboatPaths(target / "cache.db", target / "urls")
    if (target / "done.json").exists():
        return paths
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    source = sqlite3.connect(scale.db)
    feed_rows = source.execute(
        "SELECT id, url, title FROM feed WHERE active ORDER BY id"
    ).fetchall()
    paths.urls.write_text("".join(f"{url}\n" for _, url, _ in feed_rows), encoding="utf-8")
    _newsboat_schema(paths.cache)
    cache = sqlite3.connect(paths.cache)
    with cache:
        cache.execute("DELETE FROM rss_item")
        cache.execute("DELETE FROM rss_feed")
        cache.executemany(
            "INSERT INTO rss_feed (rssurl, url, title, lastmodified) VALUES (?, ?, ?, ?)",
            [(url, url.rsplit("/", 1)[0], title or url, ANCHOR) for _, url, title in feed_rows],
        )
        items = source.execute(
            "SELECT entry.guid, entry.title, coalesce(entry.author, ''), coalesce(entry.link, ''),"
            " feed.url, entry.sort_ts, coalesce(entry.content, ''), entry.read_at IS NULL,"
            " CASE WHEN entry.starred THEN 's' ELSE '' END"
            " FROM entry JOIN feed ON feed.id = entry.feed_id ORDER BY entry.id"
        )
        cache.executemany(
            "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread,"
            " flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            items,
        )
    cache.execute("ANALYZE")
    cache.close()
    source.close()
    (target / "done.json").write_text(json.dumps({"feeds": len(feed_rows)}))
    return paths


def _name(contacts: int, feeds: int, entries: int, seed: int) -> str:
    """The cache's folder: these parameters, this layout, trailtui's schema version."""
    from trailtui.store.migrations import SCHEMA_VERSION

    return f"scale-v{LAYOUT}-db{SCHEMA_VERSION}-c{contacts}-f{feeds}-e{entries}-s{seed}"


def _people(rng: random.Random, contacts: int, feeds: int) -> list[dict[str, object]]:
    """Contacts with their feeds spread unevenly; about one in ten has none."""
    people: list[dict[str, object]] = []
    for index in range(contacts):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        person: dict[str, object] = {"name": name, "id": f"p{index:04d}", "feeds": []}
        if rng.random() < 0.75:
            person["tier"] = rng.choice("ABC")
        person["circles"] = rng.sample(CIRCLES, rng.randint(0, 2))
        person["tags"] = rng.sample(TAGS, rng.randint(0, 3))
        if rng.random() < 0.3:
            person["cadence"] = rng.choice(CADENCES)
        if rng.random() < 0.1:
            person["max_cadence"] = "3mo"
        if rng.random() < 0.05:
            person["snooze_until"] = "2026-09-01"
        person["why"] = _sentence(rng)
        if rng.random() < 0.5:
            person["help"] = _sentence(rng)
        people.append(person)
    with_feeds = [p for p in people if rng.random() >= 0.1] or people[:1]
    for index in range(feeds):
        owner = with_feeds[index] if index < len(with_feeds) else rng.choice(with_feeds)
        owned = owner["feeds"]
        assert isinstance(owned, list)
        owned.append(f"http://127.0.0.1:{CLOSED_PORT}/{owner['id']}/feed-{index:05d}.xml")
    return people


def _contacts_yaml(people: list[dict[str, object]]) -> str:
    """The file, with every string JSON-quoted (valid YAML, any character)."""
    lines = [
        "# trailtui at scale: generated by benchmarks/scale_db.py",
        "version: 1",
        "settings:",
        "  default_cadence: 14d",
        "  tier_cadences: {A: 7d, B: 21d, C: 60d}",
        "  refresh_every: 2h",
        "contacts:",
    ]
    for person in people:
        lines.append(f"  - name: {json.dumps(person['name'])}")
        for key in ("id", "tier", "cadence", "max_cadence", "snooze_until", "why", "help"):
            if key in person:
                lines.append(f"    {key}: {json.dumps(person[key])}")
        for key in ("circles", "tags"):
            values = person[key]
            assert isinstance(values, list)
            if values:
                lines.append(f"    {key}: {json.dumps(values)}")
        owned = person["feeds"]
        assert isinstance(owned, list)
        if owned:
            lines.append("    feeds:")
            lines.extend(f"      - {json.dumps(url)}" for url in owned)
    return "\n".join(lines) + "\n"


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 16))
    return " ".join(words).capitalize() + rng.choice(".?!.")


def _title(rng: random.Random) -> str:
    template = rng.choice(TITLES)
    fields = {"n": WORDS, "a": ADJECTIVES, "v": VERBS, "l": LANGS}
    out = []
    for part in template.split("{"):
        if "}" in part:
            key, rest = part.split("}", 1)
            value = str(rng.randint(2, 99)) if key == "k" else rng.choice(fields[key])
            out.append(value + rest)
        else:
            out.append(part)
    return "".join(out)


def _fill(db: Path, rng: random.Random, entries: int) -> None:
    """Entries, read marks, stars and trails, inserted in bulk; feeds as fetched."""
    paragraphs = [
        "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) + "</p>"
        for _ in range(2000)
    ]
    # trailtui's own connection: whatever it sets up on each connection (SQL
    # functions its triggers call) applies to the bulk insert too.
    from trailtui.store import open_store

    store = open_store(f"sqlite:///{db}")
    raw = store.engine.raw_connection()
    connection = raw.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    feeds = connection.execute(
        "SELECT feed.id, feed.url, feed.contact_id, contact.name FROM feed "
        "JOIN contact ON contact.id = feed.contact_id ORDER BY feed.id"
    ).fetchall()
    # Some feeds post much more than others.
    weights = [rng.paretovariate(1.2) for _ in feeds]
    owners = rng.choices(range(len(feeds)), weights=weights, k=entries)
    rows = []
    trails = []
    for number, owner in enumerate(owners, start=1):
        feed_id, url, contact_id, author = feeds[owner]
        published = ANCHOR - int(TWO_YEARS * rng.random() ** 1.5)  # more posts lately
        title = _title(rng)
        content = "".join(rng.sample(paragraphs, rng.randint(2, 5)))
        summary = content[3 : _SENTENCE_END.search(content).end()]  # type: ignore[union-attr]
        age = ANCHOR - published
        read_at = published + 3600 if age > 30 * 86400 and rng.random() < 0.7 else None
        starred = rng.random() < 0.02
        rows.append(
            (
                number,
                feed_id,
                f"{url}#{number}",
                f"https://{contact_id}.example.org/posts/{number}",
                title,
                author,
                published,
                None,
                summary,
                content,
                hashlib.sha256(content.encode()).hexdigest(),
                published + 600,
                published,
                read_at,
                starred,
            )
        )
        if rng.random() < 0.01:
            kind = rng.choice(KINDS)
            trails.append(
                (contact_id, number, kind, None if kind == "like" else _sentence(rng), published)
            )
    connection.execute("BEGIN")  # trailtui's connections issue BEGIN themselves
    connection.executemany(
        "INSERT INTO entry (id, feed_id, guid, link, title, author, published_at,"
        " updated_at, summary, content, content_hash, first_seen_at, sort_ts, read_at,"
        " starred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.executemany(
        "INSERT INTO engagement (contact_id, entry_id, kind, text, created_at, marked_read)"
        " VALUES (?, ?, ?, ?, ? + 7200, 0)",
        trails,
    )
    connection.executemany(
        "UPDATE feed SET title = ?, last_fetch_at = ?, last_success_at = ?,"
        " last_status = 200, content_hash = ?, etag = ?, next_fetch_at = ? WHERE id = ?",
        [
            (
                f"{name}'s notes",
                ANCHOR,
                ANCHOR,
                f"{feed_id:064x}",
                f'"{feed_id}"',
                FAR_FUTURE,
                feed_id,
            )
            for feed_id, _, _, name in feeds
        ],
    )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    store.close()


def _newsboat_schema(cache: Path) -> None:
    """An empty cache with newsboat's own schema: newsboat creates it (one
    refused loopback feed), so it matches the installed version."""
    if shutil.which("newsboat") is None:
        raise RuntimeError("newsboat is not installed (apt-get install -y newsboat)")
    with tempfile.TemporaryDirectory(prefix="scale-newsboat-") as state:
        urls = Path(state) / "urls"
        urls.write_text(f"http://127.0.0.1:{CLOSED_PORT}/schema.xml\n")
        config = Path(state) / "config"
        config.write_text("")
        subprocess.run(
            ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"],
            env={"HOME": state, "PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=True,
            timeout=60,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--newsboat", action="store_true", help="also write the newsboat cache")
    options = parser.parse_args()
    sizes = {
        "contacts": options.contacts,
        "feeds": options.feeds,
        "entries": options.entries,
        "seed": options.seed,
    }
    paths = build(options.directory, **sizes)
    print(f"contacts {paths.contacts_yaml}\ndb       {paths.db}")
    if options.newsboat:
        nb = newsboat_cache(options.directory, **sizes)
        print(f"newsboat {nb.cache}\nurls     {nb.urls}")


if __name__ == "__main__":
    main()
