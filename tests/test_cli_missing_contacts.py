"""A contacts file that is missing or invalid: what each command does about it.

fetch, stats, doctor, contacts check and export --opml need the file: exit 1,
naming it. The trail export reads the database alone: it works, with a
warning. import and contacts add create the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trailtui import paths
from trailtui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "import"
NEEDS_THE_FILE = [
    ["fetch"],
    ["stats"],
    ["stats", "--json"],
    ["doctor"],
    ["contacts", "check"],
    ["export", "--opml"],
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


@pytest.mark.parametrize("command", NEEDS_THE_FILE, ids=" ".join)
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_file_given_by_the_option_exits_1(
    command: list[str], where: str, tmp_path: Path, db: str
) -> None:
    missing = tmp_path / "nope" / "x.yaml"
    options = ["--contacts", str(missing), "--db", db]
    args = [*options, *command] if where == "before" else [*command, *options]
    code, out, err = run(*args)
    assert code == 1, out + err
    assert f"{missing}: no such file (given by --contacts)" in out + err
    assert "pass --contacts" not in out + err
    assert "healthy" not in out
    assert "Traceback" not in out + err
    assert not missing.exists()


@pytest.mark.parametrize("command", NEEDS_THE_FILE, ids=" ".join)
def test_a_missing_file_given_by_the_environment_says_so(
    command: list[str], tmp_path: Path, db: str
) -> None:
    missing = tmp_path / "x.yaml"
    code, out, err = run(*command, env={"TRAILTUI_CONTACTS": str(missing), "TRAILTUI_DB": db})
    assert code == 1
    assert f"{missing}: no such file (given by TRAILTUI_CONTACTS)" in out + err
    assert "pass --contacts" not in out + err


@pytest.mark.parametrize("command", NEEDS_THE_FILE, ids=" ".join)
def test_the_missing_default_file_points_to_the_ways_out(command: list[str], db: str) -> None:
    code, out, err = run("--db", db, *command)
    assert code == 1
    assert (
        f"{paths.default_contacts_path()}: no such file; run `trailtui` to start one, "
        "or pass --contacts FILE"
    ) in out + err


def test_doctor_lists_the_missing_file_as_a_problem(tmp_path: Path, db: str) -> None:
    missing = tmp_path / "x.yaml"
    code, out, _ = run("doctor", "--contacts", str(missing), "--db", db)
    assert code == 1
    assert out.splitlines() == [
        f"Contacts: {missing}: 1 problem",
        f"  {missing}: no such file (given by --contacts)",
        f"Database: {db}",
        "Feeds: none in the database yet.",
        "",
        "1 problem found.",
    ]


def test_stats_prints_the_database_numbers_then_exits_1(
    small_world: Path, tmp_path: Path, db: str
) -> None:
    run("fetch", "--contacts", str(small_world), "--db", db)
    small_world.write_text("version: 1\ncontacts:\n  - nam: x\n", encoding="utf-8")
    code, out, err = run("stats", "--json", "--contacts", str(small_world), "--db", db)
    assert code == 1
    assert json.loads(out)["entries"] == 4  # the last valid file's, still in the database
    assert f"{small_world}:3:5: contacts[0]: unknown key 'nam'" in err
    assert "2 problems found." in err


def test_export_opml_of_an_invalid_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("version: 1\ncontacts:\n  - nam: x\n", encoding="utf-8")
    code, out, err = run("export", "--opml", "--contacts", str(bad))
    assert code == 1 and out == ""
    assert "unknown key 'nam'" in err and "nothing was exported" in err


def test_the_trail_is_exported_without_a_contacts_file_with_a_warning(
    small_world: Path, tmp_path: Path, db: str
) -> None:
    from trailtui.store.writes import add_engagement
    from trailtui.workspace import open_workspace

    workspace = open_workspace(small_world, db)
    add_engagement(workspace.store, "ada", "like", at=1_700_000_000)
    workspace.close()
    missing = tmp_path / "gone.yaml"
    code, out, err = run("export", "--format", "json", "--contacts", str(missing), "--db", db)
    assert code == 0, err
    assert [row["contact_id"] for row in json.loads(out)] == ["ada"]
    assert err.splitlines() == [
        f"{missing}: no such file (given by --contacts)",
        "trailtui: warning: the contacts file cannot be used; "
        "the trail is exported from the database alone",
    ]
    out_file = tmp_path / "trail.csv"
    code, _, err = run(
        "export", "--format", "csv", "--out", str(out_file), "--contacts", str(missing), "--db", db
    )
    assert code == 0 and "warning" in err and "Wrote 1 trail entry to" in err
    assert out_file.read_text(encoding="utf-8").startswith("id,at,contact_id")


def test_import_and_add_create_a_missing_file(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    code, out, err = run("import", str(FIXTURES / "contacts-v4.vcf"), "--contacts", str(target))
    assert code == 0, err
    assert f"Dry run: nothing written. Add --apply to create {target}." in out
    assert not target.exists()
    code, out, err = run("contacts", "add", "Bo", "--contacts", str(target))
    assert code == 0, err
    assert (
        out.splitlines()[0]
        == f"Created {target} (it did not exist) from the commented starter file."
    )
    code, out, _ = run("contacts", "add", "Cy", "--contacts", str(target))
    assert code == 0 and "Created" not in out
