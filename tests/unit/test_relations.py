"""Relations in the store: the rules on every write path, the event log, undo and redo on
the span's stack, deletion with a span, `check`, scheme changes and backup (merge:
test_merge_relations)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from scheme_texts import rename_label

from annotator.errors import SchemeConflictError, StoreError
from annotator.models import EventAction, Span
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

TEXT = (
    "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region. "
    "Germany and Turkey could join, the minister said."
)


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


REPORTED = at("Reuters reported")
CEDE = at("cede the eastern Donbas region")
GUARANTORS = at("Germany and Turkey")
SAID = at("the minister said")
STAMP = "2026-01-01T00:00:00+00:00"


@pytest.fixture
def doc(store: Store) -> str:
    store.import_documents([NewDocument(text=TEXT, id="d1")])
    return "d1"


def span(store: Store, layer: str, bounds: tuple[int, int], label: str) -> int:
    made = store.add_span("d1", layer, *bounds, label)
    assert made.id is not None
    return made.id


def links(store: Store, layer: str = "alice") -> list[tuple[int, int, int, str]]:
    return [(r.id, r.head, r.child, r.label) for r in store.relations("d1", layer)]


def actions(store: Store) -> list[str]:
    return [event.action for event in store.events("d1", "alice")]


def test_a_relation_links_two_spans_of_one_layer_and_is_logged(store: Store, doc: str) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    relation = store.add_relation(head, child, "says")
    assert (relation.doc_id, relation.layer, relation.head, relation.child) == (
        "d1",
        "alice",
        head,
        child,
    )
    assert store.relation(relation.id) == relation
    assert store.relations("d1") == [relation]
    assert store.relations("d1", "bob") == []
    assert [tuple(row) for row in store.relation_rows("d1", "alice")] == [
        (relation.id, "alice", head, child, "says")
    ]
    assert store.span_relations(head) == [relation] == store.span_relations(child)
    assert store.relation_usage() == {"says": 1}
    event = store.events("d1", "alice")[-1]
    assert event.action == EventAction.RELATION_ADD
    assert event.span_id is None
    assert event.after == {"relation": relation.id, "head": head, "child": child, "label": "says"}
    # The same link again is the same relation, and no second event.
    assert store.add_relation(head, child, "says") == relation
    assert actions(store).count("relation.add") == 1


@pytest.mark.parametrize(
    ("ends", "label", "message"),
    [
        (("cede", "reported"), "says", "a says relation starts on attribution, not on demand"),
        (("reported", "cede"), "guarantees", "starts on guarantor, not on attribution"),
        (("reported", "reported"), "says", "span .* is both ends"),
        (("reported", "cede"), "denies", "unknown relation 'denies' .*has says, guarantees"),
        (("reported", "bob"), "says", "different layers \\('alice', 'bob'\\)"),
        (("reported", "other"), "says", "different documents"),
        (("reported", "missing"), "says", "no span 999"),
        (("guarantors", "said"), "guarantees", "ends on demand, not on attribution"),
    ],
)
def test_every_rule_is_checked_on_add(
    store: Store, doc: str, ends: tuple[str, str], label: str, message: str
) -> None:
    store.import_documents([NewDocument(text="Reuters reported it.", id="d2")])
    ids = {
        "reported": span(store, "alice", REPORTED, "attribution"),
        "cede": span(store, "alice", CEDE, "demand"),
        "guarantors": span(store, "alice", GUARANTORS, "guarantor"),
        "said": span(store, "alice", SAID, "attribution"),
        "bob": span(store, "bob", CEDE, "demand"),
        "other": store.add_span("d2", "alice", 0, 16, "demand").id or 0,
        "missing": 999,
    }
    before = store.events()
    with pytest.raises(StoreError, match=message):
        store.add_relation(ids[ends[0]], ids[ends[1]], label)
    assert store.relations("d1") == [] and store.relations("d2") == []
    assert store.events() == before  # nothing written, nothing logged


def test_update_relabels_and_reverses_under_the_same_rules(
    store: Store, doc: str, scheme_text: str
) -> None:
    guarantor = span(store, "alice", GUARANTORS, "guarantor")
    demand = span(store, "alice", CEDE, "demand")
    made = store.add_relation(guarantor, demand, "guarantees")
    with pytest.raises(StoreError, match="a guarantees relation starts on guarantor"):
        store.update_relation(made.id, reverse=True)
    with pytest.raises(StoreError, match="a says relation starts on attribution"):
        store.update_relation(made.id, label="says")
    assert store.update_relation(made.id) == made  # no change: no event
    assert "relation.update" not in actions(store)
    # Reversing needs a relation that fits both ways: a scheme where one does.
    store.update_scheme(
        scheme_text + '\n[[relations]]\nname = "echoes"\nkey = "e"\ncolor = "#123456"\n'
        'heads = ["demand", "guarantor"]\nchildren = ["demand", "guarantor"]\n',
        "echo.toml",
    )
    echo = store.add_relation(guarantor, demand, "echoes")
    with pytest.raises(StoreError, match=f"an identical guarantees relation {made.id}"):
        store.update_relation(echo.id, label="guarantees")
    reversed_ = store.update_relation(echo.id, reverse=True)
    assert (reversed_.id, reversed_.head, reversed_.child) == (echo.id, demand, guarantor)
    event = store.events("d1", "alice")[-1]
    assert event.action == EventAction.RELATION_UPDATE
    assert event.before == {
        "relation": echo.id, "head": guarantor, "child": demand, "label": "echoes"
    }  # fmt: skip
    assert event.after == {
        "relation": echo.id, "head": demand, "child": guarantor, "label": "echoes"
    }  # fmt: skip
    with pytest.raises(StoreError, match=f"an identical echoes relation {echo.id}"):
        store.update_relation(made.id, label="echoes", reverse=True)
    store.undo("d1", "alice")  # the reversal
    assert links(store) == [
        (made.id, guarantor, demand, "guarantees"),
        (echo.id, guarantor, demand, "echoes"),
    ]
    store.undo("d1", "alice")  # the echo
    assert links(store) == [(made.id, guarantor, demand, "guarantees")]
    assert store.check() == []


def test_deleting_a_span_takes_its_relations_in_the_same_event_and_undo_brings_both(
    store: Store, doc: str
) -> None:
    said = span(store, "alice", SAID, "attribution")
    reported = span(store, "alice", REPORTED, "attribution")
    demand = span(store, "alice", CEDE, "demand")
    guarantor = span(store, "alice", GUARANTORS, "guarantor")
    one = store.add_relation(reported, demand, "says")
    two = store.add_relation(guarantor, demand, "guarantees")
    three = store.add_relation(said, demand, "says")
    everything = links(store)
    events = len(store.events())
    store.delete_span(demand)
    assert links(store) == []
    assert len(store.events()) == events + 1  # one event for the span and its relations
    event = store.events("d1", "alice")[-1]
    assert event.action == EventAction.SPAN_DELETE
    assert event.before is not None
    assert [linked["relation"] for linked in event.before["relations"]] == [
        one.id,
        two.id,
        three.id,
    ]
    back = store.undo("d1", "alice")
    assert back is not None and back.id == demand
    assert links(store) == everything  # the same ids, heads, children and labels
    assert store.check() == []
    store.redo("d1", "alice")
    assert links(store) == [] and store.spans("d1", "alice")[-1].id != demand
    assert store.check() == []
    store.undo("d1", "alice")
    assert links(store) == everything
    assert store.check() == []


def test_relations_and_spans_share_one_undo_stack(store: Store, doc: str) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    made = store.add_relation(head, child, "says")
    store.update_span(child, start=46)  # a move keeps the relation
    assert links(store) == [(made.id, head, child, "says")]
    store.delete_relation(made.id)
    steps: list[tuple[list[tuple[int, int, int, str]], list[tuple[int, int]]]] = []

    def state() -> tuple[list[tuple[int, int, int, str]], list[tuple[int, int]]]:
        return links(store), [(s.start, s.end) for s in store.spans("d1", "alice")]

    while store.can_undo("d1", "alice"):
        steps.append(state())
        left = store.undo("d1", "alice")
        assert store.check() == []
        if state()[0] != steps[-1][0]:  # a relation step leaves its head span
            assert isinstance(left, Span) and left.id == head
    assert state() == ([], [])
    assert [s[0] for s in reversed(steps)] == [
        [],  # the attribution
        [],  # the demand
        [(made.id, head, child, "says")],  # the link
        [(made.id, head, child, "says")],  # the move
        [],  # the unlink
    ]
    while store.can_redo("d1", "alice"):
        store.redo("d1", "alice")
        assert store.check() == []
    assert state() == steps[0]


def test_a_relabel_its_relations_would_not_fit_is_refused(store: Store, doc: str) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    store.add_relation(head, child, "says")
    with pytest.raises(StoreError, match="cannot become guarantor: its relation"):
        store.update_span(child, label="guarantor")
    store.update_span(child, label="opinion")  # says may end on an opinion
    assert store.span(child).label == "opinion"
    with pytest.raises(StoreError, match="cannot become quote"):
        store.update_span(head, label="quote")


def test_an_undo_is_checked_like_any_write(store: Store, doc: str) -> None:
    """An identical relation that appeared since (an import, a hand edit) blocks the undo
    that would bring back its twin: no duplicate on any write path."""
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    made = store.add_relation(head, child, "says")
    store.delete_relation(made.id)
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute(
            "INSERT INTO relations (doc, layer, head, child, label, created, updated) "
            "VALUES (1, 'alice', ?, ?, 'says', ?, ?)",
            (head, child, STAMP, STAMP),
        )
    with pytest.raises(StoreError, match="an identical says relation"):
        store.undo("d1", "alice")
    assert len(store.relations("d1")) == 1


def test_check_reports_relations_that_break_the_rules(store: Store, doc: str) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    bob = span(store, "bob", GUARANTORS, "guarantor")
    made = store.add_relation(head, child, "says")
    assert store.check() == []
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute("UPDATE relations SET label = 'guarantees' WHERE id = ?", (made.id,))
        db.execute(
            "INSERT INTO relations (doc, layer, head, child, label, created, updated) "
            "VALUES (1, 'alice', ?, ?, 'says', ?, ?), (1, 'alice', ?, ?, 'denies', ?, ?)",
            (head, bob, STAMP, STAMP, head, child, STAMP, STAMP),
        )
    found = [(p.question, p.message) for p in store.check()]
    assert ("relations", f"relation {made.id} ('d1', layer 'alice', 'guarantees'): span "
            f"{head} -> span {child}: a guarantees relation starts on guarantor, not on "
            "attribution") in found  # fmt: skip
    assert any("are not both in its document and layer" in m for _, m in found)
    assert any("relation 'denies' is not in the scheme" in m for _, m in found)
    # and the log said `says`:
    assert any(q == "events" and "the log says says from span" in m for q, m in found)


def test_check_compares_relations_with_the_log(store: Store, doc: str) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    made = store.add_relation(head, child, "says")
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute("DELETE FROM relations WHERE id = ?", (made.id,))
    assert [p.message for p in store.check()] == [
        f"event log, document 'd1', layer 'alice', relation {made.id}: the log says says "
        f"from span {head} to span {child}, the relation is missing"
    ]


def test_a_scheme_change_must_keep_the_relations_in_use(
    store: Store, doc: str, scheme_text: str
) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    store.add_relation(head, child, "says")
    v1, _ = load_scheme("builtin:negotiation-v1")
    v1_text = load_scheme("builtin:negotiation-v1")[1]
    assert v1.relations == []
    assert store.relation_conflicts(v1_text, "v1") == [
        "relation 'says' (1 in use) is not in the new scheme"
    ]
    with pytest.raises(SchemeConflictError, match="relation 'says' \\(1 in use\\)"):
        store.update_scheme(v1_text, "v1")
    narrower = scheme_text.replace(
        'children = ["quote", "demand", "opinion"]', 'children = ["quote"]'
    )
    with pytest.raises(SchemeConflictError, match="1 says relations from attribution to demand"):
        store.update_scheme(narrower, "narrow")
    # A rename of a label at one end goes through; the relation keeps fitting.
    store.update_scheme(rename_label(scheme_text, "demand", "claim"), "v3", {"demand": "claim"})
    assert store.span(child).label == "claim"
    assert len(store.relations("d1")) == 1 and store.check() == []


def test_a_rename_that_merges_a_linked_span_is_refused(
    store: Store, doc: str, scheme_text: str
) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    span(store, "alice", CEDE, "opinion")
    store.add_relation(head, child, "says")
    without_demand = scheme_text.replace(
        scheme_text[
            scheme_text.index('[[labels]]\nname = "demand"') : scheme_text.index(
                '[[labels]]\nname = "guarantor"'
            )
        ],
        "",
    ).replace('children = ["quote", "demand", "opinion"]', 'children = ["quote", "opinion"]')
    without_demand = without_demand.replace('children = ["demand"]', 'children = ["opinion"]')
    with pytest.raises(SchemeConflictError, match="relations hang on the demand ones"):
        store.update_scheme(without_demand, "merged", {"demand": "opinion"})
    assert store.span(child).label == "demand"  # nothing changed


def test_a_v1_project_moves_to_v2_with_schema_migrate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotator.cli import app

    runner = CliRunner()
    db = tmp_path / "old.db"
    result = runner.invoke(app, ["init", "--db", str(db), "--scheme", "builtin:negotiation-v1"])
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        assert store.scheme.qualified_name == "negotiation-v1"
        assert store.meta("scheme_source") == "builtin:negotiation-v1"
        store.import_documents(
            [NewDocument(text=TEXT, id="d1", spans=[("alice", 0, 16, "attribution")])]
        )
    result = runner.invoke(app, ["schema", "validate", "builtin:negotiation-v2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "builtin:negotiation-v2: ok (negotiation-v2, 5 labels, 2 relations)" in result.stdout
    result = runner.invoke(app, ["schema", "migrate", "builtin:negotiation-v2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "now uses negotiation-v2" in result.stdout
    with Store.open(db) as store:
        assert store.scheme.relation_names == ["says", "guarantees"]
        assert store.scheme_text == load_scheme()[1]
        assert [s.label for s in store.spans("d1")] == ["attribution"]  # untouched
        assert store.check() == []
    result = runner.invoke(app, ["schema", "show", "--db", str(db)])
    assert "says" in result.stdout and "attribution" in result.stdout
    result = runner.invoke(app, ["schema", "migrate", "builtin:negotiation-v9", "--db", str(db)])
    assert result.exit_code == 1
    assert "no such built-in scheme" in result.stderr


def test_a_backup_holds_the_relations(store: Store, doc: str, tmp_path: Path) -> None:
    head = span(store, "alice", REPORTED, "attribution")
    child = span(store, "alice", CEDE, "demand")
    made = store.add_relation(head, child, "says")
    store.backup(tmp_path / "copy.db")
    with Store.open(tmp_path / "copy.db") as copy:
        assert copy.relations("d1") == [made]
        assert copy.check() == []
