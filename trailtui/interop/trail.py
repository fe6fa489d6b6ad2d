"""The trail (every engagement recorded) as JSON, JSON Lines or CSV.

One row per engagement, oldest first, undone ones included with the time
they were undone, so an export is a complete copy of the log. Times are
ISO 8601 in UTC. CSV cells that a spreadsheet would run as a formula (a
feed's title starting with '=', '+', '-' or '@') get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trailtui.store.records import TrailRecord

FIELDS = (
    "id",
    "at",
    "contact_id",
    "contact_name",
    "kind",
    "text",
    "entry_title",
    "entry_link",
    "undone_at",
)
TRAIL_FORMATS = ("json", "jsonl", "csv")


def iso(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def trail_row(record: TrailRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "at": iso(record.created_at),
        "contact_id": record.contact_id,
        "contact_name": record.contact_name,
        "kind": record.kind,
        "text": record.text,
        "entry_title": record.entry_title,
        "entry_link": record.entry_link,
        "undone_at": iso(record.undone_at),
    }


def day_start_utc(day: date) -> int:
    """00:00 UTC at the start of `day` (export dates are UTC days, as its times are)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def filter_trail(
    records: Sequence[TrailRecord],
    *,
    person: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TrailRecord]:
    """The records of one person (by contact id) left from the start of
    `since` to the end of `until` (both UTC days, both included)."""
    start = day_start_utc(since) if since is not None else None
    end = day_start_utc(until + timedelta(days=1)) if until is not None else None
    return [
        r
        for r in records
        if (person is None or r.contact_id == person)
        and (start is None or r.created_at >= start)
        and (end is None or r.created_at < end)
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def format_trail(records: Sequence[TrailRecord], fmt: str) -> str:
    """The trail in fmt ("json", "jsonl" or "csv")."""
    rows = [trail_row(r) for r in records]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in FIELDS])
        return out.getvalue()
    raise ValueError(f"unknown trail format {fmt!r}; expected one of {', '.join(TRAIL_FORMATS)}")
