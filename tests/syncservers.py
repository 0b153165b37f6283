"""Real feed servers for the sync tests, started by the tests on this machine's loopback.

- `Coldsweat`: a Fever server (PyPI coldsweat 0.10.2 in its own venv).
- `Ttrss`: Tiny Tiny RSS (Debian's tt-rss, API level 15) on PostgreSQL 15 + PHP's built-in
  server, from files extracted with dpkg-deb (no system install).
- `Feeds`: the RSS feeds those servers subscribe to and fetch, served on 127.0.0.1 (or on
  [::1]:80 for tt-rss, which refuses feeds on 127.x or on ports other than 80/443).

`.ci/install-sync-servers` installs them under $BYLINE_TEST_SERVERS (default
/opt/byline-test-servers). Where they are missing the tests skip with the reason, except under
CI (CI=true), where .ci/run has installed them and a skip would hide a broken install.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

SERVERS = Path(os.environ.get("BYLINE_TEST_SERVERS", "/opt/byline-test-servers"))
PASSWORD = "correct-horse-battery-staple"  # Coldsweat wants 12+ characters


def missing(reason: str) -> None:
    """Skip where the server cannot be had; fail under CI, where .ci/run installs it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it with .ci/install-sync-servers)")
    pytest.skip(f"{reason}: run .ci/install-sync-servers to install it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(
    host: str, port: int, proc: subprocess.Popen | None = None, timeout: float = 30
) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket(family) as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


# ---------------------------------------------------------------- feeds


def rss(title: str, items: list[dict], link: str = "https://example.org/") -> bytes:
    """An RSS 2.0 document; items: {guid, title, body, date (epoch)}."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>d</description>",
    ]
    for item in items:
        parts.append(
            '<item><title>{t}</title><link>{l}</link><guid isPermaLink="false">{g}</guid>'
            "<pubDate>{d}</pubDate><description>{b}</description></item>".format(
                t=escape(item["title"]),
                l=escape(item.get("link", f"https://example.org/{item['guid']}")),
                g=escape(item["guid"]),
                d=formatdate(item.get("date", time.time()), usegmt=True),
                b=escape(item.get("body", "<p>Body of " + item["title"] + "</p>")),
            )
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def make_items(prefix: str, count: int, start: int = 0, newest: float | None = None) -> list[dict]:
    newest = time.time() - 60 if newest is None else newest
    return [
        {
            "guid": f"{prefix}-{n}",
            "title": f"{prefix} story {n}",
            "date": newest - (count + start - n) * 60,
            "body": f"<p>{prefix} story {n}: “We will sync,” said Ada Lovelace.</p>",
        }
        for n in range(start, start + count)
    ]


class Feeds:
    """Static feeds by path, on 127.0.0.1 (ephemeral port) or [::1]:80."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, url_host: str | None = None) -> None:
        self.docs: dict[str, bytes] = {}
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = feeds.docs.get(self.path.split("?")[0])
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            daemon_threads = True

        self.httpd = Server((host, port), Handler)
        self.host = url_host or (f"[{host}]" if ":" in host else host)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        port = "" if self.port == 80 else f":{self.port}"
        return f"http://{self.host}{port}{path}"

    def put(self, path: str, title: str, items: list[dict]) -> str:
        self.docs[path] = rss(title, items)
        return self.url(path)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def feeds_for_ttrss() -> Feeds:
    """Feeds tt-rss accepts: it refuses localhost, ::1 written bare, 127.x and ports other than
    80/443. [::1]:80 first; when another test run holds it, 127.0.0.N:80 written as the
    IPv4-mapped [::ffff:127.0.0.N], which its check does not catch."""
    try:
        return Feeds("::1", 80)
    except OSError as first:
        for n in random.sample(range(2, 250), 20):
            with contextlib.suppress(OSError):
                return Feeds(f"127.0.0.{n}", 80, url_host=f"[::ffff:127.0.0.{n}]")
        raise first


def opml(feeds: list[tuple[str, str]], folder: str | None = None) -> str:
    outlines = "".join(
        f'<outline type="rss" text="{escape(t)}" title="{escape(t)}" xmlUrl="{escape(u)}"/>'
        for t, u in feeds
    )
    if folder:
        outlines = f'<outline text="{escape(folder)}" title="{escape(folder)}">{outlines}</outline>'
    return f'<?xml version="1.0"?><opml version="1.0"><head><title>s</title></head><body>{outlines}</body></opml>'


# ---------------------------------------------------------------- Coldsweat (Fever)


