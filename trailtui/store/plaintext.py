"""An entry's text as search sees it: its words, none of its markup.

Stored content is HTML that nh3 sanitized (every `<` and `>` inside an
attribute value is escaped), so a tag is exactly `<` up to the next `>`:
a pattern finds them, no parser needed. Block tags become spaces so
paragraphs don't run together; inline ones vanish so `<b>wo</b>rd` stays one
word. Attribute values (links, image names) are never text.

SQLite's triggers call `index_text` as INDEX_TEXT_FUNCTION (registered on
every connection by `store.db`, as deterministic: the same HTML, the same
text). The index keeps its own copy of what it was given, so a change here
leaves older rows sound; only a migration that re-indexes applies it to them.
"""

from __future__ import annotations

import html
import re

INDEX_TEXT_FUNCTION = "trailtui_index_text"

# Tags whose content is never text (nh3 already drops them; a guard).
_HIDDEN = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN_START = re.compile(r"<(?:script|style|template|noscript)\b", re.IGNORECASE)
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
    r"|strong|sub|sup|time|u|var|wbr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[/!]?[a-zA-Z][^>]*>|<!--.*?-->", re.DOTALL)


def html_text(fragment: str) -> str:
    """The words of an HTML fragment: tags out, entities decoded. Its
    whitespace is left as it comes (the index does not care; an excerpt
    folds its own)."""
    if "<" in fragment:
        if _HIDDEN_START.search(fragment):
            fragment = _HIDDEN.sub(" ", fragment)
        fragment = _TAG.sub(" ", _INLINE_TAG.sub("", fragment))
    if "&" in fragment:
        fragment = html.unescape(fragment)
    return fragment.strip()


def index_text(content: str | None, summary: str | None) -> str:
    """What the search index holds for an entry's body: its content's text,
    else its summary (plain text already). Never raises: SQLite calls it."""
    if isinstance(content, str) and content:
        return html_text(content)
    if isinstance(summary, str):
        return summary.strip()
    return ""
