"""contacts.yaml loading: valid files, every malformed shape located, no crashes."""

from __future__ import annotations

import string
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trailtui.contacts import ContactBook, ContactsError, Problem, load_contacts, parse_contacts
from trailtui.contacts.schema import slugify

NAME = "contacts.yaml"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def problems_of(source: str | bytes, **kwargs: Any) -> list[Problem]:
    kwargs.setdefault("name", NAME)
    with pytest.raises(ContactsError) as info:
        parse_contacts(source, **kwargs)
    problems = info.value.problems
    assert problems, "a ContactsError must carry at least one problem"
    assert str(info.value) == "\n".join(str(p) for p in problems)
    return problems


def only_problem(source: str | bytes, **kwargs: Any) -> Problem:
    problems = problems_of(source, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- valid files

FULL = """\
# My people. Comments are fine anywhere.
version: 1
settings:
  default_cadence: 3w   # trailing comment
  daily_goal: 5
  refresh_every: 2h
templates:
  hello: "Hi {name}!"
contacts:
  - name: Ada Lovelace
    id: ada
    circles: [friends, math]
    why: Taught me loops
    help: Proof-reading
    cadence: 7d
    tags: [engines, poetry]
    notes: |
      Met at the salon.
      Likes long letters.
    links:
      site: https://ada.example.org
      mastodon: https://social.example/@ada
    feeds:
      - https://ada.example.org/feed.xml
      - feeds/ada-local.xml
      - url: https://ada.example.org/notes.atom
        label: Notes
  # a contact with no feeds and a derived id
  - name: Zoë Ünal
    cadence: 2w
  - name: 山田 太郎
    cadence: 12h
  - name: Grace Hopper
    cadence: 1mo
  - name: Linus
    cadence: 10
"""


@pytest.fixture
def full_book(tmp_path: Path) -> ContactBook:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = folder / "contacts.yaml"
    path.write_text(FULL, encoding="utf-8")
    return load_contacts(path)


def test_both_yaml_loaders_build_the_same_book(full_book: ContactBook) -> None:
    from trailtui.contacts import loader

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_FAST_LOADER", None)
        assert load_contacts(full_book.path) == full_book


def test_full_contact_has_every_field(full_book: ContactBook, tmp_path: Path) -> None:
    ada = full_book.contacts[0]
    assert ada.name == "Ada Lovelace"
    assert ada.id == "ada"
    assert ada.circles == ["friends", "math"]
    assert ada.why == "Taught me loops"
    assert ada.help == "Proof-reading"
    assert ada.cadence == timedelta(days=7)
    assert ada.tags == ["engines", "poetry"]
    assert ada.notes == "Met at the salon.\nLikes long letters.\n"
    assert ada.links == {
        "site": "https://ada.example.org",
        "mastodon": "https://social.example/@ada",
    }
    assert [f.url for f in ada.feeds] == [
        "https://ada.example.org/feed.xml",
        "feeds/ada-local.xml",
        "https://ada.example.org/notes.atom",
    ]
    assert [f.label for f in ada.feeds] == [None, None, "Notes"]
    # http(s) URLs are kept as written; a relative path resolves against the file's folder.
    assert ada.feeds[0].location == "https://ada.example.org/feed.xml"
    local = (tmp_path / "conf" / "feeds" / "ada-local.xml").resolve()
    assert ada.feeds[1].location == local.as_uri()
    assert ada.feeds[1].location.startswith("file:///")
    assert ada.feeds[2].location == "https://ada.example.org/notes.atom"
    assert full_book.templates == {"hello": "Hi {name}!"}
    assert full_book.path == tmp_path / "conf" / "contacts.yaml"
    assert full_book.feed_count == 3


def test_ids_default_to_a_slug_of_the_name(full_book: ContactBook) -> None:
    ids = [c.id for c in full_book.contacts]
    assert ids == ["ada", "zoe-unal", "山田-太郎", "grace-hopper", "linus"]
    assert set(full_book.by_id()) == set(ids)
    zoe = full_book.by_id()["zoe-unal"]
    assert zoe.name == "Zoë Ünal"  # the name itself keeps its accents
    assert zoe.feeds == []  # a contact with no feeds is fine


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Zoë Ünal", "zoe-unal"),
        ("山田 太郎", "山田-太郎"),
        ("  Ann   O'Neil  ", "ann-o-neil"),
        ("Ñandú", "nandu"),
        ("Ann_Lee", "ann_lee"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_name_without_letters_still_gets_an_id() -> None:
    book = parse_contacts("contacts:\n  - name: '!!!'\n")
    assert book.contacts[0].id == "contact"


def test_cadence_forms(full_book: ContactBook) -> None:
    cadences = {c.id: c.cadence for c in full_book.contacts}
    assert cadences == {
        "ada": timedelta(days=7),
        "zoe-unal": timedelta(weeks=2),
        "山田-太郎": timedelta(hours=12),
        "grace-hopper": timedelta(days=30),
        "linus": timedelta(days=10),  # a bare integer means days
    }


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("12h", timedelta(hours=12)),
        ("1mo", timedelta(days=30)),
        ("1y", timedelta(days=365)),
        ("30m", timedelta(minutes=30)),
        ("7D", timedelta(days=7)),
        ("' 2 w '", timedelta(weeks=2)),
        ("3", timedelta(days=3)),
    ],
)
def test_cadence_parses(written: str, expected: timedelta) -> None:
    book = parse_contacts(f"contacts:\n  - name: A\n    cadence: {written}\n")
    assert book.contacts[0].cadence == expected


