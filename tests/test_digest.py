"""`trailtui digest` (golden text and JSON on a fixed clock), the stats it
shares with `trailtui stats`, and `trailtui export` narrowed by person and
dates, read back (round trips)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from trailtui.cli import main
from trailtui.store import open_store, queries, writes
from trailtui.store.models import DraftRow
from trailtui.trail.cadence import DAY

from .test_today import NOW, fixed_time, world

__all__ = ["fixed_time"]  # the fixed clock and UTC, for every test here

GOLDEN = Path(__file__).parent / "fixtures" / "digest"
UPDATE = (
    os.environ.get("TRAILTUI_UPDATE_GOLDEN") == "1"
)  # rewrite the files after a deliberate change


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def digest_world(tmp_path: Path) -> list[str]:
    """The Today world (Ada overdue with posts, Bo due without, Cy fresh), a
    never-touched person, an open draft; the CLI's options for it."""
    contacts = world(tmp_path, goal=2)
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text + "  - name: Eve New\n    id: eve\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    store = open_store(db)
    try:
        writes.add_engagement(store, "cy", "comment", at=NOW - 3600, text="Lovely")  # today
        writes.add_engagement(store, "cy", "like", at=NOW - DAY - 3600)  # yesterday
        writes.add_engagement(store, "cy", "thanks", at=NOW - DAY - 7200)
        writes.add_engagement(store, "ada", "note", at=NOW - 600, text="not a touch")
        with store.write() as session:
            session.execute(
                insert(DraftRow).values(
                    contact_id="bo",
                    body="Dear Bo",
                    created_at=NOW - 3 * DAY,
                    updated_at=NOW - 2 * DAY,
                    status="open",
                )
            )
    finally:
        store.close()
    return ["--contacts", str(contacts), "--db", db]


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_digest_as_text(digest_world: list[str]) -> None:
    code, out, err = run(*digest_world, "digest")
    assert code == 0, err
    golden("digest.txt", out)


def test_the_digest_as_json_has_stable_keys_and_says_never(digest_world: list[str]) -> None:
    code, out, err = run("digest", "--json", *digest_world)
    assert code == 0, err
    golden("digest.json", out)
    found = json.loads(out)
    assert list(found) == ["at", "today", "due", "drafts"]
    assert found["today"] == {"trails": 1, "goal": 2, "met": False, "streak": 1}
    by_id = {person["id"]: person for person in found["due"]}
    assert by_id["eve"]["last_touch"] == "never" and by_id["eve"]["health"] == "never"
    assert by_id["ada"]["health"] == "overdue" and len(by_id["ada"]["fresh_posts"]) == 2
    assert "cy" not in by_id  # fresh
    assert [d["contact_id"] for d in found["drafts"]] == ["bo"]


def test_the_digest_without_a_contacts_file_still_exits_0(
    digest_world: list[str], tmp_path: Path
) -> None:
    (tmp_path / "contacts.yaml").write_text("version: 1\ncontacts: [oops\n", encoding="utf-8")
    code, out, err = run(*digest_world, "digest")
    assert code == 0
    assert "the digest is from the database alone" in err
    assert "Today: 1 of 3 trails" in out  # the default goal


def test_stats_adds_who_is_due_and_the_streak(digest_world: list[str]) -> None:
    code, out, _ = run(*digest_world, "stats")
    assert code == 0
    assert "1 due, 1 overdue, 1 never touched; today 1 of 2 trails, streak 1 day." in out
    code, out, _ = run(*digest_world, "stats", "--json")
    found = json.loads(out)
    assert {k: found[k] for k in ("due", "overdue", "never", "today", "goal", "streak")} == {
        "due": 1,
        "overdue": 1,
        "never": 1,
        "today": 1,
        "goal": 2,
        "streak": 1,
    }


def test_every_new_option_has_help() -> None:
    for args in (["digest"], ["export"]):
        code, out, _ = run(*args, "--help")
        assert code == 0 and "Usage:" in out
    assert "--person" in run("export", "--help")[1] and "--json" in run("digest", "--help")[1]


# ---- export, narrowed -----------------------------------------------------------


def exported(options: list[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(*options, "export", "--format", "json", *args)
    assert code == 0, err
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_export_by_person_and_days_round_trips(digest_world: list[str], tmp_path: Path) -> None:
    everything = exported(digest_world)
    store = open_store(digest_world[-1])
    try:
        assert [r["id"] for r in everything] == [t.id for t in queries.full_trail(store)]
    finally:
        store.close()
    cy = exported(digest_world, "--person", "cy")
    assert cy == [r for r in everything if r["contact_id"] == "cy"] and len(cy) == 4
    # 2026-11-30 is yesterday: Cy's thanks, like and thanks at 07:00, 08:00, 09:00 UTC.
    yesterday = exported(digest_world, "--since", "2026-11-30", "--until", "2026-11-30")
    assert [(r["contact_id"], r["kind"], r["at"]) for r in yesterday] == [
        ("cy", "thanks", "2026-11-30T07:00:00Z"),
        ("cy", "like", "2026-11-30T08:00:00Z"),
        ("cy", "thanks", "2026-11-30T09:00:00Z"),
    ]
    since_today = exported(digest_world, "--since", "2026-12-01")
    assert {r["kind"] for r in since_today} == {"comment", "note"}
    until = exported(digest_world, "--until", "2026-11-29")
    assert until == [r for r in everything if str(r["at"]) < "2026-11-30"]
    assert len(until) + len(yesterday) + len(since_today) == len(everything)
    # CSV says the same rows.
    code, out, _ = run(*digest_world, "export", "--format", "csv", "--person", "cy")
    assert code == 0
    assert [row["id"] for row in csv.DictReader(io.StringIO(out))] == [str(r["id"]) for r in cy]


def test_export_filters_say_what_is_wrong(digest_world: list[str]) -> None:
    code, _, err = run(*digest_world, "export", "--format", "json", "--person", "nobody")
    assert code == 1 and "no contact has the id 'nobody'" in err
    code, _, err = run(*digest_world, "export", "--opml", "--person", "cy")
    assert code == 2 and "not OPML" in err
    code, _, err = run(
        *digest_world,
        "export",
        "--format",
        "json",
        "--since",
        "2026-12-02",
        "--until",
        "2026-12-01",
    )
    assert code == 2 and "before --since" in err
    code, _, err = run(*digest_world, "export", "--format", "json", "--since", "yesterday")
    assert code == 2 and "yesterday" in err
