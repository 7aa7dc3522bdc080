"""What the span keys do: label, delete, relabel, resize, edit an extent, undo, search.

The base class of `AnnotateScreen` (which lays out the widgets and opens documents), kept
apart so that each module stays readable. Every store call is one short transaction; a
refusal (`StoreError`) becomes a notification and changes nothing on screen.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from annotator.errors import StoreError
from annotator.models import Scheme
from annotator.store import Store
from annotator.tui.clock import ActivityClock
from annotator.tui.screens.choosers import SpanChooserModal, label_chooser, quoted
from annotator.tui.span_index import SpanLike, SpanRef
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.search_bar import SearchBar

MAX_MATCHES = 100_000


class SpanActions(Screen[None]):
    """Span editing, undo/redo and search for the annotate screen."""

    store: Store
    annotator: str
    doc_id: str
    spans: dict[int, SpanRef]
    clock: ActivityClock
    last_query: str
    _search_origin: int | None

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def scheme(self) -> Scheme:
        return self.store.scheme

    @property
    def label_colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.scheme.labels}

    def flash(self, message: str, style: str = "$text-warning") -> None:
        """Say something short in the status line (the annotate screen shows it)."""
        raise NotImplementedError

    def _spans_changed(self, focus: int | None = None, reload_view: bool = False) -> None:
        """Show changed spans everywhere (the annotate screen knows its widgets)."""
        raise NotImplementedError

    def _write(self, call: Callable[[], Any], title: str = "Not saved") -> Any:
        self.clock.touch()
        try:
            return call()
        except StoreError as exc:
            self.notify(str(exc), title=title, severity="error")
            return None

    def _text(self, span: SpanLike) -> str:
        return quoted(self.view.text[span.start : span.end])

    def _with_span(self, title: str, then: Callable[[SpanRef], None]) -> None:
        """Run `then` on the span under the cursor, asking which one when several overlap."""
        candidates = self.view.spans_here()
        if not candidates:
            self.flash("No span under the cursor")
            return
        if len(candidates) == 1:
            then(self.spans[candidates[0].id or 0])
            return

        def chosen(span_id: int | None) -> None:
            if span_id is not None and span_id in self.spans:
                then(self.spans[span_id])

        self.app.push_screen(
            SpanChooserModal(title, candidates, self.view.text, self.scheme.labels), chosen
        )

    # ---------------------------------------------------------------- labelling

    def action_label(self, name: str) -> None:
        target = self.view.target()
        if target is None:
            self.flash("Nothing to label here: move onto a word, or select some text")
            return
        start, end = target
        existed = any(
            (span.start, span.end, span.label) == (start, end, name) for span in self.spans.values()
        )
        stored = self._write(
            lambda: self.store.add_span(self.doc_id, self.annotator, start, end, name)
        )
        if stored is None:
            return
        span = SpanRef.of(stored)
        self.spans[span.id] = span
        self._spans_changed(focus=span.id, reload_view=True)
        if existed:
            self.flash(f"Already labelled {name} here")
        else:
            self.flash(f"labelled {name} {self._text(span)}", "$text-success")

    def action_delete_span(self) -> None:
        self._with_span("Delete which span?", self._delete)

    def _delete(self, span: SpanRef) -> None:
        removed = self._write(lambda: self.store.delete_span(span.id, actor=self.annotator))
        if removed is None:
            return
        self.spans.pop(span.id, None)
        self._spans_changed(reload_view=True)
        self.flash(f"deleted {span.label} {self._text(span)}  (u undoes)", "$text-success")

    def action_relabel(self) -> None:
        self._with_span("Relabel which span?", self._relabel)

    def _relabel(self, span: SpanRef) -> None:
        def chosen(name: str | None) -> None:
            if name is None or name == span.label:
                return
            self._update(span, f"relabelled {span.label} → {name}", label=name)

        self.app.push_screen(
            label_chooser(
                f"New label for {span.label} {self._text(span)}", self.scheme.labels, span.label
            ),
            chosen,
        )

    def _update(self, span: SpanRef, message: str, **changes: Any) -> None:
        updated = self._write(
            lambda: self.store.update_span(span.id, actor=self.annotator, **changes)
        )
        if updated is None:
            return
        updated = SpanRef.of(updated)
        self.spans[updated.id] = updated
        self._spans_changed(focus=updated.id, reload_view=True)
        self.view.focus_span(updated.id)
        self.flash(f"{message} {self._text(updated)}", "$text-success")

    def action_resize(self, edge: str, step: int) -> None:
        self._with_span("Resize which span?", lambda span: self._resize(span, edge, step))

    def _resize(self, span: SpanRef, edge: str, step: int) -> None:
        tokens = self.view.tokens
        if edge == "start":
            found = tokens.previous_start(span.start) if step < 0 else tokens.next_start(span.start)
            if found is None or found >= span.end:
                self.flash("The start cannot move further")
                return
            self._update(span, f"{span.label} now starts at {found}:", start=found)
        else:
            found = tokens.previous_end(span.end) if step < 0 else tokens.next_end(span.end)
            if found is None or found <= span.start:
                self.flash("The end cannot move further")
                return
            self._update(span, f"{span.label} now ends at {found}:", end=found)

    def action_edit_extent(self) -> None:
        view = self.view
        if view.editing is None:
            self._with_span("Edit the extent of which span?", self._begin_edit)
            return
        span = self.spans.get(view.editing)
        selection = view.selection
        view.end_edit()
        if span is None or selection is None:
            return
        if (selection.start, selection.end) == (span.start, span.end):
            view.focus_span(span.id)
            self.flash("Extent unchanged")
            return
        self._update(span, "new extent:", start=selection.start, end=selection.end)

    def _begin_edit(self, span: SpanRef) -> None:
        if getattr(self.view.focused, "id", None) != span.id:
            self.view.focus_span(span.id)
        self.view.begin_edit()
        selection = self.view.selection
        edge = "end" if selection is None or selection.head_on_right else "start"
        self.flash(
            f"Moving the {edge}: shift+arrows by token, alt+shift+arrows by character; "
            "Enter applies, Esc cancels"
        )

    # ------------------------------------------------------------ undo and redo

    def action_undo(self) -> None:
        self._history(self.store.undo, "undone")

    def action_redo(self) -> None:
        self._history(self.store.redo, "redone")

    def _history(self, call: Callable[..., object], word: str) -> None:
        before = {key: (s.start, s.end, s.label) for key, s in self.spans.items()}
        old = dict(self.spans)
        if (
            self._write(lambda: call(self.doc_id, self.annotator, actor=self.annotator) or True)
            is None
        ):
            return
        try:
            fresh = self.store.spans(self.doc_id, self.annotator)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.spans = {span.id: span for span in map(SpanRef.of, fresh)}
        after = {key: (s.start, s.end, s.label) for key, s in self.spans.items()}
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

    # ------------------------------------------------------------------- search

    def _matches(self, query: str) -> list[tuple[int, int]]:
        if not query:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        found = []
        for match in pattern.finditer(self.view.text):
            found.append(match.span())
            if len(found) >= MAX_MATCHES:
                break
        return found

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.has_focus:  # "/" typed in the query itself
            bar.insert_text_at_cursor("/")
            return
        self._search_origin = self.view.cursor
        bar.add_class("-open")
        bar.value = self.last_query
        self.set_focus(bar)  # at once: keys typed right after "/" must land in the bar

    def _go_to_match(self, origin: int, step: int) -> None:
        matches = self.view.matches
        if not matches:
            self.flash("No match")
            return
        starts = [start for start, _ in matches]
        if step > 0:
            index = bisect.bisect_left(starts, origin) % len(matches)
        else:
            index = (bisect.bisect_left(starts, origin) - 1) % len(matches)
        start, end = matches[index]
        self.view.select(start, end)
        self.flash(f"match {index + 1} of {len(matches)}", "$text-accent")

    def on_input_changed(self, event: SearchBar.Changed) -> None:
        if not isinstance(event.input, SearchBar):
            return
        event.stop()
        self.view.set_matches(self._matches(event.value))
        if event.value:
            self._go_to_match(self._search_origin or 0, 1)

    def on_input_submitted(self, event: SearchBar.Submitted) -> None:
        if not isinstance(event.input, SearchBar):
            return
        event.stop()
        self.last_query = event.value
        event.input.remove_class("-open")
        self.set_focus(self.view)

    def on_search_bar_cancelled(self, event: SearchBar.Cancelled) -> None:
        bar = self.query_one(SearchBar)
        bar.remove_class("-open")
        self.view.set_matches([])
        if self._search_origin is not None:
            self.view.move_to(self._search_origin)
        self.set_focus(self.view)

    def action_search_next(self, step: int) -> None:
        if not self.view.matches and self.last_query:
            self.view.set_matches(self._matches(self.last_query))
        selection = self.view.selection
        origin = self.view.cursor
        if step > 0 and selection is not None:
            origin = selection.start + 1
        elif selection is not None:
            origin = selection.start
        self._go_to_match(origin, step)
