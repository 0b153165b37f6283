"""Shared pieces of the benchmark: deterministic data, statistics, tmux and /proc helpers.

Everything here is stdlib only so that the feed server process can import it cheaply and
so that the bench runs on a machine where Byline is only half built.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"

# A fixed vocabulary keeps titles readable ("real words") and makes search hits predictable:
# with ~400 words and ~80 words per entry a given word is in roughly one entry in six.
_WORDS_TEXT = """
about above account across action activity actually address administration admit adult
affect after again against agency agent agree agreement ahead allow almost alone along
already although always american among amount analysis animal another answer anyone
anything appear apply approach area argue around arrive article artist assume attack
attention attorney audience author authority available avoid away baby back ball bank
base beat beautiful because become before begin behavior behind believe benefit best
better between beyond bill billion black blood blue board body book born both break
bring brother budget build building business call camera campaign cancer candidate
capital card care career carry case catch cause cell center central century certain
chair challenge chance change character charge check child choice church citizen city
civil claim class clear close coach cold collection college color commercial common
community company compare computer concern condition conference congress consider
consumer contain continue control cost could country couple course court cover create
crime cultural culture current customer dark data daughter dead deal death debate
decade decide decision deep defense degree democrat describe design despite detail
determine develop difference different difficult dinner direction director discover
discuss disease doctor door down draw dream drive drop drug during early east easy
economic economy edge education effect effort eight either election else employee
energy enjoy enough enter entire environment especially establish evening event
everybody evidence exactly example executive exist expect experience expert explain
face fact factor fail fall family fast father fear federal feel field fight figure fill
film final finally financial find fine finger finish fire firm first fish five floor
focus follow food foot force foreign forget form former forward free friend front full
fund future game garden general generation girl give glass goal good government great
green ground group grow growth guess hair half hand hang happen happy harbour hard head
health hear heart heat heavy help herself high himself history hold home hope hospital
hotel hour house however huge human hundred husband idea identify image imagine impact
important improve include including increase indeed indicate individual industry
information inside instead institution interest international interview investment
island issue itself join judge keep kitchen knowledge land language large last late
later laugh lawyer leader learn least leave left legal less letter level life light
likely line list listen little live local long look lose loss love machine magazine
main maintain major manage manager market marriage material matter maybe measure media
medical meeting member memory mention message method middle might military million
mind minute miss mission model modern moment money month morning mother mountain mouth
move movement movie music myself name nation national natural nature near nearly
necessary need network never news newspaper next nice night north note nothing notice
number occur offer office officer official often once only open operation opportunity
option order organization other outside owner page pain painting paper parent part
participant particular partner party pass past patient pattern peace people perform
perhaps period person personal phone physical picture piece place plan plant play
player point police policy political politics poor popular population position
positive possible power practice prepare present president pressure pretty prevent
price private probably problem process produce product production professor program
project property protect prove provide public pull purpose push quality question
quickly quite race radio raise range rate rather reach read ready real reality realize
really reason receive recent recently recognize record reduce reflect region relate
remain remember remove report represent require research resource respond response
rest result return reveal rich right rise risk river road rock role room rule safe
same save scene school science scientist score season seat second section security
seek seem sell send senior sense series serious serve service seven several shake
share shoot short shoulder show side sign significant similar simple simply since
sing single sister site situation size skill small smile social society soldier
somebody someone something sometimes song soon sort sound source south southern space
speak special specific speech spend sport spring staff stage stand standard star start
state statement station stay step still stock stop store story strategy street strong
structure student study stuff style subject success successful suddenly suffer suggest
summer support sure surface system table take talk task teach teacher team technology
television tell tend term test thank theory therefore thing think third those though
thought thousand threat three through throughout throw thus today together tonight
total tough toward town trade traditional training travel treat treatment tree trial
trip trouble true truth turn type under understand unit until upon usually value
various very victim view violence visit voice vote wait walk wall want watch water
weapon wear week weight west western whatever wheel whether while white whole whose
wide wife will wind window wish within without woman wonder word work worker world
worry would write writer wrong yard yeah year young yourself
"""
WORDS = _WORDS_TEXT.split()

SPEAKERS = [
    "Maria Lopez",
    "James Okafor",
    "Anna Lindqvist",
    "Rahul Mehta",
    "Sophie Martin",
    "Kenji Tanaka",
    "the mayor",
    "a spokesperson for the ministry",
]

# Titles of the entries the first-screen timer waits for; they are the newest entries.
MARKER_TITLE = "Zebra harbour lanterns glow over quiet city"
SEARCH_WORD = "harbour"
EPOCH = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def sentence(rng: random.Random, lo: int = 8, hi: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 9))]
    return words[0].capitalize() + " " + " ".join(words[1:])


def content_html(rng: random.Random) -> str:
    """One or two paragraphs of HTML with a quotation and its speaker, as news copy has."""
    speaker = rng.choice(SPEAKERS)
    quote = sentence(rng, 6, 12).rstrip(".")
    p1 = " ".join(sentence(rng) for _ in range(rng.randint(2, 3)))
    p1 += f" &ldquo;{escape(quote)},&rdquo; said {escape(speaker)}."
    if rng.random() < 0.5:
        return f"<p>{p1}</p>"
    p2 = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
    return f'<p>{p1}</p>\n<p>{p2} <a href="https://example.org/more">Read more</a></p>'


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    link: str
    published: datetime
    content: str
    author: str


def feed_title(i: int) -> str:
    return f"Bench feed {i:03d}"


def padded(html: str, rng: random.Random, size: int) -> str:
    """`html` with paragraphs of news copy appended until it is at least `size` bytes."""
    parts = [html]
    n = len(html)
    while n < size:
        p = "<p>" + " ".join(sentence(rng) for _ in range(4)) + "</p>"
        parts.append(p)
        n += len(p) + 1
    return "\n".join(parts)


def feed_entries(feed_no: int, count: int, seed: int = 1, item_bytes: int = 0) -> list[Entry]:
    """The items of generated feed `feed_no`, newest first, identical in every process.

    With `item_bytes`, each item's body is padded with more copy to about that size."""
    rng = random.Random(f"{seed}:feed:{feed_no}")
    out = []
    for k in range(count):
        t = MARKER_TITLE if (feed_no == 0 and k == 0) else title(rng)
        body = content_html(rng)
        out.append(
            Entry(
                guid=f"urn:bench:{feed_no}:{k}",
                title=t,
                link=f"https://news.example.org/{feed_no}/{k}",
                published=EPOCH - timedelta(minutes=7 * k + feed_no),
                content=padded(body, rng, item_bytes) if item_bytes else body,
                author=rng.choice(SPEAKERS[:6]),
            )
        )
    return out


