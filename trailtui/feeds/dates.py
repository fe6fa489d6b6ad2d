"""Feed dates (RFC 822 and ISO 8601) as UTC epoch seconds; None if unreadable.

Both parsers use these, so a date reads the same whichever parser read the
feed. Lenient where real feeds are sloppy: an ISO-style offset in an RFC 822
date (+05:30), an ISO offset without a colon (+0530); no zone means UTC.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime

_COLON_OFFSET = re.compile(r"([+-]\d\d):(\d\d)\s*$")
_ISO = re.compile(r"^\d{4}-?\d\d")


def rfc822(value: str) -> int | None:
    text = _COLON_OFFSET.sub(r"\1\2", value.strip())
    try:
        parsed = email.utils.parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed[0] < 1000:
        return None
    try:
        return int(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


def iso8601(value: str) -> int | None:
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return int(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def any_date(value: str | None) -> int | None:
    """A date in either format."""
    if not value or not value.strip():
        return None
    return iso8601(value) if _ISO.match(value.strip()) else rfc822(value)
