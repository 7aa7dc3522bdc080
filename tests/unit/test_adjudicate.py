"""Majority into gold (the one function the CLI and the review share) and review items."""

from __future__ import annotations

from annotator.adjudicate import (
    ReviewItem,
    disputed_edges,
    layers_of,
    majority_into_gold,
    reject,
    review_items,
)
from annotator.models import GOLD, SpanKey, reading_order
from annotator.store import NewDocument, Store, text_hash

TEXT = "Kyiv must abandon its ambitions, the minister said."


def gold_keys(store: Store, doc_id: str) -> list[SpanKey]:
    return [SpanKey(s.start, s.end, s.label) for s in store.spans(doc_id, GOLD)]


def disputed(store: Store) -> str:
    with store.transaction():
        store.import_documents([NewDocument(text=TEXT)])
    doc_id = text_hash(TEXT)
    for name, start, end, label in [
        ("ann1", 0, 4, "attribution"),
        ("ann2", 0, 4, "attribution"),
        ("ann3", 0, 4, "opinion"),
        ("ann1", 5, 31, "demand"),
        ("ann2", 5, 31, "demand"),
        ("ann3", 10, 31, "demand"),
    ]:
        store.add_span(doc_id, name, start, end, label)
    return doc_id


def test_majority_adds_what_gold_lacks_and_keeps_the_rest(store: Store) -> None:
    doc_id = disputed(store)
    store.add_span(doc_id, GOLD, 0, 4, "attribution", actor="lead")
    store.add_span(doc_id, GOLD, 33, 45, "opinion", actor="lead")
    added = majority_into_gold(store, doc_id, ["ann1", "ann2", "ann3"], "lead")
    assert added == [SpanKey(5, 31, "demand")]
    assert sorted(gold_keys(store, doc_id)) == [
        SpanKey(0, 4, "attribution"),
        SpanKey(5, 31, "demand"),
        SpanKey(33, 45, "opinion"),
    ]
    assert majority_into_gold(store, doc_id, ["ann1", "ann2", "ann3"], "lead") == []
    # Each added span is one event of the actor: undo takes them back one at a time.
    adds = [e for e in store.events(doc_id, GOLD) if e.action == "span.add"]
    assert [e.actor for e in adds] == ["lead", "lead", "lead"]


def test_majority_with_replace_makes_gold_the_majority_alone(store: Store) -> None:
    doc_id = disputed(store)
    store.add_span(doc_id, GOLD, 33, 45, "opinion", actor="lead")
    added = majority_into_gold(
        store, doc_id, ["ann1", "ann2", "ann3"], "adjudicate:majority", replace=True
    )
    assert added == [SpanKey(0, 4, "attribution"), SpanKey(5, 31, "demand")]
    assert sorted(gold_keys(store, doc_id)) == added


def test_review_items_are_in_reading_order_with_gold(store: Store) -> None:
    doc_id = disputed(store)
    spans_by = layers_of(store.spans(doc_id), ["ann1", "ann2", "ann3"])
    assert spans_by["ann3"] == [SpanKey(0, 4, "opinion"), SpanKey(10, 31, "demand")]
    gold = {SpanKey(33, 45, "opinion"): 99}
    items = review_items(spans_by, ["ann1", "ann2", "ann3"], gold)
    assert [item.key for item in items] == sorted([item.key for item in items], key=reading_order)
    assert [item.id for item in items] == list(range(1, len(items) + 1))
    assert items[-1].key == SpanKey(33, 45, "opinion") and items[-1].gold_id == 99
    assert items[-1].kind is None and items[-1].annotators == ()


def test_reject_takes_a_span_out_of_gold_and_is_remembered(store: Store) -> None:
    doc_id = disputed(store)
    names = ["ann1", "ann2", "ann3"]
    short = SpanKey(10, 31, "demand")
    majority_into_gold(store, doc_id, names, "lead")
    assert reject(store, doc_id, short, "lead") is None  # gold never had it
    removed = reject(store, doc_id, SpanKey(5, 31, "demand"), "lead")
    assert removed is not None and removed.layer == GOLD
    assert gold_keys(store, doc_id) == [SpanKey(0, 4, "attribution")]
    assert store.rejected_candidates(doc_id) == {short, SpanKey(5, 31, "demand")}
    rejections = [e for e in store.events(doc_id, GOLD) if e.action == "rejected"]
    assert (rejections[0].actor, rejections[0].after) == (
        "lead",
        {"start": 10, "end": 31, "label": "demand"},
    )

    def items() -> dict[SpanKey, ReviewItem]:
        gold = {SpanKey(s.start, s.end, s.label): s.id or 0 for s in store.spans(doc_id, GOLD)}
        spans_by = layers_of(store.spans(doc_id), names)
        found = review_items(spans_by, names, gold, store.rejected_candidates(doc_id))
        return {item.key: item for item in found}

    assert items()[short].rejected and items()[short].decided
    assert not items()[SpanKey(0, 4, "opinion")].decided
    # Undo puts the removed span back: gold's own state wins over the record.
    store.undo(doc_id, GOLD, actor="lead")
    back = items()[SpanKey(5, 31, "demand")]
    assert back.gold_id is not None and not back.rejected and back.decided
    # The rejections after the removal are no span actions: undo went past them to it.
    assert gold_keys(store, doc_id) == [SpanKey(0, 4, "attribution"), SpanKey(5, 31, "demand")]
    assert store.check() == []


def test_disputed_edges_are_those_another_variant_of_the_label_does_not_share() -> None:
    def item(number: int, start: int, end: int, label: str = "demand") -> ReviewItem:
        return ReviewItem(number, start, end, label, ("ann1",), None, None)

    outer, inner, later = item(1, 0, 20), item(2, 5, 20), item(3, 5, 25)
    other_label = item(4, 0, 20, "opinion")
    items = [outer, inner, later, other_label]
    assert disputed_edges(outer, items) == (True, True)
    assert disputed_edges(inner, [outer, inner]) == (True, False)
    assert disputed_edges(later, [inner, later]) == (False, True)
    assert disputed_edges(other_label, items) == (False, False)  # same text, other label
    assert disputed_edges(item(5, 30, 40), items) == (False, False)  # overlaps none
