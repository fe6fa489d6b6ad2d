"""The command line, run as a user would (real files, real database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from trailtui.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help() -> None:
    commands: tuple[list[str], ...] = (
        [], ["fetch"], ["contacts"], ["contacts", "check"], ["contacts", "add"], ["stats"],
        ["doctor"], ["import"], ["export"], ["digest"], ["db"], ["db", "info"], ["db", "copy"],
    )  # fmt: skip
    for args in commands:
        code, out, _ = run(*args, "--help")
        assert code == 0 and "Usage:" in out


def test_contacts_check_ok_and_errors(small_world: Path, tmp_path: Path) -> None:
    code, out, _ = run("contacts", "check", str(small_world))
    assert code == 0
    assert "OK, 3 contacts, 2 feeds (1 contact without feeds)." in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncontacts:\n  - name: A\n    cadense: 7d\n  - id: x\n")
    code, out, err = run("contacts", "check", str(bad))
    assert code == 1
    assert f"{bad}:4:5: contacts[0]: unknown key 'cadense'; did you mean 'cadence'?" in err
    assert f"{bad}:5:5: contacts[1]: missing required key 'name'" in err
    assert "2 problems found." in err
    assert "Traceback" not in out + err


def test_contacts_check_honours_env(small_world: Path) -> None:
    code, out, _ = run("contacts", "check", env={"TRAILTUI_CONTACTS": str(small_world)})
    assert code == 0 and str(small_world) in out


def test_fetch_then_stats_json(small_world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    code, out, err = run("--contacts", str(small_world), "--db", db, "fetch")
    assert code == 0, err
    assert "2 feeds in" in out and "4 new entries" in out and "0 failed" in out
    code, out, _ = run("--contacts", str(small_world), "--db", db, "fetch")
    assert "No feeds are due" in out + _
    code, out, _ = run(
        "stats", "--json", env={"TRAILTUI_CONTACTS": str(small_world), "TRAILTUI_DB": db}
    )
    stats = json.loads(out)
    assert stats == {
        "contacts": 3,
        "archived_contacts": 0,
        "feeds": 2,
        "entries": 4,
        "unread": 4,
        "engagements": 0,
        "failing_feeds": 0,
        # who is due, today's trails and the streak (trail.stats.RhythmCounts)
        "due": 0,
        "overdue": 0,
        "never": 3,
        "today": 0,
        "goal": 3,
        "streak": 0,
    }
    assert all(isinstance(v, int) for v in stats.values())


def test_fetch_reports_failures_with_url_and_reason(small_world: Path, tmp_path: Path) -> None:
    small_world.write_text(
        small_world.read_text() + "  - name: Gone\n    feeds: [feeds/missing.rss]\n"
    )
    code, out, _ = run(
        "--contacts", str(small_world), "--db", f"sqlite:///{tmp_path / 'd.db'}", "fetch"
    )
    assert code == 0
    assert "1 failed" in out
    assert "missing.rss (Gone): no such file" in out


def test_fetch_with_broken_contacts_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("contacts: [\n")
    code, _, err = run("--contacts", str(bad), "--db", f"sqlite:///{tmp_path / 'd.db'}", "fetch")
    assert code == 1 and "not valid YAML" in err and "Traceback" not in err


def test_unusable_database_exits_1(small_world: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 1000)
    code, _, err = run("--contacts", str(small_world), "--db", f"sqlite:///{junk}", "stats")
    assert code == 1 and "cannot open database" in err


def test_usage_error_exits_2() -> None:
    code, _, _ = run("fetch", "--no-such-option")
    assert code == 2


def test_demo_fetch_works_offline() -> None:
    code, out, err = run("--demo", "fetch")
    assert code == 0, err
    assert "0 failed" in out


@pytest.mark.parametrize(
    "entry",
    [
        ["-m", "trailtui"],
        ["-c", "from trailtui.cli import main; main()"],
        ["-c", "from trailtui.cli import run; run()"],
    ],
)
def test_python_dash_m_works(entry: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *entry, "--version"], capture_output=True, text=True, check=True
    )
    assert "trailtui, version" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [(["--demo", "fetch"], 0, "0 failed"), (["fetch", "--no-such-option"], 2, "")],
)
def test_the_command_keeps_output_and_exit_code(args: list[str], code: int, expected: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trailtui", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == code, result.stderr
    assert expected in result.stdout


def test_doctor_healthy_then_lists_problems_with_fixes(small_world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'doc.sqlite3'}"
    run("--contacts", str(small_world), "--db", db, "fetch")
    code, out, _ = run("--contacts", str(small_world), "--db", db, "doctor")
    assert code == 0, out
    assert "OK, 3 contacts, 2 feeds" in out and "2 checked, all healthy" in out

    small_world.write_text(
        small_world.read_text() + "  - name: Gone\n    feeds: [feeds/missing.rss]\n"
    )
    run("--contacts", str(small_world), "--db", db, "fetch")
    code, out, _ = run("--contacts", str(small_world), "--db", db, "doctor")
    assert code == 1
    assert "3 checked, 1 needs attention:" in out and "1 problem found." in out
    assert "Gone: file://" in out and "missing.rss" in out
    assert "problem: no such file" in out
    assert "fix:     fix the path in contacts.yaml" in out


def test_doctor_reports_a_broken_contacts_file(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("version: 1\ncontacts:\n  - nam: x\n")
    code, out, _ = run("--contacts", str(bad), "--db", f"sqlite:///{tmp_path / 'd.db'}", "doctor")
    assert code == 1
    assert "unknown key 'nam'; did you mean 'name'?" in out
