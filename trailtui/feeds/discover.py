"""Feed autodiscovery: the feeds a web page points to with <link rel=alternate>."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
)
MAX_SCAN = 256 * 1024  # <link>s live in <head>; never scan a huge page whole


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (type, href)
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.found.append((kind, values["href"].strip()))


def discover_feeds(page: bytes, page_url: str) -> list[str]:
    """Absolute http(s) URLs of the feeds a page advertises, best first (Atom
    and RSS before JSON), without duplicates."""
    finder = _LinkFinder()
    try:
        finder.feed(page[:MAX_SCAN].decode("utf-8", "replace"))
        finder.close()
    except (AssertionError, ValueError):
        pass
    base = urljoin(page_url, finder.base) if finder.base else page_url
    ranked = sorted(finder.found, key=lambda item: FEED_TYPES.index(item[0]))
    urls: list[str] = []
    for _, href in ranked:
        url = urljoin(base, href)
        if url.startswith(("http://", "https://")) and url not in urls:
            urls.append(url)
    return urls