def test_settings_defaults() -> None:
    book = parse_contacts("contacts:\n  - name: Ann\n")
    assert book.settings.default_cadence == timedelta(days=14)
    assert book.settings.daily_goal == 3
    assert book.settings.refresh_every == timedelta(minutes=30)
    ann = book.contacts[0]
    assert ann.cadence is None
    assert book.cadence_of(ann) == timedelta(days=14)
    assert book.templates == {}
    assert ann.circles == ann.tags == []
    assert ann.links == {}
    assert ann.why == ann.help == ann.notes == ""


def test_settings_overrides(full_book: ContactBook) -> None:
    s = full_book.settings
    assert s.default_cadence == timedelta(weeks=3)
    assert s.daily_goal == 5
    assert s.refresh_every == timedelta(hours=2)


def test_empty_contacts_list_is_valid() -> None:
    book = parse_contacts("version: 1\ncontacts: []\n")
    assert book.contacts == []
    assert book.feed_count == 0


def test_utf8_bom_is_accepted() -> None:
    book = parse_contacts("\ufeffcontacts:\n  - name: Zoë\n".encode())
    assert [c.name for c in book.contacts] == ["Zoë"]
    # and line/column numbers are not shifted by the BOM
    problem = only_problem(b"\xef\xbb\xbfcontacts: x\n")
    assert (problem.line, problem.column) == (1, 11)


def test_crlf_line_endings() -> None:
    problem = only_problem("contacts:\r\n  - name: A\r\n    cadence: 7x\r\n")
    assert (problem.line, problem.column) == (3, 14)


def test_feed_locations() -> None:
    book = parse_contacts(
        "contacts:\n"
        "  - name: A\n"
        "    feeds: [rel/a.xml, ../b.xml, /abs/c.xml, 'file:///d.xml', HTTPS://X.org/f]\n",
        base_dir=Path("/base/dir"),
    )
    assert [f.location for f in book.contacts[0].feeds] == [
        "file:///base/dir/rel/a.xml",
        "file:///base/b.xml",
        "file:///abs/c.xml",
        "file:///d.xml",
        "HTTPS://X.org/f",
    ]


def test_parse_contacts_default_name_and_path() -> None:
    book = parse_contacts("contacts: []\n")
    assert book.path == Path("<contacts>")
    problem = only_problem("contacts: 1\n", name="mine.yaml")
    assert problem.file == "mine.yaml"


def test_problem_str() -> None:
    p = Problem("c.yaml", 3, 7, "contacts[1].feeds[0]", "bad")
    assert str(p) == "c.yaml:3:7: contacts[1].feeds[0]: bad"
    assert str(Problem("c.yaml", 3, None, "", "bad")) == "c.yaml:3: bad"
    assert str(Problem("c.yaml", None, None, "", "bad")) == "c.yaml: bad"


# --------------------------------------------------------------------------- malformed files

C = "contacts:\n  - name: Ann\n"  # a valid prefix: the contact mapping starts at line 2


