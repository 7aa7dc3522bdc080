"""The review screen: adjudicate documents into the gold layer, worst agreement first.

`ReviewBrowser` lays out the queue, the open document's candidates (every distinct span
the annotators proposed, their layers one at a time with `v`, or all together) and gold;
this screen adds what the keys decide. Every decision is one short transaction on the
gold layer through the screen's `GoldWriter`, with the lead as its actor; editing a
candidate gold lacks stores the edited span (one event, so one undo).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from annotator.adjudicate import ReviewItem, majority_into_gold, reject
from annotator.models import Span, SpanKey, reading_order
from annotator.tui.cursor import Selection
from annotator.tui.screens.choosers import label_chooser, quoted
from annotator.tui.screens.editing import editing_bindings
from annotator.tui.screens.review_browser import ReviewBrowser


class ReviewScreen(ReviewBrowser):
    """Walk the disputed documents and settle each into gold."""

    DOCUMENT_ACTIONS = (
        "accept",
        "reject",
        "accept_majority",
        "relabel",
        "resize",
        "edit_extent",
        "finish",
    )

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
        *editing_bindings(
            edit_tip="Select the focused span's extent to move an edge: shift+arrows by token, "
            "alt+shift+arrows by character; Enter again puts the result in gold.",
            start_tip="Move the start of the focused span one token left (in gold).",
            undo_tip="Undo the last change to this document's gold.",
            show_redo=False,
        ),
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

    # ----------------------------------------------------------------- edits

    def _edited(self, target: ReviewItem, stored: Span, message: str) -> None:
        self.reload(focus=SpanKey(stored.start, stored.end, stored.label))
        self._said(message, stored)

    def _moved_message(self, target: ReviewItem, edge: str, offset: int) -> str:
        return "gold: now"

    def _extent_message(self) -> str:
        return "gold: now"

    def _edit_hint(self, selection: Selection | None) -> str:
        return (
            "Moving an edge: shift+arrows by token, alt+shift+arrows by character; "
            "Enter puts the result in gold, Esc cancels"
        )

    # -------------------------------------------------------------- decisions

    def action_accept(self) -> None:
        self._with_target("Accept which span?", self._accept)

    def _accept(self, item: ReviewItem) -> None:
        if item.gold_id is not None:
            self.flash("Already in gold")
            self._advance(item)
            return
        if self._write(lambda: self.writer.add(self.doc_id or "", item.key)) is None:
            return
        self.reload(focus=item.key)
        self._said("accepted", item)
        self._advance(item)

    def action_reject(self) -> None:
        self._with_target("Reject which span?", self._reject)

    def _reject(self, item: ReviewItem) -> None:
        if item.rejected:
            self.flash("Already rejected")
            self._advance(item)
            return
        doc_id = self.doc_id or ""
        if self._write(lambda: reject(self.store, doc_id, item.key, self.lead) or True) is None:
            return
        self.reload(focus=item.key)
        self._said("rejected", item, ": out of gold" if item.gold_id is not None else "")
        self._advance(item)

    def action_accept_majority(self) -> None:
        doc = self.doc
        if doc is None:
            self.flash(self.NO_DOCUMENT)
            return
        added = self._write(
            lambda: majority_into_gold(self.store, doc.doc_id, doc.names, self.lead)
        )
        if added is None:
            return
        if not added:
            self.flash("Gold already has every span a majority marked")
            return
        self.reload()
        count = len(added)
        self.flash(
            f"accepted {count} majority span{'s' if count != 1 else ''} (u undoes one at a time)",
            "$text-success",
        )
        self._advance(None)  # on to what is left to decide, never onto the new gold

    def action_relabel(self) -> None:
        self._with_target("Relabel which span?", self._relabel)

    def _relabel(self, item: ReviewItem) -> None:
        def chosen(name: str | None) -> None:
            if name is not None and name != item.label:
                self._apply(item, f"gold: {item.label} →", label=name)

        self.app.push_screen(
            label_chooser(
                f"Gold label for {item.label} {self._text(item)}", self.scheme.labels, item.label
            ),
            chosen,
        )

    def _history(self, call: Callable[[str], Span | None], word: str) -> None:
        doc = self.doc
        if doc is None:
            return
        before = doc.gold_keys()
        if self._write(lambda: call(doc.doc_id) or True) is None:
            return
        self.reload()
        after = self.doc.gold_keys() if self.doc is not None else set()
        back = sorted(after - before, key=reading_order)
        gone = sorted(before - after, key=reading_order)
        changed = back[0] if back else (gone[0] if gone else None)
        if changed is not None:
            self.reload(focus=changed)
        parts: list[str | tuple[str, str]] = [(f"{word} in gold", "$text-success")]
        for sign, keys in (("+", back), ("−", gone)):
            for start, end, label in keys:
                parts.append(f"  {sign}{label} {quoted(self.view.text[start:end], 30)}")
        self.flash_content(Content.assemble(*parts))

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