def rss_xml(feed_no: int, items: int, seed: int = 1, item_bytes: int = 0) -> bytes:
    """RSS 2.0 document for generated feed `feed_no`."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel>",
        f"<title>{feed_title(feed_no)}</title>",
        f"<link>https://news.example.org/{feed_no}/</link>",
        f"<description>Generated feed {feed_no} for benchmarks</description>",
    ]
    for e in feed_entries(feed_no, items, seed, item_bytes):
        parts.append(
            "<item>"
            f"<title>{escape(e.title)}</title>"
            f"<link>{e.link}</link>"
            f'<guid isPermaLink="false">{e.guid}</guid>'
            f"<pubDate>{format_datetime(e.published)}</pubDate>"
            f"<author>{escape(e.author)}</author>"
            f"<description>{escape(e.content)}</description>"
            "</item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


# Where cache bodies come from: "generated" (~600 B of news copy each) or "corpus" (the real
# entry bodies of ../shared/corpus/feeds, ~5.7 KB on average), set by run.py --bodies.
BODIES = {"source": "generated"}


def corpus_bodies() -> list[str]:
    """The HTML bodies of every entry of the corpus feeds (real sizes and markup)."""
    import feedparser

    folder = corpus_dir()
    if folder is None:
        raise SystemExit("--bodies corpus needs ../shared/corpus (or BYLINE_CORPUS)")
    bodies = []
    for path in sorted((folder / "feeds").glob("*.xml")):
        for e in feedparser.parse(path.read_bytes()).entries:
            body = (e.get("content") or [{}])[0].get("value") or e.get("summary", "")
            if body:
                bodies.append(body)
    return bodies


def cache_rows(total: int, feeds: int = 100, seed: int = 7) -> Iterator[tuple[int, Entry]]:
    """`total` entries spread over `feeds` feeds for the big caches, yielded lazily.

    Yields (feed_no, Entry). Entry 0 of feed 0 is the newest one and carries MARKER_TITLE.
    A single RNG stream keeps it fast enough for a million rows (~20 s).
    """
    rng = random.Random(seed)
    per_feed = total // feeds
    extra = total - per_feed * feeds
    if BODIES["source"] == "corpus":
        body_pool = corpus_bodies()
    else:
        body_pool = [content_html(rng) for _ in range(997)]  # bounded variety, bounded time
    for f in range(feeds):
        n = per_feed + (1 if f < extra else 0)
        for k in range(n):
            t = MARKER_TITLE if (f == 0 and k == 0) else title(rng)
            yield (
                f,
                Entry(
                    guid=f"urn:cache:{f}:{k}",
                    title=t,
                    link=f"https://news.example.org/{f}/{k}",
                    published=EPOCH - timedelta(minutes=3 * k + f),
                    content=body_pool[(f * 7919 + k) % len(body_pool)],
                    author=SPEAKERS[(f + k) % 6],
                ),
            )


def feed_url(base: str, feed_no: int) -> str:
    return f"{base}/feed/{feed_no}.xml"


# ---------------------------------------------------------------- corpus


def corpus_dir() -> Path | None:
    env = os.environ.get("BYLINE_CORPUS")
    for p in [Path(env)] if env else [REPO.parent / "shared" / "corpus"]:
        if p.is_dir():
            return p
    return None


# ---------------------------------------------------------------- statistics


class BenchFailure(Exception):
    """A measurement that did not produce a valid figure (failed run, wrong count, timeout).

    It is never a timing: the row logs it and the cell shows n = successes of attempts.
    """


@dataclass
class Sample:
    """Repeated measurements of one figure (lower is better unless stated).

    `failures` keeps the reason of every attempt that gave no figure (a timeout, a failed
    refresh, a wrong entry count), so a cell says "n=2 of 3" instead of silently dropping it.
    """

    values: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    failures: list[str] = field(default_factory=list)

    def add(self, v: float | None) -> None:
        if v is not None:
            self.values.append(v)

    def fail(self, reason: str) -> None:
        self.failures.append(reason)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def attempts(self) -> int:
        return len(self.values) + len(self.failures)

    def to_json(self) -> dict:
        return {
            "values": self.values,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.values) if self.values else None,
            "max": max(self.values) if self.values else None,
            "n": len(self.values),
            "attempts": self.attempts,
            "failures": self.failures,
            "note": self.note,
        }


def measure(sample: Sample, label: str, fn: Callable[[], float]) -> float | None:
    """Run `fn` (which returns seconds or raises BenchFailure) into `sample`; log failures."""
    try:
        v = fn()
    except BenchFailure as err:
        sample.fail(str(err))
        print(f"# FAILED {label}: {err}", file=sys.stderr, flush=True)
        return None
    sample.add(v)
    return v


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the two nearest ranks (never just the lower one)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def spread(values: list[float], unit: str = "s") -> str:
    """The median of a list of figures with its min–max and n, for printed timings."""
    if not values:
        return "—"
    m = fmt(statistics.median(values), unit)
    if len(values) > 1:
        return f"{m} ({fmt(min(values), unit)}–{fmt(max(values), unit)}, n={len(values)})"
    return f"{m} (n=1)"


def loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def load_line() -> str:
    """The machine's load, for printing beside timings taken on a shared machine."""
    a, b, c = loadavg()
    return f"load average {a:.2f} {b:.2f} {c:.2f} on {os.cpu_count()} cores"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1 << 20)
    except OSError:
        pass
    return None


