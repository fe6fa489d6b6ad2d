"""Text drawn from feeds and contacts takes the same cells in Rich and in a
terminal, whatever its emoji: a pane's border never moves."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from trailtui.safety import steady_width

TRICKY = [
    "🌧",  # narrow by default: one cell, unless a selector widens it
    "❤",
    "✔",
    "☀",
    "\ufe0f",  # emoji presentation selector
    "\ufe0e",  # text presentation selector
    "\u200d",  # zero-width joiner
    "👍",
    "🏽",  # skin tone
    "😀",
    "中",
    "é",
    "e\u0301",
    "1",
    "\u20e3",  # combining keycap
    "a",
    " ",
]


def terminal_cells(text: str) -> int:
    """Cells as a terminal that follows wcwidth counts them, char by char:
    wide and fullwidth 2, combining and format characters 0, the rest 1."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        if char in ("\ufe0f", "\ufe0e"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return total


def test_a_narrow_emoji_with_a_presentation_selector_keeps_one_cell() -> None:
    title = "🌧️ Rain gauges have a Monday problem"
    steady = steady_width(title)
    assert steady == "🌧 Rain gauges have a Monday problem"
    assert cell_len(steady) == terminal_cells(steady) == len(steady)


def test_skin_tones_go_wide_emoji_stay() -> None:
    assert steady_width("👍🏽 and 😀 and 中文") == "👍 and 😀 and 中文"
    assert steady_width("plain ascii") == "plain ascii"


@given(st.lists(st.sampled_from(TRICKY), max_size=12).map("".join))
def test_rich_and_the_terminal_agree_on_steady_text(text: str) -> None:
    steady = steady_width(text)
    # Joined sequences (ZWJ) are drawn as one glyph by both; leave those out.
    if "\u200d" not in steady:
        assert cell_len(steady) == terminal_cells(steady)
    assert steady_width(steady) == steady  # once is enough
