"""Appending new contacts at the one place where the `contacts:` list ends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from trailtui.contacts.yamltext.nodes import (
    OPEN_BLOCK_SCALAR,
    TEXT_NAME,
    Edit,
    apply_edits,
    compose,
    content_end,
    line_end,
    named,
    newline_of,
    open_block_scalar_at_end,
    problem,
    skip_item_comments,
    text_end,
    with_newline,
)
from trailtui.contacts.yamltext.render import LINE_BREAK, REST_OF_LINE, STEP, contact_yaml, flow


def append_contacts(
    text: str, contacts: Sequence[Mapping[str, Any]], *, name: str = TEXT_NAME
) -> str:
    """text with contacts added at the end of its top-level `contacts:` list.

    The result is text[:p] + new + text[p:] for one insertion point p: the
    user's comments, spacing and quoting stay byte for byte. The new items
    follow the list's style: block items at the list's own indentation, or flow
    mappings inside a non-empty flow list. A missing or empty `contacts:`
    (nothing, `[]`, `null`, `~`) gets a block list; the `[]` or null is the only
    text removed. Line endings follow the file (LF or CRLF).
    Raises ContactsError when the text is not YAML or has no usable top level;
    its problems name the file `name`.
    """
    with named(name):
        return _append(text, contacts)


def _append(text: str, contacts: Sequence[Mapping[str, Any]]) -> str:
    if not contacts:
        return text
    newline = newline_of(text)
    root = compose(text)
    if root is None:  # empty, or only comments
        head = newline if text and not LINE_BREAK.match(text[-1]) else ""
        items = "".join(contact_yaml(c) for c in contacts)
        return text + head + with_newline("contacts:\n" + items, newline)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise problem(
            root, "expected a block mapping (key: value lines) with 'contacts:' at the top level"
        )
    if open_block_scalar_at_end(text, root):
        raise problem(root, "the last value " + OPEN_BLOCK_SCALAR)
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "contacts":
            return _append_to(text, key, value, contacts, newline)
    # No `contacts:` yet: add it after the last thing in the top-level mapping.
    point = line_end(text, content_end(root))
    pad = " " * root.start_mark.column
    head = newline if point == len(text) and not LINE_BREAK.match(text[-1]) else ""
    block = f"{pad}contacts:\n" + "".join(contact_yaml(c, pad + STEP) for c in contacts)
    return text[:point] + head + with_newline(block, newline) + text[point:]


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
        return _insert_block(text, line_end(text, end), " " * key_column + STEP, contacts, newline)
    if not isinstance(value, yaml.SequenceNode):
        raise problem(value, "'contacts:' is not a list; cannot add contacts to it")
    if value.flow_style:
        return _append_flow(text, value, contacts, newline)
    dash = value.start_mark.column
    point = skip_item_comments(text, line_end(text, text_end(text, value)), dash)
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
    head = newline if point == len(text) and text and not LINE_BREAK.match(text[-1]) else ""
    gap = "\n" if spaced else ""
    block = with_newline("".join(gap + contact_yaml(c, pad) for c in contacts), newline)
    return text[:point] + head + block + text[point:]


def _items_spaced(text: str, node: yaml.SequenceNode) -> bool:
    """Whether every two items of a block list are separated by a blank line."""
    if len(node.value) < 2:
        return False
    for before, after in zip(node.value, node.value[1:], strict=False):
        start = line_end(text, text_end(text, before))
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
    return apply_edits(
        text, [flow_insertion(text, node, [flow(c, contact=True) for c in contacts], newline)]
    )


def flow_insertion(text: str, node: yaml.Node, items: Sequence[str], newline: str) -> Edit:
    """items (flow text) added at the end of a flow list or mapping, in its style."""
    close = node.end_mark.index - 1
    if text[close : close + 1] not in ("]", "}"):  # pragma: no cover - PyYAML's marks
        raise problem(node, "cannot find the end of this flow collection")
    if not node.value:  # [] or {}: the items go inside
        return Edit(close, close, ", ".join(items))
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
    if not REST_OF_LINE.match(text, point):  # the bracket closes on this line
        sep = [" "] * len(items)
    elif comma is not None:
        # After `item,  # comment`: whole lines, each ending in a comma.
        point = line_end(text, point)
        return Edit(point, point, "".join(f"{pad}{item},{newline}" for item in items))
    else:
        sep = [newline + pad] * len(items)
    block = "".join(
        ("" if comma is not None and i == 0 else ",") + sep[i] + item
        for i, item in enumerate(items)
    )
    return Edit(point, point, block)


def _comma_after(text: str, start: int, stop: int) -> int | None:
    """The index of a trailing ',' between start and stop, outside comments."""
    index = start
    while index < stop:
        ch = text[index]
        if ch == ",":
            return index
        if ch == "#":
            found = LINE_BREAK.search(text, index, stop)
            index = found.end() if found else stop
            continue
        index += 1
    return None
