"""Inputs that used to lose data, each with its fixture (tests/fixtures/feeds/):
what is stored now, by whichever parser reads the feed."""

from __future__ import annotations

import base64

import pytest

from trailtui.feeds.entries import EntryFields, finish, first_words, page_link
from trailtui.feeds.fastparse import parse_fast
from trailtui.feeds.parse import ParsedFeed, parse_feed, parse_with_feedparser, prepare
from trailtui.feeds.sanitize import title_text
from trailtui.safety import safe_link

from .test_parse_corpus import (
    assert_clean_text,
    assert_safe_html,
    by_title,
    fixture_bytes,
    fixture_url,
    parsed,
    utc,
)


def both(name: str) -> list[ParsedFeed]:
    """The feed as parse_feed reads it, and as feedparser reads it."""
    body, headers = prepare(fixture_bytes(name), {})
    return [parsed(name), parse_with_feedparser(body, headers, fixture_url(name))]


def test_a_bad_guid_costs_that_guid_not_the_feed() -> None:
    for feed in both("rss20-bad-guid.rss"):
        assert [e.title for e in feed.entries] == [
            "Broad beans in",
            "Leeks lifted",
            "A bracket in the link",
            "Seed order",
        ]
        beans, _, bracket, _ = feed.entries
        assert beans.guid == beans.link == "https://pia.example.org/2026/broad-beans"
        assert (bracket.guid, bracket.link) == ("pia-compost-2026", None)
    assert parsed("rss20-bad-guid.rss").parser == "fast"


@pytest.mark.parametrize(
    "name", ["rss20-utf16le-no-bom.rss", "rss20-utf16be-no-bom.rss", "atom10-utf32le-no-bom.atom"]
)
def test_utf16_and_utf32_without_a_byte_order_mark(name: str) -> None:
    body = fixture_bytes(name)
    body.decode("utf-8")  # the trap: ASCII in UTF-16/32 is valid UTF-8 too
    assert prepare(body, {})[0] == body  # nothing removed before the encoding is known
    feed = parsed(name)
    assert feed.warning is None and feed.title and "no BOM" in feed.title
    assert len(feed.entries) in (2, 4)
    assert feed.entries[0].title in ("Episode 1: the & sign", "Entry 1")


def test_a_charset_header_naming_utf16_is_believed() -> None:
    body = fixture_bytes("rss20-utf16le-no-bom.rss")
    served = {"Content-Type": "application/rss+xml; charset=UTF-16LE"}
    assert prepare(body, served)[0] == body
    assert parse_feed(body, served, "https://radio.example.org/feed").entries


def test_atom_xhtml_text_stays_text() -> None:
    for feed in both("atom10-xhtml-leading-text.atom"):
        assert feed.title == "Web history & odd tags"
        blink, tables, loose = feed.entries
        assert blink.title == "History of the <blink> tag"
        assert blink.summary == "Use <em> for emphasis, not <i>."
        assert (blink.content or "").startswith("&lt;script&gt;alert(1)&lt;/script&gt; is shown")
        assert tables.title == "Tables & layout"
        assert (tables.content or "").startswith("A &lt;table&gt; for layout")
        assert loose.summary == "Loose <text> and a paragraph"
        for entry in feed.entries:
            assert_safe_html(entry.content)
    # The summary element (fast path): the escaped <em> is text, <code> is markup.
    fast = parse_fast(*prepare(fixture_bytes("atom10-xhtml-leading-text.atom"), {}), "")[1]
    assert (fast[0].summary_html or "").startswith("Use &lt;em&gt; for emphasis, not <code>")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("rss20-feed-title-markup.rss", "safe description &amp; more"),
        ("atom10-feed-title-markup.atom", "Example Atom & friends"),
        ("atom10-feed-title-text.atom", "Fish & chips <daily>"),
    ],
)
def test_feed_titles_are_text_like_entry_titles(name: str, title: str) -> None:
    for feed in both(name):
        assert feed.title == title
        assert_clean_text(feed)


