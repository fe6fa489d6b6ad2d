"""The contacts.yaml schema (version 1) as pydantic models.

Models forbid unknown keys (so typos are caught, with a "did you mean"), and
never coerce across types: `name: 123` is an error, not "123".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from trailtui.contacts.durations import parse_duration

SCHEMA_VERSION = 1
_ID = re.compile(r"^[\w][\w.-]*$")

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
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


def resolve_feed_location(url: str, base_dir: Path | None) -> str:
    """The canonical location of a feed: an http(s) URL, or a file:// URI.

    Raises ValueError with a readable message for anything else.
    """
    url = url.strip()
    if not url:
        raise ValueError("a feed needs a URL or a file path, found an empty string")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError(f"the URL {url!r} has no host name")
        if any(ch.isspace() for ch in url):
            raise ValueError(f"the URL {url!r} contains spaces")
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
    """One feed of a contact: a feed `url` (or path), or a `blog` site whose
    feed is found by autodiscovery when fetched. `location` is what is fetched."""

    url: Text | None = None
    blog: Text | None = None
    label: Text | None = None
    _location: str = PrivateAttr(default="")

    @property
    def location(self) -> str:
        return self._location

    @property
    def discover(self) -> bool:
        """The location is a web page; the feed is the one it points to."""
        return self.blog is not None

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> FeedSpec:
        if (self.url is None) == (self.blog is None):
            raise ValueError("a feed needs exactly one of 'url' or 'blog' (a site's address)")
        if self.blog is not None:
            location = resolve_feed_location(self.blog, None)
            if not location.startswith(("http://", "https://")):
                raise ValueError(f"'blog' needs the site's http(s) address, found {self.blog!r}")
            self._location = location
        else:
            assert self.url is not None
            self._location = resolve_feed_location(self.url, (info.context or {}).get("base_dir"))
        return self


def _feed_shorthand(value: Any) -> Any:
    # A plain string is a feed URL or path.
    return {"url": value} if isinstance(value, str) else value


class Contact(_Model):
    name: Text
    id: Text = ""
    circles: list[Text] = []
    why: Text = ""
    help: Text = ""
    cadence: Duration | None = None
    tags: list[Text] = []
    notes: Text = ""
    links: dict[Text, Text] = {}
    feeds: list[Annotated[FeedSpec, BeforeValidator(_feed_shorthand)]] = []

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

    @model_validator(mode="after")
    def _default_id(self) -> Contact:
        if not self.id:
            object.__setattr__(self, "id", slugify(self.name) or "contact")
        return self


class Settings(_Model):
    default_cadence: Duration = timedelta(days=14)
    daily_goal: StrictInt = Field(default=3, ge=0)
    refresh_every: Duration = timedelta(minutes=30)


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
        return contact.cadence or self.settings.default_cadence

    def by_id(self) -> dict[str, Contact]:
        return {c.id: c for c in self.contacts}

    @property
    def feed_count(self) -> int:
        return sum(len(c.feeds) for c in self.contacts)
