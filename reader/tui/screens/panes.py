"""What the main screen's action objects use of it: `MainPanes`.

`ArticleActions` (article_actions.py) and `SavedQuoteActions` (quote_actions.py) are objects
the main screen owns; they reach the panes and the screen's few shared helpers through this
interface, never through the screen's private state, and never import main.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from reader.core.store import Store
    from reader.tui.kinds import Mode
    from reader.tui.services import AppServices
    from reader.tui.widgets.article import ArticleView
    from reader.tui.widgets.entry_list import EntryList
    from reader.tui.widgets.quotes_view import QuotesView


class MainPanes(Protocol):
    services: AppServices
    store: Store
    mode: Mode  # what the upper pane holds: entries or saved quotes

    @property
    def app(self) -> App[Any]: ...

    @property
    def focused(self) -> Widget | None: ...

    @property
    def article(self) -> ArticleView: ...

    @property
    def entries(self) -> EntryList: ...

    @property
    def quotes_view(self) -> QuotesView: ...

    def set_focus(self, widget: Widget | None) -> None: ...

    def current_entry_id(self) -> int | None:
        """The entry the keys act on: the open article's when it has focus, else the row's."""
        ...

    def refresh_sidebar(self) -> None: ...

    def update_status(self, message: str = "") -> None: ...

    def say(self, message: str) -> None:
        """A short note in the status line."""
        ...

    def warn(self, message: str) -> None:
        """A warning toast (shown literally)."""
        ...
