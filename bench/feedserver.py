"""Loopback feed server for the benchmark, run as its own process.

    python bench/feedserver.py --hosts 25 --feeds 100 --items 50 --latency 0.15,0.25

Binds the same port on 127.0.0.2 .. 127.0.0.(1+hosts) (Linux routes all of 127/8 to lo, so
per-host connection limits in clients behave as across the internet) and serves:

- ``/feed/N.xml``: generated RSS 2.0, feed N lives on host 2 + N // per_host;
- ``/big/N.xml``: the same feeds with every item's body padded to ``--big-item-bytes``
  (served only when that is set; real feeds average 225 KB);
- ``/corpus/NAME``: a file of ``--corpus DIR`` verbatim;
- ``/__stats`` (GET, no latency): JSON counters since the last ``/__reset``;
- ``/__reset`` zeroes the counters; ``/__reset?draws=1`` also restarts every path's latency
  sequence, so each program measured gets the same draws (the bench does it per program).

Every feed answer sleeps a latency drawn uniformly from ``--latency LO,HI``; the draw is
seeded by (seed, path, n-th request of that path since the last draws reset), so runs repeat
whatever the ordering. The delay is sent back in an ``X-Bench-Delay`` header.
Conditional GET is implemented (ETag/If-None-Match, Last-Modified/If-Modified-Since) and
gzip is used when asked for, so "bytes downloaded" is what a real server would send.
The process exits by itself after ``--lifetime`` seconds or when its parent goes away.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import sys
import threading
import time
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import EPOCH, rss_xml  # noqa: E402


class Doc:
    __slots__ = ("body", "gz", "etag", "last_modified", "ctype")

    def __init__(self, body: bytes, ctype: str) -> None:
        self.body = body
        self.gz = gzip.compress(body, 6)
        self.etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        self.last_modified = EPOCH
        self.ctype = ctype


class State:
    def __init__(self, args: argparse.Namespace) -> None:
        self.docs: dict[str, Doc] = {}
        self.lo, self.hi = args.latency
        self.seed = args.seed
        self.lock = threading.Lock()
        self.nth: dict[str, int] = {}
        self.big_bytes = 0
        self.reset()
        for n in range(args.feeds):
            self.docs[f"/feed/{n}.xml"] = Doc(
                rss_xml(n, args.items, args.seed), "application/rss+xml; charset=utf-8"
            )
        for n in range(args.feeds if args.big_item_bytes else 0):
            self.docs[f"/big/{n}.xml"] = Doc(
                rss_xml(n, args.items, args.seed, args.big_item_bytes),
                "application/rss+xml; charset=utf-8",
            )
        self.big_bytes = sum(len(d.body) for k, d in self.docs.items() if k.startswith("/big/"))
        self.reset()
        if args.corpus:
            for p in sorted(Path(args.corpus).glob("*.xml")):
                self.docs[f"/corpus/{p.name}"] = Doc(p.read_bytes(), "application/xml")

    def reset(self, draws: bool = False) -> None:
        with self.lock:
            if draws:
                self.nth = {}
            self.stats = {
                "requests": 0,
                "status": {},
                "bytes": 0,
                "conditional": 0,
                "gzip": 0,
                "hosts": {},
                "max_concurrent": 0,
                "big_feed_bytes": self.big_bytes,
            }
            self.active = 0

    def delay(self, path: str) -> float:
        if self.hi <= 0:
            return 0.0
        with self.lock:
            n = self.nth[path] = self.nth.get(path, 0) + 1
        return random.Random(f"{self.seed}:{path}:{n}").uniform(self.lo, self.hi)

    def record(self, host: str, status: int, nbytes: int, cond: bool, gz: bool) -> None:
        with self.lock:
            s = self.stats
            s["requests"] += 1
            s["status"][str(status)] = s["status"].get(str(status), 0) + 1
            s["bytes"] += nbytes
            s["conditional"] += cond
            s["gzip"] += gz
            s["hosts"][host] = s["hosts"].get(host, 0) + 1


STATE: State


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BylineBench/1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> int:
        self.send_response(status)
        self.send_header("X-Bench-Delay", f"{getattr(self, '_delay', 0.0):.6f}")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        return len(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        path, _, query = self.path.partition("?")
        self._delay = 0.0
        if path == "/__stats":
            with STATE.lock:
                body = json.dumps(STATE.stats).encode()
            self._send(200, body, {"Content-Type": "application/json"})
            return
        if path == "/__reset":
            STATE.reset(draws="draws=1" in query)
            self._send(200, b"{}", {"Content-Type": "application/json"})
            return
        with STATE.lock:
            STATE.active += 1
            STATE.stats["max_concurrent"] = max(STATE.stats["max_concurrent"], STATE.active)
        try:
            self._answer(path)
        finally:
            with STATE.lock:
                STATE.active -= 1

    def _answer(self, path: str) -> None:
        doc = STATE.docs.get(path)
        delay = STATE.delay(path) if path.startswith(("/feed/", "/big/")) else 0.0
        time.sleep(delay)
        self._delay = delay
        host = self.server.server_address[0]
        # Each answer is counted before it is sent: a client that has its answer can ask
        # /__stats at once and must find it counted.
        if doc is None:
            STATE.record(host, 404, 10, False, False)
            self._send(404, b"not found\n", {"Content-Type": "text/plain"})
            return
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        cond = bool(inm or ims)
        fresh = False
        if inm is not None:
            fresh = doc.etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
            fresh = fresh or inm.strip() == "*"
        elif ims is not None:
            try:
                fresh = parsedate_to_datetime(ims) >= doc.last_modified
            except (TypeError, ValueError):
                fresh = False
        validators = {
            "ETag": doc.etag,
            "Last-Modified": format_datetime(doc.last_modified, usegmt=True),
            "Cache-Control": "max-age=0",
        }
        if fresh:
            STATE.record(host, 304, 0, cond, False)
            self._send(304, b"", validators)
            return
        gz = "gzip" in (self.headers.get("Accept-Encoding") or "")
        headers = {"Content-Type": doc.ctype, "Vary": "Accept-Encoding", **validators}
        if gz:
            headers["Content-Encoding"] = "gzip"
        body = doc.gz if gz else doc.body
        STATE.record(host, 200, len(body), cond, gz)
        self._send(200, body, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client killed mid-answer (the app's session closed by the bench) is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=25)
    ap.add_argument("--feeds", type=int, default=100)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument(
        "--latency",
        type=lambda s: tuple(float(x) for x in s.split(",")),
        default=(0.15, 0.25),
        help="LO,HI seconds, uniform per response",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big-item-bytes", type=int, default=0, help="serve /big/N.xml too")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--lifetime", type=float, default=1800.0)
    args = ap.parse_args(argv)

    global STATE
    STATE = State(args)
    port = args.port
    servers = []
    for h in range(args.hosts):
        srv = Server((f"127.0.0.{2 + h}", port), Handler)
        port = srv.server_address[1]  # the first bind picks the port, the others reuse it
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(json.dumps({"port": port, "hosts": args.hosts, "docs": len(STATE.docs)}), flush=True)

    parent = os.getppid()
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


class FeedServer:
    """Client-side handle: starts the server process and talks to it over loopback."""

    def __init__(
        self,
        hosts: int = 25,
        feeds: int = 100,
        items: int = 50,
        latency: tuple[float, float] = (0.15, 0.25),
        corpus: Path | None = None,
        seed: int = 1,
        lifetime: float = 1800.0,
        big_item_bytes: int = 0,
    ) -> None:
        import subprocess

        self.hosts, self.feeds = hosts, feeds
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            f"--hosts={hosts}",
            f"--feeds={feeds}",
            f"--items={items}",
            f"--latency={latency[0]},{latency[1]}",
            f"--seed={seed}",
            f"--lifetime={lifetime}",
            f"--big-item-bytes={big_item_bytes}",
        ]
        if corpus:
            cmd.append(f"--corpus={corpus}")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError("feed server did not start")
        self.port = json.loads(line)["port"]
        self.corpus_files = sorted(p.name for p in Path(corpus).glob("*.xml")) if corpus else []

    def host(self, i: int) -> str:
        return f"127.0.0.{2 + i % self.hosts}"

    def feed_urls(self, per_host: int = 4, kind: str = "feed") -> list[str]:
        """URLs of the generated feeds; kind "big" for the padded ones (--big-item-bytes)."""
        return [
            f"http://{self.host(n // per_host)}:{self.port}/{kind}/{n}.xml"
            for n in range(self.feeds)
        ]

    def corpus_urls(self) -> list[str]:
        return [
            f"http://{self.host(i)}:{self.port}/corpus/{name}"
            for i, name in enumerate(self.corpus_files)
        ]

    def _get(self, path: str) -> dict:
        import urllib.request

        url = f"http://127.0.0.2:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback only
            return json.loads(r.read())

    def stats(self) -> dict:
        return self._get("/__stats")

    def reset(self, draws: bool = False) -> None:
        """Zero the counters; with `draws`, every path's latency sequence starts again."""
        self._get("/__reset?draws=1" if draws else "/__reset")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except Exception:
            self.proc.kill()

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    main()
