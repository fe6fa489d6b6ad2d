"""Adding links, feeds and tags to contacts already in the file, by insertion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from trailtui.contacts.yamltext.append import flow_insertion
from trailtui.contacts.yamltext.nodes import (
    MERGE_TAG,
    NULL_TAG,
    OPEN_BLOCK_SCALAR,
    Edit,
    apply_edits,
    compose,
    line_after,
    line_end,
    line_insertion,
    newline_of,
    open_block_scalar_at_end,
    problem,
)
from trailtui.contacts.yamltext.render import entry_lines, flow, scalar, sequence_lines

# -- adding to contacts that are there ------------------------------------------------

# The keys a merge may add to, in the order new ones are written (as in CONTACT_ORDER).
MERGE_KEYS = ("tags", "links", "feeds")


def _contacts_list(text: str) -> tuple[yaml.Node, list[yaml.Node]]:
    """The document's root node and its contacts' nodes, in the file's order."""
    root = compose(text)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "contacts":
                if isinstance(value, yaml.SequenceNode):
                    return root, list(value.value)
                raise problem(value, "'contacts:' is not a list")
    raise problem(root, "there is no 'contacts:' list")


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
    if not node.flow_style and open_block_scalar_at_end(text, node):
        return "it " + OPEN_BLOCK_SCALAR
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
                if key.tag == MERGE_TAG:
                    return "it uses a YAML merge key (<<)"
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


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
    newline = newline_of(text)
    root, contacts = _contacts_list(text)
    shared = _shared(root)
    edits: list[Edit] = []
    for index in sorted(wanted):
        if not 0 <= index < len(contacts):
            raise IndexError(f"there is no contact number {index} (the file has {len(contacts)})")
        node = contacts[index]
        reason = _refusal(text, node, shared)
        if reason is not None:
            raise problem(node, f"cannot add to this contact without rewriting it: {reason}")
        assert isinstance(node, yaml.MappingNode)
        edits.extend(_contact_edits(text, node, wanted[index], newline))
    return apply_edits(text, edits)


def _contact_edits(
    text: str, node: yaml.MappingNode, additions: Mapping[str, Any], newline: str
) -> list[Edit]:
    pairs = {
        key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }
    edits: list[Edit] = []
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
        edits.append(flow_insertion(text, node, items, newline))
        return edits
    column = node.value[0][0].start_mark.column
    lines = [
        line for name, value in missing.items() for line in entry_lines(name, value, " " * column)
    ]
    edits.append(line_insertion(text, line_after(text, node, column), lines, newline))
    return edits


def _value_edits(
    text: str,
    key: yaml.ScalarNode,
    node: yaml.Node,
    name: str,
    value: Any,
    in_flow: bool,
    newline: str,
) -> list[Edit]:
    """Edits adding value to the contact's existing `name:` (whose value is node)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
        return _replace_null(text, key, node, name, value, in_flow, newline)
    if name == "links":
        if not isinstance(node, yaml.MappingNode):
            raise problem(node, "'links:' is not a mapping; cannot add links to it")
        if node.flow_style:
            items = [f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()]
            return [flow_insertion(text, node, items, newline)]
        column = node.value[0][0].start_mark.column
        lines = [line for k, v in value.items() for line in entry_lines(k, v, " " * column)]
        return [line_insertion(text, line_after(text, node, column), lines, newline)]
    if not isinstance(node, yaml.SequenceNode):
        raise problem(node, f"'{name}:' is not a list; cannot add to it")
    if node.flow_style:
        return [flow_insertion(text, node, [flow(item) for item in value], newline)]
    column = node.start_mark.column  # the dashes'
    lines = sequence_lines(value, " " * column)
    return [line_insertion(text, line_after(text, node, column), lines, newline)]


def _replace_null(
    text: str,
    key: yaml.ScalarNode,
    node: yaml.ScalarNode,
    name: str,
    value: Any,
    in_flow: bool,
    newline: str,
) -> list[Edit]:
    """`name:` with nothing, `~` or `null` takes value: the null is the only text replaced."""
    start, end = node.start_mark.index, node.end_mark.index
    if in_flow:
        new = flow(value)
        return [Edit(start, end, new if start != end else " " + new)]
    pad = " " * key.start_mark.column
    lines = entry_lines(name, value, pad)
    head = f"{pad}{scalar(name)}:"
    if len(lines) == 1:  # tags: [a, b]
        new = lines[0][len(head) :]
        return [Edit(start, end, new.lstrip(" ") if start != end else new)]
    edits = [Edit(start, end, "")] if start != end else []
    edits.append(line_insertion(text, line_end(text, end), lines[1:], newline))
    return edits
