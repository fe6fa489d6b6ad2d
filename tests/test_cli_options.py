"""--contacts, --db and --demo work before the command's name and after it, at any level."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from trailtui import paths
from trailtui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, list(args), env=env, prog_name="trailtui", catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


def every_command() -> list[list[str]]:
    """The path of names to every command and group, the top one included."""
    found: list[list[str]] = []

    def walk(command: click.Command, names: list[str]) -> None:
        found.append(names)
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk(sub, [*names, name])

    walk(main, [])
    return found


def test_every_command_is_reached() -> None:
    names = {" ".join(path) for path in every_command()}
    assert names == {
        "", "fetch", "contacts", "contacts check", "contacts add", "stats", "doctor",
        "import", "export", "digest", "db", "db info", "db copy",
    }  # fmt: skip


@pytest.mark.parametrize("names", every_command(), ids=lambda names: " ".join(names) or "trailtui")
def test_help_of_every_command_lists_the_workspace_options(names: list[str]) -> None:
    for flag in ("--help", "-h"):
        code, out, err = run(*names, flag)
        assert code == 0, err
        assert out.startswith(f"Usage: {' '.join(['trailtui', *names])} ")
        for option in ("--contacts FILE", "--db URL", "--demo"):
            assert option in out
        assert "TRAILTUI_CONTACTS" in out and "TRAILTUI_DB" in out


def test_fetch_and_stats_take_the_options_after_the_name(small_world: Path, tmp_path: Path) -> None:
    db = sqlite(tmp_path / "after.sqlite3")
    code, out, err = run("fetch", "--contacts", str(small_world), "--db", db)
    assert code == 0, err
    assert "2 feeds in" in out and "4 new entries" in out
    code, out, err = run("stats", "--json", "--db", db, "--contacts", str(small_world))
    assert code == 0, err
    assert json.loads(out)["entries"] == 4


def test_the_later_option_wins(small_world: Path, tmp_path: Path) -> None:
    first, second = sqlite(tmp_path / "first.sqlite3"), sqlite(tmp_path / "second.sqlite3")
    other = tmp_path / "other.yaml"
    other.write_text("version: 1\ncontacts:\n  - name: Zed\n", encoding="utf-8")
    _, out, err = run(
        "--db", first, "--contacts", str(other), "doctor", "--db", second,
        "--contacts", str(small_world),
    )  # fmt: skip
    assert "Traceback" not in out + err
    assert f"Database: {second}\n" in out
    assert f"Contacts: {small_world}: OK, 3 contacts, 2 feeds" in out
    assert not (tmp_path / "first.sqlite3").exists()


def test_an_option_given_before_is_kept_when_not_given_after(
    small_world: Path, tmp_path: Path
) -> None:
    db = sqlite(tmp_path / "kept.sqlite3")
    _, out, _ = run("--db", db, "doctor", "--contacts", str(small_world))
    assert f"Database: {db}\n" in out and f"Contacts: {small_world}: OK" in out


def test_nested_commands_take_the_options_at_every_level(small_world: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("version: 1\ncontacts:\n  - name: Zed\n", encoding="utf-8")
    for args in (
        ["contacts", "check", "--contacts", str(other)],
        ["contacts", "--contacts", str(other), "check"],
        ["--contacts", str(small_world), "contacts", "check", "--contacts", str(other)],
        ["contacts", "--contacts", str(small_world), "check", "--contacts", str(other)],
    ):
        code, out, err = run(*args)
        assert code == 0, err
        assert out == f"{other}: OK, 1 contact, 0 feeds (1 contact without feeds).\n", args

    code, out, err = run("contacts", "add", "Bo", "--contacts", str(other))
    assert code == 0, err
    assert f"Added Bo (id bo) to {other}." in out
    assert "name: Bo" in other.read_text(encoding="utf-8")


def test_the_demo_flag_after_the_name(tmp_path: Path) -> None:
    code, out, err = run("fetch", "--demo")
    assert code == 0, err
    assert "0 failed" in out
    code, out, _ = run("contacts", "check", "--demo")
    assert code == 0 and out.startswith(f"{paths.demo_dir() / 'contacts.yaml'}: OK, 10 contacts")
    code, _, err = run("contacts", "add", "Bo", "--demo", "--no-check")
    assert code == 1 and "demo" in err
    code, _, err = run("import", str(FIXTURES / "subscriptions.opml"), "--apply", "--demo")
    assert code == 1 and "demo" in err
    code, out, _ = run("export", "--opml", "--demo")
    assert code == 0 and "<opml" in out


def test_import_and_export_take_the_options_after_the_name(
    small_world: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new.yaml"
    code, out, err = run("import", str(FIXTURES / "subscriptions.opml"), "--contacts", str(target))
    assert code == 0, err
    assert f"Add --apply to create {target}." in out
    code, out, err = run("export", "--opml", "--contacts", str(small_world))
    assert code == 0, err
    assert "ada.rss" in out and "bo.rss" in out
    db = sqlite(tmp_path / "trail.sqlite3")
    code, out, err = run("export", "--format", "json", "--db", db, "--contacts", str(small_world))
    assert code == 0, err
    assert json.loads(out) == [] and err == ""
    assert (tmp_path / "trail.sqlite3").exists()


def test_environment_variables_are_the_fallback(small_world: Path, tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite3"
    env = {"TRAILTUI_CONTACTS": str(tmp_path / "missing.yaml"), "TRAILTUI_DB": sqlite(db)}
    code, out, err = run("doctor", env=env)
    assert code == 1
    assert "missing.yaml: no such file (given by TRAILTUI_CONTACTS)" in out
    run("fetch", "--contacts", str(small_world), env=env)
    code, out, err = run("doctor", "--contacts", str(small_world), env=env)
    assert code == 0, out + err
    assert f"Database: {sqlite(db)}" in out and f"Contacts: {small_world}: OK" in out
