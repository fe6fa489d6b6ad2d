"""The full contacts schema: feed shorthands, tiers, snooze, max cadence, settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trailtui.contacts import ContactsError, parse_contacts
from trailtui.contacts.schema import KEYMAP_ACTIONS, SOURCE_KEYS
from trailtui.contacts.shorthands import SHORTHANDS, expand
from trailtui.trail.kinds import Kind


@pytest.mark.parametrize(
    ("platform", "handle", "url"),
    [
        ("mastodon", "@ada@hachyderm.io", "https://hachyderm.io/@ada.rss"),
        ("mastodon", "ada@Hachyderm.IO", "https://hachyderm.io/@ada.rss"),
        ("mastodon", "https://mastodon.social/@ada_l", "https://mastodon.social/@ada_l.rss"),
        ("github", "ada", "https://github.com/ada.atom"),
        ("github", "@ada-l", "https://github.com/ada-l.atom"),
        ("bluesky", "ada.bsky.social", "https://bsky.app/profile/ada.bsky.social/rss"),
        ("bluesky", "@Ada.Example.org", "https://bsky.app/profile/ada.example.org/rss"),
        ("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur",
         "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/rss"),
        ("youtube", "UCxxxxxxxxxxxxxxxxxxxxxx",
         "https://www.youtube.com/feeds/videos.xml?channel_id=UCxxxxxxxxxxxxxxxxxxxxxx"),
        ("substack", "ada", "https://ada.substack.com/feed"),
        ("substack", "newsletter.ada.example", "https://newsletter.ada.example/feed"),
        ("medium", "@ada", "https://medium.com/feed/@ada"),
        ("medium", "ada.lovelace", "https://medium.com/feed/@ada.lovelace"),
        ("devto", "ada", "https://dev.to/feed/ada"),
        ("reddit", "ada_l", "https://www.reddit.com/user/ada_l/.rss"),
        ("reddit", "u/ada_l", "https://www.reddit.com/user/ada_l/.rss"),
    ],
)  # fmt: skip
def test_shorthands_expand_to_public_feeds(platform: str, handle: str, url: str) -> None:
    assert expand(platform, handle) == url


@pytest.mark.parametrize(
    ("platform", "handle"),
    [
        ("mastodon", "@ada"),
        ("mastodon", "@ada@"),
        ("mastodon", "https://hachyderm.io/users/ada"),
        ("mastodon", "@a da@x.example"),
        ("github", "-ada"),
        ("github", "a" * 40),
        ("github", "ada/repo"),
        ("bluesky", "ada"),
        ("bluesky", "did:key:abc"),
        ("youtube", "UCshort"),
        ("youtube", "@ada"),
        ("substack", "ada_lovelace"),
        ("medium", "ada/posts"),
        ("devto", "ada-l"),
        ("reddit", "ab"),
        ("reddit", "a" * 21),
    ],
)
def test_bad_handles_are_refused(platform: str, handle: str) -> None:
    with pytest.raises(ValueError, match=r"expected|handle"):
        expand(platform, handle)


def test_every_shorthand_is_a_feed_key() -> None:
    assert set(SHORTHANDS) < set(SOURCE_KEYS)


def test_feed_forms_in_a_file() -> None:
    book = parse_contacts(
        """contacts:
  - name: Ada
    feeds:
      - https://ada.example/feed.xml
      - {url: "https://ada.example/notes.atom", label: Notes}
      - blog: https://ada.example
      - mastodon: "@ada@hachyderm.io"
      - {github: ada, label: Code}
      - bluesky: ada.bsky.social
      - youtube: UCxxxxxxxxxxxxxxxxxxxxxx
      - substack: ada
      - medium: "@ada"
      - devto: ada
      - reddit: ada_l
"""
    )
    feeds = book.contacts[0].feeds
    assert [f.form for f in feeds] == [
        "url", "url", "blog", "mastodon", "github", "bluesky", "youtube",
        "substack", "medium", "devto", "reddit",
    ]  # fmt: skip
    assert feeds[4].label == "Code"
    assert feeds[4].location == "https://github.com/ada.atom"
    assert feeds[4].source == "ada"
    assert feeds[2].discover and not feeds[3].discover
    assert book.feed_count == 11


def test_tiers_snooze_and_max_cadence() -> None:
    book = parse_contacts(
        """settings:
  default_cadence: 10d
  tier_cadences: {A: 5d}
contacts:
  - name: Ada
    tier: A
  - name: Bob
    tier: C
  - name: Cy
    tier: A
    cadence: 3d
    max_cadence: 1w
    snooze_until: 2026-12-24
  - name: Di
"""
    )
    ada, bob, cy, di = book.contacts
    assert book.cadence_of(ada) == timedelta(days=5)
    assert book.cadence_of(bob) == timedelta(days=60)  # the default C tier
    assert book.cadence_of(cy) == timedelta(days=3)  # own cadence wins
    assert book.cadence_of(di) == timedelta(days=10)
    assert book.overdue_after(ada) == timedelta(days=10)
    assert book.overdue_after(cy) == timedelta(days=7)
    assert cy.snooze_until == date(2026, 12, 24)
    assert book.settings.tier_cadences == {
        "A": timedelta(days=5),
        "B": timedelta(days=21),
        "C": timedelta(days=60),
    }


def test_max_cadence_shorter_than_the_tier_cadence_is_ignored() -> None:
    book = parse_contacts("contacts:\n  - name: Ada\n    tier: C\n    max_cadence: 1w\n")
    [ada] = book.contacts
    assert book.overdue_after(ada) == timedelta(days=120)


def test_keys_and_theme_settings() -> None:
    book = parse_contacts(
        "settings:\n  keys: {like: L, refresh: 'ctrl+r,f5'}\n  theme: nord\ncontacts: []\n"
    )
    assert book.settings.keys == {"like": "L", "refresh": "ctrl+r,f5"}
    assert book.settings.theme == "nord"


def test_every_trail_kind_can_be_rebound() -> None:
    assert {kind.value for kind in Kind} <= set(KEYMAP_ACTIONS)


def test_every_error_in_a_file_is_reported_at_once() -> None:
    with pytest.raises(ContactsError) as caught:
        parse_contacts(
            "contacts:\n"
            "  - name: Ada\n    tier: Z\n"
            "  - name: Bob\n    feeds: [{github: 'x y'}]\n"
            "  - name: Cy\n    snooze_until: soon\n"
        )
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (3, "contacts[0].tier"),
        (5, "contacts[1].feeds[0]"),
        (7, "contacts[2].snooze_until"),
    ]
