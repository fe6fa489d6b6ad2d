"""An import edited before it is applied: entries left out, people renamed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trailtui.contacts import load_contacts, parse_contacts
from trailtui.interop.apply import apply_plan, plan_file
from trailtui.interop.detect import read_data, read_file
from trailtui.interop.plan import ADD, LEFT_OUT, MERGE, SKIP, ChoiceError, ImportPlan, plan_import

from .textdiff import insertions

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PEOPLE = FIXTURES / "people.opml"


def by_name(plan: ImportPlan, name: str) -> str:
    [key] = [i.key for i in plan.items if i.name == name]
    return key


def test_every_item_has_a_key_that_stays() -> None:
    for fixture in ("people.opml", "subscriptions.opml", "contacts-v3.vcf", "Connections.csv"):
        plan = plan_import(read_file(FIXTURES / fixture), None)
        keys = [i.key for i in plan.items]
        assert all(keys) and len(keys) == len(set(keys)), fixture
        again = plan.with_choices(skip={keys[0]})
        assert [i.key for i in again.items] == keys
        assert [i.key for i in again.with_choices().items] == keys
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), None)
    assert plan.item("line 5").name == "Ada Quill"
    with pytest.raises(KeyError):
        plan.item("line 999")


def test_leaving_out_and_renaming_is_pure() -> None:
    plan = plan_import(read_file(PEOPLE), None)
    before = copy.deepcopy(plan.items)
    blog = [i.key for i in plan.items if i.name == "Blog"]
    edited = plan.with_choices(
        skip={by_name(plan, "Workshop Talks")},
        rename={blog[0]: "Iris Okonkwo", blog[1]: "Pavel Horák"},
    )
    assert plan.items == before and not plan.skipped and not plan.renamed
    assert edited.skipped == {by_name(plan, "Workshop Talks")}
    assert edited.renamed == {blog[0]: "Iris Okonkwo", blog[1]: "Pavel Horák"}
    left = edited.item(by_name(plan, "Workshop Talks"))
    assert (left.action, left.reason) == (SKIP, LEFT_OUT)
    iris, pavel = edited.item(blog[0]), edited.item(blog[1])
    assert iris.action == pavel.action == ADD
    assert iris.contact is not None and pavel.contact is not None
    assert (iris.contact["name"], iris.contact["id"]) == ("Iris Okonkwo", "iris-okonkwo")
    assert (pavel.contact["name"], pavel.contact["id"]) == ("Pavel Horák", "pavel-horak")
    assert "renamed from 'Blog'" in iris.notes
    assert not any("rename it" in n or "namesake" in n for n in iris.notes + pavel.notes)
    assert len(edited.new_contacts()) == len(plan.new_contacts()) - 1
    ids = [c["id"] for c in edited.new_contacts()]
    assert len(ids) == len(set(ids))


def test_choices_replace_the_earlier_ones() -> None:
    plan = plan_import(read_file(PEOPLE), None)
    first = by_name(plan, "Jo Park")
    edited = plan.with_choices(skip={first}).with_choices(rename={first: "Joanna Park"})
    assert not edited.skipped and edited.item(first).action == ADD
    assert edited.item(first).name == "Joanna Park"
    assert plan.with_choices(rename={first: " Jo   Park "}).renamed == {}  # the same name


def test_ids_follow_the_names() -> None:
    opml = (
        b"<opml><body>"
        b"<outline text='Blog' xmlUrl='https://one.example.org/f'/>"
        b"<outline text='Blog' xmlUrl='https://two.example.org/f'/>"
        b"</body></opml>"
    )
    plan = plan_import(read_data(opml), None)
    assert [c["id"] for c in plan.new_contacts()] == ["blog", "blog-2"]
    one, two = (i.key for i in plan.items)
    assert [c["id"] for c in plan.with_choices(skip={one}).new_contacts()] == ["blog"]
    renamed = plan.with_choices(rename={one: "Uma Das"})
    assert [c["id"] for c in renamed.new_contacts()] == ["uma-das", "blog"]
    # A name whose id another one would get: both still unique.
    tricky = plan.with_choices(rename={two: "Blog 2"})
    assert [c["id"] for c in tricky.new_contacts()] == ["blog", "blog-2"]


EXISTING = """\
version: 1
contacts:
  - name: Frank Ng
    links: {linkedin: "https://linkedin.com/in/frank-ng-example/"}
  - name: Bo Lind
