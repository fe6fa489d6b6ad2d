"""Persistence: SQLAlchemy models, sessions, migrations and queries."""

from trailtui.store.db import Store, open_store
from trailtui.store.errors import StoreError

__all__ = ["Store", "StoreError", "open_store"]
