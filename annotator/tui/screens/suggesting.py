"""Suggestions in the annotate screen: ghost spans to accept, correct or turn down.

A document opens at once; its suggestions are read in a worker (computed first from the
quick sources when none are stored, if the app was asked to: `Suggesting.compute`) and
drawn as ghosts when they arrive. `>` and `<` select the next or previous one; `Y`
accepts the one in play, a label key accepts it as that label, `N` rejects it, `ctrl+y`
accepts every one left (asking first), `ctrl+g` hides or shows them all.

The suggestion *in play* is the one selected with `>`/`<` while the selection still
overlaps it (so its edges can be corrected with the usual motions first: accepting then
takes the selection, and the store records the decision as edited), else the innermost
one under the cursor. A label key labels the selection as always, except that a
selection made by `>` is the suggestion's: the key accepts it with that label.

Accepted spans are normal spans (undo takes one back, and the suggestion shows again);
what is shown follows the layer after every change (`still_shown`), without a read.
Marking a document done may start a background retrain (`maybe_retrain`): it runs in a
process of its own, so the keys keep their speed.
"""

from __future__ import annotations

import importlib.util
from abc import abstractmethod
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.content import Content

from annotator.errors import AnnotatorError, StoreError
from annotator.models import Assignment, SpanKey
from annotator.store import Store
from annotator.suggest import Suggestion
from annotator.suggest.offer import Offer, offer, still_shown
from annotator.tui.reads import read_in_worker
from annotator.tui.screens.progress import ProgressScreen
from annotator.tui.screens.status import with_note
from annotator.tui.screens.suggestion_status import describe_suggestion
from annotator.tui.span_index import SpanRef
from annotator.tui.span_writer import SpanWriter
from annotator.tui.suggestion_keys import ACCEPT_ALL, SUGGESTION_BINDINGS, TOGGLE, Suggesting


def spacy_installed() -> bool:
    """Whether spaCy can be imported (without importing it: that takes a second)."""
    try:
        return importlib.util.find_spec("spacy") is not None
    except ValueError:  # in sys.modules as None: imports of it are refused
        return False


