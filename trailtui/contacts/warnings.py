"""What in a valid contacts file will probably not work as meant.

A warning does not make the file invalid (a problem does): the file loads and
is used as it is, and the warning says what to look at, located like a
problem (file, line, column, path). Today: a feed written as a local file
path (relative paths are beside the contacts file) that does not exist, or
is not a file.

`find_warnings` takes a book already validated from some text and that same
text (the positions come from it), so it serves a file on disk (`contacts
check`) as well as text not saved yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import yaml

from trailtui.contacts.schema import ContactBook, FeedSpec

_MERGE_TAG = "tag:yaml.org,2002:merge"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ContactsWarning:
    """One thing to look at in a valid contacts file (1-based line/column)."""

    file: str
    line: int | None
    column: int | None
    path: str  # e.g. "contacts[3].feeds[1]"
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: warning: {self.path}: {self.message}"


def find_warnings(book: ContactBook, text: str | bytes | None = None) -> list[ContactsWarning]:
    """Every warning about book, in the file's order. text: what book was
    validated from, for the positions (without it they are not located)."""
    feeds = _FeedNodes(text)
    warnings: list[ContactsWarning] = []
    for index, contact in enumerate(book.contacts):
        for number, feed in enumerate(contact.feeds):
            message = _local_file_problem(feed)
            if message is None:
                continue
            node, key = feeds.node(index, number)
            line = node.start_mark.line + 1 if node is not None else None
            column = node.start_mark.column + 1 if node is not None else None
            path = f"contacts[{index}].feeds[{number}]{key}"
            warnings.append(ContactsWarning(str(book.path), line, column, path, message))
    return warnings


def local_feed_file(feed: FeedSpec) -> Path | None:
    """The file a feed written as a path (or a file:// URL) reads, else None."""
    if feed.form != "url" or not feed.location.startswith("file:"):
        return None
    return Path(url2pathname(urlsplit(feed.location).path))


def _local_file_problem(feed: FeedSpec) -> str | None:
    path = local_feed_file(feed)
    if path is None:
        return None
    written = feed.source.strip()
    relative = not written.startswith("file:") and not Path(written).expanduser().is_absolute()
    where = f"{path} (from {written!r}, relative to the contacts file)" if relative else str(path)
    try:
        if path.is_file():
            return None
        if path.exists():
            return f"the feed file {where} is not a file"
    except OSError as exc:  # a folder on the way that cannot be read, say
        return f"cannot look at the feed file {where}: {exc.strerror or exc}"
    return f"the feed file {where} does not exist"


class _FeedNodes:
    """Where each feed is written, from the text's nodes."""

    def __init__(self, text: str | bytes | None) -> None:
        self._root: yaml.Node | None = None
        self._pairs: dict[int, tuple[list[Any], list[Any]]] = {}
        self._constructor = yaml.constructor.SafeConstructor()
        if text is None:
            return
        try:
            decoded = text.decode("utf-8-sig") if isinstance(text, bytes) else text
            self._root = yaml.compose(decoded, Loader=_LOADER)
        except (yaml.YAMLError, UnicodeError, RecursionError):
            self._root = None  # not the text of a valid book: no positions

    def node(self, contact: int, feed: int) -> tuple[yaml.Node | None, str]:
        """The node of a feed's source, and the key it is under ('' or '.url')."""
        contacts = self._value(self._root, "contacts")
        feeds = self._value(self._item(contacts, contact), "feeds")
        item = self._item(feeds, feed)
        if isinstance(item, yaml.MappingNode):
            url = self._value(item, "url")
            return (url, ".url") if url is not None else (item, "")
        return item, ""

    @staticmethod
    def _item(node: yaml.Node | None, index: int) -> yaml.Node | None:
        if isinstance(node, yaml.SequenceNode) and 0 <= index < len(node.value):
            item: yaml.Node = node.value[index]
            return item
        return None

    def _value(self, node: yaml.Node | None, key: str) -> yaml.Node | None:
        """The value of key in a mapping as the loader reads it: a key written
        there, else the first merged (<<) one."""
        if not isinstance(node, yaml.MappingNode):
            return None
        own, merged = self._split(node)
        for pairs in (own, merged):
            for key_node, value_node in pairs:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    found: yaml.Node = value_node
                    return found
        return None

    def _split(self, node: yaml.MappingNode) -> tuple[list[Any], list[Any]]:
        """A mapping's own pairs and merged pairs (merges resolved once per node,
        the way the loader does)."""
        if id(node) not in self._pairs:
            own = [pair for pair in node.value if pair[0].tag != _MERGE_TAG]
            try:
                self._constructor.flatten_mapping(node)
            except (yaml.constructor.ConstructorError, IndexError, ValueError, TypeError):
                node.value = own
            self._pairs[id(node)] = (own, node.value[: len(node.value) - len(own)])
        return self._pairs[id(node)]
