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
from datetime import UTC, datetime
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
