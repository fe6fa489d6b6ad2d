"""Feed shorthands: `github: ada` instead of the platform's feed URL.

Each platform publishes a public feed per person at a predictable address.
A handle that cannot be right (a space in a GitHub name, a Mastodon handle
without its server) is refused here, with what is expected, rather than
turning into a feed that fails on every refresh.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$", re.I
)
_GITHUB = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$", re.I)
_YOUTUBE_CHANNEL = re.compile(r"^UC[\w-]{22}$")
_SUBSTACK = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$", re.I)
_MEDIUM = re.compile(r"^[\w.-]{1,60}$")
_DEVTO = re.compile(r"^\w{1,60}$")
_REDDIT = re.compile(r"^[\w-]{3,20}$")
_MASTODON_USER = re.compile(r"^\w+([\w.-]*\w)?$")
_BLUESKY_DID = re.compile(r"^did:(plc|web):[\w.:%-]+$")


def _mastodon(handle: str) -> str:
    if handle.startswith(("http://", "https://")):
        parts = urlsplit(handle)
        match = re.match(r"^/@([^/]+)/?$", parts.path)
        if not parts.hostname or not match:
            raise ValueError(
                f"expected a profile address like https://server/@name, found {handle!r}"
            )
        user, host = match.group(1), parts.hostname
    else:
        user, _, host = handle.removeprefix("@").partition("@")
    if not user or not host:
        raise ValueError(
            f"expected a handle with its server, like @name@mastodon.social, found {handle!r}"
        )
    if not _MASTODON_USER.match(user) or not _HOST.match(host):
        raise ValueError(f"{handle!r} is not a Mastodon handle like @name@mastodon.social")
    return f"https://{host.lower()}/@{user}.rss"


def _github(handle: str) -> str:
    name = handle.removeprefix("@")
    if not _GITHUB.match(name):
        raise ValueError(
            f"expected a GitHub user name (letters, digits and single hyphens, "
            f"at most 39), found {handle!r}"
        )
    return f"https://github.com/{name}.atom"


def _bluesky(handle: str) -> str:
    name = handle.removeprefix("@")
    if not (_HOST.match(name) or _BLUESKY_DID.match(name)):
        raise ValueError(f"expected a Bluesky handle like name.bsky.social, found {handle!r}")
    return f"https://bsky.app/profile/{name.lower() if _HOST.match(name) else name}/rss"


def _youtube(handle: str) -> str:
    if not _YOUTUBE_CHANNEL.match(handle):
        hint = (
            "; an @handle has no feed of its own: open the channel page, "
            "find its channel id (UC...) and use that"
            if handle.startswith("@")
            else ""
        )
        raise ValueError(
            f"expected a YouTube channel id (UC followed by 22 characters), found {handle!r}{hint}"
        )
    return f"https://www.youtube.com/feeds/videos.xml?channel_id={handle}"


def _substack(handle: str) -> str:
    if "." in handle:  # a publication on its own domain
        host = handle.removeprefix("https://").removeprefix("http://").strip("/")
        if not _HOST.match(host):
            raise ValueError(f"expected a Substack name or domain, found {handle!r}")
        return f"https://{host.lower()}/feed"
    if not _SUBSTACK.match(handle):
        raise ValueError(f"expected a Substack name (as in NAME.substack.com), found {handle!r}")
    return f"https://{handle.lower()}.substack.com/feed"


def _medium(handle: str) -> str:
    name = handle.removeprefix("@")
    if not _MEDIUM.match(name):
        raise ValueError(f"expected a Medium user name like @name, found {handle!r}")
    return f"https://medium.com/feed/@{quote(name)}"


def _devto(handle: str) -> str:
    name = handle.removeprefix("@")
    if not _DEVTO.match(name):
        raise ValueError(f"expected a dev.to user name, found {handle!r}")
    return f"https://dev.to/feed/{name}"


def _reddit(handle: str) -> str:
    name = re.sub(r"^/?u(ser)?/", "", handle)
    if not _REDDIT.match(name):
        raise ValueError(
            f"expected a Reddit user name (3 to 20 letters, digits, - or _), found {handle!r}"
        )
    return f"https://www.reddit.com/user/{name}/.rss"


SHORTHANDS: dict[str, Callable[[str], str]] = {
    "mastodon": _mastodon,
    "github": _github,
    "bluesky": _bluesky,
    "youtube": _youtube,
    "substack": _substack,
    "medium": _medium,
    "devto": _devto,
    "reddit": _reddit,
}


def expand(platform: str, handle: str) -> str:
    """The public feed URL for a handle on a platform. Raises ValueError."""
    handle = handle.strip()
    if not handle:
        raise ValueError(f"'{platform}' needs a handle, found an empty string")
    if any(ch.isspace() for ch in handle):
        raise ValueError(f"a {platform} handle has no spaces, found {handle!r}")
    return SHORTHANDS[platform](handle)
