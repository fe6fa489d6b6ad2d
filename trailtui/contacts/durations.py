"""Durations as people write them: 30m, 12h, 7d, 2w, 1mo, 1y."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w|mo|y)\s*$", re.IGNORECASE)
_UNIT = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "mo": timedelta(days=30),
    "y": timedelta(days=365),
}
EXPECTED = "a duration like 12h, 7d, 2w or 1mo (or a whole number of days)"


def parse_duration(value: object) -> timedelta:
    """Parse a duration; a bare integer means days. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"expected {EXPECTED}, found {value!r}")
    if isinstance(value, int):
        amount, unit = value, "d"
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"expected {EXPECTED}, found {value!r}")
        amount, unit = int(match.group(1)), match.group(2).lower()
    elif isinstance(value, timedelta):
        return value
    else:
        raise ValueError(f"expected {EXPECTED}, found {type(value).__name__}")
    if amount <= 0:
        raise ValueError(f"a duration must be greater than zero, found {value!r}")
    try:
        return amount * _UNIT[unit]
    except OverflowError:
        raise ValueError(f"the duration {value!r} is far too long") from None


def format_duration(delta: timedelta) -> str:
    """The shortest exact spelling of a duration (inverse of parse_duration)."""
    seconds = int(delta.total_seconds())
    for suffix, unit in (
        ("y", 365 * 86400),
        ("mo", 30 * 86400),
        ("w", 7 * 86400),
        ("d", 86400),
        ("h", 3600),
        ("m", 60),
    ):
        if seconds and seconds % unit == 0:
            return f"{seconds // unit}{suffix}"
    return f"{seconds}s"
