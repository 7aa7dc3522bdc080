"""The two `SpanWriter`s: the annotator's own layer, and gold (which adds edited candidates).

Pilot tests drive the keys both screens share (`]` moves a start a token right) and then
read every layer of the document from the store: a writer changes its own layer and
nothing else, with its actor in the log.
"""

from __future__ import annotations

import pytest
from review_helpers import actors, dispute, focus_item, gold, key_of, settle
from tui_helpers import SIZE, layer, open_doc

from annotator.models import GOLD, SpanKey
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.span_writer import GoldWriter, OwnLayerWriter


def every_layer(store: Store, doc_id: str) -> dict[str, list[tuple[int, int, str]]]:
    rows: dict[str, list[tuple[int, int, str]]] = {}
    for span in store.spans(doc_id):
        rows.setdefault(span.layer, []).append((span.start, span.end, span.label))
    return rows


async def test_gold_writer_adds_an_edited_candidate_gold_lacks(project: Store) -> None:
    seed, _ = dispute(project)
    security = key_of(project, seed, "Security Council members", "guarantor")
    before = every_layer(project, seed)
    assert GOLD not in before
    review = make_app(project, "lead", review=True)
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_item(pilot, security)
        await pilot.press("]")  # the start a token right: "Council members", into gold
    council = key_of(project, seed, "Council members", "guarantor")
    assert gold(project, seed) == [(*council, "Council members")]
    # One event (an add, not the candidate then an update), by the lead.
    assert [event.action for event in project.events(seed, GOLD)] == ["span.add"]
    assert actors(project, seed) == {"lead"}
    # The annotators' layers are as they were.
    after = every_layer(project, seed)
    assert {name: rows for name, rows in after.items() if name != GOLD} == before


async def test_gold_writer_updates_what_gold_has(project: Store) -> None:
    seed, _ = dispute(project)
    security = key_of(project, seed, "Security Council members", "guarantor")
    review = make_app(project, "lead", review=True)
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_item(pilot, security)
        await pilot.press("a")  # into gold as it is
        await focus_item(pilot, security)
        await pilot.press("]")
    council = key_of(project, seed, "Council members", "guarantor")
    assert gold(project, seed) == [(*council, "Council members")]
    actions = [event.action for event in project.events(seed, GOLD)]
    assert actions == ["span.add", "span.update"]


async def test_own_layer_writer_writes_only_the_annotators_layer(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    text = project.document(seed_id).text
    start = text.index("rejects")
    project.add_span(seed_id, "bob", start, start + len("rejects NATO"), "demand")
    project.add_span(seed_id, GOLD, start, start + len("rejects NATO"), "demand", actor="lead")
    others = {k: v for k, v in every_layer(project, seed_id).items() if k != "alice"}
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("right", "shift+right", "shift+right", "d", "shift+tab")
        await pilot.press("]", "}")
    assert layer(project, seed_id) == [(15, 24, "demand", "NATO path")]
    assert {k: v for k, v in every_layer(project, seed_id).items() if k != "alice"} == others
    assert {event.actor for event in project.events(seed_id, "alice")} == {"alice"}


def test_writers_are_bound_to_their_layer_and_actor(project: Store, seed_id: str) -> None:
    own, gold_writer = OwnLayerWriter(project, "alice"), GoldWriter(project, "lead")
    assert (own.layer, own.actor) == ("alice", "alice")
    assert (gold_writer.layer, gold_writer.actor) == (GOLD, "lead")
    key = SpanKey(0, 5, "demand")
    stored = own.add(seed_id, key)
    assert (stored.layer, SpanKey(stored.start, stored.end, stored.label)) == ("alice", key)
    assert own.history_state(seed_id) == (True, False)
    assert gold_writer.history_state(seed_id) == (False, False)
    # An edit with no stored span: gold adds it; an annotator has nothing to edit.
    added = gold_writer.edit(seed_id, None, key, key._replace(label="opinion"))
    assert (added.layer, added.label) == (GOLD, "opinion")
    with pytest.raises(ValueError, match="own layer"):
        own.edit(seed_id, None, key, key._replace(label="opinion"))
    moved = own.edit(seed_id, stored.id, key, key._replace(end=7))
    assert (moved.id, moved.end, moved.label) == (stored.id, 7, "demand")
    assert own.undo(seed_id) is not None
    assert own.history_state(seed_id) == (True, True)


def test_relations_go_to_the_writers_layer_gold_bringing_the_spans_it_lacks(
    project: Store,
) -> None:
    seed, _ = dispute(project)
    start = project.document(seed).text.index("According to him")
    head = SpanKey(start, start + len("According to him"), "attribution")
    kyiv = key_of(
        project, seed, "Kyiv must abandon ambitions of joining the Western alliance", "demand"
    )
    ann1 = {SpanKey(s.start, s.end, s.label): s.id for s in project.spans(seed, "ann1")}
    own = OwnLayerWriter(project, "ann1")
    made = own.relate(seed, (ann1[head], head), (ann1[kyiv], kyiv), "says")
    assert (made.layer, made.label) == ("ann1", "says")
    with pytest.raises(ValueError, match="own layer"):
        own.relate(seed, (None, head), (ann1[kyiv], kyiv), "says")
    # Gold holds neither span: both come along, then the relation, all by the lead.
    linked = GoldWriter(project, "lead").relate(seed, (None, head), (None, kyiv), "says")
    assert sorted(gold(project, seed)) == sorted(
        [
            (*head, "According to him"),
            (*kyiv, "Kyiv must abandon ambitions of joining the Western alliance"),
        ]
    )
    assert (linked.layer, linked.label) == (GOLD, "says")
    assert actors(project, seed) == {"lead"}
    updated = own.update_relation(made.id, reverse=False, label="says")
    assert updated == made
    own.delete_relation(made.id)
    assert project.relations(seed, "ann1") == []
