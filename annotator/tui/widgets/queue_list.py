"""The annotator's queue: one row per document, paged in from a callback as it scrolls.

The list never holds the queue: it keeps a few pages of rows, fetched through the `fetch`
callable it is given (the screen pages them from SQLite), so 100,000 documents open as fast
as ten.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

from textual.message import Message

from annotator.models import QueueItem, Status
from annotator.tui.text_layout import display_text
from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.virtual_list import Piece, VirtualList, fit

PAGE = 100
PAGES_KEPT = 16

STATUS_TEXT = {
    Status.TODO: ("○ todo", "queue-list--todo"),
    Status.IN_PROGRESS: ("◐ in progress", "queue-list--in-progress"),
    Status.DONE: ("● done", "queue-list--done"),
    Status.SKIPPED: ("⊘ skipped", "queue-list--skipped"),
}

Fetch = Callable[[int, int], list[QueueItem]]


def columns(width: int, count: int) -> tuple[int, int, int, int, int]:
    """Widths of the number, status, spans, length and title columns."""
    number = max(len(str(count)), 1)
    status, spans, length = 13, 6, 8
    title = max(width - number - status - spans - length - 6, 8)
    return number, status, spans, length, title


def heading(width: int, count: int) -> str:
    number, status, spans, length, title = columns(width, count)
    return (
        f" {'#':>{number}}  {'status':<{status}}{'spans':>{spans}}{'chars':>{length}}  "
        f"{fit('title', title)}"
    )


class QueueList(VirtualList):
    """Documents of the queue with status, span count, length and title."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--highlight",
        "queue-list--todo",
        "queue-list--in-progress",
        "queue-list--done",
        "queue-list--skipped",
        "queue-list--muted",
    }

    class DocumentChosen(Message):
        """A document was opened from the queue."""

        def __init__(self, doc_id: str) -> None:
            super().__init__()
            self.doc_id = doc_id

    def __init__(self, fetch: Fetch, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._fetch = fetch
        self._pages: OrderedDict[int, list[QueueItem]] = OrderedDict()

    def reset(self, count: int, highlight: int | None = 0) -> None:
        """Forget the fetched pages (the filter or the data changed)."""
        self._pages.clear()
        self.set_count(count)  # also forgets the drawn rows
        self.highlight(highlight if count else None)

    def item(self, index: int) -> QueueItem | None:
        if not 0 <= index < self.count:
            return None
        number = index // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self._fetch(number * PAGE, PAGE)
            if len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        position = index - number * PAGE
        return page[position] if position < len(page) else None

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        item = self.item(index)
        if item is None:
            return []
        number, status, spans, length, title = columns(width, self.count)
        label, component = STATUS_TEXT[item.status]
        muted = overlay_style(self, "queue-list--muted")
        return [
            (f" {index + 1:>{number}}  ", muted),
            (f"{label:<{status}}", overlay_style(self, component)),
            (f"{item.spans:>{spans}}{item.length:>{length}}  ", None),
            (fit(display_text(item.title) or "(empty)", title), None),
        ]

    def chosen(self, index: int) -> None:
        item = self.item(index)
        if item is not None:
            self.post_message(self.DocumentChosen(item.doc_id))

    def clicked(self, index: int, chain: int) -> None:
        if chain >= 2:
            self.chosen(index)
