"""`trailtui import` and `trailtui export`, run as a user would, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import listparser
import pytest
from click.testing import CliRunner

from trailtui.cli import main
from trailtui.contacts import load_contacts

from .textdiff import insertions

FIXTURES = Path(__file__).parent / "fixtures" / "import"

HAND_WRITTEN = """\
# My people — edited by hand; every comment must survive an import.
version: 1
settings:
  default_cadence: 14d   # two weeks

contacts:
  - name: Ada Quill      # met in Lisbon
    id: ada
    links: {email: ada@quill.example.com}
  # - name: Someone I stopped following

# the end
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_then_apply_then_apply_again(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(HAND_WRITTEN, encoding="utf-8")
    source = str(FIXTURES / "Connections.csv")

    code, out, err = run("--contacts", str(contacts), "import", source)
    assert code == 0, err
    assert "New contacts (2):" in out
    assert "+ Frank Ng [line 6]: id frank-ng; links linkedin, email; tags linkedin" in out
    assert "~ Ada Quill [line 5] -> ada: same id 'ada' (from the name); would add" in out
    assert "Already there, with something new (1;" in out
    assert "- (no name) [line 7]: the row has no name" in out
    assert "Frank Ng [line 9]: duplicate within the file of Frank Ng (line 6)" in out
    assert "Dry run: nothing written." in out
    assert contacts.read_text(encoding="utf-8") == HAND_WRITTEN

    code, out, err = run("--contacts", str(contacts), "import", source, "--apply")
    assert code == 0, err
    assert f"Added 2 contacts to {contacts} and updated 1 contact." in out
    assert f"The previous version is in {contacts}.bak." in out
    after = contacts.read_text(encoding="utf-8")
    # Ada (already there) gained her LinkedIn profile and tag, inserted into her lines;
    # the new contacts follow her; everything else is as it was, byte for byte.
    ada = (
        '    links: {email: ada@quill.example.com, linkedin: "https://www.linkedin.com/in/'
        'ada-quill-example"}\n    tags: [linkedin]\n'
    )
    point = after.index("  - name: Frank Ng")
    assert after[:point] + after[after.index("  # - name: Someone") :] == HAND_WRITTEN.replace(
        "    links: {email: ada@quill.example.com}\n", ada
    )
    insertions(HAND_WRITTEN, after)
    assert (tmp_path / "contacts.yaml.bak").read_text(encoding="utf-8") == HAND_WRITTEN
    book = load_contacts(contacts)
    assert [c.id for c in book.contacts] == ["ada", "frank-ng", "grace-o-neil"]
    assert book.contacts[0].tags == ["linkedin"]

    code, out, _ = run("--contacts", str(contacts), "import", source, "--apply")
    assert code == 0
    assert "0 to add, 0 contacts to update" in out
    assert "Nothing to add, nothing new to merge" in out
    assert contacts.read_text(encoding="utf-8") == after


BLOCK_STYLE = """\
# People I keep up with.
version: 1

contacts:
  - name: Ada Quill   # met in Lisbon
    id: ada
    links:
      email: ada@quill.example.com   # work address
      # website: ask her
    tags: [mentor]

  - name: Bo Lind
    why: writes about tools   # and bikes

# the end
"""

ADA_CARD = """\
BEGIN:VCARD
VERSION:4.0
FN:Ada Q.
EMAIL:ADA@quill.example.com
URL:https://github.com/adaquill
END:VCARD
"""


def test_a_merge_adds_the_new_link_under_that_contact(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(BLOCK_STYLE, encoding="utf-8")
    card = tmp_path / "ada.vcf"
    card.write_text(ADA_CARD, encoding="utf-8")

    code, out, err = run("--contacts", str(contacts), "import", str(card))
    assert code == 0, err
    assert "Already there, with something new (1; --apply adds it to them):" in out
    assert (
        "~ Ada Q. [card 1 (line 1)] -> ada: same email ada@quill.example.com; would add "
        "links.github: https://github.com/adaquill; feed github: adaquill"
    ) in out
    assert "0 to add, 1 contact to update, 0 skipped." in out
    assert contacts.read_text(encoding="utf-8") == BLOCK_STYLE

    code, out, err = run("--contacts", str(contacts), "import", str(card), "--apply")
    assert code == 0, err
    assert f"Updated 1 contact in {contacts}." in out
    assert contacts.read_text(encoding="utf-8") == BLOCK_STYLE.replace(
        "      # website: ask her\n    tags: [mentor]\n",
        "      # website: ask her\n"
        "      github: https://github.com/adaquill\n"
        "    tags: [mentor]\n"
        "    feeds:\n"
        "      - github: adaquill\n",
    )
    assert (tmp_path / "contacts.yaml.bak").read_text(encoding="utf-8") == BLOCK_STYLE
    [ada, bo] = load_contacts(contacts).contacts
    assert ada.links["github"] == "https://github.com/adaquill"
    assert [f.github for f in ada.feeds] == ["adaquill"]
    assert bo.why == "writes about tools"

    after = contacts.read_bytes()
    code, out, _ = run("--contacts", str(contacts), "import", str(card), "--apply")
    assert code == 0 and "nothing new" in out
    assert contacts.read_bytes() == after


def test_a_link_that_differs_is_kept_and_said(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        BLOCK_STYLE.replace(
            "      # website: ask her\n", "      github: https://github.com/adaquill\n"
        ),
        encoding="utf-8",
    )
    card = tmp_path / "ada.vcf"
    card.write_text(
        ADA_CARD.replace("EMAIL:ADA@quill.example.com", "EMAIL:ada@home.example.org"),
        encoding="utf-8",
    )
    code, out, err = run("--contacts", str(contacts), "import", str(card), "--apply")
    assert code == 0, err
    assert "-> ada: same profile URL https://github.com/adaquill; would add feed github" in out
    assert (
        "note: links.email differs (ada@home.example.org); kept yours (ada@quill.example.com)"
    ) in out
    [ada, _] = load_contacts(contacts).contacts
    assert ada.links["email"] == "ada@quill.example.com"
    assert [f.github for f in ada.feeds] == ["adaquill"]


def test_a_contact_written_with_anchors_is_left_to_merge_by_hand(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    text = BLOCK_STYLE.replace("    links:\n", "    links: &ada\n").replace(
        "    why: writes about tools   # and bikes\n",
        "    why: writes about tools   # and bikes\n    links: *ada\n",
    )
    contacts.write_text(text, encoding="utf-8")
    card = tmp_path / "ada.vcf"
    card.write_text(ADA_CARD, encoding="utf-8")
    code, out, err = run("--contacts", str(contacts), "import", str(card), "--apply")
    assert code == 0, err
    assert "Already there, with something new, to copy by hand (1):" in out
    assert "ada is not changed: it shares text with another entry through a YAML anchor" in out
    assert "1 to merge by hand" in out
    assert "Nothing to add, nothing new to merge" in out
    assert contacts.read_text(encoding="utf-8") == text
    assert not (tmp_path / "contacts.yaml.bak").exists()


@pytest.mark.parametrize(
    "fixture", ["subscriptions.opml", "contacts-v3.vcf", "contacts-v4.vcf", "legacy-v21.vcf"]
)
def test_apply_creates_a_missing_contacts_file(tmp_path: Path, fixture: str) -> None:
    contacts = tmp_path / "new" / "contacts.yaml"
    code, out, err = run("--contacts", str(contacts), "import", str(FIXTURES / fixture), "--apply")
    assert code == 0, err
    assert "previous version" not in out
    text = contacts.read_text(encoding="utf-8")
    assert text.startswith("# trailtui contacts")
    assert load_contacts(contacts).contacts
    assert (contacts.stat().st_mode & 0o777) == 0o600


def test_crlf_contacts_file_keeps_its_line_endings(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    original = HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8")
    contacts.write_bytes(original)
    code, _, err = run(
        "--contacts", str(contacts), "import", str(FIXTURES / "contacts-v4.vcf"), "--apply"
    )
    assert code == 0, err
    data = contacts.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.startswith(original[: original.index(b"  # - name")])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<opml version='2.0'><body><outline text='a'></body></opml>", "not well-formed XML"),
        (b"", "the file is empty"),
        (bytes(range(256)), "binary file"),
        (b"name,email\nAda,ada@example.org\n", "LinkedIn"),
    ],
)
def test_malformed_input_exits_1_and_leaves_contacts_alone(
    tmp_path: Path, content: bytes, message: str
) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(HAND_WRITTEN, encoding="utf-8")
    bad = tmp_path / "input.csv"
    bad.write_bytes(content)
    code, out, err = run("--contacts", str(contacts), "import", str(bad), "--apply")
    assert code == 1
    assert message in err and err.startswith(f"trailtui: {bad}: ")
    assert "Traceback" not in out + err
    assert contacts.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not (tmp_path / "contacts.yaml.bak").exists()


def test_missing_input_and_bad_format_option(tmp_path: Path) -> None:
    code, _, err = run("--contacts", str(tmp_path / "c.yaml"), "import", str(tmp_path / "x.opml"))
    assert code == 1 and "no such file" in err
    code, _, _ = run("import", str(FIXTURES / "Connections.csv"), "--format", "xml")
    assert code == 2
    code, _, err = run(
        "--contacts",
        str(tmp_path / "c.yaml"),
        "import",
        str(FIXTURES / "Connections.csv"),
        "--format",
        "opml",
    )
    assert code == 1 and "not well-formed XML" in err


def test_a_broken_contacts_file_is_never_imported_into(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("version: 1\ncontacts:\n  - nam: x\n", encoding="utf-8")
    code, _, err = run(
        "--contacts", str(contacts), "import", str(FIXTURES / "contacts-v3.vcf"), "--apply"
    )
    assert code == 1
    assert "unknown key 'nam'" in err and "nothing was imported" in err
    assert contacts.read_text(encoding="utf-8") == "version: 1\ncontacts:\n  - nam: x\n"


def test_demo_is_never_written(tmp_path: Path) -> None:
    code, _, err = run("--demo", "import", str(FIXTURES / "subscriptions.opml"), "--apply")
    assert code == 1 and "demo" in err


def test_export_opml_contains_every_feed(small_world: Path, tmp_path: Path) -> None:
    code, out, err = run("--contacts", str(small_world), "export", "--opml")
    assert code == 0, err
    parsed = listparser.parse(out.encode())
    assert not parsed["bozo"]
    book = load_contacts(small_world)
    assert {f["url"] for f in parsed["feeds"]} == {
        f.location for c in book.contacts for f in c.feeds
    }
    target = tmp_path / "out.opml"
    code, _, err = run(
        "--contacts", str(small_world), "export", "--format", "opml", "--out", str(target)
    )
    assert code == 0 and f"Wrote 2 feeds of 3 contacts to {target}." in err
    assert target.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_export_of_the_demo_imports_back(tmp_path: Path) -> None:
    code, out, _ = run("--demo", "export", "--opml")
    assert code == 0
    opml = tmp_path / "demo.opml"
    opml.write_text(out, encoding="utf-8")
    contacts = tmp_path / "contacts.yaml"
    code, _, err = run("--contacts", str(contacts), "import", str(opml), "--apply")
    assert code == 0, err
    demo = load_contacts(Path(__file__).parent.parent / "examples" / "contacts.yaml")
    assert [c.id for c in load_contacts(contacts).contacts] == [c.id for c in demo.contacts]


def test_export_trail_formats(small_world: Path, tmp_path: Path) -> None:
    from trailtui.store.writes import add_engagement
    from trailtui.workspace import open_workspace

    db = f"sqlite:///{tmp_path / 'trail.sqlite3'}"
    workspace = open_workspace(small_world, db)
    add_engagement(workspace.store, "ada", "like", at=1_700_000_000)
    add_engagement(workspace.store, "bo-lind", "comment", text="=1+1, nice", at=1_700_000_100)
    workspace.close()
    base = ["--contacts", str(small_world), "--db", db, "export"]
    code, out, err = run(*base, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["contact_id"], r["kind"], r["at"]) for r in rows] == [
        ("ada", "like", "2023-11-14T22:13:20Z"),
        ("bo-lind", "comment", "2023-11-14T22:15:00Z"),
    ]
    code, out, _ = run(*base, "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1, 2]
    code, out, _ = run(*base, "--format", "csv")
    assert out.splitlines()[0].startswith("id,at,contact_id,contact_name,kind,text")
    assert '"\'=1+1, nice"' in out


def test_export_needs_a_format() -> None:
    code, _, err = run("export")
    assert code == 2 and "--format" in err
    code, _, _ = run("export", "--opml", "--format", "csv")
    assert code == 2


def test_help_lists_import_and_export() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "import" in out and "export" in out
    for command in ("import", "export"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Usage:" in out


def test_copying_the_fixture_keeps_detection(tmp_path: Path) -> None:
    copy = tmp_path / "export.txt"
    shutil.copy(FIXTURES / "contacts-v3.vcf", copy)
    code, out, _ = run("--contacts", str(tmp_path / "c.yaml"), "import", str(copy))
    assert code == 0 and "(vCard)" in out
