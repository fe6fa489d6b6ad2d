"""Wording shared by every layer that writes for people (no imports, so any layer may use it)."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """'0 feeds', '1 feed', '2 feeds'; words is the plural when it is not word + 's'
    ('1 entry', '2 entries')."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
