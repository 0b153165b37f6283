"""The key footer, rebuilt only when what it shows changes.

Textual's Footer recomposes all of its keys whenever the screen's bindings *might* have
changed: on every focus change and every screen-stack change. Before Byline's first screen
that happened 11 times (focus moves as the panes mount), each one mounting and styling a
dozen widgets: measured here, about a third of Byline's own start-up CPU. Keys, labels and
enabled states are compared instead, and the footer is rebuilt only when one of them differs.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would draw the same keys again."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None
        self._pending = False

    def shown(self) -> tuple:
        """What the footer draws: every shown key with its label, state and tooltip."""
        app = self.app
        return tuple(
            (binding.key, app.get_key_display(binding), binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    def bindings_changed(self, screen: Screen) -> None:
        # Footer.bindings_changed, with the rebuild coalesced and compared when it runs:
        # several changes before the next refresh (focus moving as panes mount) are one check.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        shown = self.shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
