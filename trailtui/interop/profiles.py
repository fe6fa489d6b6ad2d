"""What a URL found in an address book is: a profile on a known platform, a feed, a site.

A GitHub or Mastodon profile becomes a link and that platform's feed
shorthand (`{github: ada}`); a LinkedIn profile only a link; any other web
address is taken as the person's own site, whose feed is found by
autodiscovery (`{blog: URL}`); an address that is plainly a feed is a feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_GITHUB_USER = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$", re.I)
_GITHUB_RESERVED = frozenset(
    [
        "about",
        "blog",
        "collections",
        "enterprise",
        "explore",
        "features",
        "issues",
        "login",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "pricing",
        "pulls",
        "search",
        "settings",
        "sponsors",
        "topics",
        "trending",
    ]
)
_FEED_PATH = re.compile(r"(\.(xml|rss|atom|rdf)|/(feed|rss|atom)(\.xml)?)/?$", re.I)
_YOUTUBE_CHANNEL = re.compile(r"^/channel/(UC[\w-]{22})/?$")
# Platforms with profiles but no public feed per person: a link only.
_LINK_ONLY = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "threads.net": "threads",
    "tiktok.com": "tiktok",
    "xing.com": "xing",
}


@dataclass(frozen=True)
class Profile:
    """Where a URL goes in a contact: a links key and, maybe, a feed."""

    link_key: str | None
    url: str
    feed: str | dict[str, str] | None = None


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def normalize_email(text: str) -> str:
    return text.strip().removeprefix("mailto:").strip().lower()


def is_web_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def normalize_url(text: str) -> str:
    """A URL reduced for comparing: no scheme, www., fragment or trailing slash."""
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return text
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


def classify(url: str, *, work: bool = False) -> Profile:
    """What url is for this person. `work` marks an employer's site (a link only)."""
    url = url.strip()
    if not is_web_url(url):
        return Profile(None, url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return Profile("linkedin", url)
    if host in _LINK_ONLY:
        return Profile(_LINK_ONLY[host], url)
    if host == "github.com":
        if len(segments) == 1 and _GITHUB_USER.match(segments[0]):
            name = segments[0]
            if name.lower() not in _GITHUB_RESERVED:
                return Profile("github", url, {"github": name})
        return Profile("github", url)
    if host == "bsky.app":
        if len(segments) == 2 and segments[0] == "profile":
            return Profile("bluesky", url, {"bluesky": segments[1]})
        return Profile("bluesky", url)
    if host == "medium.com":
        if segments and segments[0].startswith("@") and len(segments) == 1:
            return Profile("medium", url, {"medium": segments[0]})
        return Profile("medium", url)
    if host.endswith(".substack.com") and host.count(".") == 2:
        return Profile("substack", url, {"substack": host.split(".")[0]})
    if host == "dev.to":
        if len(segments) == 1:
            return Profile("devto", url, {"devto": segments[0]})
        return Profile("devto", url)
    if host == "reddit.com" or host.endswith(".reddit.com"):
        if len(segments) == 2 and segments[0] in ("u", "user"):
            return Profile("reddit", url, {"reddit": segments[1]})
        return Profile("reddit", url)
    if host in ("youtube.com", "youtu.be"):
        match = _YOUTUBE_CHANNEL.match(path)
        return Profile("youtube", url, {"youtube": match.group(1)} if match else None)
    if len(segments) == 1 and re.match(r"^@[\w.]+$", segments[0]) and not parts.query:
        # https://server/@name is how Mastodon (and other fediverse servers) show a person.
        return Profile("mastodon", url, {"mastodon": f"{segments[0]}@{host}"})
    if _FEED_PATH.search(path):
        return Profile(None, url, url)
    if work:
        return Profile("work", url)
    return Profile("website", url, {"blog": url})


def add_link(links: dict[str, str], key: str, value: str) -> None:
    """links[key] = value, or key-2, key-3... when key is taken by another value."""
    if value in links.values():
        return
    name, n = key, 1
    while name in links:
        n += 1
        name = f"{key}-{n}"
    links[name] = value


def add_profile(data: dict[str, Any], url: str, *, work: bool = False) -> None:
    """Put a URL into a candidate: its link and, when it has one, its feed."""
    profile = classify(url, work=work)
    if profile.link_key is None and profile.feed is None:
        return
    if profile.link_key is not None:
        add_link(data.setdefault("links", {}), profile.link_key, profile.url)
    if profile.feed is not None:
        feeds: list[Any] = data.setdefault("feeds", [])
        if profile.feed not in feeds:
            feeds.append(profile.feed)
