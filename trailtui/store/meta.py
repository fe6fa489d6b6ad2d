"""Small facts kept in the database itself (trailtui_meta key/value rows)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from trailtui.store.db import Store
from trailtui.store.models import Meta


def get(store: Store, key: str) -> str | None:
    with store.read() as session:
        return session.scalar(select(Meta.value).where(Meta.key == key))


def put(store: Store, values: dict[str, str]) -> None:
    with store.write() as session:
        session.execute(delete(Meta).where(Meta.key.in_(list(values))))
        session.execute(insert(Meta), [{"key": k, "value": v} for k, v in values.items()])
