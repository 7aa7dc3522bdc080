"""One line under the document: what is under the cursor, or what just happened."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class StatusLine(Widget):
    """Shows one line of content; repaints only itself (no layout) when it changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")

    def show(self, content: Content) -> None:
        if content.is_same(self._content):
            return
        self._content = content
        self.refresh()

    def render(self) -> Content:
        return self._content
