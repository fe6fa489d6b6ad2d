"""One contact's scalar value set, or the whole contact taken out, as a text edit.

The weekly review changes contacts.yaml in three ways: a looser cadence, a
new tier, or a contact retired (taken out of the file; the database keeps
their trail, archived). Each is one edit at a known position, found from
PyYAML's composer marks, and every other byte stays as it was:

- a key the contact has with a plain value (`cadence: 7d`): only the value's
  characters are replaced; a key with no value (`tier:`) gets one after it;
- a key it lacks: one `key: value` line after the contact's last value (and
  the comment lines indented as deep as its keys), or `, key: value` inside
  a flow mapping `{...}`;
- a retired contact: its lines, from the dash to its last value and the
  comment lines that belong to it, are removed (block lists only).

A contact that uses YAML anchors, aliases or merge keys, or whose value is
not a plain scalar, is refused with a located ContactsError.
"""

from __future__ import annotations

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
    line_insertion,
    newline_of,
    open_block_scalar_at_end,
    problem,
)
from trailtui.contacts.yamltext.render import scalar


def contact_nodes(text: str) -> tuple[yaml.SequenceNode, list[yaml.Node], set[int]]:
    """The `contacts:` list's node, its contacts' nodes in the file's order,
    and the ids of the nodes the document reaches more than once (aliases)."""
    root = compose(text)
    if isinstance(root, yaml.MappingNode):
        shared = _shared(root)
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "contacts":
                if isinstance(value, yaml.SequenceNode):
                    return value, list(value.value), shared
                raise problem(value, "'contacts:' is not a list")
    raise problem(root, "there is no 'contacts:' list")


def _contact(text: str, index: int) -> tuple[yaml.SequenceNode, yaml.MappingNode]:
    listing, contacts, shared = contact_nodes(text)
    if not 0 <= index < len(contacts):
        raise IndexError(f"there is no contact number {index} (the file has {len(contacts)})")
    node = contacts[index]
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise problem(node, "this contact is not a mapping of keys")
    if any(k.tag == MERGE_TAG for k, _ in node.value) or _walk(node) & shared:
        raise problem(node, "this contact uses a YAML anchor, alias or merge key; edit it by hand")
    return listing, node


def _walk(node: yaml.Node) -> set[int]:
    """The ids of node and every node inside it."""
    found: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in found:
            continue
        found.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return found


def _shared(root: yaml.Node) -> set[int]:
    """The nodes reached more than once from the root (an anchor and its aliases)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            shared.add(id(current))
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return shared


def set_contact_value(text: str, index: int, key: str, value: str) -> str:
    """text with contact number `index`'s `key` set to the plain scalar `value`."""
    _, node = _contact(text, index)
    newline = newline_of(text)
    rendered = scalar(value, flow=node.flow_style)
    for key_node, current in node.value:
        if not (isinstance(key_node, yaml.ScalarNode) and key_node.value == key):
            continue
        if not isinstance(current, yaml.ScalarNode) or current.style in ("|", ">"):
            raise problem(current, f"'{key}:' is not a plain value; edit it by hand")
        start, end = current.start_mark.index, current.end_mark.index
        if current.tag == NULL_TAG and start == end:
            return apply_edits(text, [Edit(start, end, " " + rendered)])
        return apply_edits(text, [Edit(start, end, rendered)])
    if node.flow_style:
        return apply_edits(text, [flow_insertion(text, node, [f"{key}: {rendered}"], newline)])
    if open_block_scalar_at_end(text, node):
        raise problem(node, "this contact " + OPEN_BLOCK_SCALAR)
    column = node.value[0][0].start_mark.column
    line = f"{' ' * column}{scalar(key)}: {rendered}"
    return apply_edits(
        text, [line_insertion(text, line_after(text, node, column), [line], newline)]
    )


def remove_contact(text: str, index: int) -> str:
    """text without contact number `index` (its lines, and the comments indented
    inside it). The file's last contact is not removed: `contacts:` needs one."""
    listing, node = _contact(text, index)
    if listing.flow_style:
        raise problem(listing, "the contacts are a [...] list; take this one out by hand")
    if len(listing.value) < 2:
        raise problem(node, "this is the only contact; the file needs at least one")
    if open_block_scalar_at_end(text, node):
        raise problem(node, "this contact " + OPEN_BLOCK_SCALAR)
    line_start = text.rfind("\n", 0, node.start_mark.index) + 1
    lead = text[line_start : node.start_mark.index]
    if lead.strip() != "-":
        raise problem(node, "this contact does not start its own '- ' line; edit it by hand")
    column = node.value[0][0].start_mark.column
    return apply_edits(text, [Edit(line_start, line_after(text, node, column), "")])
