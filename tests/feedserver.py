"""A small, real HTTP/1.1 feed server for the tests (standard library only).

`FeedServer` runs `http.server.ThreadingHTTPServer` in a daemon thread bound to
127.0.0.1 on a free port. Use it as a context manager (the tests wrap it in a
fixture); `.url(path)` gives a full URL, `.log` records every request (method,
path, headers) so a test can assert what the client sent.

Routes:

* ``/feeds/<name>``: a registered body (`add_feed`), with ETag and
  Last-Modified; 304 to a matching If-None-Match (or, without one, to an
  If-Modified-Since equal to Last-Modified); gzip when the client accepts it.
* ``/redirect-301[/<name>]``: 301 to ``/feeds/<name>`` (default ``rss``).
* ``/redirect-chain/<n>``: exactly n redirects (302), ending at ``/feeds/rss``.
* Faults: ``/404`` ``/410`` ``/500`` ``/503`` (Retry-After) ``/timeout`` (never
  answers) ``/slow`` (one byte per 0.2 s) ``/huge`` (chunked, ~30 MB)
  ``/gzipbomb`` ``/redirect-loop`` ``/redirect-ftp`` ``/malformed`` ``/html``
  ``/empty`` ``/binary`` ``/reset`` ``/truncated-gzip`` ``/wrong-encoding``
  ``/xxe`` ``/billion-laughs``.
* Watched routes, which tell a test how each answer ended (`FeedServer.watch`):
  ``/hang`` (never answers; notices the client hanging up), ``/drip`` (one
  byte per 0.1 s for minutes), ``/endless`` (chunked RSS items until the
  client hangs up), ``/gather?k=<n>`` (answers the RSS sample only once n
  requests are waiting there at the same time).

Every handler that could run long (timeout, slow, huge) watches `stop`, a
threading.Event set on exit, so shutting down never waits on a client.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import random
import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs

# --- Sample feeds ---------------------------------------------------------

RSS_SAMPLE = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Ada's workshop</title>
    <link>https://ada.example.org/</link>
    <description>Notes on engines, looms and kind tools.</description>
    <language>en</language>
    <item>
      <guid isPermaLink="false">ada-2026-10-03-looms</guid>
      <title>What looms taught me about loops</title>
      <link>https://ada.example.org/2026/10/looms</link>
      <pubDate>Sat, 03 Oct 2026 09:15:00 +0000</pubDate>
      <author>ada@example.org (Ada Quill)</author>
      <description><![CDATA[<p>Punched cards are <em>programs</em>.
        See <a href="/2026/09/cards">last month's post</a>.</p>]]></description>
    </item>
    <item>
      <guid isPermaLink="false">ada-2026-09-20-notes</guid>
      <title>Notes on the analytical engine</title>
      <link>https://ada.example.org/2026/09/notes</link>
      <pubDate>Sun, 20 Sep 2026 18:00:00 +0000</pubDate>
      <description>&lt;p&gt;Note G, with
        &lt;strong&gt;tables&lt;/strong&gt;.&lt;/p&gt;</description>
    </item>
    <item>
      <guid isPermaLink="false">ada-2026-09-01-hello</guid>
      <title>Hello &amp; welcome</title>
      <link>https://ada.example.org/2026/09/hello</link>
      <pubDate>Tue, 01 Sep 2026 07:30:00 +0000</pubDate>
      <description><![CDATA[<p>First post. <script>alert(1)</script>Be kind.</p>]]></description>
    </item>
  </channel>
</rss>
"""
RSS_TITLES = (
    "What looms taught me about loops",
    "Notes on the analytical engine",
    "Hello & welcome",
)

ATOM_SAMPLE = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Bo Lind's notebook</title>
  <link href="https://bo.example.net/"/>
  <link rel="self" href="https://bo.example.net/atom.xml"/>
  <id>tag:bo.example.net,2026:notebook</id>
  <updated>2026-10-05T12:00:00Z</updated>
  <author><name>Bo Lind</name></author>
  <entry>
    <id>tag:bo.example.net,2026:gardens</id>
    <title>Gardens in October</title>
    <link rel="alternate" href="https://bo.example.net/gardens"/>
    <published>2026-10-05T12:00:00Z</published>
    <updated>2026-10-05T12:00:00Z</updated>
    <summary type="html">&lt;p&gt;The &lt;em&gt;last&lt;/em&gt; tomatoes.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;The &lt;em&gt;last&lt;/em&gt; tomatoes,
      and a plan.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:bo.example.net,2026:bikes</id>
    <title>Fixing bikes with friends</title>
    <link rel="alternate" href="https://bo.example.net/bikes"/>
    <published>2026-09-28T08:00:00Z</published>
    <updated>2026-09-29T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;A Saturday of
      &lt;a href="/tools"&gt;tools&lt;/a&gt;.&lt;/p&gt;</summary>
  </entry>
