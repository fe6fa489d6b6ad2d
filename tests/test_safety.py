"""Untrusted feed text and links: escape sequences, controls, bidi, unsafe schemes."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trailtui.safety import MAX_LINE, clean_line, clean_text, clean_utf8, safe_link

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Nothing that a terminal could act on may survive: C0 (except tab/newline), DEL, C1,
# bidi overrides/isolates/marks, zero-width space and BOM.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("\x1b[31mred\x1b[0m text", "red text", id="csi-colour"),
        pytest.param("a\x1b[1;38;5;196mb", "ab", id="csi-256-colour"),
        pytest.param("before\x1b[2Jafter", "beforeafter", id="csi-clear-screen"),
        pytest.param("x\x1b[Hy\x1b[?25l", "xy", id="csi-cursor"),
        pytest.param("a\x1b]52;c;ZXZpbA==\x07b", "ab", id="osc52-bel"),
        pytest.param("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab", id="osc52-st"),
        pytest.param(
            "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\", "click me", id="osc8-link"
        ),
        pytest.param("\x1b]0;new title\x07hello", "hello", id="osc-title"),
        pytest.param("\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\after", "after", id="dcs-sixel"),
        pytest.param("a\x1b]52;c;AAAA", "a", id="unterminated-osc"),
        pytest.param("a\x1bcb", "ab", id="esc-c-reset-removed"),
        pytest.param("a\x1b7b", "ab", id="two-byte-escape-digit"),
        pytest.param("a\x9b31mb", "ab", id="c1-csi"),
        pytest.param("a\x9d52;c;ZXZpbA==\x07b", "ab", id="c1-osc"),
        pytest.param("a\x85b\x80c\x8a", "abc", id="c1-other"),
        pytest.param("ding\x07dong", "dingdong", id="bel"),
        pytest.param("a\x00b\x08c\x7fd", "abcd", id="nul-backspace-del"),
        pytest.param("invoice\u202efdp.exe", "invoicefdp.exe", id="bidi-override"),
        pytest.param("\u2066a\u2069\u200eb\u200f", "ab", id="bidi-isolates-marks"),
        pytest.param("\u200bzero\ufeffwidth", "zerowidth", id="zero-width-and-bom"),
        pytest.param("l1\nl2\tt", "l1\nl2\tt", id="keeps-newline-tab"),
        pytest.param("l1\r\nl2\rl3", "l1\nl2\nl3", id="normalises-cr"),
        pytest.param("👩\u200d💻 coder", "👩\u200d💻 coder", id="zwj-emoji"),
        pytest.param("👨\u200d👩\u200d👧 🇯🇵", "👨\u200d👩\u200d👧 🇯🇵", id="family-flag"),
        pytest.param("日本語のテキスト 中文 한국어", "日本語のテキスト 中文 한국어", id="cjk"),
        pytest.param("cafe\u0301 Zoë", "cafe\u0301 Zoë", id="combining"),
        pytest.param("\x1b[\x1b[31m31m", "31m", id="nested-leaves-no-esc"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_empty_and_none() -> None:
    assert clean_text(None) == ""
    assert clean_text("") == ""


def test_clean_text_truncates() -> None:
    assert clean_text("abcdef", max_length=3) == "abc"
    assert len(clean_text("x" * 300_000)) == 200_000


def test_mojibake_c1_does_not_swallow_the_rest() -> None:
    # '\u201cHi,\u201d he said.' encoded as UTF-8 and wrongly decoded as Latin-1.
    mojibake = "\u201cHi,\u201d he said. More text follows.".encode().decode("latin-1")
    cleaned = clean_text(mojibake)
    assert not UNSAFE.search(cleaned)
    assert "he said. More text follows." in cleaned


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("  Hello \n\n  world\t\tagain  ", "Hello world again"),
        ("\x1b[1mBold\x1b[0m\r\ntitle", "Bold title"),
        ("a\u00a0\u2003b", "a b"),
        ("\n\t \n", ""),
        (None, ""),
        ("👩\u200d💻  日本", "👩\u200d💻 日本"),
    ],
)
def test_clean_line(raw: str | None, line: str) -> None:
    assert clean_line(raw) == line


def test_clean_line_truncates() -> None:
    assert clean_line("x" * 5000) == "x" * MAX_LINE
    assert clean_line("a b c d e f", max_length=5) == "a b c"


@pytest.mark.parametrize(
    ("url", "result"),
    [
        ("https://example.org/post?id=1#top", "https://example.org/post?id=1#top"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
        ("mailto:ada@example.org", "mailto:ada@example.org"),
        ("  https://example.org/x \n", "https://example.org/x"),
    ],
)
def test_safe_link_accepts(url: str, result: str) -> None:
    assert safe_link(url) == result


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", id="javascript-case"),
        pytest.param("java\tscript:alert(1)", id="javascript-tab"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data"),
        pytest.param("ftp://example.org/file", id="ftp"),
        pytest.param("vbscript:msgbox", id="vbscript"),
        pytest.param("//example.org/x", id="scheme-relative"),
        pytest.param("example.org", id="no-scheme"),
        pytest.param("https:///path-only", id="no-host"),
        pytest.param("https://[::1", id="broken-ipv6"),
        pytest.param("https://exa mple.org", id="space"),
        pytest.param("https://example.org/a b", id="space-in-path"),
        pytest.param("https://example.org/\x1b[31m", id="esc"),
        pytest.param("https://example.org/\x07", id="bel"),
        pytest.param("https://example.org/\x9b", id="c1"),
        pytest.param("https://example.org/\x00", id="nul"),
        pytest.param("https://exam\nple.org", id="inner-newline"),
        pytest.param("\u202ehttps://example.org", id="bidi"),
        pytest.param("https://example.org/\u200b", id="zero-width"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_safe_link_refuses(url: str | None) -> None:
    assert safe_link(url) is None


# --------------------------------------------------------------------------- properties

_HOSTILE = st.text(
    alphabet=st.sampled_from(
        [
            *"ab \t\n\r[]];:?0159m\\",
            "\x1b",
            "\x07",
            "\x9b",
            "\x9c",
            "\x9d",
            "\x90",
            "\u202e",
            "\u200d",
            "\u200b",
            "\ufeff",
            "\x00",
            "\x7f",
            "日",
            "👩",
        ]
    ),
    max_size=80,
)
_TEXT = st.one_of(st.text(max_size=200), _HOSTILE)


@FAST
@given(_TEXT)
def test_clean_text_leaves_nothing_unsafe(text: str) -> None:
    cleaned = clean_text(text)
    assert not UNSAFE.search(cleaned)
    assert "\r" not in cleaned
    assert clean_text(cleaned) == cleaned  # idempotent


@FAST
@given(_TEXT)
def test_clean_utf8_is_clean_text_on_bytes(text: str) -> None:
    assert clean_utf8(text.encode()) == clean_text(text, max_length=len(text)).encode()


@pytest.mark.parametrize("filler", ["a", "é", "日", "👩"])
@pytest.mark.parametrize("length", [4095, 4096, 4097])
def test_clean_utf8_counts_characters_not_bytes(filler: str, length: int) -> None:
    # An 8-bit OSC string is removed only if it ends within 4096 characters.
    text = "x\x9d" + filler * length + "\x9cy\x9b1mz"
    assert clean_utf8(text.encode()) == clean_text(text).encode()


@FAST
@given(_TEXT)
def test_clean_line_is_one_folded_line(text: str) -> None:
    line = clean_line(text)
    assert not UNSAFE.search(line)
    assert "\n" not in line and "\t" not in line
    assert line == line.strip()
    assert "  " not in line
    assert len(line) <= MAX_LINE


@FAST
@given(_TEXT, st.sampled_from([3, 40, MAX_LINE]))
def test_clean_line_shortcut_changes_nothing(text: str, limit: int) -> None:
    folded = " ".join(clean_text(text, max_length=limit * 4).split())
    assert clean_line(text, max_length=limit) == folded[:limit]


@FAST
@given(st.one_of(st.text(max_size=60), _HOSTILE.map(lambda s: "https://x.example/" + s)))
def test_safe_link_returns_input_or_none(url: str) -> None:
    result = safe_link(url)
    if result is not None:
        assert result == url.strip()
        assert result.split(":", 1)[0].lower() in {"http", "https", "mailto"}
        assert not UNSAFE.search(result)
        assert not any(ch.isspace() for ch in result)


@FAST
@given(st.one_of(_TEXT, st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=300)))
def test_the_quick_safety_check_agrees_with_the_rule(text: str) -> None:
    # `is_safe` checks encoded bytes for speed; it must find exactly what UNSAFE finds.
    from trailtui.safety import is_safe

    assert is_safe(text) == (UNSAFE.search(text.replace("\r", "")) is None)
