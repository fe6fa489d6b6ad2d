"""Mistakes a new user makes in contacts.yaml, each answered at its place with the fix."""

from __future__ import annotations

import re

import pytest

from trailtui.contacts import ContactsError, Problem, parse_contacts

NAME = "contacts.yaml"


def problems(source: str) -> list[Problem]:
    with pytest.raises(ContactsError) as info:
        parse_contacts(source, name=NAME)
    return info.value.problems


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "email: ada@example.org",
            "'email' is not a contact key; links go under links: (links: {email: ada@example.org})",
        ),
        (
            "website: https://ada.example.org",
            "'website' is not a contact key; links go under links: "
            '(links: {website: "https://ada.example.org"})',
        ),
        (
            "phone: '+44 20 7946 0000'",
            "'phone' is not a contact key; links go under links: "
            "(links: {phone: +44 20 7946 0000})",
        ),
        (
            "linkedin: https://www.linkedin.com/in/ada",
            "'linkedin' is not a contact key; links go under links: (links: {linkedin: ",
        ),
        (
            "github: ada",
            "'github' is not a contact key; a feed goes under feeds: (feeds: [{github: ada}]), "
            "a link under links:",
        ),
        (
            "github: https://github.com/ada",
            "'github' is not a contact key; links go under links: "
            '(links: {github: "https://github.com/ada"})',
        ),
        (
            "blog: https://ada.example.org",
            "'blog' is not a contact key; a feed goes under feeds: "
            '(feeds: [{blog: "https://ada.example.org"}])',
        ),
        (
            "feed: https://ada.example.org/feed.xml",
            "'feed' is not a contact key; feeds go under feeds: "
            '(feeds: ["https://ada.example.org/feed.xml"])',
        ),
        (
            "url: https://ada.example.org",
            "'url' is not a contact key; a web site goes under links: "
            '(links: {website: "https://ada.example.org"}), a feed under feeds:',
        ),
        (
            "twitter: [a, b]",
            "'twitter' is not a contact key; links go under links: (links: {twitter: …})",
        ),
    ],
)
def test_a_link_at_the_contact_level_says_where_it_goes(line: str, message: str) -> None:
    source = f"contacts:\n  - name: Ada\n    why: kind\n    {line}\n"
    [problem] = problems(source)
    assert (problem.line, problem.column, problem.path) == (4, 5, "contacts[0]")
    assert problem.message.startswith(message), problem.message
    assert str(problem).startswith(f"{NAME}:4:5: contacts[0]: ")


def test_the_suggested_fix_loads() -> None:
    [problem] = problems('contacts:\n  - name: Ada\n    website: "https://ada.example.org"\n')
    fix = re.search(r"\(links: (\{.*\})\)", problem.message)
    assert fix is not None
    book = parse_contacts(f"contacts:\n  - name: Ada\n    links: {fix.group(1)}\n")
    assert book.contacts[0].links == {"website": "https://ada.example.org"}


def test_real_typos_keep_did_you_mean_and_misspelt_links_point_to_links() -> None:
    found = problems(
        "contacts:\n  - name: Ada\n    cadance: 7d\n    tag: [x]\n    linkdin: x\n    emial: y\n"
    )
    messages = [p.message for p in found]
    assert messages[0] == "unknown key 'cadance'; did you mean 'cadence'?"
    assert messages[1] == "unknown key 'tag'; did you mean 'tags'?"
    assert messages[2].startswith("unknown key 'linkdin'; expected one of: name, id,")
    assert messages[2].endswith("; a link (linkedin?) goes under links:")
    assert messages[3].endswith("; a link (email?) goes under links:")
    assert [(p.line, p.column) for p in found] == [(3, 5), (4, 5), (5, 5), (6, 5)]


def test_link_names_are_fine_inside_links_and_feeds() -> None:
    book = parse_contacts(
        "contacts:\n  - name: Ada\n    links: {email: ada@example.org, phone: '1', github: ada}\n"
        "    feeds: [{github: ada}]\n"
    )
    assert book.contacts[0].links["phone"] == "1"


def test_a_settings_key_gets_no_link_hint() -> None:
    [problem] = problems("settings:\n  email: a@b.example\ncontacts: []\n")
    assert problem.message.startswith("unknown key 'email'; expected one of: default_cadence")
