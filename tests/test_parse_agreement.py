"""How often the fast path agrees with feedparser, field by field, over every
corpus case it answers (fixtures, examples, generated feeds). Each remaining
difference is a choice, listed in CHOICES with its reason."""

from __future__ import annotations

from trailtui.feeds.entries import finish
from trailtui.feeds.fastparse import FastPathDeclined, parse_fast
from trailtui.feeds.parse import parse_with_feedparser, prepare

from .test_parse_corpus import CASES, first_per_guid, normalised

# (case, entry index, field): why the fast path reads it otherwise.
CHOICES = {
    ("fixture:mastodon-statuses.rss", 1, "text"): (
        "feedparser takes an image's alt text (media:description) for the content"
    ),
}
FIELDS = ("guid", "title", "link", "author", "date", "text", "summary")


def agreement() -> tuple[dict[str, list[int]], list[tuple[str, int, str, object, object]]]:
    """Per field: [agreeing, compared]; and every difference."""
    counts = {name: [0, 0] for name in (*FIELDS, "feed title")}
    found: list[tuple[str, int, str, object, object]] = []
    for case in CASES:
        body, headers = prepare(case.body, dict(case.headers))
        try:
            title, fields = parse_fast(body, headers, case.url)
        except FastPathDeclined:
            continue
        fast = first_per_guid([finish(f) for f in fields])
        reference = parse_with_feedparser(body, headers, case.url)
        assert len(fast) == len(reference.entries), case.id
        counts["feed title"][1] += 1
        if title == reference.title:
            counts["feed title"][0] += 1
        else:
            found.append((case.id, -1, "feed title", title, reference.title))
        for index, (mine, theirs) in enumerate(zip(fast, reference.entries, strict=True)):
            left = {**normalised(mine), "summary": mine.summary}
            right = {**normalised(theirs), "summary": theirs.summary}
            for name in FIELDS:
                counts[name][1] += 1
                if left[name] == right[name]:
                    counts[name][0] += 1
                else:
                    found.append((case.id, index, name, left[name], right[name]))
    return counts, found


def test_the_fast_path_agrees_with_feedparser_field_by_field() -> None:
    counts, found = agreement()
    print()
    for name, (agreeing, compared) in counts.items():
        print(f"{name:<11} {agreeing}/{compared} = {100 * agreeing / compared:.2f}%")
    unexplained = [d for d in found if d[:3] not in CHOICES]
    assert not unexplained, "\n".join(map(repr, unexplained))
    assert {d[:3] for d in found} == set(CHOICES)  # a choice no longer needed is noticed
    assert counts["text"][1] > 700 and counts["feed title"][1] > 80
    for name, (agreeing, compared) in counts.items():
        assert agreeing / compared >= 0.99, name
