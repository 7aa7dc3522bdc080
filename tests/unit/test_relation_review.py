"""Relations under review: candidates compared by what they link, and accepted into gold
with their spans (one transaction, undone one event at a time)."""

from __future__ import annotations

from annotator.adjudicate import Agreement
from annotator.models import GOLD, SpanKey
from annotator.relation_review import (
    RelationKey,
    accept_relation,
    keys_by_layer,
    relation_items,
    review_relations,
)
from annotator.store import NewDocument, Store

TEXT = (
    "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region. "
    "Germany and Turkey could join, the minister said."
)


def key(words: str, label: str) -> SpanKey:
    start = TEXT.index(words)
    return SpanKey(start, start + len(words), label)


REPORTED = key("Reuters reported", "attribution")
CEDE = key("cede the eastern Donbas region", "demand")
GUARANTORS = key("Germany and Turkey", "guarantor")
SAID = key("the minister said", "attribution")

SAYS = RelationKey(REPORTED, CEDE, "says")


def add(store: Store, layer: str, *spans: SpanKey) -> list[int]:
    return [store.add_span("d1", layer, *span).id or 0 for span in spans]


def test_items_say_who_linked_what_and_how_they_differ() -> None:
    said = RelationKey(SAID, CEDE, "says")
    echoed = RelationKey(SAID, CEDE, "echoes")
    guarantee = RelationKey(GUARANTORS, CEDE, "guarantees")
    by_layer = {
        "ann1": [SAYS, said, guarantee],
        "ann2": [SAYS, echoed],
        "ann3": [SAYS, SAYS],  # a key twice counts once
    }
    gold_only = RelationKey(REPORTED, key("Ukraine", "demand"), "says")
    gold = {guarantee: 7, gold_only: 9}
    items = relation_items(by_layer, ["ann1", "ann2", "ann3"], gold)
    found = [(item.id, item.key, item.annotators, item.kind, item.gold_id) for item in items]
    # by head, then child, in reading order ("Ukraine" comes before "cede ...")
    assert found == [
        (1, gold_only, (), None, 9),
        (2, SAYS, ("ann1", "ann2", "ann3"), Agreement.ALL, None),
        (3, guarantee, ("ann1",), Agreement.SOME, 7),
        (4, echoed, ("ann2",), Agreement.LABEL, None),
        (5, said, ("ann1",), Agreement.LABEL, None),
    ]
    assert (items[0].head, items[0].child, items[0].label) == gold_only


def test_keys_by_layer_read_the_ends_of_each_layers_relations(store: Store) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    head, child = add(store, "ann1", REPORTED, CEDE)
    store.add_relation(head, child, "says")
    other = add(store, "ann2", REPORTED, CEDE)
    store.add_relation(*other, "says")
    found = keys_by_layer(store.span_rows("d1"), store.relation_rows("d1"))
    assert found == {"ann1": [SAYS], "ann2": [SAYS]}


def test_accepting_a_relation_brings_its_spans_into_gold_and_undo_takes_them_back(
    store: Store,
) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    head, child = add(store, "ann1", REPORTED, CEDE)
    store.add_relation(head, child, "says")
    add(store, GOLD, CEDE)  # gold has the child already

    added, relation = accept_relation(store, "d1", SAYS, "lead")
    assert [SpanKey(s.start, s.end, s.label) for s in added] == [REPORTED]
    gold = {s.id: SpanKey(s.start, s.end, s.label) for s in store.spans("d1", GOLD)}
    assert sorted(gold.values()) == sorted([REPORTED, CEDE])
    assert (gold[relation.head], gold[relation.child], relation.layer) == (REPORTED, CEDE, GOLD)
    assert [e.actor for e in store.events("d1", GOLD)][-2:] == ["lead", "lead"]

    again = accept_relation(store, "d1", SAYS, "lead")  # already in gold: unchanged
    assert again == ([], relation)
    assert len(store.relations("d1", GOLD)) == 1

    store.undo("d1", GOLD)  # the relation first
    assert store.relations("d1", GOLD) == []
    assert len(store.spans("d1", GOLD)) == 2
    store.undo("d1", GOLD)  # then the span it brought
    assert [SpanKey(s.start, s.end, s.label) for s in store.spans("d1", GOLD)] == [CEDE]


def test_review_relations_reads_candidates_and_gold_from_the_store(store: Store) -> None:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    for name in ("ann1", "ann2"):
        store.add_relation(*add(store, name, REPORTED, CEDE), "says")
    gold = store.add_relation(*add(store, GOLD, REPORTED, CEDE), "says")
    store.add_relation(*add(store, "ann3", SAID, CEDE), "says")  # not one of the annotators
    items = review_relations(store.span_rows("d1"), store.relation_rows("d1"), ["ann1", "ann2"])
    found = [(item.key, item.annotators, item.kind, item.gold_id) for item in items]
    assert found == [(SAYS, ("ann1", "ann2"), Agreement.ALL, gold.id)]
