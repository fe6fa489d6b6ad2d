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
    snoozed_until: int | None = None  # set only while the snooze lasts

    def days_overdue(self, at: int) -> int:
        if self.due_at is None or at <= self.due_at:
            return 0
        return (at - self.due_at) // DAY


TOUCH_KINDS = tuple(kind.value for kind in Kind if kind.is_touch)


def rhythm(
    touched: int | None,
    cadence_seconds: int | None,
    at: int,
    *,
    overdue_seconds: int | None = None,
    snooze_until: int | None = None,
) -> Rhythm:
    """Fresh before the cadence, due after it, overdue after `overdue_seconds`
    (default twice the cadence). A snooze pushes the due date without
    counting as a touch: a contact never touched stays "never touched"."""
    snoozed = snooze_until if snooze_until is not None and at < snooze_until else None
    if touched is None:
        return Rhythm(Health.NEVER, None, None, snoozed)
    cadence = cadence_seconds or 14 * DAY
    overdue_after = max(overdue_seconds or 2 * cadence, cadence)
    due_at, overdue_at = touched + cadence, touched + overdue_after
    if snooze_until is not None and snooze_until > due_at:
        overdue_at += snooze_until - due_at
        due_at = snooze_until
    if at < due_at:
        health = Health.FRESH
    elif at < overdue_at:
        health = Health.DUE
    else:
        health = Health.OVERDUE
    return Rhythm(health, touched, due_at, snoozed)
