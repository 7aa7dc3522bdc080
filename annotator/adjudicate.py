"""Settle disagreements into the gold layer: disagreement listing and merge policies.

Policies are pure functions from the annotators' spans (and relations) of one document to
what gold should hold; the store writes them, so every gold span and relation is in the
event log like any other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from annotator.models import GOLD, Span, SpanKey, reading_order

if TYPE_CHECKING:
    from annotator.store import Store


class Agreement(StrEnum):
    ALL = "all"
    """every annotator of the document has this exact span"""
    SOME = "some"
    """some have it, others have nothing overlapping with the same label"""
    BOUNDARY = "boundary"
    """others have an overlapping span of the same label with other offsets"""
    LABEL = "label"
    """others have the same offsets under another label"""


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    annotators: tuple[str, ...]
    kind: Agreement


def majority(spans: Mapping[str, Iterable[SpanKey]], annotators: Sequence[str]) -> list[SpanKey]:
    """Spans that more than half of `annotators` marked exactly, in reading order."""
    votes: Counter[SpanKey] = Counter()
    for name in annotators:
        votes.update({SpanKey(*key) for key in spans.get(name, ())})
    needed = len(annotators) // 2 + 1
    return sorted((key for key, count in votes.items() if count >= needed), key=reading_order)


class RelationKey(NamedTuple):
    """What makes a relation the same in two layers: its spans' keys and its label."""

    head: SpanKey
    child: SpanKey
    label: str


def majority_relations(
    relations: Mapping[str, Iterable[RelationKey]],
    annotators: Sequence[str],
    gold: Collection[SpanKey],
) -> list[RelationKey]:
    """Relations that more than half of `annotators` made identically (both spans and the
    label), of those whose two spans `gold` holds; in the reading order of their heads."""
    votes: Counter[RelationKey] = Counter()
    for name in annotators:
        votes.update(set(relations.get(name, ())))
    needed = len(annotators) // 2 + 1
    found = [
        key
        for key, count in votes.items()
        if count >= needed and key.head in gold and key.child in gold
    ]
    return sorted(found, key=lambda k: (reading_order(k.head), reading_order(k.child), k.label))


def relation_layers(
    store: Store, doc_id: str, annotators: Sequence[str]
) -> dict[str, list[RelationKey]]:
    """The keys of each annotator's relations of a document (every one has a list)."""
    keys = {span.id: SpanKey(span.start, span.end, span.label) for span in store.spans(doc_id)}
    by_layer: dict[str, list[RelationKey]] = {name: [] for name in annotators}
    for relation in store.relation_rows(doc_id):
        found = by_layer.get(relation.layer)
        if found is not None:
            found.append(RelationKey(keys[relation.head], keys[relation.child], relation.label))
    return by_layer


def layers_of(spans: Iterable[Span], annotators: Sequence[str]) -> dict[str, list[SpanKey]]:
    """The keys of each annotator's spans (every one of `annotators` has a list)."""
    by_layer: dict[str, list[SpanKey]] = {name: [] for name in annotators}
    for span in spans:
        keys = by_layer.get(span.layer)
        if keys is not None:
            keys.append(SpanKey(span.start, span.end, span.label))
    return by_layer


def majority_into_gold(
    store: Store, doc_id: str, annotators: Sequence[str], actor: str, *, replace: bool = False
) -> list[SpanKey]:
    """Write into gold every span a majority of `annotators` marked exactly, then every
    relation a majority made identically whose two spans gold now holds; one transaction.

    The one way both the CLI (`adjudicate --auto majority`) and the review screen put the
    majority into gold. Without `replace`, gold keeps what it has and gains the majority
    spans and relations it lacks (each one event, so undo takes them back one at a time);
    with it, gold's spans (and so their relations) are removed first, so gold is the
    majority and nothing else.

    Returns:
        The spans added to gold, in the order they were written.
    """
    with store.transaction():
        stored = store.spans(doc_id)
        gold = [span for span in stored if span.layer == GOLD]
        decided = majority(layers_of(stored, annotators), annotators)
        if replace:
            for span in gold:
                store.delete_span(span.id or 0, actor=actor)
            have: set[SpanKey] = set()
        else:
            have = {SpanKey(span.start, span.end, span.label) for span in gold}
        added = [key for key in decided if key not in have]
        for key in added:
            store.add_span(doc_id, GOLD, *key, actor=actor)
        gold_ids = {
            SpanKey(span.start, span.end, span.label): span.id or 0
            for span in store.spans(doc_id, GOLD)
        }
        linked = majority_relations(
            relation_layers(store, doc_id, annotators), annotators, gold_ids
        )
        for link in linked:
            store.add_relation(gold_ids[link.head], gold_ids[link.child], link.label, actor=actor)
    return added