def case(case_id: str, source: str | bytes, *expected: Any) -> Any:
    """One malformed file: (source, line, column, path, message fragment)."""
    return pytest.param(source, *expected, id=case_id)


# fmt: off
MALFORMED = [
    # case(id, source, line, column, path, message fragment)
    # -- not YAML
    case("unclosed-bracket", "version: 1\ncontacts: [ann, bob\n",
         3, 1, "", "not valid YAML: expected ',' or ']', but got '<stream end>'"),
    case("bad-indentation", C + "   why: x\n",
         3, 4, "", "not valid YAML: expected <block end>"),
    case("tab-indentation", "contacts:\n\t- name: A\n",
         2, 1, "", "found character '\\t' that cannot start any token"),
    case("two-documents", "contacts: []\n---\ncontacts: []\n",
         2, 1, "", "expected a single document"),
    case("undefined-alias", "contacts: *nope\n",
         1, 11, "", "found undefined alias 'nope'"),
    # -- empty, or the wrong shape at the top
    case("empty-file", "",
         None, None, "", "the file is empty; expected 'version: 1' and a 'contacts:' list"),
    case("blank-file", "   \n\n",
         None, None, "", "the file is empty"),
    case("only-comments", "# just\n# comments\n",
         None, None, "", "the file is empty"),
    case("top-level-list", "# header\n- name: Ann\n",
         2, 1, "", "expected a mapping with 'contacts:' at the top, found a list"),
    case("top-level-scalar", "hello\n",
         1, 1, "", "expected a mapping with 'contacts:' at the top, found text ('hello')"),
    case("missing-contacts", "# header\nversion: 1\n",
         2, 1, "", "missing required key 'contacts'"),
    case("contacts-not-a-list", "contacts: Ann\n",
         1, 11, "contacts", "expected a list (one '- item' per line, or [a, b]), found text"),
    case("contacts-empty", "contacts:\n",
         1, 10, "contacts", "expected a list (one '- item' per line, or [a, b]), "
                            "found nothing (an empty value)"),
    case("contact-not-a-mapping", "contacts:\n  - Ann\n",
         2, 5, "contacts[0]", "expected a mapping (key: value lines), found text ('Ann')"),
    # -- names and types
    case("missing-name", "contacts:\n  - why: friend\n",
         2, 5, "contacts[0]", "missing required key 'name'"),
    case("empty-name", "contacts:\n  - name: '  '\n",
         2, 11, "contacts[0].name", "a contact needs a name, found an empty string"),
    case("name-is-a-number", "contacts:\n  - name: 123\n",
         2, 11, "contacts[0].name", "expected text, found a number (123)"),
    case("tags-is-a-string", C + "    tags: climbing\n",
         3, 11, "contacts[0].tags",
         "expected a list (one '- item' per line, or [a, b]), found text ('climbing')"),
    case("tag-is-a-number", C + "    tags: [a, 1]\n",
         3, 15, "contacts[0].tags[1]", "expected text, found a number (1)"),
    case("links-is-a-list", C + "    links: [https://a.example]\n",
         3, 12, "contacts[0].links", "expected a mapping (key: value lines), found a list"),
    # -- cadence
    case("cadence-7x", C + "    cadence: 7x\n",
         3, 14, "contacts[0].cadence",
         "expected a duration like 12h, 7d, 2w or 1mo (or a whole number of days), found '7x'"),
    case("cadence-0d", C + "    cadence: 0d\n",
         3, 14, "contacts[0].cadence", "a duration must be greater than zero, found '0d'"),
    case("cadence-minus-3d", C + "    cadence: -3d\n",
         3, 14, "contacts[0].cadence", "expected a duration like 12h, 7d, 2w or 1mo"),
    case("cadence-minus-3", C + "    cadence: -3\n",
         3, 14, "contacts[0].cadence", "a duration must be greater than zero, found -3"),
    case("cadence-bool", C + "    cadence: true\n",
         3, 14, "contacts[0].cadence", "found True"),
    # -- feeds
    case("feed-ftp",
         C + "    feeds:\n      - https://ok.example/feed\n      - ftp://files.example/feed\n",
         5, 9, "contacts[0].feeds[1]",
         "unsupported URL scheme 'ftp' in 'ftp://files.example/feed'; expected an http(s) URL"),
    case("feed-no-host", C + "    feeds: ['http://']\n",
         3, 13, "contacts[0].feeds[0]", "the URL 'http://' has no host name"),
    case("feed-htp", C + "    feeds: [htp://x.example]\n",
         3, 13, "contacts[0].feeds[0]", "unsupported URL scheme 'htp'"),
    case("feed-space", C + "    feeds: ['http://exa mple.org/']\n",
         3, 13, "contacts[0].feeds[0]", "the URL 'http://exa mple.org/' contains spaces"),
    case("feed-empty", C + "    feeds: ['']\n",
         3, 13, "contacts[0].feeds[0]", "a feed needs a URL or a file path"),
    case("feed-file-relative", C + "    feeds: ['file:relative.xml']\n",
         3, 13, "contacts[0].feeds[0]", "a file:// URL needs an absolute path"),
    case("feed-mapping-without-url", C + "    feeds:\n      - label: Blog\n",
         4, 9, "contacts[0].feeds[0]", "exactly one of 'url', 'blog'"),
    case("feed-unknown-key",
         C + "    feeds:\n      - url: https://a.example/f\n        lable: Blog\n",
         5, 9, "contacts[0].feeds[0]", "unknown key 'lable'; did you mean 'label'?"),
    case("feed-two-sources",
         C + "    feeds:\n      - github: ann\n        url: https://a.example/f\n",
         4, 9, "contacts[0].feeds[0]", "exactly one of 'url', 'blog'"),
    case("feed-githb-typo", C + "    feeds:\n      - githb: ann\n",
         4, 9, "contacts[0].feeds[0]", "unknown key 'githb'; did you mean 'github'?"),
    case("github-bad-handle", C + "    feeds:\n      - github: ann lee\n",
         4, 9, "contacts[0].feeds[0]", "a github handle has no spaces, found 'ann lee'"),
    case("github-double-hyphen", C + "    feeds:\n      - github: ann--lee\n",
         4, 9, "contacts[0].feeds[0]", "expected a GitHub user name"),
    case("mastodon-without-server", C + "    feeds:\n      - mastodon: '@ann'\n",
         4, 9, "contacts[0].feeds[0]", "expected a handle with its server, like @name@mastodon"),
    case("youtube-handle", C + "    feeds:\n      - youtube: '@annlee'\n",
         4, 9, "contacts[0].feeds[0]", "an @handle has no feed of its own"),
    case("bluesky-bad", C + "    feeds:\n      - bluesky: ann\n",
         4, 9, "contacts[0].feeds[0]", "expected a Bluesky handle like name.bsky.social"),
    case("reddit-too-short", C + "    feeds:\n      - reddit: ab\n",
         4, 9, "contacts[0].feeds[0]", "expected a Reddit user name"),
    case("shorthand-empty", C + "    feeds:\n      - substack: ''\n",
         4, 9, "contacts[0].feeds[0]", "'substack' needs a handle, found an empty string"),
    # -- tiers, snooze, max cadence
    case("tier-d", C + "    tier: D\n",
         3, 11, "contacts[0].tier", "expected 'A', 'B' or 'C', found text ('D')"),
    case("snooze-not-a-date", C + "    snooze_until: next week\n",
         3, 19, "contacts[0].snooze_until", "expected a date like 2026-12-01"),
    case("snooze-datetime", C + "    snooze_until: 2026-12-01 10:00:00\n",
         3, 19, "contacts[0].snooze_until", "expected a date like 2026-12-01"),
    case("max-cadence-shorter", C + "    cadence: 2w\n    max_cadence: 7d\n",
         2, 5, "contacts[0]", "'max_cadence' (1w) must be longer than 'cadence' (2w)"),
    case("tier-cadence-unknown-tier", "settings:\n  tier_cadences: {D: 7d}\ncontacts: []\n",
         2, 19, "settings.tier_cadences", "expected 'A', 'B' or 'C', found text ('D')"),
    case("keys-unknown-action", "settings:\n  keys: {liek: L}\ncontacts: []\n",
         2, 9, "settings.keys", "unknown action 'liek' in 'keys'; did you mean 'like'?"),
    case("keys-bad-key", "settings:\n  keys: {like: 'ctrl + l'}\ncontacts: []\n",
         2, 9, "settings.keys", "expected a key like 'L', 'ctrl+l'"),
    # -- unknown keys
    case("unknown-key-cadance", C + "    cadance: 7d\n",
         3, 5, "contacts[0]", "unknown key 'cadance'; did you mean 'cadence'?"),
    case("unknown-key-websit", C + "    websit: https://a.example\n",
         3, 5, "contacts[0]", "unknown key 'websit'; expected one of: name, id, tier, circles, "
                              "why, help, cadence, max_cadence, snooze_until, tags, notes, "
                              "links, feeds"),
    case("unknown-settings-key", "settings:\n  refresh_evry: 1h\ncontacts: []\n",
         2, 3, "settings", "unknown key 'refresh_evry'; did you mean 'refresh_every'?"),
    case("unknown-top-level-key", "contacts: []\ncontcts: []\n",
         2, 1, "", "unknown key 'contcts'; did you mean 'contacts'?"),
    # -- settings
    case("negative-daily-goal", "settings:\n  daily_goal: -1\ncontacts: []\n",
         2, 15, "settings.daily_goal", "expected a number of at least 0, found -1"),
    case("daily-goal-text", "settings:\n  daily_goal: '3'\ncontacts: []\n",
         2, 15, "settings.daily_goal", "expected a whole number, found text ('3')"),
    case("version-2", "version: 2\ncontacts: []\n",
         1, 10, "version", "unsupported version 2; this trailtui reads version 1"),
    # -- duplicates and ids
    case("duplicate-key", C + "    why: a\n    name: Bob\n",
         4, 5, "contacts[0].name", "duplicate key 'name' (first at line 2); "
                                   "YAML would silently keep only the last one"),
    case("duplicate-top-level-key", "contacts: []\nversion: 1\ncontacts: []\n",
         3, 1, "contacts", "duplicate key 'contacts' (first at line 1)"),
    case("duplicate-id-explicit", "contacts:\n  - name: Ann Lee\n  - name: Bob\n    id: ann-lee\n",
         4, 9, "contacts[1]", "duplicate id 'ann-lee'; first used by contacts[0] at line 2"),
    case("duplicate-id-derived", "contacts:\n  - name: Ann Lee\n  - name: ann  LEE\n",
         3, 11, "contacts[1]", "duplicate id 'ann-lee' (made from the name; give one an "
                               "explicit 'id:'); first used by contacts[0] at line 2"),
    case("id-with-space", C + "    id: has space\n",
         3, 9, "contacts[0].id",
         "an id may hold letters, digits, '-', '_' and '.', found 'has space'"),
    case("complex-key", "? [a, b]\n: x\ncontacts: []\n",
         1, 3, "", "a key must be plain text"),
    # -- bytes
    case("latin-1-bytes", b"version: 1\ncontacts:\n  - name: Ann\n  - name: Zo\xeb\n",
         4, 13, "", "the file is not UTF-8 text; save it as UTF-8"),
    case("binary-nul-bytes", b"\x7fELF\x02\x01\x01\x00\x00\x00",
         None, None, "", "this looks like a binary file, not YAML text"),
]
# fmt: on