</feed>
"""
ATOM_TITLES = ("Gardens in October", "Fixing bikes with friends")

# Titles trying to drive the terminal: OSC 52 (clipboard write), a screen
# clear, an 8-bit CSI, a BEL, and Rich/Textual markup that must stay literal.
# Raw ESC is not an XML character, so this body is not well-formed XML.
HOSTILE_RSS = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Evil\x1b[2J feed</title>
<link>https://evil.example.com/</link><description>x</description>
<item><guid>evil-1</guid>
<title>Hi\x1b]52;c;ZXZpbA==\x07 there\x1b[31m red\x1b[0m \u009b2J done</title>
<link>https://evil.example.com/1</link>
<pubDate>Fri, 02 Oct 2026 10:00:00 +0000</pubDate>
<description>body\x1b]8;;https://evil.example.com\x1b\\click\x1b]8;;\x1b\\ here</description></item>
<item><guid>evil-2</guid><title>[bold]x[/bold] and [link=https://x.example]y[/link]</title>
<link>https://evil.example.com/2</link>
<pubDate>Thu, 01 Oct 2026 10:00:00 +0000</pubDate>
<description>[red]literal[/red]</description></item>
</channel></rss>
"""

HTML_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ada's workshop</title>
<link rel="alternate" type="application/rss+xml" title="Ada's workshop" href="/feeds/rss">
</head><body><h1>Ada's workshop</h1><p>Welcome!</p></body></html>
"""

# The RSS sample cut in the middle of its second item.
MALFORMED = RSS_SAMPLE[: RSS_SAMPLE.index("Note G") + 10].encode()

WRONG_ENCODING = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<rss version="2.0"><channel><title>Caf\u00e9 M\u00fcller</title>'
    "<link>https://cafe.example.de/</link><description>d</description>"
    "<item><guid>cafe-1</guid><title>Sch\u00f6ne Gr\u00fc\u00dfe aus K\u00f6ln</title>"
    "<link>https://cafe.example.de/1</link>"
    "<description>\u00e0 bient\u00f4t</description></item>"
    "</channel></rss>\n"
).encode("latin-1")

XXE = b"""\
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>leak &xxe;</title>
<link>https://xxe.example.com/</link><description>&xxe;</description>
<item><guid>xxe-1</guid><title>secret: &xxe;</title>
<link>https://xxe.example.com/1</link>
<description>&xxe;</description></item>
</channel></rss>
"""

BILLION_LAUGHS = b"""\
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<link>https://lol.example.com/</link><description>&lol9;</description>
<item><guid>lol-1</guid><title>laughs &lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""

BINARY = random.Random(20261003).randbytes(4096)

SLOW_BODY = RSS_SAMPLE.encode()[:200]  # announced in full, dripped one byte at a time
SLOW_INTERVAL = 0.2
HUGE_TOTAL = 30 * 1024 * 1024
GZIP_BOMB_SIZE = 64 * 1024 * 1024  # inflated size of /gzipbomb

_bomb_lock = threading.Lock()
_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    """A small gzip body inflating to ~64 MB: an RSS document full of spaces.

    Built once per session (streamed through zlib, never held inflated)."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>'
            tail = b"</title></channel></rss>"
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
            parts = [packer.compress(head)]
            block = b" " * (1024 * 1024)
            for _ in range((GZIP_BOMB_SIZE - len(head) - len(tail)) // len(block)):
                parts.append(packer.compress(block))
            parts += [packer.compress(tail), packer.flush()]
            _bomb = b"".join(parts)
        return _bomb


def free_port_url(path: str = "/feed.xml") -> str:
    """A URL on 127.0.0.1 whose port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# --- The server -------------------------------------------------------------


