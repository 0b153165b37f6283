"""Modal screens: help, links, the article's quotes, one quote, feed problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.store import Feed
from reader.tui.format import date
from reader.tui.keymap import DIALOG_KEYS, QUOTE_KEYS, SCREENS, display_keys, keys_of
from reader.tui.quoteinfo import QuoteInfo
from reader.tui.safe import notify, text

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.tui.services import AppServices


class _Modal(ModalScreen):
    BINDINGS = [Binding(DIALOG_KEYS["modal_close"][0], "dismiss_none", "Close", id="modal_close")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class HelpScreen(_Modal):
    """Every key, as the user's keymap has it now; j/k and the arrows scroll it.

    A table whose key and binding-id columns never wrap: at 80 columns only the
    description column folds onto a second line."""

    BINDINGS = [
        Binding(DIALOG_KEYS[binding_id][0], action, label, show=False, id=binding_id)
        for binding_id, action, label in (
            ("help_down", "scroll(1)", "Down"),
            ("help_up", "scroll(-1)", "Up"),
            ("help_page_down", "scroll_page(1)", "Page down"),
            ("help_page_up", "scroll_page(-1)", "Page up"),
        )
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        tables: list[Table | Text] = []
        self.rows: list[tuple[str, str, str]] = []  # (keys, description, binding id)
        for title, table_keys in SCREENS.items():
            tables.append(text(f"\n{title}", style="bold"))
            table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
            table.add_column("keys", no_wrap=True, style="bold", min_width=8)
            table.add_column("description", ratio=1, overflow="fold")
            table.add_column("id", no_wrap=True, style="dim")
            for binding_id, (_keys, description) in table_keys.items():
                if binding_id.startswith("open_link_") and binding_id != "open_link_1":
                    continue
                shown = keys_of(binding_id, self.keymap)
                if binding_id == "open_link_1":
                    shown, description = "1-9", "Open link [n] of the article"
                self.rows.append((display_keys(shown), description, binding_id))
                table.add_row(text(display_keys(shown)), text(description), text(binding_id))
            tables.append(table)
        tables.append(
            text(
                '\nKeys can be changed in the config\'s [keys] table: binding id = "keys".\n'
                "ctrl+p opens the command palette (themes, every command).",
                style="dim",
            )
        )
        with Vertical(id="dialog", classes="help-dialog"):
            yield Static("Byline keys", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                for part in tables:
                    yield Static(part, classes="help-part")
            yield Static("j/k: scroll · escape: close", classes="dialog-hint")

    def action_scroll(self, lines: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)

    def action_scroll_page(self, pages: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        scroll.scroll_relative(y=pages * max(1, scroll.size.height - 1), animate=False)


class PickScreen(_Modal):
    """A list to pick from; dismisses with the picked option's index."""

    def __init__(self, title: str, options: list[Text | str], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.hint = hint

    def compose(self) -> ComposeResult:
        options = [o if isinstance(o, Text) else text(o) for o in self.options]
        with Vertical(id="dialog"):
            yield Static(text(self.title_text), classes="dialog-title")
            yield OptionList(*[Option(o, id=str(i)) for i, o in enumerate(options)])
            yield Static(text(self.hint or "enter: pick · escape: close"), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))


def links_screen(links) -> PickScreen:
    options = [
        text((f"[{link.number}] ", "bold"), link.text, "\n    ", (link.url, "dim"))
        for link in links
    ]
    return PickScreen("Links", options, "enter: open in the browser · escape: close")


def quotes_screen(quotes: list[Quote]) -> PickScreen:
    options = []
    for q in quotes:
        line = text(("“", "bold"), _short(q.text, 200), ("”", "bold"))
        who = q.speaker or "unattributed"
        if q.speaker and q.confidence == "low":
            who += " (uncertain)"
        line.append_text(
            text(f"\n    — {who}" + (" (partial)" if q.kind == "partial" else ""), style="dim")
        )
        options.append(line)
    return PickScreen("Quotes in this article", options, "enter: jump to it · escape: close")