@pytest.mark.parametrize(("source", "line", "column", "path", "fragment"), MALFORMED)
def test_malformed(
    source: str | bytes, line: int | None, column: int | None, path: str, fragment: str
) -> None:
    [first] = problems_of(source)
    assert fragment in first.message, first
    assert (first.line, first.column) == (line, column), first
    assert first.path == path
    assert first.file == NAME
    assert str(first).startswith(NAME)


@pytest.mark.parametrize(("source", "line", "column", "path", "fragment"), MALFORMED)
def test_the_pure_python_loader_reads_the_same(
    source: str | bytes, line: int | None, column: int | None, path: str, fragment: str
) -> None:
    """libyaml composes when it can; without it, every problem is the same."""
    from trailtui.contacts import loader

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_FAST_LOADER", None)
        pure = problems_of(source)
    assert pure == problems_of(source)


def test_python_tags_are_refused_not_constructed() -> None:
    problems = problems_of(C + "    notes: !!python/name:os.system x\n")
    first = problems[0]
    assert (first.line, first.column, first.path) == (3, 12, "contacts[0].notes")
    assert first.message == (
        "bad value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'"
    )
    assert all(p.line == 3 for p in problems)


def test_python_tags_on_collections_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    problem = only_problem(C + f"    notes: !!python/object/apply:os.system [touch {marker}]\n")
    assert not marker.exists()
    assert (problem.line, problem.path) == (3, "contacts[0].notes")
    assert problem.message == "expected text, found a list"


