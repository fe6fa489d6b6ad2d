"""contacts.yaml as text: new contacts are inserted, the user's file is never re-dumped.

Dumping a file that someone edits by hand would lose their comments, blank
lines, quoting and order. So trailtui never re-dumps: `append_contacts` finds,
from the positions PyYAML's composer records, the one place where the
`contacts:` list ends, and inserts the new contacts' text there. Every byte
before and after that point stays as it was (the one exception: an empty
`contacts: []`, `contacts: null` or `contacts: ~`, whose `[]` or null gives way
to a block list, one contact per `- name:` entry).

`contact_yaml` renders one contact in the block style people write by hand;
`dump_document` writes a whole fresh file from a validated book (for export).
Strings are quoted only when they must be, and then double-quoted with
escapes, so any text (a name with ': ', '#', quotes, a leading '@' or '*',
"yes", "2024-01-01", control characters) loads back as the same string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import yaml

from trailtui.contacts.durations import format_duration
from trailtui.contacts.errors import ContactsError, Problem
from trailtui.contacts.schema import ContactBook, FeedSpec, Settings

# A readable order for a contact's keys; keys not listed follow in their own order.
CONTACT_ORDER = (
    "name",
    "id",
    "tier",
    "circles",
    "why",
    "help",
    "cadence",
    "max_cadence",
    "snooze_until",
    "tags",
    "links",
    "feeds",
    "notes",
)
# In a feed mapping the source comes first (url, blog or a platform) and the label last.
_FEED_LAST = ("label",)
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# What PyYAML's reader accepts unescaped (its NON_PRINTABLE complement), less
# the characters that YAML 1.1 treats as line breaks or a byte-order mark.
_UNPRINTABLE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_FLOW_WIDTH = 88  # a list longer than this on one line is written one item a line
STEP = "  "


# -- scalars -------------------------------------------------------------------------


def _plain_ok(text: str, *, flow: bool) -> bool:
    """Whether text can be written unquoted and still load as the same string."""
    if not text or text != text.strip(" ") or text[0] in "-?:,[]{}#&*!|>'\"%@`= \t":
        return False
    if _UNPRINTABLE.search(text) or "\t" in text:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(ch in text for ch in ",[]{}:#?"):
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR_TAG)


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly text."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNPRINTABLE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value on one line: plain when that is safe, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text, flow=flow) else double_quoted(text)


def _literal_ok(text: str) -> bool:
    """Whether a multi-line string can be a `|` block and load back unchanged."""
    if "\n" not in text or "\r" in text or text[0] in " \t\n":
        return False
    if _UNPRINTABLE.search(text.replace("\n", "").replace("\t", "")):
        return False
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n"):
        return False  # more than one trailing line break: keep it exact, quoted
    return all(line.strip(" \t") or not line for line in body.split("\n"))


def _literal(text: str, pad: str) -> tuple[str, list[str]]:
    """The `|` header and the content lines (indented by pad)."""
    header = "|" if text.endswith("\n") else "|-"
    body = text[:-1] if text.endswith("\n") else text
    return header, [f"{pad}{line}" if line else "" for line in body.split("\n")]


# -- block and flow collections ------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict | Mapping) and not value)


def _ordered(
    mapping: Mapping[str, Any], order: Sequence[str], last: Sequence[str] = ()
) -> list[str]:
    keys = [k for k in order if k in mapping]
    keys += [k for k in mapping if k not in order and k not in last]
    keys += [k for k in last if k in mapping and k not in keys]
    return keys


def flow(value: Any, *, contact: bool = False) -> str:
    """value on one line in YAML flow style ({a: b, c: [d]}); a contact's empty
    values are left out."""
    if isinstance(value, Mapping):
        keys = _ordered(value, CONTACT_ORDER if contact else (), _FEED_LAST)
        inner = ", ".join(
            f"{scalar(k, flow=True)}: {flow(value[k])}"
            for k in keys
            if value[k] is not None and not (contact and _is_empty(value[k]))
        )
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value, flow=True)


def _entry_lines(key: str, value: Any, pad: str) -> list[str]:
    """`key: value` at indentation pad, the value in block style when it needs lines."""
    head = f"{pad}{scalar(key)}:"
    if isinstance(value, Mapping):
        return [head, *_mapping_lines(value, pad + STEP)] if value else [f"{head} {{}}"]
    if isinstance(value, list | tuple):
        # Short lists of plain words read best on one line: tags: [mentor, writing].
        if all(
            not isinstance(v, Mapping | list | tuple) and _plain_ok(scalar(v), flow=True)
            for v in value
        ):
            line = f"{head} {flow(value)}"
            if len(line) <= _FLOW_WIDTH:
                return [line]
        return [head, *_sequence_lines(value, pad + STEP)]
    if isinstance(value, str) and _literal_ok(value):
        header, lines = _literal(value, pad + STEP)
        return [f"{head} {header}", *lines]
    return [f"{head} {scalar(value)}"]


def _mapping_lines(
    mapping: Mapping[str, Any], pad: str, order: Sequence[str] = (), *, skip_empty: bool = False
) -> list[str]:
    lines: list[str] = []
    for key in _ordered(mapping, order, _FEED_LAST):
        value = mapping[key]
        if value is not None and not (skip_empty and _is_empty(value)):
            lines.extend(_entry_lines(str(key), value, pad))
    return lines


def _sequence_lines(items: Sequence[Any], pad: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            inner = _mapping_lines(item, pad + STEP)
            if not inner:
                lines.append(f"{pad}- {{}}")
                continue
            lines.append(f"{pad}- {inner[0][len(pad) + len(STEP) :]}")
            lines.extend(inner[1:])
        elif isinstance(item, list | tuple):
            lines.append(f"{pad}- {flow(item)}")
        elif isinstance(item, str) and _literal_ok(item):
            header, body = _literal(item, pad + STEP)
            lines.extend([f"{pad}- {header}", *body])
        else:
            lines.append(f"{pad}- {scalar(item)}")
    return lines


def contact_yaml(contact: Mapping[str, Any], indent: str = "  ") -> str:
    """One contact as a block-style list item (`- name: ...`), indent before the dash.

    Keys come in a readable order (name, id, tier, circles, why, help, cadence,
    tags, links, feeds, notes); empty values are left out. Feeds may be URL
    strings or mappings such as {blog: URL}, {github: handle}, {url: U, label: L}.
    """
    if not isinstance(contact.get("name"), str) or not contact["name"].strip():
        raise ValueError("a contact needs a name")
    inner = _mapping_lines(contact, indent + STEP, CONTACT_ORDER, skip_empty=True)
    first = inner[0][len(indent) + len(STEP) :]
    return "\n".join([f"{indent}- {first}", *inner[1:]]) + "\n"


# -- appending to the user's text ----------------------------------------------------


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        from trailtui.contacts.loader import parse_contacts

        parse_contacts(text)  # raises ContactsError with the located problem
        raise  # pragma: no cover - the loader always rejects what compose rejects


def _problem(node: yaml.Node | None, message: str) -> ContactsError:
    line = node.start_mark.line + 1 if node is not None else None
    column = node.start_mark.column + 1 if node is not None else None
    return ContactsError([Problem("<contacts>", line, column, "", message)])


def _content_end(node: yaml.Node, seen: set[int] | None = None) -> int:
    """Where a node's own text ends: the last scalar or flow collection in it.

    Block collections are skipped because PyYAML's end mark for them lies at the
    next token, after any comments that follow.
    """
    seen = seen if seen is not None else set()
    if id(node) in seen:  # an alias back to an ancestor
        return node.start_mark.index
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children.extend((key, value))
    elif isinstance(node, yaml.SequenceNode):
        children.extend(node.value)
    ends = [_content_end(child, seen) for child in children]
    return max([node.start_mark.index, *ends])


def _line_end(text: str, index: int) -> int:
    """The start of the line after the one holding index (len(text) at the end)."""
    if index > 0 and text[index - 1] in "\n\r\x85\u2028\u2029" and not text.startswith("\n", index):
        return index
    found = _LINE_BREAK.search(text, index)
    return found.end() if found else len(text)


def _skip_item_comments(text: str, index: int, column: int) -> int:
    """Past comment lines indented deeper than the list (they belong to its last item)."""
    pattern = re.compile(rf"[ ]{{{column + 1},}}#[^\r\n]*(\r\n|\n|$)")
    while index < len(text):
        found = pattern.match(text, index)
        if not found or found.end() == index:
            break
        index = found.end()
    return index


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _with_newline(block: str, newline: str) -> str:
    return block.replace("\n", newline) if newline != "\n" else block


def append_contacts(text: str, contacts: Sequence[Mapping[str, Any]]) -> str:
    """text with contacts added at the end of its top-level `contacts:` list.

    The result is text[:p] + new + text[p:] for one insertion point p: the
    user's comments, spacing and quoting stay byte for byte. The new items
    follow the list's style: block items at the list's own indentation, or flow
    mappings inside a non-empty flow list. A missing or empty `contacts:`
    (nothing, `[]`, `null`, `~`) gets a block list; the `[]` or null is the only
    text removed. Line endings follow the file (LF or CRLF).
    Raises ContactsError when the text is not YAML or has no usable top level.
    """
    if not contacts:
        return text
    newline = _newline_of(text)
    root = _compose(text)
    if root is None:  # empty, or only comments
        head = newline if text and not _LINE_BREAK.match(text[-1]) else ""
        items = "".join(contact_yaml(c) for c in contacts)
        return text + head + _with_newline("contacts:\n" + items, newline)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise _problem(
            root, "expected a block mapping (key: value lines) with 'contacts:' at the top level"
        )
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "contacts":
            return _append_to(text, key, value, contacts, newline)
    # No `contacts:` yet: add it after the last thing in the top-level mapping.
    point = _line_end(text, _content_end(root))
    pad = " " * root.start_mark.column
    head = newline if point == len(text) and not _LINE_BREAK.match(text[-1]) else ""
    block = f"{pad}contacts:\n" + "".join(contact_yaml(c, pad + STEP) for c in contacts)
    return text[:point] + head + _with_newline(block, newline) + text[point:]


def _append_to(
    text: str,
    key: yaml.ScalarNode,
    value: yaml.Node,
    contacts: Sequence[Mapping[str, Any]],
    newline: str,
) -> str:
    key_column = key.start_mark.column
    empty_flow = isinstance(value, yaml.SequenceNode) and value.flow_style and not value.value
    if empty_flow or (isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null"):
        # `contacts:` with nothing, null, ~ or []: a block list below the key.
        start, end = value.start_mark.index, value.end_mark.index
        if start != end:  # an explicit null or []: the only text ever replaced
            text = text[:start] + text[end:]
            end = start
        return _insert_block(text, _line_end(text, end), " " * key_column + STEP, contacts, newline)
    if not isinstance(value, yaml.SequenceNode):
        raise _problem(value, "'contacts:' is not a list; cannot add contacts to it")
    if value.flow_style:
        return _append_flow(text, value, contacts, newline)
    dash = value.start_mark.column
    point = _skip_item_comments(text, _line_end(text, _content_end(value)), dash)
    return _insert_block(text, point, " " * dash, contacts, newline)


def _insert_block(
    text: str, point: int, pad: str, contacts: Sequence[Mapping[str, Any]], newline: str
) -> str:
    head = newline if point == len(text) and text and not _LINE_BREAK.match(text[-1]) else ""
    block = _with_newline("".join(contact_yaml(c, pad) for c in contacts), newline)
    return text[:point] + head + block + text[point:]


def _append_flow(
    text: str,
    node: yaml.SequenceNode,
    contacts: Sequence[Mapping[str, Any]],
    newline: str,
) -> str:
    items = [flow(c, contact=True) for c in contacts]
    last = node.value[-1]
    point = last.end_mark.index
    comma = _comma_after(text, point, node.end_mark.index - 1)
    if comma is not None:
        point = comma + 1
    pad = " " * last.start_mark.column
    if node.end_mark.line == node.start_mark.line:
        sep = [" "] * len(items)
    elif comma is not None and re.match(r"[ \t]*(#[^\r\n]*)?(\r\n|\n)", text[point:]):
        # After `item,  # comment`: whole lines, each ending in a comma.
        point = _line_end(text, point)
        return text[:point] + "".join(f"{pad}{item},{newline}" for item in items) + text[point:]
    else:
        sep = [newline + pad] * len(items)
    block = "".join(
        ("" if comma is not None and i == 0 else ",") + sep[i] + item
        for i, item in enumerate(items)
    )
    return text[:point] + block + text[point:]


def _comma_after(text: str, start: int, stop: int) -> int | None:
    """The index of a trailing ',' between start and stop, outside comments."""
    index = start
    while index < stop:
        ch = text[index]
        if ch == ",":
            return index
        if ch == "#":
            found = _LINE_BREAK.search(text, index, stop)
            index = found.end() if found else stop
            continue
        index += 1
    return None


# -- a whole document ----------------------------------------------------------------


def _defaults(model: type[Any]) -> dict[str, Any]:
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if not info.is_required()
    }


def feed_data(feed: FeedSpec) -> str | dict[str, Any]:
    """A feed in the form it was written: a URL string, {blog: URL}, {github: handle}..."""
    values = {
        name: getattr(feed, name)
        for name in type(feed).model_fields
        if getattr(feed, name) is not None
    }
    if set(values) == {"url"}:
        return str(values["url"])
    return values


def contact_data(contact: Any) -> dict[str, Any]:
    """A validated Contact as plain data in the YAML schema's shape (defaults left out)."""
    defaults = _defaults(type(contact))
    data: dict[str, Any] = {"name": contact.name, "id": contact.id}
    for name in type(contact).model_fields:
        if name in data:
            continue
        value = getattr(contact, name)
        if name in defaults and value == defaults[name]:
            continue
        if name == "feeds":
            value = [feed_data(feed) for feed in value]
        data[name] = _plain(value)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "model_fields"):  # a nested model
        return {k: _plain(v) for k, v in value.model_dump(exclude_defaults=True).items()}
    return value


def _settings_data(settings: Settings) -> dict[str, Any]:
    defaults = _defaults(Settings)
    return {
        name: _plain(getattr(settings, name))
        for name in Settings.model_fields
        if getattr(settings, name) != defaults.get(name)
    }


def dump_document(book: ContactBook) -> str:
    """A fresh contacts file holding the book (durations as 7d, feeds as written)."""
    lines = ["version: 1"]
    settings = _settings_data(book.settings)
    if settings:
        lines += ["settings:", *_mapping_lines(settings, STEP)]
    if book.templates:
        lines += ["templates:", *_mapping_lines(book.templates, STEP)]
    if not book.contacts:
        return "\n".join([*lines, "contacts: []"]) + "\n"
    lines.append("contacts:")
    text = "\n".join(lines) + "\n"
    return text + "".join(contact_yaml(contact_data(c)) for c in book.contacts)