def test_dublin_core_itunes_and_media_elements() -> None:
    for feed in both("rss20-dublin-core.rss"):
        only_dc, both_titles, created, issued, summary = feed.entries
        assert only_dc.title == "Only a dc:title"
        assert only_dc.author == "Ruth Ogunleye"
        assert only_dc.published_at == utc(2026, 10, 19, 9)
        assert both_titles.title == "RSS title first"
        assert (both_titles.author, both_titles.updated_at) == ("Amos Keli", utc(2026, 10, 18, 9))
        assert created.summary == "A description in the dc namespace only."
        assert created.published_at is None and created.updated_at is None  # dcterms:created
        assert (issued.published_at, issued.updated_at) == (
            utc(2026, 10, 10, 9),
            utc(2026, 10, 16, 9),
        )
        assert issued.author == "ruth@library.example.org (Ruth O.)"  # the last author element
        assert summary.summary == "Some generators write <summary> in RSS."
    for feed in both("rss20-podcast-itunes.rss"):
        twelve, eleven, ten, nine = feed.entries
        assert twelve.author == "Bea Lindqvist"
        assert twelve.summary == "Vinegar, citric acid, or a new kettle? We test all three."
        # A second summary-like element is the content (feedparser's reading).
        assert eleven.author == "Guest: Tom Harju"
        assert eleven.summary == "Why some kettles whistle and others click."
        assert "The longer summary of episode eleven." in (eleven.content or "")
        assert ten.title == "Episode 10: only a media title"
        assert nine.title == "Episode 9: both"
    for feed in both("rss20-xhtml-body.rss"):
        long, body_only, _ = feed.entries
        assert long.summary == "The short version."
        assert long.content == (
            "<p>The <em>long</em> version, in XHTML.</p><p>Two paragraphs &amp; an entity.</p>"
        )
        assert body_only.content == "<p>No description, only a body.</p>"


def test_repeated_elements_take_feedparser_s_pick() -> None:
    for feed in both("atom10-repeated-elements.atom"):
        updated, titles, summaries = feed.entries
        assert updated.updated_at == utc(2026, 10, 20, 10)  # the last <updated>
        assert (titles.title, titles.published_at) == ("Two titles", utc(2026, 10, 11, 10))
        assert summaries.summary == "The first summary."
        assert summaries.content == "The second summary."


def test_an_rss_item_inside_an_atom_feed_is_an_entry() -> None:
    for feed in both("atom10-rss-item-inside.atom"):
        assert [e.title for e in feed.entries] == [
            "A proper entry",
            "An item among the entries",
            "Another proper entry",
        ]
    assert parsed("atom10-rss-item-inside.atom").parser == "fast"


def test_base64_text_is_decoded() -> None:
    for feed in both("atom10-base64.atom"):
        content, summary, _ = feed.entries
        assert content.content == "<p>Decoded <b>content</b> from base64.</p>"
        assert summary.summary == "Plain words, base64 encoded."
    assert parsed("atom10-base64.atom").parser == "fast"


def test_base64_that_does_not_decode_goes_to_feedparser() -> None:
    junk = base64.b64encode(b"\xff\xfe not utf-8").decode()
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>T</title><entry><id>urn:x:1</id><title>A</title>"
        f'<content type="application/octet-stream">{junk}</content></entry></feed>'
    ).encode()
    feed = parse_feed(body, {}, "https://b.example/feed")
    assert feed.parser == "feedparser" and len(feed.entries) == 1


def test_windows_1252_characters_are_kept() -> None:
    for feed in both("rss20-windows-1252-c1.rss"):
        dont, double, references, undefined = feed.entries
        assert dont.title == "I don\u2019t know"
        assert (
            dont.summary
            == "It\u2019s \u201cquoted\u201d \u2013 with a dash and a price of \u20ac50."
        )
        assert (
            double.title == "Double-encoded \u00e2\u20ac\u00a6 ellipsis"
        )  # as feedparser keeps it
        assert references.title == "References: don\u2019t and \u2013"
        assert undefined.title == "Undefined and are dropped"  # 0x81, 0x8d: no character
        assert_clean_text(feed)


