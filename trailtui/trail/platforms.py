"""Where a post lives (Mastodon, Bluesky), its length limit, and where to reply.

Known from the post's (or its feed's) URL alone: no request is made. A
platform's web address for replying or composing takes the user straight to
a box to paste the comment into; anywhere else the post's own page does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from trailtui.safety import safe_link
from trailtui.text import plural


@dataclass(frozen=True)
class Platform:
    name: str
    limit: int | None  # characters a post may hold


MASTODON = Platform("Mastodon", 500)
BLUESKY = Platform("Bluesky", 300)

_BLUESKY_HOSTS = frozenset({"bsky.app", "www.bsky.app"})
# Bluesky: a post, a profile's feed, a profile.
_BLUESKY_PATH = re.compile(r"/profile/[^/]+(?:/post/[^/]+|/rss)?/?")
# Mastodon: a status (/@user/123, /@user@elsewhere/123, /users/user/statuses/123)
# or an account's feed (/@user.rss, /users/user.rss). Digits only for a status,
# so a slug on another site using /@user/ (Medium's) is not taken for one.
_MASTODON_PATH = re.compile(
    r"/(?:@[^/@]+(?:@[^/]+)?/\d+|users/[^/]+/statuses/\d+|@[^/@]+\.rss|users/[^/]+\.rss)/?"
)
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?::\d{1,5})?")


def platform_of(url: str | None) -> Platform | None:
    """The platform a post's (or feed's) URL belongs to, or None."""
    link = _web_link(url)
    if link is None:
        return None
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if host in _BLUESKY_HOSTS:
        return BLUESKY if _BLUESKY_PATH.fullmatch(parts.path) else None
    if _MASTODON_PATH.fullmatch(parts.path):
        return MASTODON
    return None


def reply_address(
    post_url: str | None, text: str, *, mastodon_server: str | None = None
) -> str | None:
    """The page to open for posting `text` about the post at `post_url`.

    Mastodon, with the user's own server known: that server's interaction
    page for the post (reply from one's own account). Bluesky: its compose
    page with the text filled in. Otherwise the post's own page (http or
    https only), or None."""
    link = _web_link(post_url)
    if link is None:
        return None
    platform = platform_of(link)
    server = _server(mastodon_server)
    if platform is MASTODON and server is not None:
        return f"https://{server}/authorize_interaction?uri={quote(link, safe='')}"
    if platform is BLUESKY:
        return f"https://bsky.app/intent/compose?text={quote(text, safe='')}"
    return link


def _web_link(url: str | None) -> str | None:
    link = safe_link(url)
    if link is None or urlsplit(link).scheme.lower() not in ("http", "https"):
        return None
    return link


def _server(given: str | None) -> str | None:
    """The user's Mastodon server as a host: "mastodon.social",
    "https://mastodon.social/" and "@me@mastodon.social" all give one."""
    if not given:
        return None
    value = given.strip()
    if "://" in value:
        value = urlsplit(value).netloc
    value = value.rsplit("@", 1)[-1].strip("/")
    return value.lower() if _HOST.fullmatch(value) else None


@dataclass(frozen=True)
class LengthHint:
    """How long a draft is, and the platform's limit where one is known."""

    words: int
    characters: int
    limit: int | None
    platform: str | None = None  # the limit's platform, for the hint

    @property
    def over(self) -> bool:
        return self.limit is not None and self.characters > self.limit

    def __str__(self) -> str:
        words = plural(self.words, "word")
        if self.limit is None:
            return f"{words} · {plural(self.characters, 'character')}"
        where = f" ({self.platform})" if self.platform else ""
        return f"{words} · {self.characters}/{self.limit}{where}"


def length_hint(text: str, platform: Platform | None) -> LengthHint:
    """Words and characters as a person (and the platform) counts them:
    an accented letter or an emoji made of several code points is one
    character; URLs count as written (a platform may count them shorter)."""
    return LengthHint(
        words=len(text.split()),
        characters=characters(text),
        limit=platform.limit if platform else None,
        platform=platform.name if platform else None,
    )


_ZWJ = "\u200d"


def _extends(char: str) -> bool:
    """Whether `char` belongs to the character before it: combining marks,
    variation selectors, skin tones, emoji tag characters."""
    point = ord(char)
    return (
        0xFE00 <= point <= 0xFE0F
        or 0x1F3FB <= point <= 0x1F3FF
        or 0xE0020 <= point <= 0xE007F
        or 0xE0100 <= point <= 0xE01EF
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
    )


def characters(text: str) -> int:
    """User-perceived characters (an approximation of Unicode grapheme
    clusters good for counting: combining marks, variation selectors, skin
    tones and ZWJ sequences join their base; a pair of regional indicators is
    one flag; CR LF is one)."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    count = 0
    joined = False  # the previous character was a ZWJ: this one joins it
    flag_half = False  # a regional indicator waits for its pair
    previous = ""
    for char in text:
        point = ord(char)
        regional = 0x1F1E6 <= point <= 0x1F1FF
        joins_previous = (
            joined
            or (count > 0 and (_extends(char) or char == _ZWJ))
            or (regional and flag_half)
            or (char == "\n" and previous == "\r")
        )
        if not joins_previous:
            count += 1
        flag_half = regional and not flag_half
        joined = char == _ZWJ
        previous = char
    return count
