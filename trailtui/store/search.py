"""Full-text search of the entries the merged feed shows.

One interface, `search`, whatever the database: SQLite's FTS5 index
(`migrations.SEARCH_TABLE`, kept in step by triggers), ranked by bm25, or
PostgreSQL's tsvector index (`pgsearch`, filled by ingest), ranked by
ts_rank_cd; on both the title weighs more than the author, the author more
than the body. The index holds words,
not text: the excerpts are made from the hits' stored content.

What the user types is never handed to FTS5 as it is. Plain words
(`rust async`) must all be there, the last one as a prefix while it is being
typed; punctuation (`c++`, `don't`, `e.g.`, `(draft)`) is only a separator,
and `rust-lang` is the phrase "rust lang". Quotes, `*`, OR / AND / NOT,
`NEAR(...)` and brackets (once any of these is used) keep their FTS5
meaning; what FTS5 then refuses is a `SearchSyntaxError` that says why.
PostgreSQL is given the same expression as a tsquery (`pgsearch.tsquery`:
the same words, phrases, prefixes, AND / OR / NOT and brackets, refused
alike); NEAR is SQLite's alone, a `SearchSyntaxError` there.

Where the words matched is worked out here, in Python, from the same words:
spans in the title, and a short excerpt of the body's text with its spans
(the same for any database's index).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from trailtui.store import pgsearch
from trailtui.store.db import Store
from trailtui.store.dialects import POSTGRESQL, SQLITE
from trailtui.store.errors import StoreError
from trailtui.store.migrations import SEARCH_TABLE
from trailtui.store.models import EntryRow
from trailtui.store.plaintext import WORD, fold, index_text
from trailtui.store.queries import entries_with_feeds, entry_records, shown_conditions
from trailtui.store.records import EntryFilter, EntryRecord, SearchHit

__all__ = ["SearchHit", "SearchSyntaxError", "search"]

# bm25 weights of the index's columns: title, author, body.
WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_CHARS = 160
_MIN_PREFIX = 2  # a one-letter prefix matches half the index: not worth it

_INDEX = table(SEARCH_TABLE, column("rowid"))


class SearchSyntaxError(StoreError):
    """What was typed uses the search syntax in a way it cannot be read."""


@dataclass(frozen=True)
class Term:
    """One word to find (folded as the index folds it)."""

    word: str
    prefix: bool = False

    def matches(self, token: str) -> bool:
        return token.startswith(self.word) if self.prefix else token == self.word


@dataclass(frozen=True)
class Query:
    """What was typed, as an FTS5 expression and the words to highlight."""

    expression: str
    terms: tuple[Term, ...]


def search(
    store: Store, text: str, *, where: EntryFilter | None = None, limit: int = 200
) -> list[SearchHit]:
    """The best `limit` entries for `text` among those `where` shows, best first."""
    query = parse_query(text)
    if query is None:
        return []
    dialect = store.engine.dialect.name
    if dialect not in (SQLITE, POSTGRESQL):
        raise StoreError(f"search needs SQLite or PostgreSQL, not {dialect}")
    tsquery = None
    if dialect == POSTGRESQL:
        try:
            tsquery = pgsearch.tsquery(query.expression)
        except pgsearch.QueryNotSupported as exc:
            raise SearchSyntaxError(_syntax_message(text, str(exc))) from None
    with store.read() as session:
        conditions = shown_conditions(session, where, feeds_lead=False)
        if conditions is None:
            return []
        try:
            if tsquery is not None:
                rows = _ranked_by_postgresql(session, tsquery, conditions, limit)
            else:
                rows = _ranked(
                    session, query.expression, conditions, limit, narrowed=where_narrows(where)
                )
        except OperationalError as exc:
            reason = str(exc.orig)
            if not reason.startswith("fts5:"):
                raise
            raise SearchSyntaxError(_syntax_message(text, reason)) from None
        records = entry_records(session, rows)
        bodies = _bodies(session, [record.id for record in records])
    return [_hit(record, bodies.get(record.id, ""), query.terms) for record in records]


def where_narrows(where: EntryFilter | None) -> bool:
    return where is not None and where.active


def _ranked(
    session: Session,
    expression: str,
    conditions: list[ColumnElement[bool]],
    limit: int,
    *,
    narrowed: bool,
) -> list[Row[Any]]:
    """The best `limit` rows (ENTRY_COLUMNS) matching `expression` that meet
    `conditions`.

    Without a filter nearly every match is shown, so the index alone ranks
    first (a common word matches half the entries: looking each one up
    would double the time), and only its best few are looked up; the
    whole query runs only if too few of those are shown."""
    matches = literal_column(SEARCH_TABLE).op("MATCH")(expression)
    score = func.bm25(literal_column(SEARCH_TABLE), *WEIGHTS)
    if not narrowed:
        wanted = max(limit * 4, 800)
        best = session.execute(
            select(_INDEX.c.rowid, score.label("score"))
            .where(matches)
            .order_by(score)
            .limit(wanted)
        ).all()
        scores: dict[int, float] = {row[0]: row[1] for row in best}
        ids = list(scores)
        shown: list[tuple[float, int, int]] = []  # score, -sort_ts, -id: best first
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found = select(EntryRow.id, EntryRow.sort_ts).where(*conditions, EntryRow.id.in_(chunk))
            shown.extend((scores[id_], -sort_ts, -id_) for id_, sort_ts in session.execute(found))
        if len(shown) >= limit or len(best) < wanted:
            top = [-id_ for _, _, id_ in sorted(shown)[:limit]]
            rows = {row[0]: row for row in _rows_of(session, top)}
            return [rows[id_] for id_ in top if id_ in rows]
    statement = (
        entries_with_feeds()
        .join(_INDEX, _INDEX.c.rowid == EntryRow.id)
        .where(*conditions, matches)
        .order_by(score, EntryRow.sort_ts.desc(), EntryRow.id.desc())
        .limit(limit)
    )
    return list(session.execute(statement).all())


def _ranked_by_postgresql(
    session: Session, tsquery: str, conditions: list[ColumnElement[bool]], limit: int
) -> list[Row[Any]]:
    """`_ranked` on PostgreSQL: the GIN index finds the matches, ts_rank_cd
    ranks them (title above author above body: `pgsearch.RANK_WEIGHTS`)."""
    from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY  # not at start-up

    query = cast(literal(tsquery), TSQUERY)
    score = func.ts_rank_cd(
        cast(literal(pgsearch.RANK_WEIGHTS), ARRAY(REAL)),
        _PG_INDEX.c.words,
        query,
        pgsearch.RANK_NORMALIZATION,
    )
    statement = (
        entries_with_feeds()
        .join(_PG_INDEX, _PG_INDEX.c.entry_id == EntryRow.id)
        .where(*conditions, _PG_INDEX.c.words.op("@@")(query))
        .order_by(score.desc(), EntryRow.sort_ts.desc(), EntryRow.id.desc())
        .limit(limit)
    )
    return list(session.execute(statement).all())


_PG_INDEX = table(pgsearch.SEARCH_TABLE, column("entry_id"), column("words"))
_CHUNK = 500  # ids per IN (...)


def _rows_of(session: Session, ids: Sequence[int]) -> list[Row[Any]]:
    rows: list[Row[Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.extend(session.execute(entries_with_feeds().where(EntryRow.id.in_(chunk))))
    return rows


def _bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The indexed text of these entries' bodies, made again from what they
    store (the index keeps no copy); only for the hits: most of a search's
    time would go to reading every match's."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(EntryRow.id, EntryRow.content, EntryRow.summary).where(
            EntryRow.id.in_(chunk)
        )
        found.update(
            (id_, index_text(content, summary)) for id_, content, summary in session.execute(query)
        )
    return found


# --- what was typed → an FTS5 expression -------------------------------------

_OPERATORS = frozenset({"OR", "AND", "NOT"})
_EXPLICIT = re.compile(r'["*]|\b(?:OR|AND|NOT)\b|\bNEAR\(')
# Explicit syntax: a quoted phrase (with its prefix star), NEAR(...), a bracket,
# or a run of anything else up to a space, quote or bracket.
_LEXEME = re.compile(
    r'"(?P<phrase>[^"]*)"(?P<star>\*?)|NEAR\((?P<near>[^()]*)\)|(?P<bracket>[()])|(?P<bare>[^\s"()]+)'
)
_KINDS = ("phrase", "near", "bracket", "bare")
_NEAR_DISTANCE = re.compile(r",\s*(\d+)\s*$")


def parse_query(text: str) -> Query | None:
    """The FTS5 expression for what was typed; None if it holds no word.
    Raises SearchSyntaxError for an unclosed quote or bracket."""
    if _EXPLICIT.search(text):
        return _explicit(text)
    chunks = [words for words in (_words(chunk) for chunk in text.split()) if words]
    if not chunks:
        return None
    # The last word, while it is being typed, is a prefix.
    prefix = not text[-1:].isspace() and len(chunks[-1][-1]) >= _MIN_PREFIX
    parts = [_phrase(words) for words in chunks]
    if prefix:
        parts[-1] += "*"
    terms = [Term(fold(word)) for words in chunks for word in words]
    if prefix:
        terms[-1] = Term(terms[-1].word, prefix=True)
    return Query(" ".join(parts), tuple(terms))


def _explicit(text: str) -> Query | None:
    if text.count('"') % 2:
        raise SearchSyntaxError(f"could not search for {text!r}: a quote is not closed")
    parts: list[str] = []
    terms: list[Term] = []
    depth = 0
    for match in _LEXEME.finditer(text):
        kind = next(name for name in _KINDS if match.group(name) is not None)
        value = match.group(kind)
        negated = bool(parts) and parts[-1] == "NOT"
        if kind == "bracket":
            depth += 1 if value == "(" else -1
            if depth < 0:
                raise SearchSyntaxError(
                    f"could not search for {text!r}: a bracket is closed that was never opened"
                )
            _join(parts, value)
            continue
        if kind == "bare" and value in _OPERATORS:
            parts.append(value)
            continue
        if kind == "near":
            distance = _NEAR_DISTANCE.search(value)
            inner = value[: distance.start()] if distance else value
            phrases = [_words(piece) for piece in _LEXEME_INNER.findall(inner)]
            phrases = [words for words in phrases if words]
            if not phrases:
                continue
            suffix = f", {distance.group(1)}" if distance else ""
            _join(parts, f"NEAR({' '.join(_phrase(words) for words in phrases)}{suffix})")
            found = [Term(fold(word)) for words in phrases for word in words]
        else:
            source = match.group("phrase") if kind == "phrase" else value
            star = kind == "phrase" and match.group("star") == "*"
            if kind == "bare" and value.endswith("*"):
                star = True
            words = _words(source)
            if not words:
                continue
            _join(parts, _phrase(words) + ("*" if star else ""))
            found = [Term(fold(word)) for word in words]
            if star:
                found[-1] = Term(found[-1].word, prefix=True)
        if not negated:
            terms.extend(found)
    if depth:
        raise SearchSyntaxError(f"could not search for {text!r}: a bracket is not closed")
    if all(part in _OPERATORS or part in ("(", ")") for part in parts):
        return None
    return Query(" ".join(parts), tuple(terms))


# Inside NEAR(...): quoted phrases or bare runs.
_LEXEME_INNER = re.compile(r'"[^"]*"|[^\s"]+')


def _join(parts: list[str], part: str) -> None:
    """Append an operand or a bracket; two operands in a row are ANDed (FTS5
    allows that only between phrases, not after a bracket or NEAR)."""
    opens = part != ")"
    if opens and parts and parts[-1] not in _OPERATORS and parts[-1] != "(":
        parts.append("AND")
    parts.append(part)


def _words(chunk: str) -> list[str]:
    return WORD.findall(chunk)


def _phrase(words: Sequence[str]) -> str:
    """Words as an FTS5 phrase: quoted, so nothing in them is syntax."""
    return '"' + " ".join(words) + '"'


def _syntax_message(text: str, reason: str) -> str:
    near = re.search(r'syntax error near "(.*)"$', reason)
    if near is None:
        return f"could not search for {text!r}: {reason.removeprefix('fts5: ')}"
    if not near.group(1):
        return f"could not search for {text!r}: it ends where a word should follow"
    return (
        f"could not search for {text!r}: {near.group(1)} is not where a word should be "
        '(put words around OR, AND and NOT; quote a word to find it as it is: "or")'
    )


# --- where the words are ------------------------------------------------------


def spans(text: str, terms: Sequence[Term]) -> tuple[tuple[int, int], ...]:
    """(start, end) of every word of `text` that one of the terms matches."""
    if not terms:
        return ()
    found = []
    for match in WORD.finditer(text):
        token = fold(match.group())
        if any(term.matches(token) for term in terms):
            found.append((match.start(), match.end()))
    return tuple(found)


def excerpt(body: str, terms: Sequence[Term]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A short excerpt of `body` around its first matched words, and their
    spans in it; the body's start if no word of it matched."""
    if not body:
        return "", ()
    first = _first_match(body, terms)
    start = 0
    if first is not None and first > SNIPPET_CHARS // 4:
        # A few words of what leads up to the match.
        start = body.rfind(" ", 0, first - SNIPPET_CHARS // 4) + 1
    end = start + SNIPPET_CHARS
    if end < len(body):
        cut = body.rfind(" ", start, end)
        end = cut if cut > start else end
    text = _SPACES.sub(" ", body[start:end]).strip()
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(body) else ""
    found = tuple((a + len(lead), b + len(lead)) for a, b in spans(text, terms))
    return lead + text + tail, found


def _first_match(body: str, terms: Sequence[Term]) -> int | None:
    if not terms:
        return None
    # Most bodies are long and most of a body does not match: find candidate
    # words with one pattern, then check them as `spans` does.
    pattern = _candidates("".join(sorted({term.word[:1] for term in terms})))
    for match in pattern.finditer(body):
        token = WORD.match(body, match.start())
        if token is not None and any(term.matches(fold(token.group())) for term in terms):
            return match.start()
    return None


_SPACES = re.compile(r"\s+")
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _candidates(initials: str) -> re.Pattern[str]:
    """Words beginning (ignoring case) with a term's first letter, or with a
    letter that folding may change (an accent, a ligature)."""
    pattern = _PATTERNS.get(initials)
    if pattern is None:
        pattern = re.compile(rf"(?<![^\W_])[{re.escape(initials)}\u0080-\U0010ffff]", re.IGNORECASE)
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        _PATTERNS[initials] = pattern
    return pattern


def _hit(entry: EntryRecord, body: str, terms: Sequence[Term]) -> SearchHit:
    snippet, snippet_marks = excerpt(body, terms)
    return SearchHit(
        entry=entry,
        title_marks=spans(entry.title, terms),
        snippet=snippet,
        snippet_marks=snippet_marks,
    )
