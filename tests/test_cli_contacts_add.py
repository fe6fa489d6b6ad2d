"""`trailtui contacts add`: look at the source, then append without disturbing the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trailtui.cli import main
from trailtui.contacts import load_contacts
from trailtui.contacts.starter import STARTER

from .conftest import write_feed
from .feedserver import FeedServer

KEEP = "# my people\nversion: 1\ncontacts:\n  - name: Ada   # first!\n\n# the end\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_add_from_a_site_keeps_every_byte_before(tmp_path: Path, server: FeedServer) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(KEEP)
    code, out, err = run(
        "--contacts", str(path), "contacts", "add", "Bo Lind", server.url("/html"),
        "--why", "Kind: and #1", "--tier", "B",
    )  # fmt: skip
    assert code == 0, err
    assert "Added Bo Lind (id bo-lind)" in out and ".bak" in out
    text = path.read_text()
    assert text.startswith("# my people\nversion: 1\ncontacts:\n  - name: Ada   # first!\n")
    assert "# the end" in text
    book = load_contacts(path)
    bo = book.by_id()["bo-lind"]
    assert bo.why == "Kind: and #1" and bo.tier == "B"
    assert bo.feeds[0].blog == server.url("/html")
    assert path.with_name("contacts.yaml.bak").read_text() == KEEP


def test_add_with_a_shorthand_unchecked_and_without_a_source(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    code, _, err = run("--contacts", str(path), "contacts", "add", "Cy", "github:cy", "--no-check")
    assert code == 0, err
    assert path.read_text().startswith(STARTER.split("contacts: []")[0])
    code, _, err = run("--contacts", str(path), "contacts", "add", "Dee")
    assert code == 0, err
    book = load_contacts(path)
    assert [c.id for c in book.contacts] == ["cy", "dee"]
    assert book.contacts[0].feeds[0].location == "https://github.com/cy.atom"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Ada"], "Ada already has the id 'ada'"),
        (["Bo", "github:b o"], "a github handle has no spaces"),
        (["Bo", "ftp://x.example/f"], "unsupported URL scheme 'ftp'"),
    ],
)
def test_refusals_change_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(KEEP)
    code, out, err = run("--contacts", str(path), "contacts", "add", *args)
    assert code == 1 and message in err
    assert "Traceback" not in out + err
    assert path.read_text() == KEEP


def test_a_source_without_a_feed_is_refused_unless_told(tmp_path: Path, server: FeedServer) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(KEEP)
    code, _, err = run("--contacts", str(path), "contacts", "add", "Bo", server.url("/404"))
    assert code == 1 and "no feed found" in err and "HTTP 404" in err
    assert path.read_text() == KEEP


def test_an_invalid_contacts_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text("contacts:\n  - name: Ada\n    tier: Z\n")
    code, _, err = run("--contacts", str(path), "contacts", "add", "Bo")
    assert code == 1 and ":3:11:" in err and "nothing was added" in err
    assert path.read_text() == "contacts:\n  - name: Ada\n    tier: Z\n"


def test_help() -> None:
    code, out, _ = run("contacts", "add", "--help")
    assert code == 0 and "github:ada" in out


def test_a_block_scalar_ending_the_file_is_not_changed_by_an_append(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    text = "contacts:\n  - name: Ada\n    notes: |\n      hi"  # no final line break
    path.write_text(text)
    code, out, err = run("--contacts", str(path), "contacts", "add", "Bo")
    assert code == 1 and "add a line break at the end of the file" in err
    assert "Traceback" not in out + err
    assert path.read_text() == text
    path.write_text(text + "\n")
    code, _, err = run("--contacts", str(path), "contacts", "add", "Bo")
    assert code == 0, err
    assert load_contacts(path).contacts[0].notes == "hi\n"


def test_a_relative_source_is_relative_to_the_contacts_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "people"
    home.mkdir()
    contacts = home / "contacts.yaml"
    contacts.write_text("version: 1\ncontacts: []\n", encoding="utf-8")
    write_feed(home / "ada.rss", "ada", ["Ada on engines"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no ada.rss here
    result = CliRunner().invoke(
        main, ["--contacts", str(contacts), "contacts", "add", "Ada", "ada.rss"]
    )
    assert result.exit_code == 0, result.output
    assert "ada.rss" in contacts.read_text(encoding="utf-8")
    assert "Ada on engines" in result.output or "1 entry" in result.output