def test_c1_escape_sequences_are_still_removed() -> None:
    # With a CSI in the feed, the string introducers stay controls: removed.
    feed = parsed("atom10-terminal-escapes.atom")
    assert by_title(feed)["Raw C1 CSI and link"].title == "Raw C1 CSI and link"
    assert title_text("&#155;[31m red") == "\u203a[31m red"  # a reference is a character


@pytest.mark.parametrize(
    ("link", "stored"),
    [
        ("http://example.com/Correct Value", "http://example.com/Correct%20Value"),
        ("https://example.com/two words\n", "https://example.com/two%20words"),
        ("https://[bad/x", None),
        ("http://", None),
        ("javascript:alert(1)", None),
        ("https://example.com/ordinary", "https://example.com/ordinary"),
    ],
)
def test_a_stored_link_is_one_safe_link_would_open(link: str, stored: str | None) -> None:
    assert page_link(link) == stored
    if stored is not None:
        assert safe_link(stored) == stored


def test_links_with_spaces_in_a_feed() -> None:
    for feed in both("rss20-link-with-space.rss"):
        assert [e.link for e in feed.entries] == [
            "http://example.com/Correct%20Value",
            "https://example.com/twowords",  # urljoin drops tabs and newlines (WHATWG)
            "https://example.com/ordinary",
        ]


def test_a_blank_line_before_the_declaration_is_harmless() -> None:
    feed = parsed("rss20-blank-line-before-declaration.rss")
    assert (feed.parser, feed.warning, len(feed.entries)) == ("fast", None, 5)


def test_a_youtube_video_s_description_is_its_content() -> None:
    for feed in both("youtube-videos.atom"):
        lamp, brass, shorts = feed.entries
        assert lamp.summary.startswith("We strip, rewire and polish a lamp")
        assert "Rewiring &amp; safety" in (lamp.content or "")
        assert brass.title == "Brass & patina: a quick guide"
        assert (shorts.content, shorts.summary) == (None, "")
        assert lamp.author == "Lumen Workshop"
    assert parsed("youtube-videos.atom").parser == "fast"


def test_posts_without_titles_are_named_by_their_first_words() -> None:
    mastodon = parsed("mastodon-statuses.rss").entries
    assert [e.title for e in mastodon] == [
        "Just shipped the new release of #python tooling we talked about at the meetup.\u2026",
        "Morning walk.",
        "@bo yes! A very long reply that goes on and on about the details of the thing we\u2026",
        "(untitled)",
    ]
    bluesky = parsed("bluesky-posts.rss").entries
    assert [e.title for e in bluesky] == [
        "Kerning is a moral issue. Fight me.",
        "The 7:42 to Utrecht was on time & I had a window seat. Small joys <3",
        "[bold]not markup[/bold] \u2014 just brackets in a post",
    ]
    assert all(len(e.title) <= 81 for e in mastodon + bluesky)


def test_first_words_cut_at_a_word() -> None:
    assert first_words("short") == "short"
    assert first_words("word " * 40) == ("word " * 16).strip() + "\u2026"
    assert first_words("x" * 100) == "x" * 80 + "\u2026"
    assert first_words("a, " + "b" * 90) == "a\u2026"


def test_a_derived_title_changes_the_hash_so_old_rows_are_rewritten() -> None:
    fields = EntryFields("g", None, None, None, None, None, "<p>Hello there</p>", None, None)
    titled = finish(EntryFields("g", "Hello there", None, None, None, None, None, None, None))
    untitled = finish(fields)
    assert untitled.title == "Hello there"
    assert (
        untitled.content_hash
        != finish(EntryFields("g", None, None, None, None, None, None, None, None)).content_hash
    )
    assert titled.title == untitled.title
