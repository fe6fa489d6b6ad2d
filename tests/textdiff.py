"""Checking that a text was only added to: every character of the old text kept, in order."""

from __future__ import annotations


def insertions(old: str, new: str) -> list[tuple[int, str]]:
    """The (position in old, text) insertions that turn old into new.

    Fails when new is not old with text inserted, that is, when some character
    of old was removed or changed. Old characters are matched as early as
    possible, so an insertion that starts like the text after it may show up
    shifted; what is checked (nothing of old lost) does not depend on that.
    """
    found: list[tuple[int, str]] = []
    j = 0
    for i, ch in enumerate(old):
        start = j
        while j < len(new) and new[j] != ch:
            j += 1
        if j == len(new):
            raise AssertionError(
                f"old text lost at {i} ({old[max(0, i - 30) : i]!r} | {old[i : i + 30]!r}):\n{new}"
            )
        if j > start:
            found.append((i, new[start:j]))
        j += 1
    if j < len(new):
        found.append((len(old), new[j:]))
    return found


def kept_lines(old: str, new: str) -> None:
    """Every line of old is a line of new, in order, or (a line holding a flow
    collection that gained items) text was inserted into it; blank lines stay blank."""
    lines = new.splitlines(keepends=True)
    j = 0
    for line in old.splitlines(keepends=True):
        while j < len(lines) and lines[j] != line:
            if line.strip() and _subsequence(line, lines[j]):
                break
            j += 1
        assert j < len(lines), f"line {line!r} is gone:\n{new}"
        j += 1


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)