"""


@pytest.mark.parametrize(
    ("name", "new", "reason"),
    [
        ("Grace O'Neil", "", "a contact needs a name"),
        ("Grace O'Neil", "   ", "a contact needs a name"),
        ("Grace O'Neil", "bo lind", "Bo Lind (bo-lind) in your contacts file has that name"),
        ("Grace O'Neil", "Ada  Quill", "Ada Quill [line 5] is also imported with that name"),
        ("Frank Ng", "Franklin Ng", "already in your contacts file as frank-ng"),
    ],
)
def test_a_rename_that_cannot_be_is_refused_with_the_reason(
    name: str, new: str, reason: str
) -> None:
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), parse_contacts(EXISTING))
    key = next(i.key for i in plan.items if i.name == name and i.action != SKIP)
    with pytest.raises(ChoiceError) as info:
        plan.with_choices(rename={key: new})
    assert info.value.key == key
    assert reason in info.value.reason, info.value.reason


def test_other_refusals() -> None:
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), None)
    with pytest.raises(ChoiceError, match="no entry with this key"):
        plan.with_choices(skip={"line 999"})
    with pytest.raises(ChoiceError, match="not imported"):
        plan.with_choices(rename={"line 7": "Someone"})  # the row without a name
    with pytest.raises(ChoiceError, match=r"joined Frank Ng \[line 6\]; rename that one"):
        plan.with_choices(rename={"line 9": "Frank N."})
    # Leaving a duplicate out is fine: its additions are not taken.
    assert plan.with_choices(skip={"line 9"}).item("line 9").reason == LEFT_OUT
    with pytest.raises(ValueError, match="plan_import"):
        ImportPlan("opml", []).with_choices()


def test_a_person_left_out_or_renamed_takes_their_duplicates_along() -> None:
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), None)
    assert plan.item("line 9").part_of == "line 6"  # Frank Ng, listed twice
    left = plan.with_choices(skip={"line 6"})
    assert [i.action for i in (left.item("line 6"), left.item("line 9"))] == [SKIP, SKIP]
    assert left.item("line 9").part_of == "line 6"
    assert "Frank Ng" not in [c["name"] for c in left.new_contacts()]
    assert left.skipped == {"line 6"}  # only what was chosen
    renamed = plan.with_choices(rename={"line 6": "Franklin Ng"})
    assert renamed.item("line 9").action == SKIP and renamed.item("line 9").part_of == "line 6"
    [frank] = [c for c in renamed.new_contacts() if c["name"] == "Franklin Ng"]
    assert frank["id"] == "franklin-ng"


def test_a_merge_can_be_left_out() -> None:
    book = parse_contacts(EXISTING)
    plan = plan_import(read_file(FIXTURES / "Connections.csv"), book)
    [merge] = plan.of(MERGE)
    assert merge.key == "line 6" and plan.item("line 9").action == SKIP  # Frank Ng, twice
    # Each entry is its own choice: the repeated one now brings what the first did.
    edited = plan.with_choices(skip={"line 6"})
    assert [i.key for i in edited.of(MERGE)] == ["line 9"]
    assert edited.merges() == plan.merges()
    assert plan.with_choices(skip={"line 6", "line 9"}).merges() == {}


HAND_WRITTEN = """\
# My people.
version: 1
contacts:
  - name: Chidi Okafor   # met in Lagos
    links: {website: "https://chidi.example.com"}
"""


def test_an_edited_plan_applies_like_any_other(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(HAND_WRITTEN, encoding="utf-8")
    planned = plan_file(PEOPLE, contacts)
    assert not isinstance(planned, str)
    plan = planned.plan
    blog = [i.key for i in plan.items if i.name == "Blog"]
    edited = planned.with_choices(
        skip={by_name(plan, "Workshop Talks"), blog[1], by_name(plan, "Ada Quill")},
        rename={blog[0]: "Iris Okonkwo", by_name(plan, "meichen"): "Mei Chen"},
    )
    assert planned.plan is plan  # the first plan is kept as it was
    outcome = apply_plan(edited)
    assert outcome.error is None, outcome.error
    assert outcome.added == len(plan.new_contacts()) - 3
    after = contacts.read_text(encoding="utf-8")
    insertions(HAND_WRITTEN, after)
    assert outcome.backup is not None and outcome.backup.read_text(encoding="utf-8") == HAND_WRITTEN
    book = load_contacts(contacts)
    ids = book.by_id()
    assert ids["iris-okonkwo"].feeds[0].location == "https://one.example.com/blog/rss"
    assert ids["mei-chen"].feeds[0].location == "https://github.com/meichen.atom"
    assert "ada-quill" not in ids and "workshop-talks" not in ids and "blog" not in ids
    # The same file again: the renamed people are found by their feeds; what was
    # left out is offered again.
    again = plan_file(PEOPLE, contacts)
    assert not isinstance(again, str)
    assert sorted(c["name"] for c in again.plan.new_contacts()) == [
        "Ada Quill",
        "Blog",
        "Workshop Talks",
    ]
    [mei] = [i for i in again.plan.items if i.name == "meichen"]
    assert mei.action == SKIP and mei.target == "mei-chen"


def test_an_edited_plan_is_checked_like_any_other(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(HAND_WRITTEN, encoding="utf-8")
    planned = plan_file(PEOPLE, contacts)
    assert not isinstance(planned, str)
    edited = planned.with_choices(rename={by_name(planned.plan, "truiz"): "Tomás Ruiz"})
    contacts.write_text(HAND_WRITTEN + "  - name: Someone new\n", encoding="utf-8")
    outcome = apply_plan(edited)
    assert outcome.error and "changed since the plan" in outcome.error


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_entries_left_out_leave_the_others_as_planned(data: st.DataObject) -> None:
    plan = plan_import(read_file(PEOPLE), parse_contacts(HAND_WRITTEN))
    keys = [i.key for i in plan.items]
    skip = data.draw(st.sets(st.sampled_from(keys)))
    edited = plan.with_choices(skip=skip)
    kept = [i for i in plan.items if i.key not in skip]
    assert [i.action for i in kept] == [edited.item(i.key).action for i in kept]
    feeds = {str(f) for c in edited.new_contacts() for f in c.get("feeds", [])}
    for item in kept:
        if item.contact:
            assert {str(f) for f in item.contact["feeds"]} <= feeds
    ids = [c["id"] for c in edited.new_contacts()]
    assert len(ids) == len(set(ids))
