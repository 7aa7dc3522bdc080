"""The review queue: documents two or more annotators finished, worst agreement first.

It shows what it is given (the agreement figures of each document and which ones are
adjudicated) and says which document the lead chose; the screen opens it.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

from annotator.tui.text_layout import display_text
from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.virtual_list import Piece, VirtualList, fit

if TYPE_CHECKING:  # the figures arrive from above; the widget never reads the store
    from annotator.agreement_report import DocumentFigures


def score(value: float) -> str:
    """A figure as the agreement report prints it; undefined is `n/a`, never 0."""
    return "  n/a" if math.isnan(value) else f"{value:.3f}"


class ReviewQueue(VirtualList):
    """One row per document: open marker, number, adjudicated, overlap F1, title."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--highlight",
        "review-queue--done",
        "review-queue--open",
        "review-queue--muted",
    }

    class DocumentChosen(Message):
        """The lead chose a document of the queue (Enter or a double click)."""

        def __init__(self, doc_id: str) -> None:
            super().__init__()
            self.doc_id = doc_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.documents: Sequence[DocumentFigures] = ()
        self.adjudicated: Container[str] = ()
        self.current: int | None = None

    def show(
        self,
        documents: Sequence[DocumentFigures],
        adjudicated: Container[str],
        current: int | None,
    ) -> None:
        """The queue, the documents already adjudicated, and the open one (an index)."""
        self.documents, self.adjudicated, self.current = documents, adjudicated, current
        self.set_count(len(documents))
        if current is not None:
            self.highlight(current)

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        doc = self.documents[index]
        number = len(str(len(self.documents)))
        done = doc.id in self.adjudicated
        muted = overlay_style(self, "review-queue--muted")
        return [
            ("▸ " if index == self.current else "  ", overlay_style(self, "review-queue--open")),
            (f"{index + 1:>{number}} ", muted),
            ("✓ " if done else "○ ", overlay_style(self, "review-queue--done") if done else muted),
            (f"{score(doc.f1_overlap)}  ", None),
            (fit(display_text(doc.title) or "(empty)", max(width - number - 13, 1)), None),
        ]

    def chosen(self, index: int) -> None:
        self.post_message(self.DocumentChosen(self.documents[index].id))

    def clicked(self, index: int, chain: int) -> None:
        if chain >= 2:
            self.chosen(index)
