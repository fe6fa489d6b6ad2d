"""contacts.yaml as text: new contacts and new values are inserted, never re-dumped.

Dumping a file that someone edits by hand would lose their comments, blank
lines, quoting and order. So trailtui never re-dumps: `append_contacts` finds,
from the positions PyYAML's composer records, the one place where the
`contacts:` list ends, and inserts the new contacts' text there. Every byte
before and after that point stays as it was (the one exception: an empty
`contacts: []`, `contacts: null` or `contacts: ~`, whose `[]` or null gives way
to a block list, one contact per `- name:` entry).

`merge_into_contacts` adds links, feeds and tags to contacts that are already
there the same way: new lines or flow items are inserted at the end of the
contact's `links:`, `feeds:` or `tags:` (or a new key after its last value);
only a null value (`links:` with nothing, `~`) is replaced.

`contact_yaml` renders one contact in the block style people write by hand;
`dump_document` writes a whole fresh file from a validated book (for export).
Strings are quoted only when they must be, and then double-quoted with
escapes, so any text (a name with ': ', '#', quotes, a leading '@' or '*',
"yes", "2024-01-01", control characters) loads back as the same string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
_REST_OF_LINE = re.compile(r"[ \t]*(#[^\r\n]*)?(\r\n|\n)")  # spaces and a comment, if any
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


def _last_leaf(node: yaml.Node, seen: set[int] | None = None) -> yaml.Node:
    """The scalar or flow collection that ends last in node (keys included)."""
    seen = seen if seen is not None else set()
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children.extend((key, value))
    elif isinstance(node, yaml.SequenceNode):
        children.extend(node.value)
    leaves = [_last_leaf(child, seen) for child in children if id(child) not in seen]
    return max(leaves, key=lambda leaf: leaf.end_mark.index, default=node)


def _text_end(text: str, node: yaml.Node) -> int:
    """Where node's own text ends: after its last scalar or flow collection.

    A `|` or `>` block scalar's end mark lies past the blank lines after it;
    they are not part of its value (unless it keeps them with `+`), so the end
    is its last line with text.
    """
    leaf = _last_leaf(node)
    end = int(leaf.end_mark.index)
    if isinstance(leaf, yaml.ScalarNode) and leaf.style in ("|", ">"):
        header = re.match(r"[|>][0-9+-]*", text[leaf.start_mark.index : leaf.start_mark.index + 8])
        if header is not None and "+" not in header.group():
            while end > leaf.start_mark.index and text[end - 1] in " \t\r\n":
                end -= 1
    return end


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


_OPEN_BLOCK_SCALAR = (
    "ends the file with a multi-line (| or >) value and no line break after it, "
    "which a line added after it would change; add a line break at the end of the file"
)


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
    if _open_block_scalar_at_end(text, root):
        raise _problem(root, "the last value " + _OPEN_BLOCK_SCALAR)
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
    point = _skip_item_comments(text, _line_end(text, _text_end(text, value)), dash)
    return _insert_block(
        text, point, " " * dash, contacts, newline, spaced=_items_spaced(text, value)
    )


def _insert_block(
    text: str,
    point: int,
    pad: str,
    contacts: Sequence[Mapping[str, Any]],
    newline: str,
    *,
    spaced: bool = False,
) -> str:
    head = newline if point == len(text) and text and not _LINE_BREAK.match(text[-1]) else ""
    gap = "\n" if spaced else ""
    block = _with_newline("".join(gap + contact_yaml(c, pad) for c in contacts), newline)
    return text[:point] + head + block + text[point:]


def _items_spaced(text: str, node: yaml.SequenceNode) -> bool:
    """Whether every two items of a block list are separated by a blank line."""
    if len(node.value) < 2:
        return False
    for before, after in zip(node.value, node.value[1:], strict=False):
        start = _line_end(text, _text_end(text, before))
        stop = text.rfind("\n", 0, after.start_mark.index) + 1
        if not any(not line.strip(" \t") for line in text[start:stop].splitlines()):
            return False
    return True


def _append_flow(
    text: str,
    node: yaml.SequenceNode,
    contacts: Sequence[Mapping[str, Any]],
    newline: str,
) -> str:
    return _apply_edits(
        text, [_flow_insertion(text, node, [flow(c, contact=True) for c in contacts], newline)]
    )


def _flow_insertion(text: str, node: yaml.Node, items: Sequence[str], newline: str) -> _Edit:
    """items (flow text) added at the end of a flow list or mapping, in its style."""
    close = node.end_mark.index - 1
    if text[close : close + 1] not in ("]", "}"):  # pragma: no cover - PyYAML's marks
        raise _problem(node, "cannot find the end of this flow collection")
    if not node.value:  # [] or {}: the items go inside
        return _Edit(close, close, ", ".join(items))
    last = node.value[-1]
    if isinstance(last, tuple):  # a mapping's last (key, value)
        point = max(last[0].end_mark.index, last[1].end_mark.index)
        pad = " " * last[0].start_mark.column
    else:
        point = last.end_mark.index
        pad = " " * last.start_mark.column
    comma = _comma_after(text, point, close)
    if comma is not None:
        point = comma + 1
    if not _REST_OF_LINE.match(text, point):  # the bracket closes on this line
        sep = [" "] * len(items)
    elif comma is not None:
        # After `item,  # comment`: whole lines, each ending in a comma.
        point = _line_end(text, point)
        return _Edit(point, point, "".join(f"{pad}{item},{newline}" for item in items))
    else:
        sep = [newline + pad] * len(items)
    block = "".join(
        ("" if comma is not None and i == 0 else ",") + sep[i] + item
        for i, item in enumerate(items)
    )
    return _Edit(point, point, block)


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


# -- adding to contacts that are there ------------------------------------------------

# The keys a merge may add to, in the order new ones are written (as in CONTACT_ORDER).
MERGE_KEYS = ("tags", "links", "feeds")
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class _Edit:
    """Replace text[start:end] (empty for an insertion) with new."""

    start: int
    end: int
    new: str
    lines: bool = False  # new is whole lines, inserted at the start of a line


def _apply_edits(text: str, edits: Sequence[_Edit]) -> str:
    out: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: e.start):  # stable: equal points keep their order
        if edit.start < done:  # pragma: no cover - the edits come from distinct places
            raise ValueError("overlapping edits")
        out.append(text[done : edit.start])
        new = edit.new
        if edit.lines and edit.start == len(text):
            so_far = "".join(out)
            if so_far and not _LINE_BREAK.match(so_far[-1]):
                new = _newline_of(text) + new  # the file does not end with a line break
        out.append(new)
        done = edit.end
    out.append(text[done:])
    return "".join(out)


def _contacts_list(text: str) -> tuple[yaml.Node, list[yaml.Node]]:
    """The document's root node and its contacts' nodes, in the file's order."""
    root = _compose(text)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "contacts":
                if isinstance(value, yaml.SequenceNode):
                    return root, list(value.value)
                raise _problem(value, "'contacts:' is not a list")
    raise _problem(root, "there is no 'contacts:' list")


