"""An entry's text as search sees it: its words, none of its markup.

Stored content is HTML that nh3 sanitized (every `<` and `>` inside an
attribute value is escaped, tag names are lower case), so a tag is exactly
`<` up to the next `>`: a pattern finds them, no parser needed. Block tags
become spaces so paragraphs don't run together; inline ones vanish so
`<b>wo</b>rd` stays one word. Attribute values (links, image names) are never
text. Upper-case tags (HTML that did not come through nh3) take a slower,
case-blind path to the same result.

SQLite's triggers call `index_text` as INDEX_TEXT_FUNCTION (registered on
every connection by `store.db`, as deterministic: the same HTML, the same
text), and search calls it again for the excerpts of what it found. The
index keeps no copy of that text: it takes an entry's words out again by
being told them (`migrations`), so a change to what `index_text` returns
must come with a schema migration that re-indexes every entry
(`migrations.reindex_search`), or an old entry's words would stay behind.
"""

from __future__ import annotations

import html
import re
import unicodedata

INDEX_TEXT_FUNCTION = "trailtui_index_text"

# What search reads of a body: its text's first characters. A longer post is
# found by its title, its author and its first INDEXED_CHARS (about 20 pages
# of prose); its words past that are a documented limit.
INDEXED_CHARS = 64 * 1024

_INLINE = (
    "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
    "|strong|sub|sup|time|u|var|wbr"
)
# Tags whose content is never text (nh3 already drops them; a guard).
_HIDDEN = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN_START = re.compile(r"<(?:script|style|template|noscript)\b", re.IGNORECASE)
# Case-blind matching costs these patterns twice the time: it is only used
# when a tag name starts with a capital (`<B>`, `<Em>`; nh3 writes none).
_UPPER_TAG = re.compile(r"</?[A-Z]")
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})\b[^>]*>")
_INLINE_TAG_ANY_CASE = re.compile(rf"</?(?:{_INLINE})\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[/!]?[a-zA-Z][^>]*>|<!--.*?-->", re.DOTALL)
_LAST_WORD = re.compile(r"\S+\Z")


def html_text(fragment: str) -> str:
    """The words of an HTML fragment: tags out, entities decoded. Its
    whitespace is left as it comes (the index does not care; an excerpt
    folds its own)."""
    if "<" in fragment:
        if _HIDDEN_START.search(fragment):
            fragment = _HIDDEN.sub(" ", fragment)
        inline = _INLINE_TAG_ANY_CASE if _UPPER_TAG.search(fragment) else _INLINE_TAG
        fragment = _TAG.sub(" ", inline.sub("", fragment))
    if "&" in fragment:
        fragment = html.unescape(fragment)
    return fragment.strip()


def index_text(content: str | None, summary: str | None) -> str:
    """What the search index holds for an entry's body: its content's text,
    else its summary (plain text already), at most INDEXED_CHARS of it.
    Never raises: SQLite calls it."""
    if isinstance(content, str) and content:
        text = html_text(content)
    elif isinstance(summary, str):
        text = summary.strip()
    else:
        return ""
    if len(text) <= INDEXED_CHARS:
        return text
    # Cut between words: half a word would be indexed as a word.
    head = text[:INDEXED_CHARS]
    return head if text[INDEXED_CHARS].isspace() else _LAST_WORD.sub("", head)


# A word, as search reads one: letters and digits (punctuation and `_` part
# words). Both indexes' words, the query's and the highlights' are these.
WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """A word as the index compares it: case folded, accents removed (what
    FTS5's unicode61 tokenizer does with remove_diacritics 2)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
