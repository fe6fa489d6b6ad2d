"""contacts.yaml edited as text: new contacts inserted at one point, nothing else touched."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui import paths
from trailtui.contacts import Contact, ContactsError, parse_contacts
from trailtui.contacts.yamltext import append_contacts, contact_yaml, dump_document

from .contact_strategies import CONTACTS, contact, expected_id

SOME = settings(
    max_examples=int(os.environ.get("STRESS", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

NEW: list[dict[str, Any]] = [
    {
        "name": 'Zoë "Z" Ng: engineer #1',
        "id": "zoe",
        "tags": ["writing", "yes"],
        "links": {"email": "zoe@example.org", "website": "https://zoe.example.org/"},
        "feeds": [
            "https://zoe.example.org/feed.xml",
            {"blog": "https://zoe.example.org"},
            {"github": "zoe-ng"},
            {"url": "https://zoe.example.org/notes.atom", "label": "Notes: short"},
        ],
        "notes": "Met in Lisbon.\n  Indented line.\n",
    },
    {"name": "@handle", "id": "handle-2"},
]


def inserted_at_one_point(old: str, new: str) -> str:
    """What was inserted, if new == old[:p] + inserted + old[p:] for some p."""
    prefix = 0
    while prefix < len(old) and prefix < len(new) and old[prefix] == new[prefix]:
        prefix += 1
    for p in range(prefix, -1, -1):
        tail = old[p:]
        if new.startswith(old[:p]) and new.endswith(tail) and len(new) >= len(old):
            return new[p : len(new) - len(tail)]
    raise AssertionError(f"the old text is not kept around one insertion point:\n{new}")


def names(text: str) -> list[str]:
    return [c.name for c in parse_contacts(text).contacts]


SHAPES = {
    "indented block list, comments after": (
        "# my people\nversion: 1\ncontacts:\n  - name: Ann   # first\n    why: x\n"
        "  # - name: Old friend (commented out)\n\n# end of file\n"
    ),
    "column-0 block list": "version: 1\ncontacts:\n- name: Ann\n  tags: [a]\n",
    "not the last key": "contacts:\n  - name: Ann\n    notes: |\n      hi\n\nsettings:\n"
    "  daily_goal: 2  # keep\n",
    "no trailing newline": "contacts:\n  - name: Ann",
    "nested last value": "contacts:\n  - name: Ann\n    links:\n      a: b\n    feeds:\n"
    "      - url: https://ann.example.org/f\n        label: L\n",
    "flow value last, multi-line": "contacts:\n  - name: Ann\n    tags: [a,\n      b]\n",
    "empty flow list": "version: 1\ncontacts: []  # nobody yet\n",
    "flow list on one line": "contacts: [{name: Ann}, {name: Bo}]  # c\n",
    "flow list over lines": "contacts: [\n  {name: Ann},\n  {name: Bo}  # c\n]\n",
    "flow list, trailing comma": "contacts: [\n  {name: Ann},  # c\n]\n",
    "empty contacts key": "version: 1\ncontacts:   # none yet\nsettings:\n  daily_goal: 1\n",
    "empty contacts key at the end": "version: 1\ncontacts:",
    "missing contacts key": "version: 1\nsettings:\n  daily_goal: 1\n# trailing comment\n",
    "only comments": "# nothing here yet\n",
    "empty text": "",
    "byte-order mark": "\ufeffversion: 1\ncontacts:\n  - name: Ann\n",
    "literal keeps trailing lines": "contacts:\n  - name: Ann\n    notes: |+\n      a\n\n",
    "anchors and aliases": "contacts:\n  - &b\n    name: Ann\n    tags: [x]\n  - name: Bo\n"
    "    <<: *b\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_append_inserts_at_one_point(shape: str) -> None:
    old = SHAPES[shape]
    try:
        before = names(old)
    except ContactsError:  # no contacts yet: an empty or missing `contacts:`
        before = []
    new = append_contacts(old, NEW)
    # An empty `[]` gives way to a block list: the only text ever removed.
    inserted_at_one_point(old.replace("contacts: []", "contacts: "), new)
    assert names(new) == [*before, 'Zoë "Z" Ng: engineer #1', "@handle"]
    book = parse_contacts(new)
    zoe = book.contacts[len(before)]
    assert zoe.notes == "Met in Lisbon.\n  Indented line.\n"
    assert zoe.tags == ["writing", "yes"]
    assert [f.form for f in zoe.feeds] == ["url", "blog", "github", "url"]
    assert zoe.feeds[3].label == "Notes: short"
    if shape == "literal keeps trailing lines":
        assert book.contacts[0].notes == "a\n\n"


def test_append_matches_the_list_indentation() -> None:
    new = append_contacts(SHAPES["column-0 block list"], [{"name": "Bo", "id": "bo"}])
    assert new.endswith("- name: Ann\n  tags: [a]\n- name: Bo\n  id: bo\n")
    new = append_contacts("contacts:\n    - name: Ann\n", [{"name": "Bo"}])
    assert new == "contacts:\n    - name: Ann\n    - name: Bo\n"


def test_comments_after_the_last_contact_stay_where_they_were() -> None:
    old = SHAPES["indented block list, comments after"]
    new = append_contacts(old, [{"name": "Bo"}])
    assert new == old.replace("    why: x\n", "    why: x\n  - name: Bo\n"), (
        "inserted after the last contact's own lines, before the commented-out entry"
    )


def test_comment_lines_inside_the_last_item_stay_with_it() -> None:
    old = "contacts:\n  - name: Ann\n    why: x\n    # feeds: to do\nsettings: {}\n"
    new = append_contacts(old, [{"name": "Bo"}])
    assert new == old.replace("    # feeds: to do\n", "    # feeds: to do\n  - name: Bo\n")


def test_contacts_separated_by_blank_lines_get_one_too() -> None:
    old = "contacts:\n  - name: Ann\n\n  - name: Bo\n    notes: |\n      hi\n\n# end\n"
    new = append_contacts(old, [{"name": "Cy"}, {"name": "Dee"}])
    assert new == old.replace("      hi\n", "      hi\n\n  - name: Cy\n\n  - name: Dee\n"), (
        "after Bo's last line of text, before the blank line that was there"
    )
    crlf = old.replace("\n", "\r\n")
    assert append_contacts(crlf, [{"name": "Cy"}]) == crlf.replace(
        "      hi\r\n", "      hi\r\n\r\n  - name: Cy\r\n"
    )
    # Not every two are apart: no blank line is added.
    old = "contacts:\n  - name: Ann\n\n  - name: Bo\n  - name: Cy\n"
    assert append_contacts(old, [{"name": "Dee"}]) == old + "  - name: Dee\n"


def test_crlf_file_stays_crlf() -> None:
    old = "version: 1\r\ncontacts:\r\n  - name: Ann\r\n# end\r\n"
    new = append_contacts(old, NEW)
    inserted = inserted_at_one_point(old, new)
    assert "\n" not in inserted.replace("\r\n", "")
    assert names(new)[-2:] == ['Zoë "Z" Ng: engineer #1', "@handle"]


def test_empty_flow_list_becomes_a_block_list() -> None:
    new = append_contacts("contacts: []  # none yet\n", [{"name": "Ann"}, {"name": "Bo"}])
    assert new == "contacts:   # none yet\n  - name: Ann\n  - name: Bo\n"


def test_explicit_null_is_the_only_text_replaced() -> None:
    old = "contacts: ~  # later\nversion: 1\n"
    new = append_contacts(old, [{"name": "Ann"}])
    assert new == "contacts:   # later\n  - name: Ann\nversion: 1\n"
    assert names(append_contacts("contacts: null", [{"name": "Ann"}])) == ["Ann"]


def test_nothing_to_append_returns_the_text() -> None:
    assert append_contacts("not: [valid", []) == "not: [valid"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("contacts: [\n", "not valid YAML"),
        ("- name: Ann\n", "block mapping"),
        ("{contacts: []}\n", "block mapping"),
        ("contacts: {name: Ann}\n", "not a list"),
        ("contacts: Ann\n", "not a list"),
    ],
)
def test_unusable_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(ContactsError) as info:
        append_contacts(text, [{"name": "Bo"}])
    assert message in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        "plain words",
        "Ann: the first",
        "a # not a comment",
        "#hashtag",
        '"quoted"',
        "'single'",
        "@handle",
        "*star",
        "!tag",
        "&anchor",
        "%percent",
        "`tick",
        "- dash",
        "? question",
        "yes",
        "No",
        "null",
        "~",
        "123",
        "0x1F",
        "1e3",
        "2024-01-01",
        "12:30",
        "<<",
        "=",
        " leading and trailing ",
        "tab\tinside",
        "ends with colon:",
        "Émile 山田 🙂",
        "control \x07 \x1b[31m \x85 \u2028 \ufeff",
        "back\\slash",
        "line\nbreaks\n\nand more\n",
        "two trailing\n\n",
        "\nleading break",
        "  indented first line\nsecond",
        "crlf\r\nline",
        "last line has spaces\n   ",
    ],
)
def test_any_text_round_trips(value: str) -> None:
    block = contact_yaml({"name": "Ann", "why": value, "notes": value, "tags": [value]})
    [ann] = parse_contacts("contacts:\n" + block).contacts
    assert (ann.why, ann.notes, ann.tags) == (value, value, [value])
    flow = append_contacts("contacts: []\n", [{"name": "Ann", "why": value, "tags": [value]}])
    [ann] = parse_contacts(flow).contacts
    assert (ann.why, ann.tags) == (value, [value])


def test_contact_yaml_is_readable() -> None:
    text = contact_yaml(
        {
            "notes": "Line one.\nLine two.\n",
            "feeds": ["https://a.example.org/feed", {"github": "ann"}],
            "links": {"email": "ann@example.org"},
            "tags": ["mentor", "writing"],
            "cadence": timedelta(days=14),
            "snooze_until": date(2026, 12, 1),
            "id": "ann",
            "name": "Ann Example",
            "why": "",
        }
    )
    assert text == (
        "  - name: Ann Example\n"
        "    id: ann\n"
        "    cadence: 2w\n"
        "    snooze_until: 2026-12-01\n"
        "    tags: [mentor, writing]\n"
        "    links:\n"
        "      email: ann@example.org\n"
        "    feeds:\n"
        "      - https://a.example.org/feed\n"
        "      - github: ann\n"
        "    notes: |\n"
        "      Line one.\n"
        "      Line two.\n"
    )
    assert contact_yaml({"name": "Bo"}, indent="") == "- name: Bo\n"
    with pytest.raises(ValueError):
        contact_yaml({"name": " "})


def test_dump_document_of_the_demo_round_trips() -> None:
    path = paths.demo_dir() / "contacts.yaml"
    book = parse_contacts(path.read_bytes(), base_dir=path.parent)
    again = parse_contacts(dump_document(book), base_dir=path.parent)
    assert again.contacts == book.contacts
    assert again.settings == book.settings
    assert again.templates == book.templates


def test_dump_document_writes_settings_and_feed_forms(tmp_path: Path) -> None:
    source = (
        "version: 1\nsettings:\n  default_cadence: 3w\n  tier_cadences: {A: 5d}\n"
        "  keys: {like: L}\n  theme: nord\ntemplates:\n  q: 'Great post on {title}: ...'\n"
        "contacts:\n  - name: Ann\n    tier: A\n    cadence: 36h\n    max_cadence: 30d\n"
        "    feeds:\n      - feeds/ann.rss\n      - {blog: 'https://ann.example.org'}\n"
        "      - {mastodon: '@ann@mastodon.example', label: Toots}\n"
    )
    book = parse_contacts(source, base_dir=tmp_path)
    dumped = dump_document(book)
    assert "default_cadence: 3w" in dumped and "cadence: 36h" in dumped
    assert "      - feeds/ann.rss\n" in dumped
    assert '      - mastodon: "@ann@mastodon.example"\n        label: Toots\n' in dumped
    again = parse_contacts(dumped, base_dir=tmp_path)
    assert again.contacts == book.contacts and again.settings == book.settings
    assert again.templates == book.templates
    assert dump_document(parse_contacts("contacts: []")) == "version: 1\ncontacts: []\n"


# --------------------------------------------------------------------------- properties


def _document(contacts: list[dict[str, Any]], flow: bool, indent: int) -> str:
    if flow:
        inner = yaml.safe_dump(contacts, default_flow_style=True, allow_unicode=True, width=10**6)
        return "version: 1\ncontacts: " + inner
    return yaml.safe_dump(
        {"version": 1, "contacts": contacts},
        allow_unicode=True,
        sort_keys=False,
        indent=indent,
        default_flow_style=False,
    )


@SOME
@given(CONTACTS, st.booleans(), st.sampled_from([2, 4]))
def test_load_dump_load_is_unchanged(
    contacts: list[dict[str, Any]], flow: bool, indent: int
) -> None:
    book = parse_contacts(_document(contacts, flow, indent))
    again = parse_contacts(dump_document(book))
    assert again.contacts == book.contacts
    assert again.settings == book.settings


@SOME
@given(st.lists(contact(), max_size=8, unique_by=expected_id), st.data())
def test_append_keeps_the_text_and_adds_the_contacts(
    everyone: list[dict[str, Any]], data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(everyone)))
    old_contacts, new_contacts = everyone[:split], everyone[split:]
    old = _document(old_contacts, data.draw(st.booleans()), data.draw(st.sampled_from([2, 4])))
    if data.draw(st.booleans()):
        old += "# a comment at the end\n"
    if data.draw(st.booleans()):
        old = old.replace("\n", "\r\n")
    new = append_contacts(old, new_contacts)
    inserted_at_one_point(old.replace("contacts: []", "contacts: "), new)
    old_book = parse_contacts(old) if old_contacts else None
    expected = (old_book.contacts if old_book else []) + [
        Contact.model_validate(c, context={"base_dir": None}) for c in new_contacts
    ]
    assert parse_contacts(new).contacts == expected
