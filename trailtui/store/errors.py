"""Errors the store raises, with messages meant for the user."""


class StoreError(Exception):
    """The database cannot be opened or used; the message says why and what to do."""