def test_non_utf8_line_after_multibyte_characters() -> None:
    # Valid UTF-8 ("ë") before the bad byte: the line is exact.
    problem = only_problem(b"contacts:\n  - name: Zo\xc3\xab \xff\n")
    assert problem.line == 2
    assert "not UTF-8" in problem.message


def test_file_over_5_mb_is_refused_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not valid YAML either: parsed, it would give a located syntax error.
    data = b"contacts: [\n" + b"#" * (5 * 1024 * 1024)
    composed: list[object] = []
    monkeypatch.setattr(yaml, "compose", lambda *args, **kwargs: composed.append(args))
    problem = only_problem(data)
    assert composed == []  # the YAML was never read
    assert problem.line is None
    assert "the limit is 5 MB" in problem.message
    assert "5.2 MB" in problem.message


def billion_laughs(levels: int = 10, width: int = 9) -> str:
    lines = ["lol0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"contacts: *a{levels - 1}")
    return "\n".join(lines) + "\n"


ALIAS_BOMB = Problem(NAME, None, None, "", "the file has too many values (an alias bomb?)")


def test_alias_bomb_is_refused() -> None:
    source = billion_laughs()
    assert len(source) < 1000  # a tiny file that expands to ~3.5e9 values
    # Refused at the value limit: expanding it would never end.
    assert only_problem(source) == ALIAS_BOMB


def test_alias_bomb_inside_a_contact_is_refused() -> None:
    source = "contacts:\n  - name: A\n    tags: &a0 [" + ", ".join(["x"] * 9) + "]\n"
    source += "".join(
        f"  - name: B{i}\n    tags: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    assert only_problem(source) == ALIAS_BOMB


def test_small_aliases_are_fine() -> None:
    book = parse_contacts(
        "contacts:\n  - name: Ann\n    tags: &t [a, b]\n  - name: Bob\n    tags: *t\n"
    )
    assert [c.tags for c in book.contacts] == [["a", "b"], ["a", "b"]]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("contacts: " + "[" * 200 + "]" * 200 + "\n", id="200-flow-lists"),
        pytest.param("contacts: " + "{a: " * 200 + "1" + "}" * 200 + "\n", id="200-flow-maps"),
        pytest.param(
            "contacts:\n" + "".join(" " * (i + 1) + "-\n" for i in range(200)), id="200-block"
        ),
        pytest.param("contacts: " + "[" * 3000 + "]" * 3000 + "\n", id="3000-flow-lists"),
        pytest.param("x: &a [*a]\ncontacts: []\n", id="self-referencing-alias"),
    ],
)
def test_deep_nesting_is_refused(source: str) -> None:
    # A problem of the whole file (no crash, no RecursionError).
    assert only_problem(source) == Problem(NAME, None, None, "", "the YAML is nested too deeply")