def candidates(
    spans: Mapping[str, Iterable[SpanKey]], annotators: Sequence[str]
) -> list[Candidate]:
    """Every distinct span of a document, classified by how the annotators differ on it.

    In reading order, like every list of spans.
    """
    by_name = {name: {SpanKey(*key) for key in spans.get(name, ())} for name in annotators}
    owners: dict[SpanKey, list[str]] = {}
    for name in annotators:
        for key in by_name[name]:
            owners.setdefault(key, []).append(name)
    result = []
    for key, names in sorted(owners.items(), key=lambda pair: reading_order(pair[0])):
        start, end, label = key
        if len(names) == len(annotators):
            kind = Agreement.ALL
        else:
            others = [by_name[n] for n in annotators if n not in names]
            if any(
                (s, e, lab)
                for spans_of in others
                for s, e, lab in spans_of
                if (s, e) == (start, end) and lab != label
            ):
                kind = Agreement.LABEL
            elif any(
                1
                for spans_of in others
                for s, e, lab in spans_of
                if lab == label and s < end and start < e
            ):
                kind = Agreement.BOUNDARY
            else:
                kind = Agreement.SOME
        result.append(Candidate(start, end, label, tuple(sorted(names)), kind))
    return result


@dataclass(frozen=True)
class ReviewItem:
    """One distinct span of a document under review: who proposed it, and whether gold has it.

    A review shows the annotators' candidates and gold side by side; a span gold holds
    that no annotator proposed (the lead edited one) is an item too, so nothing in gold
    is ever out of sight.
    """

    id: int
    """1-based position in reading order: how a view of the items refers to one"""
    start: int
    end: int
    label: str
    annotators: tuple[str, ...]
    kind: Agreement | None
    """how the annotators differ on it; None for a span only gold has"""
    gold_id: int | None
    """the id of the gold span with exactly these offsets and label, if there is one"""
    rejected: bool = False
    """a lead kept it out of gold (and gold does not hold it again since)"""

    @property
    def key(self) -> SpanKey:
        return SpanKey(self.start, self.end, self.label)

    @property
    def decided(self) -> bool:
        """In gold, or rejected: what the review's decisions move past."""
        return self.gold_id is not None or self.rejected


def review_items(
    spans: Mapping[str, Iterable[SpanKey]],
    annotators: Sequence[str],
    gold: dict[SpanKey, int],
    rejected: Collection[SpanKey] = (),
) -> list[ReviewItem]:
    """The candidates of a document and its gold spans (`key -> span id`), in reading order.

    Reading order is by start, the longer (outer) span first, as the annotation screen
    walks spans, so an item's position is the same in a list and in the text. A key in
    `rejected` that gold holds again (accepted after all, or the removal undone) is gold's.
    """
    found = {SpanKey(c.start, c.end, c.label): c for c in candidates(spans, annotators)}
    keys = sorted(found.keys() | gold.keys(), key=reading_order)
    items = []
    for number, key in enumerate(keys, 1):
        candidate = found.get(key)
        items.append(
            ReviewItem(
                number,
                *key,
                annotators=candidate.annotators if candidate else (),
                kind=candidate.kind if candidate else None,
                gold_id=gold.get(key),
                rejected=key in rejected and key not in gold,
            )
        )
    return items


def reject(store: Store, doc_id: str, key: SpanKey, actor: str) -> Span | None:
    """Keep the candidate `key` out of gold: removed if gold holds it, and the rejection
    recorded, in one transaction; the review's `x`.

    The record is what makes a rejected candidate look decided before the document is
    marked adjudicated (and after a restart). Only the removal is a span action, so undo
    puts the span back in gold, where gold's own state wins over the record.

    Returns:
        The gold span removed, or None when gold did not hold it.
    """
    with store.transaction():
        held = [s for s in store.spans(doc_id, GOLD) if SpanKey(s.start, s.end, s.label) == key]
        removed = store.delete_span(held[0].id or 0, actor=actor) if held else None
        store.reject_candidate(doc_id, key, actor)
    return removed


def disputed_edges(item: ReviewItem, items: Iterable[ReviewItem]) -> tuple[bool, bool]:
    """Whether `item`'s start and end differ from another item's that overlaps it with the
    same label: the edges a boundary dispute is about, which an excerpt must show."""
    start = end = False
    for other in items:
        if other.label == item.label and other.start < item.end and item.start < other.end:
            start = start or other.start != item.start
            end = end or other.end != item.end
    return start, end
