"""The spans of the open document in reading order; choosing one jumps to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual.color import Color
from textual.message import Message

from annotator.tui.span_index import SpanLike
from annotator.tui.text_layout import display_text
from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.virtual_list import Piece, VirtualList, fit

LABEL_WIDTH = 11


class SpanList(VirtualList):
    """One row per span: a swatch in the label's colour, the label, the covered text."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--highlight", "span-list--label"}

    class SpanChosen(Message):
        """A span was chosen in the list (Enter or a click)."""

        def __init__(self, span_id: int | None) -> None:
            super().__init__()
            self.span_id = span_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spans: Sequence[SpanLike] = ()
        self.text = ""
        self.label_colors: dict[str, str] = {}
        self._swatches: dict[str, Style] = {}

    def show(self, spans: Sequence[SpanLike], text: str, colors: dict[str, str]) -> None:
        self.spans, self.text, self.label_colors = spans, text, colors
        self._swatches.clear()
        self.set_count(len(spans))

    def _swatch(self, label: str) -> Style:
        style = self._swatches.get(label)
        if style is None:
            color = Color.parse(self.label_colors.get(label, "#808080"))
            style = self._swatches[label] = Style(color=color.rich_color)
        return style

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        span = self.spans[index]
        covered = self.text[span.start : min(span.end, span.start + 4 * width)]
        label_style = overlay_style(self, "span-list--label")
        return [
            (" ■ ", self._swatch(span.label)),
            (fit(span.label, LABEL_WIDTH), label_style),
            (" ", None),
            (fit(display_text(covered), max(width - LABEL_WIDTH - 4, 1)), None),
        ]

    def chosen(self, index: int) -> None:
        self.post_message(self.SpanChosen(self.spans[index].id))