# --------------------------------------------------------------------------- every error at once

EVERYTHING_WRONG = """\
version: 2
settings:
  daily_goal: -1
contacts:
  - name: Ann
    cadance: 7d
  - name: 42
  - name: Bob
    feeds: [ftp://bob.example/feed]
  - name: ANN
    tags: solo
    why: a
    why: b
  - Carol
"""


def test_every_error_is_reported_sorted_by_line() -> None:
    problems = problems_of(EVERYTHING_WRONG)
    located = [(p.line, p.path, p.message.split(";")[0]) for p in problems]
    assert located == [
        (1, "version", "unsupported version 2"),
        (3, "settings.daily_goal", "expected a number of at least 0, found -1"),
        (6, "contacts[0]", "unknown key 'cadance'"),
        (7, "contacts[1].name", "expected text, found a number (42)"),
        (9, "contacts[2].feeds[0]", "unsupported URL scheme 'ftp' in 'ftp://bob.example/feed'"),
        (10, "contacts[3]", "duplicate id 'ann' (made from the name"),
        (
            11,
            "contacts[3].tags",
            "expected a list (one '- item' per line, or [a, b]), found text ('solo')",
        ),
        (13, "contacts[3].why", "duplicate key 'why' (first at line 12)"),
        (14, "contacts[4]", "expected a mapping (key: value lines), found text ('Carol')"),
    ]
    lines = [p.line or 0 for p in problems]
    assert lines == sorted(lines)