@dataclass
class Feed:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200  # set to an error status to make a known feed fail


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Hangup(Exception):
    """The client went away (or the server is stopping): end this handler."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedserver/1"
    timeout = 10  # an idle keep-alive connection does not hold a thread for long
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def handle(self) -> None:
        self.server.track(threading.current_thread(), self.connection)
        with contextlib.suppress(_Hangup, OSError, ValueError):
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()

    # -- plumbing --

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.record(
            LoggedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        path = self.path.split("?", 1)[0]
        if path.startswith("/feeds/"):
            self._feed(path.removeprefix("/feeds/"))
            return
        if path == "/redirect-301" or path.startswith("/redirect-301/"):
            name = path.removeprefix("/redirect-301").strip("/") or "rss"
            self._redirect(301, f"/feeds/{name}")
            return
        if path.startswith("/redirect-chain/"):
            # /redirect-chain/<n>: exactly n redirects (302), then the RSS sample.
            left = int(path.removeprefix("/redirect-chain/") or "1")
            self._redirect(302, f"/redirect-chain/{left - 1}" if left > 1 else "/feeds/rss")
            return
        route = _ROUTES.get(path)
        if route is None:
            self._send(404, b"not found\n", "text/plain")
            return
        route(self)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _accepts_gzip(self) -> bool:
        accepted = self.headers.get("Accept-Encoding", "")
        return any(part.split(";")[0].strip() == "gzip" for part in accepted.split(","))

    def _feed(self, name: str) -> None:
        feed = self.server.owner.feeds.get(name)
        if feed is None:
            self._send(404, b"no such feed\n", "text/plain")
            return
        if feed.status != 200:
            self._send(feed.status, f"feed {name} is failing\n".encode(), "text/plain")
            return
        validators = {}
        if feed.etag:
            validators["ETag"] = feed.etag
        if feed.last_modified:
            validators["Last-Modified"] = feed.last_modified
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_none_match is not None:
            fresh = feed.etag is not None and if_none_match in (feed.etag, "*")
        else:
            fresh = if_modified_since is not None and if_modified_since == feed.last_modified
        if fresh:
            self.send_response(304)
            for key, value in validators.items():
                self.send_header(key, value)
            self.end_headers()
            return
        body = feed.body
        headers = dict(validators)
        headers["Vary"] = "Accept-Encoding"
        if self._accepts_gzip():
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, feed.content_type, headers)

    # -- faults --

    def _status(self, status: int, headers: dict[str, str] | None = None) -> None:
        self._send(status, f"error {status}\n".encode(), "text/plain", headers)

    def _timeout(self) -> None:
        # The request has been read; never answer. Hold the connection open
        # until the client gives up or the server stops.
        self.server.owner.stop.wait()
        self.close_connection = True
        raise _Hangup

    def _write_or_hangup(self, data: bytes) -> None:
        if self.server.owner.stop.is_set():
            raise _Hangup
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            raise _Hangup from None

    def _slow(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(SLOW_BODY)))
        self.end_headers()
        self.wfile.flush()
        stop = self.server.owner.stop
        for i in range(len(SLOW_BODY)):
            self._write_or_hangup(SLOW_BODY[i : i + 1])
            if stop.wait(SLOW_INTERVAL):
                raise _Hangup

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>'
        item = b"<item><title>again</title><description>" + b"x" * 900 + b"</description></item>"
        block = item * 64  # ~64 KB
        sent = 0
        self._write_or_hangup(b"%x\r\n%s\r\n" % (len(head), head))
        while sent < HUGE_TOTAL:
            self._write_or_hangup(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
        tail = b"</channel></rss>"
        self._write_or_hangup(b"%x\r\n%s\r\n0\r\n\r\n" % (len(tail), tail))

    def _gzipbomb(self) -> None:
        self._send(200, gzip_bomb(), "application/rss+xml", {"Content-Encoding": "gzip"})

    def _truncated_gzip(self) -> None:
        packed = gzip.compress(RSS_SAMPLE.encode() * 4, mtime=0)
        self._send(
            200, packed[: len(packed) // 2], "application/rss+xml", {"Content-Encoding": "gzip"}
        )

    def _reset(self) -> None:
        body = RSS_SAMPLE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 3])
        self.wfile.flush()
        time.sleep(0.05)
        # SO_LINGER 0: close() sends a TCP RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        for stream in (self.rfile, self.wfile):
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        self.connection.close()
        raise _Hangup


_ROUTES: dict[str, Callable[[_Handler], None]] = {
    "/404": lambda h: h._status(404),
    "/410": lambda h: h._status(410),
    "/500": lambda h: h._status(500),
    "/503": lambda h: h._status(503, {"Retry-After": "120"}),
    "/timeout": _Handler._timeout,
    "/slow": _Handler._slow,
    "/huge": _Handler._huge,
    "/gzipbomb": _Handler._gzipbomb,
    "/redirect-loop": lambda h: h._redirect(302, "/redirect-loop"),
    "/redirect-ftp": lambda h: h._redirect(302, "ftp://127.0.0.1/pub/feed.xml"),
    "/malformed": lambda h: h._send(200, MALFORMED),
    "/html": lambda h: h._send(200, HTML_PAGE.encode(), "text/html; charset=utf-8"),
    "/empty": lambda h: h._send(200, b""),
    "/binary": lambda h: h._send(200, BINARY, "application/octet-stream"),
    "/reset": _Handler._reset,
    "/truncated-gzip": _Handler._truncated_gzip,
    "/wrong-encoding": lambda h: h._send(200, WRONG_ENCODING, "text/xml; charset=utf-8"),
    "/xxe": lambda h: h._send(200, XXE),
    "/billion-laughs": lambda h: h._send(200, BILLION_LAUGHS),
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a refresh opens many connections at once
    block_on_close = False  # we join our own handler threads, with a bound

    def __init__(self, owner: FeedServer) -> None:
        self.owner = owner
        self.handlers: dict[threading.Thread, socket.socket] = {}
        self._handlers_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def track(self, thread: threading.Thread, connection: socket.socket) -> None:
        with self._handlers_lock:
            self.handlers[thread] = connection

    def hang_up_all(self) -> None:
        """Shut every client connection: idle keep-alive readers see EOF at once."""
        with self._handlers_lock:
            connections = list(self.handlers.values())
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-answer is expected here


def etag_for(body: bytes) -> str:
    # Deliberately awkward (weak, quoted, with a comma): it must round-trip
    # byte for byte.
    return f'W/"{hashlib.sha1(body).hexdigest()[:12]}, v1"'


class FeedServer:
    """The test server. `with FeedServer() as server: server.url("/404")`."""

    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self.log: list[LoggedRequest] = []
        self.stop = threading.Event()
        self._log_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._handler_threads: list[threading.Thread] = []
        self.watch = Watch()
        self._register("rss", RSS_SAMPLE)
        self._register("atom", ATOM_SAMPLE, content_type="application/atom+xml")

    # -- content --

    def add_feed(
        self,
        name: str,
        body: str | bytes,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> str:
        """Serve `body` at /feeds/<name>; returns its URL (the server must run)."""
        self._register(
            name, body, content_type=content_type, etag=etag, last_modified=last_modified
        )
        return self.url(f"/feeds/{name}")

    def _register(
        self,
        name: str,
        body: str | bytes,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.feeds[name] = Feed(
            data,
            content_type,
            etag or etag_for(data),
            last_modified or formatdate(1790000000 + len(self.feeds), usegmt=True),
        )

    def fail_feed(self, name: str, status: int = 500) -> None:
        """Make a known feed answer `status` from now on."""
        self.feeds[name].status = status

    # -- requests --

    def record(self, request: LoggedRequest) -> None:
        with self._log_lock:
            self.log.append(request)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        with self._log_lock:
            return [r for r in self.log if r.path == path]

    # -- lifecycle --

    @property
    def port(self) -> int:
        assert self._server is not None, "the server is not running"
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> FeedServer:
        self.stop.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="feedserver",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self, join_timeout: float = 3.0) -> None:
        self.stop.set()  # releases /timeout, /slow and /huge handlers
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        server.hang_up_all()
        thread.join(join_timeout)
        deadline = time.monotonic() + join_timeout
        self._handler_threads = list(server.handlers)
        for handler in self._handler_threads:
            handler.join(max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None

    def live_threads(self) -> list[threading.Thread]:
        """Server threads still running (after close: the leak check)."""
        threads = list(self._server.handlers) if self._server else self._handler_threads
        if self._thread is not None:
            threads.append(self._thread)
        return [t for t in threads if t.is_alive()]

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- Watched routes ---------------------------------------------------------
#
# They record how each answer ended, so a test asserts what happened (the client
# hung up before the body was complete, n requests were open at once) instead of
# how long it took.

DRIP_INTERVAL = 0.1  # /drip: one byte per 0.1 s, so the RSS sample takes minutes
ENDLESS_LIMIT = 256 * 1024 * 1024  # /endless gives up (and says so) after this much


@dataclass(frozen=True)
class Ending:
    """How one answer of a watched route ended."""

    path: str
    sent: int  # body bytes written
    hung_up: bool  # the client closed the connection before the answer was complete


class Watch:
    """What the watched routes saw. All /gather requests of one server meet at one barrier."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.endings: list[Ending] = []
        self.most_gathered = 0  # the most requests ever waiting at /gather at once
        self._gathered = 0
        self._round = 0

    def ended(self, ending: Ending) -> None:
        with self._changed:
            self.endings.append(ending)
            self._changed.notify_all()

    def wait_for_endings(self, path: str, count: int = 1, timeout: float = 60.0) -> list[Ending]:
        """The endings of `path` once there are `count` of them (fewer after `timeout`)."""
        with self._changed:
            self._changed.wait_for(
                lambda: len([e for e in self.endings if e.path == path]) >= count, timeout
            )
            return [e for e in self.endings if e.path == path]

    def gather(self, k: int, stop: threading.Event, gone: Callable[[], bool]) -> bool:
        """Wait until k requests are here; False if the server stops or the
        client hangs up first (it then no longer counts as waiting)."""
        with self._changed:
            self._gathered += 1
            self.most_gathered = max(self.most_gathered, self._gathered)
            this_round = self._round
            if self._gathered >= k:
                self._round += 1
                self._gathered = 0
                self._changed.notify_all()
                return True
            while self._round == this_round:
                if stop.is_set() or gone():
                    self._gathered -= 1
                    return False
                self._changed.wait(0.05)
            return True


