"""A whole fresh contacts file from a validated book (export, round-trip tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trailtui.contacts.schema import ContactBook, FeedSpec, Settings
from trailtui.contacts.yamltext.render import STEP, contact_yaml, mapping_lines

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
        lines += ["settings:", *mapping_lines(settings, STEP)]
    if book.templates:
        lines += ["templates:", *mapping_lines(book.templates, STEP)]
    if not book.contacts:
        return "\n".join([*lines, "contacts: []"]) + "\n"
    lines.append("contacts:")
    text = "\n".join(lines) + "\n"
    return text + "".join(contact_yaml(contact_data(c)) for c in book.contacts)
