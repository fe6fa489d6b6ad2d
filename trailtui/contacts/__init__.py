"""contacts.yaml: schema, loading and validation (no UI, no database).

The names below load on first use: a submodule (`rows`, `early`) can be
imported without the YAML and validation libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trailtui.contacts.errors import ContactsError, Problem
    from trailtui.contacts.loader import load_contacts, parse_contacts, parse_contacts_for
    from trailtui.contacts.schema import Contact, ContactBook, FeedSpec, Settings

__all__ = [
    "Contact",
    "ContactBook",
    "ContactsError",
    "FeedSpec",
    "Problem",
    "Settings",
    "load_contacts",
    "parse_contacts",
    "parse_contacts_for",
]

_HOMES = {
    "ContactsError": "errors",
    "Problem": "errors",
    "load_contacts": "loader",
    "parse_contacts": "loader",
    "parse_contacts_for": "loader",
    "Contact": "schema",
    "ContactBook": "schema",
    "FeedSpec": "schema",
    "Settings": "schema",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
