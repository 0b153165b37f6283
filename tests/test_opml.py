"""OPML import/export: folders become tags, only http(s) feed URLs get in (nothing is ever
run), import is idempotent, and export round-trips through import."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import config as cfg
from reader.core.config import FeedConfig
from reader.core.feeds.opml import OpmlError, parse_opml, to_opml

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Mine</title></head>
  <body>
    <outline text="Top" type="rss" xmlUrl="https://top.example/feed"/>
    <outline text="News" title="News">
      <outline text="BBC" title="BBC World" type="rss" xmlUrl="https://bbc.example/rss.xml"/>
      <outline text="Europe">
        <outline text="Deep" type="rss" xmlUrl="https://deep.example/atom" category="/eu,extra"/>
      </outline>
    </outline>
    <outline text="Tech">
      <outline text="BBC again" type="rss" xmlUrl="https://bbc.example/rss.xml"/>
      <outline text="JS" type="rss" xmlUrl="javascript:alert(document.cookie)"/>
      <outline text="Shell" type="rss" xmlUrl="$(touch {marker})"/>
      <outline text="Pipe" type="rss" xmlUrl="| touch {marker}"/>
      <outline text="Backticks" type="rss" xmlUrl="`touch {marker}`"/>
      <outline text="Relative" type="rss" xmlUrl="/feed.xml"/>
      <outline text="Schemeless" type="rss" xmlUrl="example.org/feed"/>
      <outline text="File" type="rss" xmlUrl="file:///etc/passwd"/>
      <outline text="Data" type="rss" xmlUrl="data:text/xml,&lt;rss/&gt;"/>
      <outline text="Empty" type="rss" xmlUrl=""/>
      <outline text="Odd but http" type="rss" xmlUrl="https://odd.example/$(touch {marker})"/>
    </outline>
  </body>
</opml>
"""


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


@pytest.fixture
def opml_file(tmp_path: Path, marker: Path) -> Path:
    path = tmp_path / "subs.opml"
    path.write_text(OPML.replace("{marker}", str(marker)), encoding="utf-8")
    return path


def test_parse_folders_become_tags_and_bad_urls_are_rejected(opml_file: Path):
    result = parse_opml(opml_file.read_bytes())
    feeds = {f.url: f for f in result.feeds}
    assert list(feeds) == [
        "https://top.example/feed",
        "https://bbc.example/rss.xml",
        "https://deep.example/atom",
        f"https://odd.example/$(touch{opml_file.parent / 'pwned'})",  # whitespace removed
    ]
    assert feeds["https://top.example/feed"].tags == ()
    assert feeds["https://bbc.example/rss.xml"] == FeedConfig(
        "https://bbc.example/rss.xml", "BBC World", ("News",)
    )
    assert feeds["https://deep.example/atom"].tags == ("News", "Europe", "eu", "extra")
    reasons = dict(result.rejected)
    assert len(result.rejected) == 9
    assert "scheme 'javascript' is not allowed" in reasons["javascript:alert(document.cookie)"]
    assert reasons["/feed.xml"] == reasons["example.org/feed"] == "not an absolute http(s) URL"
    assert "file" in reasons["file:///etc/passwd"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not xml", "not valid OPML"),
        (b"<rss><channel/></rss>", "not an OPML document"),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><opml><body>&b;</body></opml>',
            "DOCTYPE",
        ),
    ],
)
def test_bad_opml_is_refused(data: bytes, words: str):
    with pytest.raises(OpmlError, match=words):
        parse_opml(data)


def test_import_via_cli_is_idempotent_and_runs_nothing(
    opml_file: Path, marker: Path, run_cli, in_cli, write_config
):
    config = write_config([])
    result = run_cli("import", str(opml_file))
    assert result.returncode == 0, result.stderr
    assert "Imported 4 new feeds (0 already subscribed, 9 skipped)" in result.stdout
    assert "skipped 'javascript:alert(document.cookie)'" in result.stdout
    first = config.read_text(encoding="utf-8")
    again = in_cli("import", str(opml_file))
    assert "Imported 0 new feeds (4 already subscribed" in again.stdout
    assert config.read_text(encoding="utf-8") == first
    feeds = cfg.load(config).feeds
    assert [f.tags for f in feeds][:3] == [(), ("News",), ("News", "Europe", "eu", "extra")]
    # Listing and exporting the imported feeds must not run anything either.
    assert in_cli("feeds").returncode == 0 and in_cli("export").returncode == 0
    assert not marker.exists()


def test_import_errors_are_messages(tmp_path: Path, in_cli, write_config):
    write_config([])
    missing = in_cli("import", str(tmp_path / "nope.opml"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline", encoding="utf-8")
    result = in_cli("import", str(bad))
    assert (
        result.returncode == 2 and "bad.opml" in result.stderr and "not valid OPML" in result.stderr
    )


def test_export_round_trips(tmp_path: Path, run_cli, in_cli, write_config):
    config = write_config([])
    feeds = [
        FeedConfig("https://a.example/feed", "Alpha & Co <news>", ("world", "daily")),
        FeedConfig("https://b.example/feed?x=1&y=2", None, ()),
        FeedConfig("https://c.example/feed", "Gamma", ("world",)),
        FeedConfig("https://d.example/ё", "Ёлка", ("рус",)),
    ]
    cfg.add_feeds(config, feeds)
    out = tmp_path / "out.opml"
    result = run_cli("export", str(out))
    assert result.returncode == 0 and "Exported 4 feeds" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    back = parse_opml(text.encode("utf-8")).feeds
    # Folders group feeds by their first tag, so the order may change; nothing else does.
    by_url = {f.url: f for f in back}
    assert sorted(by_url) == sorted(f.url for f in feeds)
    for feed in feeds:
        assert by_url[feed.url].tags == feed.tags
        assert by_url[feed.url].title == (feed.title or feed.url)
    # Importing the export into a fresh config gives the same subscriptions.
    fresh = tmp_path / "fresh.toml"
    fresh.write_text("# empty\n", encoding="utf-8")  # not first run: no starter feeds
    assert in_cli("--config", str(fresh), "import", str(out)).returncode == 0
    assert sorted(f.url for f in cfg.load(fresh).feeds) == sorted(by_url)
    stdout = in_cli("export").stdout
    assert parse_opml(stdout.encode("utf-8")).feeds == back


def test_to_opml_uses_store_titles_for_untitled_feeds():
    text = to_opml([FeedConfig("https://x.example/f")], {"https://x.example/f": "From the feed"})
    assert parse_opml(text.encode()).feeds[0].title == "From the feed"
