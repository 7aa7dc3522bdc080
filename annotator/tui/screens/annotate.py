"""The annotate screen: one document, the annotator's spans, the scheme's labels.

The screen is where the widgets meet the store: the document view reports cursor moves,
the screen turns keys into store calls through its `OwnLayerWriter` (each one short
transaction, committed at once) and hands the new spans back down. What it shares with
the review (edges, extents, undo, the status line) lives in `EditingScreen`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from annotator.errors import StoreError
from annotator.models import Document, Scheme, Span, Status
from annotator.store import Store
from annotator.tokenize import TokenIndex
from annotator.tui.label_keys import with_labels
from annotator.tui.messages import CountsWanted, QueueCounted, QueueWanted
from annotator.tui.screens.choosers import label_chooser
from annotator.tui.screens.editing import editing_bindings
from annotator.tui.screens.suggesting import SuggestingScreen
from annotator.tui.span_index import SpanRef
from annotator.tui.span_writer import OwnLayerWriter
from annotator.tui.suggestion_keys import Suggesting
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.legend import Guidelines, LabelLegend, LegendLine
from annotator.tui.widgets.project_bar import ProjectBar
from annotator.tui.widgets.relation_panel import RelationPanel
from annotator.tui.widgets.search_bar import SearchBar
from annotator.tui.widgets.span_list import SpanList
from annotator.tui.widgets.status_line import StatusLine

FLUSH_SECONDS = 30.0


class AnnotateScreen(SuggestingScreen):
    """Label one document; move on to the next."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x,delete,backspace",
            "delete_span",
            "Delete",
            key_display="x",
            tooltip="Delete the span under the cursor (a chooser when several overlap).",
        ),
        Binding(
            "c", "relabel", "Relabel", tooltip="Change the label of the span under the cursor."
        ),
        *editing_bindings(
            edit_tip="Select the focused span's extent to move the edge nearer the cursor: "
            "shift+arrows by token, alt+shift+arrows by character; Enter again applies.",
            start_tip="Move the start of the span under the cursor one token left.",
            undo_tip="Undo the last span change (kept across sessions).",
        ),
        Binding("/", "search", "Search", tooltip="Search the text; Enter selects the match."),
        Binding("f3", "search_next(1)", "Next match", show=False),
        Binding("shift+f3", "search_next(-1)", "Previous match", show=False),
        Binding(
            "s",
            "finish",
            "Done+next",
            tooltip="Mark the document done and open the next one still to do.",
        ),
        Binding(
            "k",
            "skip",
            "Skip",
            show=False,
            tooltip="Mark the document skipped and open the next one still to do.",
        ),
        Binding("n", "next_doc", "Next doc", show=False),
        Binding("p", "previous_doc", "Previous doc", show=False),
        Binding("l", "queue", "Queue", tooltip="Back to the list of documents."),
        Binding(
            "j",
            "span_list",
            "Span list",
            show=False,
            tooltip="Move into the list of spans; Enter jumps to one, Esc comes back.",
        ),
        Binding("b", "toggle_side", "Side panel", show=False),
        # The app's agreement key, kept out of this footer to leave room for the motions
        # (the help and the palette list it; the queue and the review show it).
        Binding("y", "app.agreement", "Agreement", show=False),
    ]

    def __init__(
        self, store: Store, annotator: str, doc_id: str, suggesting: Suggesting | None = None
    ) -> None:
        super().__init__(store, OwnLayerWriter(store, annotator), suggesting)
        self.annotator = annotator
        self.doc_id: str = doc_id
        self.doc: Document | None = None
        self.spans: dict[int, SpanRef] = {}
        self.position = 0
        self.total = 0
        self.done = 0
        self._scheme_seen: Scheme = store.scheme

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield ProjectBar(id="project-bar")
        with Horizontal(id="workbench"):
            with Vertical(id="document-pane"):
                yield DocumentView(id="document")
                yield LegendLine(id="legend-line")  # shown when the side panel is not
                yield StatusLine(id="status")
                yield SearchBar(id="search")
            with Vertical(id="side-panel"):
                yield Static("Labels", classes="panel-title")
                yield LabelLegend(id="legend")
                yield Static("Guidelines", classes="panel-title")
                yield Guidelines(id="guidelines")
                yield Static("Relations", classes="panel-title", id="relations-title")
                yield RelationPanel(id="relation-panel")
                yield Static("Spans", classes="panel-title", id="spans-title")
                yield SpanList(id="span-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_interval(FLUSH_SECONDS, self.flush_time)
        self.load(self.doc_id)
        self.set_focus(self.view)

    # --------------------------------------------------------------- documents

    def load(self, doc_id: str) -> bool:
        """Open a document: its text, this annotator's spans, and mark it started."""
        try:
            doc = self.store.document(doc_id)
            # Plain rows into light refs: no model per span (10,000 spans: 10 MB, 50 ms).
            spans = [SpanRef.of(row) for row in self.store.span_rows(doc_id, self.annotator)]
            assignment = self.store.assignment(doc_id, self.annotator)
            # A read-only project (a read-only medium) still opens, for reading.
            started = assignment is not None and assignment.status != Status.TODO
            if not started and not self.store.read_only:
                self.store.set_status(doc_id, self.annotator, Status.IN_PROGRESS)
            position = self.store.queue_position(self.annotator, doc_id)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open the document", severity="error")
            return False
        if self.doc is not None:
            self.flush_time()
        self.doc_id, self.doc = doc_id, doc
        self.position = position
        self.spans = {span.id: span for span in spans}
        self.view.load(
            doc.text,
            TokenIndex.of(doc.text),
            spans,
            self.label_colors,
            snap=self.scheme.snap_to_tokens,
        )
        self._opened(doc_id, assignment)
        self._spans_changed()
        self.clock.restart()
        self.post_message(CountsWanted(self))
        return True

    def follow_scheme(self) -> None:
        """Take up a scheme stored by another process (`schema migrate`) while open.

        The store already refuses labels the new scheme dropped; without this the keys
        would still name them (a renamed label's key refused, a new label's key dead)
        and the text would show the old names. Checked before each key: the store's
        scheme is one `data_version` read while nothing changed.
        """
        scheme = self.scheme
        if scheme is self._scheme_seen:
            return
        self._scheme_seen = scheme
        self._bindings = with_labels(AnnotateScreen._merged_bindings, scheme)
        cursor = self.view.cursor
        if self.load(self.doc_id):  # the spans under their new names
            self.view.move_to(cursor)
        self.notify(
            f"The project now uses scheme {scheme.qualified_name}: "
            + ", ".join(f"{label.key} {label.name}" for label in scheme.labels),
            title="The scheme changed",
            timeout=10,
        )

    def on_queue_counted(self, event: QueueCounted) -> None:
        """Queue totals, counted in a worker (they grow with the corpus)."""
        self.total, self.done = event.total, event.counts.get(Status.DONE, 0)
        self._show_header()

    def _show_header(self) -> None:
        self.query_one(ProjectBar).show(
            self.store.path.name,
            self.scheme.qualified_name,
            self.annotator,
            f"doc {self.position + 1} of {max(self.total, self.position + 1)}",
            self.done,
            self.total,
        )

    def _open_neighbour(self, step: int) -> None:
        target = self.position + step
        if target < 0:
            self.flash("This is the first document")
            return
        found = self.store.queue(self.annotator, offset=target, limit=1)
        if not found:
            self.flash("This is the last document")
            return
        self.clock.touch()
        self.load(found[0].doc_id)

    def action_next_doc(self) -> None:
        self._open_neighbour(1)

    def action_previous_doc(self) -> None:
        self._open_neighbour(-1)

    def _close_and_next(self, status: Status) -> None:
        self.clock.touch()
        try:
            self.store.set_status(self.doc_id, self.annotator, status, seconds=self.clock.take())
            following = self.store.next_open_document(self.annotator, self.doc_id)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        word = "done" if status == Status.DONE else "skipped"
        if status == Status.DONE:
            self._marked_done()
        if following is None:
            self.notify(f"Marked {word}. Nothing left to do in the queue.", title="All done")
            self.post_message(CountsWanted(self))
            self.post_message(QueueWanted(self))
            return
        self.load(following)
        self.flash(f"previous document marked {word}", "$text-success")

    def action_finish(self) -> None:
        if not self._ask_before_done(has_spans=bool(self.spans)):
            self._close_and_next(Status.DONE)

    def action_skip(self) -> None:
        self._close_and_next(Status.SKIPPED)

    def action_queue(self) -> None:
        self.clock.touch()
        self.flush_time()
        self.post_message(QueueWanted(self))

    # ------------------------------------------------------------------ panels

    def _spans_changed(self, focus: int | None = None, reload_view: bool = False) -> None:
        """After the spans changed: view (when asked), list, legend, undo state."""
        view = self.view
        if reload_view:
            view.set_spans(list(self.spans.values()), focus=focus)
        self.query_one(SpanList).show(view.index.spans, view.text, self.label_colors)
        self.query_one("#spans-title", Static).update(f"Spans ({len(self.spans)})")
        self._refresh_history()
        self._show_header()
        self.show_suggestions()
        self._cursor_changed()

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self.clock.touch()
        self._cursor_changed()

    def _cursor_changed(self) -> None:
        view = self.view
        active = view.focused.label if view.focused is not None else None
        legend = self.query_one(LabelLegend)
        legend.show(self.scheme.labels, view.index.label_counts(), active)
        self.query_one(LegendLine).show(self.scheme.labels, active)
        guideline = active or legend.active or self.scheme.labels[0].name
        self.query_one(Guidelines).show(self.scheme.label(guideline))
        span_list, position = self.query_one(SpanList), view.index.position(view.focused_id)
        if position != span_list.highlighted:
            span_list.highlight(position)
        self.query_one(StatusLine).show(self._status())
        self._schedule_bindings_refresh()

    def on_span_list_span_chosen(self, event: SpanList.SpanChosen) -> None:
        self.view.focus_span(event.span_id)
        self.set_focus(self.view)

    def on_label_legend_label_chosen(self, event: LabelLegend.LabelChosen) -> None:
        self.action_label(event.label)
        self.set_focus(self.view)

    def action_span_list(self) -> None:
        span_list = self.query_one(SpanList)
        if span_list.count:
            self.set_focus(span_list)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.query_one(SpanList).has_focus:
            event.stop()
            self.set_focus(self.view)

    # ------------------------------------------------------------- key states

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.doc is None:  # not loaded yet: the footer is drawn again once it is
            return True
        return super().check_action(action, parameters)

    # --------------------------------------------------------------- targets

    def _touched(self) -> None:
        self.clock.touch()

    def _targets_here(self) -> list[SpanRef]:
        return [self.spans[span.id or 0] for span in self.view.spans_here()]

    def _target(self, view_id: int | None) -> SpanRef | None:
        return self.spans.get(view_id or 0)

    def _stored_id(self, target: SpanRef) -> int | None:
        return target.id

    def _edited(self, target: SpanRef, stored: Span, message: str) -> None:
        updated = SpanRef.of(stored)
        self.spans[updated.id] = updated
        self._spans_changed(focus=updated.id, reload_view=True)
        self.view.focus_span(updated.id)
        self.flash(f"{message} {self._text(updated)}", "$text-success")

    # ---------------------------------------------------------------- labelling

    def action_delete_span(self) -> None:
        self._with_target("Delete which span?", self._delete)

    def _delete(self, span: SpanRef) -> None:
        if self._write(lambda: self.writer.delete(span.id)) is None:
            return
        self.spans.pop(span.id, None)
        self._spans_changed(reload_view=True)
        self.flash(f"deleted {span.label} {self._text(span)}  (u undoes)", "$text-success")

    def action_relabel(self) -> None:
        self._with_target("Relabel which span?", self._relabel)

    def _relabel(self, span: SpanRef) -> None:
        def chosen(name: str | None) -> None:
            if name is not None and name != span.label:
                self._apply(span, f"relabelled {span.label} → {name}", label=name)

        self.app.push_screen(
            label_chooser(
                f"New label for {span.label} {self._text(span)}", self.scheme.labels, span.label
            ),
            chosen,
        )

    def _history(self, call: Callable[[str], Span | None], word: str) -> None:
        old = dict(self.spans)
        before = {span_id: span.key for span_id, span in old.items()}
        if self._write(lambda: call(self.doc_id) or True) is None:
            return
        try:
            fresh = self.store.span_rows(self.doc_id, self.annotator)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.spans = {span.id: span for span in map(SpanRef.of, fresh)}
        after = {span_id: span.key for span_id, span in self.spans.items()}
        changed = [key for key in after if before.get(key) != after[key]]
        removed = [key for key in before if key not in after]
        focus = changed[0] if changed else None
        self._spans_changed(focus=focus, reload_view=True)
        if focus is not None:
            span = self.spans[focus]
            self.view.focus_span(focus)
            what = "back: " if focus not in before else ""
            self.flash(f"{word}, {what}{span.label} {self._text(span)}", "$text-success")
        elif removed:
            span = old[removed[0]]
            self.view.move_to(span.start)
            self.flash(f"{word}, gone: {span.label} {self._text(span)}", "$text-success")
