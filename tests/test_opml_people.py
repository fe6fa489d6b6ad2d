"""OPML from a feed reader: people named after themselves, not their blogs, and
one person's feeds joined into one contact, without joining different people."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trailtui.contacts import parse_contacts
from trailtui.interop.apply import apply_plan, plan_file
from trailtui.interop.detect import read_data, read_file
from trailtui.interop.model import Candidate
from trailtui.interop.opml import looks_like_person, outline_name, person_from_title
from trailtui.interop.plan import ADD, MERGE, SKIP, plan_import
from trailtui.interop.profiles import normalize_url, owner_of

from .textdiff import insertions

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PEOPLE = FIXTURES / "people.opml"


def people() -> dict[str, Candidate]:
    return {c.name: c for c in read_file(PEOPLE).candidates}


def feeds_of(candidate: Candidate) -> list[str]:
    return [f if isinstance(f, str) else f["url"] for f in candidate.data["feeds"]]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Notes by Nikolai Fernández", "Nikolai Fernández"),
        ("The Kofi Ivanov journal", "Kofi Ivanov"),
        ("Ada Quill's blog", "Ada Quill"),
        ("Ada Quill\u2019s notebook", "Ada Quill"),  # a curly apostrophe
        ("James' blog", "James"),
        ("Zoë Ångström's personal blog", "Zoë Ångström"),
        ("Ada Quill — Blog", "Ada Quill"),
        ("Ada Quill - Notes", "Ada Quill"),
        ("Blog | Ada Quill", "Ada Quill"),
        ("Blog of Ada Quill", "Ada Quill"),
        ("The blog of Ada Quill", "Ada Quill"),
        ("Le blog de Jean Dupont", "Jean Dupont"),
        ("Blog von Jürgen Müller", "Jürgen Müller"),
        ("Ada Quill on Substack", "Ada Quill"),
        ("Stories by Lena Berg on Medium", "Lena Berg"),
        ("Kofi Ivanov on GitHub", "Kofi Ivanov"),
        ("Jo Park (@jo@hachyderm.io)", "Jo Park"),
        ("@mira.bsky.social - Mira Novak", "Mira Novak"),
        ("DEV Community: Ada Quill", "Ada Quill"),
        ("overview for ada_q", "ada_q"),
        ("田中太郎のブログ", "田中太郎"),
        ('Chidi Okafor: "Systems, mostly"', "Chidi Okafor"),
        ("Thoughts on tools — Ada Quill", "Ada Quill"),
    ],
)
def test_a_person_is_found_in_a_blog_title(title: str, name: str) -> None:
    assert person_from_title(title) == name


@pytest.mark.parametrize(
    "title",
    [
        "Blog",
        "The Daily Blog",  # not someone called Daily
        "Notes by the team",
        "Bo Lind & friends",
        "Ada Quill — Bo Lind",  # two names: which one is theirs is not told
        "Rust Weekly: news",
        "Hacker News",
        "",
    ],
)
def test_a_title_that_names_nobody(title: str) -> None:
    assert person_from_title(title) is None


def test_how_an_outline_is_named() -> None:
    feed = "https://ada.example.org/feed.xml"
    assert outline_name({"text": "Dispatches", "author": "Grace Hopper"}, feed).text == (
        "Grace Hopper"
    )
    assert outline_name({"author": "grace@example.org (Grace Hopper)"}, feed).text == (
        "Grace Hopper"
    )
    # The reader's user gave a person's name to a feed titled otherwise.
    name = outline_name({"text": "Ada Quill", "title": "Scribbles"}, feed)
    assert (name.text, name.note) == ("Ada Quill", "")
    name = outline_name({"text": "Notes by Ada Quill"}, feed)
    assert name.note == "name taken from the feed title 'Notes by Ada Quill'"
    assert outline_name({"text": "Blog"}, feed).note == "named after the feed title; rename it"
    name = outline_name({}, feed, "https://www.ada.example.org/")
    assert (name.text, name.note) == (
        "ada.example.org",
        "named after the site's address; rename it",
    )
    assert outline_name({}, "https://x.example/f").text == "x.example"


def test_people_look_like_people() -> None:
    assert looks_like_person("Ada Quill")
    assert looks_like_person("Ludwig van Beethoven")
    assert looks_like_person("Émile Zoë 日本")
    assert not looks_like_person("ada")
    assert not looks_like_person("kottke.org")
    assert not looks_like_person("Daily Notes")
    assert not looks_like_person("Bo Lind & friends")


@given(st.text(max_size=60))
def test_a_found_name_is_a_non_empty_part_of_the_title(title: str) -> None:
    name = person_from_title(title)
    if name is not None:
        assert name.strip() == name and name
        assert name in " ".join(title.split())


@given(
    st.dictionaries(st.sampled_from(["text", "title", "author"]), st.text(max_size=30)),
    st.sampled_from(["https://a.example.org/f", "https://github.com/ada.atom"]),
)
def test_an_outline_always_has_a_name(attrs: dict[str, str], feed: str) -> None:
    assert outline_name(attrs, feed).text.strip()


# --------------------------------------------------------------------------- owners


@pytest.mark.parametrize(
    ("url", "owner"),
    [
        ("https://ada.example.org/feed.xml", "ada.example.org"),
        ("https://www.ada.example.org/notes/", "ada.example.org"),
        ("https://github.com/ada.atom", "github.com/@ada"),
        ("https://github.com/ada", "github.com/@ada"),
        ("https://github.com/ada/tool/commits.atom", "github.com/@ada"),
        ("https://github.com/", None),
        ("https://github.com/features", None),
        ("https://medium.com/feed/@ada", "medium.com/@ada"),
        ("https://medium.com/@ada?source=rss", "medium.com/@ada"),
        ("https://hachyderm.io/@jo.rss", "hachyderm.io/@jo"),
        ("https://social.example.net/@jo", "social.example.net/@jo"),  # any fediverse server
        ("https://mastodon.social/tags/python.rss", None),
        ("https://bsky.app/profile/mira.bsky.social/rss", "bsky.app/@mira.bsky.social"),
        (
            "https://www.youtube.com/feeds/videos.xml?channel_id=UCaaaaaaaaaaaaaaaaaaaaaa",
            "youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            "https://www.youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaaaa",
            "youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaaaa",
        ),
        ("https://priya.substack.com/feed", "priya.substack.com"),
        ("https://blog.example.com/author/maya/feed/", "blog.example.com/@maya"),
        ("https://tilde.example/~ada/feed.xml", "tilde.example/@ada"),
        ("https://www.reddit.com/user/ada_q/.rss", "reddit.com/@ada_q"),
        ("https://www.reddit.com/r/python/.rss", None),
        ("https://feeds.feedburner.com/AdaQuill", "feeds.feedburner.com/@adaquill"),
        ("ftp://ada.example.org/", None),
    ],
)
def test_whose_a_url_is(url: str, owner: str | None) -> None:
    assert owner_of(url) == owner


# --------------------------------------------------------------------------- the fixture


def test_people_are_named_after_themselves() -> None:
    found = people()
    assert sorted(found) == sorted(
        [
            "Nikolai Fernández",
            "Kofi Ivanov",
            "Ada Quill",
            "Zoë Ångström",
            "田中太郎",
            "meichen",
            "truiz",
            "Jo Park",
            "Sam Ito",
            "Mira Novak",
            "Lukas Meyer",
            "Lena Berg",
            "Omar Haddad",
            "Priya Raman",
            "Felix Wagner",
            "Grace Hopper",
            "Workshop Talks",
            "Maya Singh",
            "Leo Brandt",
            "Blog",
        ]
    )
    assert found["Nikolai Fernández"].name_note == (
        "name taken from the feed title 'Notes by Nikolai Fernández'"
    )
    assert found["meichen"].name_note.endswith("; rename it")  # a handle, not a name
    assert found["Workshop Talks"].name_note == "named after the feed title; rename it"
    assert found["Grace Hopper"].name_note == ""  # the feed's author


def test_one_persons_feeds_are_one_contact() -> None:
    found = people()
    kofi = found["Kofi Ivanov"]  # a journal and GitHub, under the same derived name
    assert kofi.data["feeds"] == [
        {"url": "https://kofi.example.net/journal/feed.atom", "label": "The Kofi Ivanov journal"},
        {"url": "https://github.com/kofi-iv.atom", "label": "Kofi Ivanov on GitHub"},
    ]
    assert kofi.data["links"] == {
        "website": "https://kofi.example.net/journal/",
        "github": "https://github.com/kofi-iv",
    }
    assert kofi.data["tags"] == ["Friends", "Code"]
    assert kofi.notes == ("also line 24 ('Kofi Ivanov on GitHub'): the same name",)
    ada = found["Ada Quill"]  # two feeds on her own site, the second titled otherwise
    assert feeds_of(ada) == [
        "https://ada.example.org/feed.xml",
        "https://ada.example.org/notes.atom",
    ]
    assert ada.data["links"] == {"website": "https://ada.example.org/"}  # one link per site
    assert ada.notes == ("also line 30 ('Scraps'): the same site, ada.example.org",)
    priya = found["Priya Raman"]  # a newsletter and a channel
    assert len(feeds_of(priya)) == 2 and priya.source == "line 50"


def test_accounts_on_shared_hosts_stay_different_people() -> None:
    found = people()
    for name in [
        "meichen", "truiz",  # github.com
        "Jo Park", "Sam Ito",  # one Mastodon server
        "Mira Novak", "Lukas Meyer",  # bsky.app
        "Lena Berg", "Omar Haddad",  # medium.com
        "Felix Wagner",  # substack.com
        "Workshop Talks",  # youtube.com
        "Maya Singh", "Leo Brandt",  # one site, an author page each
    ]:  # fmt: skip
        assert len(found[name].data["feeds"]) == 1, name
        assert found[name].notes == (), name
    blogs = [c for c in read_file(PEOPLE).candidates if c.name == "Blog"]
    assert [feeds_of(c) for c in blogs] == [
        ["https://one.example.com/blog/rss"],
        ["https://two.example.com/blog/rss"],
    ]


def test_the_plan_keeps_namesakes_apart_with_their_own_ids() -> None:
    plan = plan_import(read_file(PEOPLE), None)
    assert {i.action for i in plan.items} == {ADD}
    ids = [c["id"] for c in plan.new_contacts()]
    assert len(ids) == len(set(ids)) == 21
    second = [i for i in plan.items if i.name == "Blog"][1]
    assert second.contact is not None and second.contact["id"] == "blog-2"
    assert "a namesake of Blog [line 70] with other feeds" in second.notes
    assert "named after the feed title; rename it" in second.notes


CONTACTS = """\
# People, by hand.
version: 1
contacts:
  - name: Kofi Ivanov   # from the meetup
    feeds:
      - github: kofi-iv
  - name: Chidi Okafor