def _shared(root: yaml.Node) -> set[int]:
    """The nodes that appear more than once in the document (through an alias)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return shared


def _refusal(text: str, node: yaml.Node, shared: set[int]) -> str | None:
    """Why lines cannot be inserted into this contact, or None."""
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return "it is not a mapping of keys"
    if not node.flow_style and _open_block_scalar_at_end(text, node):
        return "it " + _OPEN_BLOCK_SCALAR
    stack: list[yaml.Node] = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in shared:
            return "it shares text with another entry through a YAML anchor and alias (& and *)"
        if id(current) in seen:  # pragma: no cover - a repeated node is in shared
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.tag == _MERGE_TAG:
                    return "it uses a YAML merge key (<<)"
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _open_block_scalar_at_end(text: str, node: yaml.Node) -> bool:
    """Whether node ends the text with a | or > value (not `-`) and no line break:
    any line after it would add a line break to that value."""
    leaf = _last_leaf(node)
    if not isinstance(leaf, yaml.ScalarNode) or leaf.style not in ("|", ">"):
        return False
    if _line_end(text, _text_end(text, node)) != len(text) or _LINE_BREAK.match(text[-1]):
        return False
    header = re.match(r"[|>][0-9+-]*", text[leaf.start_mark.index : leaf.start_mark.index + 8])
    return header is None or "-" not in header.group()


def unmergeable(text: str) -> dict[int, str]:
    """For each contact (by position) that `merge_into_contacts` refuses: why.

    Raises ContactsError when the text is not YAML or has no `contacts:` list.
    """
    root, contacts = _contacts_list(text)
    shared = _shared(root)
    found = {index: _refusal(text, node, shared) for index, node in enumerate(contacts)}
    return {index: reason for index, reason in found.items() if reason is not None}


def merge_into_contact(text: str, index: int, additions: Mapping[str, Any]) -> str:
    """text with additions (links, feeds, tags) inserted into contact number index."""
    return merge_into_contacts(text, {index: additions})


def merge_into_contacts(text: str, merges: Mapping[int, Mapping[str, Any]]) -> str:
    """text with new links, feeds and tags inserted into contacts that are there.

    merges maps a contact's position in the `contacts:` list to what it gains:
    {"links": {key: value}, "feeds": [feed, ...], "tags": [tag, ...]}. Nothing
    the user wrote is rewritten or moved; lines and items are only inserted:

    - into a block mapping or list: new `key: value` / `- item` lines after its
      last entry, at the same indentation (after comment lines indented as
      deep as the entries, which belong to them);
    - into a flow mapping or list: `, item` before the closing bracket (inside
      an empty `{}` or `[]`);
    - a key the contact lacks: added after the contact's last value (and the
      comment lines indented as deep as its keys), in the block style of
      `contact_yaml`, or as `, key: value` in a flow mapping contact;
    - a key whose value is null (`links:` with nothing, `~`, `null`): the one
      case where text is replaced; the null gives way to the new value.

    A link key the contact already has keeps its value (the new one is
    dropped). Contacts that use YAML anchors, aliases or merge keys are
    refused (`unmergeable` says which). Line endings follow the file.
    Raises ContactsError for unusable text or a refused contact.
    """
    wanted = {
        index: additions
        for index, additions in merges.items()
        if any(additions.get(key) for key in MERGE_KEYS)
    }
    if not wanted:
        return text
    for additions in wanted.values():
        unknown = set(additions) - set(MERGE_KEYS)
        if unknown:
            raise ValueError(f"cannot merge {', '.join(sorted(unknown))} into a contact")
    newline = _newline_of(text)
    root, contacts = _contacts_list(text)
    shared = _shared(root)
    edits: list[_Edit] = []
    for index in sorted(wanted):
        if not 0 <= index < len(contacts):
            raise IndexError(f"there is no contact number {index} (the file has {len(contacts)})")
        node = contacts[index]
        reason = _refusal(text, node, shared)
        if reason is not None:
            raise _problem(node, f"cannot add to this contact without rewriting it: {reason}")
        assert isinstance(node, yaml.MappingNode)
        edits.extend(_contact_edits(text, node, wanted[index], newline))
    return _apply_edits(text, edits)


def _contact_edits(
    text: str, node: yaml.MappingNode, additions: Mapping[str, Any], newline: str
) -> list[_Edit]:
    pairs = {
        key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }
    edits: list[_Edit] = []
    missing: dict[str, Any] = {}
    for name in MERGE_KEYS:
        value = additions.get(name)
        if not value:
            continue
        if name not in pairs:
            missing[name] = value
            continue
        key, current = pairs[name]
        if name == "links" and isinstance(current, yaml.MappingNode):
            have = {k.value for k, _ in current.value if isinstance(k, yaml.ScalarNode)}
            value = {k: v for k, v in value.items() if k not in have}
            if not value:
                continue
        edits.extend(_value_edits(text, key, current, name, value, node.flow_style, newline))
    if not missing:
        return edits
    if node.flow_style:
        items = [f"{scalar(name, flow=True)}: {flow(value)}" for name, value in missing.items()]
        edits.append(_flow_insertion(text, node, items, newline))
        return edits
    column = node.value[0][0].start_mark.column
    lines = [
        line for name, value in missing.items() for line in _entry_lines(name, value, " " * column)
    ]
    edits.append(_line_insertion(text, _after(text, node, column), lines, newline))
    return edits


def _value_edits(
    text: str,
    key: yaml.ScalarNode,
    node: yaml.Node,
    name: str,
    value: Any,
    in_flow: bool,
    newline: str,
) -> list[_Edit]:
    """Edits adding value to the contact's existing `name:` (whose value is node)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
        return _replace_null(text, key, node, name, value, in_flow, newline)
    if name == "links":
        if not isinstance(node, yaml.MappingNode):
            raise _problem(node, "'links:' is not a mapping; cannot add links to it")
        if node.flow_style:
            items = [f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()]
            return [_flow_insertion(text, node, items, newline)]
        column = node.value[0][0].start_mark.column
        lines = [line for k, v in value.items() for line in _entry_lines(k, v, " " * column)]
        return [_line_insertion(text, _after(text, node, column), lines, newline)]
    if not isinstance(node, yaml.SequenceNode):
        raise _problem(node, f"'{name}:' is not a list; cannot add to it")
    if node.flow_style:
        return [_flow_insertion(text, node, [flow(item) for item in value], newline)]
    column = node.start_mark.column  # the dashes'
    lines = _sequence_lines(value, " " * column)
    return [_line_insertion(text, _after(text, node, column), lines, newline)]


