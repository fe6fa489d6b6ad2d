"""A valid contacts file, damaged at random, either still loads or fails with located problems.

People edit contacts.yaml by hand: a deleted character, a duplicated line or a
stray paste must give them a message that points into the file, never a
crash of another kind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui.contacts import ContactBook, ContactsError, parse_contacts
from trailtui.contacts.yamltext import contact_yaml

from .contact_strategies import CONTACTS

SOME = settings(
    max_examples=int(os.environ.get("STRESS", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NAME = "contacts.yaml"
# Problems about the file as a whole, which have no single place.
WHOLE_FILE = ("the file is empty", "this looks like a binary file", "the YAML is nested too deeply")
SNIPPETS = st.sampled_from(
    [
        *"-:[]{},#&*!|>'\"%@? \t\n\r\x00\x85\ufeff\x1b",
        "  - name: X\n",
        "\n  ",
        "contacts:",
        "feeds: [",
        "cadence: 7q",
        "<<: *a",
        "&a ",
        "*a",
        "!!python/object:os.system ",
        "tier: D",
        "snooze_until: 2026-02-30",
        "github: 'a b'",
    ]
)


def _document(contacts: list[dict[str, Any]], hand_written: bool) -> str:
    if hand_written:
        return "# people\nversion: 1\ncontacts:\n" + "".join(contact_yaml(c) for c in contacts)
    return yaml.safe_dump({"version": 1, "contacts": contacts}, allow_unicode=True)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = _document(draw(CONTACTS), draw(st.booleans()))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True) or [""]
        kind = draw(st.sampled_from(["delete", "insert", "dup_line", "del_line", "swap", "indent"]))
        at = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif kind == "insert":
            text = text[:at] + draw(SNIPPETS) + text[at:]
        elif kind == "dup_line":
            lines.insert(line, lines[line])
            text = "".join(lines)
        elif kind == "del_line":
            del lines[line]
            text = "".join(lines)
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "".join(lines)
        else:
            lines[line] = draw(st.sampled_from(["  ", " ", "\t", ""])) + lines[line].lstrip(" ")
            text = "".join(lines)
    return text


@SOME
@given(damaged(), st.booleans())
def test_damaged_files_load_or_fail_with_located_problems(text: str, as_bytes: bool) -> None:
    source: str | bytes = text.encode("utf-8", errors="surrogatepass") if as_bytes else text
    try:
        book = parse_contacts(source, name=NAME, base_dir=Path("/nonexistent-base"))
    except ContactsError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == NAME
            assert problem.message
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1
            if problem.line is None:
                assert problem.message.startswith(WHOLE_FILE), problem
    else:
        assert isinstance(book, ContactBook)
