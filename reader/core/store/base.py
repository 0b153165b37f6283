"""The connection every store part shares: WAL, a busy timeout, short transactions.

WAL mode, a busy timeout and short transactions let the app and a cron `byline refresh` write
at the same time; a kill loses nothing committed. `transaction()` is the public way to group
several Store calls in one write (a refresh stores a feed's entries and runs the rules on
them as one, so an entry a rule hides is never seen).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from reader.core.store.rows import Row, from_row
from reader.core.store.schema import SCHEMA_VERSION

DB_NAME = "byline.db"
BUSY_TIMEOUT_MS = 15_000
_CHUNK = 500  # parameters per IN (...) list

# A SQL function a condition handed to the store needs: (name, number of arguments, function).
SqlFunction = tuple[str, int, Callable[..., Any]]


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items: Sequence) -> str:
    """`?,?,?` for an IN (...) list of `items`."""
    return ",".join("?" * len(items))


class _Connection:
    """A sqlite3 connection in autocommit mode: a lone statement commits at once, `atomic()`
    groups statements in one short IMMEDIATE transaction (a writer takes the lock up front,
    so two writers queue on the busy timeout instead of failing to upgrade a read lock)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def execute(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        if self.conn.in_transaction:  # nested: a savepoint inside the open transaction
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                # A full disk (or an I/O error) may have rolled the whole transaction back
                # already: then there is no savepoint left, and the original error must show.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK TO nested")
                    self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class StoreBase:
    """One connection to the cache, opened, upgraded and closed. Use one Store per thread or
    process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # sync's last raw access, to go: reader/core/sync still calls `db` and `_rows` (its
        # SQL moves into a store part, reader/core/store/sync.py). Nothing else may.
        self.db = _Connection(self.path)
        self._functions: dict[str, Callable[..., Any]] = {}
        conn = self.db.conn
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            from reader.core.store.schema import upgrade

            upgrade(conn, SCHEMA_VERSION)

    @classmethod
    def in_dir(cls, data_dir: Path) -> Self:
        return cls(Path(data_dir) / DB_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ for every part

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several Store calls as one short write transaction (nested: a savepoint)."""
        with self.db.atomic():
            yield

    def use_functions(self, functions: Iterable[SqlFunction]) -> None:
        """Give this connection the SQL functions a condition handed to the store calls (the
        rules' `byline_eq`, ...): the store defines none of them, whoever needs them brings
        them (the lowest layer never reaches up to the rules or the quote finder)."""
        for name, arity, func in functions:
            if self._functions.get(name) is not func:
                self.db.conn.create_function(name, arity, func, deterministic=True)
                self._functions[name] = func

    def interrupt(self) -> None:
        """Stop the statement running on this connection (from another thread: the app is
        closing and need not wait for a count)."""
        self.db.conn.interrupt()

    def change_stamp(self) -> tuple[int, int, int]:
        """What moves when the cache changes: `PRAGMA data_version` when another connection
        commits (a refresh in the child process, cron), `total_changes` when this one
        writes; with the connection's identity."""
        conn = self.db.conn
        return id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self.db.conn.execute(sql, params).fetchall()

    def _objects(self, cls: type[Row], sql: str, params: Sequence | dict = ()) -> list[Row]:
        """Rows as `cls` objects, fields filled by column name (reader/core/store/rows.py)."""
        cursor = self.db.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [from_row(cls, names, row) for row in cursor.fetchall()]
