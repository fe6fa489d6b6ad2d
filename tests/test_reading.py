"""A post's HTML as the reader's Markdown: formatting kept, the feed's text
literal, links numbered and safe, and the work bounded."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from trailtui.reading import (
    CUT_NOTE,
    MAX_BLOCKS,
    MAX_NESTING,
    MAX_TEXT,
    NO_TEXT,
    Link,
    destination,
    escape,
    reading_of,
)
from trailtui.safety import safe_link, shown
from trailtui.ui.screens.reader import markdown_parser

BASE = "https://ada.example.org/posts/engines"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FORMATTING = {
    "strong_open",
    "em_open",
    "s_open",
    "link_open",
    "image",
    "code_inline",
    "html_inline",
}


def tokens(markdown: str) -> list[Token]:
    """Every token the reader's parser makes of the Markdown, inline ones included."""

    def walk(found: list[Token]) -> Iterator[Token]:
        for token in found:
            yield token
            yield from walk(token.children or [])

    return list(walk(markdown_parser().parse(markdown)))


def kinds(markdown: str) -> set[str]:
    return {token.type for token in tokens(markdown)}


def text_of(markdown: str) -> str:
    """What the reader would show of the Markdown, as plain text (its blocks
    one after the other, its whitespace folded)."""
    blocks = []
    for token in markdown_parser().parse(markdown):
        if token.type == "inline":
            blocks.append(
                "".join(
                    " " if child.type in ("softbreak", "hardbreak") else child.content
                    for child in token.children or []
                    if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                )
            )
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
    return " ".join(" ".join(blocks).split())


def hrefs(markdown: str) -> list[str]:
    return [str(t.attrs["href"]) for t in tokens(markdown) if t.type == "link_open"]


def read(fragment: str) -> tuple[str, tuple[Link, ...]]:
    reading = reading_of(fragment, None, base_url=BASE)
    assert not reading.truncated
    return reading.markdown, reading.links


# ---- formatting the post meant ----------------------------------------------


def test_the_posts_own_formatting_is_kept() -> None:
    markdown, _ = read(
        "<h2>Engines</h2><p>They <b>compute</b>, <em>slowly</em> and <s>loudly</s>.</p>"
        "<ul><li>gears</li><li>cards</li></ul><blockquote>Imagine.</blockquote>"
        "<pre>for x in cards:\n    punch(x)</pre><p>Call <code>run()</code>.</p>"
    )
    found = kinds(markdown)
    assert {"heading_open", "strong_open", "em_open", "s_open", "bullet_list_open"} <= found
    assert {"blockquote_open", "fence", "code_inline"} <= found
    fence = next(t for t in tokens(markdown) if t.type == "fence")
    assert fence.content == "for x in cards:\n    punch(x)\n"  # indentation kept
    assert text_of(markdown).startswith("Engines They compute, slowly and loudly.")


# ---- the feed's text stays text -----------------------------------------------

HOSTILE_TEXT = [
    "**not bold** and __not bold__ and *not em* and _not em_",
    "[a link](javascript:alert(1)) and ![img](https://evil.example/x.png)",
    "<script>alert(1)</script> <b>not a tag</b> <https://evil.example>",
    "`not code` and ``` not a fence",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "+ not a list",
    "> not a quote",
    "| not | a table |",
    "~~not struck~~",
    "&amp; stays &lt;literal&gt;",
    "a backslash \\* and \\[ stay",
    "---",
    "===",
    "[1]: https://evil.example/reference",
    "[bold red]Rich markup[/] is not markup either",
]


def test_markdown_in_the_feeds_text_is_shown_as_written() -> None:
    for text in HOSTILE_TEXT:
        markdown, links = read(f"<p>{html.escape(text)}</p>")
        assert links == ()
        assert kinds(markdown) == {"paragraph_open", "inline", "text", "paragraph_close"}, text
        assert text_of(markdown) == " ".join(text.split()), text


def test_syntax_split_across_elements_stays_literal() -> None:
    # markdownify's own escaping looks at one element's text at a time.
    for fragment in (
        "<p>1<span>. not a list</span></p>",
        "<p><span>#</span> not a heading</p>",
        "<p>a<br><span>-</span> not a list</p>",
        "<p><i>*</i>not em<i>*</i></p>",
    ):
        markdown, _ = read(fragment)
        assert not kinds(markdown) & {"ordered_list_open", "bullet_list_open", "heading_open"}
        assert "em_open" not in kinds(markdown) or fragment.startswith("<p><i>")


