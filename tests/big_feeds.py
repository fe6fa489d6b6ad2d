"""Large generated feeds, shared by the tests and the benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


def ten_thousand_entries() -> bytes:
    """One RSS feed of 10,000 entries (titles with entities and markup-like
    text, HTML summaries), for the parser's scale test and its benchmark."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for n in range(10_000):
        date = format_datetime(start + timedelta(minutes=37 * n))
        items.append(
            f"<item><title>Entry {n}: café [b]{n}[/b] &amp; more</title>"
            f"<link>https://big.example.org/p/{n}</link><guid>https://big.example.org/p/{n}</guid>"
            f"<pubDate>{date}</pubDate><description>&lt;p&gt;Paragraph {n} with &lt;a "
            f'href="/x/{n}"&gt;a link&lt;/a&gt; and &lt;em&gt;emphasis&lt;/em&gt;.&lt;/p&gt;'
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Big</title>'
        "<link>https://big.example.org/</link><description>10,000 items</description>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    ).encode()