def git_commit() -> str:
    r = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty", "--abbrev=12"],
        capture_output=True,
        text=True,
        check=False,
    )
    return r.stdout.strip() or "?"


def environment() -> dict:
    """What the figures depend on besides the code: recorded with every run."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "host": platform.node(),
        "kernel": platform.release(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "mem_gib": mem_total_gib(),
        "loadavg": loadavg(),
        "runner_python": sys.version.split()[0],
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "git_commit": git_commit(),
    }


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "s":
        return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"
    if unit == "ms":
        return f"{v:.1f} ms" if v < 10 else f"{v:.0f} ms"
    if unit == "MiB":
        return f"{v:.0f} MiB"
    if unit == "B":
        if v >= 1 << 20:
            return f"{v / (1 << 20):.1f} MiB"
        if v >= 1 << 10:
            return f"{v / (1 << 10):.0f} KiB"
        return f"{v:.0f} B"
    if unit == "n":
        return f"{v:.0f}"
    return f"{v:.3g} {unit}"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def save_json(name: str, data: dict, path: str | Path | None = None) -> Path:
    path = Path(path) if path else RESULTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str))
    return path


# ---------------------------------------------------------------- processes and tmux


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def proc_status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_peak_rss_mib(root: int) -> float:
    """Sum of VmHWM (peak resident set) over the process tree, in MiB."""
    return sum(proc_status_kib(p, "VmHWM") for p in tree_pids(root)) / 1024


def _alive(pid: int) -> bool:
    """The process still exists, zombie included: newsboat's cache lock counts a PID that
    kill(pid, 0) still finds as a running instance."""
    return os.path.exists(f"/proc/{pid}")


class Tmux:
    """A private tmux server (own socket), so a bench never touches anyone else's sessions."""

    def __init__(self, tag: str = "bylinebench") -> None:
        self.socket = f"{tag}-{os.getpid()}"
        self.exe = shutil.which("tmux") or "/usr/bin/tmux"

    def _run(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(
            [self.exe, "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {r.stderr.strip()}")
        return r.stdout

    def start(self, name: str, cmd: str, env: dict[str, str] | None = None) -> int:
        """Start `cmd` in a 120x40 session; returns the pane's pid."""
        envargs: list[str] = []
        for k, v in (env or {}).items():
            envargs += ["-e", f"{k}={v}"]
        # A program that exits keeps its last screen, so a failure can say why (a server-wide
        # option: set before the session starts, once a server runs, i.e. after keepalive).
        self._run("set-option", "-g", "remain-on-exit", "on", check=False)
        self._run("new-session", "-d", "-s", name, "-x", "120", "-y", "40", *envargs, cmd)
        return int(self._run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def capture(self, name: str, escapes: bool = False) -> str:
        args = ["capture-pane", "-p", "-t", name]
        if escapes:
            args.insert(2, "-e")
        return self._run(*args, check=False)

    def dead(self, name: str) -> bool:
        """True when the session's program has exited (or the session is gone)."""
        out = self._run("display-message", "-p", "-t", name, "#{pane_dead}", check=False)
        return out.strip() != "0"

    def send(self, name: str, *keys: str) -> None:
        self._run("send-keys", "-t", name, *keys)

    def kill(self, name: str, wait: float = 30.0) -> None:
        """End the session and wait until its program has exited: a newsboat still closing
        holds its cache lock, and the next start would fail with "already running"."""
        pid = self._run("display-message", "-p", "-t", name, "#{pane_pid}", check=False).strip()
        self._run("kill-session", "-t", name, check=False)
        if not pid.isdigit():
            return
        t0 = time.perf_counter()
        killed = False
        while _alive(int(pid)):
            waited = time.perf_counter() - t0
            if waited > wait and not killed:
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)  # our own child, stuck
                killed = True
            elif waited > wait + 5:
                # A zombie its tmux server has not reaped (seen once: a pane that exited at
                # once). No signal ends it; waiting on it hung the run for good.
                print(f"# tmux kept pane {pid} of {name} as a zombie", file=sys.stderr)
                return
            time.sleep(0.02)

    def shutdown(self) -> None:
        self._run("kill-server", check=False)

    def wait_for(
        self, name: str, needle: str, timeout: float, interval: float = 0.01
    ) -> float | None:
        """Seconds from now until `needle` is visible in the pane, None on timeout."""
        t0 = time.perf_counter()
        while True:
            if needle in self.capture(name):
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout or self.dead(name):
                return None
            time.sleep(interval)


def first_screen(
    tmux: Tmux,
    name: str,
    cmd: str,
    needle: str,
    timeout: float,
    env: dict[str, str] | None = None,
    settle: float = 0.3,
) -> tuple[float | None, float, str]:
    """Start `cmd` in tmux, time until `needle` shows, then read the tree's peak RSS.

    Returns (seconds or None, peak RSS MiB, last screen). The session is killed afterwards.
    """
    t0 = time.perf_counter()
    pid = tmux.start(name, cmd, env)
    took = None
    screen = ""
    while time.perf_counter() - t0 < timeout:
        screen = tmux.capture(name)
        if needle in screen:
            took = time.perf_counter() - t0
            break
        if tmux.dead(name):
            screen = f"[exited after {time.perf_counter() - t0:.1f} s] " + tmux.capture(name)
            break
        time.sleep(0.01)
    if took is not None:
        time.sleep(settle)  # "right after the first screen": let the first paint finish
    rss = tree_peak_rss_mib(pid)
    tmux.kill(name)
    return took, rss, screen


# ---------------------------------------------------------------- key-to-screen latency

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def skeleton(screen: str) -> list[tuple[str, ...]]:
    """The screen's attributes without its text: which rows carry which SGR codes.

    A cursor move changes the attributes of two rows (the highlight moves); feed counters,
    status text and titles arriving during a refresh change only text. Comparing skeletons
    lets a key's effect be told apart from the refresh repainting around it.
    """
    return [tuple(_SGR.findall(line)) for line in screen.splitlines()]


def key_latencies(
    tmux: Tmux,
    name: str,
    keys: Sequence[str],
    duration: float,
    gap: float = 0.06,
    timeout: float = 1.5,
) -> tuple[list[float], dict]:
    """Send keys (tmux key names, cycled) for `duration` seconds; for each, the seconds until
    the screen's attribute skeleton changes. Returns (latencies, notes)."""
    out: list[float] = []
    notes = {"timeouts": 0, "wide_changes": 0, "sent": 0}
    t_end = time.perf_counter() + duration
    i = 0
    while time.perf_counter() < t_end:
        key = keys[i % len(keys)]
        i += 1
        before = skeleton(tmux.capture(name, escapes=True))
        t0 = time.perf_counter()
        tmux.send(name, key)
        notes["sent"] += 1
        while True:
            after = skeleton(tmux.capture(name, escapes=True))
            now = time.perf_counter()
            if after != before:
                out.append(now - t0)
                changed = sum(1 for a, b in zip(before, after, strict=False) if a != b)
                notes["wide_changes"] += changed > 4
                break
            if now - t0 > timeout:
                notes["timeouts"] += 1
                break
            time.sleep(0.003)
        time.sleep(gap)
    return out, notes


# ---------------------------------------------------------------- search in the app


def app_search(
    tmux: Tmux,
    name: str,
    cmd: str,
    env: dict[str, str] | None,
    ready: str,
    word: str,
    titles: Sequence[str],
    timeout: float,
) -> float:
    """Seconds from Enter to search results on screen, typed as a user types them: `/`, the
    word, Enter, in the app's own search. "On screen" = the first of `titles` (the expected
    results, newest first) that was not already visible before Enter; both programs list
    results newest first, so it is among the first rows of either."""
    tmux.start(name, cmd, env)
    try:
        if tmux.wait_for(name, ready, timeout) is None:
            raise BenchFailure(f"no first screen in {timeout:.0f} s")
        time.sleep(0.5)  # the first paint settles
        before = tmux.capture(name)
        tmux.send(name, "/")
        t0 = time.perf_counter()
        while tmux.capture(name) == before:
            if time.perf_counter() - t0 > 10:
                raise BenchFailure("no search prompt after /")
            time.sleep(0.01)
        seen = tmux.capture(name).count(word)
        tmux.send(name, "-l", word)
        t0 = time.perf_counter()
        while tmux.capture(name).count(word) <= seen:
            if time.perf_counter() - t0 > 10:
                raise BenchFailure("the typed word never showed")
            time.sleep(0.01)
        time.sleep(0.2)
        screen = tmux.capture(name)
        needle = next((t[:20] for t in titles if t[:20] not in screen), None)
        if needle is None:
            raise BenchFailure("every expected result was on screen before the search")
        tmux.send(name, "Enter")
        took = tmux.wait_for(name, needle, timeout, interval=0.005)
        if took is None:
            raise BenchFailure(f"no results on screen {timeout:.0f} s after Enter")
        return took
    finally:
        tmux.kill(name)
