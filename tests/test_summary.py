"""Summaries: one clean line from HTML, the same whether or not the first try sufficed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui.feeds.sanitize import FIRST_TRY, MAX_SUMMARY, SUMMARY_SOURCE, line_from, text_of

_PIECES = st.sampled_from(
    [
        "word ",
        "longer words here. ",
        "<p>",
        "</p>",
        "<br/>",
        "<a href='https://x.example/a?b=1&amp;c=2'>link</a> ",
        "&amp;",
        "&hellip; ",
        "&#8217;",
        "&#x41;",
        "&nbsp;",
        "\n\n   ",
        "<li>item</li>",
        "<img src='a.png' alt='x>y'>",
        "<!-- note -->",
        "日本語 ",
        "<b>bold</b>",
    ]
)
_FRAGMENTS = st.lists(_PIECES, min_size=1, max_size=400).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FRAGMENTS)
def test_the_first_try_gives_the_summary_the_whole_source_gives(fragment: str) -> None:
    whole = line_from(fragment, SUMMARY_SOURCE, MAX_SUMMARY)[:MAX_SUMMARY]
    assert text_of(fragment) == whole


def test_a_long_fragment_is_summarised_from_its_beginning() -> None:
    fragment = "<p>" + "plenty of words in this post " * 200 + "</p>"
    assert len(fragment) > FIRST_TRY
    summary = text_of(fragment)
    assert len(summary) == MAX_SUMMARY
    assert summary.startswith("plenty of words in this post plenty")


def test_a_script_is_never_shown_even_when_cut_open() -> None:
    script = "<script>" + "var x = 1; " * 60 + "</script>"
    assert text_of("<p>intro</p>" + script + "<p>after</p>" + "padding " * 200).startswith(
        "intro after padding"
    )
    long_script = "<script>" + "var x = 1; " * 400 + "</script>"
    assert text_of("<p>intro</p>" + long_script + "<p>after</p>") == "intro"


def test_markup_heavy_fragments_read_past_the_first_kilobyte() -> None:
    fragment = "<span class='x'>a</span> " * 200 + "the end"
    summary = text_of(fragment)
    assert summary.startswith("a a a")
    assert len(summary) > 150
