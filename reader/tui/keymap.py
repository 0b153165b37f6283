"""Every key of the app: binding id -> (default keys, description).

This table is plain data (no textual import) so `byline` can validate a config's `[keys]`
table without loading the UI. The app builds its `Binding`s from it, so a user override
`next_entry = "ctrl+n"` in `[keys]` reaches the binding with that id via `App.set_keymap`.
Keys use Textual's names: "question_mark" for ?, "left_square_bracket" for [ and so on.
"""

from __future__ import annotations

# Main screen.
MAIN_KEYS: dict[str, tuple[str, str]] = {
    "cursor_down": ("j,down", "Next entry (or scroll the article down)"),
    "cursor_up": ("k,up", "Previous entry (or scroll the article up)"),
    "open": ("enter", "Open the entry (in the article: open the current quote)"),
    "page_down": ("space,pagedown", "Page the article down"),
    "page_up": ("b,pageup", "Page the article up"),
    "next_unread": ("n", "Next unread entry"),
    "prev_unread": ("p", "Previous unread entry"),
    "toggle_read": ("m", "Toggle read"),
    "toggle_saved": ("s", "Toggle saved (saving fetches the full text)"),
    "first": ("home,g", "First entry (or the article's top)"),
    "last": ("end,G", "Last entry (or the article's end)"),
    "mark_view_read": ("A", "Mark every entry of this view read"),
    "undo": ("u", "Undo the last mark-all-read or quote deletion"),
    "open_browser": ("o", "Open the entry's link in the browser"),
    **{
        f"open_link_{n}": (str(n), f"Open link [{n}] of the article" if n == 1 else "")
        for n in range(1, 10)
    },
    "links": ("l", "List the article's links"),
    "copy_link": ("y", "Copy the entry's link"),
    "search": ("slash", "Search (entries, or saved quotes in the Quotes view)"),
    "refresh_feed": ("r", "Refresh this feed"),
    "refresh_all": ("R", "Refresh all feeds"),
    "feed_status": ("e", "Feeds with errors"),
    "full_text": ("F", "Fetch / toggle the full article"),
    "next_quote": ("right_square_bracket", "Next quote in the article"),
    "prev_quote": ("left_square_bracket", "Previous quote in the article"),
    "quotes_panel": ("Q", "Quotes of this article"),
    "group_quotes": ("S", "Group saved quotes by speaker (Quotes view)"),
    "delete_quote": ("d", "Delete the saved quote (Quotes view, or the current quote)"),
    "switch_pane": ("tab", "Switch pane"),
    "back": ("escape", "Back to the list"),
    "toggle_sidebar": ("backslash", "Show / hide the sidebar"),
    "help": ("question_mark", "This help"),
    "quit": ("q", "Quit"),
}

# The quote screen.
QUOTE_KEYS: dict[str, tuple[str, str]] = {
    "quote_save": ("s", "Save the quote"),
    "quote_copy": ("y", "Copy the quote with its source"),
    "quote_open": ("o", "Open the article at the quote in the browser"),
    "quote_delete": ("d", "Delete the quote from the saved quotes"),
    "quote_close": ("escape,q", "Close"),
}

DEFAULT_KEYS: dict[str, tuple[str, str]] = {**MAIN_KEYS, **QUOTE_KEYS}


# Textual's key name -> what a person types and reads (the one alias table).
_SHOWN = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "backslash": "\\",
    "space": "space",
}
_NAMED = {shown: name for name, shown in _SHOWN.items()}


def display_keys(keys: str) -> str:
    """Keys as a person reads them: "question_mark" -> "?"."""
    return ", ".join(_SHOWN.get(k.strip(), k.strip()) for k in keys.split(","))


def unknown_ids(keys: dict[str, str]) -> list[str]:
    """Ids in a `[keys]` table that no binding has (for the CLI to report)."""
    return sorted(set(keys) - set(DEFAULT_KEYS))


def key_clash(overrides: dict[str, str]) -> tuple[str, str, str] | None:
    """(binding id from [keys], key, the other binding id) for a key bound twice on one screen
    (`quit = "j"` made j quit instead of moving down, issue 10); None when every key is free.
    A key may be written as typed ("?") or by Textual's name ("question_mark")."""
    for screen in (MAIN_KEYS, QUOTE_KEYS):
        owner: dict[str, str] = {}
        # The user's bindings first, so the one reported is the one they wrote.
        ids = sorted(screen, key=lambda binding_id: binding_id not in overrides)
        for binding_id in ids:
            keys = overrides.get(binding_id, screen[binding_id][0])
            for raw in keys.split(","):
                key = _NAMED.get(raw.strip(), raw.strip()) if raw.strip() else raw
                if not key:
                    continue
                if key in owner and owner[key] != binding_id:
                    first, second = owner[key], binding_id
                    user = first if first in overrides else second
                    return user, key, second if user == first else first
                owner[key] = binding_id
    return None