# --------------------------------------------------------------------------- load_contacts


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "contacts.yaml"
    with pytest.raises(ContactsError) as info:
        load_contacts(path)
    [problem] = info.value.problems
    assert problem.file == str(path)
    assert "no such file" in problem.message
    assert str(path) in problem.message
    assert problem.line is None


def test_load_directory(tmp_path: Path) -> None:
    with pytest.raises(ContactsError) as info:
        load_contacts(tmp_path)
    [problem] = info.value.problems
    assert problem.file == str(tmp_path)
    assert "this is a directory" in problem.message


def test_load_file_over_5_mb(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: quick to make
    with pytest.raises(ContactsError) as info:
        load_contacts(path)
    [problem] = info.value.problems
    assert "6.3 MB; the limit is 5 MB" in problem.message


def test_load_reports_the_file_name_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text("contacts:\n  - name: Ann\n    cadence: 7x\n", encoding="utf-8")
    with pytest.raises(ContactsError) as info:
        load_contacts(str(path))
    [problem] = info.value.problems
    assert str(problem).startswith(f"{path}:3:14: contacts[0].cadence: expected a duration")


def test_load_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ContactsError) as info:
        load_contacts(path)
    assert "binary file" in info.value.problems[0].message


# --------------------------------------------------------------------------- no crashes


def assert_book_or_contacts_error(source: str | bytes) -> None:
    try:
        book = parse_contacts(source, name=NAME, base_dir=Path("/nonexistent-base"))
    except ContactsError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == NAME
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1
            assert str(problem).startswith(NAME)
    else:
        assert isinstance(book, ContactBook)


@FAST
@given(st.text(max_size=300))
def test_random_text_never_crashes(source: str) -> None:
    assert_book_or_contacts_error(source)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_never_crashes(source: bytes) -> None:
    assert_book_or_contacts_error(source)


_FRAGMENTS = st.sampled_from(
    [
        *"-:[]{},#&*!|>'\"%@? \n\tab01_.~",
        "contacts:",
        "name:",
        "\n  - ",
        "cadence: ",
        "feeds: ",
        "tags: ",
        "<<: ",
        "&a ",
        "*a",
        "!!int ",
        "!!str ",
        "2001-02-30",
        "0x_",
        "1e9999",
        "~",
    ]
)


@FAST
@given(st.lists(_FRAGMENTS, max_size=60).map("".join))
@example("contacts:\n  - <<: 1\n    name: A\n")
def test_yaml_shaped_text_never_crashes(source: str) -> None:
    assert_book_or_contacts_error(source)


_ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
_FIELDS = ["name", "id", "circles", "why", "cadence", "tags", "links", "feeds", "x"]


@FAST
@given(st.dictionaries(st.sampled_from(_FIELDS), _ANY_VALUE, max_size=4))
@example({"name": "A", "cadence": 10**12})
def test_any_field_values_never_crash(contact: dict[str, Any]) -> None:
    assert_book_or_contacts_error(yaml.safe_dump({"contacts": [contact]}, allow_unicode=True))


def _crash(source: str, line: int, reason: str) -> Any:
    return pytest.param(source, line, id=reason.split(":")[0])


