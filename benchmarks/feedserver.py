#!/usr/bin/env python3
"""Loopback-only HTTP/1.1 feed server with fault injection, for benchmarks.

Standard library only; part of trailtui's benchmarks/ (see benchmarks/README.md).

Serves DIR/feeds/* with Content-Type, a strong ETag, Last-Modified,
304 answers to If-None-Match / If-Modified-Since and gzip when asked for.
Fault routes live under /fault/ (see FAULTS below and README.md).

Every feed is read and gzipped before the server reports ready: the first
line on stdout is then "PORT <n>", so callers can pass --port 0.
On SIGTERM/SIGINT, or after --max-seconds, the request counters are written
as JSON to --stats FILE (stderr when not given) and the server exits.
GET /_stats returns the same counters while running; GET /_preload re-reads
and gzips every changed feed (after make_corpus.py --relink, say).  Neither
is counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import select
import signal
import struct
import sys
import threading
import time
import zlib
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

BIND_ADDRESS = "127.0.0.1"
TIMEOUT_HOLD_S = 60  # /fault/timeout closes the connection after this long
BINARY_BYTES = 64 * 1024
CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}
RSS_TYPE = CONTENT_TYPES[".rss"]
FAULTS = {
    "404": "404 Not Found",
    "410": "410 Gone",
    "500": "500 Internal Server Error",
    "503": "503 with Retry-After as an HTTP-date two minutes ahead",
    "429": "429 with Retry-After: 30 (seconds)",
    "timeout": f"reads the request, never answers; closes after {TIMEOUT_HOLD_S} s",
    "slow": "200 with a small valid RSS body sent one byte per second",
    "huge": "200, chunked, valid-looking RSS of --huge-mb MB (default 200)",
    "gzipbomb": "~1 MB gzip body that inflates to --bomb-mb MB (default 1024)",
    "redirect-loop": "302 to /fault/redirect-loop/b, which 302s back, forever",
    "redirect-301": "301 to the first feed in DIR/feeds",
    "redirect-302": "302 to the first feed in DIR/feeds",
    "malformed": "the first feed cut off in the middle",
    "not-a-feed": "an HTML page whose <link rel=alternate> tags point at real feeds",
    "wrong-encoding": "declares utf-8 (header and XML) but the body is latin-1",
    "billion-laughs": "nested XML entities that expand to ~3 GB",
    "xxe": "external entity referencing file:///etc/passwd",
    "empty": "200 with an empty body",
    "binary": f"200 with {BINARY_BYTES // 1024} KiB of random bytes labelled as RSS",
}
STOP = threading.Event()  # set on shutdown; streaming handlers watch it


# ------------------------------------------------------------------ bodies


def tiny_rss(title: str, items: list[str], encoding: str = "utf-8") -> str:
    """A small RSS 2.0 document (used by several fault routes)."""
    parts = "".join(
        f'<item><title>{t}</title><guid isPermaLink="false">{title}-{i}</guid>'
        f"<description>{t}</description></item>"
        for i, t in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://{BIND_ADDRESS}/</link>"
        f"<description>{title}</description>{parts}</channel></rss>\n"
    )


def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n'
        + "\n".join(ents)
        + '\n]>\n<rss version="2.0"><channel><title>Billion laughs</title>'
        "<link>http://127.0.0.1/</link><description>entity expansion</description>"
        "<item><title>&lol9;</title><guid>laughs-1</guid></item></channel></rss>\n"
    )
    return doc.encode()


def xxe() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
        b'<rss version="2.0"><channel><title>XXE probe</title>'
        b"<link>http://127.0.0.1/</link><description>external entity</description>"
        b"<item><title>Leak: &xxe;</title><guid>xxe-1</guid>"
        b"<description>&xxe;</description></item></channel></rss>\n"
    )


def gzip_bomb(megabytes: int) -> bytes:
    """A gzip stream of an RSS document padded with `megabytes` MiB of spaces.
    One fully flushed deflate block of 1 MiB of spaces is repeated, so building
    it costs well under a second and the result is about 1 KB per MiB."""
    head = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>gzip bomb</title><description>"
    )
    tail = b"</description></channel></rss>"
    block = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, we add the gzip frame
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    middle = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(tail) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * len(block) + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, mtime 0
    return header + first + middle * megabytes + last + struct.pack("<II", crc, size & 0xFFFFFFFF)


def png_1x1() -> bytes:
    """A valid one-pixel grey PNG, served for every /img/ path."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xcc\xcc\xcc"))
        + chunk(b"IEND", b"")
    )


