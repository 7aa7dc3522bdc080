"""Relations under review: who linked what, how the annotators differ, and into gold.

A relation is compared across layers by what it links, never by ids (ids are per layer):
its head and child as `SpanKey`s and its own label, as the agreement's relation F1 does
for its exact mode. The review shows each distinct relation the annotators made (and
each gold holds) as a `RelationItem`; accepting one writes it into gold, bringing its
spans along: a relation needs both of its spans in its layer, so gold gains the ones it
lacks first, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from annotator.adjudicate import Agreement
from annotator.models import GOLD, Relation, RelationRow, Span, SpanKey, SpanRow, reading_order

if TYPE_CHECKING:
    from annotator.store import Store


class RelationKey(NamedTuple):
    """What makes a relation the same relation in two layers."""

    head: SpanKey
    child: SpanKey
    label: str


def relation_order(key: RelationKey) -> tuple[object, ...]:
    """Relations as a reader meets them: by their head, then their child (`reading_order`)."""
    return (*reading_order(key.head), *reading_order(key.child), key.label)


def keys_by_layer(
    spans: Iterable[Span | SpanRow], relations: Iterable[Relation | RelationRow]
) -> dict[str, list[RelationKey]]:
    """Each layer's relations as keys (`spans`: every span the relations link)."""
    ends = {span.id: SpanKey(span.start, span.end, span.label) for span in spans}
    found: dict[str, list[RelationKey]] = {}
    for relation in relations:
        head, child = ends.get(relation.head), ends.get(relation.child)
        if head is not None and child is not None:
            found.setdefault(relation.layer, []).append(RelationKey(head, child, relation.label))
    return found


@dataclass(frozen=True)
class RelationItem:
    """One distinct relation of a document under review: who made it, whether gold has it.

    `kind` reads as a span candidate's does: every annotator made it (`ALL`), only some
    did (`SOME`), or others link the same two spans under another relation (`LABEL`);
    None for a relation only gold has (the lead made it).
    """

    id: int
    """1-based position in `relation_order`"""
    key: RelationKey
    annotators: tuple[str, ...]
    kind: Agreement | None
    gold_id: int | None
    """the id of gold's relation with this key, if gold has it"""

    @property
    def head(self) -> SpanKey:
        return self.key.head

    @property
    def child(self) -> SpanKey:
        return self.key.child

    @property
    def label(self) -> str:
        return self.key.label


def relation_items(
    by_layer: Mapping[str, Iterable[RelationKey]],
    annotators: Sequence[str],
    gold: Mapping[RelationKey, int],
) -> list[RelationItem]:
    """The relation candidates of `annotators` and gold's relations (`key -> id`), in
    `relation_order`."""
    owners: dict[RelationKey, list[str]] = {}
    for name in annotators:
        for key in dict.fromkeys(by_layer.get(name, ())):
            owners.setdefault(key, []).append(name)
    pairs: dict[tuple[SpanKey, SpanKey], set[str]] = {}
    for key in owners:
        pairs.setdefault((key.head, key.child), set()).add(key.label)
    items = []
    for number, key in enumerate(sorted(owners.keys() | gold.keys(), key=relation_order), 1):
        names = owners.get(key)
        if names is None:
            kind = None
        elif len(names) == len(annotators):
            kind = Agreement.ALL
        elif len(pairs[key.head, key.child]) > 1:
            kind = Agreement.LABEL
        else:
            kind = Agreement.SOME
        items.append(RelationItem(number, key, tuple(sorted(names or ())), kind, gold.get(key)))
    return items


def review_relations(
    spans: Iterable[Span | SpanRow],
    relations: Iterable[Relation | RelationRow],
    annotators: Sequence[str],
) -> list[RelationItem]:
    """A document's relation items from its stored spans and relations (every layer)."""
    ends = {span.id: SpanKey(span.start, span.end, span.label) for span in spans}
    by_layer: dict[str, list[RelationKey]] = {}
    gold: dict[RelationKey, int] = {}
    for relation in relations:
        head, child = ends.get(relation.head), ends.get(relation.child)
        if head is None or child is None:
            continue
        key = RelationKey(head, child, relation.label)
        if relation.layer == GOLD:
            gold[key] = relation.id
        else:
            by_layer.setdefault(relation.layer, []).append(key)
    return relation_items(by_layer, annotators, gold)


def accept_relation(
    store: Store, doc_id: str, key: RelationKey, actor: str
) -> tuple[list[Span], Relation]:
    """Put the relation `key` into gold with its spans, in one transaction.

    The spans gold lacks are added first, then the relation: each is an event of its own,
    so undo takes back the relation, then the spans, one at a time. A relation gold
    already holds is returned as it is.

    Returns:
        The spans added to gold (none when it had both), and gold's relation.
    """
    with store.transaction():
        held = {
            SpanKey(span.start, span.end, span.label): span.id
            for span in store.span_rows(doc_id, GOLD)
        }
        added: list[Span] = []
        ids: list[int] = []
        for end in (key.head, key.child):
            found = held.get(end)
            if found is None:
                span = store.add_span(doc_id, GOLD, *end, actor=actor)
                added.append(span)
                found = held[end] = span.id or 0
            ids.append(found)
        relation = store.add_relation(ids[0], ids[1], key.label, actor=actor)
    return added, relation
