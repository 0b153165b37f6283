"""Every config the user can write either works (exit 0) or ends with exit 2 and one line
that names the file and the problem: never an exception, never a traceback.

A hypothesis property test mutates a valid config (delete, duplicate and retype values, add
unknown keys, swap tables for arrays, insert random bytes, truncate, ...) and runs
`reader.cli.main` in-process on it; explicit cases pin the messages of the worst values.
"""

from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.core import config as cfg

VALID = {
    "settings": {
        "refresh_on_start": False,
        "refresh_minutes": 30,
        "concurrency": 8,
        "per_host": 2,
        "timeout_s": 10.5,
        "max_bytes": 1_000_000,
        "keep_days": 30,
        "max_items_per_feed": 200,
        "mark_read_on_open": True,
        "full_text": False,
        "browser": "firefox --new-tab",
        "theme": "textual-dark",
    },
    "keys": {},
    "feeds": [
        {"url": "http://127.0.0.1:9/a.xml", "title": "A", "tags": ["x", "y"]},
        {"url": "http://127.0.0.1:9/b.xml", "timeout_s": 3, "full_text": True},
    ],
}

# Values of every TOML type, including the awkward ones.
ODD_VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
    st.datetimes(),
    st.dates(),
    st.times(),
)
KEY_NAMES = st.one_of(
    st.sampled_from(
        ["url", "title", "tags", "settings", "feeds", "keys", "timeout", "refresh", "Theme"]
        + list(VALID["settings"])
    ),
    st.text(min_size=1, max_size=12),
)


def _tables(doc: dict) -> list[dict]:
    found = [doc]
    for value in doc.values():
        if isinstance(value, dict):
            found += _tables(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    found += _tables(item)
    return found


@st.composite
def structured_mutation(draw) -> dict:
    """The valid config with 1-4 structural changes."""
    import copy

    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        tables = _tables(doc)
        table = draw(st.sampled_from(tables))
        op = draw(st.sampled_from(["delete", "retype", "unknown", "duplicate", "to_list", "empty"]))
        keys = list(table)
        if op == "delete" and keys:
            del table[draw(st.sampled_from(keys))]
        elif op == "retype" and keys:
            table[draw(st.sampled_from(keys))] = draw(ODD_VALUES)
        elif op == "unknown":
            table[draw(KEY_NAMES)] = draw(ODD_VALUES)
        elif op == "duplicate" and isinstance(doc.get("feeds"), list) and doc["feeds"]:
            doc["feeds"].append(copy.deepcopy(draw(st.sampled_from(doc["feeds"]))))
        elif op == "to_list" and keys:
            key = draw(st.sampled_from(keys))
            table[key] = [table[key]] if not isinstance(table[key], list) else {"x": 1}
        elif op == "empty" and keys:
            table[draw(st.sampled_from(keys))] = draw(st.sampled_from(["", [], {}, 0, -1]))
    return doc


def to_toml(doc: dict) -> str | None:
    try:
        return tomlkit.dumps(doc)
    except Exception:  # noqa: BLE001 - tomlkit cannot write every Python value (e.g. nan keys)
        return None


@st.composite
def text_mutation(draw) -> bytes:
    """The valid config's bytes, cut, spliced or sprinkled with random bytes."""
    data = bytearray(tomlkit.dumps(VALID).encode())
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["insert", "delete", "truncate", "dup_line", "replace"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 20))]
        elif op == "truncate":
            del data[pos:]
        elif op == "dup_line":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == "replace" and data:
            data[pos] = draw(st.integers(0, 255))
    return bytes(data)


