"""Majority into gold with relations: a strict majority made it identically, and both of its
spans made it into gold; written through the store, so undo and `check` see it."""

from __future__ import annotations

from typer.testing import CliRunner

from annotator.adjudicate import RelationKey, majority_into_gold, majority_relations
from annotator.cli import app
from annotator.models import GOLD, SpanKey, Status
from annotator.store import NewDocument, Store

TEXT = "Reuters reported that Kyiv must cede the Donbas, and critics say it is unfair."


def at(words: str, label: str) -> SpanKey:
    start = TEXT.index(words)
    return SpanKey(start, start + len(words), label)


REPORTED = at("Reuters reported", "attribution")
CEDE = at("Kyiv must cede the Donbas", "demand")
CRITICS = at("critics say", "attribution")
UNFAIR = at("it is unfair", "opinion")
CEDE_SHORT = at("cede the Donbas", "demand")


def link(store: Store, layer: str, head: SpanKey, child: SpanKey) -> None:
    first = store.add_span("d", layer, *head).id or 0
    second = store.add_span("d", layer, *child).id or 0
    store.add_relation(first, second, "says")


def gold_links(store: Store) -> set[RelationKey]:
    keys = {s.id: SpanKey(s.start, s.end, s.label) for s in store.spans("d", GOLD)}
    return {RelationKey(keys[r.head], keys[r.child], r.label) for r in store.relations("d", GOLD)}


def project(store: Store) -> Store:
    """ann1, ann2, ann3:
    REPORTED says CEDE        ann1, ann2        a majority: into gold
    CRITICS says UNFAIR       ann1, ann2 (ann3 has the spans, not the link): into gold
    REPORTED says CEDE_SHORT  ann3 only         no majority
    CRITICS says CEDE         ann1, ann2, but ann2 and ann3 have no CRITICS: not in gold
    """
    store.import_documents([NewDocument(text=TEXT, id="d")])
    for name in ("ann1", "ann2"):
        link(store, name, REPORTED, CEDE)
        link(store, name, CRITICS, UNFAIR)
    link(store, "ann3", REPORTED, CEDE_SHORT)
    store.add_span("d", "ann3", *CRITICS)
    store.add_span("d", "ann3", *UNFAIR)
    store.add_span("d", "ann3", *CEDE)
    return store


def test_a_strict_majority_of_identical_relations_goes_into_gold(store: Store) -> None:
    project(store)
    majority_into_gold(store, "d", ["ann1", "ann2", "ann3"], "lead")
    assert gold_links(store) == {
        RelationKey(REPORTED, CEDE, "says"),
        RelationKey(CRITICS, UNFAIR, "says"),
    }
    assert store.check() == []
    # Written as any gold edit: undo takes the relations back one at a time, last first.
    store.undo("d", GOLD)
    assert gold_links(store) == {RelationKey(REPORTED, CEDE, "says")}
    # Twice is the same gold: nothing is added again.
    events = len(store.events("d", GOLD))
    majority_into_gold(store, "d", ["ann1", "ann2", "ann3"], "lead")
    assert len(gold_links(store)) == 2
    assert len(store.events("d", GOLD)) == events + 1  # only the undone relation again


def test_a_relation_needs_both_spans_in_gold_and_half_is_not_a_majority() -> None:
    votes = {
        "ann1": [RelationKey(CRITICS, CEDE, "says"), RelationKey(REPORTED, CEDE, "says")],
        "ann2": [RelationKey(CRITICS, CEDE, "says")],
        "ann3": [],
        "ann4": [RelationKey(REPORTED, CEDE, "says")],
    }
    everyone = ["ann1", "ann2", "ann3", "ann4"]
    assert majority_relations(votes, everyone, {CRITICS, CEDE, REPORTED}) == []  # 2 of 4
    three = ["ann1", "ann2", "ann3"]
    assert majority_relations(votes, three, {CRITICS, CEDE}) == [RelationKey(CRITICS, CEDE, "says")]
    assert majority_relations(votes, three, {CEDE}) == []  # its head is not in gold


def test_adjudicate_auto_majority_writes_relations_too(store: Store) -> None:
    project(store)
    for name in ("ann1", "ann2", "ann3"):
        store.set_status("d", name, Status.DONE)
    store.close()
    result = CliRunner().invoke(app, ["adjudicate", "--auto", "majority", "--db", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "gold: 4 spans and 2 relations written for 1 documents" in result.stdout
    with Store.open(store.path) as again:
        assert gold_links(again) == {
            RelationKey(REPORTED, CEDE, "says"),
            RelationKey(CRITICS, UNFAIR, "says"),
        }
        assert again.check() == []
