"""What the commands print for 0, 1 and 2 of a thing, their exit codes, and a light start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from trailtui.cli import main
from trailtui.text import plural

from .conftest import write_feed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_plural() -> None:
    assert [plural(n, "feed") for n in (0, 1, 2)] == ["0 feeds", "1 feed", "2 feeds"]
    assert [plural(n, "entry", "entries") for n in (0, 1, 2)] == [
        "0 entries",
        "1 entry",
        "2 entries",
    ]


def people(tmp_path: Path, count: int) -> Path:
    """A contacts file with `count` people, each with one local feed of one entry."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    lines = ["version: 1", "contacts:" if count else "contacts: []"]
    for n in range(count):
        write_feed(feeds / f"p{n}.rss", f"p{n}", [f"Post by {n}"])
        lines += [f"  - name: Person {n}", f"    feeds: [feeds/p{n}.rss]"]
    path = tmp_path / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("count", "contacts", "feeds", "entries", "trail"),
    [
        (0, "0 contacts", "0 feeds", "0 entries", "0 trail entries"),
        (1, "1 contact", "1 feed", "1 entry", "1 trail entry"),
        (2, "2 contacts", "2 feeds", "2 entries", "2 trail entries"),
    ],
)
def test_counts_are_worded_for_0_1_and_2(
    tmp_path: Path, count: int, contacts: str, feeds: str, entries: str, trail: str
) -> None:
    from trailtui.store.writes import add_engagement
    from trailtui.workspace import open_workspace

    path = people(tmp_path, count)
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    options = ["--contacts", str(path), "--db", db]

    code, out, _ = run("contacts", "check", *options)
    assert code == 0 and out == f"{path}: OK, {contacts}, {feeds}.\n"

    code, out, err = run("fetch", *options)
    assert code == 0, err
    if count:
        assert out.startswith(f"{feeds} in ")
        assert f" s: {entries.replace(' ', ' new ', 1)}, 0 updated; " in out
        assert f"Fetching {feeds}..." in err
    else:
        assert out == "" and "No feeds are due" in err

    workspace = open_workspace(path, db)
    for n in range(count):
        add_engagement(workspace.store, f"person-{n}", "like", at=1_700_000_000 + n)
    workspace.close()

    code, out, _ = run("stats", *options)
    assert code == 0
    assert out == (
        f"{contacts} (0 archived), {feeds} (0 failing), {entries} ({count} unread), {trail}.\n"
        f"0 due, {count} overdue, 0 never touched; today 0 of 3 trails, streak 0 days.\n"
    )

    code, out, _ = run("doctor", *options)
    assert code == 0, out
    assert f"OK, {contacts}, {feeds}\n" in out

    code, _, err = run("export", "--format", "json", "--out", str(tmp_path / "t.json"), *options)
    assert code == 0 and err == f"Wrote {trail} to {tmp_path / 't.json'}.\n"
    code, _, err = run("export", "--opml", "--out", str(tmp_path / "f.opml"), *options)
    assert code == 0 and err == f"Wrote {feeds} of {contacts} to {tmp_path / 'f.opml'}.\n"


@pytest.mark.parametrize(("count", "summary"), [(1, "1 problem found."), (2, "2 problems found.")])
def test_problems_are_counted(tmp_path: Path, count: int, summary: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\ncontacts:\n" + "".join(f"  - nam: x\n    name: y{n}\n" for n in range(count))
    )
    code, out, err = run("contacts", "check", str(bad))
    assert code == 1 and out == ""
    assert err.splitlines()[-1] == summary
    code, out, _ = run("doctor", "--contacts", str(bad), "--db", f"sqlite:///{tmp_path / 'd'}")
    assert code == 1
    assert f"Contacts: {bad}: {summary.removesuffix(' found.')}\n" in out


def test_doctor_says_how_many_feeds_need_attention(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for gone, line in ((1, "1 needs attention:"), (2, "2 need attention:")):
        feeds = ", ".join(f"gone{n}.rss" for n in range(gone))
        path.write_text(f"version: 1\ncontacts:\n  - name: Ada\n    feeds: [{feeds}]\n")
        run("fetch", "--contacts", str(path), "--db", db)
        code, out, _ = run("doctor", "--contacts", str(path), "--db", db)
        assert code == 1
        assert f"Feeds: {gone} checked, {line}" in out
        assert out.endswith(f"\n{plural(gone, 'problem')} found.\n")


@pytest.mark.parametrize(
    "command",
    [["fetch"], ["stats"], ["doctor"], ["export", "--format", "csv"], ["import", "x.opml"]],
    ids=" ".join,
)
def test_an_unusable_database_exits_1_without_a_traceback(
    command: list[str], small_world: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 1000)
    opml = Path(__file__).parent / "fixtures" / "import" / "subscriptions.opml"
    args = [str(opml) if arg == "x.opml" else arg for arg in command]
    code, out, err = run(*args, "--contacts", str(small_world), "--db", f"sqlite:///{junk}")
    if command[0] == "import":  # imports never open the database
        assert code == 0, err
    else:
        assert code == 1 and "cannot open database" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "command",
    [
        ["--no-such-option"],
        ["fetch", "--no-such-option"],
        ["contacts", "check", "--no-such-option"],
        ["contacts", "add"],
        ["contacts", "nope"],
        ["stats", "extra"],
        ["doctor", "--json"],
        ["import"],
        ["import", "x", "--format", "xml"],
        ["export", "--format", "pdf"],
        ["nope"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_2(command: list[str]) -> None:
    code, out, err = run(*command)
    assert code == 2
    assert "Usage:" in err and "Traceback" not in out + err


def test_user_errors_exit_1(small_world: Path, tmp_path: Path) -> None:
    cases = [
        ["import", str(tmp_path / "missing.opml")],
        ["export", "--opml", "--out", str(tmp_path / "no" / "dir" / "x.opml")],
        ["contacts", "check", str(tmp_path)],
        ["contacts", "add", "Bo Lind", "--no-check"],
    ]
    for args in cases:
        code, out, err = run(*args, "--contacts", str(small_world))
        assert code == 1, args
        assert err and "Traceback" not in out + err


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from trailtui.cli import main\n"
        "heavy = ('yaml', 'pydantic', 'sqlalchemy', 'textual', 'aiohttp', 'lxml', 'feedparser')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    result = subprocess.run(
        [sys.executable, "-m", "trailtui", "fetch", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usage:" in result.stdout and "--contacts" in result.stdout
