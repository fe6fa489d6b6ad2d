"""Warnings about a valid contacts file: local feed files that are not there.

`contacts.warnings.find_warnings` on real files in tmp_path, and
`trailtui contacts check` printing them without failing.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from trailtui.cli import main
from trailtui.contacts import parse_contacts_for
from trailtui.contacts.warnings import ContactsWarning, find_warnings

TEXT = """\
version: 1
contacts:
  - name: Ada
    feeds:
      - feeds/there.rss
      - feeds/gone.rss
      - {url: ./feeds/also-gone.rss, label: Notes}
      - url: FOLDER
      - ABSOLUTE
      - FILE_URL
      - https://ada.example.org/feed.xml
      - github: ada
      - blog: https://ada.example.org/
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "feeds").mkdir(exist_ok=True)
    (tmp_path / "feeds" / "there.rss").write_text("<rss/>", encoding="utf-8")
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def sample(tmp_path: Path) -> tuple[Path, str]:
    text = (
        TEXT.replace("FOLDER", str(tmp_path / "feeds"))
        .replace("ABSOLUTE", str(tmp_path / "elsewhere" / "a.rss"))
        .replace("FILE_URL", (tmp_path / "b.rss").as_uri())
    )
    return write(tmp_path, text), text


def test_each_missing_local_feed_is_located(tmp_path: Path) -> None:
    path, text = sample(tmp_path)
    book = parse_contacts_for(path, text)
    warnings = find_warnings(book, text)
    relative = "relative to the contacts file"
    assert [(w.line, w.column, w.path) for w in warnings] == [
        (6, 9, "contacts[0].feeds[1]"),
        (7, 15, "contacts[0].feeds[2].url"),
        (8, 14, "contacts[0].feeds[3].url"),
        (9, 9, "contacts[0].feeds[4]"),
        (10, 9, "contacts[0].feeds[5]"),
    ]
    assert [w.message for w in warnings] == [
        f"the feed file {tmp_path / 'feeds' / 'gone.rss'} (from 'feeds/gone.rss', {relative}) "
        "does not exist",
        f"the feed file {tmp_path / 'feeds' / 'also-gone.rss'} "
        f"(from './feeds/also-gone.rss', {relative}) does not exist",
        f"the feed file {tmp_path / 'feeds'} is not a file",
        f"the feed file {tmp_path / 'elsewhere' / 'a.rss'} does not exist",
        f"the feed file {tmp_path / 'b.rss'} does not exist",
    ]
    assert str(warnings[0]) == (f"{path}:6:9: warning: contacts[0].feeds[1]: {warnings[0].message}")
    assert all(w.file == str(path) for w in warnings)


def test_bytes_with_a_bom_and_crlf_give_the_same_positions(tmp_path: Path) -> None:
    path, text = sample(tmp_path)
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    book = parse_contacts_for(path, data)
    assert [(w.line, w.column) for w in find_warnings(book, data)] == [
        (w.line, w.column) for w in find_warnings(parse_contacts_for(path, text), text)
    ]


def test_without_the_text_the_warnings_are_not_located(tmp_path: Path) -> None:
    path, text = sample(tmp_path)
    warnings = find_warnings(parse_contacts_for(path, text))
    assert len(warnings) == 5
    assert {(w.line, w.column) for w in warnings} == {(None, None)}
    assert str(warnings[0]).startswith(f"{path}: warning: contacts[0].feeds[1]: ")


def test_feeds_shared_through_merges_and_aliases_point_at_where_they_are_written(
    tmp_path: Path,
) -> None:
    text = (
        "version: 1\n"
        "contacts:\n"
        "  - &base\n"
        "    name: Ada\n"
        "    feeds: &shared [feeds/there.rss, feeds/gone.rss]\n"
        "  - <<: *base\n"
        "    name: Bo\n"
        "  - name: Cy\n"
        "    feeds: *shared\n"
    )
    path = write(tmp_path, text)
    warnings = find_warnings(parse_contacts_for(path, text), text)
    assert [(w.line, w.column, w.path) for w in warnings] == [
        (5, 38, "contacts[0].feeds[1]"),
        (5, 38, "contacts[1].feeds[1]"),
        (5, 38, "contacts[2].feeds[1]"),
    ]


def test_a_file_with_nothing_to_say_has_no_warnings(tmp_path: Path) -> None:
    text = "version: 1\ncontacts:\n  - name: Ada\n    feeds: [feeds/there.rss]\n  - name: Bo\n"
    path = write(tmp_path, text)
    assert find_warnings(parse_contacts_for(path, text), text) == []


def test_a_warning_is_a_value(tmp_path: Path) -> None:
    warning = ContactsWarning("c.yaml", 3, None, "contacts[0].feeds[0]", "the feed file x")
    assert str(warning) == "c.yaml:3: warning: contacts[0].feeds[0]: the feed file x"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_contacts_check_prints_warnings_and_exits_0(tmp_path: Path) -> None:
    path, _ = sample(tmp_path)
    code, out, err = run("contacts", "check", str(path))
    assert code == 0, err
    assert out == f"{path}: OK, 1 contact, 9 feeds; 5 warnings.\n"
    lines = err.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith(f"{path}:6:9: warning: contacts[0].feeds[1]: the feed file ")
    assert all(": warning: " in line for line in lines)


def test_one_warning_and_problems_instead_of_warnings(tmp_path: Path) -> None:
    text = "version: 1\ncontacts:\n  - name: Ada\n    feeds: [feeds/gone.rss]\n"
    path = write(tmp_path, text)
    code, out, err = run("--contacts", str(path), "contacts", "check")
    assert code == 0
    assert out == f"{path}: OK, 1 contact, 1 feed; 1 warning.\n"
    assert err.startswith(f"{path}:4:13: warning: contacts[0].feeds[0]: ")
    path.write_text(text + "    tier: Z\n", encoding="utf-8")
    code, out, err = run("--contacts", str(path), "contacts", "check")
    assert code == 1 and out == ""
    assert ": warning: " not in err and "1 problem found." in err
