"""The footer of every screen: Textual's `Footer`, rebuilt at most once per refresh.

Textual's footer rebuilds all its keys (a dozen widgets, each styled) every time the
screen's bindings may have changed: a screen push, a focus change, each
`refresh_bindings`. Opening a document does all of these before the first paint, so the
same keys were built two or three times over. Here a change only marks the footer for a
rebuild after the next refresh; further changes before then join it, and the rebuild
reads the bindings as they are by then.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A footer that rebuilds once for any number of binding changes between refreshes."""

    def __init__(self) -> None:
        super().__init__()
        self._rebuild_pending = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # As `Footer.bindings_changed`, with the rebuilds between two refreshes joined.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
