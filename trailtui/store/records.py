"""Plain records that queries return: no live ORM rows leave the store."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ContactRecord:
    id: str
    name: str
    archived: bool = False
    why: str = ""
    help: str = ""
    cadence_seconds: int | None = None
    overdue_seconds: int | None = None  # after the last touch; default twice the cadence
    tier: str | None = None
    snooze_until: str | None = None  # ISO date
    circles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    links: dict[str, str] = field(default_factory=dict)
    feed_count: int = 0


@dataclass(frozen=True)
class EntryRecord:
    id: int
    feed_id: int
    contact_id: str
    contact_name: str
    title: str
    link: str | None
    author: str | None
    sort_ts: int
    read: bool
    feed_label: str
    starred: bool = False
    # The kinds of the user's own active trails on this post (e.g. like,
    # comment), in the order they were first left: the row's marks.
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryFilter:
    """Which entries the merged feed shows. Every part narrows it; the
    default shows everything."""

    contact_id: str | None = None
    tier: str | None = None
    circle: str | None = None
    tag: str | None = None
    unread_only: bool = False
    starred_only: bool = False

    @property
    def active(self) -> bool:
        return self != EntryFilter()


@dataclass(frozen=True)
class PageCursor:
    """A place in the merged feed's order (newest first): keyset paging."""

    sort_ts: int
    id: int

    @classmethod
    def of(cls, entry: EntryRecord) -> PageCursor:
        return cls(entry.sort_ts, entry.id)


@dataclass(frozen=True)
class FeedCounts:
    """How many entries a filter shows, and how many of those are unread, starred."""

    total: int
    unread: int
    starred: int


@dataclass(frozen=True)
class FilterChoices:
    """The values the filters can take: those current contacts have, sorted."""

    tiers: tuple[str, ...]
    circles: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SearchHit:
    """An entry search found, and where: (start, end) character spans of the
    matched words in `entry.title`, and in `snippet` (a short plain-text
    excerpt of the entry's text around them; may be "")."""

    entry: EntryRecord
    title_marks: tuple[tuple[int, int], ...]
    snippet: str
    snippet_marks: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class EntryDetail:
    """One entry as the reader shows it. `content` and `summary` are the
    stored, sanitized HTML (untrusted all the same)."""

    entry: EntryRecord
    summary: str | None
    content: str | None
    published_at: int | None
    updated_at: int | None
    feed_title: str | None
    feed_url: str


@dataclass(frozen=True)
class EngagementRecord:
    id: int
    contact_id: str
    entry_id: int | None
    kind: str
    text: str | None
    created_at: int
    undone: bool
    entry_title: str | None = None
    marked_read: bool = False  # this trail marked its entry read


@dataclass(frozen=True)
class TrailWrite:
    """What leaving a trail did: recorded it, or found the same one already there."""

    engagement: EngagementRecord
    created: bool  # False: an active trail of this kind on this entry was already there


@dataclass(frozen=True)
class Undone:
    """A trail undone, and whether its entry is unread again because of it."""

    engagement: EngagementRecord
    entry_unread: bool


@dataclass(frozen=True)
class FeedState:
    """What the fetcher needs to know about a feed before fetching it."""

    id: int
    url: str
    contact_id: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    next_fetch_at: int | None
    failures: int
    discover: bool = False
    resolved_url: str | None = None

    @property
    def fetch_url(self) -> str:
        """What to fetch: the feed a blog's page pointed to, once known."""
        return self.resolved_url or self.url


@dataclass(frozen=True)
class FeedHealth:
    id: int
    url: str
    contact_name: str
    label: str | None
    title: str | None
    last_status: int | None
    last_error: str | None
    failures: int
    last_fetch_at: int | None
    last_success_at: int | None
    entry_count: int
    moved_to: str | None = None
    next_fetch_at: int | None = None
    resolved_url: str | None = None


@dataclass(frozen=True)
class Counts:
    contacts: int
    archived_contacts: int
    feeds: int
    entries: int
    unread: int
    engagements: int
    failing_feeds: int


@dataclass(frozen=True)
class TrailRecord:
    """One engagement for export, with the names a reader of the export needs."""

    id: int
    created_at: int
    contact_id: str
    contact_name: str
    kind: str
    text: str | None
    entry_title: str | None
    entry_link: str | None
    undone_at: int | None
