"""Where an editing screen's span changes go: the annotator's own layer, or gold.

The annotate and review screens edit spans with the same keys; what differs is the layer
they write and what an edit means there. A `SpanWriter` holds that difference, so the
screens share every key and differ only by the writer they are given:

- `OwnLayerWriter`: the annotator's layer, the annotator as actor. An edit changes the
  stored span.
- `GoldWriter`: the gold layer, the lead as actor. An edit of a candidate gold does not
  hold yet stores the edited span (one event, so one undo), never the candidate first;
  a relation between candidates brings the spans gold lacks along (`accept_relation`).

Relations go to the same layer as the spans they link, by the same actor.

Every call is one short transaction; refusals surface as `StoreError` for the screen.
"""

from __future__ import annotations

from typing import Protocol

from annotator.models import GOLD, Relation, Span, SpanKey
from annotator.store import Store

SpanEnd = tuple[int | None, SpanKey]
"""One end of a relation to write: the span's id in the writer's layer (None: not there
yet, a review candidate) and its key."""


class SpanWriter(Protocol):
    """The store calls an editing screen makes, bound to one layer and one actor."""

    @property
    def layer(self) -> str: ...

    @property
    def actor(self) -> str: ...

    def add(self, doc_id: str, key: SpanKey) -> Span: ...

    def delete(self, span_id: int) -> Span: ...

    def edit(self, doc_id: str, span_id: int | None, key: SpanKey, changes: SpanKey) -> Span:
        """Give the span `key` (stored as `span_id`, if it is) the extent and label `changes`."""
        ...

    def undo(self, doc_id: str) -> Span | None: ...

    def redo(self, doc_id: str) -> Span | None: ...

    def history_state(self, doc_id: str) -> tuple[bool, bool]:
        """`(can_undo, can_redo)` for this layer of the document."""
        ...

    def relate(self, doc_id: str, head: SpanEnd, child: SpanEnd, label: str) -> Relation:
        """Link two spans of this layer (gold: after adding those it lacks)."""
        ...

    def delete_relation(self, relation_id: int) -> Relation: ...

    def update_relation(
        self, relation_id: int, *, label: str | None = None, reverse: bool = False
    ) -> Relation: ...


class _LayerWriter:
    """What both writers share: one store, one layer, one actor."""

    def __init__(self, store: Store, layer: str, actor: str) -> None:
        self.store = store
        self.layer = layer
        self.actor = actor

    def add(self, doc_id: str, key: SpanKey) -> Span:
        return self.store.add_span(doc_id, self.layer, *key, actor=self.actor)

    def delete(self, span_id: int) -> Span:
        return self.store.delete_span(span_id, actor=self.actor)

    def _update(self, span_id: int, key: SpanKey, changes: SpanKey) -> Span:
        # Only what changed goes to the log, as the keys always did.
        return self.store.update_span(
            span_id,
            actor=self.actor,
            start=changes.start if changes.start != key.start else None,
            end=changes.end if changes.end != key.end else None,
            label=changes.label if changes.label != key.label else None,
        )

    def undo(self, doc_id: str) -> Span | None:
        return self.store.undo(doc_id, self.layer, actor=self.actor)

    def redo(self, doc_id: str) -> Span | None:
        return self.store.redo(doc_id, self.layer, actor=self.actor)

    def history_state(self, doc_id: str) -> tuple[bool, bool]:
        state = self.store.history_state(doc_id, self.layer)
        return state.can_undo, state.can_redo

    def delete_relation(self, relation_id: int) -> Relation:
        return self.store.delete_relation(relation_id, actor=self.actor)

    def update_relation(
        self, relation_id: int, *, label: str | None = None, reverse: bool = False
    ) -> Relation:
        return self.store.update_relation(
            relation_id, label=label, reverse=reverse, actor=self.actor
        )


class OwnLayerWriter(_LayerWriter):
    """The annotator's own layer: edits change the annotator's stored span."""

    def __init__(self, store: Store, annotator: str) -> None:
        super().__init__(store, annotator, annotator)

    def edit(self, doc_id: str, span_id: int | None, key: SpanKey, changes: SpanKey) -> Span:
        if span_id is None:
            raise ValueError("an annotator edits only spans of their own layer")
        return self._update(span_id, key, changes)

    def relate(self, doc_id: str, head: SpanEnd, child: SpanEnd, label: str) -> Relation:
        if head[0] is None or child[0] is None:
            raise ValueError("an annotator links only spans of their own layer")
        return self.store.add_relation(head[0], child[0], label, actor=self.actor)


class GoldWriter(_LayerWriter):
    """The gold layer, written by the lead: an edited candidate gold lacks is added."""

    def __init__(self, store: Store, lead: str) -> None:
        super().__init__(store, GOLD, lead)

    def edit(self, doc_id: str, span_id: int | None, key: SpanKey, changes: SpanKey) -> Span:
        if span_id is not None:
            return self._update(span_id, key, changes)
        return self.add(doc_id, changes)

    def relate(self, doc_id: str, head: SpanEnd, child: SpanEnd, label: str) -> Relation:
        # Review code, not loaded for the workbench's start.
        from annotator.relation_review import RelationKey, accept_relation

        key = RelationKey(head[1], child[1], label)
        return accept_relation(self.store, doc_id, key, self.actor)[1]
