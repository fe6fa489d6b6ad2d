"""SQLAlchemy 2.0 table models. Times are integer UTC epoch seconds.

Nothing outside `trailtui.store` sees these rows: queries return the plain
records in `trailtui.store.records`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from trailtui.store.records import EngagementRecord


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts about the database itself (schema version)."""

    __tablename__ = "trailtui_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ContactRow(Base):
    __tablename__ = "contact"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    archived: Mapped[bool] = mapped_column(default=False)
    # The contact's profile as of the last YAML sync (why, help, cadence...).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    synced_at: Mapped[int] = mapped_column(default=0)


class FeedRow(Base):
    __tablename__ = "feed"
    __table_args__ = (UniqueConstraint("contact_id", "url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    label: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str | None] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    last_fetch_at: Mapped[int | None]
    last_success_at: Mapped[int | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(default=0)
    next_fetch_at: Mapped[int | None]
    moved_to: Mapped[str | None] = mapped_column(String(2000))
    # A `blog:` source: `url` is the site; the feed is found by autodiscovery
    # and remembered in `resolved_url` (schema version 2).
    discover: Mapped[bool] = mapped_column(default=False, server_default="0")
    resolved_url: Mapped[str | None] = mapped_column(String(2000))


class EntryRow(Base):
    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid"),
        # The merged feed's order, each entry's feed beside it: a page (or
        # a filter by tier, circle, tag) is read from the index alone (v4).
        Index("ix_entry_recent", "sort_ts", "id", "feed_id"),
        # One feed's entries by date, with what the counts count (v4).
        Index("ix_entry_feed_recent", "feed_id", "sort_ts", "read_at", "starred"),
        # The same order for the unread and for the starred alone, however few
        # they are (partial: an entry is in one only while unread, starred; v4).
        Index(
            "ix_entry_unread",
            "sort_ts",
            "id",
            "feed_id",
            "read_at",  # always NULL here, but then the index covers the query
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_entry_starred",
            "sort_ts",
            "id",
            "feed_id",
            "starred",
            sqlite_where=text("starred = 1"),
            postgresql_where=text("starred"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(2000), default="")
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[int | None]
    updated_at: Mapped[int | None]
    summary: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    first_seen_at: Mapped[int]
    sort_ts: Mapped[int]
    read_at: Mapped[int | None]
    starred: Mapped[bool] = mapped_column(default=False)


class EngagementRow(Base):
    """The trail: an append-only log. Undo marks a row, never deletes it."""

    __tablename__ = "engagement"
    __table_args__ = (
        Index("ix_engagement_contact", "contact_id", "created_at"),
        Index("ix_engagement_entry", "entry_id"),  # a page's marks (v4)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int]
    undone_at: Mapped[int | None]
    # The trail marked its entry read (so undoing it marks the entry unread again).
    marked_read: Mapped[bool] = mapped_column(default=False, server_default=false())

    def record(self, entry_title: str | None = None) -> EngagementRecord:
        """The plain record that leaves the store."""
        return EngagementRecord(
            id=self.id,
            contact_id=self.contact_id,
            entry_id=self.entry_id,
            kind=self.kind,
            text=self.text,
            created_at=self.created_at,
            undone=self.undone_at is not None,
            entry_title=entry_title,
            marked_read=bool(self.marked_read),
        )


class DraftRow(Base):
    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id"))
    template: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int]
    updated_at: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="open")
