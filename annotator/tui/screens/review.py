"""The review screen: adjudicate documents into the gold layer, worst agreement first.

The queue is the documents two or more annotators marked done, ordered as `annotator
agreement` lists them (worst first); working that order out reads every finished document,
so a thread worker does it on its own connection. For the open document the screen shows
every distinct span the annotators proposed (their layers, one at a time with `v`, or all
together), how they differ on each, and gold. The decisions themselves live in
`review_actions.py`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from annotator.adjudicate import Key, ReviewItem, review_items
from annotator.agreement_report import DocumentFigures, build_report
from annotator.errors import StoreError
from annotator.models import GOLD
from annotator.store import Store
from annotator.tokenize import TokenIndex
from annotator.tui.screens.review_actions import ReviewActions
from annotator.tui.screens.review_lines import describe_item, document_line, layer_tabs
from annotator.tui.screens.status import describe
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.project_bar import ProjectBar
from annotator.tui.widgets.review_queue import ReviewQueue
from annotator.tui.widgets.span_list import SpanList
from annotator.tui.widgets.status_line import StatusLine

FLASH_SECONDS = 4.0
NARROW = 96  # below this many columns the side panel hides (b shows it)
DOC_KEYS = ("accept", "reject", "accept_majority", "relabel", "resize", "edit_extent", "finish")

REVIEW_NOTES = (
    "Reviewing: the queue holds the documents two or more annotators marked done, worst "
    "agreement first. The text shows every distinct span they proposed (v shows one "
    "annotator's layer, or gold); the candidate list says who proposed each and how they "
    "differ: ● all agree, ◐ only some marked it, ↔ boundary (others marked the same label "
    "with other edges), ≠ label (others gave the same text another label), ★ gold only.\n"
    "Decisions go to the gold layer at once, with your name in the log: ✓ in gold, · not "
    "(yet), ✗ left out of a document marked adjudicated. Edits (relabel, edges) change gold; "
    "on a candidate gold lacks they store the edited span. u undoes the last gold change."
)


class ReviewScreen(ReviewActions):
    """Walk the disputed documents and settle each into gold."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", tooltip="Put the focused candidate into gold; next."),
        Binding(
            "x,delete",
            "reject",
            "Reject",
            key_display="x",
            tooltip="Keep the focused candidate out of gold (removed if gold has it); next.",
        ),
        Binding(
            "m",
            "accept_majority",
            "Majority",
            tooltip="Accept every span that more than half of the annotators marked exactly.",
        ),
        Binding("c", "relabel", "Relabel", tooltip="Change the label of the span in gold."),
        Binding(
            "enter",
            "edit_extent",
            "Edit extent",
            show=False,
            tooltip="Select the focused span's extent to move an edge: shift+arrows by token, "
            "alt+shift+arrows by character; Enter again puts the result in gold.",
        ),
        Binding(
            "[",
            "resize('start', -1)",
            "Start ← token",
            show=False,
            tooltip="Move the start of the focused span one token left (in gold).",
        ),
        Binding("]", "resize('start', 1)", "Start → token", show=False),
        Binding("{", "resize('end', -1)", "End ← token", show=False),
        Binding("}", "resize('end', 1)", "End → token", show=False),
        Binding("u", "undo", "Undo", tooltip="Undo the last change to this document's gold."),
        Binding("r", "redo", "Redo", show=False),
        Binding(
            "s",
            "finish",
            "Adjudicated+next",
            tooltip="Mark the document adjudicated and open the next one that is not.",
        ),
        Binding("n", "step_doc(1)", "Next doc", tooltip="The next document of the queue."),
        Binding("p", "step_doc(-1)", "Previous doc", show=False),
        Binding(
            "v",
            "layer(1)",
            "Layer",
            tooltip="Show all candidates, one annotator's layer, or gold (V: backwards).",
        ),
        Binding("V", "layer(-1)", "Layer back", show=False),
        Binding(
            "l",
            "documents",
            "Documents",
            tooltip="Move into the queue of documents; Enter opens one, Esc comes back.",
        ),
        Binding(
            "j",
            "candidates",
            "Candidate list",
            show=False,
            tooltip="Move into the candidate list; arrows walk it, Esc comes back.",
        ),
        Binding("b", "toggle_side", "Side panel", show=False),
    ]

    def __init__(self, store: Store, lead: str, open_doc: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.lead = lead
        self.open_doc = open_doc
        self.queue: list[DocumentFigures] | None = None
        self.adjudicated: dict[str, str] = {}
        self.position = 0
        self.doc_id: str | None = None
        self.names: list[str] = []
        self.spans_by: dict[str, list[Key]] = {}
        self.items: list[ReviewItem] = []
        self.shown: list[ReviewItem] = []
        self.shown_layer: str | None = None
        self.can_undo = False
        self.can_redo = False
        self._flash: Content | None = None
        self._flash_timer: Timer | None = None
        self._action_state: tuple[object, ...] = ()

    @property
    def label_colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.scheme.labels}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield ProjectBar(id="project-bar")
        with Horizontal(id="review-body"):
            with Vertical(id="review-pane"):
                yield Static(id="review-doc")
                yield Static(id="review-layers")
                yield DocumentView(id="document")
                yield StatusLine(id="status")
            with Vertical(id="review-side"):
                yield Static("Documents, worst first", classes="panel-title", id="queue-title")
                yield ReviewQueue(id="review-queue")
                yield Static("Candidates", classes="panel-title", id="candidates-title")
                yield CandidateList(id="candidates")
                yield Static("Gold", classes="panel-title", id="gold-title")
                yield SpanList(id="gold")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-body").loading = True
        self.set_focus(self.view)
        self.load_queue()

    def load_queue(self) -> None:
        """Work out the queue again (in a worker): `queue_loaded` shows it."""
        self._load_queue(self.store.path)

    @work(thread=True, exclusive=True, group="review-queue", exit_on_error=False)
    def _load_queue(self, path: Path) -> None:
        # Its own connection: the store's belongs to the UI thread.
        try:
            with Store.open(path) as store:
                documents = build_report(store).per_document
                adjudicated = store.adjudicated_documents()
        except (StoreError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.queue_loaded, documents, adjudicated)

    def queue_loaded(self, documents: list[DocumentFigures], adjudicated: dict[str, str]) -> None:
        self.queue, self.adjudicated = documents, adjudicated
        self.query_one("#review-body").loading = False
        self.query_one("#queue-title", Static).update(f"Documents, worst first ({len(documents)})")
        if not documents:
            self.query_one(ReviewQueue).show([], (), None)
            self.query_one("#review-doc", Static).update(
                "No document has been marked done by two or more annotators yet."
            )
            self._show_header()
            self.refresh_bindings()
            return
        ids = [doc.id for doc in documents]
        if self.open_doc in ids:
            self.open_at(ids.index(self.open_doc))
        else:
            todo = [index for index, doc_id in enumerate(ids) if doc_id not in adjudicated]
            self.open_at(todo[0] if todo else 0)

    # --------------------------------------------------------------- documents

    def open_at(self, index: int) -> bool:
        """Open the document at `index` of the queue, all layers shown, first item focused."""
        assert self.queue is not None
        figures = self.queue[index]
        try:
            text = self.store.document(figures.id).text
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open the document", severity="error")
            return False
        self.position, self.doc_id = index, figures.id
        self.names = list(figures.annotators)
        self.shown_layer = None
        self._read()
        self.view.load(
            text, TokenIndex(text), self.shown, self.label_colors, snap=self.scheme.snap_to_tokens
        )
        if self.shown:
            self.view.focus_span(self.shown[0].id)
        self._show_all()
        return True

    def jump_to(self, doc_id: str) -> None:
        """Open a document of the queue by id (the agreement screen's worst documents)."""
        ids = [doc.id for doc in self.queue or ()]
        if doc_id not in ids:
            self.notify("That document is not in the review queue", severity="warning")
            return
        self.open_at(ids.index(doc_id))
        self.set_focus(self.view)

    def _read(self) -> None:
        """The document's layers from the store, as items; `shown`: those of the layer."""
        assert self.doc_id is not None
        self.spans_by = {name: [] for name in self.names}
        gold: dict[Key, int] = {}
        for span in self.store.spans(self.doc_id):
            if span.layer == GOLD:
                gold[(span.start, span.end, span.label)] = span.id or 0
            elif span.layer in self.spans_by:
                self.spans_by[span.layer].append((span.start, span.end, span.label))
        self.items = review_items(self.spans_by, self.names, gold)
        self.shown = [item for item in self.items if self._in_layer(item)]

    def reload(self, focus: Key | None = None) -> None:
        if self.doc_id is None:
            return
        try:
            self._read()
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        target = next((item.id for item in self.shown if item.key == focus), None)
        self.view.set_spans(self.shown, focus=target)
        self._show_all()

    # ------------------------------------------------------------------ panels

    def _show_all(self) -> None:
        text = self.view.text
        settled = self.doc_id in self.adjudicated
        colors = self.label_colors
        self.query_one(CandidateList).show(self.shown, text, settled, colors)
        shown = "" if self.shown_layer is None else f", {len(self.shown)} in this layer"
        self.query_one("#candidates-title", Static).update(f"Candidates ({len(self.items)}{shown})")
        gold = [item for item in self.items if item.gold_id is not None]
        self.query_one("#gold", SpanList).show(gold, text, colors)
        self.query_one("#gold-title", Static).update(f"Gold ({len(gold)})")
        self.query_one(ReviewQueue).show(self.queue or [], self.adjudicated, self.position)
        try:
            self.can_undo = self.store.can_undo(self.doc_id or "", GOLD)
            self.can_redo = self.store.can_redo(self.doc_id or "", GOLD)
        except StoreError:
            self.can_undo = self.can_redo = False
        self._show_header()
        self._show_document_line()
        self._cursor_changed()

    def _show_header(self) -> None:
        total = len(self.queue or ())
        done = sum(1 for doc in self.queue or () if doc.id in self.adjudicated)
        where = f"doc {self.position + 1} of {total}" if self.doc_id else "nothing to review"
        self.query_one(ProjectBar).show(
            self.store.path.name,
            self.scheme.qualified_name,
            f"{self.lead} (review)",
            where,
            done,
            total,
        )

    def _show_document_line(self) -> None:
        if self.queue is None or self.doc_id is None:
            return
        figures = self.queue[self.position]
        by = self.adjudicated.get(self.doc_id)
        self.query_one("#review-doc", Static).update(document_line(figures, self.names, by))
        tabs = layer_tabs([None, *self.names, GOLD], self.shown_layer)
        self.query_one("#review-layers", Static).update(tabs)

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._cursor_changed()

    def _cursor_changed(self) -> None:
        candidates = self.query_one(CandidateList)
        position = self.view.index.position(getattr(self.view.focused, "id", None))
        if position != candidates.highlighted:
            candidates.highlight(position)
        self.query_one(StatusLine).show(self._status())
        if self._state() != self._action_state:
            self._action_state = self._state()
            self.refresh_bindings()

    def _status(self) -> Content:
        view = self.view
        width = self.query_one(StatusLine).content_region.width or 100
        item = self.focused_item()
        if view.selection is not None or item is None:
            return describe(view, self._flash, width)
        return describe_item(item, view.text, self._flash, width)

    def flash(self, message: str, style: str = "$text-warning") -> None:
        self.flash_content(Content.styled(message, style))

    def flash_content(self, content: Content) -> None:
        self._flash = content
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._clear_flash)
        self.query_one(StatusLine).show(self._status())

    def _clear_flash(self) -> None:
        self._flash = None
        self.query_one(StatusLine).show(self._status())

    # ---------------------------------------------------------------- actions

    def action_documents(self) -> None:
        if self.queue:
            self.set_focus(self.query_one(ReviewQueue))

    def action_candidates(self) -> None:
        if self.shown:
            self.set_focus(self.query_one(CandidateList))

    def action_toggle_side(self) -> None:
        self.toggle_class("-side-toggled")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and not self.view.has_focus:
            event.stop()
            self.set_focus(self.view)

    def on_candidate_list_item_highlighted(self, event: CandidateList.ItemHighlighted) -> None:
        self.view.focus_span(event.item_id)

    def on_candidate_list_item_chosen(self, event: CandidateList.ItemChosen) -> None:
        self.view.focus_span(event.item_id)
        self.set_focus(self.view)

    def on_span_list_span_chosen(self, event: SpanList.SpanChosen) -> None:
        item = next((i for i in self.items if i.id == event.span_id), None)
        if item is not None and item not in self.shown:
            self.shown_layer = None
            self.reload(focus=item.key)
        elif item is not None:
            self.view.focus_span(item.id)
        self.set_focus(self.view)

    def on_review_queue_document_chosen(self, event: ReviewQueue.DocumentChosen) -> None:
        self.jump_to(event.doc_id)

    # ------------------------------------------------------------- key states

    def _state(self) -> tuple[object, ...]:
        return (self.doc_id is not None, self.can_undo, self.can_redo)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what does not apply: decisions without a document, undo, redo."""
        if not self.is_mounted:
            return True
        if action in DOC_KEYS and self.doc_id is None:
            return None
        if action == "undo":
            return True if self.can_undo else None
        if action == "redo":
            return True if self.can_redo else None
        return True
