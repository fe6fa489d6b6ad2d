"""Feed dates (RFC 822 and ISO 8601) as UTC epoch seconds; None if unreadable.

Both parsers use these, so a date reads the same whichever parser read the
feed. Lenient where real feeds are sloppy: an ISO-style offset in an RFC 822
date (+05:30), an ISO offset without a colon (+0530); no zone means UTC.
"""

from __future__ import annotations

import calendar
import email.utils
import re
from datetime import UTC, datetime

_COLON_OFFSET = re.compile(r"([+-]\d\d):(\d\d)\s*$")
_ISO = re.compile(r"^\d{4}-?\d\d")


# The form nearly every feed uses: "Mon, 30 Dec 2024 21:31:34 GMT" or "+0200".
_COMMON_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d)"
    r" (GMT|UTC?|Z|[+-]\d{4})"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _common_rfc822(text: str) -> int | None:
    """The common form, read directly: email.utils takes several times longer
    to give the same number (both leave an impossible date like 31 Apr to
    calendar.timegm). None for any other form."""
    match = _COMMON_RFC822.fullmatch(text)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None or int(year) < 1000:
        return None
    offset = 0
    if zone[0] in "+-":
        offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * 60
        offset = -offset if zone[0] == "-" else offset
    moment = (int(year), month, int(day), int(hour), int(minute), int(second))
    return calendar.timegm(moment) - offset


def rfc822(value: str) -> int | None:
    text = value.strip()
    common = _common_rfc822(text)
    if common is not None:
        return common
    text = _COLON_OFFSET.sub(r"\1\2", text)
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
    text = value.strip() if value else None
    if not text:
        return None
    return iso8601(text) if _ISO.match(text) else rfc822(text)
