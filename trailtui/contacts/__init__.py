"""contacts.yaml: schema, loading and validation (no UI, no database)."""

from trailtui.contacts.errors import ContactsError, Problem
from trailtui.contacts.loader import load_contacts, parse_contacts
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
]
