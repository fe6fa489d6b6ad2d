"""Adding links, feeds and tags to contacts already in the file, by insertion only."""

from __future__ import annotations

import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui.contacts import ContactsError, FeedSpec, parse_contacts
from trailtui.contacts.yamltext import (
    contact_yaml,
    merge_into_contact,
    merge_into_contacts,
    unmergeable,
)

from .contact_strategies import ANY_TEXT, WORD, contact, expected_id, feed
from .textdiff import insertions, kept_lines

SOME = settings(
    max_examples=int(os.environ.get("STRESS", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

WEB = "https://bo.example.org/"
GAINS: dict[str, Any] = {
    "links": {"website": WEB},
    "feeds": [{"github": "bo"}, "https://bo.example.org/feed.xml"],
    "tags": ["mentor", "yes"],
}


def merged(old: str, index: int, additions: dict[str, Any]) -> str:
    """merge_into_contact, checked: insertions only, the result loads, the contact
    gained exactly the additions, the others are unchanged."""
    new = merge_into_contact(old, index, additions)
    insertions(old, new)
    kept_lines(old, new)
    before, after = parse_contacts(old).contacts, parse_contacts(new).contacts
    assert len(after) == len(before)
    for i, (was, now) in enumerate(zip(before, after, strict=True)):
        if i != index:
            assert now == was
            continue
        assert now.links == {**additions.get("links", {}), **was.links}
        assert now.tags == [*was.tags, *additions.get("tags", [])]
        assert now.feeds == [*was.feeds, *map(_feed, additions.get("feeds", []))]
        assert (
            now.model_copy(update={"links": was.links, "tags": was.tags, "feeds": was.feeds}) == was
        )
    return new


def _feed(value: Any) -> FeedSpec:
    data = {"url": value} if isinstance(value, str) else value
    return FeedSpec.model_validate(data, context={"base_dir": None})


# --------------------------------------------------------------------------- links


def test_block_links_get_lines_at_their_end() -> None:
    old = (
        "contacts:\n"
        "  - name: Ann\n"
        "  - name: Bo   # the middle one\n"
        "    links:\n"
        "      email: bo@example.org   # work\n"
        "      # mastodon: ask\n"
        "    why: x\n"
        "  - name: Cy\n"
    )
    new = merged(old, 1, {"links": {"website": WEB, "odd key": "a: b"}})
    assert new == old.replace(
        "      # mastodon: ask\n",
        '      # mastodon: ask\n      website: https://bo.example.org/\n      odd key: "a: b"\n',
    )


def test_deeper_indented_block_links_keep_their_indentation() -> None:
    old = "contacts:\n    - name: Bo\n      links:\n          email: bo@example.org\n"
    new = merged(old, 0, {"links": {"website": WEB}})
    assert new == old + f"          website: {WEB}\n"


def test_flow_links_get_items_before_the_brace() -> None:
    old = "contacts:\n  - name: Bo\n    links: {email: bo@example.org}  # c\n  - name: Cy\n"
    new = merged(old, 0, {"links": {"website": WEB}})
    assert new == old.replace("bo@example.org}", f'bo@example.org, website: "{WEB}"}}')
    old = "contacts:\n  - name: Bo\n    links: {\n      email: bo@example.org,\n    }\n"
    new = merged(old, 0, {"links": {"website": WEB}})
    assert new == old.replace("org,\n", f'org,\n      website: "{WEB}",\n')
    old = "contacts:\n  - name: Bo\n    links: {}\n"
    assert merged(old, 0, {"links": {"a": "b"}}) == old.replace("{}", "{a: b}")


def test_missing_links_become_a_block_after_the_contacts_last_value() -> None:
    old = (
        "contacts:\n"
        "  - name: Bo\n"
        "    why: x   # because\n"
        "    # more to say later\n"
        "  # - name: Old friend\n"
        "\n"
        "# the end\n"
    )
    new = merged(old, 0, {"links": {"website": WEB}})
    assert new == old.replace(
        "    # more to say later\n", f"    # more to say later\n    links:\n      website: {WEB}\n"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", f"    links:\n      website: {WEB}\n    why: x\n"),
        (" ~  # none yet", f"    links:   # none yet\n      website: {WEB}\n    why: x\n"),
        (" null", f"    links: \n      website: {WEB}\n    why: x\n"),
    ],
)
def test_null_links_give_way_to_a_block(value: str, expected: str) -> None:
    # The loader refuses an empty value, so an import never meets one; the text
    # functions still take it: the null is the only text replaced.
    old = f"contacts:\n  - name: Bo\n    links:{value}\n    why: x\n"
    new = merge_into_contact(old, 0, {"links": {"website": WEB}})
    assert new == "contacts:\n  - name: Bo\n" + expected
    assert parse_contacts(new).contacts[0].links == {"website": WEB}


def test_a_link_the_contact_has_keeps_its_value() -> None:
    old = "contacts:\n  - name: Bo\n    links: {email: bo@example.org}\n"
    assert merge_into_contact(old, 0, {"links": {"email": "other@example.org"}}) == old
    new = merge_into_contact(old, 0, {"links": {"email": "other@example.org", "web": "w"}})
    assert parse_contacts(new).contacts[0].links == {"email": "bo@example.org", "web": "w"}


# --------------------------------------------------------------------------- feeds and tags


def test_block_lists_get_items_after_the_last_one() -> None:
    old = (
        "contacts:\n"
        "- name: Bo\n"
        "  tags:\n"
        "  - writing\n"
        "  feeds:\n"
        "  - https://bo.example.org/old.xml\n"
        "  - url: https://bo.example.org/notes.xml\n"
        "    label: Notes   # short ones\n"
        "- name: Cy\n"
    )
    new = merged(old, 0, GAINS)
    assert new == (
        "contacts:\n"
        "- name: Bo\n"
        "  tags:\n"
        "  - writing\n"
        "  - mentor\n"
        '  - "yes"\n'
        "  feeds:\n"
        "  - https://bo.example.org/old.xml\n"
        "  - url: https://bo.example.org/notes.xml\n"
        "    label: Notes   # short ones\n"
        "  - github: bo\n"
        "  - https://bo.example.org/feed.xml\n"
        "  links:\n"
        f"    website: {WEB}\n"
        "- name: Cy\n"
    )


def test_flow_lists_get_items_before_the_bracket() -> None:
    old = (
        "contacts:\n"
        "  - name: Bo\n"
        "    tags: [writing]\n"
        "    feeds: []   # none yet\n"
        "    links: {email: bo@example.org}\n"
    )
    new = merged(old, 0, GAINS)
    assert new == (
        "contacts:\n"
        "  - name: Bo\n"
        '    tags: [writing, mentor, "yes"]\n'
        '    feeds: [{github: bo}, "https://bo.example.org/feed.xml"]   # none yet\n'
        f'    links: {{email: bo@example.org, website: "{WEB}"}}\n'
    )


def test_flow_list_over_lines() -> None:
    old = "contacts:\n  - name: Bo\n    tags: [\n      a,\n      b\n    ]\n"
    new = merged(old, 0, {"tags": ["c"]})
    assert new == old.replace("      b\n", "      b,\n      c\n")


def test_missing_lists_are_added_in_the_readable_style() -> None:
    old = "contacts:\n  - name: Bo\n    id: bo\n  - name: Cy\n"
    new = merged(old, 0, {**GAINS, "tags": ["mentor", "writing"]})
    assert new == old.replace(
        "    id: bo\n",
        "    id: bo\n"
        "    tags: [mentor, writing]\n"
        "    links:\n"
        f"      website: {WEB}\n"
        "    feeds:\n"
        "      - github: bo\n"
        "      - https://bo.example.org/feed.xml\n",
    )
    new = merged(old, 0, {"tags": ["yes", "two words: here"]})
    assert new == old.replace(
        "    id: bo\n", '    id: bo\n    tags:\n      - "yes"\n      - "two words: here"\n'
    )


def test_null_lists_take_the_new_items() -> None:
    old = "contacts:\n  - name: Bo\n    tags:   # later\n    feeds: ~\n    why: x\n"
    new = merge_into_contact(old, 0, {**GAINS, "tags": ["mentor", "writing"]})
    assert new == (
        "contacts:\n"
        "  - name: Bo\n"
        "    tags: [mentor, writing]   # later\n"
        "    feeds: \n"
        "      - github: bo\n"
        "      - https://bo.example.org/feed.xml\n"
        "    why: x\n"
        "    links:\n"
        f"      website: {WEB}\n"
    )
    assert parse_contacts(new).contacts[0].tags == ["mentor", "writing"]
    old = "contacts: [{name: Ann, tags: ~}, {name: Bo, tags: }]\n"
    new = merge_into_contacts(old, {0: {"tags": ["a"]}, 1: {"tags": ["b"]}})
    assert new == "contacts: [{name: Ann, tags: [a]}, {name: Bo, tags: [b] }]\n"


# --------------------------------------------------------------------------- shapes of the file


@pytest.mark.parametrize("header", ["|", "|-", ">-", "|2"])
def test_after_a_multi_line_last_value(header: str) -> None:
    old = (
        "contacts:\n"
        "  - name: Bo\n"
        f"    notes: {header}\n"
        "      first line\n"
        "        second line\n"
        "\n"
        "\n"
        "  - name: Cy\n"
    )
    new = merged(old, 0, {"tags": ["a"]})
    assert new == old.replace("second line\n", "second line\n    tags: [a]\n")


def test_after_a_literal_that_keeps_its_blank_lines() -> None:
    old = "contacts:\n  - name: Bo\n    notes: |+\n      text\n\n  - name: Cy\n"
    new = merged(old, 0, {"tags": ["a"]})
    assert new == old.replace("text\n\n", "text\n\n    tags: [a]\n")
    assert parse_contacts(new).contacts[0].notes == "text\n\n"


@pytest.mark.parametrize("header", [">", "|", "|+"])
def test_multi_line_value_ending_the_file_without_a_line_break_is_refused(header: str) -> None:
    # A line after it would give the value a line break it does not have.
    old = f"contacts:\n  - name: Bo\n    notes: {header}\n      folded\n      text"
    assert "add a line break at the end of the file" in unmergeable(old)[0]
    with pytest.raises(ContactsError):
        merge_into_contact(old, 0, {"tags": ["a"]})
    stripped = old.replace(header, "|-")
    assert unmergeable(stripped) == {}
    assert merged(stripped, 0, {"tags": ["a"]}) == stripped + "\n    tags: [a]\n"
    assert merged(old + "\n", 0, {"tags": ["a"]}) == old + "\n    tags: [a]\n"


def test_no_line_break_at_the_end() -> None:
    old = "contacts:\n  - name: Bo\n    tags:\n      - a"
    new = merged(old, 0, {"tags": ["b"], "links": {"x": "y"}})
    assert new == old + "\n      - b\n    links:\n      x: y\n"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_first_middle_and_last_contact(index: int) -> None:
    old = (
        "# people\n"
        "version: 1\n"
        "contacts:\n"
        "  # the first\n"
        "  - name: Ann   # A\n"
        "    tags: [a]\n"
        "\n"
        "  - name: Bo\n"
        "    links:\n"
        "      email: bo@example.org\n"
        "    # Bo's comment\n"
        "\n"
        "  - name: Cy\n"
        "    feeds:\n"
        "      - https://cy.example.org/f.xml\n"
        "  # after the last\n"
        "settings:\n"
        "  daily_goal: 2  # keep\n"
    )
    additions = {"links": {"web": WEB}, "feeds": ["https://new.example.org/f"], "tags": ["t"]}
    new = merged(old, index, additions)
    links = f"    links:\n      web: {WEB}\n"
    feeds = "    feeds:\n      - https://new.example.org/f\n"
    expected = [
        old.replace("    tags: [a]\n", "    tags: [a, t]\n" + links + feeds),
        old.replace("bo@example.org\n", f"bo@example.org\n      web: {WEB}\n").replace(
            "    # Bo's comment\n", "    # Bo's comment\n    tags: [t]\n" + feeds
        ),
        old.replace("f.xml\n", "f.xml\n      - https://new.example.org/f\n    tags: [t]\n" + links),
    ]
    assert new == expected[index]


def test_crlf_and_byte_order_mark() -> None:
    old = "\ufeffversion: 1\r\ncontacts:\r\n  - name: Bo\r\n    tags: [a]\r\n"
    old += "    why: |\r\n      x\r\n"
    new = merged(old, 0, GAINS)
    assert new.startswith("\ufeff")
    assert new.count("\n") == new.count("\r\n")
    assert "    why: |\r\n      x\r\n    links:\r\n" in new


def test_flow_contacts() -> None:
    old = "contacts: [{name: Ann, tags: [a]}, {name: Bo}]  # c\n"
    new = merged(old, 0, GAINS)
    assert new == (
        'contacts: [{name: Ann, tags: [a, mentor, "yes"], '
        'links: {website: "https://bo.example.org/"}, '
        'feeds: [{github: bo}, "https://bo.example.org/feed.xml"]}, {name: Bo}]  # c\n'
    )
    merged(old, 1, GAINS)


def test_several_contacts_at_once() -> None:
    old = "contacts:\n  - name: Ann\n  - name: Bo\n    tags: [b]\n  - name: Cy\n"
    new = merge_into_contacts(old, {2: {"tags": ["c"]}, 0: {"tags": ["a"]}, 1: {"tags": ["x"]}})
    insertions(old, new)
    assert [c.tags for c in parse_contacts(new).contacts] == [["a"], ["b", "x"], ["c"]]
    assert merge_into_contacts(old, {0: {"tags": []}}) == old


# --------------------------------------------------------------------------- refused


ANCHORS = (
    "contacts:\n"
    "  - &ann\n"
    "    name: Ann\n"
    "    links: &links {email: ann@example.org}\n"
    "  - name: Bo\n"
    "    <<: *ann\n"
    "    id: bo\n"
    "  - name: Cy\n"
    "    links: *links\n"
    "  - name: Dee\n"
    "    tags: &t [x]\n"
)


def test_anchors_aliases_and_merge_keys_are_refused() -> None:
    refused = unmergeable(ANCHORS)
    assert set(refused) == {0, 1, 2}
    assert "anchor" in refused[0] and "merge key" in refused[1] and "anchor" in refused[2]
    for index in (0, 1, 2):
        with pytest.raises(ContactsError) as info:
            merge_into_contact(ANCHORS, index, {"tags": ["new"]})
        assert "without rewriting it" in str(info.value)
    # An anchor nothing refers to is harmless.
    assert merged(ANCHORS, 3, {"tags": ["y"]}).endswith("    tags: &t [x, y]\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("contacts: [\n", "not valid YAML"),
        ("version: 1\n", "no 'contacts:' list"),
        ("contacts: {a: b}\n", "not a list"),
    ],
)
def test_unusable_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(ContactsError) as info:
        merge_into_contact(text, 0, {"tags": ["a"]})
    assert message in str(info.value)


def test_wrong_requests_are_refused() -> None:
    old = "contacts:\n  - name: Ann\n"
    with pytest.raises(IndexError):
        merge_into_contact(old, 1, {"tags": ["a"]})
    with pytest.raises(ValueError, match="notes"):
        merge_into_contact(old, 0, {"notes": "x", "tags": ["a"]})


# --------------------------------------------------------------------------- property


def _document(contacts: list[dict[str, Any]], style: str, indent: int) -> str:
    if style == "flow":
        inner = yaml.safe_dump(contacts, default_flow_style=True, allow_unicode=True, width=10**6)
        return "version: 1\ncontacts: " + inner
    if style == "readable":
        return "# people\nversion: 1\ncontacts:\n" + "".join(contact_yaml(c) for c in contacts)
    return yaml.safe_dump(
        {"version": 1, "contacts": contacts},
        allow_unicode=True,
        sort_keys=False,
        indent=indent,
        default_flow_style=False,
    )


@st.composite
def gains(draw: st.DrawFn, have: dict[str, Any]) -> dict[str, Any]:
    links = draw(
        st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True).filter(
                lambda k: k not in have.get("links", {})
            ),
            st.one_of(ANY_TEXT, st.builds(lambda n: f"https://{n}.example.org/", WORD)),
            max_size=3,
        )
    )
    return {
        "links": links,
        "feeds": draw(st.lists(feed(), max_size=3)),
        "tags": draw(st.lists(st.one_of(WORD, ANY_TEXT), max_size=3)),
    }


