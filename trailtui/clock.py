"""The one clock: every "now" in trailtui reads it, so tests can fix the time.

Times are integer UTC epoch seconds, as the database stores them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_source: Callable[[], float] = time.time


def now() -> int:
    return int(_source())


@contextmanager
def frozen(at: int) -> Iterator[None]:
    """Every now() inside the block returns `at` (screen tests, reproducible demos)."""
    global _source
    previous, _source = _source, lambda: float(at)
    try:
        yield
    finally:
        _source = previous