@pytest.mark.parametrize(
    ("source", "line"),
    [
        _crash(
            C + "    notes: 2001-02-30\n",
            3,
            "bad-date: an impossible date scalar raises ValueError from PyYAML's constructor "
            "(_Tree._scalar only catches ConstructorError)",
        ),
        _crash(
            C + "    why: 0b_\n",
            3,
            "binary-like: '0b_' matches YAML's int pattern and raises ValueError in int()",
        ),
        _crash(C + "    why: 0x_\n", 3, "hex-like: '0x_' raises ValueError in int()"),
        _crash(C + "    why: !!int abc\n", 3, "tag-int: '!!int abc' raises ValueError"),
        _crash(C + "    why: !!float abc\n", 3, "tag-float: '!!float abc' raises ValueError"),
        _crash(C + "    why: !!bool maybe\n", 3, "tag-bool: '!!bool maybe' raises KeyError"),
        _crash(
            C + "    why: !!timestamp soon\n",
            3,
            "tag-timestamp: '!!timestamp soon' raises AttributeError",
        ),
        _crash(
            "contacts:\n  - <<: 1\n    name: A\n",
            2,
            "merge-scalar: '<<: 1' raises yaml ConstructorError from flatten_mapping, "
            "which _Tree._mapping does not catch",
        ),
        _crash(
            C + "    cadence: 9999999999\n",
            3,
            "huge-cadence: parse_duration overflows timedelta; OverflowError escapes pydantic",
        ),
        _crash(
            "settings:\n  default_cadence: 9999999999w\ncontacts: []\n",
            2,
            "huge-default-cadence: OverflowError escapes pydantic",
        ),
        _crash(
            C + "    feeds: ['~no-such-user-trailtui/feed.xml']\n",
            3,
            "unknown-user-home: Path.expanduser raises RuntimeError for ~unknownuser, "
            "which pydantic does not turn into a validation error",
        ),
    ],
)
def test_known_crashes_are_reported_as_problems(source: str, line: int) -> None:
    problems = problems_of(source)
    assert any(p.line == line for p in problems), problems


def test_control_character_is_located() -> None:
    problem = only_problem("contacts:\n  - name: Ann\n  - name: B\x1bob\n")
    assert problem.line == 3
    assert "<unicode string>" not in problem.message


def test_merge_key_with_override() -> None:
    book = parse_contacts(
        "contacts:\n  - &base\n    name: Ann\n    cadence: 7d\n  - <<: *base\n    name: Bob\n"
    )
    assert [(c.name, c.cadence) for c in book.contacts] == [
        ("Ann", timedelta(days=7)),
        ("Bob", timedelta(days=7)),
    ]


def test_merge_key_without_override() -> None:
    book = parse_contacts(
        "contacts:\n  - &base\n    name: Ann\n    tags: [x]\n  - <<: *base\n    id: ann2\n"
    )
    assert [(c.id, c.tags) for c in book.contacts] == [("ann", ["x"]), ("ann2", ["x"])]


def test_file_url_with_relative_path_is_refused() -> None:
    problem = only_problem(C + "    feeds: ['file://feeds/a.xml']\n")
    assert problem.line == 3
    assert "absolute path" in problem.message


# --------------------------------------------------------------------------- round trip

_SAFE_NAME = st.text(
    alphabet=string.ascii_letters + string.digits + " éüßÆ山田'-", min_size=1, max_size=20
).filter(lambda s: s.strip() and slugify(s.strip()))
_ID = st.from_regex(r"[a-z][a-z0-9_.-]{0,11}", fullmatch=True)
_TAG = st.text(alphabet=string.ascii_lowercase + string.digits + " -", min_size=1, max_size=8)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


@st.composite
def _contact(draw: st.DrawFn) -> dict[str, Any]:
    contact: dict[str, Any] = {"name": draw(_SAFE_NAME)}
    if draw(st.booleans()):
        contact["id"] = draw(_ID)
    if draw(st.booleans()):
        contact["tags"] = draw(st.lists(_TAG, max_size=4))
    if draw(st.booleans()):
        contact["cadence"] = f"{draw(st.integers(1, 500))}{draw(st.sampled_from(list(_UNITS)))}"
    return contact


def _expected_id(contact: dict[str, Any]) -> str:
    return contact.get("id") or slugify(contact["name"].strip())


@FAST
@given(st.lists(_contact(), max_size=8, unique_by=_expected_id))
def test_generated_contacts_round_trip(contacts: list[dict[str, Any]]) -> None:
    source = yaml.safe_dump({"version": 1, "contacts": contacts}, allow_unicode=True)
    book = parse_contacts(source)
    assert [c.name for c in book.contacts] == [c["name"].strip() for c in contacts]
    assert [c.id for c in book.contacts] == [_expected_id(c) for c in contacts]
    assert [c.tags for c in book.contacts] == [c.get("tags", []) for c in contacts]
    for parsed, written in zip(book.contacts, contacts, strict=True):
        if "cadence" in written:
            amount, unit = int(written["cadence"][:-1]), written["cadence"][-1]
            assert parsed.cadence == amount * _UNITS[unit]
        else:
            assert parsed.cadence is None