# ------------------------------------------------------------------ state


class Stats:
    """Thread-safe request counters."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = time.time()
        self.requests = 0
        self.by_status: dict[str, int] = {}
        self.by_path: dict[str, dict[str, int]] = {}
        self.bytes_sent = 0
        self.gzip_responses = 0
        self.aborted = 0

    def record(self, path: str, status: int | str) -> None:
        key = str(status)
        with self.lock:
            self.requests += 1
            self.by_status[key] = self.by_status.get(key, 0) + 1
            per = self.by_path.setdefault(path, {})
            per[key] = per.get(key, 0) + 1

    def add(self, sent: int = 0, gzip: int = 0, aborted: int = 0) -> None:
        with self.lock:
            self.bytes_sent += sent
            self.gzip_responses += gzip
            self.aborted += aborted

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "requests": self.requests,
                "by_status": dict(sorted(self.by_status.items())),
                "gzip_responses": self.gzip_responses,
                "bytes_sent": self.bytes_sent,
                "aborted": self.aborted,
                "uptime_s": round(time.time() - self.started, 3),
                "by_path": {p: dict(c) for p, c in sorted(self.by_path.items())},
            }


class FeedFile:
    """One file of DIR/feeds with its validators and a lazily gzipped copy."""

    def __init__(self, path: Path) -> None:
        st = path.stat()
        self.key = (st.st_mtime_ns, st.st_size)
        self.body = path.read_bytes()
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
        self.mtime = int(st.st_mtime)
        self.last_modified = formatdate(self.mtime, usegmt=True)
        self.ctype = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        self._gz: bytes | None = None

    @property
    def gz(self) -> bytes:
        if self._gz is None:
            comp = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing, mtime 0
            self._gz = comp.compress(self.body) + comp.flush()
        return self._gz


class Corpus:
    """Reads DIR/feeds on demand and re-reads a file when it changes on disk."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "feeds"
        self.lock = threading.Lock()
        self.cache: dict[str, FeedFile] = {}

    def get(self, name: str) -> FeedFile | None:
        if "/" in name or name.startswith("."):
            return None
        path = self.dir / name
        try:
            st = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        with self.lock:
            item = self.cache.get(name)
            if item is None or item.key != (st.st_mtime_ns, st.st_size):
                item = self.cache[name] = FeedFile(path)
            return item

    def names(self) -> list[str]:
        try:
            return sorted(p.name for p in self.dir.iterdir() if p.is_file())
        except OSError:
            return []

    def first(self, suffix: str = "") -> str | None:
        return next((n for n in self.names() if n.endswith(suffix)), None)

    def preload(self) -> tuple[int, int]:
        """Read and gzip every feed now, so no client pays for it while timed."""
        count = size = 0
        for name in self.names():
            if (item := self.get(name)) is not None:
                count, size = count + 1, size + len(item.body) + len(item.gz)
        return count, size


