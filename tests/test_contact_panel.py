"""The contact panel shows tier, cadence, health and a snooze as plain text."""

from __future__ import annotations

from rich.console import Console

from trailtui.store.records import ContactRecord
from trailtui.trail.cadence import DAY, rhythm
from trailtui.trail.service import ContactCard
from trailtui.ui.widgets.contact_panel import render_card

T0 = 1_800_000_000


def rendered(card: ContactCard) -> str:
    console = Console(width=80, record=True, color_system=None)
    console.print(render_card(card))
    return console.export_text()


def test_tier_cadence_and_snooze_are_shown() -> None:
    contact = ContactRecord(id="ada", name="Ada", tier="A", cadence_seconds=7 * DAY)
    state = rhythm(T0, 7 * DAY, T0 + 9 * DAY, snooze_until=T0 + 12 * DAY)
    text = rendered(ContactCard(contact, [], state, T0 + 9 * DAY))
    assert "Cadence tier A · every 1w  fresh · due in 3 d · snoozed until" in text


def test_overdue_days_are_counted_from_the_due_date() -> None:
    contact = ContactRecord(id="bo", name="Bo", cadence_seconds=7 * DAY)
    state = rhythm(T0, 7 * DAY, T0 + 20 * DAY, overdue_seconds=10 * DAY)
    text = rendered(ContactCard(contact, [], state, T0 + 20 * DAY))
    assert "every 1w  overdue · 13 d overdue" in text
