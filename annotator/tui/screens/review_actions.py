"""What the review keys do: accept, reject, accept the majority, edit, undo; walk documents.

The base class of `ReviewScreen` (which lays out the widgets and walks the documents),
kept apart so that each module stays readable. Every decision is one short transaction
on the `gold` layer with the lead as its actor, committed at once; a refusal
(`StoreError`) becomes a notification and changes nothing on screen.

Edits always apply to gold: relabelling or moving an edge of a candidate that gold does
not hold yet stores the edited span (one event, so one undo), never the candidate first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from annotator.adjudicate import Key, ReviewItem, majority
from annotator.errors import StoreError
from annotator.models import GOLD, Scheme, Span
from annotator.store import Store
from annotator.tui.screens.choosers import label_chooser, quoted
from annotator.tui.widgets.document_view import DocumentView

if TYPE_CHECKING:
    from annotator.agreement_report import DocumentFigures


class ReviewActions(Screen[None]):
    """Gold decisions for the review screen."""

    store: Store
    lead: str
    queue: list[DocumentFigures] | None
    adjudicated: dict[str, str]
    position: int
    doc_id: str | None
    names: list[str]
    spans_by: dict[str, list[Key]]
    items: list[ReviewItem]
    shown: list[ReviewItem]
    shown_layer: str | None
    can_undo: bool
    can_redo: bool

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def scheme(self) -> Scheme:
        return self.store.scheme

    def flash(self, message: str, style: str = "$text-warning") -> None:
        """Say something short in the status line (the review screen shows it)."""
        raise NotImplementedError

    def reload(self, focus: Key | None = None) -> None:
        """Read the document's spans again and show them, `focus` on the item with that key."""
        raise NotImplementedError

    def open_at(self, index: int) -> bool:
        """Open the document at `index` of the queue (the review screen loads it)."""
        raise NotImplementedError

    def _show_all(self) -> None:
        """Show the items, gold, the queue and the figures again (the review screen's)."""
        raise NotImplementedError

    def _in_layer(self, item: ReviewItem) -> bool:
        """Whether the layer on show has `item` (all of them: every item)."""
        if self.shown_layer is None:
            return True
        if self.shown_layer == GOLD:
            return item.gold_id is not None
        return self.shown_layer in item.annotators

    # ---------------------------------------------------------------- helpers

    def _write(self, call: Callable[[], Any], title: str = "Not saved") -> Any:
        try:
            return call()
        except StoreError as exc:
            self.notify(str(exc), title=title, severity="error")
            return None

    def _text(self, item: ReviewItem | Span) -> str:
        return quoted(self.view.text[item.start : item.end])

    def focused_item(self) -> ReviewItem | None:
        """The item the cursor is on (or Tab chose): what a decision applies to."""
        focused = self.view.focused
        if focused is None:
            return None
        return next((item for item in self.shown if item.id == focused.id), None)

    def _with_item(self, then: Callable[[ReviewItem], None]) -> None:
        if self.doc_id is None:
            self.flash("No document to review")
            return
        item = self.focused_item()
        if item is None:
            self.flash("No candidate under the cursor: Tab walks them")
            return
        then(item)

    def _advance(self, after: ReviewItem) -> None:
        """Focus the item after `after` in reading order: a decision moves the review on."""
        place = (after.start, -after.end, after.label)
        following = [item for item in self.shown if (item.start, -item.end, item.label) > place]
        if following:
            self.view.focus_span(following[0].id)

    def _said(self, verb: str, item: ReviewItem | Span, extra: str = "") -> None:
        self.flash(f"{verb} {item.label} {self._text(item)}{extra}", "$text-success")

    # -------------------------------------------------------------- decisions

    def action_accept(self) -> None:
        self._with_item(self._accept)

    def _accept(self, item: ReviewItem) -> None:
        if item.gold_id is not None:
            self.flash("Already in gold")
            self._advance(item)
            return
        stored = self._write(
            lambda: self.store.add_span(
                self.doc_id or "", GOLD, item.start, item.end, item.label, actor=self.lead
            )
        )
        if stored is None:
            return
        self.reload(focus=item.key)
        self._said("accepted", item)
        self._advance(item)

    def action_reject(self) -> None:
        self._with_item(self._reject)

    def _reject(self, item: ReviewItem) -> None:
        gold_id = item.gold_id
        if gold_id is not None:
            if self._write(lambda: self.store.delete_span(gold_id, actor=self.lead)) is None:
                return
            self.reload(focus=item.key)
            self._said("rejected", item, ": out of gold")
        else:
            self._said("rejected", item, ": gold does not have it")
        self._advance(item)

    def action_accept_majority(self) -> None:
        if self.doc_id is None:
            self.flash("No document to review")
            return
        doc_id = self.doc_id
        gold = {item.key for item in self.items if item.gold_id is not None}
        decided = [key for key in majority(self.spans_by, self.names) if key not in gold]
        if not decided:
            self.flash("Gold already has every span a majority marked")
            return

        def write() -> int:
            with self.store.transaction():
                for start, end, label in decided:
                    self.store.add_span(doc_id, GOLD, start, end, label, actor=self.lead)
            return len(decided)

        if self._write(write) is None:
            return
        self.reload(focus=decided[0])
        count = len(decided)
        self.flash(
            f"accepted {count} majority span{'s' if count != 1 else ''} (u undoes one at a time)",
            "$text-success",
        )

    # ------------------------------------------------------------------ edits

    def _edit(self, item: ReviewItem, message: str, **changes: Any) -> None:
        """Change a gold span, or store the edited candidate in gold (one event either way)."""
        gold_id = item.gold_id
        if gold_id is not None:
            stored = self._write(
                lambda: self.store.update_span(gold_id, actor=self.lead, **changes)
            )
        else:
            start = changes.get("start", item.start)
            end = changes.get("end", item.end)
            label = changes.get("label", item.label)
            stored = self._write(
                lambda: self.store.add_span(
                    self.doc_id or "", GOLD, start, end, label, actor=self.lead
                )
            )
        if stored is None:
            return
        self.reload(focus=(stored.start, stored.end, stored.label))
        self._said(message, stored)

    def action_relabel(self) -> None:
        self._with_item(self._relabel)

    def _relabel(self, item: ReviewItem) -> None:
        def chosen(name: str | None) -> None:
            if name is not None and name != item.label:
                self._edit(item, f"gold: {item.label} →", label=name)

        self.app.push_screen(
            label_chooser(
                f"Gold label for {item.label} {self._text(item)}", self.scheme.labels, item.label
            ),
            chosen,
        )

    def action_resize(self, edge: str, step: int) -> None:
        self._with_item(lambda item: self._resize(item, edge, step))

    def _resize(self, item: ReviewItem, edge: str, step: int) -> None:
        tokens = self.view.tokens
        if edge == "start":
            found = tokens.previous_start(item.start) if step < 0 else tokens.next_start(item.start)
            if found is None or found >= item.end:
                self.flash("The start cannot move further")
                return
            self._edit(item, "gold: now", start=found)
        else:
            found = tokens.previous_end(item.end) if step < 0 else tokens.next_end(item.end)
            if found is None or found <= item.start:
                self.flash("The end cannot move further")
                return
            self._edit(item, "gold: now", end=found)

    def action_edit_extent(self) -> None:
        view = self.view
        if view.editing is None:
            self._with_item(self._begin_edit)
            return
        item = next((i for i in self.shown if i.id == view.editing), None)
        selection = view.selection
        view.end_edit()
        if item is None or selection is None:
            return
        if (selection.start, selection.end) == (item.start, item.end):
            view.focus_span(item.id)
            self.flash("Extent unchanged")
            return
        self._edit(item, "gold: now", start=selection.start, end=selection.end)

    def _begin_edit(self, item: ReviewItem) -> None:
        if getattr(self.view.focused, "id", None) != item.id:
            self.view.focus_span(item.id)
        self.view.begin_edit()
        self.flash(
            "Moving an edge: shift+arrows by token, alt+shift+arrows by character; "
            "Enter puts the result in gold, Esc cancels"
        )

    # ------------------------------------------------------------ undo and redo

    def action_undo(self) -> None:
        self._history(self.store.undo, "undone")

    def action_redo(self) -> None:
        self._history(self.store.redo, "redone")

    def _history(self, call: Callable[..., Span | None], word: str) -> None:
        if self.doc_id is None:
            return
        doc_id = self.doc_id
        before = {item.key for item in self.items if item.gold_id is not None}
        if self._write(lambda: call(doc_id, GOLD, actor=self.lead) or True) is None:
            return
        self.reload()
        after = {item.key for item in self.items if item.gold_id is not None}
        back, gone = sorted(after - before), sorted(before - after)
        changed = back[0] if back else (gone[0] if gone else None)
        if changed is not None:
            self.reload(focus=changed)
        parts: list[str | tuple[str, str]] = [(f"{word} in gold", "$text-success")]
        for sign, keys in (("+", back), ("−", gone)):
            for start, end, label in keys:
                parts.append(f"  {sign}{label} {quoted(self.view.text[start:end], 30)}")
        self.flash_content(Content.assemble(*parts))

    def flash_content(self, content: Content) -> None:
        """Like `flash`, for a message with several styles (the review screen shows it)."""
        raise NotImplementedError

    # -------------------------------------------------------------- documents

    def action_step_doc(self, step: int) -> None:
        if not self.queue:
            return
        target = self.position + step
        if not 0 <= target < len(self.queue):
            self.flash("This is the " + ("last" if step > 0 else "first") + " document")
            return
        self.open_at(target)

    def action_finish(self) -> None:
        if self.doc_id is None or self.queue is None:
            return
        doc_id = self.doc_id

        def mark() -> bool:
            self.store.mark_adjudicated(doc_id, self.lead)
            return True

        if self._write(mark) is None:
            return
        self.adjudicated[doc_id] = self.lead
        count = len(self.queue)
        following = [
            (self.position + step) % count
            for step in range(1, count)
            if self.queue[(self.position + step) % count].id not in self.adjudicated
        ]
        if not following:
            self._show_all()
            self.notify("Every document of the queue is adjudicated.", title="All done")
            return
        self.open_at(following[0])
        self.flash("previous document marked adjudicated", "$text-success")

    def action_layer(self, step: int) -> None:
        if self.doc_id is None:
            return
        layers: Sequence[str | None] = (None, *self.names, GOLD)
        self.shown_layer = layers[(layers.index(self.shown_layer) + step) % len(layers)]
        focus = self.focused_item()
        self.shown = [item for item in self.items if self._in_layer(item)]
        keep = focus.id if focus is not None and focus in self.shown else None
        self.view.set_spans(self.shown, focus=keep)
        self._show_all()
