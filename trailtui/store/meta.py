"""Small facts kept in the database itself (trailtui_meta key/value rows)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select

from trailtui.store.db import Store
from trailtui.store.dialects import upsert
from trailtui.store.models import Meta


def get(store: Store, key: str) -> str | None:
    with store.read() as session:
        return session.scalar(select(Meta.value).where(Meta.key == key))


def put(store: Store, values: dict[str, str]) -> None:
    if not values:
        return
    with store.write() as session:
        # An upsert, not delete-then-insert: two clients putting the same key
        # at once (PostgreSQL lets both delete) would both insert it.
        statement = upsert(
            session.connection().dialect, cast(Table, Meta.__table__), ["key"], ["value"]
        )
        session.execute(statement, [{"key": k, "value": v} for k, v in values.items()])