"""


def test_derived_names_find_the_people_already_there(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(CONTACTS, encoding="utf-8")
    planned = plan_file(PEOPLE, contacts)
    assert not isinstance(planned, str)
    [kofi] = [i for i in planned.plan.items if i.name == "Kofi Ivanov"]
    assert kofi.action == MERGE and kofi.target == "kofi-ivanov"
    assert kofi.additions["feeds"] == [
        {"url": "https://kofi.example.net/journal/feed.atom", "label": "The Kofi Ivanov journal"}
    ]
    outcome = apply_plan(planned)
    assert outcome.error is None, outcome.error
    assert (outcome.added, outcome.updated) == (20, 1)
    after = contacts.read_text(encoding="utf-8")
    insertions(CONTACTS, after)
    book = parse_contacts(after)
    assert [f.location for f in book.by_id()["kofi-ivanov"].feeds] == [
        "https://github.com/kofi-iv.atom",
        "https://kofi.example.net/journal/feed.atom",
    ]
    again = plan_file(PEOPLE, contacts)
    assert not isinstance(again, str)
    assert {i.action for i in again.plan.items} == {SKIP}


# --------------------------------------------------------------------------- properties

PERSONS = [
    "Ada Quill", "Bo Lind", "Chidi Okafor", "Dana Kowalska", "Émile Zoë", "Jürgen Müller",
    "Nikolai Fernández", "Kofi Ivanov", "Mei Chen", "Tomás Ruiz", "Priya Raman", "田中 太郎",
]  # fmt: skip
TITLES = ["Notes by {}", "{}'s blog", "The {} journal", "{} — Blog", "{} on Substack", "{}"]
SHARED = [
    "https://github.com/{}.atom",
    "https://medium.com/feed/@{}",
    "https://hachyderm.io/@{}.rss",
    "https://bsky.app/profile/{}.bsky.social/rss",
    "https://{}.substack.com/feed",
    "https://blog.example.com/{}/feed",  # a site of several authors, no author pages
]


@st.composite
def outlines(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(title, xmlUrl, htmlUrl) outlines: people's own sites and accounts on shared hosts."""
    found = []
    for _ in range(draw(st.integers(1, 12))):
        person = draw(st.sampled_from(range(len(PERSONS))))
        title = draw(st.sampled_from(TITLES)).format(PERSONS[person])
        handle = f"user{person}"
        if draw(st.booleans()):
            feed = draw(st.sampled_from(SHARED)).format(handle)
            site = ""
        else:
            path = draw(st.sampled_from(["feed.xml", "notes.atom", "rss"]))
            feed, site = f"https://{handle}.example.org/{path}", f"https://{handle}.example.org/"
        found.append((title, feed, site))
    return found


def _opml(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<outline type='rss' text={quoteattr(t)} xmlUrl={quoteattr(x)}"
        + (f" htmlUrl={quoteattr(h)}" if h else "")
        + "/>\n"
        for t, x, h in entries
    )
    return f"<opml version='2.0'><body>\n{body}</body></opml>".encode()


@settings(max_examples=150, deadline=None)
@given(outlines())
def test_grouping_never_loses_a_feed_nor_joins_different_people(
    entries: list[tuple[str, str, str]],
) -> None:
    reading = read_data(_opml(entries), "opml")
    got = [normalize_url(f) for c in reading.candidates for f in feeds_of(c)]
    assert sorted(set(got)) == sorted({normalize_url(x) for _, x, _ in entries})
    assert len(got) == len(set(got))  # each feed in one candidate
    owner = {
        normalize_url(x): int(x.split("user")[1].split(".")[0].split("/")[0]) for _, x, _ in entries
    }
    for candidate in reading.candidates:
        assert candidate.name.strip()
        assert len({owner[normalize_url(f)] for f in feeds_of(candidate)}) == 1, candidate
    plan = plan_import(reading, None)
    ids = [c["id"] for c in plan.new_contacts()]
    assert len(ids) == len(set(ids))
