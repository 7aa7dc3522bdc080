"""The queue screen: this annotator's documents, filtered by status, searched by title.

Rows are paged from SQLite as they scroll into view and the counts are made in a worker,
so a project of 100,000 documents opens as quickly as one of ten.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from annotator.models import QueueItem, Status
from annotator.store import Store
from annotator.tui.messages import CountsWanted, DocumentWanted, QueueCounted
from annotator.tui.screens import fold
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.project_bar import ProjectBar
from annotator.tui.widgets.queue_list import QueueList, heading

FILTERS: list[tuple[Status | None, str]] = [
    (None, "all"),
    (Status.TODO, "todo"),
    (Status.IN_PROGRESS, "in progress"),
    (Status.DONE, "done"),
    (Status.SKIPPED, "skipped"),
]
SEARCH_DELAY = 0.15


class QueueScreen(Screen[None]):
    """Pick a document to annotate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", tooltip="Open the highlighted document."),
        # Priority: it runs before the keys typed after it, which belong to the field.
        Binding(
            "/", "search", "Search", priority=True, tooltip="Search titles and ids as you type."
        ),
        Binding("f", "filter(1)", "Filter", tooltip="Show all, todo, in progress, done, skipped."),
        Binding("F", "filter(-1)", "Filter back", show=False),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self, store: Store, annotator: str) -> None:
        super().__init__()
        fold(self)
        self.store = store
        self.annotator = annotator
        self.filter_index = 0
        self.search = ""
        self.total = 0
        self.counts: dict[Status, int] = {}
        self._search_timer: Timer | None = None

    @property
    def status(self) -> Status | None:
        return FILTERS[self.filter_index][0]

    def compose(self) -> ComposeResult:
        yield ProjectBar(id="project-bar")
        with Horizontal(id="queue-tools"):
            yield Input(placeholder="/ search titles", id="queue-search")
            yield Static(id="queue-filters")
        yield Static(id="queue-heading")
        yield QueueList(self._fetch, id="queue")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_focus(self.query_one(QueueList))

    def on_screen_resume(self) -> None:
        queue = self.query_one(QueueList)
        self.reload(keep=queue.highlighted)
        self.set_focus(queue)

    def _fetch(self, offset: int, limit: int) -> list[QueueItem]:
        return self.store.queue(
            self.annotator,
            status=self.status,
            search=self.search or None,
            offset=offset,
            limit=limit,
        )

    def reload(self, keep: int | None = None) -> None:
        """Count the filtered queue and show its rows (they page in on demand), the row
        `keep` highlighted, or else the first document still to do."""
        search = self.search or None
        count = self.store.queue_count(self.annotator, status=self.status, search=search)
        if keep is None:
            keep = self.store.first_open_position(self.annotator, status=self.status, search=search)
        queue = self.query_one(QueueList)
        queue.reset(count, highlight=min(keep or 0, max(count - 1, 0)))
        self._show_heading()
        self._show_filters()
        self.post_message(CountsWanted(self))

    def on_queue_counted(self, event: QueueCounted) -> None:
        """Queue totals, counted in a worker (they grow with the corpus)."""
        total, counts = event.total, event.counts
        self.total, self.counts = total, counts
        self.query_one(ProjectBar).show(
            self.store.path.name,
            self.store.scheme.qualified_name,
            self.annotator,
            f"{total} document{'s' if total != 1 else ''}",
            counts.get(Status.DONE, 0),
            total,
        )
        self._show_filters()

    def _show_filters(self) -> None:
        parts: list[str | tuple[str, str]] = []
        for index, (status, name) in enumerate(FILTERS):
            count = self.total if status is None else self.counts.get(status, 0)
            style = "reverse bold" if index == self.filter_index else ""
            if index:
                parts.append((" ", ""))
            parts.append((f" {name} {count} ", style))
        self.query_one("#queue-filters", Static).update(Content.assemble(*parts))

    def _show_heading(self) -> None:
        queue = self.query_one(QueueList)
        width = queue.scrollable_content_region.width or self.size.width
        self.query_one("#queue-heading", Static).update(heading(width, queue.count))

    def on_resize(self) -> None:
        fold(self)
        self._show_heading()

    # ------------------------------------------------------------------ actions

    def action_open(self) -> None:
        self.query_one(QueueList).action_choose()

    def on_queue_list_document_chosen(self, event: QueueList.DocumentChosen) -> None:
        self.post_message(DocumentWanted(event.doc_id))

    def action_filter(self, step: int) -> None:
        self.filter_index = (self.filter_index + step) % len(FILTERS)
        self.reload()

    def action_search(self) -> None:
        field = self.query_one("#queue-search", Input)
        if field.has_focus:  # "/" typed in the query itself
            field.insert_text_at_cursor("/")
            return
        self.set_focus(field)

    def action_clear_search(self) -> None:
        field = self.query_one("#queue-search", Input)
        if field.value:
            field.value = ""
        if self.search:
            self.search = ""
            self.reload()
        self.set_focus(self.query_one(QueueList))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()

        def apply() -> None:
            if value != self.search:
                self.search = value
                self.reload()

        self._search_timer = self.set_timer(SEARCH_DELAY, apply)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        if value != self.search:
            self.search = value
            self.reload()
        self.set_focus(self.query_one(QueueList))
