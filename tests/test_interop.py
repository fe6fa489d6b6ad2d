"""Import readers (OPML, vCard, LinkedIn CSV), format detection and the merge plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import listparser
import pytest

from trailtui.contacts import parse_contacts
from trailtui.interop.apply import PlannedImport, apply_plan, plan_file
from trailtui.interop.detect import detect_format, read_data, read_file
from trailtui.interop.model import InteropError
from trailtui.interop.opml import read_opml, write_opml
from trailtui.interop.plan import ADD, MERGE, SKIP, plan_import
from trailtui.interop.profiles import classify, normalize_url
from trailtui.interop.trail import format_trail
from trailtui.store.records import TrailRecord

from .textdiff import insertions

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def by_name(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c.name: c.data for c in read_file(path).candidates}


# --------------------------------------------------------------------------- OPML


def test_opml_outlines_become_contacts_with_folders_as_tags() -> None:
    reading = read_file(FIXTURES / "subscriptions.opml")
    assert reading.format == "opml"
    people = {c.name: c for c in reading.candidates}
    ada = people["Ada Quill"]
    assert ada.data == {
        "name": "Ada Quill",
        "feeds": ["https://ada.example.org/feed.xml"],
        "links": {"website": "https://ada.example.org/"},
        "tags": ["People", "Writing", "Engineering"],  # also listed under Engineering
    }
    assert ada.source == "line 13"  # where the start tag ends
    assert ada.notes == ("also line 21 ('Ada (again)'): the same feed again",)
    assert people["Bo Lind & friends"].data["tags"] == ["People", "Writing", "essays", "Sweden"]
    assert people["Bo Lind & friends"].name_note == "named after the feed title; rename it"
    assert "Chidi Okafor" in people  # the blog's tagline left out
    assert "notitle.example.org" in people  # no title: named after the site
    assert people["notitle.example.org"].name_note == "named after the site's address; rename it"
    assert "Émile Zoë 日本" in people
    assert [r.reason for r in reading.rejected] == ["a link to another list (link), not a feed"]


def test_opml_agrees_with_listparser_on_the_feeds() -> None:
    data = (FIXTURES / "subscriptions.opml").read_bytes()
    ours = {f for c in read_opml(data).candidates for f in c.data["feeds"]}
    theirs = {f["url"] for f in listparser.parse(data)["feeds"]}
    assert ours == theirs


def test_duplicate_feed_within_the_file_is_one_person_with_its_folder_kept() -> None:
    plan = plan_import(read_file(FIXTURES / "subscriptions.opml"), None)
    assert not [i for i in plan.items if i.name == "Ada (again)"]
    [item] = [i for i in plan.items if i.name == "Ada Quill"]
    assert "also line 21 ('Ada (again)'): the same feed again" in item.notes
    [ada] = [c for c in plan.new_contacts() if c["name"] == "Ada Quill"]
    assert ada["tags"] == ["People", "Writing", "Engineering"]
    assert [i.name for i in plan.items][:2] == ["Ada Quill", "Bo Lind & friends"]  # file order


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<opml version='2.0'><body><outline text='a'></body></opml>", "line 1"),
        (b"<?xml version='1.0'?>\n<opml>\n<body>\n<outline xmlUrl='x' &/>", "line 4"),
        (b"<rss version='2.0'><channel/></rss>", "not an OPML file: the document is <rss>"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (b"<opml version='2.0'><body><outline text='Empty'/></body></opml>", "lists no feeds"),
    ],
)
def test_broken_opml_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(InteropError) as info:
        read_data(data, "opml")
    assert message in str(info.value)


def test_opml_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example.org/f"/>'
        b"</body></opml>"
    )
    with pytest.raises(InteropError, match="entities"):
        read_data(bomb, "opml")


def test_export_parses_back_with_listparser_and_imports_as_the_same_people(
    tmp_path: Path,
) -> None:
    source = (
        "contacts:\n"
        '  - name: Ada <Quill> & "Co"\n'
        "    id: ada\n"
        "    tags: [mentor, a/b, 'x,y']\n"
        "    links: {website: 'https://ada.example.org/'}\n"
        "    feeds:\n"
        "      - https://ada.example.org/feed.xml?a=1&b=2\n"
        "      - {blog: 'https://ada.example.org'}\n"
        '      - {github: ada-q, label: "Code \\x01 & <stuff>"}\n'
        "  - name: Bo\n"
        "  - name: Cy\n"
        "    feeds: [feeds/cy.rss]\n"
    )
    book = parse_contacts(source, base_dir=tmp_path)
    text = write_opml(book.contacts, now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    parsed = listparser.parse(text.encode())
    assert not parsed["bozo"], parsed["bozo_exception"]
    assert parsed["meta"]["created"] == "Sun, 01 Mar 2026 12:00:00 +0000"
    feeds = {f["url"] for f in parsed["feeds"]}
    assert feeds == {
        "https://ada.example.org/feed.xml?a=1&b=2",
        "https://github.com/ada-q.atom",
        (tmp_path / "feeds" / "cy.rss").as_uri(),
    }
    links = {f["url"] for f in parsed["lists"] + parsed["opportunities"]}
    assert "https://ada.example.org" in links
    again = plan_import(read_opml(text.encode()), None).new_contacts()
    assert [(c["name"], c["id"]) for c in again] == [
        ('Ada <Quill> & "Co"', "ada"),
        ("Bo", "bo"),
        ("Cy", "cy"),
    ]
    assert again[0]["feeds"][1] == {"blog": "https://ada.example.org"}
    assert again[0]["feeds"][2]["label"] == "Code & <stuff>"  # control character dropped
    assert again[0]["tags"] == ["mentor", "a b", "x y"]
    reimported = plan_import(read_opml(text.encode()), book)
    assert reimported.new_contacts() == []
    # Only the tags that OPML categories cannot hold ('/' and ',') come back changed.
    assert [i.additions for i in reimported.of(MERGE)] == [{"tags": ["a b", "x y"]}]


# --------------------------------------------------------------------------- vCard


def test_vcard_3_with_folding_escapes_and_profiles() -> None:
    people = by_name(FIXTURES / "contacts-v3.vcf")
    ada = people["Ada Quill"]
    assert ada["links"] == {
        "email": "ada@quill.example.com",  # the preferred one first
        "email-2": "ada@home.example.org",
        "website": "https://ada.example.org/",
        "work": "https://quill.example.com",
        "github": "https://github.com/adaquill",
        "linkedin": "https://www.linkedin.com/in/ada-quill-example/",
    }
    assert ada["feeds"] == [{"blog": "https://ada.example.org/"}, {"github": "adaquill"}]
    assert ada["notes"] == (
        "Principal Engineer at Quill & Sons, Ltd, Research\n"
        "Met at the Lisbon conference, 2025.\n"
        "Likes long walks and longer essays; writes weekly.\n"
    )
    assert ada["tags"] == ["mentor", "writing"]
    assert people["Bo Lind"]["feeds"] == [{"mastodon": "@bolind@hachyderm.example"}]
    assert people["Chidi Okafor"]["feeds"] == ["https://chidi.example.com/index.xml"]
    rejected = read_file(FIXTURES / "contacts-v3.vcf").rejected
    assert [(r.source, r.reason) for r in rejected] == [
        ("card 3 (line 28)", "the card has no name (FN or N)")
    ]


def test_vcard_4() -> None:
    reading = read_file(FIXTURES / "contacts-v4.vcf")
    dana = {c.name: c.data for c in reading.candidates}["Dana Kowalska"]
    assert dana["links"]["work"] == "https://example.com/about"
    assert dana["links"]["email"] == "dana@example.org"
    assert dana["feeds"] == [
        {"blog": "https://dana.example.org/blog/"},
        {"github": "danak-example"},
        {"bluesky": "dana.example.org"},
    ]
    assert dana["notes"] == (
        "Community lead\nOrganises the local meetup, every second Tuesday.\n"
        "Ask her about the mentoring scheme.\n"
    )
    assert dana["tags"] == ["community", "meetup,events"]
    assert [r.reason for r in reading.rejected] == ["not a person (KIND:org)"]


def test_vcard_2_1_quoted_printable() -> None:
    [card] = read_file(FIXTURES / "legacy-v21.vcf").candidates
    assert card.data == {
        "name": "Jürgen Müller",
        "links": {"email": "juergen@example.de"},
        "notes": "Grüße aus Berlin, sehr lange Zeile die umbroch wird.",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"BEGIN:VCARD\nFN:A\n", "begins at line 1 has no END:VCARD"),
        (b"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nEND:VCARD\n", "line 3: a new card begins"),
        (b"FN:A\nEND:VCARD\n", "line 2: END:VCARD without BEGIN:VCARD"),
        (b"FN:A\n", "no BEGIN:VCARD"),
    ],
)
def test_broken_vcard(data: bytes, message: str) -> None:
    with pytest.raises(InteropError) as info:
        read_data(data, "vcard")
    assert message in str(info.value)


# --------------------------------------------------------------------------- LinkedIn


def test_linkedin_connections_after_the_preamble() -> None:
    reading = read_file(FIXTURES / "Connections.csv")
    assert reading.format == "linkedin"
    frank, *_ = (c for c in reading.candidates if c.name == "Frank Ng")
    assert frank.data == {
        "name": "Frank Ng",
        "tags": ["linkedin"],
        "links": {
            "linkedin": "https://www.linkedin.com/in/frank-ng-example",
            "email": "frank@example.com",
        },
        "notes": "CTO at Acme, Inc.; connected on 01 Feb 2023",
    }
    ada = next(c for c in reading.candidates if c.name == "Ada Quill")
    assert "email" not in ada.data["links"]  # blank in the export
    assert ada.source == "line 5"
    assert [r.source for r in reading.rejected] == ["line 7"]
    grace = next(c for c in reading.candidates if c.name == "Grace O'Neil")
    assert grace.data["notes"] == "Designer, freelance; connected on 30 Nov 2021"


def test_csv_without_the_header_is_refused() -> None:
    with pytest.raises(InteropError) as info:
        read_data(b"name,email\nAda,ada@example.org\n", filename="people.csv")
    assert "LinkedIn" in str(info.value)
    with pytest.raises(InteropError):
        read_data(b"name,email\nAda,ada@example.org\n", "linkedin")


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("subscriptions.opml", "opml"),
        ("contacts-v3.vcf", "vcard"),
        ("contacts-v4.vcf", "vcard"),
        ("Connections.csv", "linkedin"),
    ],
)
def test_detection_by_content_whatever_the_name(name: str, fmt: str) -> None:
    assert detect_format((FIXTURES / name).read_bytes(), "renamed.txt") == fmt


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.opml", "the file is empty"),
        (b"  \n\n", "x.vcf", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png", "binary file"),
        (b"hello world\n", "notes.txt", "unknown format"),
        (b"hello world\n", "x.vcf", "named like VCARD but its content is not"),
        (b"<html><body/></html>", "x.xml", None),
    ],
)
def test_detection_errors(data: bytes, filename: str, message: str | None) -> None:
    with pytest.raises(InteropError) as info:
        read_data(data, filename=filename)
    if message:
        assert message in str(info.value)


def test_missing_and_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="no such file"):
        read_file(tmp_path / "nope.opml")
    with pytest.raises(InteropError, match="directory"):
        read_file(tmp_path)


# --------------------------------------------------------------------------- profiles


@pytest.mark.parametrize(
    ("url", "key", "feed"),
    [
        ("https://github.com/ada", "github", {"github": "ada"}),
        ("https://github.com/ada/repo", "github", None),
        ("https://github.com/features", "github", None),
        ("https://mastodon.social/@ada", "mastodon", {"mastodon": "@ada@mastodon.social"}),
        ("https://medium.com/@ada", "medium", {"medium": "@ada"}),
        ("https://ada.substack.com/", "substack", {"substack": "ada"}),
        ("https://www.linkedin.com/in/ada/", "linkedin", None),
        ("https://x.com/ada", "twitter", None),
        ("https://www.youtube.com/channel/UC1234567890123456789012", "youtube", None),
        ("https://www.reddit.com/user/ada_q", "reddit", {"reddit": "ada_q"}),
        ("https://ada.example.org/feed.xml", None, "https://ada.example.org/feed.xml"),
        ("https://ada.example.org/", "website", {"blog": "https://ada.example.org/"}),
        ("ftp://ada.example.org/", None, None),
    ],
)
def test_classify(url: str, key: str | None, feed: object) -> None:
    profile = classify(url)
    assert profile.link_key == key
    if key != "youtube":
        assert profile.feed == feed
    else:
        assert profile.feed == {"youtube": "UC1234567890123456789012"}


def test_normalize_url() -> None:
    assert normalize_url("http://WWW.Example.org/a/") == normalize_url("https://example.org/a")
    assert normalize_url("https://example.org/a?x=1#frag") == "example.org/a?x=1"


# --------------------------------------------------------------------------- the plan

EXISTING = """\
version: 1
contacts:
  - name: Ada Quill
    id: ada
    links: {email: ada@quill.example.com}
  - name: Frank Ng
    links: {linkedin: "https://linkedin.com/in/frank-ng-example/"}
    tags: [linkedin]
  - name: Bo Lind
    feeds: ["https://bo.example.net/atom.xml"]
  - name: Grace O'Neil
    id: grace-o-neil
    links: {email: grace@elsewhere.example.org}
  - name: Chidi Okafor