class QuoteScreen(_Modal):
    """One quotation with who said it and where; s saves, d deletes, y copies, o opens."""

    BINDINGS = [
        Binding(QUOTE_KEYS["quote_save"][0], "save", "Save", id="quote_save"),
        Binding(QUOTE_KEYS["quote_delete"][0], "delete", "Delete", id="quote_delete"),
        Binding(QUOTE_KEYS["quote_copy"][0], "copy", "Copy", id="quote_copy"),
        Binding(QUOTE_KEYS["quote_open"][0], "open", "Open at quote", id="quote_open"),
        Binding(QUOTE_KEYS["quote_close"][0], "close", "Close", id="quote_close"),
    ]

    def __init__(self, info: QuoteInfo, saved: bool, services: AppServices) -> None:
        super().__init__()
        self.info = info
        self.saved = saved
        self.services = services

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(id="dialog", classes="quote-dialog"):
            yield Static("Quote", classes="dialog-title")
            with VerticalScroll():
                opening, closing = info.marks
                yield Static(text(f"{opening}{info.bare_text}{closing}"), id="quote-text")
                who = info.speaker or "Speaker not identified"
                if info.speaker and info.uncertain:
                    who += " (uncertain)"
                if info.cue and info.speaker and info.cue.lower() != "said":
                    who += f"  ({info.cue})"
                yield Static(text(f"— {who}"), id="quote-speaker")
                if info.context and info.context.strip() != info.text.strip():
                    yield Static(text(info.context), id="quote-context")
                yield Static(text(f"{info.entry_title}\n{info.feed_title}"), id="quote-source")
            yield Static(text(self._hint()), id="quote-hint", classes="dialog-hint")

    def _hint(self) -> str:
        state = "saved · d: delete" if self.saved else "s: save"
        return f"{state} · y: copy · o: open at the quote · escape: close"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete" and not self.saved:
            return None
        return True

    def action_save(self) -> None:
        if not self.services.save_quote(self.info):
            return
        self.saved = True
        self.query_one("#quote-hint", Static).update(text(self._hint()))
        self.refresh_bindings()

    def action_delete(self) -> None:
        found = [
            q
            for q in self.services.store.saved_quotes(entry_id=self.info.entry_id)
            if q.text == self.info.text
        ]
        if not found or not self.services.delete_quote(found[0]):
            return
        self.saved = False
        self.query_one("#quote-hint", Static).update(text(self._hint()))
        self.refresh_bindings()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.info.citation())
        notify(self, "Quote copied")

    def action_open(self) -> None:
        from reader.core.quotes.textfragment import text_fragment_url

        url = self.info.entry_link
        self.services.open_in_browser(url and text_fragment_url(url, self.info.text))

    def action_close(self) -> None:
        self.dismiss(None)


class FeedStatusScreen(_Modal):
    """Feeds whose last refresh failed, and why."""

    def __init__(self, feeds: list[Feed]) -> None:
        super().__init__()
        self.feeds = feeds

    def compose(self) -> ComposeResult:
        body = Text()
        bad = [f for f in self.feeds if f.status == "error" or f.error]
        if not bad:
            body.append("Every feed refreshed fine the last time it was tried.")
        for feed in bad:
            reason = feed.error or feed.status
            if feed.http_status:
                reason = f"HTTP {feed.http_status}: {reason}"
            when = f"  last tried {date(feed.checked_at)}" if feed.checked_at else ""
            if feed.ok_at:
                when += f", last worked {date(feed.ok_at)}"
            if feed.failures:
                when += f", {feed.failures} failure{'s' if feed.failures != 1 else ''} in a row"
            body.append_text(
                text(
                    (feed.title + "\n", "bold"),
                    (f"  {feed.url}\n", "dim"),
                    f"  {reason}\n",
                    (when + "\n\n", "dim"),
                )
            )
        ok = len(self.feeds) - len(bad)
        with Vertical(id="dialog"):
            yield Static(
                text(f"Feed problems · {len(bad)} failing, {ok} fine"), classes="dialog-title"
            )
            with VerticalScroll():
                yield Static(body)
            yield Static("escape: close · r/R in the list refreshes", classes="dialog-hint")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
