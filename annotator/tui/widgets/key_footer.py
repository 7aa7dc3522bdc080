"""The footer of every screen: Textual's `Footer`, rebuilt at most once per refresh, and
made to fit the terminal's width.

Textual's footer rebuilds all its keys (a dozen widgets, each styled) every time the
screen's bindings may have changed: a screen push, a focus change, each
`refresh_bindings`. Opening a document does all of these before the first paint, so the
same keys were built two or three times over. Here a change only marks the footer for a
rebuild after the next refresh; further changes before then join it, and the rebuild
reads the bindings as they are by then.

Textual's footer also cuts the keys off at the right edge, and the right edge is where
the app's own keys are: at 80 columns `q Quit` and `? Help` were gone. Here, when the
keys do not fit, the footer first drops its padding, then the command palette's key,
then keys that are greyed out, then keys from the right; `q Quit` and `? Help` always
stay (the help screen lists every key).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ESSENTIAL = frozenset({"quit", "help"})
"""Actions whose keys the footer never drops."""


def key_width(key: FooterKey, compact: bool) -> int:
    """Cells a key takes in the footer (as `FooterKey`'s and `Footer`'s CSS lay it out)."""
    text = cell_len(key.key_display) + (cell_len(key.description) + 1 if key.description else 0)
    # wide: a space each side of the key; compact: a margin after the description
    return text + (1 if compact else 2)


class KeyFooter(Footer):
    """A footer that rebuilds once for any number of binding changes between refreshes,
    and shows as many keys as the width holds (always quit and help)."""

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
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the keys that fit in the footer's width, dropping the least needed first."""
        width = self.size.width
        keys = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        palette = [key for key in self.query(FooterKey) if key.has_class("-command-palette")]
        if not width or not keys:
            return
        shown = list(keys)
        compact = False

        def used() -> int:
            total = sum(key_width(key, compact) for key in shown)
            # the palette's key is docked right, behind a border and a padding cell
            return total + sum(key_width(key, compact) + 2 for key in palette)

        if used() > width:
            compact = True
        if used() > width:
            palette = []
        for key in [key for key in keys if key.has_class("-disabled")][::-1]:
            if used() <= width:
                break
            if key.action not in ESSENTIAL:
                shown.remove(key)
        for key in keys[::-1]:
            if used() <= width:
                break
            if key in shown and key.action not in ESSENTIAL:
                shown.remove(key)
        self.compact = compact
        for key in self.query(FooterKey):
            key.display = key in shown or key in palette
