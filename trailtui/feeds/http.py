"""Fetching feed bytes: async HTTP (aiohttp) and local files.

Every fetch ends in a FetchResult, never an exception: a failure carries a
short human-readable reason. Limits protect the user's machine from hostile or
broken servers: connect and read timeouts, an overall deadline per feed (a
server dripping one byte a second never trips a read timeout), a cap on the
decoded body counted while streaming (a gzip bomb stops at the cap), and at
most five redirects, to http(s) only.
"""

from __future__ import annotations

import asyncio
import errno
import ssl
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import cast
from urllib.parse import unquote, urlsplit

import aiohttp
from zlib_ng import zlib_ng as zlib  # zlib's API; inflates feeds about twice as fast

from trailtui import PROJECT_URL, __version__

_ZLIB_ERROR = cast(type[Exception], zlib.error)  # zlib-ng's stub calls it an instance

USER_AGENT = f"trailtui/{__version__} (+{PROJECT_URL})"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 30.0  # whole fetch of one feed (newsboat: 30 s too)
    max_bytes: int = 10 * 1024 * 1024  # decoded body
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 8


@dataclass(frozen=True)
class Validators:
    """What we last saw of a feed, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    error: str | None = None
    moved_to: str | None = None  # where a permanent redirect pointed
    encoded: bool = False  # body still gzip/deflate (see decode_body)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches many feeds concurrently over one connection pool."""

    def __init__(self, limits: FetchLimits | None = None, *, decode: bool = True) -> None:
        """decode=False leaves a compressed body as it came (decode_body
        inflates it later, e.g. in a worker process), still capped in size."""
        self.limits = limits or FetchLimits()
        self.decode = decode
        self._session: aiohttp.ClientSession | None = None
        # Our own slots (not the pool's), so a feed's deadline starts only
        # once it may actually talk to its server.
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # we inflate ourselves: capped, and checked complete
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=limits.connect_timeout, sock_read=limits.read_timeout
            ),
            headers={
                "User-Agent": USER_AGENT,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
            cookie_jar=aiohttp.DummyCookieJar(),  # polite readers send no cookies
            trust_env=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            return await asyncio.to_thread(read_local_file, url, self.limits.max_bytes)
        if scheme not in ("http", "https"):
            return FetchResult(url, error=f"unsupported URL scheme {scheme!r}")
        host = parts.netloc.lower()
        host_slots = self._host_slots.setdefault(host, asyncio.Semaphore(self.limits.per_host))
        async with self._slots, host_slots:
            return await self._fetch_with_deadline(url, validators or Validators())

    async def _fetch_with_deadline(self, url: str, validators: Validators) -> FetchResult:
        limits = self.limits
        try:
            async with asyncio.timeout(limits.deadline):
                return await self._fetch_http(url, validators)
        except aiohttp.ServerTimeoutError:
            return FetchResult(
                url, error=f"timed out (the server sent nothing for {limits.read_timeout:g} s)"
            )
        except TimeoutError:
            return FetchResult(
                url, error=f"timed out (no complete answer within {limits.deadline:g} s)"
            )
        except aiohttp.TooManyRedirects:
            return FetchResult(url, error=f"too many redirects (more than {limits.max_redirects})")
        except (
            aiohttp.InvalidUrlRedirectClientError,
            aiohttp.NonHttpUrlRedirectClientError,
        ) as exc:
            return FetchResult(
                url, error=f"redirected to an unusable URL (not http or https): {exc}"
            )
        except aiohttp.ClientConnectorError as exc:
            return FetchResult(url, error=f"cannot connect: {_os_reason(exc)}")
        except aiohttp.ClientPayloadError as exc:
            return FetchResult(url, error=f"the answer was cut short or corrupt: {exc}")
        except aiohttp.ServerDisconnectedError:
            return FetchResult(url, error="the server closed the connection without answering")
        except aiohttp.ClientResponseError as exc:
            return FetchResult(url, status=exc.status, error=f"bad HTTP answer: {exc.message}")
        except (aiohttp.ClientError, ssl.SSLError, OSError, ValueError) as exc:
            return FetchResult(url, error=f"{type(exc).__name__}: {exc}".rstrip(": "))

    async def _fetch_http(self, url: str, validators: Validators) -> FetchResult:
        assert self._session is not None, "use Fetcher as an async context manager"
        headers = {}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        # aiohttp counts the request that would follow the last allowed redirect.
        async with self._session.get(
            url, headers=headers, allow_redirects=True, max_redirects=self.limits.max_redirects + 1
        ) as response:
            answered = FetchResult(
                url,
                response.status,
                None,
                {k.lower(): v for k, v in response.headers.items()},
                str(response.url),
                moved_to=_permanent_redirect(response),
            )
            response_headers = answered.headers
            if response.status == 304:
                return answered
            if response.status >= 400:
                return replace(
                    answered, error=f"HTTP {response.status} {response.reason or 'error'}"
                )
            body = bytearray()
            inflater = _Inflater.for_encoding(response_headers.get("content-encoding", ""))
            encoded = inflater is not None and not self.decode
            if encoded:
                inflater = None
            too_big = f"the feed is larger than {_megabytes(self.limits.max_bytes)}"
            async for chunk in response.content.iter_chunked(64 * 1024):
                room = self.limits.max_bytes + 1 - len(body)
                body += inflater.feed(chunk, room) if inflater else chunk
                if len(body) > self.limits.max_bytes:
                    return replace(answered, moved_to=None, error=too_big)
            if inflater is not None and not inflater.complete:
                return replace(answered, moved_to=None, error="the compressed answer was cut short")
            return replace(answered, body=bytes(body), encoded=encoded)


def decode_body(result: FetchResult, max_bytes: int) -> FetchResult:
    """Inflate a body fetched with decode=False: capped, and checked complete."""
    if not result.encoded or result.body is None:
        return result
    inflater = _Inflater.for_encoding(result.headers.get("content-encoding", ""))
    if inflater is None:
        return replace(result, encoded=False)
    try:
        body = inflater.feed(result.body, max_bytes + 1)
    except aiohttp.ClientPayloadError as exc:
        return replace(result, body=None, encoded=False, error=f"the answer was corrupt: {exc}")
    if len(body) > max_bytes:
        return replace(
            result,
            body=None,
            encoded=False,
            error=f"the feed is larger than {_megabytes(max_bytes)}",
        )
    if not inflater.complete:
        return replace(
            result, body=None, encoded=False, error="the compressed answer was cut short"
        )
    return replace(result, body=body, encoded=False)


class _Inflater:
    """gzip/deflate decoding that never inflates more than asked for."""

    def __init__(self, wbits: int) -> None:
        self._zlib = zlib.decompressobj(wbits)
        self._raw_fallback = wbits == zlib.MAX_WBITS  # "deflate" is sometimes raw

    @classmethod
    def for_encoding(cls, encoding: str) -> _Inflater | None:
        encoding = encoding.strip().lower()
        if encoding in ("gzip", "x-gzip"):
            return cls(16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return cls(zlib.MAX_WBITS)
        return None

    def feed(self, chunk: bytes, room: int) -> bytes:
        """Inflate a chunk into at most `room` bytes (the caller stops at the cap)."""
        try:
            data = self._zlib.decompress(chunk, room)
        except _ZLIB_ERROR:
            if not self._raw_fallback:
                raise aiohttp.ClientPayloadError("corrupt compressed data") from None
            self._raw_fallback = False
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            data = self._zlib.decompress(chunk, room)
        self._raw_fallback = False
        return data

    @property
    def complete(self) -> bool:
        return self._zlib.eof


def _permanent_redirect(response: aiohttp.ClientResponse) -> str | None:
    if any(step.status in (301, 308) for step in response.history):
        return str(response.url)
    return None


def read_local_file(url: str, max_bytes: int) -> FetchResult:
    """A feed that is a file on this machine (file:// URL)."""
    path = Path(unquote(urlsplit(url).path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return FetchResult(url, error=f"the file is larger than {_megabytes(max_bytes)}")
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return FetchResult(url, error=f"no such file: {path}")
    except IsADirectoryError:
        return FetchResult(url, error=f"this is a directory, not a feed file: {path}")
    except OSError as exc:
        return FetchResult(url, error=f"cannot read {path}: {exc.strerror or exc}")
    return FetchResult(url, status=200, body=body, final_url=url)


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
}


def _os_reason(exc: aiohttp.ClientConnectorError) -> str:
    error = exc.os_error
    reason = _ERRNO_REASONS.get(error.errno) if error and error.errno else None
    if reason is None:
        reason = error.strerror if error and error.strerror else str(exc)
    return f"{reason} ({exc.host}:{exc.port})"
