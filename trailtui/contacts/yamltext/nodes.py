"""Where things are in contacts.yaml text: node positions, line ends, and edits
made of insertions (the one kind of change trailtui makes to a user's file)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import yaml

from trailtui.contacts.errors import ContactsError, Problem
from trailtui.contacts.yamltext.render import LINE_BREAK

# -- positions in the text and insertions ------------------------------------------


def compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        from trailtui.contacts.loader import parse_contacts

        parse_contacts(text)  # raises ContactsError with the located problem
        raise  # pragma: no cover - the loader always rejects what compose rejects


TEXT_NAME = "<contacts>"  # what problems call the text when no file is named


def problem(node: yaml.Node | None, message: str) -> ContactsError:
    line = node.start_mark.line + 1 if node is not None else None
    column = node.start_mark.column + 1 if node is not None else None
    return ContactsError([Problem(TEXT_NAME, line, column, "", message)])


@contextmanager
def named(name: str) -> Iterator[None]:
    """Problems raised inside name the file `name` instead of TEXT_NAME."""
    try:
        yield
    except ContactsError as exc:
        if name == TEXT_NAME:
            raise
        raise ContactsError([replace(p, file=name) for p in exc.problems]) from None


def content_end(node: yaml.Node, seen: set[int] | None = None) -> int:
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
    ends = [content_end(child, seen) for child in _children(node)]
    return max([node.start_mark.index, *ends])


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A collection's nodes in document order (a mapping's keys and values)."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _last_leaf(node: yaml.Node, seen: set[int] | None = None) -> yaml.Node:
    """The scalar or flow collection that ends last in node (keys included)."""
    seen = seen if seen is not None else set()
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node
    leaves = [_last_leaf(child, seen) for child in _children(node) if id(child) not in seen]
    return max(leaves, key=lambda leaf: leaf.end_mark.index, default=node)


def text_end(text: str, node: yaml.Node) -> int:
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


def line_end(text: str, index: int) -> int:
    """The start of the line after the one holding index (len(text) at the end)."""
    if index > 0 and text[index - 1] in "\n\r\x85\u2028\u2029" and not text.startswith("\n", index):
        return index
    found = LINE_BREAK.search(text, index)
    return found.end() if found else len(text)


def skip_item_comments(text: str, index: int, column: int) -> int:
    """Past comment lines indented deeper than the list (they belong to its last item)."""
    pattern = re.compile(rf"[ ]{{{column + 1},}}#[^\r\n]*(\r\n|\n|$)")
    while index < len(text):
        found = pattern.match(text, index)
        if not found or found.end() == index:
            break
        index = found.end()
    return index


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def with_newline(block: str, newline: str) -> str:
    return block.replace("\n", newline) if newline != "\n" else block


OPEN_BLOCK_SCALAR = (
    "ends the file with a multi-line (| or >) value and no line break after it, "
    "which a line added after it would change; add a line break at the end of the file"
)
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (empty for an insertion) with new."""

    start: int
    end: int
    new: str
    lines: bool = False  # new is whole lines, inserted at the start of a line


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    out: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: e.start):  # stable: equal points keep their order
        if edit.start < done:  # pragma: no cover - the edits come from distinct places
            raise ValueError("overlapping edits")
        out.append(text[done : edit.start])
        new = edit.new
        if edit.lines and edit.start == len(text):
            so_far = "".join(out)
            if so_far and not LINE_BREAK.match(so_far[-1]):
                new = newline_of(text) + new  # the file does not end with a line break
        out.append(new)
        done = edit.end
    out.append(text[done:])
    return "".join(out)


def open_block_scalar_at_end(text: str, node: yaml.Node) -> bool:
    """Whether node ends the text with a | or > value (not `-`) and no line break:
    any line after it would add a line break to that value."""
    leaf = _last_leaf(node)
    if not isinstance(leaf, yaml.ScalarNode) or leaf.style not in ("|", ">"):
        return False
    if line_end(text, text_end(text, node)) != len(text) or LINE_BREAK.match(text[-1]):
        return False
    header = re.match(r"[|>][0-9+-]*", text[leaf.start_mark.index : leaf.start_mark.index + 8])
    return header is None or "-" not in header.group()


def line_after(text: str, node: yaml.Node, column: int) -> int:
    """The start of the line after node's text and the comment lines indented at
    least to column that follow it."""
    return skip_item_comments(text, line_end(text, text_end(text, node)), max(column, 1) - 1)


def line_insertion(text: str, point: int, lines: Sequence[str], newline: str) -> Edit:
    return Edit(point, point, with_newline("\n".join(lines) + "\n", newline), lines=True)
