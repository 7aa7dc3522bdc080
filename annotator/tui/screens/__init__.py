"""The workbench screens: queue, annotate, review, help, the glance, and the choosers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

NARROW = 96
"""Below this many columns the screens fold their side parts: the annotate and review
screens their side panel (b shows it), the queue its progress bar."""


def fold(screen: Screen[Any]) -> None:
    """Fold the screen's side parts below `NARROW` columns (its `-narrow` class).

    Called when a screen is made (with the terminal's width: it has none of its own yet)
    and on every resize. Set on the first resize only, the class would be styled after
    the first layout: that layout, and the scroll to the cursor made on it, would be the
    wide ones, and the next frame would move.
    """
    width = screen.size.width or screen.app.size.width
    screen.set_class(width < NARROW, "-narrow")
