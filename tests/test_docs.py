"""The README's examples stay true: its contacts.yaml example is a valid file."""

from __future__ import annotations

import re
from pathlib import Path

from trailtui.contacts import parse_contacts

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_contacts_example_is_valid(tmp_path: Path) -> None:
    [example] = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    book = parse_contacts(example, base_dir=tmp_path)
    ada = book.contacts[0]
    assert ada.tier == "A" and ada.snooze_until is not None
    assert {feed.form for feed in ada.feeds} >= {"url", "blog", "github", "mastodon", "youtube"}
    assert book.settings.keys == {"like": "L", "refresh": "ctrl+r"}