"""


def test_plan_against_existing_contacts() -> None:
    book = parse_contacts(EXISTING)
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), book)
    actions = {(i.name, i.source): i for i in plan.items}
    ada = actions["Ada Quill", "line 5"]
    assert ada.action == MERGE and ada.target == "ada"  # by id: the slug of the name
    assert ada.additions == {
        "links": {"linkedin": "https://www.linkedin.com/in/ada-quill-example"},
        "tags": ["linkedin"],
    }
    frank = actions["Frank Ng", "line 6"]
    assert frank.action == MERGE  # same profile URL, written differently
    assert "same profile URL" in frank.reason
    assert frank.additions == {"links": {"email": "frank@example.com"}}
    frank_again = actions["Frank Ng", "line 9"]
    assert frank_again.action == SKIP and "already in the contacts file" in frank_again.reason
    grace = actions["Grace O'Neil", "line 8"]
    assert grace.action == MERGE  # same name, and she has no email in the CSV to contradict
    assert plan.new_contacts() == []


def test_plan_by_email_feed_and_namesakes() -> None:
    book = parse_contacts(EXISTING)
    plan = plan_import(read_file(FIXTURES / "contacts-v3.vcf"), book)
    items = {i.name: i for i in plan.items}
    assert items["Ada Quill"].action == MERGE
    assert "same email ada@quill.example.com" in items["Ada Quill"].reason
    assert items["Chidi Okafor"].action == MERGE and items["Chidi Okafor"].target == "chidi-okafor"
    plan = plan_import(read_file(FIXTURES / "subscriptions.opml"), book)
    bo = next(i for i in plan.items if i.name == "Bo Lind & friends")
    assert bo.action == MERGE and "same feed https://bo.example.net/atom.xml" in bo.reason
    namesake = parse_contacts(
        "contacts:\n  - name: Dana Kowalska\n    links: {email: other@example.net}\n"
    )
    plan = plan_import(read_file(FIXTURES / "contacts-v4.vcf"), namesake)
    [dana] = [i for i in plan.items if i.name == "Dana Kowalska"]
    assert dana.action == ADD and dana.contact is not None
    assert dana.contact["id"] == "dana-kowalska-2"
    assert any("namesake" in note for note in dana.notes)


def test_plan_drops_feeds_the_schema_refuses() -> None:
    reading = read_data(
        b"<opml><body><outline text='A' xmlUrl='https://a.example.org/f'/></body></opml>"
    )
    reading.candidates[0].data["feeds"].append({"github": "not a user"})
    [item] = plan_import(reading, None).items
    assert item.action == ADD and item.contact is not None
    assert item.contact["feeds"] == ["https://a.example.org/f"]
    assert "left out feed github: not a user" in item.notes[0]


def test_unique_ids_within_one_import() -> None:
    opml = (
        b"<opml><body>"
        b"<outline text='Sam' xmlUrl='https://one.example.org/f'/>"
        b"<outline text='Sam' xmlUrl='https://two.example.org/f'/>"
        b"</body></opml>"
    )
    plan = plan_import(read_data(opml), parse_contacts("contacts:\n  - name: Other\n    id: sam\n"))
    # Same name as each other and as id 'sam': no email says otherwise, so they are one person.
    assert [i.action for i in plan.items] == [MERGE]
    assert plan.merges()["sam"]["feeds"] == [
        "https://one.example.org/f",
        "https://two.example.org/f",
    ]
    plan = plan_import(read_data(opml), None)
    assert [i.action for i in plan.items] == [ADD]
    assert plan.new_contacts()[0]["feeds"] == [
        "https://one.example.org/f",
        "https://two.example.org/f",
    ]


def test_merges_of_one_contact_are_combined_and_anchored_ones_left_by_hand() -> None:
    text = EXISTING.replace("  - name: Bo Lind\n", "  - name: Bo Lind\n    tags: &t [x]\n")
    text += "  - name: Dee\n    tags: *t\n"
    book = parse_contacts(text)
    plan = plan_import(read_file(FIXTURES / "subscriptions.opml"), book, text)
    [bo] = [i for i in plan.items if i.target == "bo-lind"]
    assert bo.action == MERGE and "YAML anchor" in bo.by_hand
    assert plan.by_hand() == [bo] and bo not in plan.to_merge()
    assert "bo-lind" not in plan.merges()
    # Without the text the plan cannot tell.
    assert not plan_import(read_file(FIXTURES / "subscriptions.opml"), book).by_hand()
    opml = (
        b"<opml><body>"
        b"<outline text='Sam' category='/a' xmlUrl='https://one.example.org/f'/>"
        b"<outline text='Sam' category='/b' xmlUrl='https://two.example.org/f'/>"
        b"</body></opml>"
    )
    text = "contacts:\n  - name: Other\n    id: sam\n"
    plan = plan_import(read_data(opml), parse_contacts(text), text)
    assert plan.merges() == {
        "sam": {
            "feeds": ["https://one.example.org/f", "https://two.example.org/f"],
            "tags": ["a", "b"],
        }
    }


def _planned(tmp_path: Path, contacts_text: str, source: str) -> PlannedImport:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(contacts_text, encoding="utf-8")
    planned = plan_file(FIXTURES / source, contacts)
    assert not isinstance(planned, str)
    return planned


def test_apply_writes_adds_and_merges_in_one_save(tmp_path: Path) -> None:
    planned = _planned(tmp_path, EXISTING, "subscriptions.opml")
    outcome = apply_plan(planned)
    assert outcome.error is None, outcome.error
    # Chidi is named after the person, not the blog: already in the file.
    assert (outcome.added, outcome.updated) == (2, 3)
    assert outcome.backup is not None and outcome.backup.read_text(encoding="utf-8") == EXISTING
    after = planned.contacts_path.read_text(encoding="utf-8")
    insertions(EXISTING, after)
    book = parse_contacts(after)
    assert len(book.contacts) == 5 + 2
    assert [f.url for f in book.by_id()["chidi-okafor"].feeds] == [
        "https://chidi.example.com/index.xml"
    ]
    ada, bo = book.by_id()["ada"], book.by_id()["bo-lind"]
    assert ada.links == {"email": "ada@quill.example.com", "website": "https://ada.example.org/"}
    assert ada.tags == ["People", "Writing", "Engineering"]
    assert [f.url for f in ada.feeds] == ["https://ada.example.org/feed.xml"]
    assert bo.tags == ["People", "Writing", "essays", "Sweden"]
    # The same import again: nothing left to do.
    again = plan_file(FIXTURES / "subscriptions.opml", planned.contacts_path)
    assert not isinstance(again, str)
    assert not again.plan.new_contacts() and not again.plan.merges()


def test_apply_refuses_a_file_changed_since_the_plan(tmp_path: Path) -> None:
    planned = _planned(tmp_path, EXISTING, "Connections.csv")
    assert planned.plan.merges() and not planned.plan.new_contacts()
    planned.contacts_path.write_text(EXISTING + "# edited meanwhile\n", encoding="utf-8")
    outcome = apply_plan(planned)
    assert outcome.error and "changed since the plan" in outcome.error
    assert outcome.updated == 0
    assert planned.contacts_path.read_text(encoding="utf-8").endswith("# edited meanwhile\n")


def test_apply_never_rewrites_a_contact_the_plan_did_not_know_to_leave(tmp_path: Path) -> None:
    text = EXISTING.replace("    id: ada\n", "    id: ada\n    <<: {why: shared}\n")
    planned = _planned(tmp_path, text, "Connections.csv")
    assert [i.target for i in planned.plan.by_hand()] == ["ada"]
    # A plan made without the file's text cannot tell; applying it still refuses.
    blind = PlannedImport(
        planned.source,
        planned.contacts_path,
        plan_import(read_file(FIXTURES / "Connections.csv"), planned.book),
        planned.original,
        planned.book,
    )
    outcome = apply_plan(blind)
    assert outcome.error and "without rewriting it" in outcome.error
    assert "merge key" in str(outcome.problems[0])
    assert planned.contacts_path.read_text(encoding="utf-8") == text
    # The plan that knows applies the other merges.
    outcome = apply_plan(planned)
    assert outcome.error is None and outcome.updated == 2
    after = parse_contacts(planned.contacts_path.read_text(encoding="utf-8")).by_id()
    assert after["ada"].links == {"email": "ada@quill.example.com"}
    assert after["frank-ng"].links["email"] == "frank@example.com"


def test_apply_refuses_a_result_that_changes_a_contact_it_should_not(tmp_path: Path) -> None:
    # A line added after a `|` value that ends the file without a line break would
    # give that value a line break: the append refuses, nothing is written.
    text = "contacts:\n  - name: Zed\n    notes: |\n      no line break after this"
    planned = _planned(tmp_path, text, "contacts-v4.vcf")
    assert planned.plan.new_contacts()
    outcome = apply_plan(planned)
    assert outcome.error and "add a line break at the end of the file" in outcome.error
    assert planned.contacts_path.read_text(encoding="utf-8") == text
    assert outcome.backup is None


# --------------------------------------------------------------------------- trail


def test_trail_formats() -> None:
    records = [
        TrailRecord(1, 0, "ada", "Ada", "like", None, "=cmd|' /C calc'!A0", "https://x", None),
        TrailRecord(2, 86400, "ada", "Ada", "comment", 'Nice, "really"\n', None, None, 90000),
    ]
    jsonl = format_trail(records, "jsonl").splitlines()
    assert len(jsonl) == 2 and '"at": "1970-01-01T00:00:00Z"' in jsonl[0]
    assert '"undone_at": "1970-01-02T01:00:00Z"' in jsonl[1]
    csv_text = format_trail(records, "csv")
    assert csv_text.startswith("id,at,contact_id,contact_name,kind,text,entry_title")
    assert "'=cmd" in csv_text  # never a formula in a spreadsheet
    with pytest.raises(ValueError):
        format_trail(records, "xml")
