"""Draft templates: the built-in ones, the user's own, and filling them in.

A template's body holds `{placeholders}` (`PLACEHOLDERS`). Filling one in
never fails: a name that is not a placeholder stays in the text as written
and is reported, so the user sees it and can fix it; anything else between
braces (`{}`, `{0}`, `{a.b}`, `{x!r}`, a lone `{`) is plain text. Values go
in literally and are never expanded again, so a post titled "{name}" or
"[bold]" reads exactly so in the draft.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from trailtui.trail.kinds import Kind

PLACEHOLDERS = ("name", "first_name", "title", "link", "quote", "help", "why", "last_trail")


@dataclass(frozen=True)
class Template:
    """One entry of the template picker."""

    key: str  # a built-in's key ("comment", "question"...) or a user template's name
    label: str  # shown in the picker
    body: str  # with {placeholders}
    kind: Kind  # the trail it records when posted
    builtin: bool  # False once the body is the user's (their own, or one they replaced)


BUILT_INS: tuple[Template, ...] = (
    Template(
        "comment",
        "Thoughtful comment",
        "Hi {first_name}, I enjoyed “{title}”. ",
        Kind.COMMENT,
        True,
    ),
    Template(
        "question",
        "Question",
        "Hi {first_name}, a question about “{title}”: ",
        Kind.COMMENT,
        True,
    ),
    Template(
        "feedback",
        "Typo or feedback",
        "Hi {first_name}, a small thing in “{title}”: ",
        Kind.COMMENT,
        True,
    ),
    Template(
        "help",
        "Offer of help",
        "Hi {first_name}, how can I help you? ",
        Kind.HELP,
        True,
    ),
    Template(
        "thanks",
        "Appreciation",
        "Thank you, {first_name}! ",
        Kind.THANKS,
        True,
    ),
    Template(
        "report_back",
        "Report back on advice applied",
        "Hi {first_name}, I tried your advice, and ",
        Kind.REPORT_BACK,
        True,
    ),
    Template(
        "intro",
        "Introduction",
        "Hi {first_name}, I would like to introduce you to ",
        Kind.INTRO,
        True,
    ),
    Template("note", "Note", "", Kind.NOTE, True),
    Template("reached_out", "Reached out", "", Kind.REACHED_OUT, True),
)


def _same_name(name: str) -> str:
    """A template name compared loosely: case, and `_` / `-` / spaces alike
    ("Report back", "report_back" and "REPORT-BACK" are one name)."""
    return " ".join(re.sub(r"[_\-\s]+", " ", name).split()).casefold()


def template_set(user: Mapping[str, str]) -> tuple[Template, ...]:
    """The picker's templates: the built-ins in order, then the user's own.

    A user template named like a built-in (its key or its label, compared
    loosely: `_same_name`) replaces that one's body and keeps its kind and
    place; the others are comment templates, appended in the file's order."""
    names: dict[str, int] = {}
    for index, template in enumerate(BUILT_INS):
        names[_same_name(template.key)] = index
        names[_same_name(template.label)] = index
    chosen = list(BUILT_INS)
    extras: list[Template] = []
    for name, body in user.items():
        same = names.get(_same_name(name))
        if same is not None:
            chosen[same] = replace(chosen[same], body=body, builtin=False)
        elif name.strip():
            extras.append(Template(name, name, body, Kind.COMMENT, False))
    return (*chosen, *extras)


def template_for(templates: Sequence[Template], kind: Kind) -> Template:
    """The first template that records `kind`; the comment one where none does."""
    for wanted in (kind, Kind.COMMENT):
        for template in templates:
            if template.kind == wanted:
                return template
    return templates[0] if templates else BUILT_INS[0]


@dataclass(frozen=True)
class DraftContext:
    """What the placeholders stand for: plain text, "" when unknown."""

    name: str = ""
    first_name: str = ""
    title: str = ""
    link: str = ""
    quote: str = ""
    help: str = ""
    why: str = ""
    last_trail: str = ""

    def value(self, placeholder: str) -> str:
        value: str = getattr(self, placeholder)
        return value


@dataclass(frozen=True)
class Rendered:
    """A body filled in, and the names in it that are not placeholders (in the
    order first used; they stay in `text` as written, e.g. "{nmae}")."""

    text: str
    unknown: tuple[str, ...]


# A name between braces; anything else between braces is left alone.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_KNOWN = frozenset(PLACEHOLDERS)


def render(body: str, context: DraftContext) -> Rendered:
    """Fill in a template's body. Never raises; each value goes in as it is,
    once (the substitution never reads what it inserted)."""
    unknown: dict[str, None] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _KNOWN:
            return context.value(name)
        unknown.setdefault(name)
        return match.group(0)

    return Rendered(_PLACEHOLDER.sub(fill, body), tuple(unknown))


def placeholders_unknown(text: str) -> tuple[str, ...]:
    """The names between braces in `text` that are not placeholders (for a
    body the user edits), in the order first used."""
    found: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) not in _KNOWN:
            found.setdefault(match.group(1))
    return tuple(found)
