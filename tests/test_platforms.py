"""Platforms from a post's URL, their limits, reply addresses and length hints."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trailtui.trail.platforms import (
    BLUESKY,
    MASTODON,
    characters,
    length_hint,
    platform_of,
    reply_address,
)

MASTODON_POSTS = (
    "https://mastodon.social/@ada/112233445566",
    "https://fosstodon.org/@ada@hachyderm.io/42",
    "https://hachyderm.io/users/ada/statuses/112233",
    "https://Mastodon.Social/@ada/1/",
)
MASTODON_FEEDS = ("https://mastodon.social/@ada.rss", "https://hachyderm.io/users/ada.rss")
BLUESKY_URLS = (
    "https://bsky.app/profile/ada.bsky.social/post/3kabc2xyz",
    "https://bsky.app/profile/did:plc:abc123/post/3kabc",
    "https://bsky.app/profile/ada.bsky.social/rss",
    "https://bsky.app/profile/ada.bsky.social",
)
NEITHER = (
    None,
    "",
    "https://ada.example.org/posts/engines",
    "https://medium.com/@ada/engines-weave-3f2a9c1b",  # /@user/ but a slug, not a status
    "https://www.youtube.com/@ada",
    "https://bsky.app/about",
    "https://mastodon.social/@ada",  # a profile page, not a post
    "javascript:alert(1)//mastodon.social/@ada/1",
    "ftp://mastodon.social/@ada/1",
    "https://mastodon.social/@ada/1 x",
)


@pytest.mark.parametrize("url", MASTODON_POSTS + MASTODON_FEEDS)
def test_mastodon_statuses_and_feeds(url: str) -> None:
    assert platform_of(url) == MASTODON
    assert MASTODON.limit == 500


@pytest.mark.parametrize("url", BLUESKY_URLS)
def test_bluesky_posts_and_profiles(url: str) -> None:
    assert platform_of(url) == BLUESKY
    assert BLUESKY.limit == 300


@pytest.mark.parametrize("url", NEITHER)
def test_anything_else_is_no_platform(url: str | None) -> None:
    assert platform_of(url) is None


@pytest.mark.parametrize(
    "server",
    ["mastodon.social", "https://mastodon.social/", "@me@mastodon.social", "Mastodon.Social"],
)
def test_mastodon_with_the_users_server_replies_from_their_own_server(server: str) -> None:
    post = "https://hachyderm.io/@ada/112233?x=1&y=2"
    address = reply_address(post, "Hello", mastodon_server=server)
    assert address is not None
    parts = urlsplit(address)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "mastodon.social",
        "/authorize_interaction",
    )
    assert parse_qs(parts.query) == {"uri": [post]}


def test_mastodon_without_a_server_or_with_a_bad_one_opens_the_post() -> None:
    post = "https://hachyderm.io/@ada/112233"
    assert reply_address(post, "Hello") == post
    assert reply_address(post, "Hello", mastodon_server="not a host/") == post
    assert reply_address(post, "Hello", mastodon_server="") == post


def test_bluesky_composes_with_the_text() -> None:
    text = "Hi Ada & co — “engines”? 100% #yes\nline two"
    address = reply_address(BLUESKY_URLS[0], text, mastodon_server="mastodon.social")
    assert address is not None
    parts = urlsplit(address)
    assert (parts.netloc, parts.path) == ("bsky.app", "/intent/compose")
    assert parse_qs(parts.query) == {"text": [text]}


def test_elsewhere_the_posts_own_link_if_it_is_http() -> None:
    assert reply_address("https://ada.example.org/p/1", "Hi") == "https://ada.example.org/p/1"
    assert reply_address("http://ada.example.org/p/1", "Hi") == "http://ada.example.org/p/1"
    for bad in (None, "", "mailto:ada@example.org", "javascript:alert(1)", "file:///etc/passwd"):
        assert reply_address(bad, "Hi", mastodon_server="mastodon.social") is None
    assert reply_address("https://ada.example.org/\x1b]52;c;x\x07", "Hi") is None


def test_the_length_hint_reads_plainly() -> None:
    plain = length_hint("Hello there, Ada.", None)
    assert (plain.words, plain.characters, plain.limit, plain.over) == (3, 17, None, False)
    assert str(plain) == "3 words · 17 characters"
    assert str(length_hint("Hi", None)) == "1 word · 2 characters"
    assert str(length_hint("", None)) == "0 words · 0 characters"
    on_mastodon = length_hint("Hello there, Ada.", MASTODON)
    assert str(on_mastodon) == "3 words · 17/500 (Mastodon)" and not on_mastodon.over


def test_over_the_limit_at_the_limit_plus_one() -> None:
    assert not length_hint("x" * 300, BLUESKY).over
    over = length_hint("x" * 301, BLUESKY)
    assert over.over and str(over) == "1 word · 301/300 (Bluesky)"


def test_characters_count_what_a_person_sees() -> None:
    assert characters("café") == 4
    assert characters("cafe\u0301") == 4  # e + a combining accent
    assert characters("👍🏽") == 1  # a skin tone joins its emoji
    assert characters("👩\u200d💻") == 1  # a ZWJ sequence
    assert characters("❤\ufe0f") == 1  # a variation selector
    assert characters("🇫🇷🇩🇪") == 2  # two flags of two regional indicators each
    assert characters("🇫") == 1
    assert characters("a\r\nb") == 3
    assert characters("日本語") == 3
    # URLs count as written.
    assert characters("see https://ada.example.org/a/very/long/path") == len(
        "see https://ada.example.org/a/very/long/path"
    )


@given(st.text())
def test_characters_never_exceed_code_points_and_words_are_split_words(text: str) -> None:
    hint = length_hint(text, MASTODON)
    assert 0 <= hint.characters <= len(text)
    assert (hint.characters == 0) == (text == "")
    assert hint.words == len(text.split())
    assert str(hint).endswith("/500 (Mastodon)")
