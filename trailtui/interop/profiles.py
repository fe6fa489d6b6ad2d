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


# Hosts where many people have their pages and feeds: there the path, not the
# host, says whose a feed is. A fediverse server is told by its /@user paths.
_SHARED_HOSTS = frozenset(
    {
        "github.com", "gist.github.com", "gitlab.com", "codeberg.org", "sr.ht", "git.sr.ht",
        "medium.com", "substack.com", "youtube.com", "youtu.be", "bsky.app", "dev.to",
        "reddit.com", "old.reddit.com", "twitter.com", "x.com", "facebook.com",
        "instagram.com", "threads.net", "linkedin.com", "tumblr.com", "wordpress.com",
        "blogger.com", "blogspot.com", "feeds.feedburner.com", "feedburner.com",
        "feedproxy.google.com", "soundcloud.com", "feeds.soundcloud.com", "anchor.fm",
        "patreon.com", "letterboxd.com", "micro.blog", "write.as", "vimeo.com", "twitch.tv",
        "flickr.com", "goodreads.com", "pinboard.in", "hashnode.com", "buttondown.email",
        "buttondown.com", "rss.beehiiv.com", "feeds.simplecast.com", "feeds.megaphone.fm",
        "feeds.transistor.fm", "feeds.buzzsprout.com", "rss.app", "rsshub.app",
        "politepol.com", "fetchrss.com", "hnrss.org", "news.ycombinator.com",
        "lobste.rs", "kill-the-newsletter.com", "mastodon.social", "mastodon.online",
        "hachyderm.io", "fosstodon.org", "infosec.exchange", "mas.to", "mstdn.social",
        "techhub.social", "social.vivaldi.net", "lemmy.world", "pixelfed.social",
        "keybase.io", "itch.io", "behance.net", "dribbble.com", "archive.org",
        "podcasts.apple.com", "open.spotify.com", "stackoverflow.com",
    }
)  # fmt: skip
# Path segments that say what kind of page follows, not whose it is.
_GENERIC_SEGMENTS = frozenset(
    {
        "feed", "feeds", "rss", "atom", "profile", "profiles", "user", "users", "u", "channel",
        "c", "s", "shows", "show", "podcast", "podcasts", "people", "author", "authors",
        "blog", "blogs", "en", "index.xml", "videos.xml",
    }
)  # fmt: skip
# Pages of a shared site that are nobody's own (a hashtag, a subreddit).
_NOT_PEOPLE = frozenset({"tags", "tag", "tagged", "topics", "explore", "public", "local", "r"})
# `/author/ada`, `/@ada`, `/~ada`: one person's part of a site shared by several.
_PERSON_PATH = re.compile(
    r"^/(?:(?:author|authors|people|person|members|users|user|u|profile|team)/([^/]+)"
    r"|[@~]([^/]+))",
    re.I,
)
_FEED_SUFFIX = re.compile(r"\.(rss|atom|xml|rdf|json)$", re.I)


def owner_of(url: str) -> str | None:
    """Whose site or account a page or feed is on, for telling feeds of one
    person apart from feeds of others: `ada.example.org` for anything there,
    `github.com/ada` for github.com/ada.atom, `hachyderm.io/@ada` for a
    Mastodon account, None when the URL does not say (github.com itself)."""
    if not is_web_url(url):
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    if host in ("youtube.com", "youtu.be"):
        channel = re.search(r"(?:^|&)channel_id=(UC[\w-]{22})", parts.query) or re.match(
            r"^/channel/(UC[\w-]{22})", path
        )
        if channel:  # the feed and the channel page name it alike
            return f"youtube.com/channel/{channel.group(1)}"
    if host == "reddit.com" or host.endswith(".reddit.com"):
        host = "reddit.com"
    person = _PERSON_PATH.match(path)
    if person:
        who = _FEED_SUFFIX.sub("", person.group(1) or person.group(2)).lower()
        if who:
            return f"{host}/@{who.removeprefix('@')}"
    if host not in _SHARED_HOSTS:
        return host or None
    segments = [s for s in path.split("/") if s]
    for segment in segments:
        name = _FEED_SUFFIX.sub("", segment).lower()
        if name and name not in _GENERIC_SEGMENTS:
            if name in _NOT_PEOPLE or (host == "github.com" and name in _GITHUB_RESERVED):
                return None
            return f"{host}/@{name.removeprefix('@')}"
    return None
