"""Browsing the review queue: the layout, the queue (worked out in a worker), documents.

`ReviewBrowser` opens the documents of the queue, shows their candidates, gold and
figures, and moves between documents, layers and lists; `ReviewScreen` adds what the keys
decide into gold. The queue is the documents two or more annotators marked done, ordered
as `annotator agreement` lists them (worst first); working that order out reads every
finished document, so a thread worker does it on its own connection.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from annotator.adjudicate import ReviewItem, disputed_edges
from annotator.agreement_report import DocumentFigures, build_report
from annotator.errors import StoreError
from annotator.models import Span, SpanKey
from annotator.store import Store
from annotator.tokenize import TokenIndex
from annotator.tui.reads import read_in_worker
from annotator.tui.relation_index import RelationRef
from annotator.tui.review_document import ReviewDocument
from annotator.tui.screens.editing import EditingScreen
from annotator.tui.screens.review_lines import describe_item, document_line, layer_tabs
from annotator.tui.screens.status import with_note
from annotator.tui.span_index import SpanLike
from annotator.tui.span_writer import GoldWriter
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.project_bar import ProjectBar
from annotator.tui.widgets.relation_panel import RelationPanel
from annotator.tui.widgets.review_queue import ReviewQueue
from annotator.tui.widgets.span_list import SpanList
from annotator.tui.widgets.status_line import StatusLine

ADJUDICATED_NOTE = "adjudicated · "


class ReviewBrowser(EditingScreen[ReviewItem]):
    """The review's documents and panels; the focused candidate is what keys act on."""

    NO_DOCUMENT = "No document to review"
    NO_TARGET = "No candidate under the cursor: Tab walks them"

    def __init__(self, store: Store, lead: str, open_doc: str | None = None) -> None:
        super().__init__(store, GoldWriter(store, lead))
        self.lead = lead
        self.open_doc = open_doc
        self.queue: list[DocumentFigures] | None = None
        self.adjudicated: dict[str, str] = {}
        self.position = 0
        self.doc: ReviewDocument | None = None

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
                yield Static("Relations", classes="panel-title", id="relations-title")
                yield RelationPanel(id="relation-panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#review-body").loading = True
        self.set_focus(self.view)
        self.load_queue()

    def load_queue(self) -> None:
        """Work out the queue again (in a worker): `queue_loaded` shows it."""

        def read(store: Store) -> tuple[list[DocumentFigures], dict[str, str]]:
            return build_report(store).per_document, store.adjudicated_documents()

        def failed(message: str) -> None:
            self.notify(message, severity="error")

        read_in_worker(self, self.store.path, read, self.queue_loaded, failed, group="review-queue")

    def queue_loaded(self, found: tuple[list[DocumentFigures], dict[str, str]]) -> None:
        """The queue (worst first) and who adjudicated what, from the worker."""
        documents, adjudicated = found
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
            doc = ReviewDocument.read(self.store, figures.id, figures.annotators)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open the document", severity="error")
            return False
        self.position, self.doc_id, self.doc = index, figures.id, doc
        self.view.load(
            text, TokenIndex(text), doc.shown, self.label_colors, snap=self.scheme.snap_to_tokens
        )
        first = doc.next_undecided() or (doc.shown[0] if doc.shown else None)
        if first is not None:
            self.view.focus_span(first.id)
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

    def reload(self, focus: SpanKey | None = None) -> None:
        """Read the document's spans again and show them, `focus` on the item with that key."""
        doc = self.doc
        if doc is None:
            return
        try:
            shown = doc.shown_layer
            doc = self.doc = ReviewDocument.read(self.store, doc.doc_id, doc.names, shown)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        target = next((item.id for item in doc.shown if item.key == focus), None)
        self.view.set_spans(doc.shown, focus=target)
        self._show_all()

    # ------------------------------------------------------------------ panels

    def _show_all(self) -> None:
        doc = self.doc
        text = self.view.text
        colors = self.label_colors
        shown_items = doc.shown if doc is not None else []
        settled = self.doc_id in self.adjudicated
        self.query_one(CandidateList).show(shown_items, text, settled, colors)
        if doc is not None:
            shown = "" if doc.shown_layer is None else f", {len(doc.shown)} in this layer"
            self.query_one("#candidates-title", Static).update(
                f"Candidates ({len(doc.items)}{shown})"
            )
        gold = doc.gold() if doc is not None else []
        self.query_one("#gold", SpanList).show(gold, text, colors)
        self.query_one("#gold-title", Static).update(f"Gold ({len(gold)})")
        self.query_one(ReviewQueue).show(self.queue or [], self.adjudicated, self.position)
        self._refresh_history()
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
        if self.queue is None or self.doc is None:
            return
        figures = self.queue[self.position]
        by = self.adjudicated.get(self.doc.doc_id)
        line = document_line(figures, self.doc.names, by)
        self.query_one("#review-doc", Static).update(line)
        tabs = layer_tabs(self.doc.layers, self.doc.shown_layer)
        self.query_one("#review-layers", Static).update(tabs)

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._cursor_changed()

    def _cursor_changed(self) -> None:
        candidates = self.query_one(CandidateList)
        position = self.view.index.position(self.view.focused_id)
        if position != candidates.highlighted:
            candidates.highlight(position)
        self.query_one(StatusLine).show(self._status())
        self._schedule_bindings_refresh()

    def _status(self) -> Content:
        """What the focused candidate is; on a document marked adjudicated, that first
        (a change there changes gold already settled)."""
        item = self.focused_item()
        if self.view.selection is not None or item is None or self.linking.active:
            return with_note(self._note(), super()._status())
        edges = disputed_edges(item, self.doc.items) if self.doc is not None else (False, False)
        line = describe_item(item, self.view.text, self._flash, self._status_width(), edges)
        return with_note(self._note(), line)

    def _note(self) -> str:
        return ADJUDICATED_NOTE if self.doc_id in self.adjudicated else ""

    def _status_width(self) -> int:
        return super()._status_width() - len(self._note())

    # ---------------------------------------------------------------- moving

    def action_documents(self) -> None:
        if self.queue:
            self.set_focus(self.query_one(ReviewQueue))

    def action_candidates(self) -> None:
        if self.doc is not None and self.doc.shown:
            self.set_focus(self.query_one(CandidateList))

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
        doc = self.doc
        item = next((i for i in doc.items if i.id == event.span_id), None) if doc else None
        if doc is not None and item is not None and item not in doc.shown:
            doc.shown_layer = None
            self.reload(focus=item.key)
        elif item is not None:
            self.view.focus_span(item.id)
        self.set_focus(self.view)

    def on_review_queue_document_chosen(self, event: ReviewQueue.DocumentChosen) -> None:
        self.jump_to(event.doc_id)

    def action_step_doc(self, step: int) -> None:
        if not self.queue:
            return
        target = self.position + step
        if not 0 <= target < len(self.queue):
            self.flash("This is the " + ("last" if step > 0 else "first") + " document")
            return
        self.open_at(target)

    def action_layer(self, step: int) -> None:
        doc = self.doc
        if doc is None:
            return
        layers = doc.layers
        focus = self.focused_item()
        doc.show_layer(layers[(layers.index(doc.shown_layer) + step) % len(layers)])
        keep = focus.id if focus is not None and focus in doc.shown else None
        self.view.set_spans(doc.shown, focus=keep)
        self._show_all()

    # --------------------------------------------------------------- targets

    def focused_item(self) -> ReviewItem | None:
        """The item the cursor is on (or Tab chose): what a decision applies to."""
        focused = self.view.focused
        if focused is None or self.doc is None:
            return None
        return self.doc.item(focused.id)

    def _targets_here(self) -> list[ReviewItem]:
        item = self.focused_item()
        return [] if item is None else [item]

    def _target(self, view_id: int | None) -> ReviewItem | None:
        return self.doc.item(view_id) if self.doc is not None else None

    def _stored_id(self, target: ReviewItem) -> int | None:
        return target.gold_id

    def _advance(self, after: ReviewItem | None) -> None:
        """Focus the next undecided item after `after`: a decision moves the review on.

        With none left the cursor stays, and the status line says what comes next.
        """
        following = self.doc.next_undecided(after) if self.doc is not None else None
        if following is not None:
            self.view.focus_span(following.id)
            return
        said = self._flash or Content("")
        self.flash_content(
            Content.assemble(said, ("  every candidate is decided: s marks it adjudicated", ""))
        )

    # -------------------------------------------------------------- relations

    def _relation_refs(self) -> list[RelationRef]:
        return self.doc.relation_refs() if self.doc is not None else []

    def _relations_written(self, focus: SpanKey | None) -> None:
        self.reload(focus=focus)

    def _go_to(self, span: SpanLike) -> None:
        """A relation's end: shown with every layer if the layer on show lacks it."""
        doc = self.doc
        if doc is not None and all(item.id != span.id for item in doc.shown):
            doc.shown_layer = None
            self.reload(focus=SpanKey(span.start, span.end, span.label))
        else:
            self.view.focus_span(span.id)
        self.set_focus(self.view)

    def _said(self, verb: str, item: ReviewItem | Span, extra: str = "") -> None:
        self.flash(f"{verb} {item.label} {self._text(item)}{extra}", "$text-success")