class SuggestingScreen(ProgressScreen):
    """An annotate screen's suggestions: ghosts, their keys, and the label key on them."""

    BINDINGS: ClassVar[list[BindingType]] = SUGGESTION_BINDINGS

    spans: dict[int, SpanRef]
    """The layer's spans by id (the annotate screen keeps them)."""

    def __init__(self, store: Store, writer: SpanWriter, suggesting: Suggesting | None) -> None:
        super().__init__(store, writer)
        self.suggesting = suggesting if suggesting is not None else Suggesting()
        self._offered: list[Suggestion] = []
        self._accepted: dict[int, SpanKey] = {}
        """span id -> the suggestion accepted into it, this opening"""
        self._active: Suggestion | None = None
        self._hidden = False
        self._confirming = False

    @abstractmethod
    def _spans_changed(self, focus: int | None = None, reload_view: bool = False) -> None:
        """After the spans changed: view (when asked), panels, undo state, ghosts."""

    # ------------------------------------------------------------- reading

    def _opened(self, doc_id: str, assignment: Assignment | None) -> None:
        super()._opened(doc_id, assignment)
        self._offered, self._accepted, self._active = [], {}, None
        self._hidden = self._confirming = False
        self.view.set_ghosts([])
        annotator, compute = self.writer.layer, self.suggesting.compute

        def read(store: Store) -> Offer:
            return offer(store, doc_id, annotator, compute=compute)

        # After the document is painted: computing them may first import spaCy (a second of
        # CPU in the worker's thread), which would otherwise share the CPU with that paint.
        self.call_after_refresh(
            read_in_worker,
            self,
            self.store.path,
            read,
            lambda found: self._offer_read(doc_id, found),
            group="suggestions",
        )

    def _offer_read(self, doc_id: str, found: Offer) -> None:
        if doc_id != self.doc_id:  # another document opened meanwhile
            return
        self._offered, self._hidden = found.suggestions, found.hidden
        if found.note:
            self._say_once(found.note)
        self.show_suggestions()
        self._cursor_changed()

    def _say_once(self, note: str) -> None:
        if note not in self.suggesting.said:
            self.suggesting.said.add(note)
            self.notify(note, title="Suggestions", timeout=10)

    def show_suggestions(self) -> None:
        """Draw what is still to decide, given the layer now (after every span change)."""
        if not self._offered and not self.view.ghosts.spans:
            return
        shown = []
        if self.suggesting.shown and self._offered:
            shown = still_shown(
                self._offered,
                {span_id: span.key for span_id, span in self.spans.items()},
                allow_overlap=self.scheme.allow_overlap,
                accepted=self._accepted,
            )
        self.view.set_ghosts(shown)
        if self._active is not None and self._active.id not in self.view.ghosts.by_id:
            self._active = None

    @abstractmethod
    def _cursor_changed(self) -> None:
        """The cursor moved or what is under it changed: panels and status line."""

    # ------------------------------------------------------------- in play

    def _selected(self) -> tuple[Suggestion, int, int] | None:
        """The suggestion selected with > or <, over the selection as it is now."""
        view, active = self.view, self._active
        selection = view.selection
        if active is None or selection is None or view.editing is not None:
            return None
        if active.id not in view.ghosts.by_id:
            return None
        if selection.start < active.end and active.start < selection.end:
            return active, selection.start, selection.end
        return None

    def _in_play(self) -> tuple[Suggestion, int, int] | None:
        """The suggestion a key acts on: the selected one, else the innermost at the cursor."""
        found = self._selected()
        if found is not None or self.view.selection is not None:
            return found
        here = self.view.ghosts.at(self.view.caret)
        if not here:
            return None
        ghost = here[0]
        assert isinstance(ghost, Suggestion)
        return ghost, ghost.start, ghost.end

    def _may_suggest(self) -> bool:
        """Whether suggestion keys apply here; if not, the status line says why."""
        if self.doc_id is None:
            self.flash(self.NO_DOCUMENT)
        elif self._hidden:
            self.flash(
                "No suggestions on this document: it is shared to measure agreement "
                "between people (blind overlap)"
            )
        elif not self.suggesting.shown:
            self.flash(f"Suggestions are hidden: {TOGGLE} shows them")
        else:
            return True
        return False

    # ------------------------------------------------------------- keys

    def take_key(self, event: events.Key) -> bool:
        """Before each key: a selection made by > that is gone lets its suggestion go (a
        selection made afterwards is the person's own); any key but the confirming one
        cancels a pending accept-all."""
        if self._active is not None and self.view.selection is None:
            self._active = None
        if self._confirming and event.key != ACCEPT_ALL:
            self._confirming = False
            self.flash("Nothing accepted")
        return super().take_key(event)

    def action_suggestion(self, step: int) -> None:
        if not self._may_suggest():
            return
        ghosts = self.view.ghosts
        if not ghosts.spans:
            self.flash("No suggestions left in this document")
            return
        selected = self._selected()
        current = selected[0].id if selected is not None else None
        wrapped, found = False, None
        for _ in range(self.view.motions.take_count()):
            found = ghosts.following(current, self.view.caret, step)
            if found is None:
                found, wrapped = ghosts.spans[0 if step > 0 else -1], True
            current = found.id
        assert isinstance(found, Suggestion)
        self._active = found
        self.view.select(found.start, found.end)
        if wrapped:
            self.flash(f"Back to the {'first' if step > 0 else 'last'} suggestion")

    def action_accept(self) -> None:
        if not self._may_suggest():
            return
        found = self._in_play()
        if found is None:
            self.flash("No suggestion here: > selects the next one")
            return
        suggestion, start, end = found
        self._accept(suggestion, start, end, suggestion.label)

    def _accept(self, suggestion: Suggestion, start: int, end: int, label: str) -> None:
        doc_id, annotator = self.doc_id, self.writer.layer
        if doc_id is None:
            return
        stored = self._write(
            lambda: self.store.suggestions.accept(
                doc_id, annotator, suggestion, start=start, end=end, label=label
            )
        )
        if stored is None:
            return
        span = SpanRef.of(stored)
        self.spans[span.id] = span
        self._accepted[span.id] = SpanKey(suggestion.start, suggestion.end, suggestion.label)
        self._active = None
        self._spans_changed(focus=span.id, reload_view=True)
        self.view.move_past(span.end)
        edited = span.key != SpanKey(suggestion.start, suggestion.end, suggestion.label)
        what = "accepted, edited:" if edited else "accepted"
        self.flash(f"{what} {label} {self._text(span)}  (u undoes)", "$text-success")

    def action_reject(self) -> None:
        if not self._may_suggest():
            return
        found = self._in_play()
        doc_id, annotator = self.doc_id, self.writer.layer
        if found is None or doc_id is None:
            self.flash("No suggestion here: > selects the next one")
            return
        suggestion = found[0]

        def reject() -> bool:
            self.store.suggestions.reject(doc_id, annotator, suggestion)
            return True

        if self._write(reject, "Not rejected") is None:
            return
        same = SpanKey(suggestion.start, suggestion.end, suggestion.label)
        self._offered = [s for s in self._offered if SpanKey(s.start, s.end, s.label) != same]
        self._active = None
        if self.view.selection is not None:
            self.view.move_to(suggestion.start)
        self.show_suggestions()
        self._cursor_changed()
        self.flash(
            f"rejected {suggestion.label} {self._text(suggestion)}: not suggested to you "
            "here again",
            "$text-success",
        )

    def action_accept_all(self) -> None:
        if not self._may_suggest():
            return
        doc_id, annotator, count = self.doc_id, self.writer.layer, len(self.view.ghosts)
        if doc_id is None or not count:
            self.flash("No suggestions left in this document")
            return
        if not self._confirming:
            self._confirming = True
            self.flash(
                f"Accept all {count} suggestion{'s' if count != 1 else ''} left here? "
                f"{ACCEPT_ALL} again accepts them; any other key does not"
            )
            return
        self._confirming = False
        accepted = self._write(lambda: self.store.suggestions.accept_all(doc_id, annotator))
        if accepted is None:
            return
        try:
            rows = self.store.span_rows(doc_id, annotator)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.spans = {span.id: span for span in map(SpanRef.of, rows)}
        self._accepted.update({s.id or 0: SpanKey(s.start, s.end, s.label) for s in accepted})
        self._active = None
        self._spans_changed(reload_view=True)
        self.flash(
            f"accepted {len(accepted)} suggestion{'s' if len(accepted) != 1 else ''}  "
            "(u undoes one at a time)",
            "$text-success",
        )

    def action_toggle_suggestions(self) -> None:
        shown = self.suggesting.shown = not self.suggesting.shown
        self._active = None
        self.show_suggestions()
        self._cursor_changed()
        if shown:
            self.flash(f"Suggestions shown: {len(self.view.ghosts)} here", "$text-success")
        else:
            self.flash(f"Suggestions hidden: {TOGGLE} shows them again", "$text-success")

    # ------------------------------------------------------------- labelling

    def action_label(self, name: str) -> None:
        """Label the selection (or the token under the cursor); a suggestion selected with
        > is accepted as this label instead, over the selection as it is now."""
        selected = self._selected()
        if selected is not None:
            self._accept(*selected, name)
            return
        target = self.view.target()
        if target is None:
            self.flash("Nothing to label here: move onto a word, or select some text")
            return
        key = SpanKey(*target, name)
        existed = any(span.key == key for span in self.spans.values())
        stored = self._write(lambda: self.writer.add(self.doc_id or "", key))
        if stored is None:
            return
        span = SpanRef.of(stored)
        self.spans[span.id] = span
        self._spans_changed(focus=span.id, reload_view=True)
        # The selection is used up; the next span most likely starts at the next word.
        self.view.move_past(span.end)
        if existed:
            self.flash(f"Already labelled {name} here")
        else:
            self.flash(f"labelled {name} {self._text(span)}", "$text-success")

    # ------------------------------------------------------------- done

    def _marked_done(self) -> None:
        """A document was marked done: the model may retrain, in a process of its own."""
        if not self.suggesting.compute or not spacy_installed():
            return
        path, suggesting = self.store.path, self.suggesting

        def start() -> None:
            from annotator.suggest.retrain import maybe_retrain

            try:
                started = maybe_retrain(path, every=suggesting.retrain_every)
            except AnnotatorError as exc:
                self.app.call_from_thread(self._say_once, str(exc))
                return
            if started is not None:
                suggesting.training = started

        self.run_worker(start, thread=True, group="retrain", exit_on_error=False)

    # ------------------------------------------------------------- status line

    def _status(self) -> Content:
        view = self.view
        found = self._in_play() if not view.motions.pending else None
        if found is None:
            return super()._status()
        suggestion, start, end = found
        line = describe_suggestion(
            view, suggestion, (start, end), self._flash, self._status_width()
        )
        return with_note(self._note(), line)