def _replace_null(
    text: str,
    key: yaml.ScalarNode,
    node: yaml.ScalarNode,
    name: str,
    value: Any,
    in_flow: bool,
    newline: str,
) -> list[_Edit]:
    """`name:` with nothing, `~` or `null` takes value: the null is the only text replaced."""
    start, end = node.start_mark.index, node.end_mark.index
    if in_flow:
        new = flow(value)
        return [_Edit(start, end, new if start != end else " " + new)]
    pad = " " * key.start_mark.column
    lines = _entry_lines(name, value, pad)
    head = f"{pad}{scalar(name)}:"
    if len(lines) == 1:  # tags: [a, b]
        new = lines[0][len(head) :]
        return [_Edit(start, end, new.lstrip(" ") if start != end else new)]
    edits = [_Edit(start, end, "")] if start != end else []
    edits.append(_line_insertion(text, _line_end(text, end), lines[1:], newline))
    return edits


def _after(text: str, node: yaml.Node, column: int) -> int:
    """The start of the line after node's text and the comment lines indented at
    least to column that follow it."""
    return _skip_item_comments(text, _line_end(text, _text_end(text, node)), max(column, 1) - 1)


def _line_insertion(text: str, point: int, lines: Sequence[str], newline: str) -> _Edit:
    return _Edit(point, point, _with_newline("\n".join(lines) + "\n", newline), lines=True)


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