def test_code_cannot_be_closed_by_its_own_text() -> None:
    markdown, _ = read("<pre>before\n```\n# escaped?\n```\nafter</pre><p>then</p>")
    fences = [t for t in tokens(markdown) if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content == "before\n```\n# escaped?\n```\nafter\n"
    assert "heading_open" not in kinds(markdown)
    # Inline code: its newlines would start lines of their own.
    markdown, _ = read("<p><code>a\n# b\n- c</code> and <code>x ``` y</code></p>")
    assert not kinds(markdown) & {"heading_open", "bullet_list_open"}
    assert [t.content for t in tokens(markdown) if t.type == "code_inline"] == [
        "a # b - c",
        "x ``` y",
    ]


def test_terminal_escapes_and_controls_never_survive() -> None:
    for fragment in (
        "<p>copy &#27;]52;c;aGVsbG8=&#7; this</p>",
        "<p>red \x1b[31mtext\x1b[0m here</p>",
        "<p>c1 &#x9b;31m and \x9d8;;https://evil.example\x9c too</p>",
        "<pre>\x1b]52;c;aGVsbG8=\x07code</pre>",
        '<p><a href="https://x.example/">la\x1b[2Jbel</a><img alt="al&#27;[5mt" src="/i.png"></p>',
    ):
        reading = reading_of(fragment, None, base_url=BASE)
        assert not CONTROL.search(reading.markdown), reading.markdown
        assert "52;" not in reading.markdown and "[31m" not in reading.markdown
        for link in reading.links:
            assert not CONTROL.search(link.label)


# ---- links ------------------------------------------------------------------


def test_links_are_numbered_in_reading_order_and_resolved() -> None:
    markdown, links = read(
        '<p>See <a href="/docs">the docs</a>, <a href="https://b.example/x">B</a>'
        ' and <a href="mailto:ada@example.org">mail</a>.</p>'
        '<p>The docs <a href="https://ada.example.org/docs">again</a>.</p>'
    )
    assert links == (
        Link(1, "the docs", "https://ada.example.org/docs"),
        Link(2, "B", "https://b.example/x"),
        Link(3, "mail", "mailto:ada@example.org"),
    )
    # The same address keeps its number; each number follows its link.
    assert text_of(markdown) == "See the docs [1], B [2] and mail [3]. The docs again [1]."
    assert hrefs(markdown) == [
        "https://ada.example.org/docs",
        "https://b.example/x",
        "mailto:ada@example.org",
        "https://ada.example.org/docs",
    ]


def test_only_safe_links_get_numbers_the_rest_is_text() -> None:
    markdown, links = read(
        '<p><a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a>'
        ' <a href="data:text/html,x">data</a> <a href="https://ok.example/a b">spaced</a>'
        f' <a href="https://long.example/{"x" * 3000}">long</a> <a>bare</a>'
        ' <a href="https://ok.example/">fine</a></p>'
    )
    assert links == (Link(1, "fine", "https://ok.example/"),)
    assert hrefs(markdown) == ["https://ok.example/"]
    assert text_of(markdown) == "js file data spaced long bare fine [1]"


def test_a_relative_link_without_a_base_is_not_numbered() -> None:
    reading = reading_of('<p><a href="/docs">docs</a></p>', None, base_url=None)
    assert reading.links == ()
    reading = reading_of('<p><a href="/docs">docs</a></p>', None, base_url="javascript:x")
    assert reading.links == ()


def test_images_are_numbered_links_never_pictures() -> None:
    markdown, links = read(
        '<p><img src="/cat.jpg" alt="A **cat**"> <img src="data:image/png;base64,AA" alt="dot">'
        ' <a href="/big.jpg"><img src="/thumb.jpg"></a></p>'
    )
    assert "image" not in kinds(markdown)
    assert links == (
        Link(1, "image: A **cat**", "https://ada.example.org/cat.jpg"),
        Link(2, "image", "https://ada.example.org/thumb.jpg"),
        Link(3, "link", "https://ada.example.org/big.jpg"),
    )
    assert text_of(markdown) == "image: A **cat** [1] (image: dot) image [2] link [3]"


def test_a_link_address_cannot_break_out_of_its_brackets() -> None:
    url = "https://x.example/a>b<c\\d)e(f"
    markdown, links = read(f'<p><a href="{html.escape(url)}">odd</a> after</p>')
    assert links == (Link(1, "odd", url),)
    assert destination(url) == "<https://x.example/a%3Eb%3Cc%5Cd)e(f>"
    assert hrefs(markdown) == ["https://x.example/a%3Eb%3Cc%5Cd)e(f"]
    assert text_of(markdown) == "odd [1] after"


def test_links_in_code_keep_their_number_as_text() -> None:
    markdown, links = read('<pre>see <a href="https://x.example/">x</a></pre>')
    assert links == (Link(1, "x", "https://x.example/"),)
    assert hrefs(markdown) == []
    assert text_of(markdown) == "see x [1]"


# ---- what there is to read ----------------------------------------------------


def test_no_content_uses_the_summary_and_neither_says_so() -> None:
    assert text_of(reading_of(None, "<p>The summary.</p>", base_url=None).markdown) == (
        "The summary."
    )
    assert text_of(reading_of("<p> </p>", "<p>The summary.</p>", base_url=None).markdown) == (
        "The summary."
    )
    for content, summary in ((None, None), ("", "  "), ("<p></p>", "<div> </div>")):
        reading = reading_of(content, summary, base_url=None)
        assert text_of(reading.markdown) == NO_TEXT
        assert reading.links == () and not reading.truncated


# ---- bounds -------------------------------------------------------------------


def test_a_huge_paragraph_is_cut_with_a_note() -> None:
    reading = reading_of("<p>" + "word " * 200_000 + "</p>", None, base_url=None)
    assert reading.truncated
    assert len(reading.markdown) <= MAX_TEXT + 100
    text = text_of(reading.markdown)
    assert text.endswith(CUT_NOTE)
    assert text.startswith("word word")
    assert "wo " not in text  # cut between words


def test_many_blocks_are_cut_with_a_note() -> None:
    reading = reading_of("<hr>" * 100_000, None, base_url=None)
    assert reading.truncated
    assert sum(t.type == "hr" for t in tokens(reading.markdown)) <= MAX_BLOCKS
    assert text_of(reading.markdown) == CUT_NOTE
    items = reading_of("<ul>" + "<li>item</li>" * 10_000 + "</ul>", None, base_url=None)
    assert items.truncated
    assert sum(t.type == "list_item_open" for t in tokens(items.markdown)) < MAX_BLOCKS


def test_deep_nesting_neither_crashes_nor_loses_the_text() -> None:
    reading = reading_of("<div>" * 100_000 + "deep text" + "</div>" * 100_000, None, base_url=None)
    assert text_of(reading.markdown) == "deep text"
    quotes = reading_of("<blockquote>" * 50 + "<ul><li>" * 50 + "inner **x**", None, base_url=None)
    assert text_of(quotes.markdown) == "inner **x**"
    depth = max(t.level for t in tokens(quotes.markdown))
    assert depth <= 3 * MAX_NESTING


def test_a_cell_spanning_thousands_of_columns_is_narrowed() -> None:
    markdown, _ = read('<table><tr><td colspan="99999">a</td></tr><tr><td>b</td></tr></table>')
    assert len(markdown) < 200
    assert "table_open" in kinds(markdown)


def test_a_recursion_too_deep_falls_back_to_plain_text() -> None:
    # The depth limit keeps markdownify's recursion far from Python's; with
    # the interpreter's limit lowered below it, the plain text is the answer.
    script = textwrap.dedent(
        """
        import sys
        from trailtui.reading import reading_of
        fragment = "<p>Intro <b>bold</b></p>" + "<div>" * 39 + "<p>x <a href='https://a.example/'>a</a></p>"
        sys.setrecursionlimit(60)
        reading = reading_of(fragment, None, base_url=None)
        sys.setrecursionlimit(1000)
        print(repr(reading))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == (
        "Reading(markdown='Intro bold\\n\\nx a', links=(), truncated=False)"
    ), done.stderr


# ---- properties ---------------------------------------------------------------

TAGS = ["p", "a", "b", "i", "code", "pre", "ul", "ol", "li", "table", "tr", "td", "th"]
TAGS += ["blockquote", "h1", "h3", "img", "br", "hr", "div", "span", "script", "video"]
ATTRIBUTES = [
    "",
    ' href="https://x.example/a"',
    ' href="javascript:alert(1)"',
    ' href="/relative"',
    ' src="https://i.example/p.png"',
    ' src="data:image/png;base64,AA"',
    ' alt="**x** [y](z)"',
    ' colspan="99999"',
    ' href="http://[broken"',
]
PIECES = st.one_of(
    st.text(max_size=20),
    st.builds("<{}{}>".format, st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES)),
    st.builds("</{}>".format, st.sampled_from(TAGS)),
    st.sampled_from(["&#27;", "&#x9b;", "\x1b]52;c;x\x07", "```", "\n", "# ", "1.", "**", "<!--"]),
)
FRAGMENTS = st.lists(PIECES, max_size=30).map("".join)
BASES = st.sampled_from([None, BASE, "javascript:x", "mailto:a@b.example"])


@settings(max_examples=300, deadline=None)
@given(FRAGMENTS, st.none() | FRAGMENTS, BASES)
def test_any_html_gives_safe_markdown_and_safe_numbered_links(
    content: str, summary: str | None, base: str | None
) -> None:
    reading = reading_of(content, summary, base_url=base)
    assert reading.markdown
    assert not CONTROL.search(reading.markdown)
    assert [link.number for link in reading.links] == list(range(1, len(reading.links) + 1))
    for link in reading.links:
        assert safe_link(link.url) == link.url
        assert link.url.startswith(("http://", "https://", "mailto:"))
        assert not CONTROL.search(link.label)
    # Every link the Markdown makes is one of the numbered ones.
    numbered = {markdown_parser().normalizeLink(link.url) for link in reading.links}
    assert set(hrefs(reading.markdown)) <= numbered


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_reads_as_written(text: str) -> None:
    reading = reading_of(f"<p>{html.escape(text)}</p>", None, base_url=BASE)
    expected = " ".join(shown(text).split())
    if not expected:
        return
    assert reading.links == ()
    assert not kinds(reading.markdown) & FORMATTING
    assert kinds(reading.markdown) <= {"paragraph_open", "inline", "text", "paragraph_close"}
    assert text_of(reading.markdown) == expected


@given(st.text(max_size=100))
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    one_line = " ".join(shown(text).split())  # escape() takes clean text, on one line
    if one_line:
        assert text_of(escape(one_line)) == one_line