# ------------------------------------------------------------------ handler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedserver/1"
    timeout = 65  # idle keep-alive connections and stalled writes give up after this
    # Set by make_server():
    corpus: Corpus
    stats: Stats
    opts: argparse.Namespace
    rng = random.Random()
    _bomb: bytes | None = None
    _bomb_lock = threading.Lock()
    _png = png_1x1()

    # -- plumbing
    def log_message(self, fmt: str, *args) -> None:  # quiet unless --log
        if self.opts.log:
            super().log_message(fmt, *args)

    def origin(self) -> str:
        return f"http://{BIND_ADDRESS}:{self.server.server_address[1]}"

    def send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send a complete response with Content-Length and count it."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.stats.record(self.route, status)
        if self.command != "HEAD" and body:
            self.wfile.write(body)
            self.stats.add(sent=len(body))

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.route = unquote(urlsplit(self.path).path)
        if self.route in ("/_stats", "/_preload"):  # control endpoints, not counted
            if self.route == "/_preload":
                t0 = time.monotonic()
                count, size = self.corpus.preload()
                data = {"feeds": count, "bytes": size, "seconds": round(time.monotonic() - t0, 3)}
            else:
                data = self.stats.snapshot()
            body = json.dumps(data, indent=1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.delay()
        try:
            if self.route in ("/", "/fault", "/fault/"):
                self.index(faults_only=self.route != "/")
            elif self.route.startswith("/feeds/"):
                self.serve_feed(self.route[len("/feeds/") :])
            elif self.route.startswith("/fault/"):
                name = self.route[len("/fault/") :].replace("/", "-")  # redirect-loop/b
                if name in FAULTS or name == "redirect-loop-b":
                    getattr(self, "fault_" + name.replace("-", "_"))()
                else:
                    self.index(faults_only=True, status=404)
            elif self.route.startswith("/img/"):
                self.send(200, self._png, "image/png", {"Cache-Control": "max-age=86400"})
            elif self.route.startswith("/posts/"):
                self.send(
                    200,
                    b"<!doctype html><title>post</title><p>Article page.</p>",
                    "text/html; charset=utf-8",
                )
            else:
                self.send(404, b"not found\n")
        except (ConnectionError, TimeoutError):  # the client hung up or stalled
            self.stats.add(aborted=1)
            self.close_connection = True

    def delay(self) -> None:
        ms = self.opts.latency_ms
        if self.opts.jitter_ms:
            ms += self.rng.uniform(-self.opts.jitter_ms, self.opts.jitter_ms)
        if ms > 0:
            time.sleep(ms / 1000)

    def index(self, faults_only: bool = False, status: int = 200) -> None:
        lines = [] if faults_only else [f"feeds: {len(self.corpus.names())} under /feeds/", ""]
        lines += [f"/fault/{name:<15} {text}" for name, text in FAULTS.items()]
        self.send(status, ("\n".join(lines) + "\n").encode())

    # -- real feeds
    def wants_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            token, _, params = part.strip().partition(";")
            if token.strip().lower() in ("gzip", "x-gzip"):
                q = params.strip().lower()
                try:
                    return not (q.startswith("q=") and float(q[2:]) == 0)
                except ValueError:
                    return True
        return False

    def not_modified(self, f: FeedFile) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110)
            ours = f.etag.strip('"')
            for tag in inm.split(","):
                tag = tag.strip().removeprefix("W/").strip('"').removesuffix("-gzip")
                if tag == "*" or tag == ours:
                    return True
            return False
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return f.mtime <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
        return False

    def serve_feed(self, name: str) -> None:
        f = self.corpus.get(name)
        if f is None:
            self.send(404, b"no such feed\n")
            return
        gz = self.wants_gzip()
        etag = f.etag[:-1] + '-gzip"' if gz else f.etag  # each representation its own tag
        headers = {
            "ETag": etag,
            "Last-Modified": f.last_modified,
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if self.not_modified(f):
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.stats.record(self.route, 304)
            return
        if gz:
            headers["Content-Encoding"] = "gzip"
            self.stats.add(gzip=1)
        self.send(200, f.gz if gz else f.body, f.ctype, headers)

    # -- fault routes (one method per FAULTS key)
    def error_page(self, code: int, headers: dict[str, str] | None = None) -> None:
        phrase = HTTPStatus(code).phrase
        body = f"<html><body><h1>{code} {phrase}</h1></body></html>\n".encode()
        self.send(code, body, "text/html; charset=utf-8", headers)

    def fault_404(self) -> None:
        self.error_page(404)

    def fault_410(self) -> None:
        self.error_page(410)

    def fault_500(self) -> None:
        self.error_page(500)

    def fault_503(self) -> None:
        self.error_page(503, {"Retry-After": formatdate(time.time() + 120, usegmt=True)})

    def fault_429(self) -> None:
        self.error_page(429, {"Retry-After": "30"})

    def fault_timeout(self) -> None:
        """Never answer; wait for the client to hang up, at most TIMEOUT_HOLD_S."""
        self.stats.record(self.route, "no-response")
        self.close_connection = True
        deadline = time.monotonic() + TIMEOUT_HOLD_S
        while time.monotonic() < deadline and not STOP.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.5)
            if readable:
                try:
                    if not self.connection.recv(4096):
                        return  # client gave up
                except OSError:
                    return

    def fault_slow(self) -> None:
        """Headers at once, then one byte per second of a small valid feed."""
        body = tiny_rss("Slow feed", ["Worth the wait"]).encode()
        self.send_response(200)
        self.send_header("Content-Type", RSS_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.stats.record(self.route, 200)
        self.close_connection = True
        if self.command == "HEAD":
            return
        for i in range(len(body)):
            if STOP.wait(1.0 if i else 0):
                return
            self.wfile.write(body[i : i + 1])
            self.stats.add(sent=1)

    def fault_huge(self) -> None:
        """Stream --huge-mb MB of RSS using chunked transfer coding."""
        total = self.opts.huge_mb * 1_000_000
        head = (
            b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            b"<title>Huge feed</title><link>http://127.0.0.1/</link>"
            b"<description>never ending</description>\n"
        )
        tail = b"</channel></rss>\n"
        item = (
            "<item><title>Item @@@@@@@@-{k}</title><guid>huge-@@@@@@@@-{k}</guid>"
            "<description>" + "lorem ipsum dolor sit amet " * 20 + "</description></item>\n"
        )
        block = "".join(item.format(k=k) for k in range(100)).encode()
        chunked = self.request_version == "HTTP/1.1"
        self.send_response(200)
        self.send_header("Content-Type", RSS_TYPE)
        self.send_header(
            "Transfer-Encoding" if chunked else "Connection", "chunked" if chunked else "close"
        )
        self.end_headers()
        self.stats.record(self.route, 200)
        self.close_connection = True
        if self.command == "HEAD":
            return

        def emit(data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            self.stats.add(sent=len(data))

        emit(head)
        sent, n = len(head), 0
        while sent + len(block) + len(tail) <= total and not STOP.is_set():
            emit(block.replace(b"@@@@@@@@", b"%08d" % n))
            sent += len(block)
            n += 1
        emit(tail)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def fault_gzipbomb(self) -> None:
        with self._bomb_lock:
            if Handler._bomb is None:
                Handler._bomb = gzip_bomb(self.opts.bomb_mb)
        self.send(200, Handler._bomb, RSS_TYPE, {"Content-Encoding": "gzip"})

    def redirect(self, code: int, target: str) -> None:
        body = f'<html><body><a href="{target}">moved</a></body></html>\n'.encode()
        self.send(code, body, "text/html; charset=utf-8", {"Location": target})

    def fault_redirect_loop(self) -> None:
        self.redirect(302, self.origin() + "/fault/redirect-loop/b")

    def fault_redirect_loop_b(self) -> None:
        self.redirect(302, self.origin() + "/fault/redirect-loop")

    def first_feed_or_404(self) -> str | None:
        name = self.corpus.first()
        if name is None:
            self.send(404, b"DIR/feeds is empty\n")
        return name

    def fault_redirect_301(self) -> None:
        if name := self.first_feed_or_404():
            self.redirect(301, f"{self.origin()}/feeds/{name}")

    def fault_redirect_302(self) -> None:
        if name := self.first_feed_or_404():
            self.redirect(302, f"{self.origin()}/feeds/{name}")

    def fault_malformed(self) -> None:
        name = self.corpus.first()
        f = self.corpus.get(name) if name else None
        body = f.body if f else tiny_rss("Malformed", ["one", "two", "three"]).encode()
        limit = len(body) * 6 // 10
        at = max(body.rfind(b"<item", 0, limit), body.rfind(b"<entry", 0, limit))
        cut = (at if at > 0 else max(0, body.rfind(b"<", 0, limit))) + 3  # stop inside a tag
        self.send(200, body[:cut], f.ctype if f else RSS_TYPE)

    def fault_not_a_feed(self) -> None:
        rss, atom = self.corpus.first(".rss") or self.corpus.first(), self.corpus.first(".atom")
        links = []
        if rss:
            links.append(
                '<link rel="alternate" type="application/rss+xml" title="RSS" '
                f'href="{self.origin()}/feeds/{rss}">'
            )
        if atom:  # relative href: the client must resolve it against the page URL
            links.append(
                f'<link rel="alternate" type="application/atom+xml" title="Atom" '
                f'href="/feeds/{atom}">'
            )
        page = (
            '<!doctype html>\n<html><head><meta charset="utf-8"><title>A blog</title>\n'
            + "\n".join(links)
            + "\n</head><body><h1>A blog</h1>"
            "<p>This is a web page, not a feed.</p></body></html>\n"
        )
        self.send(200, page.encode(), "text/html; charset=utf-8")

    def fault_wrong_encoding(self) -> None:
        doc = tiny_rss("Café crème", ["Über naïve Größe", "Año nuevo, señor", "Ça va très bien"])
        self.send(200, doc.encode("latin-1"), RSS_TYPE)

    def fault_billion_laughs(self) -> None:
        self.send(200, billion_laughs(), RSS_TYPE)

    def fault_xxe(self) -> None:
        self.send(200, xxe(), RSS_TYPE)

    def fault_empty(self) -> None:
        self.send(200, b"", RSS_TYPE)

    def fault_binary(self) -> None:
        self.send(200, random.Random(7).randbytes(BINARY_BYTES), RSS_TYPE)


# ------------------------------------------------------------------ main


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default of 5 drops connections under parallel load


def make_server(opts: argparse.Namespace) -> Server:
    handler = type(
        "BoundHandler",
        (Handler,),
        {
            "corpus": Corpus(opts.dir),
            "stats": Stats(),
            "opts": opts,
            "rng": random.Random(opts.seed),
        },
    )
    return Server((BIND_ADDRESS, opts.port), handler)


def write_stats(server: Server, path: Path | None, reason: str) -> None:
    data = server.RequestHandlerClass.stats.snapshot()
    data.update(port=server.server_address[1], stopped_by=reason)
    text = json.dumps(data, indent=1) + "\n"
    if path is None:
        sys.stderr.write(text)
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Loopback-only feed server with fault routes.",
        epilog="See benchmarks/README.md for the fault-route table.",
    )
    ap.add_argument("--dir", required=True, type=Path, help="corpus directory (serves DIR/feeds/*)")
    ap.add_argument("--port", type=int, default=0, help="TCP port, 0 = any free port (default)")
    ap.add_argument(
        "--host", default=BIND_ADDRESS, help="must be 127.0.0.1; anything else is refused"
    )
    ap.add_argument("--latency-ms", type=float, default=0.0, help="delay before every response")
    ap.add_argument(
        "--jitter-ms", type=float, default=0.0, help="add a uniform random -J..+J ms to the latency"
    )
    ap.add_argument("--seed", type=int, default=1, help="seed for the jitter (default 1)")
    ap.add_argument("--stats", type=Path, help="write request counts as JSON here on exit")
    ap.add_argument(
        "--max-seconds",
        type=float,
        default=900.0,
        help="exit by itself after this long (default 900)",
    )
    ap.add_argument("--huge-mb", type=int, default=200, help="size of /fault/huge (default 200)")
    ap.add_argument(
        "--bomb-mb",
        type=int,
        default=1024,
        help="inflated size of /fault/gzipbomb in MiB (default 1024)",
    )
    ap.add_argument(
        "--no-preload",
        dest="preload",
        action="store_false",
        help="do not read and gzip all feeds before printing the PORT line",
    )
    ap.add_argument("--log", action="store_true", help="log every request to stderr")
    opts = ap.parse_args(argv)
    if opts.host != BIND_ADDRESS:
        ap.error(f"refusing to bind to {opts.host!r}: this server only listens on {BIND_ADDRESS}")
    if not (opts.dir / "feeds").is_dir():
        ap.error(f"{opts.dir / 'feeds'} is not a directory (make one with make_corpus.py)")
    if not opts.max_seconds > 0:
        ap.error("--max-seconds must be positive")
    if opts.latency_ms < 0 or opts.jitter_ms < 0:
        ap.error("--latency-ms and --jitter-ms must not be negative")
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    server = make_server(opts)
    stop = threading.Event()
    reason = ["max-seconds"]

    def on_signal(signum: int, _frame) -> None:
        reason[0] = signal.Signals(signum).name
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if opts.preload:
        t0 = time.monotonic()
        count, size = server.RequestHandlerClass.corpus.preload()
        print(
            f"feedserver: preloaded {count} feeds ({size / 1e6:.1f} MB with gzip copies) "
            f"in {time.monotonic() - t0:.1f} s",
            file=sys.stderr,
        )
    print(f"PORT {server.server_address[1]}", flush=True)
    worker = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
    )
    worker.start()
    stop.wait(opts.max_seconds)
    STOP.set()
    server.shutdown()
    write_stats(server, opts.stats, reason[0])
    server.server_close()
    n = server.RequestHandlerClass.stats.requests
    print(f"feedserver: stopped by {reason[0]} after {n} requests", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
