"""The contact panel shows tier, cadence, health, a snooze and the feeds as plain text."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from trailtui.store.records import ContactRecord, EngagementRecord, FeedHealth
from trailtui.trail.cadence import DAY, rhythm
from trailtui.trail.service import ContactCard
from trailtui.ui.widgets.contact_panel import feed_line, feed_state, render_card

from .ui_support import main_screen, running, shown

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


def feed(**kw: object) -> FeedHealth:
    fields: dict[str, object] = {
        "id": 1,
        "url": "https://ada.example/feed.xml",
        "contact_name": "Ada",
        "label": None,
        "title": "Ada's blog",
        "last_status": 200,
        "last_error": None,
        "failures": 0,
        "last_fetch_at": T0,
        "last_success_at": T0,
        "entry_count": 3,
    }
    fields.update(kw)
    return FeedHealth(**fields)  # type: ignore[arg-type]


def test_the_card_lists_feeds_with_their_health() -> None:
    contact = ContactRecord(id="ada", name="Ada", cadence_seconds=7 * DAY, feed_count=3)
    feeds = (
        feed(),
        feed(id=2, label="Notes", last_status=404, failures=3, last_error="HTTP 404 " * 20),
        feed(id=3, title=None, url="https://ada.example/new.atom", last_fetch_at=None),
    )
    state = rhythm(None, 7 * DAY, T0)
    text = rendered(ContactCard(contact, [], state, T0, feeds))
    assert "Feeds\nAda's blog  ok\n" in text
    failing = next(line for line in text.splitlines() if line.startswith("Notes"))
    assert failing.startswith("Notes  failing: HTTP 404 HTTP 404")
    assert failing.endswith("…") and len(failing) < 80  # the reason shortened
    assert "https://ada.example/new.atom  never fetched" in text
    # No feeds, no heading: someone who publishes nothing is not "missing" one.
    assert "Feeds" not in rendered(ContactCard(contact, [], state, T0))


def test_feed_names_and_reasons_are_drawn_literally() -> None:
    words, tone = feed_state(feed(failures=1, last_error="[red]boom\x1b[2J[/red]"))
    assert (words, tone) == ("failing: [red]boom[/red]", "overdue")
    line = feed_line(feed(label="[b]Evil[/b]\u202e"))
    assert line.plain == "[b]Evil[/b]  ok"


def test_the_whole_trail_hint_names_its_key_once_there_is_a_trail() -> None:
    contact = ContactRecord(id="ada", name="Ada", cadence_seconds=7 * DAY)
    liked = EngagementRecord(1, "ada", None, "like", None, T0, undone=False)
    state = rhythm(T0, 7 * DAY, T0 + DAY)
    with_trail = ContactCard(contact, [liked], state, T0 + DAY)
    console = Console(width=80, record=True, color_system=None)
    console.print(render_card(with_trail, keys={"timeline": "T"}))
    assert "Press T to see the whole trail." in console.export_text()
    assert "whole trail" not in rendered(with_trail)  # no key bound: no hint
    empty = ContactCard(contact, [], state, T0 + DAY)
    console = Console(width=80, record=True, color_system=None)
    console.print(render_card(empty, keys={"timeline": "T"}))
    assert "whole trail" not in console.export_text()


async def test_the_panel_shows_the_feeds_of_the_selected_post_s_author(
    small_world: Path, tmp_path: Path
) -> None:
    text = small_world.read_text(encoding="utf-8")
    small_world.write_text(
        text.replace("[feeds/ada.rss]", "[feeds/ada.rss, feeds/later.rss]"),
        encoding="utf-8",
    )
    async with running(small_world, tmp_path) as (app, pilot):
        screen = main_screen(app)
        assert screen.feed.current is not None and screen.feed.current.contact_id == "ada"
        text = await shown(pilot, "Feeds")
        assert "ada blog  ok" in text
        assert "later.rss  failing: " in text  # no such file: the reason follows
        card = screen.card
        assert card is not None and [f.failures > 0 for f in card.feeds] == [False, True]