class Coldsweat:
    """One Coldsweat server for the session; each test gets its own user (and feeds)."""

    def __init__(self, root: Path) -> None:
        self.bin = SERVERS / "coldsweat" / "bin" / "coldsweat"
        self.root = root
        self.db = root / "cs.db"
        self.env = {**os.environ, "FLASK_DATABASE_URL": f"sqlite:///{self.db}"}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.users = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fever/"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin), *args], env=self.env, cwd=self.root, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip

    def start(self) -> Coldsweat:
        self.proc = subprocess.Popen(
            [str(self.bin), "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=self.root, stdout=subprocess.DEVNULL,
            stderr=open(self.root / "server.log", "ab"),  # noqa: SIM115 - the child keeps it
        )  # fmt: skip
        wait_port("127.0.0.1", self.port, self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def new_user(self) -> str:
        self.users += 1
        email = f"user{self.users}@example.org"
        self._run("setup", email, "-p", PASSWORD)
        return email

    def subscribe(
        self, email: str, feeds: list[tuple[str, str]], folder: str | None = None
    ) -> None:
        """Subscribe and fetch now (Coldsweat's own import -f)."""
        path = self.root / f"subs-{time.monotonic_ns()}.opml"
        path.write_text(opml(feeds, folder), encoding="utf-8")
        self._run("import", str(path), email, "-f")

    def fetch_again(self) -> None:
        """Fetch every feed now (its 3-minute minimum interval forgotten)."""
        with contextlib.closing(sqlite3.connect(self.db, timeout=30)) as conn, conn:
            conn.execute("UPDATE feeds SET last_checked_on = NULL, last_updated_on = NULL")
        self._run("fetch")

    def api(self, email: str, query: str = "", password: str = PASSWORD, **form: str) -> dict:
        """The Fever API as another client (a phone) would use it."""
        key = hashlib.md5(f"{email}:{password}".encode()).hexdigest()
        url = f"{self.url}?api{'&' + query if query else ''}"
        data = urllib.parse.urlencode({"api_key": key, **form}).encode()
        with urllib.request.urlopen(url, data=data, timeout=30) as answer:
            return json.loads(answer.read())

    def ids(self, email: str, which: str) -> set[int]:
        value = self.api(email, f"{which}_item_ids")[f"{which}_item_ids"]
        return {int(i) for i in str(value).split(",") if i}


def coldsweat_server(tmp_root: Path):
    if not (SERVERS / "coldsweat" / "bin" / "coldsweat").exists():
        missing(f"Coldsweat is not installed in {SERVERS / 'coldsweat'}")
    server = Coldsweat(tmp_root)
    server.start()
    return server


# ---------------------------------------------------------------- Tiny Tiny RSS


TTRSS_CONFIG = """<?php
define('DB_TYPE', 'pgsql');
define('DB_HOST', '127.0.0.1');
define('DB_PORT', '{pg_port}');
define('DB_USER', 'ttrss');
define('DB_NAME', 'ttrss');
define('DB_PASS', 'ttrss');
define('MYSQL_CHARSET', 'UTF8');
define('SELF_URL_PATH', 'http://127.0.0.1:{port}/');
define('SINGLE_USER_MODE', false);
define('SIMPLE_UPDATE_MODE', false);
define('PHP_EXECUTABLE', '/usr/bin/php');
define('LOCK_DIRECTORY', '{var}/lock');
define('CACHE_DIR', '{var}/cache');
define('ICONS_DIR', '{var}/icons');
define('ICONS_URL', 'feed-icons');
define('AUTH_AUTO_CREATE', true);
define('AUTH_AUTO_LOGIN', true);
define('FORCE_ARTICLE_PURGE', 0);
define('ENABLE_REGISTRATION', false);
define('REG_NOTIFY_ADDRESS', 'user@example.org');
define('REG_MAX_USERS', 10);
define('SESSION_COOKIE_LIFETIME', 86400);
define('SMTP_FROM_NAME', 'Tiny Tiny RSS');
define('SMTP_FROM_ADDRESS', 'noreply@example.org');
define('DIGEST_SUBJECT', '[tt-rss] New headlines for last 24 hours');
define('CHECK_FOR_UPDATES', false);
define('ENABLE_GZIP_OUTPUT', false);
define('PLUGINS', 'auth_internal');
define('LOG_DESTINATION', '');
define('CONFIG_VERSION', 26);
"""


class Ttrss:
    """Tiny Tiny RSS for the session: its own PostgreSQL cluster on a spare port (run as the
    postgres user: initdb refuses root) and PHP's built-in server on another; each test gets
    its own tt-rss user with API access on."""

    def __init__(self, root: Path) -> None:
        self.src = SERVERS / "tt-rss" / "usr" / "share"
        self.root = root
        self.pg_port = free_port()
        self.port = free_port()
        # Outside pytest's folders (0700, root's): initdb runs as the postgres user.
        self.pgroot = Path(tempfile.mkdtemp(prefix="byline-ttrss-pg-"))
        self.pgdata = self.pgroot / "pg"
        self.php: subprocess.Popen | None = None
        self.users = 0
        self.pg_bin = Path("/usr/lib/postgresql/15/bin")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _pg(self, *argv: str, **kwargs) -> subprocess.CompletedProcess:
        runas = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        return subprocess.run(
            [*runas, *argv], check=True, capture_output=True, timeout=120, **kwargs
        )

    def psql(self, sql: str) -> str:
        done = subprocess.run(
            [str(self.pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "ttrss",
             "-d", "ttrss", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            check=True, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PGPASSWORD": "ttrss"},
        )  # fmt: skip
        return done.stdout.strip()

    def start(self) -> Ttrss:
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
            os.chmod(self.pgroot, 0o755)
        pwfile = self.pgroot / "pgpw"
        pwfile.write_text("ttrss\n")
        pwfile.chmod(0o644)
        self._pg(str(self.pg_bin / "initdb"), "-D", str(self.pgdata), "-U", "ttrss",
                 "--pwfile", str(pwfile), "-A", "md5", "-E", "UTF8")  # fmt: skip
        self._pg(
            str(self.pg_bin / "pg_ctl"), "-D", str(self.pgdata), "-w", "-l",
            str(self.pgdata / "log"), "-o",
            f"-p {self.pg_port} -h 127.0.0.1 -k {self.pgdata} -c fsync=off", "start",
        )  # fmt: skip
        subprocess.run(
            [str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
             "-U", "ttrss", "ttrss"],
            check=True, capture_output=True, timeout=60, env={**os.environ, "PGPASSWORD": "ttrss"},
        )  # fmt: skip
        schema = self.src / "tt-rss" / "schema" / "ttrss_schema_pgsql.sql"
        subprocess.run(
            [str(self.pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "ttrss",
             "-d", "ttrss", "-v", "ON_ERROR_STOP=1", "-q", "-f", str(schema)],
            check=True, capture_output=True, timeout=120, env={**os.environ, "PGPASSWORD": "ttrss"},
        )  # fmt: skip
        # A copy of the files per session (relative links kept): its own config.php.
        share = self.root / "share"
        shutil.copytree(self.src, share, symlinks=True)
        www = share / "tt-rss" / "www"
        var = self.root / "var"
        for sub in ("lock", "cache/images", "cache/upload", "cache/export", "icons"):
            (var / sub).mkdir(parents=True, exist_ok=True)
        for link in ("config.php", "feed-icons"):
            (www / link).unlink()
        (www / "feed-icons").mkdir()
        (www / "config.php").write_text(
            TTRSS_CONFIG.format(pg_port=self.pg_port, port=self.port, var=var)
        )
        self.www = www
        self.start_php()
        return self

    def start_php(self) -> None:
        self.php = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.www)],
            cwd=self.www, stdout=subprocess.DEVNULL,
            stderr=open(self.root / "php.log", "ab"),  # noqa: SIM115 - the child keeps it
            env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}, start_new_session=True,
        )  # fmt: skip
        wait_port("127.0.0.1", self.port, self.php)

    def stop_php(self) -> None:
        if self.php is not None:  # the workers too: the whole process group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.php.pid, signal.SIGTERM)
            self.php.wait(10)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", self.port)) != 0:
                        break
                time.sleep(0.05)
        self.php = None

    def stop(self) -> None:
        self.stop_php()
        with contextlib.suppress(Exception):
            self._pg(str(self.pg_bin / "pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop")
        shutil.rmtree(self.pgroot, ignore_errors=True)

    def new_user(self) -> str:
        self.users += 1
        login = f"user{self.users}"
        digest = hashlib.sha1(PASSWORD.encode()).hexdigest()
        self.psql(
            f"INSERT INTO ttrss_users (login, pwd_hash, access_level, salt)"
            f" VALUES ('{login}', 'SHA1:{digest}', 0, '');"
            f" INSERT INTO ttrss_user_prefs (owner_uid, pref_name, value)"
            f" SELECT id, 'ENABLE_API_ACCESS', 'true' FROM ttrss_users WHERE login = '{login}';"
        )
        return login

    def api(self, login: str, op: str, password: str = PASSWORD, **params) -> object:
        """The API as another client would use it (login, then one call)."""

        def post(body: dict) -> dict:
            request = urllib.request.Request(
                self.url + "api/", data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.loads(answer.read())

        sid = post({"op": "login", "user": login, "password": password})["content"]["session_id"]
        reply = post({"op": op, "sid": sid, **params})
        assert reply["status"] == 0, reply
        return reply["content"]

    def subscribe(self, login: str, url: str, category: str | None = None) -> int:
        """Subscribe and fetch now; returns the feed id."""
        cat_id = 0
        if category:
            self.psql(
                f"INSERT INTO ttrss_feed_categories (owner_uid, title) SELECT id, '{category}'"
                f" FROM ttrss_users WHERE login = '{login}' AND NOT EXISTS (SELECT 1 FROM"
                f" ttrss_feed_categories c WHERE c.title = '{category}' AND c.owner_uid = ttrss_users.id)"
            )
            cat_id = int(self.psql(
                f"SELECT c.id FROM ttrss_feed_categories c JOIN ttrss_users u ON u.id = c.owner_uid"
                f" WHERE u.login = '{login}' AND c.title = '{category}'"
            ))  # fmt: skip
        status = self.api(login, "subscribeToFeed", feed_url=url, category_id=cat_id)
        assert status["status"]["code"] == 1, status
        feed_id = self.feed_id(login, url)
        self.update(login, feed_id)
        return feed_id

    def feed_id(self, login: str, url: str) -> int:
        return int(self.psql(
            f"SELECT f.id FROM ttrss_feeds f JOIN ttrss_users u ON u.id = f.owner_uid"
            f" WHERE u.login = '{login}' AND f.feed_url = '{url}'"
        ))  # fmt: skip

    def update(self, login: str, feed_id: int) -> None:
        self.psql(
            f"UPDATE ttrss_feeds SET last_updated = NULL, last_update_started = NULL WHERE id = {feed_id}"
        )
        self.api(login, "updateFeed", feed_id=feed_id)

    def ids(self, login: str, which: str) -> set[int]:
        flag = {"unread": "unread", "saved": "marked"}[which]
        out = self.psql(
            f"SELECT e.ref_id FROM ttrss_user_entries e JOIN ttrss_users u ON u.id = e.owner_uid"
            f" WHERE u.login = '{login}' AND e.{flag}"
        )
        return {int(x) for x in out.split()}


def ttrss_server(tmp_root: Path) -> Ttrss:
    share = SERVERS / "tt-rss" / "usr" / "share" / "tt-rss"
    if not (share / "www" / "classes" / "api.php").exists():
        missing(f"Tiny Tiny RSS is not extracted in {SERVERS / 'tt-rss'}")
    if not shutil.which("php") or not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        missing("PHP 8.2 or PostgreSQL 15 is not installed")
    server = Ttrss(tmp_root)
    server.start()
    return server


# ---------------------------------------------------------------- a proxy that breaks


class Proxy:
    """An HTTP proxy in front of a real server that can turn into a broken one: mode
    "forward" (default), "html" (a login page), "500", "garbage" (not JSON), "hang" (accepts,
    never answers). `hang_after=N` forwards N requests, then hangs (to kill a sync midway)."""

    def __init__(self, upstream: str) -> None:
        import http.client

        parts = urllib.parse.urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port or 80)
        self.mode = "forward"
        self.hang_after: int | None = None
        self.forwarded = 0
        self.held = 0  # requests waiting in "hang": the client got every answer before them
        self.release = threading.Event()
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy.lock:
                    mode = proxy.mode
                    hang_after = proxy.hang_after
                    if (
                        mode == "forward"
                        and hang_after is not None
                        and proxy.forwarded >= hang_after
                    ):
                        mode = "hang"
                    if mode == "forward":
                        proxy.forwarded += 1
                if mode == "hang":
                    with proxy.lock:
                        proxy.held += 1
                    proxy.release.wait(120)
                    return
                if mode == "html":
                    return self._answer(
                        200, "text/html", b"<!DOCTYPE html><html><body>Log in</body></html>"
                    )
                if mode == "500":
                    return self._answer(500, "text/plain", b"Internal Server Error")
                if mode == "garbage":
                    return self._answer(200, "application/json", b"{this is not json")
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=120)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, mode: str = "forward", hang_after: int | None = None) -> None:
        with self.lock:
            self.mode, self.hang_after, self.forwarded, self.held = mode, hang_after, 0, 0
            self.release.set()
            self.release = threading.Event()

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- helpers for every kind


def byline(
    *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """The real CLI in a child process (as a user runs it)."""
    import sys

    return subprocess.run(
        [sys.executable, "-m", "reader.cli", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )  # fmt: skip


def write_config(path: Path, kind: str, url: str, username: str, extra: str = "") -> Path:
    path.write_text(
        "[settings]\nrefresh_on_start = false\nrefresh_minutes = 0\n\n"
        f'[sync]\nkind = "{kind}"\nurl = "{url}"\nusername = "{username}"\n'
        'password_env = "BYLINE_TEST_SYNC_PASSWORD"\n' + extra,
        encoding="utf-8",
    )
    return path


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


__all__ = ["PASSWORD", "Coldsweat", "Feeds", "byline", "make_items", "shutil", "write_config"]
