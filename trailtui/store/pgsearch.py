"""PostgreSQL's full-text index of entries: a tsvector per entry, in a table
of its own, and what is typed as a tsquery.

SQLite's index is filled by triggers that call `plaintext.index_text`, a
Python function; PostgreSQL cannot call Python, and no SQL expression reads
HTML as that function does (inline tags joining a word, entities decoded).
So the words are made here, by the same function, when ingest inserts or
updates an entry, and handed to the server as a tsvector literal: lexemes
folded as `plaintext.fold` folds them (the query's words are folded alike),
each with its positions and weight (title A, author B, body C, as FTS5's
columns). The server's own parser and dictionaries never see the text, so
what matches does not depend on the server's locale or configuration, and
the index holds only the vector (`entry_search`: entry id, vector, a GIN
index), never a second copy of the text. An entry that leaves `entry`
leaves it too (ON DELETE CASCADE).

The query is the FTS5 expression `search.parse_query` made, rewritten as a
tsquery literal: phrases (`<->`), the last word's prefix (`:*`), AND, OR,
NOT (binary, as FTS5's: `a NOT b` is `a & !b`) and brackets, with FTS5's
precedence (NOT, then AND, then OR). NEAR has no tsquery equivalent
(`<N>` means exactly N apart): a `QueryNotSupported`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, text

from trailtui.store.plaintext import WORD, fold, index_text

SEARCH_TABLE = "entry_search"

# Weights for ts_rank_cd, in its order {D, C, B, A}: body (C) 1, author (B)
# 4, title (A) 10, as FTS5's bm25 WEIGHTS; D is unused.
RANK_WEIGHTS = "{0, 0.1, 0.4, 1.0}"
# ts_rank_cd's normalization 1: the rank divided by 1 + the log of the
# entry's length, so a long post does not win by its length alone.
RANK_NORMALIZATION = 1

_MAX_POSITION = 16383  # tsvector positions stop here (later words share it)
_MAX_POSITIONS = 255  # per lexeme (PostgreSQL keeps at most 256)
_MAX_LEXEME_BYTES = 2046  # a longer "word" is not a word anyone searches for

DDL = (
    f"CREATE TABLE {SEARCH_TABLE} ("
    "entry_id INTEGER PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE, "
    "words TSVECTOR NOT NULL)",
    f"CREATE INDEX ix_{SEARCH_TABLE}_words ON {SEARCH_TABLE} USING GIN (words)",
)

_UPSERT_SQL = (
    f"INSERT INTO {SEARCH_TABLE} (entry_id, words) VALUES (%(entry_id)s, %(words)s::tsvector) "
    "ON CONFLICT (entry_id) DO UPDATE SET words = excluded.words"
)
BACKFILL_CHUNK = 500  # entries read (and indexed) at a time


class QueryNotSupported(ValueError):
    """The expression uses what a tsquery cannot say, or is not well formed
    (the message is FTS5's, `fts5: syntax error near "..."`, for the same
    wording on either database)."""


def create(connection: Connection, *, backfill: bool) -> None:
    """The index table (on a PostgreSQL connection), filled from every entry
    if `backfill`."""
    for statement in DDL:
        connection.exec_driver_sql(statement)
    if backfill:
        fill(connection)


def fill(connection: Connection) -> None:
    """Index every entry anew (after a migration, or rows copied in)."""
    connection.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}")
    last = 0
    while True:
        rows = connection.execute(
            text(
                "SELECT id, title, author, content, summary FROM entry "
                "WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BACKFILL_CHUNK},
        ).all()
        if not rows:
            return
        index(connection, [(row[0], row[1], row[2], row[3], row[4]) for row in rows])
        last = rows[-1][0]


def index(
    connection: Connection,
    entries: Iterable[tuple[int, str | None, str | None, str | None, str | None]],
) -> None:
    """Index (or index again) entries given as (id, title, author, content, summary)."""
    values = [
        {"entry_id": entry_id, "words": vector(title, author, content, summary)}
        for entry_id, title, author, content, summary in entries
    ]
    if values:
        # On the driver: one statement, many rows (psycopg pipelines them).
        connection.exec_driver_sql(_UPSERT_SQL, values)


def vector(title: str | None, author: str | None, content: str | None, summary: str | None) -> str:
    """An entry's words as a tsvector literal: title (A), author (B), body (C).

    (This runs for every entry a refresh stores, once a word: the loop does
    as little as it can, the positions' text made once for all entries.)"""
    positions: dict[str, list[str]] = {}
    at = 0
    for source, weight in ((title, "A"), (author, "B"), (index_text(content, summary), "C")):
        if not source:
            continue
        labels = _labels(weight)
        at += 1  # a gap: a phrase never runs from one field into the next
        for word in _folded_words(source):
            at += 1
            seen = positions.get(word)
            if seen is None:
                positions[word] = [labels[at if at < _MAX_POSITION else _MAX_POSITION]]
            elif len(seen) < _MAX_POSITIONS:
                seen.append(labels[at if at < _MAX_POSITION else _MAX_POSITION])
    return " ".join(
        f"{_quoted(word)}:{','.join(where)}"
        for word, where in positions.items()
        if len(word) * 4 <= _MAX_LEXEME_BYTES or len(word.encode()) <= _MAX_LEXEME_BYTES
    )


@lru_cache(maxsize=4)
def _labels(weight: str) -> list[str]:
    """Every position as the literal writes it with this weight ("12C")."""
    return [f"{position}{weight}" for position in range(_MAX_POSITION + 1)]


def _folded_words(source: str) -> list[str]:
    if source.isascii():  # most text: one lower() for all of it
        return WORD.findall(source.lower())
    return [folded for word in WORD.findall(source) if (folded := fold(word))]


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# --- an FTS5 expression (search.parse_query's) → a tsquery -------------------

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"(?P<star>\*?)|(?P<near>NEAR\()|(?P<op>AND|OR|NOT|\(|\))')


def tsquery(expression: str) -> str:
    """The tsquery literal for an FTS5 expression made by `search.parse_query`."""
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(expression):
        if match.group("near"):
            raise QueryNotSupported(
                "NEAR(...) is SQLite's alone; on PostgreSQL put the words in quotes "
                'to find them side by side ("a phrase")'
            )
        if match.group("phrase") is not None:
            tokens.append(("phrase", _phrase(match.group("phrase"), bool(match.group("star")))))
        else:
            tokens.append(("op", match.group("op")))
    parser = _Parser(tokens)
    result = parser.any_of()
    if parser.at < len(tokens):
        parser.fail()
    return result


def _phrase(words: str, prefix: bool) -> str:
    lexemes = [_quoted(fold(word)) for word in words.split()]
    if prefix:
        lexemes[-1] += ":*"
    joined = " <-> ".join(lexemes)
    return f"({joined})" if len(lexemes) > 1 else joined


class _Parser:
    """Recursive descent with FTS5's precedence: OR < AND < NOT < a phrase
    or a bracket; every result bracketed, so tsquery's own precedence (where
    `!` is unary) cannot regroup it."""

    def __init__(self, tokens: Sequence[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def _peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def _next_is_phrase(self) -> bool:
        """Phrases side by side are ANDed (as FTS5 reads `"a" "b"*`)."""
        return self.at < len(self.tokens) and self.tokens[self.at][0] == "phrase"

    def fail(self) -> Any:
        near = self._peek() or ""
        raise QueryNotSupported(f'fts5: syntax error near "{near}"')

    def any_of(self) -> str:
        parts = [self.all_of()]
        while self._peek() == "OR":
            self.at += 1
            parts.append(self.all_of())
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def all_of(self) -> str:
        parts = [self.without()]
        while self._peek() == "AND" or self._next_is_phrase():
            if self._peek() == "AND":
                self.at += 1
            parts.append(self.without())
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def without(self) -> str:
        result = self.operand()
        while self._peek() == "NOT":
            self.at += 1
            result = f"({result} & !{self.operand()})"
        return result

    def operand(self) -> str:
        if self.at >= len(self.tokens):
            return str(self.fail())
        kind, value = self.tokens[self.at]
        if kind == "phrase":
            self.at += 1
            return value
        if value == "(":
            self.at += 1
            inner = self.any_of()
            if self._peek() != ")":
                self.fail()
            self.at += 1
            return inner
        return str(self.fail())