def run_feeds(path: Path) -> tuple[int, str]:
    """`byline feeds --config path` in-process; (exit status, stderr)."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["feeds", "--config", str(path)])
    return code, err.getvalue()


def check(path: Path) -> tuple[int, str]:
    code, err = run_feeds(path)
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("byline: ") and str(path) in err, err
        assert err.count("\n") == 1, err  # one line
    else:
        # What the CLI accepted, the engine can use: numbers finite and bindable by SQLite.
        config = cfg.load(path)
        values = [config.settings] + [f.overrides for f in config.feeds]
        for holder in values:
            items = holder.items() if isinstance(holder, dict) else vars_of(holder)
            for name, value in items:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    assert math.isfinite(value) and abs(value) < 2**63, (name, value)
    return code, err


def vars_of(settings: cfg.Settings) -> list[tuple[str, object]]:
    return [(f, getattr(settings, f)) for f in settings.__slots__]


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(doc=structured_mutation())
def test_structured_mutations_exit_0_or_2(doc: dict, isolated_env: Path) -> None:
    text = to_toml(doc)
    if text is None:
        return
    path = isolated_env / "config.toml"
    path.write_text(text, encoding="utf-8")
    check(path)


@FUZZ
@given(data=text_mutation())
@example(data=b"\xff\xfe\x00garbage")
@example(data=b"[settings]\ntimeout_s = nan\n")
@example(data=b"")
@example(data=b'[keys]\n"quit\\nx" = "j"\n')  # a newline in a binding id: still one line
@example(data=b'[keys]\nquit = "j\\nk"\nhelp = "j\\nk"\n')
def test_byte_mutations_exit_0_or_2(data: bytes, isolated_env: Path) -> None:
    path = isolated_env / "config.toml"
    path.write_bytes(data)
    check(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[settings]\ntimeout_s = nan\n", "timeout_s in [settings] must be a finite number"),
        ("[settings]\ntimeout_s = inf\n", "timeout_s in [settings] must be a finite number"),
        ("[settings]\nmax_items_per_feed = 99999999999999999999\n", "must be at most"),
        ("[settings]\nconcurrency = 0\n", "concurrency in [settings] must be greater than 0"),
        ("[settings]\nkeep_days = -1\n", "keep_days in [settings] must be 0 or more"),
        ('[settings]\ntimeout_s = "10"\n', "timeout_s in [settings] must be a number"),
        ("[settings]\nrefresh_minutes = 1.5\n", "refresh_minutes in [settings] must be a whole"),
        ("[settings]\nfull_text = 1\n", "full_text in [settings] must be a true or false"),
        ("[settings]\ntimout_s = 10\n", "unknown key 'timout_s' in [settings]"),
        ("[[settings]]\nx = 1\n", "[settings] must be a table"),
        ("[feeds]\nurl = 'x'\n", "feeds must be written as [[feeds]] tables"),
        ("[[feeds]]\ntitle = 'x'\n", "needs url"),
        ("[[feeds]]\nurl = 'http://a/'\n[[feeds]]\nurl = 'http://a/'\n", "duplicate feed"),
        ("[[feeds]]\nurl = 'http://a/'\ntags = 'x'\n", "tags in [[feeds]] #1 must be a list"),
        ("[[feeds]]\nurl = 'http://a/'\nconcurrency = 3\n", "unknown key 'concurrency'"),
        ("[keys]\nnext_entry = 5\n", "keys.next_entry must be a string"),
        ("[keys]\nno_such_binding = 'x'\n", "no_such_binding"),
        ("[settings]\ntimeout_s = 1\ntimeout_s = 2\n", "not valid TOML"),
        ("[settings\n", "not valid TOML"),
        ("\x00\x01", "not valid TOML"),
    ],
)
def test_each_invalid_config_names_its_problem(text: str, words: str, isolated_env: Path) -> None:
    path = isolated_env / "config.toml"
    path.write_text(text, encoding="utf-8")
    code, err = check(path)
    assert code == 2
    assert words in err, err


def test_undecodable_and_unreadable_configs(isolated_env: Path) -> None:
    path = isolated_env / "config.toml"
    path.write_bytes(b"[settings]\ntheme = '\xff\xfe'\n")
    code, err = check(path)
    assert code == 2 and "cannot read the config" in err
    directory = isolated_env / "dir.toml"
    directory.mkdir()
    code, err = run_feeds(directory)
    assert code == 2 and str(directory) in err


def test_the_valid_base_config_works(isolated_env: Path) -> None:
    path = isolated_env / "config.toml"
    path.write_text(tomlkit.dumps(VALID), encoding="utf-8")
    assert check(path)[0] == 0
    assert not math.isnan(cfg.load(path).settings.timeout_s)