def _client_gone(handler: _Handler, wait: float) -> bool:
    """True once the client has closed its end of the connection (waits up to `wait` s)."""
    connection: socket.socket = handler.connection  # typeshed has Any: a TCP server's is a socket
    readable, _, _ = select.select([connection], [], [], wait)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _hang(handler: _Handler) -> None:
    owner = handler.server.owner
    hung_up = False
    while not owner.stop.is_set():
        if _client_gone(handler, 0.05):
            hung_up = True
            break
    owner.watch.ended(Ending("/hang", 0, hung_up))
    handler.close_connection = True
    raise _Hangup


def _drip(handler: _Handler) -> None:
    owner = handler.server.owner
    body = RSS_SAMPLE.encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    sent, hung_up = 0, False
    while sent < len(body) and not owner.stop.is_set():
        try:
            handler.wfile.write(body[sent : sent + 1])
            handler.wfile.flush()
        except OSError:
            hung_up = not owner.stop.is_set()  # not the server itself shutting down
            break
        sent += 1
        if _client_gone(handler, DRIP_INTERVAL):
            hung_up = True
            break
    owner.watch.ended(Ending("/drip", sent, hung_up))
    if sent < len(body):
        handler.close_connection = True
        raise _Hangup


def _endless(handler: _Handler) -> None:
    owner = handler.server.owner
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>'
    item = b"<item><title>again</title><description>" + b"x" * 900 + b"</description></item>"
    block = item * 64  # ~64 KB
    sent, hung_up = 0, False
    try:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
        sent += len(head)
        while sent < ENDLESS_LIMIT and not owner.stop.is_set():
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
    except OSError:
        hung_up = not owner.stop.is_set()  # not the server itself shutting down
    owner.watch.ended(Ending("/endless", sent, hung_up))
    handler.close_connection = True
    raise _Hangup


def _gather(handler: _Handler) -> None:
    query = parse_qs(handler.path.partition("?")[2])
    owner = handler.server.owner
    k = int(query.get("k", ["2"])[0])
    if not owner.watch.gather(k, owner.stop, lambda: _client_gone(handler, 0)):
        handler.close_connection = True
        raise _Hangup
    handler._send(200, RSS_SAMPLE.encode())


_ROUTES.update({"/hang": _hang, "/drip": _drip, "/endless": _endless, "/gather": _gather})
