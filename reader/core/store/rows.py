"""The row types of the cache, in one place: what the store hands out.

Each is built from a query's columns *by name* (`from_row`), never by position, so a query
may add or reorder columns without a silent mix-up of fields; the store's SELECTs name their
columns after the fields (`... AS feed_title`). JSON columns become tuples and SQLite's 0/1
become booleans here. Plain data: the app, the CLI and the sync code all read these.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str
    link: str
    tags: tuple[str, ...]
    status: str
    error: str | None
    http_status: int | None
    checked_at: float | None
    ok_at: float | None
    next_due: float
    failures: int
    entry_count: int
    unread_count: int
    active: bool
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    fetch_url: str | None = None  # where a permanent redirect moved it; the config keeps url


@dataclass(frozen=True, slots=True)
class EntryRow:
    """What a list row needs; the heavy content stays in the database until opened."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    author: str
    link: str
    sort_ts: float
    read: bool
    saved: bool
    highlight: bool = False  # a rule said so


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    feed_id: int
    feed_title: str
    feed_link: str
    uid: str
    title: str
    author: str
    link: str
    published: float | None
    updated: float | None
    sort_ts: float
    summary: str
    content: str
    enclosures: tuple[dict[str, Any], ...]
    read: bool
    saved: bool

    @property
    def body_html(self) -> str:
        """The richest body the feed gave: full content, else the summary."""
        return self.content or self.summary


@dataclass(frozen=True, slots=True)
class FullText:
    entry_id: int
    url: str
    html: str
    title: str | None
    byline: str | None
    published: str | None
    fetched_at: float
    status: str  # "ok" or "error"
    error: str | None


@dataclass(frozen=True, slots=True)
class SavedQuote:
    id: int
    entry_id: int
    feed_id: int
    text: str
    speaker: str | None
    cue: str | None
    kind: str
    start: int
    end: int
    context: str
    entry_title: str
    entry_link: str
    feed_title: str
    saved_at: float


@dataclass(frozen=True, slots=True)
class Download:
    """One enclosure in the download queue (reader/core/media/downloads.py)."""

    id: int
    entry_id: int
    url: str
    path: str
    status: str  # queued | running | done | failed
    done: int
    total: int | None
    sha256: str | None
    error: str | None
    attempts: int
    queued_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class Playback:
    """Where playing an enclosure stopped (reader/core/media/player.py)."""

    url: str
    entry_id: int
    seconds: float
    duration: float | None
    finished: bool
    played_at: float


Row = TypeVar("Row")

_JSON_TUPLES = {"tags", "enclosures"}  # stored as JSON arrays
_BOOLS = {"read", "saved", "active", "highlight", "finished"}  # stored as 0/1
_PLANS: dict[tuple[type, tuple[str, ...]], list[tuple[int, str, Callable[[Any], Any] | None]]] = {}


def _plan(cls: type, names: tuple[str, ...]) -> list[tuple[int, str, Callable[[Any], Any] | None]]:
    plan = _PLANS.get((cls, names))
    if plan is None:
        wanted = {f.name: f for f in fields(cls)}
        unknown = [name for name in names if name not in wanted]
        if unknown:
            raise ValueError(f"{cls.__name__} has no field for column(s) {unknown}")
        missing = [
            f.name for f in wanted.values()
            if f.name not in names and f.default is MISSING and f.default_factory is MISSING
        ]  # fmt: skip
        if missing:
            raise ValueError(f"{cls.__name__} needs column(s) {missing}")
        plan = []
        for index, name in enumerate(names):
            convert = _json_tuple if name in _JSON_TUPLES else bool if name in _BOOLS else None
            plan.append((index, name, convert))
        _PLANS[cls, names] = plan
    return plan


def _json_tuple(value: str | None) -> tuple:
    return tuple(json.loads(value)) if value else ()


def from_row(cls: type[Row], names: Sequence[str], row: Sequence[Any]) -> Row:
    """A `cls` from one result row whose columns are called `names` (cursor.description)."""
    values = {
        name: (convert(row[i]) if convert is not None else row[i])
        for i, name, convert in _plan(cls, tuple(names))
    }
    return cls(**values)
