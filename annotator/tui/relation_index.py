"""The relations an editing screen shows, by the spans they link.

A screen hands its relations over once, when they change (a document opens, a link is
made, undo); the cursor then asks "which relations has the focused span" on every move,
which is a dict look-up here, whatever the number of relations.

Each end is the span as the document view knows it (its id is a *view id*: a stored span
id in the annotate screen, a review item's id in the review); `RelationRef.stored` is the
id of the relation in the writer's layer, if it is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.models import SpanKey
from annotator.tui.span_index import SpanLike

if TYPE_CHECKING:  # the review's (not loaded for the workbench's start)
    from annotator.relation_review import RelationItem


@dataclass(frozen=True, slots=True)
class RelationRef:
    """One relation on show: its head and child spans and the relation's name."""

    id: int
    """the stored relation's id (annotate), or the review item's"""
    head: SpanLike
    child: SpanLike
    label: str
    stored: int | None
    """the relation's id in the writer's layer; None: a candidate gold does not hold"""
    item: RelationItem | None = None
    """in the review: who made it, and how the annotators differ on it"""

    @property
    def head_id(self) -> int:
        return self.head.id or 0

    @property
    def child_id(self) -> int:
        return self.child.id or 0

    def other(self, span_id: int) -> SpanLike:
        """The end that is not `span_id`."""
        return self.child if span_id == self.head_id else self.head

    @property
    def key(self) -> tuple[SpanKey, SpanKey, str]:
        """What the relation links, as span keys: the same in every layer."""
        head, child = self.head, self.child
        return (
            SpanKey(head.start, head.end, head.label),
            SpanKey(child.start, child.end, child.label),
            self.label,
        )


class RelationIndex:
    """Relations in list order (by head, then child, as the spans read), and per span."""

    def __init__(
        self,
        relations: Iterable[RelationRef] = (),
        position: Callable[[int], int | None] = lambda _id: None,
    ) -> None:
        def order(relation: RelationRef) -> tuple[int, int, str, int]:
            head, child = position(relation.head_id), position(relation.child_id)
            return (
                relation.head.start if head is None else head,
                relation.child.start if child is None else child,
                relation.label,
                relation.id,
            )

        self.relations: list[RelationRef] = sorted(relations, key=order)
        self.by_span: dict[int, list[RelationRef]] = {}
        for relation in self.relations:
            self.by_span.setdefault(relation.head_id, []).append(relation)
            self.by_span.setdefault(relation.child_id, []).append(relation)
        self.by_id = {relation.id: relation for relation in self.relations}

    def __len__(self) -> int:
        return len(self.relations)

    def of(self, span_id: int | None) -> list[RelationRef]:
        """The relations with `span_id` at either end, in list order."""
        return self.by_span.get(span_id, []) if span_id is not None else []

    def links(self) -> dict[int, tuple[int, ...]]:
        """Span -> the spans its relations link it to (what the view marks)."""
        found: dict[int, dict[int, None]] = {}
        for relation in self.relations:
            head, child = relation.head.id or 0, relation.child.id or 0
            found.setdefault(head, {})[child] = None
            found.setdefault(child, {})[head] = None
        return {span_id: tuple(others) for span_id, others in found.items()}

    def find(self, head: int, child: int, label: str) -> RelationRef | None:
        """The relation from `head` to `child` named `label`, if there is one."""
        return next(
            (
                relation
                for relation in self.of(head)
                if (relation.head_id, relation.child_id, relation.label) == (head, child, label)
            ),
            None,
        )
