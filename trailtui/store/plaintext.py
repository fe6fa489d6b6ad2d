"""An entry's text as search sees it: its words, none of its markup.

Stored content is HTML that nh3 sanitized (every `<` and `>` inside an
attribute value is escaped), so a tag is exactly `<` up to the next `>`:
a pattern finds them, no parser needed. Block tags become spaces so
paragraphs don't run together; inline ones vanish so `<b>wo</b>rd` stays one
word. Attribute values (links, image names) are never text.

SQLite's triggers call `index_text` as INDEX_TEXT_FUNCTION (registered on
every connection by `store.db`), so it must stay deterministic: the same
HTML, the same text.
"""

from __future__ import annotations

import html
import re

INDEX_TEXT_FUNCTION = "trailtui_index_text"

# Tags whose content is never text (nh3 already drops them; a guard).
_HIDDEN = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(?:/?([a-zA-Z][a-zA-Z0-9]*)|!)[^>]*>")
_INLINE = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i"),
        *("ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup"),
        *("time", "u", "var", "wbr"),
    }
)
_SPACES = re.compile(r"\s+")


def _tag_gap(match: re.Match[str]) -> str:
    name = match.group(1)
    return "" if name is not None and name.lower() in _INLINE else " "


def html_text(fragment: str) -> str:
    """The words of an HTML fragment: tags out, entities decoded, one space
    between words."""
    if "<" in fragment:
        fragment = _TAG.sub(_tag_gap, _HIDDEN.sub(" ", fragment))
    if "&" in fragment:
        fragment = html.unescape(fragment)
    return _SPACES.sub(" ", fragment).strip()


def index_text(content: str | None, summary: str | None) -> str:
    """What the search index holds for an entry's body: its content's text,
    else its summary (plain text already). Never raises: SQLite calls it."""
    if isinstance(content, str) and content:
        return html_text(content)
    if isinstance(summary, str):
        return _SPACES.sub(" ", summary).strip()
    return ""
