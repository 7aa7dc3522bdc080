"""The side panel's relations: the focused span's, one line each, seen from that span.

The lines are made by the screen (`relation_lines`, at this panel's width) and handed
down; the panel only shows them. Its height is fixed in `app.tcss` and a new set of
lines is a repaint, never a layout, so following the cursor costs no more than the
status line does.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget


class RelationPanel(Widget):
    """A few lines of content; repaints only itself when they change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")

    @property
    def width(self) -> int:
        """The width lines are made for (a guess before the first layout)."""
        return self.content_region.width or 40

    def show(self, lines: Sequence[Content]) -> None:
        content = Content("\n").join(lines)
        if content.is_same(self._content):
            return
        self._content = content
        self.refresh()

    def render(self) -> Content:
        return self._content
