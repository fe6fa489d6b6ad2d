"""The contacts.yaml schema (version 1) as pydantic models.

Models forbid unknown keys (so typos are caught, with a "did you mean"), and
never coerce across types: `name: 123` is an error, not "123".
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from trailtui.contacts.durations import format_duration, parse_duration
from trailtui.contacts.shorthands import SHORTHANDS
from trailtui.contacts.shorthands import expand as expand_shorthand

SCHEMA_VERSION = 1
_ID = re.compile(r"^[\w][\w.-]*$")

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Tier = Literal["A", "B", "C"]
Text = StrictStr


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def slugify(name: str) -> str:
    """A stable id from a name: lower-case words joined by '-', accents folded.

    Letters outside Latin (e.g. Japanese) are kept rather than dropped, so every
    non-empty name has an id.
    """
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    slug = re.sub(r"[^\w]+", "-", folded.lower()).strip("-_")
    return slug


# What a feed's address may start with; anything else with "://" is refused.
ALLOWED_SCHEMES = ("http", "https", "file")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$", re.I)
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
# A host (a dotted name, an IP address, [IPv6], localhost, or one name with a port),
# an optional port, then a path, query or fragment.
_HOST_LIKE = re.compile(
    rf"^(?P<host>\[[0-9a-f:.]+\]|(?:{_LABEL}\.)+{_LABEL}|localhost|{_LABEL}(?=:\d))"
    r"(?::(?P<port>\d{1,5}))?(?P<rest>[/?#].*)?$",
    re.I | re.S,
)
# `feed.xml` is a file beside the contacts file, not a host in the .xml domain.
_FILE_SUFFIXES = frozenset(
    {"xml", "rss", "atom", "rdf", "json", "opml", "yaml", "yml", "txt", "htm", "html"}
)
# Names that only mean something on this machine or the local network.
_LOCAL_SUFFIXES = (".localhost", ".local", ".lan", ".internal", ".home.arpa")
_PATH_START = re.compile(r"^(/|\./|\.\./|~|\.\\|\.\.\\|[a-z]:[\\/])", re.I)


def _local_host(host: str) -> bool:
    """Loopback, private-network and local names: servers there rarely have TLS."""
    host = host.strip("[]").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host == "localhost" or host.endswith(_LOCAL_SUFFIXES)
    return ip.is_loopback or ip.is_private or ip.is_link_local


def web_address(text: str, base_dir: Path | None = None) -> str | None:
    """The web address a source written without a scheme stands for, or None.

    `ada.example.org/feed.xml`, `127.0.0.1:8080/feed`, `localhost/feed` and
    `::1` look like hosts: they mean https://..., or http://... for this
    machine and the local network. Not when the text is plainly a path (it
    starts with `/`, `./`, `../` or `~`), ends in a feed file's suffix with
    no path after it (`feed.xml`), or names a file that exists in base_dir
    (the contacts file's directory).
    """
    text = text.strip()
    if not text or "://" in text or _PATH_START.match(text):
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:  # a bare address; an IPv6 one needs brackets in a URL
        host = f"[{text}]" if ip.version == 6 else text
        return f"{'http' if _local_host(host) else 'https'}://{host}"
    match = _HOST_LIKE.match(text)
    if match is None:
        return None
    host = match.group("host")
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
    elif "." in host:
        labels = host.split(".")
        tld = labels[-1].lower()
        if all(label.isdigit() for label in labels):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                return None
        elif len(tld) < 2 or not tld.isalpha() or tld in _FILE_SUFFIXES:
            return None
    if base_dir is not None:
        try:
            if (base_dir / text).is_file():
                return None
        except (OSError, ValueError):
            pass
    return f"{'http' if _local_host(host) else 'https'}://{text}"


def resolve_feed_location(url: str, base_dir: Path | None) -> str:
    """The canonical location of a feed: an http(s) URL, or a file:// URI.

    A relative path is relative to base_dir (the contacts file's directory;
    the current one when None); a source that looks like a host is a web
    address (`web_address`). Raises ValueError with a readable message for
    anything else.
    """
    url = url.strip()
    if not url:
        raise ValueError("a feed needs a URL or a file path, found an empty string")
    if "://" in url:
        scheme = url.split("://", 1)[0]
        if not _SCHEME.match(scheme):
            raise ValueError(
                f"{url!r} is not a URL ({scheme!r} is not a scheme); a feed's address "
                "starts with http:// or https://, or file:/// for a file on this computer"
            )
    else:
        url = web_address(url, base_dir) or url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError(f"the URL {url!r} has no host name")
        if any(ch.isspace() for ch in url):
            raise ValueError(f"the URL {url!r} contains spaces")
        try:
            parts.port  # noqa: B018 - it raises for a port that cannot be
        except ValueError:
            raise ValueError(f"the URL {url!r} has a bad port (expected 1 to 65535)") from None
        return url
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"a file:// URL needs an absolute path (file:///...), found {url!r}")
        return Path(parts.path).as_uri()
    # A single letter before ':' is a Windows drive, not a scheme.
    if scheme and len(scheme) > 1:
        raise ValueError(
            f"unsupported URL scheme {scheme!r} in {url!r}; "
            "expected an http(s) URL, a file:// URL or a local file path"
        )
    try:
        path = Path(url).expanduser()
    except RuntimeError:  # ~user that does not exist
        raise ValueError(f"cannot find the home directory in {url!r}") from None
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path.resolve().as_uri()


class FeedSpec(_Model):
    """One feed of a contact: a feed `url` (or path), a `blog` site whose feed
    is found by autodiscovery when fetched, or a platform shorthand such as
    `github: ada`. `location` is what is fetched."""

    url: Text | None = None
    blog: Text | None = None
    mastodon: Text | None = None
    github: Text | None = None
    bluesky: Text | None = None
    youtube: Text | None = None
    substack: Text | None = None
    medium: Text | None = None
    devto: Text | None = None
    reddit: Text | None = None
    label: Text | None = None
    _location: str = PrivateAttr(default="")

    @property
    def location(self) -> str:
        return self._location

    @property
    def discover(self) -> bool:
        """The location is a web page; the feed is the one it points to."""
        return self.blog is not None

    @property
    def form(self) -> str:
        """Which key gave the source: 'url', 'blog' or a platform name."""
        return next(key for key in SOURCE_KEYS if getattr(self, key) is not None)

    @property
    def source(self) -> str:
        """The source as the user wrote it."""
        return str(getattr(self, self.form))

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> FeedSpec:
        given = [key for key in SOURCE_KEYS if getattr(self, key) is not None]
        if len(given) != 1:
            found = f"found {', '.join(repr(k) for k in given)}" if given else "found none"
            raise ValueError(
                "a feed needs exactly one of 'url', 'blog' (a site's address) or a platform "
                f"shorthand ({', '.join(SHORTHANDS)}); {found}"
            )
        form = given[0]
        value = str(getattr(self, form))
        if form == "url":
            self._location = resolve_feed_location(value, (info.context or {}).get("base_dir"))
        elif form == "blog":
            location = resolve_feed_location(value, None)
            if not location.startswith(("http://", "https://")):
                raise ValueError(f"'blog' needs the site's http(s) address, found {value!r}")
            self._location = location
        else:
            self._location = expand_shorthand(form, value)
        return self


SOURCE_KEYS = ("url", "blog", *SHORTHANDS)


def feed_mapping(value: Any) -> Any:
    """A feed as written in YAML, as a mapping: a plain string is a URL or path."""
    return {"url": value} if isinstance(value, str) else value


class Contact(_Model):
    name: Text
    id: Text = ""
    tier: Tier | None = None
    circles: list[Text] = []
    why: Text = ""
    help: Text = ""
    cadence: Duration | None = None
    max_cadence: Duration | None = None
    snooze_until: date | None = None
    tags: list[Text] = []
    notes: Text = ""
    links: dict[Text, Text] = {}
    feeds: list[Annotated[FeedSpec, BeforeValidator(feed_mapping)]] = []

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a contact needs a name, found an empty string")
        return value

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if value and not _ID.match(value):
            raise ValueError(f"an id may hold letters, digits, '-', '_' and '.', found {value!r}")
        return value

    @field_validator("snooze_until", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        # YAML reads 2026-12-01 as a date; a datetime or a number is a mistake.
        if isinstance(value, datetime) or not isinstance(value, date | str):
            raise ValueError(f"expected a date like 2026-12-01, found {value!r}")
        return value

    @model_validator(mode="after")
    def _default_id(self) -> Contact:
        if not self.id:
            object.__setattr__(self, "id", slugify(self.name) or "contact")
        if self.cadence and self.max_cadence and self.max_cadence <= self.cadence:
            raise ValueError(
                f"'max_cadence' ({format_duration(self.max_cadence)}) must be longer than "
                f"'cadence' ({format_duration(self.cadence)}): it says when due becomes overdue"
            )
        return self


# Actions whose keys `settings.keys` may change: the ids of the app's
# bindings (tests/test_keys.py proves the two lists match). The main screen's
# and the app's have plain names; another screen's are prefixed with it.
KEYMAP_ACTIONS = (
    # the feed
    "down",
    "up",
    "page_down",
    "page_up",
    "first",
    "last",
    "like",
    "comment",
    "share",
    "endorse",
    "help",
    "thanks",
    "report_back",
    "intro",
    "note",
    "reached_out",
    "undo",
    "toggle_read",
    "open",
    "refresh",
    "feed_health",
    "edit_contacts",
    "edit_external",
    "add_contact",
    "show_help",
    "open_reader",
    "skip",
    "mark_all_read",
    "star",
    "copy_link",
    "next_unread",
    "previous_unread",
    "search",
    "filter",
    "person_only",
    "unread_only",
    "clear_filters",
    "people",
    "timeline",
    "toggle_panel",
    "snooze",
    "drafts",
    "draft_help",
    "draft_thanks",
    "draft_report_back",
    "draft_intro",
    "draft_note",
    "draft_reached_out",
    # the whole app
    "quit",
    "command_palette",
    "today",
    # the other screens
    "reader.close",
    "reader.open",
    "reader.page_down",
    "reader.page_up",
    "reader.down",
    "reader.up",
    "reader.comment",
    "reader.links",
    "links.open",
    "links.close",
    "people.close",
    "people.open",
    "people.sort",
    "people.find",
    "people.down",
    "people.up",
    "timeline.close",
    "filter.close",
    "editor.save",
    "editor.next_problem",
    "editor.close",
    "add.add",
    "add.cancel",
    "import.cancel",
    "import.rename",
    "feeds.back",
    "feeds.down",
    "feeds.up",
    "help.close",
    "messages.close",
    "prompt.cancel",
    "confirm.no",
    "confirm.other",
    "welcome.later",
    "welcome.next",
    "welcome.previous",
    "today.stats",
    "today.review",
    "stats.close",
    "review.close",
    "review.down",
    "review.up",
    "review.apply",
    "snooze.cancel",
    "draft.post",
    "draft.later",
    "draft.editor",
    "draft.template",
    "draft.close",
    "drafts.resume",
    "drafts.discard",
    "drafts.close",
    "drafts.down",
    "drafts.up",
)
_KEY = re.compile(r"^[^\s,]+(,[^\s,]+)*$")


def _default_tiers() -> dict[Tier, timedelta]:
    return {"A": timedelta(days=7), "B": timedelta(days=21), "C": timedelta(days=60)}


class Settings(_Model):
    default_cadence: Duration = timedelta(days=14)
    tier_cadences: dict[Tier, Duration] = Field(default_factory=_default_tiers)
    daily_goal: StrictInt = Field(default=3, ge=0)
    refresh_every: Duration = timedelta(minutes=30)
    # A trail key on a post moves on to the next unread entry.
    advance_after_trail: StrictBool = True
    keys: dict[Text, Text] = {}
    theme: Text | None = None
    # The user's own Mastodon server ("mastodon.social"): a drafted reply to a
    # Mastodon post opens there, ready to reply from the user's account.
    mastodon_server: Text | None = None

    @field_validator("tier_cadences")
    @classmethod
    def _all_tiers(cls, value: dict[Tier, timedelta]) -> dict[Tier, timedelta]:
        # Naming only some tiers keeps the defaults for the others.
        return {**_default_tiers(), **value}

    @field_validator("keys")
    @classmethod
    def _known_actions(cls, value: dict[str, str]) -> dict[str, str]:
        for action, keys in value.items():
            if action not in KEYMAP_ACTIONS:
                close = difflib.get_close_matches(action, KEYMAP_ACTIONS, n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"expected one of: {', '.join(KEYMAP_ACTIONS)}"
                )
                raise ValueError(f"unknown action {action!r} in 'keys'; {hint}")
            if not _KEY.match(keys):
                raise ValueError(
                    f"expected a key like 'L', 'ctrl+l' or 'L,ctrl+l' for {action!r}, "
                    f"found {keys!r}"
                )
        return value


class ContactsDocument(_Model):
    version: Literal[1] = 1
    settings: Settings = Settings()
    templates: dict[Text, Text] = {}
    contacts: list[Contact]


@dataclass(frozen=True)
class ContactBook:
    """A validated contacts file."""

    path: Path
    settings: Settings
    contacts: list[Contact]
    templates: dict[str, str] = field(default_factory=dict)

    def cadence_of(self, contact: Contact) -> timedelta:
        """Own cadence, else the tier's, else the default."""
        if contact.cadence:
            return contact.cadence
        if contact.tier:
            return self.settings.tier_cadences[contact.tier]
        return self.settings.default_cadence

    def overdue_after(self, contact: Contact) -> timedelta:
        """How long after the last touch a contact counts as overdue."""
        cadence = self.cadence_of(contact)
        if contact.max_cadence and contact.max_cadence > cadence:
            return contact.max_cadence
        return 2 * cadence

    def by_id(self) -> dict[str, Contact]:
        return {c.id: c for c in self.contacts}

    @property
    def feed_count(self) -> int:
        return sum(len(c.feeds) for c in self.contacts)
