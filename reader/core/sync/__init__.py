"""Sync with a feed server: the Google Reader API (FreshRSS, Miniflux, The Old Reader,
BazQux), the Fever API (and every server that speaks it), Tiny Tiny RSS and Nextcloud News.

- `base`: the client interface, errors, password reading, the HTTP helper.
- `limits`: rate limits (HTTP 429) as a named error, and how long to wait.
- `greader`, `fever`, `ttrss`, `nextcloud`: one client per API.
- `queue`: local changes waiting to be pushed (written by the store's mark functions).
- `engine`: one sync (push, subscriptions, new items, read/starred state), subscribe and
  unsubscribe.
"""

from reader.core.sync.base import (
    SyncAuthError,
    SyncConfigError,
    SyncError,
    SyncServerError,
    SyncUnsupported,
)
from reader.core.sync.engine import SyncProgress, SyncReport, subscribe, sync, unsubscribe

__all__ = [
    "SyncAuthError",
    "SyncConfigError",
    "SyncError",
    "SyncProgress",
    "SyncReport",
    "SyncServerError",
    "SyncUnsupported",
    "subscribe",
    "sync",
    "unsubscribe",
]
