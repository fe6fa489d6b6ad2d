"""Hypothesis strategies for valid contacts files (plain data in the YAML schema's shape)."""

from __future__ import annotations

import string
from datetime import date
from typing import Any, Literal

from hypothesis import strategies as st

from trailtui.contacts.schema import slugify

# Any text YAML can hold: every character except surrogates (which UTF-8 cannot carry).
# Typed as the literal: through its decorators `characters` gives mypy no context to infer it.
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
ANY_TEXT = st.text(st.characters(exclude_categories=SURROGATES), max_size=40)
NAME = st.one_of(
    st.text(
        alphabet=string.ascii_letters + string.digits + " éüßÆ山田'-:#@*!&\"",
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["yes", "null", "2024-01-01", "123", "@ada", "*star", "!bang", "&amp", "- x"]),
    st.text(st.characters(exclude_categories=SURROGATES), min_size=1, max_size=15),
).filter(lambda s: s.strip() and slugify(s.strip()))
WORD = st.text(alphabet=string.ascii_lowercase + string.digits + " -", min_size=1, max_size=8)
HOST = st.from_regex(r"[a-z][a-z0-9]{0,8}\.example\.(org|com|net)", fullmatch=True)
PATH = st.from_regex(r"(/[a-z0-9_.~-]{1,8}){0,3}", fullmatch=True)
DURATION = st.builds(
    lambda n, unit: f"{n}{unit}", st.integers(1, 400), st.sampled_from(["h", "d", "w", "mo", "y"])
)


@st.composite
def feed(draw: st.DrawFn) -> Any:
    url = f"https://{draw(HOST)}{draw(PATH)}"
    kind = draw(st.sampled_from(["plain", "url", "blog", "github", "mastodon", "label"]))
    if kind == "plain":
        return url
    if kind == "url":
        return {"url": url}
    if kind == "blog":
        return {"blog": url}
    if kind == "github":
        return {"github": draw(st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True))}
    if kind == "mastodon":
        user = draw(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True))
        return {"mastodon": f"@{user}@{draw(HOST)}"}
    return {"url": url, "label": draw(ANY_TEXT.filter(bool))}


@st.composite
def contact(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"name": draw(NAME)}
    if draw(st.booleans()):
        data["id"] = draw(st.from_regex(r"[a-z][a-z0-9_.-]{0,11}", fullmatch=True))
    optional: dict[str, Any] = {
        "tier": st.sampled_from(["A", "B", "C"]),
        "circles": st.lists(WORD, max_size=3),
        "why": ANY_TEXT,
        "help": ANY_TEXT,
        "cadence": DURATION,
        "snooze_until": st.dates(date(2020, 1, 1), date(2040, 12, 31)),
        "tags": st.lists(st.one_of(WORD, ANY_TEXT), max_size=4),
        "notes": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=4).map("\n".join)),
        "links": st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True),
            st.one_of(ANY_TEXT, st.builds(lambda h: f"https://{h}/", HOST)),
            max_size=3,
        ),
        "feeds": st.lists(feed(), max_size=3),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


def expected_id(data: dict[str, Any]) -> str:
    return str(data.get("id") or slugify(data["name"].strip()) or "contact")


CONTACTS = st.lists(contact(), max_size=5, unique_by=expected_id)
