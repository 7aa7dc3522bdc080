"""A list drawn row by row on demand: as long as its data, never built whole.

The queue of 100,000 documents and the list of 10,000 spans both use it: the list knows
only how many rows there are and asks the subclass for the pieces of the rows on screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.tui.widgets.overlay import overlay_style

Piece = tuple[str, Style | None]


def fit(text: str, width: int) -> str:
    """`text` cut (with an ellipsis) or padded to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class VirtualList(ScrollView, can_focus=True):
    """Rows drawn on demand, with one highlighted row that Enter or a click chooses."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--highlight"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Previous row", show=False),
        Binding("down", "step(1)", "Next row", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First row", show=False),
        Binding("end", "edge(1)", "Last row", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.count = 0
        self.highlighted: int | None = None
        self._base: Style | None = None
        self._strips: dict[int, tuple[bool, int, Strip]] = {}

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._strips.clear()

    def forget_rows(self) -> None:
        """Drop the drawn rows (their data changed)."""
        self._strips.clear()
        self.refresh()

    # ------------------------------------------------------------- subclass API

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        """The text and styles of row `index` (override)."""
        raise NotImplementedError

    def chosen(self, index: int) -> None:
        """Row `index` was chosen with Enter or a click (override)."""

    # -------------------------------------------------------------------- state

    def set_count(self, count: int) -> None:
        self.count = count
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        if self.highlighted is not None and self.highlighted >= count:
            self.highlighted = count - 1 if count else None
        self.refresh()

    def highlight(self, index: int | None, scroll: bool = True) -> None:
        if index is not None:
            index = min(max(index, 0), self.count - 1) if self.count else None
        old, self.highlighted = self.highlighted, index
        for row in (old, index):
            if row is not None:
                self.refresh_line(row)
        if scroll and index is not None:
            self.scroll_into_view(index)

    def scroll_into_view(self, index: int) -> None:
        """Scroll only when `index` is off screen, then by a good part of a page: a list
        following a moving cursor jumps now and then instead of scrolling at every step."""
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if height <= 0 or top <= index < top + height:
            return
        target = index - height * 3 // 4 if index < top else index - height // 4
        self.scroll_to(y=max(min(target, self.count - height), 0), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.count)
        if self.highlighted is not None:  # highlighted before there was a height to show it
            self.scroll_into_view(self.highlighted)

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if self._base is None:
            self._base = self.rich_style  # computing it walks the DOM: keep it
        base = self._base
        if index >= self.count:
            return Strip.blank(width, base)
        highlighted = index == self.highlighted
        cached = self._strips.get(index)
        if cached is not None and cached[0] == highlighted and cached[1] == width:
            return cached[2]
        if highlighted:
            base = base + overlay_style(self, "virtual-list--highlight")
        segments = [
            Segment(text, base if style is None else base + style)
            for text, style in self.row_pieces(index, width)
        ]
        strip = Strip(segments).adjust_cell_length(width, base)
        if len(self._strips) > 400:
            self._strips.clear()
        self._strips[index] = (highlighted, width, strip)
        return strip

    # ------------------------------------------------------------------ actions

    def action_step(self, delta: int) -> None:
        if self.count:
            start = self.highlighted if self.highlighted is not None else -delta
            self.highlight(start + delta)

    def action_page(self, direction: int) -> None:
        page = max(self.scrollable_content_region.height - 1, 1)
        if self.count:
            self.highlight((self.highlighted or 0) + direction * page)

    def action_edge(self, direction: int) -> None:
        if self.count:
            self.highlight(0 if direction < 0 else self.count - 1)

    def action_choose(self) -> None:
        if self.highlighted is not None:
            self.chosen(self.highlighted)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < self.count:
            self.highlight(index, scroll=False)
            self.clicked(index, event.chain)

    def clicked(self, index: int, chain: int) -> None:
        """A click on row `index` (`chain` 2 for a double click); chooses it by default."""
        self.chosen(index)
