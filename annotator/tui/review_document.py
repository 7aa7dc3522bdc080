"""One document under review: the annotators' layers as review items, and the layer on show.

Plain data read from the store in one call, so the review screen only decides what to
show and what a key writes; nothing here knows Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from annotator.adjudicate import ReviewItem, layers_of, review_items
from annotator.models import GOLD, SpanKey, reading_order
from annotator.relation_review import RelationItem, review_relations
from annotator.store import Store
from annotator.tui.relation_index import RelationRef


@dataclass
class ReviewDocument:
    """The items of one document (candidates and gold) and the layer the view shows."""

    doc_id: str
    names: list[str]
    """the annotators who finished it, in the agreement report's order"""
    spans_by: dict[str, list[SpanKey]]
    items: list[ReviewItem]
    shown_layer: str | None = None
    """one annotator's layer, gold, or None: every item"""
    shown: list[ReviewItem] = field(default_factory=list)
    relations: list[RelationItem] = field(default_factory=list)
    """the relation candidates and gold's relations"""

    def __post_init__(self) -> None:
        self.shown = [item for item in self.items if self.in_layer(item)]

    @classmethod
    def read(
        cls, store: Store, doc_id: str, names: Sequence[str], shown_layer: str | None = None
    ) -> ReviewDocument:
        """Every layer of `doc_id` from the store, as items."""
        stored = store.spans(doc_id)
        gold = {
            SpanKey(span.start, span.end, span.label): span.id or 0
            for span in stored
            if span.layer == GOLD
        }
        spans_by = layers_of(stored, names)
        items = review_items(spans_by, names, gold, store.rejected_candidates(doc_id))
        relations = review_relations(stored, store.relation_rows(doc_id), names)
        return cls(doc_id, list(names), spans_by, items, shown_layer, relations=relations)

    @property
    def layers(self) -> tuple[str | None, ...]:
        """What `v` cycles through: all, each annotator, gold."""
        return (None, *self.names, GOLD)

    def in_layer(self, item: ReviewItem) -> bool:
        """Whether the layer on show has `item` (all of them: every item)."""
        if self.shown_layer is None:
            return True
        if self.shown_layer == GOLD:
            return item.gold_id is not None
        return self.shown_layer in item.annotators

    def show_layer(self, layer: str | None) -> None:
        self.shown_layer = layer
        self.shown = [item for item in self.items if self.in_layer(item)]

    def item(self, view_id: int | None) -> ReviewItem | None:
        """The shown item the view knows as `view_id`."""
        return next((item for item in self.shown if item.id == view_id), None)

    def relation_refs(self) -> list[RelationRef]:
        """The relations of the layer on show, their ends as the items they link."""
        by_key = {item.key: item for item in self.items}
        found = []
        for relation in self.relations:
            head, child = by_key.get(relation.head), by_key.get(relation.child)
            layer = self.shown_layer
            shown = (
                layer is None
                or (layer == GOLD and relation.gold_id is not None)
                or layer in relation.annotators
            )
            if head is not None and child is not None and shown:
                ref = RelationRef(relation.id, head, child, relation.label, relation.gold_id)
                found.append(replace(ref, item=relation))
        return found

    def gold(self) -> list[ReviewItem]:
        return [item for item in self.items if item.gold_id is not None]

    def gold_keys(self) -> set[SpanKey]:
        return {item.key for item in self.gold()}

    def next_undecided(self, after: ReviewItem | None = None) -> ReviewItem | None:
        """The first shown item neither in gold nor rejected after `after` in reading
        order, wrapping round (from the start without `after`): where a decision moves on
        to. Never a decided row, so a key pressed once too often changes nothing settled."""
        place = reading_order(after) if after is not None else None
        undecided = [item for item in self.shown if not item.decided]
        later = (item for item in undecided if place is None or reading_order(item) > place)
        return next(later, undecided[0] if undecided else None)
