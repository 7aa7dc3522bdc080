"""`annotator merge` carries relations: they belong to their layer and come with it, are
matched by what they link (never by ids), keep undo exact, and never dangle."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.errors import SchemeConflictError, StoreError
from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

TEXT = (
    "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region. "
    "Germany and Turkey could join, the minister said, calling it unfair."
)
Link = tuple[str, str, tuple[int, int, str], tuple[int, int, str], str]


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


REPORTED = at("Reuters reported")
CEDE = at("cede the eastern Donbas region")
GUARANTORS = at("Germany and Turkey")
SAID = at("the minister said")
UNFAIR = at("calling it unfair")


@pytest.fixture
def shared(tmp_path: Path, scheme_text: str) -> Path:
    path = tmp_path / "shared.db"
    with Store.create(path, scheme_text, "builtin:negotiation-v2") as store:
        store.import_documents([NewDocument(text=TEXT, id="d")])
    return path


def copy(path: Path, name: str) -> Path:
    return Path(shutil.copy(path, path.with_name(f"{name}.db")))


def span(store: Store, layer: str, bounds: tuple[int, int], label: str) -> int:
    return store.add_span("d", layer, *bounds, label).id or 0


def links(store: Store) -> set[Link]:
    ends = {s.id: (s.start, s.end, s.label) for s in store.spans("d")}
    return {("d", r.layer, ends[r.head], ends[r.child], r.label) for r in store.relations("d")}


def undo_states(path: Path, layer: str) -> list[tuple[set[tuple[int, int, str]], set[Link]]]:
    """The spans and relations after each undo, to the start of the layer's history (on
    a copy)."""
    scratch = copy(path, f"undo-{path.stem}")
    states = []
    with Store.open(scratch) as store:
        while store.can_undo("d", layer):
            store.undo("d", layer)
            spans = {(s.start, s.end, s.label) for s in store.spans("d", layer)}
            states.append((spans, {link for link in links(store) if link[1] == layer}))
            assert store.check() == []
    return states


def healthy(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store.open(path) as store:
        assert store.check() == []


def alice_links(store: Store) -> None:
    reported = span(store, "alice", REPORTED, "attribution")
    cede = span(store, "alice", CEDE, "demand")
    said = span(store, "alice", SAID, "attribution")
    unfair = span(store, "alice", UNFAIR, "opinion")
    store.add_relation(reported, cede, "says")
    store.add_relation(said, unfair, "says")
    store.delete_span(reported)  # takes its relation with it
    store.undo("d", "alice")  # both come back
    guarantors = span(store, "alice", GUARANTORS, "guarantor")
    made = store.add_relation(guarantors, cede, "guarantees")
    store.delete_relation(made.id)
    store.undo("d", "alice")


def test_a_laptop_s_relations_arrive_with_their_layer_and_undo_stays_exact(
    shared: Path,
) -> None:
    laptop = copy(shared, "alice")
    with Store.open(laptop) as store:
        alice_links(store)
        expected = links(store)
    assert len(expected) == 3
    with Store.open(shared) as store:
        report = store.merge(laptop)
        assert report.relations_added == {"alice": 3}
        assert links(store) == expected
    healthy(shared)
    assert undo_states(shared, "alice") == undo_states(laptop, "alice")
    with Store.open(shared) as store:  # merging twice changes nothing
        assert store.merge(laptop).changed is False


def test_relations_here_follow_the_layer_the_other_file_moved_on(shared: Path) -> None:
    with Store.open(shared) as store:
        reported = span(store, "alice", REPORTED, "attribution")
        cede = span(store, "alice", CEDE, "demand")
        store.add_relation(reported, cede, "says")
    laptop = copy(shared, "alice")
    with Store.open(laptop) as store:
        store.delete_span(cede)  # the relation goes with it
        said = span(store, "alice", SAID, "attribution")
        unfair = span(store, "alice", UNFAIR, "opinion")
        store.add_relation(said, unfair, "says")
        expected = links(store)
    with Store.open(shared) as store:
        report = store.merge(laptop)
        assert report.layers_taken == 1
        assert (report.relations_added, report.relations_removed) == ({"alice": 1}, {"alice": 1})
        assert links(store) == expected
    healthy(shared)
    # Undo here walks back as on the laptop: the delete's undo brings span and relation.
    assert undo_states(shared, "alice") == undo_states(laptop, "alice")


def test_both_copies_linked_the_same_layer_the_later_edit_wins_whole(shared: Path) -> None:
    with Store.open(shared) as store:
        reported = span(store, "alice", REPORTED, "attribution")
        cede = span(store, "alice", CEDE, "demand")
    laptop = copy(shared, "alice")
    with Store.open(shared) as store:
        store.add_relation(reported, cede, "says")
    with Store.open(laptop) as store:  # later
        said = span(store, "alice", SAID, "attribution")
        store.add_relation(said, cede, "says")
        expected = links(store)
    with Store.open(shared) as store:
        report = store.merge(laptop)
        assert len(report.conflicts) == 1 and report.conflicts[0].kept == "alice.db"
        assert links(store) == expected
    healthy(shared)
    assert undo_states(shared, "alice") == undo_states(laptop, "alice")


def test_new_relations_on_both_sides_get_ids_of_their_own(shared: Path) -> None:
    laptop = copy(shared, "bob")
    with Store.open(shared) as store:  # relation 1 here...
        store.add_relation(
            span(store, "alice", REPORTED, "attribution"),
            span(store, "alice", CEDE, "demand"),
            "says",
        )
        mine = links(store)
    with Store.open(laptop) as store:  # ... and relation 1 there, in bob's layer
        store.add_relation(
            span(store, "bob", GUARANTORS, "guarantor"),
            span(store, "bob", CEDE, "demand"),
            "guarantees",
        )
        theirs = links(store)
    with Store.open(shared) as store:
        store.merge(laptop)
        assert links(store) == mine | theirs
        assert len({r.id for r in store.relations("d")}) == 2
        made = store.add_relation(  # the id sequence moved past what arrived
            span(store, "gold", SAID, "attribution"), span(store, "gold", UNFAIR, "opinion"), "says"
        )
        assert made.id == 3
    healthy(shared)


def test_relations_read_from_a_file_join_like_spans_read_from_a_file(
    shared: Path, tmp_path: Path
) -> None:
    laptop = copy(shared, "carol")
    source = tmp_path / "carol.jsonl"
    record = {
        "text": TEXT,
        "spans": [
            {
                "annotator": "carol",
                "start": REPORTED[0],
                "end": REPORTED[1],
                "label": "attribution",
            },
            {"annotator": "carol", "start": CEDE[0], "end": CEDE[1], "label": "demand"},
        ],
        "relations": [{"head": 0, "child": 1, "label": "says"}],
    }
    source.write_text(json.dumps(record) + "\n", "utf-8")
    with Store.open(laptop) as store:
        assert import_file(store, source).counts.relations == 1  # no events: read from a file
        expected = links(store)
    with Store.open(shared) as store:
        store.merge(laptop)
        assert links(store) == expected
    healthy(shared)


def test_a_relation_the_scheme_would_refuse_is_skipped_and_said(shared: Path) -> None:
    laptop = copy(shared, "dan")
    with Store.open(laptop) as store:
        head = span(store, "dan", REPORTED, "attribution")
        child = span(store, "dan", CEDE, "demand")
    with sqlite3.connect(laptop) as conn:  # a hand-made row: it starts on the demand
        conn.execute(
            "INSERT INTO relations (doc, layer, head, child, label, created, updated) "
            "VALUES (1, 'dan', ?, ?, 'says', '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00')",
            (child, head),
        )
    with Store.open(shared) as store:
        report = store.merge(laptop)
        assert any("a says relation starts on attribution, not on demand" in line
                   for line in report.skipped)  # fmt: skip
        assert store.relations("d") == []
        assert len(store.spans("d", "dan")) == 2
    healthy(shared)


def test_a_scheme_without_the_other_file_s_relations_refuses_the_merge(
    tmp_path: Path, shared: Path
) -> None:
    old = tmp_path / "old.db"
    with Store.create(old, load_scheme("builtin:negotiation-v1")[1], "builtin:negotiation-v1"):
        pass
    with Store.open(old) as store, pytest.raises(SchemeConflictError, match="relations this"):
        store.merge(shared)
    with Store.open(shared) as store:  # the other way round adds what v1 lacks: fine
        assert store.merge(old).skipped == []


CANDIDATES = [
    (REPORTED, "attribution"),
    (SAID, "attribution"),
    (CEDE, "demand"),
    (UNFAIR, "opinion"),
    (GUARANTORS, "guarantor"),
    (at("Putin wants Ukraine"), "quote"),
]


def random_work(store: Store, layer: str, rng: random.Random, steps: int) -> None:
    """Random edits of one layer through the store's own API; refusals are part of it."""
    for _ in range(steps):
        spans = store.spans("d", layer)
        relations = store.relations("d", layer)
        choice = rng.random()
        try:
            if choice < 0.3 or not spans:
                bounds, label = rng.choice(CANDIDATES)
                store.add_span("d", layer, *bounds, label)
            elif choice < 0.6:
                pairs = [
                    (head.id or 0, child.id or 0, relation.name)
                    for head in spans
                    for child in spans
                    for relation in store.scheme.relations_between(head.label, child.label)
                ]
                if pairs:
                    store.add_relation(*rng.choice(pairs))
            elif choice < 0.67:
                store.delete_span(rng.choice(spans).id or 0)
            elif choice < 0.72 and relations:
                store.delete_relation(rng.choice(relations).id)
            elif choice < 0.78:
                store.update_span(rng.choice(spans).id or 0, label=rng.choice(CANDIDATES)[1])
            elif choice < 0.92:
                store.undo("d", layer)
            else:
                store.redo("d", layer)
        except StoreError:
            pass  # a refused write (a relabel its relations would not fit) changes nothing


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_on_a_laptop_merge_back_exactly(shared: Path, seed: int) -> None:
    rng = random.Random(seed)
    with Store.open(shared) as store:
        random_work(store, "alice", rng, 8)  # what both copies start from
    laptop = copy(shared, "laptop")
    with Store.open(laptop) as store:
        random_work(store, "alice", rng, 25)
        alice = {link for link in links(store) if link[1] == "alice"}
    with Store.open(shared) as store:
        random_work(store, "bob", rng, 25)  # meanwhile, here, another layer
        bob = {link for link in links(store) if link[1] == "bob"}
        store.merge(laptop)
        assert links(store) == alice | bob
    healthy(shared)
    assert undo_states(shared, "alice") == undo_states(laptop, "alice")


