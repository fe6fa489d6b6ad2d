"""The README's examples stay true: its contacts.yaml example is a valid file."""

from __future__ import annotations

import re
from pathlib import Path

from trailtui.contacts import parse_contacts
from trailtui.trail.kinds import Kind
from trailtui.trail.templates import DraftContext, render, template_for, template_set

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_contacts_example_is_valid(tmp_path: Path) -> None:
    example, _ = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    book = parse_contacts(example, base_dir=tmp_path)
    ada = book.contacts[0]
    assert ada.tier == "A" and ada.snooze_until is not None
    assert {feed.form for feed in ada.feeds} >= {"url", "blog", "github", "mastodon", "youtube"}
    assert book.settings.keys == {"like": "L", "refresh": "ctrl+r"}


def test_the_readme_templates_example_is_valid_and_known(tmp_path: Path) -> None:
    _, example = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    book = parse_contacts(f"version: 1\n{example}contacts: []\n", base_dir=tmp_path)
    assert book.settings.mastodon_server == "hachyderm.io"
    templates = template_set(book.templates)
    thanks = template_for(templates, Kind.THANKS)
    assert thanks.body == book.templates["thanks"]  # replaced the built-in
    assert any(t.key == "Conference follow-up" and t.kind is Kind.COMMENT for t in templates)
    for template in templates:
        assert render(template.body, DraftContext()).unknown == ()
