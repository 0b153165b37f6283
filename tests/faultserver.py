"""A misbehaving HTTP server on 127.0.0.1 for robustness tests.

Where tests/httpserver.py plays a well-behaved server, this one breaks the protocol on
purpose: it answers from raw asyncio streams, so a route can reset the TCP connection
mid-body, send chunk sizes that are not hex, promise more bytes than it sends, drip one byte
at a time forever or announce a 2 GB body. Nothing here talks to anything but loopback.

    with FaultServer() as server:
        server.route("/reset", reset_mid_body(FEED))
        server.route("/drip", slow_drip(0.2))
        url = server.url("/reset")
        ...
        server.hits("/reset")  # how many requests that path got

A handler is `async def handler(request, writer)`; it writes whatever bytes it likes and may
leave the connection open (the server closes it after the handler returns, unless the
handler aborted it already).
"""

from __future__ import annotations

import asyncio
import functools
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "FaultServer",
    "FaultRequest",
    "bad_chunked",
    "changing_feed",
    "closed_port_url",
    "gzip_bomb",
    "huge_length",
    "invalid_gzip",
    "redirect",
    "reset_mid_body",
    "respond",
    "short_body",
    "slow_drip",
]


@dataclass(frozen=True)
class FaultRequest:
    method: str
    path: str  # without the query
    target: str  # as sent
    headers: dict[str, str]
    count: int  # this is the count-th request to `path` (1-based)


Handler = Callable[[FaultRequest, asyncio.StreamWriter], Awaitable[None]]


def _head(status: int, headers: dict[str, str] | list[tuple[str, str]]) -> bytes:
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 429: "Too Many Requests"}
    items = headers.items() if isinstance(headers, dict) else headers
    lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in items]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _abort_with_reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), not a polite FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# ---------------------------------------------------------------- handlers


def respond(
    body: bytes = b"", status: int = 200, content_type: str = "application/rss+xml", **headers: str
) -> Handler:
    """A correct response (the control case, and 429/HTML/empty bodies)."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": content_type, "Content-Length": str(len(body))}
        head.update({k.replace("_", "-"): v for k, v in headers.items()})
        head["Connection"] = "close"
        writer.write(_head(status, head) + body)
        await writer.drain()

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Location": location, "Content-Length": "0", "Connection": "close"}
        writer.write(_head(status, head))
        await writer.drain()

    return handler


def reset_mid_body(body: bytes) -> Handler:
    """Announce the whole body, send half of it, then reset the connection."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))}
        writer.write(_head(200, head) + body[: len(body) // 2])
        await writer.drain()
        await asyncio.sleep(0.05)
        _abort_with_reset(writer)

    return handler


def bad_chunked() -> Handler:
    """Transfer-Encoding: chunked with a chunk size that is not a hex number."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"}
        writer.write(_head(200, head) + b"5\r\n<rss \r\nzz-not-hex\r\nversion\r\n0\r\n\r\n")
        await writer.drain()

    return handler


def short_body(body: bytes, missing: int = 1000) -> Handler:
    """Content-Length promises `missing` more bytes than are sent before the close."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/rss+xml", "Content-Length": str(len(body) + missing)}
        writer.write(_head(200, head) + body)
        await writer.drain()

    return handler


def invalid_gzip() -> Handler:
    """Content-Encoding: gzip over bytes that are not gzip."""
    body = b"\x1f\x8b\x08\x00 this is not deflate data at all " * 20

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {
            "Content-Type": "application/rss+xml",
            "Content-Encoding": "gzip",
            "Content-Length": str(len(body)),
            "Connection": "close",
        }
        writer.write(_head(200, head) + body)
        await writer.drain()

    return handler


def gzip_bomb(decompressed_bytes: int = 1 << 30) -> Handler:
    """`decompressed_bytes` of zeros, gzip-compressed (1 GB -> about 4.5 MB on the wire)."""
    compressed = gzip_zeros(decompressed_bytes)

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {
            "Content-Type": "application/rss+xml",
            "Content-Encoding": "gzip",
            "Content-Length": str(len(compressed)),
            "Connection": "close",
        }
        writer.write(_head(200, head))
        for start in range(0, len(compressed), 65536):
            writer.write(compressed[start : start + 65536])
            await writer.drain()

    return handler


@functools.lru_cache(maxsize=4)
def gzip_zeros(size: int) -> bytes:
    """gzip of `size` zero bytes, built without ever holding them in memory (level 1: about
    2.5 s and 4.5 MB for 1 GB; cached, since a module may want it twice)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip container
    block = bytes(1 << 20)
    parts = []
    for _ in range(size // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(bytes(size % len(block))))
    parts.append(compressor.flush())
    return b"".join(parts)


def slow_drip(
    interval: float = 0.2, prefix: bytes = b'<?xml version="1.0"?>\n<rss version="2.0">'
) -> Handler:
    """Headers at once, then one byte every `interval` seconds, never finishing."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"}
        writer.write(_head(200, head) + b"%x\r\n%s\r\n" % (len(prefix), prefix))
        await writer.drain()
        while True:
            await asyncio.sleep(interval)
            writer.write(b"1\r\n \r\n")
            await writer.drain()

    return handler


def huge_length(length: int = 2 * 1024**3, interval: float = 0.2) -> Handler:
    """Announce `length` bytes (2 GB), then send them slowly."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/rss+xml", "Content-Length": str(length)}
        writer.write(_head(200, head) + b'<?xml version="1.0"?><rss version="2.0">')
        await writer.drain()
        while True:
            await asyncio.sleep(interval)
            writer.write(b" " * 1024)
            await writer.drain()

    return handler


def changing_feed(make_body: Callable[[int], bytes]) -> Handler:
    """A different body on every request: make_body(n) for the n-th request."""

    async def handler(request: FaultRequest, writer: asyncio.StreamWriter) -> None:
        await respond(make_body(request.count))(request, writer)

    return handler


def closed_port_url(path: str = "/feed.xml") -> str:
    """A URL on a loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# ---------------------------------------------------------------- the server


class FaultServer:
    """An asyncio server on its own thread; routes map a path to a handler."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faultserver", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    # -------------------------------------------------------- lifecycle

    def start(self) -> FaultServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault server did not start")
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -------------------------------------------------------- routes

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        with self._lock:
            self._routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self._hits.clear()

    # -------------------------------------------------------- connections

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            path = urlsplit(target).path
            with self._lock:
                self._hits[path] += 1
                count = self._hits[path]
                handler = self._routes.get(path)
            request = FaultRequest(method, path, target, headers, count)
            if handler is None:
                await respond(b"no such route", status=404, content_type="text/plain")(
                    request, writer
                )
            else:
                await handler(request, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError, ValueError):
            pass
        finally:
            self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.close()
