"""The commented starter file stays true as people are added to it."""

from __future__ import annotations

import re

from trailtui.contacts import parse_contacts
from trailtui.contacts.starter import STARTER
from trailtui.contacts.yamltext import append_contacts


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_the_starter_comments_stay_true_after_the_first_add() -> None:
    assert "contacts: []" in STARTER
    once = append_contacts(STARTER, [{"name": "Ada Quill", "feeds": ["https://ada.example/f"]}])
    twice = append_contacts(once, [{"name": "Bo Lind"}])
    for text in (STARTER, once, twice):
        book = parse_contacts(text)
        has_brackets = re.search(r"^contacts:\s*\[\]", text, re.M) is not None
        assert has_brackets == (not book.contacts)
        for comment in _comments(text):
            assert "[]" not in comment or has_brackets, comment
    assert [c.name for c in parse_contacts(twice).contacts] == ["Ada Quill", "Bo Lind"]
    # The comment that explains the list still follows it.
    assert twice.index("  - name: Bo Lind") < twice.index("# Your people go in the contacts: list")
