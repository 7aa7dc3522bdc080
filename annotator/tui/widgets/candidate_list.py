"""The review's candidate list: every distinct span of the document, how it is disputed.

One row per item: whether gold holds it, the kind of (dis)agreement as a word and a glyph
(so it reads without colour too), the label, who proposed it (names: a majority shows as
more than half of the document's annotators) and the covered text, with the text beyond
the edges in dispute (`excerpt`). The kinds' colours are component classes in
`app.tcss`; the list never touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual.color import Color
from textual.message import Message

from annotator.adjudicate import Agreement, ReviewItem, disputed_edges
from annotator.tui.excerpt import excerpt
from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.virtual_list import Piece, VirtualList, fit

KINDS: dict[Agreement | None, tuple[str, str]] = {
    Agreement.ALL: ("● all agree", "candidate-list--all"),
    Agreement.SOME: ("◐ only some", "candidate-list--some"),
    Agreement.BOUNDARY: ("↔ boundary", "candidate-list--boundary"),
    Agreement.LABEL: ("≠ label", "candidate-list--label"),
    None: ("★ gold only", "candidate-list--gold-only"),
}
"""What each kind is called on screen, and the component class that colours it."""

KIND_WIDTH = 12
LABEL_WIDTH = 12
NAMES_WIDTH = 16


def _names(item: ReviewItem) -> str:
    return ",".join(item.annotators) if item.annotators else "lead"


def in_gold_mark(item: ReviewItem, settled: bool) -> str:
    """✓ in gold; ✗ rejected, or left out of a document marked adjudicated; · undecided."""
    if item.gold_id is not None:
        return "✓"
    return "✗" if settled or item.rejected else "·"


class CandidateList(VirtualList):
    """The items of the open document (attributes down); says which one the lead picked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--highlight",
        "candidate-list--in-gold",
        "candidate-list--muted",
        *(component for _, component in KINDS.values()),
    }

    class ItemHighlighted(Message):
        """The lead moved the highlight onto an item (arrows or a click)."""

        def __init__(self, item_id: int) -> None:
            super().__init__()
            self.item_id = item_id

    class ItemChosen(Message):
        """The lead chose an item with Enter: go to it in the text."""

        def __init__(self, item_id: int) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[ReviewItem] = ()
        self.text = ""
        self.settled = False
        self.names_width = 0
        self.label_width = 0
        self.label_colors: dict[str, str] = {}
        self._swatches: dict[str, Style] = {}
        self._edges: dict[int, tuple[bool, bool]] = {}

    def show(
        self,
        items: Sequence[ReviewItem],
        text: str,
        settled: bool,
        colors: dict[str, str],
    ) -> None:
        """New items (`settled`: the document is marked adjudicated)."""
        self.items, self.text, self.settled = items, text, settled
        self.label_colors = colors
        self.names_width = min(max((len(_names(item)) for item in items), default=0), NAMES_WIDTH)
        self.label_width = min(max((len(item.label) for item in items), default=0), LABEL_WIDTH)
        self._swatches.clear()
        self._edges.clear()
        self.set_count(len(items))

    def _swatch(self, label: str) -> Style:
        style = self._swatches.get(label)
        if style is None:
            color = Color.parse(self.label_colors.get(label, "#808080"))
            style = self._swatches[label] = Style(color=color.rich_color)
        return style

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        item = self.items[index]
        kind, component = KINDS[item.kind]
        used = 3 + KIND_WIDTH + 2 + self.label_width + 1 + self.names_width + 1
        edges = self._edges.get(item.id)
        if edges is None:
            edges = self._edges[item.id] = disputed_edges(item, self.items)
        mark_style = "candidate-list--in-gold" if item.gold_id else "candidate-list--muted"
        return [
            (f" {in_gold_mark(item, self.settled)} ", overlay_style(self, mark_style)),
            (fit(kind, KIND_WIDTH), overlay_style(self, component)),
            ("■ ", self._swatch(item.label)),
            (fit(item.label, self.label_width) + " ", None),
            (fit(_names(item), self.names_width), overlay_style(self, "candidate-list--muted")),
            (" ", None),
            (
                fit(excerpt(self.text, item.start, item.end, width - used, edges), width - used),
                None,
            ),
        ]

    def _moved(self) -> None:
        if self.highlighted is not None and self.items:
            self.post_message(self.ItemHighlighted(self.items[self.highlighted].id))

    def action_step(self, delta: int) -> None:
        super().action_step(delta)
        self._moved()

    def action_page(self, direction: int) -> None:
        super().action_page(direction)
        self._moved()

    def action_edge(self, direction: int) -> None:
        super().action_edge(direction)
        self._moved()

    def chosen(self, index: int) -> None:
        self.post_message(self.ItemChosen(self.items[index].id))

    def clicked(self, index: int, chain: int) -> None:
        self._moved()
        if chain >= 2:
            self.chosen(index)
