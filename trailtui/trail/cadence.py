"""Who is due: the last active touch plus the contact's cadence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trailtui.trail.kinds import Kind

DAY = 86_400


class Health(StrEnum):
    NEVER = "never touched"
    FRESH = "fresh"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Rhythm:
    health: Health
    last_touch_at: int | None
    due_at: int | None

    def days_overdue(self, at: int) -> int:
        if self.due_at is None or at <= self.due_at:
            return 0
        return (at - self.due_at) // DAY


TOUCH_KINDS = tuple(kind.value for kind in Kind if kind.is_touch)


def rhythm(touched: int | None, cadence_seconds: int | None, at: int) -> Rhythm:
    """Fresh before the cadence, due after it, overdue after twice the cadence."""
    if touched is None:
        return Rhythm(Health.NEVER, None, None)
    cadence = cadence_seconds or 14 * DAY
    due_at = touched + cadence
    if at < due_at:
        health = Health.FRESH
    elif at < touched + 2 * cadence:
        health = Health.DUE
    else:
        health = Health.OVERDUE
    return Rhythm(health, touched, due_at)
