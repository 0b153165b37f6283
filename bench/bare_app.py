"""The yardstick for start-up: a bare Textual app that shows one Static.

Whatever Byline spends before its first screen beyond this is Byline's own; what this costs is
Python and Textual, which no change to Byline can remove.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

READY = "Bare Textual app ready"


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Static(READY)


if __name__ == "__main__":
    BareApp().run()
