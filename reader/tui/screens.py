"""Modal screens: help, links, the article's quotes, one quote, feed problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.store import Feed
from reader.tui.format import date
from reader.tui.keymap import MAIN_KEYS, QUOTE_KEYS, display_keys

if TYPE_CHECKING:
    from reader.core.quotes import Quote


class _Modal(ModalScreen):
    BINDINGS = [Binding("escape,q", "dismiss_none", "Close", id="modal_close")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class HelpScreen(_Modal):
    """Every key, as the user's keymap has it now."""

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Text()
        rows: list[tuple[str, str, str]] = []
        for table_keys, title in ((MAIN_KEYS, "Main"), (QUOTE_KEYS, "Quote screen")):
            rows.append(("", title, ""))
            for binding_id, (keys, description) in table_keys.items():
                if binding_id.startswith("open_link_") and binding_id != "open_link_1":
                    continue
                shown = self.keymap.get(binding_id, keys)
                if binding_id == "open_link_1":
                    shown, description = "1-9", "Open link [n] of the article"
                rows.append((display_keys(shown), description, binding_id))
        width = max(len(description) for keys, description, _ in rows if keys)
        for keys, description, binding_id in rows:
            if not keys:
                table.append(f"\n{description}\n", style="bold")
                continue
            table.append(f"  {keys:<16}", style="bold")
            table.append(f"{description:<{width}}")
            table.append(f"  {binding_id}\n", style="dim")
        table.append(
            '\nKeys can be changed in the config\'s [keys] table: binding id = "keys".\n'
            "ctrl+p opens the command palette (themes, every command).",
            style="dim",
        )
        with Vertical(id="dialog"):
            yield Static("Byline keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
            yield Static("escape: close", classes="dialog-hint")


class PickScreen(_Modal):
    """A list to pick from; dismisses with the picked option's index."""

    def __init__(self, title: str, options: list[Text | str], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(o, id=str(i)) for i, o in enumerate(self.options)])
            yield Static(self.hint or "enter: pick · escape: close", classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))


def links_screen(links) -> PickScreen:
    options = [
        Text.assemble((f"[{link.number}] ", "bold"), link.text, "\n    ", (link.url, "dim"))
        for link in links
    ]
    return PickScreen("Links", options, "enter: open in the browser · escape: close")


def quotes_screen(quotes: list[Quote]) -> PickScreen:
    options = []
    for q in quotes:
        line = Text.assemble(("“", "bold"), _short(q.text, 200), ("”", "bold"))
        who = q.speaker or "unattributed"
        line.append(f"\n    — {who}" + (" (partial)" if q.kind == "partial" else ""), "dim")
        options.append(line)
    return PickScreen("Quotes in this article", options, "enter: jump to it · escape: close")


@dataclass
class QuoteInfo:
    entry_id: int
    text: str
    kind: str
    start: int
    end: int
    speaker: str | None
    cue: str | None
    context: str
    entry_title: str
    entry_link: str
    feed_title: str

    @property
    def bare_text(self) -> str:
        """The quotation without the comma that led into "…," she said."""
        return " ".join(self.text.split()).rstrip(",;:")

    def citation(self) -> str:
        who = f" — {self.speaker}" if self.speaker else ""
        parts = [p for p in (self.entry_title, self.entry_link) if p]
        return f"“{self.bare_text}”{who}, " + ", ".join(parts)


class QuoteScreen(ModalScreen):
    """One quotation with who said it and where; s saves, y copies, o opens."""

    BINDINGS = [
        Binding(QUOTE_KEYS["quote_save"][0], "save", "Save", id="quote_save"),
        Binding(QUOTE_KEYS["quote_copy"][0], "copy", "Copy", id="quote_copy"),
        Binding(QUOTE_KEYS["quote_open"][0], "open", "Open at quote", id="quote_open"),
        Binding(QUOTE_KEYS["quote_close"][0], "close", "Close", id="quote_close"),
    ]

    def __init__(self, info: QuoteInfo, saved: bool) -> None:
        super().__init__()
        self.info = info
        self.saved = saved

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(id="dialog", classes="quote-dialog"):
            yield Static("Quote", classes="dialog-title")
            with VerticalScroll():
                yield Static(Text(f"“{info.bare_text}”"), id="quote-text")
                who = info.speaker or "Speaker not identified"
                if info.cue and info.speaker and info.cue.lower() != "said":
                    who += f"  ({info.cue})"
                yield Static(Text(f"— {who}"), id="quote-speaker")
                if info.context and info.context.strip() != info.text.strip():
                    yield Static(Text(info.context), id="quote-context")
                yield Static(Text(f"{info.entry_title}\n{info.feed_title}"), id="quote-source")
            yield Static(self._hint(), id="quote-hint", classes="dialog-hint")

    def _hint(self) -> str:
        state = "saved" if self.saved else "s: save"
        return f"{state} · y: copy · o: open at the quote · escape: close"

    def action_save(self) -> None:
        if not self.app.save_quote(self.info):  # type: ignore[attr-defined]
            return
        self.saved = True
        self.query_one("#quote-hint", Static).update(self._hint())

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.info.citation())
        self.notify("Quote copied")

    def action_open(self) -> None:
        from reader.core.textfragment import text_fragment_url

        url = self.info.entry_link
        self.app.open_in_browser(url and text_fragment_url(url, self.info.text))  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)


class FeedStatusScreen(_Modal):
    """Feeds whose last refresh failed, and why."""

    def __init__(self, feeds: list[Feed]) -> None:
        super().__init__()
        self.feeds = feeds

    def compose(self) -> ComposeResult:
        text = Text()
        bad = [f for f in self.feeds if f.status == "error" or f.error]
        if not bad:
            text.append("Every feed refreshed fine the last time it was tried.")
        for feed in bad:
            text.append(feed.title + "\n", style="bold")
            text.append(f"  {feed.url}\n", style="dim")
            reason = feed.error or feed.status
            if feed.http_status:
                reason = f"HTTP {feed.http_status}: {reason}"
            text.append(f"  {reason}\n")
            when = f"  last tried {date(feed.checked_at)}" if feed.checked_at else ""
            if feed.ok_at:
                when += f", last worked {date(feed.ok_at)}"
            if feed.failures:
                when += f", {feed.failures} failure{'s' if feed.failures != 1 else ''} in a row"
            text.append(when + "\n\n", style="dim")
        ok = len(self.feeds) - len(bad)
        with Vertical(id="dialog"):
            yield Static(f"Feed problems · {len(bad)} failing, {ok} fine", classes="dialog-title")
            with VerticalScroll():
                yield Static(text)
            yield Static("escape: close · r/R in the list refreshes", classes="dialog-hint")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
