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

# The People view (reader/tui/screens/people.py).
PEOPLE_KEYS: dict[str, tuple[str, str]] = {
    "people_back": ("escape", "Back one step (clear the filter, leave the view)"),
    "people_open": ("enter", "Open the person, or the article at the quote"),
    "people_down": ("down", "Next row"),
    "people_up": ("up", "Previous row"),
    "people_span": ("ctrl+t", "This week / all time"),
    "people_search": ("slash", "Search quotes"),
}

# Every dialog (help, links, quotes, feed problems), and the help's scrolling.
DIALOG_KEYS: dict[str, tuple[str, str]] = {
    "modal_close": ("escape,q", "Close the dialog"),
    "help_down": ("j,down", "Scroll the help down"),
    "help_up": ("k,up", "Scroll the help up"),
    "help_page_down": ("space,pagedown", "Page the help down"),
    "help_page_up": ("b,pageup", "Page the help up"),
}

# Each screen's table, with the title the help screen gives it. A key may serve two
# screens, never two bindings of one screen (`clash`).
SCREENS: dict[str, dict[str, tuple[str, str]]] = {
    "Main": MAIN_KEYS,
    "Quote screen": QUOTE_KEYS,
    "People": PEOPLE_KEYS,
    "Dialogs": DIALOG_KEYS,
}

DEFAULT_KEYS: dict[str, tuple[str, str]] = {k: v for t in SCREENS.values() for k, v in t.items()}

# Characters a person may write for a key, and the key names Textual gives them. The one
# table both ways: `parse_keys` reads "?" as "question_mark", `display_keys` shows it as "?".
ALIASES: dict[str, str] = {
    "?": "question_mark",
    "/": "slash",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "\\": "backslash",
    " ": "space",
}
_SHOWN = {name: char for char, name in ALIASES.items() if char != " "}


class KeymapError(ValueError):
    """A `[keys]` table the app cannot run with; `binding_id` is the entry to point at."""

    def __init__(self, message: str, binding_id: str) -> None:
        super().__init__(message)
        self.binding_id = binding_id


def parse_keys(keys: str) -> list[str]:
    """A binding's keys ("j,down", "?") as the key names Textual sends ("question_mark")."""
    names = []
    for raw in keys.split(","):
        key = raw.strip()
        if key:
            names.append(ALIASES.get(key, key))
    return names


def keys_of(binding_id: str, overrides: dict[str, str]) -> str:
    """The keys bound to `binding_id` now: the user's `[keys]` entry, else the default."""
    return overrides.get(binding_id, DEFAULT_KEYS[binding_id][0])


def display_keys(keys: str) -> str:
    """Keys as a person reads them: "question_mark" -> "?"."""
    return ", ".join(_SHOWN.get(k.strip(), k.strip()) for k in keys.split(","))


def unknown_ids(keys: dict[str, str]) -> list[str]:
    """Ids in a `[keys]` table that no binding has."""
    return sorted(set(keys) - set(DEFAULT_KEYS))


def clash(overrides: dict[str, str]) -> tuple[str, str, str] | None:
    """(binding id from [keys], key, the other binding id) for a key bound twice on one screen
    (`quit = "j"` made j quit instead of moving down, issue 10); None when every key is free."""
    for screen in SCREENS.values():
        owner: dict[str, str] = {}
        # The user's bindings first, so the one reported is the one they wrote.
        ids = sorted(screen, key=lambda binding_id: binding_id not in overrides)
        for binding_id in ids:
            for key in parse_keys(overrides.get(binding_id, screen[binding_id][0])):
                if key in owner and owner[key] != binding_id:
                    first, second = owner[key], binding_id
                    user = first if first in overrides else second
                    return user, key, second if user == first else first
                owner[key] = binding_id
    return None


def validate(overrides: dict[str, str]) -> None:
    """Refuse a `[keys]` table with an id no binding has or a key bound twice on one screen
    (the CLI adds the config's path and line; `BylineApp(config)` runs this too)."""
    unknown = unknown_ids(overrides)
    if unknown:
        listed = ", ".join(_quoted(u) for u in unknown)
        raise KeymapError(
            f"unknown binding id(s) in [keys]: {listed}; known: {', '.join(sorted(DEFAULT_KEYS))}",
            unknown[0],
        )
    found = clash(overrides)
    if found:
        binding_id, key, other = found
        taken_by = f"{other} (also set in [keys])" if other in overrides else f"{other} by default"
        raise KeymapError(
            f"[keys] {binding_id} = {_quoted(overrides[binding_id])}: {key!r} is already bound "
            f"to {taken_by}; choose another key, or give {other} other keys in [keys] too",
            binding_id,
        )


def _quoted(value: str) -> str:
    """`value` quoted as `json.dumps` writes it (this table imports nothing, so no json)."""
    named = {
        '"': '\\"',
        "\\": "\\\\",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
    }
    out = []
    for char in value:
        if char in named:
            out.append(named[char])
        elif " " <= char <= "~":
            out.append(char)
        else:
            units = char.encode("utf-16-be")
            out.extend(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
    return '"' + "".join(out) + '"'
