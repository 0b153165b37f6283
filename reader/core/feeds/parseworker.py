"""Parsing feeds in a second process, beside the downloads and the writes (issue 24).

A refresh is CPU work in one Python process: the event loop's HTTP, the writer thread's SQLite
statements and the parsing all take turns on one GIL, so on a machine with a second core a
refresh of many feeds used half of it. Here a child forked at the start of the refresh parses
each body while the parent downloads the next and stores the last: a two-stage pipeline.

Forked, not started afresh: the child already holds the imported parser (a new interpreter
would spend 0.15 s of CPU importing lxml and feedparser again). It is forked from the thread
that runs the refresh before the refresh starts any thread of its own, and it dies with its
parent (issue 12): the kernel kills it when the parent dies (PR_SET_PDEATHSIG), it exits when
the pipe from the parent closes, and a parent gone before the first line took effect is caught
by comparing the parent's pid.

Both ends are this module, so the pickles are trusted. Any failure of the child (killed, a
crash) turns into a parse in the parent: one broken helper never loses a feed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError

from reader.core.text.records import ParsedEntry, ParsedFeed

_HEADER = struct.Struct("!Q")


def wanted() -> bool:
    """A second process pays only with a second core to run on (and where fork exists)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return hasattr(os, "fork") and cores >= 2 and os.environ.get("BYLINE_PARSE_CHILD") != "0"


class Gone(Exception):
    """The child is not there to parse (killed, crashed): parse in this process instead."""


class ParseWorker:
    """`parse_feed` in a forked child, pipelined: requests go down one pipe as the bodies
    arrive, results come back up the other in the same order and are read by a thread of
    their own, so the child never waits for the parent to take a result before it starts
    the next feed (one feed at a time in turn cost a third of the refresh's wall time)."""

    def __init__(self, pid: int, to_child, from_child) -> None:
        self.pid = pid
        self._to, self._from = to_child, from_child
        # Two locks: `_sending` keeps the order of requests on the pipe the order of
        # `_pending` and is held while a write waits for the child; `_lock` guards only
        # `_pending` and `_broken`, briefly. The results thread never waits for `_sending`:
        # if it did, a child blocked writing a large result would wait for it, and it for a
        # write waiting for that child.
        self._sending = threading.Lock()
        self._lock = threading.Lock()
        self._pending: deque[Future] = deque()
        self._broken = False
        self._results = threading.Thread(
            target=self._read_results, name="byline-parse-results", daemon=True
        )
        self._results.start()

    @classmethod
    def start(cls) -> ParseWorker | None:
        """A running child, or None where there is no use for one or it cannot start."""
        if not wanted():
            return None
        try:
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
        except OSError:
            return None
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid == 0:  # the child: never returns
            os.close(down_w)
            os.close(up_r)
            _child(parent, down_r, up_w)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, os.fdopen(down_w, "wb"), os.fdopen(up_r, "rb"))

    def submit(self, body: bytes, url: str, content_type: str, limit: int) -> Future:
        """Send a feed to the child; the Future gets its ParsedFeed, or `Gone`. Writing may
        wait while the child is busy (the pipe holds 64 KB): call it off the event loop."""
        future: Future = Future()
        with self._sending:
            with self._lock:
                broken = self._broken
                if not broken:
                    self._pending.append(future)
            if not broken:
                try:
                    _send(self._to, (body, url, content_type, limit))
                    return future
                except (OSError, ValueError, pickle.PickleError):
                    pass
        self._break()
        with contextlib.suppress(InvalidStateError):  # _break may have failed it already
            future.set_exception(Gone())
        return future

    def parse(self, body: bytes, url: str, content_type: str, limit: int) -> ParsedFeed:
        """What `parse_feed` returns, waiting for it; parsed here if the child is gone."""
        try:
            return self.submit(body, url, content_type, limit).result()
        except Gone:
            from reader.core.text.parse import parse_feed

            return parse_feed(body, url, content_type, limit)

    def _read_results(self) -> None:
        while True:
            try:
                flat = _receive(self._from)
            except (OSError, EOFError, ValueError, struct.error, pickle.PickleError):
                break
            with self._lock:
                future = self._pending.popleft() if self._pending else None
            if future is None:
                break  # an answer nobody asked for: not our child's protocol
            with contextlib.suppress(InvalidStateError):  # cancelled meanwhile: nobody waits
                future.set_result(_feed(flat))
        self._break()

    def _break(self) -> None:
        """From now on the parent parses: fail what is pending (each caller parses it)."""
        with self._lock:
            self._broken = True
            pending, self._pending = list(self._pending), deque()
        for future in pending:
            with contextlib.suppress(InvalidStateError):
                future.set_exception(Gone())

    def close(self) -> None:
        """End the child (closing its pipe is its signal to exit) and reap it."""
        with self._lock:
            busy = bool(self._pending) or self._sending.locked()
        if busy:  # work nobody waits for any more: a write to the child may be stuck on it
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError, ValueError):
            self._to.close()
        self._results.join(timeout=2.0)  # ends when the child, done, closes its end
        with contextlib.suppress(ChildProcessError, OSError):
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done == 0:  # still busy with a feed nobody waits for any more
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        self._results.join(timeout=2.0)
        with contextlib.suppress(OSError, ValueError):
            self._from.close()
        self._break()


def _send(stream, payload: object) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream) -> object:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - written by this module's own child


def _flat(feed: ParsedFeed) -> tuple:
    """Plain tuples cross the pipe: a frozen dataclass unpickles field by field in Python."""
    entries = [
        (e.uid, e.title, e.author, e.link, e.published, e.updated, e.summary, e.content,
         e.enclosures, e.digest, e.search_body, e.keys)
        for e in feed.entries
    ]  # fmt: skip
    return (feed.title, feed.link, entries, feed.error, feed.warning)


def _feed(flat) -> ParsedFeed:
    title, link, entries, error, warning = flat
    return ParsedFeed(title, link, [ParsedEntry(*e) for e in entries], error, warning)


def _child(parent: int, down: int, up: int) -> None:
    """The child's whole life: parse what comes down the pipe until it closes."""
    status = 0
    try:
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        # Nothing of the parent's to hold: a reader of its stdout (the app reading a
        # background refresh) must see the end when the parent ends.
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        # The parser's imports (lxml, feedparser: ~0.1 s) while the first downloads are on
        # their way, and never in the parent, which only stores what comes back.
        from reader.core.text.parse import parse_feed

        with os.fdopen(down, "rb") as source, os.fdopen(up, "wb") as sink:
            while True:
                try:
                    body, url, content_type, limit = _receive(source)
                except EOFError:
                    break
                _send(sink, _flat(parse_feed(body, url, content_type, limit)))
    except BaseException:  # noqa: BLE001 - the parent parses it itself; nothing to unwind here
        status = 1
    finally:
        os._exit(status)  # never the parent's exit handlers nor its buffered output
