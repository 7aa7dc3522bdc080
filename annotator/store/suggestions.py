"""Suggestions: spans a machine proposes, kept apart from every layer until someone accepts.

The `suggestions` table holds what the sources (`annotator.suggest`) proposed for each
document; a source recomputes a document by replacing its own rows in one transaction.
What an annotator sees is read from that table minus what they already decided: a
suggestion they rejected on that document (a `suggestion.reject` event: it never comes
back for them there) and one that equals a span already in their layer (an accepted
one, or one they made by hand). Accepting writes the span through the normal span write
path (`Spans.add`: label, range and overlap checks, an undoable `span.add` event) with
its `origin` set to the source, and logs a `suggestion.accept` saying whether the person
edited it first (other offsets or another label). Undoing that add brings the
suggestion back, as it should: the span is gone, the decision with it.

Agreement measures people, not the model: with the project setting `blind_overlap` on,
documents assigned to two or more annotators show nobody any suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from annotator.errors import StoreError
from annotator.models import EventAction, Span, SpanKey, reading_order
from annotator.store import rows
from annotator.store.connection import Connection, now
from annotator.store.documents import Documents
from annotator.store.guard import guarded
from annotator.store.history import log
from annotator.store.project import Project
from annotator.store.spans import Spans
from annotator.store.suggestion_reads import BLIND_OVERLAP, SuggestionReads, suggestion_of
from annotator.suggest import Proposal, Source, Suggestion

Batch = Iterable[tuple[str, Source, Sequence[Proposal]]]
"""`(document id, source, that source's proposals for it)` for `replace_many`."""


@guarded
class Suggestions(SuggestionReads):
    """The `suggestions` table and the decisions on it; exposed as `store.suggestions`.

    Each write is its own transaction (a savepoint inside `store.transaction()`), like
    every facade method; no `sqlite3.Error` leaves a public method (`guarded`).
    """

    def __init__(self, db: Connection, project: Project, documents: Documents, spans: Spans):
        super().__init__(db, project, documents)
        self.spans = spans

    # ------------------------------------------------------------ sources write

    def replace(self, doc_id: str, source: Source, proposals: Iterable[Proposal]) -> int:
        """Make `proposals` the document's suggestions from `source`; returns how many.

        The source's earlier rows for the document go in the same transaction, so a reader
        sees the old set or the new one, never a mix. A proposal made twice is stored once,
        with its best score.
        """
        with self.db.transaction():
            return self._replace(doc_id, source, proposals)

    def replace_many(self, batch: Batch) -> int:
        """`replace` for many documents in one transaction (a suggest run writes in chunks)."""
        with self.db.transaction():
            return sum(self._replace(doc_id, source, found) for doc_id, source, found in batch)

    def _replace(self, doc_id: str, source: Source, proposals: Iterable[Proposal]) -> int:
        key = self.documents.key(doc_id)
        labels = self.project.scheme.label_names
        length = int(self.db.one("SELECT length FROM documents WHERE seq = ?", (key,)))
        best: dict[tuple[int, int, str], Proposal] = {}
        for found in proposals:
            problem = (
                f"it comes from {found.source.value}"
                if found.source != source
                else f"unknown label (scheme has {', '.join(labels)})"
                if found.label not in labels
                else f"outside 0-{length} or empty"
                if not 0 <= found.start < found.end <= length
                else f"score {found.score} is not in [0, 1]"
                if not 0.0 <= found.score <= 1.0
                else None
            )
            if problem is not None:
                raise StoreError(
                    f"{source.value} suggestion {found.start}-{found.end} {found.label!r} "
                    f"of {doc_id!r}: {problem}"
                )
            same = (found.start, found.end, found.label)
            if same not in best or found.score > best[same].score:
                best[same] = found
        self.db.execute("DELETE FROM suggestions WHERE doc = ? AND source = ?", (key, source.value))
        stamp = now()
        self.db.executemany(
            'INSERT INTO suggestions (doc, start, "end", label, source, score, model, created) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (key, p.start, p.end, p.label, source.value, float(p.score), p.model, stamp)
                for p in best.values()
            ],
        )
        return len(best)

    def clear(self, source: Source | None = None) -> int:
        """Forget every stored suggestion (of one source); decisions stay in the log."""
        with self.db.transaction():
            if source is None:
                return self.db.execute("DELETE FROM suggestions").rowcount
            return self.db.execute(
                "DELETE FROM suggestions WHERE source = ?", (source.value,)
            ).rowcount

    # ----------------------------------------------------------------- reading

    def for_annotator(self, doc_id: str, annotator: str) -> list[Suggestion]:
        """What `annotator` is shown on a document, in reading order.

        Left out: suggestions they rejected there, those equal to a span of their layer,
        those accepted into a span still in it (accepted after an edit, or moved since),
        under a scheme without overlap those overlapping one of its spans (they could not
        be accepted), and everything on a document hidden by `blind_overlap`. Two sources
        proposing the same span show it once, with the better score.
        """
        key = self.documents.key(doc_id)
        if self._hidden(key, annotator):
            return []
        done = self._rejected(key, annotator)
        layer = {
            span_id: SpanKey(start, end, label)
            for span_id, start, end, label in self.db.execute(
                'SELECT id, start, "end", label FROM spans WHERE doc = ? AND layer = ?',
                (key, annotator),
            )
        }
        taken = list(layer.values())
        done.update(taken)
        for span_id, before in self.db.execute(
            "SELECT span_id, before FROM events WHERE doc = ? AND layer = ? AND action = ?",
            (key, annotator, EventAction.SUGGESTION_ACCEPT.value),
        ):
            if span_id in layer:  # an undone accept took its span: the suggestion is back
                state = rows.loads(before) or {}
                done.add(SpanKey(state["start"], state["end"], state["label"]))
        no_overlap = not self.project.scheme.allow_overlap
        shown: dict[SpanKey, Suggestion] = {}
        for row in self._rows(key):
            found = suggestion_of(row)
            same = SpanKey(found.start, found.end, found.label)
            if same in done or same in shown:
                continue
            if no_overlap and any(s.start < found.end and found.start < s.end for s in taken):
                continue
            shown[same] = found
        return sorted(shown.values(), key=reading_order)

    def rejected(self, doc_id: str, annotator: str) -> set[SpanKey]:
        """What `annotator` rejected on a document (it is never shown to them there again)."""
        return self._rejected(self.documents.key(doc_id), annotator)

    def _rejected(self, key: int, annotator: str) -> set[SpanKey]:
        found = set()
        for (before,) in self.db.execute(
            "SELECT before FROM events WHERE doc = ? AND layer = ? AND action = ?",
            (key, annotator, EventAction.SUGGESTION_REJECT.value),
        ):
            state = rows.loads(before) or {}
            found.add(SpanKey(state["start"], state["end"], state["label"]))
        return found

    def set_blind_overlap(self, on: bool) -> None:
        with self.db.transaction():
            self.project.set_meta(BLIND_OVERLAP, "1" if on else "0")

    # --------------------------------------------------------------- decisions

    def accept(
        self,
        doc_id: str,
        annotator: str,
        suggestion: Suggestion,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
        actor: str | None = None,
    ) -> Span:
        """Write the suggestion into `annotator`'s layer; returns the span.

        `start`, `end`, `label` accept it edited (the person moved a boundary or chose
        another label first). The span is written as any span is (checked, undoable),
        with `origin` = the source; an identical span already there is returned as it is.
        """
        with self.db.transaction():
            return self._accept(doc_id, annotator, suggestion, start, end, label, actor)

    def _accept(
        self,
        doc_id: str,
        annotator: str,
        suggestion: Suggestion,
        start: int | None,
        end: int | None,
        label: str | None,
        actor: str | None,
    ) -> Span:
        final = SpanKey(
            suggestion.start if start is None else start,
            suggestion.end if end is None else end,
            suggestion.label if label is None else label,
        )
        who = actor or annotator
        self._layer(annotator)
        span = self.spans.add(doc_id, annotator, *final, who, origin=suggestion.source.value)
        edited = final != SpanKey(suggestion.start, suggestion.end, suggestion.label)
        log(
            self.db,
            who,
            EventAction.SUGGESTION_ACCEPT,
            self.documents.key(doc_id),
            annotator,
            span.id,
            before=_proposed(suggestion),
            after={**rows.state(span), "source": suggestion.source.value, "edited": edited},
        )
        return span

    def reject(
        self, doc_id: str, annotator: str, suggestion: Suggestion, *, actor: str | None = None
    ) -> None:
        """Turn a suggestion down: it is not shown to `annotator` on this document again."""
        with self.db.transaction():
            key = self.documents.key(doc_id)
            self._layer(annotator)
            log(
                self.db,
                actor or annotator,
                EventAction.SUGGESTION_REJECT,
                key,
                annotator,
                before=_proposed(suggestion),
            )

    def _layer(self, annotator: str) -> None:
        """The layer a decision goes to: registered, and a plain name (else StoreError)."""
        try:
            self.documents.ensure_layer(annotator)
        except ValueError as exc:
            raise StoreError(str(exc)) from None

    def accept_all(self, doc_id: str, annotator: str, *, actor: str | None = None) -> list[Span]:
        """Accept every suggestion `annotator` is shown on a document, in one transaction.

        Under a scheme without overlap, accepting one may make a later one overlapping it
        impossible: that one is left (and no longer shown), the others are accepted.
        Each accepted span is its own undo step, as if accepted one by one.
        """
        accepted: list[Span] = []
        with self.db.transaction():
            for suggestion in self.for_annotator(doc_id, annotator):
                try:
                    with self.db.transaction():
                        accepted.append(
                            self._accept(doc_id, annotator, suggestion, None, None, None, actor)
                        )
                except StoreError:
                    continue
        return accepted


def _proposed(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion as the log keeps it with a decision (its row id means nothing later)."""
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "label": suggestion.label,
        "source": suggestion.source.value,
        "score": suggestion.score,
        "model": suggestion.model,
    }