@SOME
@given(st.lists(contact(), min_size=1, max_size=5, unique_by=expected_id), st.data())
def test_merging_only_inserts_and_adds_exactly_the_additions(
    people: list[dict[str, Any]], data: st.DataObject
) -> None:
    style = data.draw(st.sampled_from(["block", "flow", "readable"]))
    old = _document(people, style, data.draw(st.sampled_from([2, 4])))
    if data.draw(st.booleans()):
        old += "# a comment at the end\n"
    if style != "flow" and data.draw(st.booleans()):
        # A comment line and a blank line before every contact, at the list's indentation.
        dash = "  " if style == "readable" else ""
        old = old.replace(f"\n{dash}- name: ", f"\n\n{dash}# someone\n{dash}- name: ")
    if data.draw(st.booleans()):
        old = old.replace("\n", "\r\n")
    chosen = data.draw(st.sets(st.integers(0, len(people) - 1), min_size=1))
    merges = {i: data.draw(gains(people[i])) for i in sorted(chosen)}
    new = merge_into_contacts(old, merges)
    insertions(old, new)
    kept_lines(old, new)
    before = parse_contacts(old).contacts  # (what the generated text loads as)
    after = parse_contacts(new).contacts
    assert len(after) == len(before)
    for i, (was, now) in enumerate(zip(before, after, strict=True)):
        extra = merges.get(i, {})
        assert now.links == {**was.links, **extra.get("links", {})}
        assert now.tags == [*was.tags, *extra.get("tags", [])]
        assert now.feeds == [*was.feeds, *map(_feed, extra.get("feeds", []))]
        assert (
            now.model_copy(update={"links": was.links, "tags": was.tags, "feeds": was.feeds}) == was
        )
