"""Load contacts.yaml into a ContactBook, or fail with every problem located.

The YAML is composed into nodes first (safe loader, no arbitrary tags) so each
value keeps its line and column; duplicate keys are caught there (PyYAML would
silently keep the last one). The plain data is then validated by the pydantic
schema, and each validation error is mapped back to the node it came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from trailtui.contacts.errors import ContactsError, Problem
from trailtui.contacts.schema import (
    Contact,
    ContactBook,
    ContactsDocument,
    FeedSpec,
    Settings,
    slugify,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000  # alias bombs expand to millions; a real file has thousands
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]
_INVALID = object()  # a value already reported as a problem
Mark = tuple[int, int]  # 1-based line, column


def load_contacts(path: str | Path) -> ContactBook:
    """Read and validate a contacts file. Raises ContactsError."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _single(
            name, f"no such file; create it or pass --contacts (looked at {path})"
        ) from None
    except OSError as exc:
        raise _single(name, f"cannot read the file: {exc.strerror or exc}") from None
    if path.is_dir():
        raise _single(name, "this is a directory; expected a contacts.yaml file")
    if size > MAX_FILE_BYTES:
        raise _single(name, f"the file is {size / 1e6:.1f} MB; the limit is 5 MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _single(name, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_contacts_for(path, data)


def parse_contacts_for(path: Path, data: bytes | str) -> ContactBook:
    """Validate text meant for the contacts file at path: problems name that
    file, and relative feed paths resolve beside it. Raises ContactsError."""
    return parse_contacts(data, name=str(path), base_dir=path.parent.resolve(), path=path)


def parse_contacts(
    data: bytes | str,
    *,
    name: str = "<contacts>",
    base_dir: Path | None = None,
    path: Path | None = None,
) -> ContactBook:
    """Validate contacts text. Relative feed paths resolve against base_dir."""
    text = _decode(data, name)
    tree = _Tree(name)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise ContactsError([_yaml_problem(name, exc)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise ContactsError(
            [Problem(name, line, column, "", f"a control character ({what}) is not allowed here")]
        ) from None
    except yaml.YAMLError as exc:
        raise _single(name, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise _single(name, "the YAML is nested too deeply") from None
    if node is None:
        raise _single(name, "the file is empty; expected 'version: 1' and a 'contacts:' list")
    value = tree.build(node, ())
    if not isinstance(value, dict):
        line, column = tree.marks[()]
        found = _describe(value)
        problem = Problem(
            name, line, column, "", f"expected a mapping with 'contacts:' at the top, found {found}"
        )
        raise ContactsError([*tree.problems, problem])
    problems = list(tree.problems)
    document: ContactsDocument | None = None
    try:
        document = ContactsDocument.model_validate(value, context={"base_dir": base_dir})
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, tree, name))
    problems.extend(_duplicate_ids(value.get("contacts"), tree, name))
    if problems:
        raise ContactsError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    assert document is not None
    return ContactBook(
        path=path or Path(name),
        settings=document.settings,
        contacts=list(document.contacts),
        templates=dict(document.templates),
    )


# libyaml composes the same nodes, with the same line/column marks, several
# times faster; the pure-Python loader reports what is wrong, in its words.
_FAST_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError as exc:
            if "maximum nesting depth" in str(exc):
                # The refusal is the same either way; the pure-Python loader
                # would only recurse until Python stops it (most of a second).
                raise RecursionError(str(exc)) from None
        except RecursionError:
            raise
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, str):
        if len(data) > MAX_FILE_BYTES:
            raise _single(name, f"the text is {len(data) / 1e6:.1f} MB; the limit is 5 MB")
        return data
    if len(data) > MAX_FILE_BYTES:
        raise _single(name, f"the file is {len(data) / 1e6:.1f} MB; the limit is 5 MB")
    if b"\x00" in data[:8192]:
        raise _single(name, "this looks like a binary file, not YAML text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContactsError(
            [Problem(name, line, column, "", "the file is not UTF-8 text; save it as UTF-8")]
        ) from None


class _Tree:
    """Turns YAML nodes into plain data, remembering where each value was."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, Mark] = {}
        self.key_marks: dict[PathKey, Mark] = {}
        self.problems: list[Problem] = []
        self.invalid: set[PathKey] = set()  # values already reported
        self._nodes = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: PathKey, depth: int = 0) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _single(self.name, "the file has too many values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise _single(self.name, "the YAML is nested too deeply")
        self.marks.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[Any, Any]:
        own = [pair for pair in node.value if pair[0].tag != "tag:yaml.org,2002:merge"]
        try:
            self._constructor.flatten_mapping(node)  # resolve YAML merge keys (<<)
        except (yaml.constructor.ConstructorError, IndexError, ValueError, TypeError) as exc:
            problem = getattr(exc, "problem", None) or "expected a mapping or a list of mappings"
            mark = getattr(exc, "problem_mark", None) or node.start_mark
            self.problems.append(
                Problem(
                    self.name,
                    mark.line + 1,
                    mark.column + 1,
                    _dotted(path),
                    f"bad merge (<<): {problem}",
                )
            )
            node.value = own
        merged = node.value[: len(node.value) - len(own)]
        own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
        result: dict[Any, Any] = {}
        # Merged keys come first and never clash; keys written here win over them.
        for key_node, value_node in merged:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, str) and key not in own_keys and key not in result:
                result[key] = self.build(value_node, (*path, key), depth + 1)
        written: set[str] = set()
        for key_node, value_node in own:
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if key is _INVALID:
                continue
            if not isinstance(key, str | int | float | bool) or key is None:
                line, column = _mark(key_node)
                self.problems.append(
                    Problem(self.name, line, column, _dotted(path), "a key must be plain text")
                )
                continue
            key = str(key) if not isinstance(key, str) else key
            child = (*path, key)
            if key in written:
                line, column = _mark(key_node)
                first_line, _ = self.key_marks[child]
                self.problems.append(
                    Problem(
                        self.name,
                        line,
                        column,
                        _dotted(child),
                        f"duplicate key {key!r} (first at line {first_line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            self.key_marks[child] = _mark(key_node)
            result[key] = self.build(value_node, child, depth + 1)
            written.add(key)
        return result

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            reason = exc.problem
        except (ValueError, KeyError, IndexError, AttributeError, TypeError, OverflowError) as exc:
            # PyYAML's resolvers accept some values its constructors then
            # reject (2001-02-30, 0x_, !!int abc).
            reason = f"cannot read {getattr(node, 'value', '')!r} ({type(exc).__name__})"
        line, column = _mark(node)
        self.problems.append(
            Problem(self.name, line, column, _dotted(path), f"bad value: {reason}")
        )
        self.invalid.add(path)
        return _INVALID

    def locate(self, path: PathKey, *, key: bool = False) -> Mark | tuple[None, None]:
        """The mark of the deepest recorded prefix of path."""
        if key and path in self.key_marks:
            return self.key_marks[path]
        probe = path
        while probe:
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (None, None))


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Which schema model sits at a path, for "did you mean" suggestions.
def _model_at(path: PathKey) -> type[BaseModel] | None:
    shape = tuple("#" if isinstance(p, int) else p for p in path)
    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): ContactsDocument,
        ("settings",): Settings,
        ("contacts", "#"): Contact,
        ("contacts", "#", "feeds", "#"): FeedSpec,
    }
    return models.get(shape)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text ({shown!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "list_type": "a list (one '- item' per line, or [a, b])",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "a date like 2026-12-01",
    "date_parsing": "a date like 2026-12-01",
    "date_from_datetime_parsing": "a date like 2026-12-01",
    "date_from_datetime_inexact": "a date like 2026-12-01",
}


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    message = f"unknown key {key!r}"
    if model is None:
        return message
    known = list(model.model_fields)
    close = _closest(key, known, 0.6)
    link = _closest(key.lower(), sorted(_LINK_KEYS), 0.75) if model is Contact else None
    if close and not (link and link[1] > close[1]):
        return message + f"; did you mean {close[0]!r}?"
    message += f"; expected one of: {', '.join(known)}"
    if link:  # `websit`, `linkdin`: a link, misspelt
        message += f"; a link ({link[0]}?) goes under links:"
    return message


def _closest(word: str, choices: list[str], cutoff: float) -> tuple[str, float] | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    if not close:
        return None
    return close[0], difflib.SequenceMatcher(None, word, close[0]).ratio()


# Names people write at a contact's top level that belong under links: or feeds:.
_LINK_KEYS = frozenset(
    {
        "email", "e-mail", "mail", "emails", "website", "web", "site", "homepage", "home",
        "url", "phone", "tel", "telephone", "mobile", "cell", "address", "linkedin",
        "twitter", "x", "mastodon", "github", "gitlab", "codeberg", "bluesky", "bsky",
        "instagram", "facebook", "threads", "youtube", "substack", "medium", "devto",
        "reddit", "keybase", "matrix", "signal", "telegram", "whatsapp", "discord", "blog",
    }
)  # fmt: skip
_FEED_KEYS = frozenset({"feed", "rss", "atom"})


def misplaced_key(key: str, value: Any) -> str | None:
    """What to say about a link or feed written as a contact's own key
    (`email: ...` instead of `links: {email: ...}`), or None for other keys."""
    from trailtui.contacts.schema import SOURCE_KEYS
    from trailtui.contacts.yamltext.render import flow

    lowered = key.lower()
    if lowered not in _LINK_KEYS and lowered not in _FEED_KEYS:
        return None
    shown: Any = value if isinstance(value, str) and 0 < len(value) <= 80 else "…"
    is_url = isinstance(value, str) and "://" in value
    intro = f"{key!r} is not a contact key; "
    links = f"links go under links: (links: {flow({key: shown})})"
    if lowered in _FEED_KEYS:
        return intro + f"feeds go under feeds: (feeds: {flow([shown])})"
    if lowered == "url":
        return (
            intro + f"a web site goes under links: (links: {flow({'website': shown})}), "
            f"a feed under feeds: (feeds: {flow([shown])})"
        )
    if lowered in SOURCE_KEYS and (lowered == "blog" or not is_url):
        # `github: ada`, `blog: https://...`: most likely a feed; a link is possible.
        return (
            intro
            + f"a feed goes under feeds: (feeds: [{flow({lowered: shown})}]), a link under links:"
        )
    return intro + links


def error_message(error: ErrorDetails) -> str:
    """The message of a validator's ValueError (ours are written for people), else pydantic's."""
    return str(error["ctx"]["error"]) if "ctx" in error else error["msg"]


def _validation_problems(exc: ValidationError, tree: _Tree, name: str) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: PathKey = tuple(error["loc"])
        if any(loc[: len(bad)] == bad for bad in tree.invalid):
            continue  # already reported where YAML could not read it
        kind = error["type"]
        found = error.get("input")
        if kind == "extra_forbidden":
            parent, key = loc[:-1], str(loc[-1])
            line, column = tree.locate(loc, key=True)
            model = _model_at(parent)
            message = (misplaced_key(key, found) if model is Contact else None) or _unknown_key(
                key, model
            )
            problems.append(Problem(name, line, column, _dotted(parent), message))
            continue
        if loc and loc[-1] == "[key]":  # the key itself is wrong: point at it
            loc = loc[:-1]
            line, column = tree.locate(loc, key=True)
            loc = loc[:-1]
        else:
            line, column = tree.locate(loc)
        if kind == "missing":
            message = f"missing required key {loc[-1]!r}"
            loc = loc[:-1]
        elif kind == "literal_error" and loc == ("version",):
            message = f"unsupported version {found!r}; this trailtui reads version 1"
        elif kind == "literal_error":
            message = f"expected {error['ctx']['expected']}, found {_describe(found)}"
        elif kind in ("value_error", "assertion_error"):
            message = error_message(error)
        elif kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]}, found {_describe(found)}"
        elif kind == "greater_than_equal":
            message = f"expected a number of at least {error['ctx']['ge']}, found {found!r}"
        else:
            message = error["msg"]
        problems.append(Problem(name, line, column, _dotted(loc), message))
    return problems


def _raw_id(raw: Any) -> str | None:
    """The id a raw contact mapping will get, if it is well-formed enough to tell."""
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("id"), str) and raw["id"]:
        return str(raw["id"])
    if isinstance(raw.get("name"), str):
        return slugify(raw["name"].strip()) or "contact"
    return None


def _duplicate_ids(contacts: Any, tree: _Tree, name: str) -> list[Problem]:
    """Every contact id used twice (checked on the raw data so that other errors
    in the file don't hide this one)."""
    problems: list[Problem] = []
    if not isinstance(contacts, list):
        return problems
    seen: dict[str, int] = {}
    for index, raw in enumerate(contacts):
        contact_id = _raw_id(raw)
        if contact_id is None:
            continue
        if contact_id in seen:
            first = seen[contact_id]
            has_id = ("contacts", index, "id") in tree.marks
            line, column = tree.locate(("contacts", index, "id" if has_id else "name"))
            first_line, _ = tree.locate(("contacts", first))
            hint = "" if has_id else " (made from the name; give one an explicit 'id:')"
            problems.append(
                Problem(
                    name,
                    line,
                    column,
                    f"contacts[{index}]",
                    f"duplicate id {contact_id!r}{hint}; first used by contacts[{first}] "
                    f"at line {first_line}",
                )
            )
        else:
            seen[contact_id] = index
    return problems


def _yaml_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    what = exc.problem or "syntax error"
    context = f" ({exc.context})" if exc.context else ""
    return Problem(name, line, column, "", f"not valid YAML: {what}{context}")


def _single(name: str, message: str) -> ContactsError:
    return ContactsError([Problem(name, None, None, "", message)])