@pytest.mark.parametrize("seed", range(16))
def test_random_edits_of_one_layer_in_both_copies_keep_one_side_whole(
    shared: Path, seed: int
) -> None:
    rng = random.Random(1000 + seed)
    with Store.open(shared) as store:
        random_work(store, "alice", rng, 8)
    laptop = copy(shared, "laptop")
    here = copy(shared, "here-before")
    copies = [shared, laptop] if rng.random() < 0.5 else [laptop, shared]  # the later wins
    for path in copies:
        with Store.open(path) as store:
            random_work(store, "alice", rng, rng.choice([0, 15]))
    with Store.open(laptop) as store:
        theirs = links(store)
    shutil.copy(shared, here)
    with Store.open(shared) as store:
        mine = links(store)
        report = store.merge(laptop)
        merged = links(store)
    took = (report.conflicts and report.conflicts[0].kept == "laptop.db") or (
        not report.conflicts and report.layers_taken == 1
    )
    assert merged == (theirs if took else mine)
    healthy(shared)
    assert undo_states(shared, "alice") == undo_states(laptop if took else here, "alice")


def test_the_cli_counts_relations_per_layer(shared: Path) -> None:
    from typer.testing import CliRunner

    from annotator.cli import app

    laptop = copy(shared, "alice")
    with Store.open(laptop) as store:
        alice_links(store)
    result = CliRunner().invoke(app, ["merge", str(laptop), "--db", str(shared)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "relations added" in line)
    assert header.split() == ["layer", "spans", "added", "spans", "removed", "relations",
                              "added", "relations", "removed"]  # fmt: skip
    assert lines[-1].split() == ["alice", "5", "0", "3", "0"]
