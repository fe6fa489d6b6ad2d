"""Who is due: cadence, a user-set overdue threshold, and snooze."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trailtui.trail.cadence import DAY, Health, rhythm

T0 = 1_800_000_000


def test_fresh_due_overdue_at_twice_the_cadence() -> None:
    week = 7 * DAY
    assert rhythm(T0, week, T0 + week - 1).health is Health.FRESH
    assert rhythm(T0, week, T0 + week).health is Health.DUE
    assert rhythm(T0, week, T0 + 2 * week - 1).health is Health.DUE
    assert rhythm(T0, week, T0 + 2 * week).health is Health.OVERDUE


def test_max_cadence_sets_when_due_turns_overdue() -> None:
    week = 7 * DAY
    assert rhythm(T0, week, T0 + 9 * DAY, overdue_seconds=10 * DAY).health is Health.DUE
    assert rhythm(T0, week, T0 + 10 * DAY, overdue_seconds=10 * DAY).health is Health.OVERDUE
    # A threshold shorter than the cadence can't make a contact overdue before due.
    assert rhythm(T0, week, T0 + 6 * DAY, overdue_seconds=DAY).health is Health.FRESH


def test_snooze_pushes_the_due_date_without_a_touch() -> None:
    week = 7 * DAY
    until = T0 + 20 * DAY
    snoozed = rhythm(T0, week, T0 + 15 * DAY, snooze_until=until)
    assert snoozed.health is Health.FRESH
    assert snoozed.due_at == until and snoozed.snoozed_until == until
    assert snoozed.last_touch_at == T0  # the snooze is not a touch
    after = rhythm(T0, week, until + DAY, snooze_until=until)
    assert after.health is Health.DUE and after.snoozed_until is None
    assert rhythm(T0, week, until + week, snooze_until=until).health is Health.OVERDUE


def test_a_past_snooze_changes_nothing() -> None:
    week = 7 * DAY
    plain = rhythm(T0, week, T0 + 10 * DAY)
    assert rhythm(T0, week, T0 + 10 * DAY, snooze_until=T0 - DAY) == plain


def test_never_touched_stays_never_even_when_snoozed() -> None:
    state = rhythm(None, 7 * DAY, T0, snooze_until=T0 + DAY)
    assert state.health is Health.NEVER and state.snoozed_until == T0 + DAY


@given(
    st.integers(1, 400 * DAY),
    st.integers(0, 1000 * DAY),
    st.one_of(st.none(), st.integers(1, 800 * DAY)),
    st.one_of(st.none(), st.integers(-100 * DAY, 500 * DAY)),
)
def test_health_only_worsens_with_time(
    cadence: int, elapsed: int, overdue: int | None, snooze: int | None
) -> None:
    order = [Health.FRESH, Health.DUE, Health.OVERDUE]
    until = None if snooze is None else T0 + snooze
    earlier = rhythm(T0, cadence, T0 + elapsed, overdue_seconds=overdue, snooze_until=until)
    later = rhythm(T0, cadence, T0 + elapsed + DAY, overdue_seconds=overdue, snooze_until=until)
    assert order.index(earlier.health) <= order.index(later.health)
