"""The weekly review: who was touched, who was skipped again and again, the
drafts left open; its offers written to contacts.yaml as one minimal edit
(every other byte kept), only once confirmed, through the app's door."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from trailtui import clock
from trailtui.contacts import ContactsError, parse_contacts
from trailtui.contacts.retune import Change, Retune, retuned_text
from trailtui.contacts.rows import sync_contacts
from trailtui.contacts.yamltext.fields import remove_contact, set_contact_value
from trailtui.store import open_store, queries, writes
from trailtui.store.models import DraftRow
from trailtui.trail.cadence import DAY
from trailtui.trail.review import weekly_review
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.screens.review import ReviewScreen

from .ui_support import running, screen_text, settle, shown, told, wait_for

NOW = 1_796_115_600  # 2026-12-01 09:00 UTC


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with clock.frozen(NOW):
        yield
    monkeypatch.undo()
    time.tzset()


FILE = """\
version: 1
# My people. Keep it short.
settings:
  daily_goal: 2
contacts:
  - name: Ada Quill   # met at the conference
    id: ada
    tier: A
    cadence: 7d
    # ask about the book
  - name: Bo Lind
    why: |
      Taught me looms.
      Kind.
  - {name: Cy Near, tier: B}
  - name: Dee Far
    tier:
"""


@pytest.mark.parametrize(
    ("index", "key", "value", "old", "new"),
    [
        (0, "cadence", "14d", "cadence: 7d", "cadence: 14d"),  # the value's characters only
        (0, "tier", "B", "tier: A", "tier: B"),
        # a new line after the block scalar, at the contact's indentation
        (1, "cadence", "2w", "      Kind.\n", "      Kind.\n    cadence: 2w\n"),
        (2, "tier", "C", "Cy Near, tier: B}", "Cy Near, tier: C}"),  # inside a flow mapping
        (2, "cadence", "3w", "Cy Near, tier: B}", "Cy Near, tier: B, cadence: 3w}"),
        (3, "tier", "C", "    tier:\n", "    tier: C\n"),  # a key with no value gets one
    ],
)
def test_one_value_set_keeps_every_other_byte(
    index: int, key: str, value: str, old: str, new: str
) -> None:
    assert FILE.count(old) == 1
    changed = set_contact_value(FILE, index, key, value)
    assert changed == FILE.replace(old, new)
    parse_contacts(changed)  # still a valid file


def test_retiring_takes_out_the_contacts_lines_and_nothing_else() -> None:
    new = remove_contact(FILE, 0)
    ada = FILE[FILE.index("  - name: Ada") : FILE.index("  - name: Bo")]
    assert ada.endswith("    # ask about the book\n")  # her comment goes with her
    assert new == FILE.replace(ada, "")
    assert [c.id for c in parse_contacts(new).contacts] == ["bo-lind", "cy-near", "dee-far"]
    with pytest.raises(ContactsError, match="only contact"):
        remove_contact("version: 1\ncontacts:\n  - name: Solo\n", 0)
    with pytest.raises(ContactsError, match=r"\[\.\.\.\] list"):
        remove_contact("version: 1\ncontacts: [{name: A}, {name: B}]\n", 0)


def test_a_contact_sharing_text_through_an_alias_is_refused() -> None:
    text = "version: 1\ncontacts:\n  - name: A\n    tags: &t [x]\n  - name: B\n    tags: *t\n"
    with pytest.raises(ContactsError, match="anchor"):
        set_contact_value(text, 1, "tier", "B")


def test_a_change_that_would_make_the_file_invalid_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    text = "version: 1\ncontacts:\n  - {name: Ada, cadence: 7d, max_cadence: 10d}\n"
    with pytest.raises(ContactsError, match="max_cadence"):
        retuned_text(path, text, Retune("ada", "Ada", Change.CADENCE, "14d"))
    with pytest.raises(LookupError, match="no longer"):
        retuned_text(path, text, Retune("bo", "Bo", Change.TIER, "B"))


# ---- the review's data ------------------------------------------------------

BOOK = """\
version: 1
contacts:
  - {name: Ada Quill, id: ada, tier: A}
  - {name: Bo Lind, id: bo, tier: B}
  - {name: Cy Near, id: cy}
  - {name: Dee Far, id: dee, tier: C}
