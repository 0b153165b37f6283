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
    "page_down": ("space,pagedown", "Page the article down (at its end: the next unread)"),
    "page_up": ("b,pageup", "Page the article up"),
    "next_unread": ("n", "Next unread entry (at a feed's end: the next feed with unread)"),
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
    "toggle_pictures": ("i", "Show / hide the article's pictures"),
    "play": ("P", "Play the article's enclosure (again: resume)"),
    "download": ("D", "Download the article's enclosures"),
    "pipe": ("vertical_line", "Pipe the article to a [pipe_commands] program"),
    "go_saved": ("asterisk", "Saved entries"),
    "go_quotes": ("quotation_mark", "Saved quotes"),
    "go_people": ("at", "People: who is quoted, and what they said"),
    "go_feeds": ("f", "The feeds in the sidebar (again: the next feed)"),
    "maximise": ("z", "Maximise the article (or the list); again: both"),
    "switch_pane": ("tab", "Switch pane"),
    "back": ("escape", "Back to the list"),
    "close": ("q", "Close the article, search or view; quit from the All list"),
    "toggle_sidebar": ("backslash", "Show / hide the sidebar"),
    "help": ("question_mark", "This help"),
    "quit": ("ctrl+q", "Quit, from anywhere"),
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
    "people_help": ("question_mark", "All keys (this help)"),
}

# The Podcasts view (reader/tui/screens/podcasts.py).
PODCAST_KEYS: dict[str, tuple[str, str]] = {
    "podcasts_back": ("escape,q", "Back to the reader"),
    "podcasts_open": ("enter", "Open the episode's entry"),
}

# Every dialog (help, links, quotes, feed problems), and the lists of links and quotes.
DIALOG_KEYS: dict[str, tuple[str, str]] = {
    "modal_close": ("escape,q", "Close the dialog"),
    "pick_down": ("j", "Next row of a list (links, quotes)"),
    "pick_up": ("k", "Previous row of a list (links, quotes)"),
}

# This help.
HELP_KEYS: dict[str, tuple[str, str]] = {
    "help_down": ("j,down", "Scroll the help down"),
    "help_up": ("k,up", "Scroll the help up"),
    "help_page_down": ("space,pagedown", "Page the help down"),
    "help_page_up": ("b,pageup", "Page the help up"),
    "help_top": ("g,home", "The help's top"),
    "help_end": ("G,end", "The help's end"),
    "help_close": ("question_mark", "Close the help"),
}

# Each screen's table, with the title the help screen gives it. A key may serve two
# screens, never two bindings of one screen (`key_clash`).
SCREENS: dict[str, dict[str, tuple[str, str]]] = {
    "Main": MAIN_KEYS,
    "Quote screen": QUOTE_KEYS,
    "People": PEOPLE_KEYS,
    "Podcasts": PODCAST_KEYS,
    "Dialogs": DIALOG_KEYS,
    "Help": HELP_KEYS,
}

DEFAULT_KEYS: dict[str, tuple[str, str]] = {k: v for t in SCREENS.values() for k, v in t.items()}

# Characters a person may write for a key, and the key names Textual gives them (as its
# Binding does: tests/test_first_hour.py checks each against Textual). The one table both
# ways: `parse_keys` reads "?" as "question_mark", `display_keys` shows it as "?". A comma
# separates keys, so "," itself is written "comma".
ALIASES: dict[str, str] = {
    "!": "exclamation_mark", '"': "quotation_mark", "#": "number_sign", "$": "dollar_sign",
    "%": "percent_sign", "&": "ampersand", "'": "apostrophe", "(": "left_parenthesis",
    ")": "right_parenthesis", "*": "asterisk", "+": "plus", "-": "minus", ".": "full_stop",
    "/": "slash", ":": "colon", ";": "semicolon", "<": "less_than_sign", "=": "equals_sign",
    ">": "greater_than_sign", "?": "question_mark", "@": "at", "[": "left_square_bracket",
    "\\": "backslash", "]": "right_square_bracket", "^": "circumflex_accent",
    "_": "underscore", "`": "grave_accent", "{": "left_curly_bracket", "|": "vertical_line",
    "}": "right_curly_bracket", "~": "tilde", " ": "space",
}  # fmt: skip
_SHOWN = {name: char for char, name in ALIASES.items() if char != " "} | {"comma": ","}

# Keys with a name (besides characters and the names above); modifiers go before them.
NAMED_KEYS = frozenset(
    [
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "comma",
    ]
) | frozenset(f"f{n}" for n in range(1, 25))
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
KEY_HELP = (
    "a key is a character (j, G, ?), a name (enter, escape, tab, space, up, pageup, f5, "
    "comma for ,) or either after ctrl+, shift+ or alt+"
)


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


def key_problem(key: str) -> str | None:
    """Why `key` (one key of a binding, as parsed) is no key Textual can send; None if fine."""
    *mods, base = key.split("+") if key != "+" else ["+"]
    for mod in mods:
        if mod not in MODIFIERS:
            return f"{mod!r} is not a modifier (ctrl, shift, alt, meta)"
        if mods.count(mod) > 1:
            return f"{mod!r} is written twice"
    if base in NAMED_KEYS or base in _SHOWN:
        return None
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return None
    return f"{base!r} is not a key name"


def display_keys(keys: str) -> str:
    """Keys as a person reads them: "question_mark" -> "?"."""
    return ", ".join(_SHOWN.get(k.strip(), k.strip()) for k in keys.split(","))


def unknown_ids(keys: dict[str, str]) -> list[str]:
    """Ids in a `[keys]` table that no binding has."""
    return sorted(set(keys) - set(DEFAULT_KEYS))


def key_clash(overrides: dict[str, str]) -> tuple[str, str, str] | None:
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
    for binding_id, keys in overrides.items():
        if binding_id in DEFAULT_KEYS:
            _check_names(binding_id, keys)
    unknown = unknown_ids(overrides)
    if unknown:
        listed = ", ".join(_quoted(u) for u in unknown)
        raise KeymapError(
            f"unknown binding id(s) in [keys]: {listed}; known: {', '.join(sorted(DEFAULT_KEYS))}",
            unknown[0],
        )
    found = key_clash(overrides)
    if found:
        binding_id, key, other = found
        taken_by = f"{other} (also set in [keys])" if other in overrides else f"{other} by default"
        raise KeymapError(
            f"[keys] {binding_id} = {_quoted(overrides[binding_id])}: {key!r} is already bound "
            f"to {taken_by}; choose another key, or give {other} other keys in [keys] too",
            binding_id,
        )


def _check_names(binding_id: str, keys: str) -> None:
    """Every key of a `[keys]` entry is one Textual can send: a bad one would load silently
    and leave the action with no working key (issue 28, bug 3)."""
    written = f"[keys] {binding_id} = {_quoted(keys)}"
    if not keys.strip():
        raise KeymapError(f"{written}: no key given; {KEY_HELP}", binding_id)
    if any(not part.strip() for part in keys.split(",")):
        raise KeymapError(
            f"{written}: an empty key between commas (keys are separated by commas, so write "
            "comma for the , key)",
            binding_id,
        )
    for key in parse_keys(keys):
        problem = key_problem(key)
        if problem:
            raise KeymapError(f"{written}: {problem}; {KEY_HELP}", binding_id)


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