"""


def review_store(folder: Path) -> Path:
    contacts = folder / "contacts.yaml"
    contacts.write_text(BOOK, encoding="utf-8")
    store = open_store(f"sqlite:///{folder / 'app.sqlite3'}")
    try:
        sync_contacts(store, parse_contacts(BOOK, name="c", base_dir=folder))
        writes.add_engagement(store, "ada", "like", at=NOW - 2 * DAY)
        writes.add_engagement(store, "ada", "comment", at=NOW - DAY, text="Nice")
        writes.add_engagement(store, "cy", "note", at=NOW - DAY, text="not a touch")
        writes.add_engagement(store, "bo", "help", at=NOW - 60 * DAY)  # 39 d past due (21 d)
        writes.add_engagement(store, "cy", "like", at=NOW - 35 * DAY)  # 21 d past due: 3 weeks
        writes.add_engagement(store, "dee", "like", at=NOW - 70 * DAY)  # due, not overdue
        with store.write() as session:
            session.execute(
                insert(DraftRow).values(
                    contact_id="bo",
                    body="Dear Bo,\nabout the loom",
                    created_at=NOW - 9 * DAY,
                    updated_at=NOW - 8 * DAY,
                    status="open",
                )
            )
            session.execute(
                insert(DraftRow).values(
                    contact_id="ada", body="sent", created_at=NOW, updated_at=NOW, status="sent"
                )
            )
    finally:
        store.close()
    return contacts


def test_the_week_touched_skipped_and_drafts(tmp_path: Path) -> None:
    review_store(tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    try:
        review = weekly_review(store, NOW)
    finally:
        store.close()
    assert [(t.person.id, t.touches, t.kinds) for t in review.touched] == [
        ("ada", 2, ("like", "comment"))
    ]  # a note is not a touch
    assert [(s.person.id, s.weeks) for s in review.skipped] == [("bo", 5), ("cy", 3)]
    bo = review.skipped[0]
    assert [(o.change, o.value) for o in bo.offers] == [
        (Change.CADENCE, "6w"),
        (Change.TIER, "C"),
        (Change.RETIRE, None),
    ]
    assert [o.change for o in review.skipped[1].offers] == [
        Change.CADENCE,
        Change.RETIRE,
    ]  # no tier
    assert [(d.contact_id, d.body.splitlines()[0]) for d in review.drafts] == [("bo", "Dear Bo,")]


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    return review_store(tmp_path)


async def test_a_confirmed_cadence_change_goes_through_the_door_and_keeps_every_byte(
    reviewed: Path, tmp_path: Path
) -> None:
    before = reviewed.read_text(encoding="utf-8")
    async with running(reviewed, tmp_path) as (app, pilot):
        reloads = app.reloads
        app.push_screen(ReviewScreen(app.workspace))
        await settle(pilot)
        text = await shown(pilot, "Skipped again and again (2)")
        assert "Bo Lind  5 weeks past due" in text and "Drafts left open (1)" in text
        assert "Loosen Bo Lind's cadence to 6w" in text
        await pilot.press("enter")  # the first offer: Bo's cadence
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")  # not confirmed: nothing written
        await settle(pilot)
        assert reviewed.read_text(encoding="utf-8") == before
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        await wait_for(pilot, lambda: app.reloads > reloads)
        await settle(pilot)
        after = reviewed.read_text(encoding="utf-8")
        # One insertion into Bo's line; every other byte kept.
        assert after == before.replace("id: bo, tier: B}", "id: bo, tier: B, cadence: 6w}")
        bo = queries.contact(app.workspace.store, "bo")
        assert bo is not None and bo.cadence_seconds == 42 * DAY  # synced through the door
        await shown(pilot, "Done: Loosen Bo Lind's cadence to 6w.")
        assert (
            "Bo Lind" not in screen_text(app).split("Skipped again and again")[1].split("Drafts")[0]
        )  # no longer overdue
        assert (tmp_path / "contacts.yaml.bak").read_text(encoding="utf-8") == before
        assert "failed" not in told(app)
