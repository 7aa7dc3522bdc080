"""`annotator merge`: laptops' copies of one project merged back, on real SQLite files.

Each laptop is a file copy of the shared project taken after assignment; its annotator
labels, edits, deletes and undoes through the public Store API; the copies come back in
turn. The merged project must hold every layer as its laptop left it, every event in
order, undo that steps back as on the laptop, and the same agreement as a project that
was labelled in one place.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotator.agreement_report import build_report
from annotator.cli import app
from annotator.cli.agreement import report_dict
from annotator.errors import SchemeConflictError, StoreError
from annotator.merge import plan_merge
from annotator.merge_records import LAYER_MARK, SUMMARY
from annotator.models import (
    HISTORY_ACTIONS,
    RELATION_ACTIONS,
    SPAN_ACTIONS,
    EventAction,
    Status,
)
from annotator.scheme import extend_scheme
from annotator.store import NewDocument, Store, merge_io, text_hash
from annotator.store.migrations import MIGRATIONS, statements

Dump = Callable[[Path], list[str]]

TEXTS = [
    "Germany and Turkey could guarantee the deal, Lavrov said on Monday.",
    "Kyiv must abandon ambitions of joining the alliance, Moscow insisted.",
    "Britain and France offered guarantees; Lavrov said these demands were not new.",
    "“Ukraine must stay neutral,” the minister said, calling the plan unrealistic.",
]
NEW_TEXTS = [
    "China and the United States were named as possible guarantors.",
    "The talks must exclude foreign troops, officials said.",
]
ASSIGNED = {
    0: ("alice", "bob"),
    1: ("alice", "carol"),
    2: ("bob", "carol"),
    3: ("alice", "bob", "carol"),
}


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def state(store: Store, doc_id: str, layer: str) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in store.spans(doc_id, layer))


def event_log(path: Path) -> list[tuple[str, str | None, str | None, str]]:
    """(uid, document id, layer, action) of every event, in log order."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT e.uid, d.id, e.layer, e.action FROM events e "
            "LEFT JOIN documents d ON d.seq = e.doc ORDER BY e.id"
        ).fetchall()


def healthy(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.fixture
def base(tmp_path: Path, scheme_text: str) -> Path:
    """The shared project after the lead imported and assigned: what every laptop copies."""
    path = tmp_path / "shared.db"
    with Store.create(path, scheme_text, "builtin:negotiation-v2") as store:
        with store.transaction():
            store.import_documents([NewDocument(text=text) for text in TEXTS])
        ids = store.document_ids()
        store.assign_many((ids[doc], name) for doc, names in ASSIGNED.items() for name in names)
    return path


def laptop(base: Path, name: str) -> Path:
    copy = base.with_name(f"{name}.db")
    shutil.copy(base, copy)
    return copy


def label(path: Path, name: str, work: Callable[[Store, list[str]], None]) -> None:
    with Store.open(path) as store:
        work(store, store.document_ids())


def alice_work(store: Store, ids: list[str]) -> None:
    t = TEXTS[0]
    germany = store.add_span(ids[0], "alice", *at(t, "Germany"), "guarantor")
    turkey = store.add_span(ids[0], "alice", *at(t, "Turkey"), "guarantor")
    store.add_span(ids[0], "alice", *at(t, "Lavrov said"), "attribution")
    store.update_span(turkey.id, label="demand")
    store.delete_span(germany.id)
    store.undo(ids[0], "alice")  # Germany comes back, under its own id
    store.update_span(turkey.id, label="guarantor")
    store.undo(ids[0], "alice")
    store.redo(ids[0], "alice")
    store.set_status(ids[0], "alice", Status.DONE, seconds=40)
    t = TEXTS[1]
    store.add_span(ids[1], "alice", *at(t, "abandon ambitions of joining the alliance"), "demand")
    store.add_span(ids[1], "alice", *at(t, "Moscow insisted"), "attribution")
    store.undo(ids[1], "alice")
    store.set_status(ids[1], "alice", Status.DONE, seconds=25)
    store.add_span(ids[3], "alice", *at(TEXTS[3], "“Ukraine must stay neutral,”"), "quote")
    store.set_status(ids[3], "alice", Status.DONE, seconds=10)


def bob_work(store: Store, ids: list[str]) -> None:
    t = TEXTS[0]
    store.add_span(ids[0], "bob", *at(t, "Germany and Turkey"), "guarantor")
    store.add_span(ids[0], "bob", *at(t, "Lavrov said"), "attribution")
    store.set_status(ids[0], "bob", Status.DONE, seconds=30)
    t = TEXTS[2]
    wrong = store.add_span(ids[2], "bob", *at(t, "Britain"), "guarantor")
    store.delete_span(wrong.id)
    store.add_span(ids[2], "bob", *at(t, "Britain and France"), "guarantor")
    store.set_status(ids[2], "bob", Status.DONE, seconds=12)
    store.add_span(ids[3], "bob", *at(TEXTS[3], "Ukraine must stay neutral"), "demand")
    store.set_status(ids[3], "bob", Status.IN_PROGRESS, seconds=5)
    store.set_status(ids[3], "bob", Status.DONE)


def carol_work(store: Store, ids: list[str]) -> None:
    # Two documents the lead never saw, one with spans from the file (no events).
    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text=NEW_TEXTS[0],
                    source="carol-notes.jsonl",
                    meta={"from": "carol"},
                    spans=[("carol", *at(NEW_TEXTS[0], "China"), "guarantor")],
                ),
                NewDocument(text=NEW_TEXTS[1]),
            ]
        )
    new_ids = [text_hash(text) for text in NEW_TEXTS]
    store.add_span(new_ids[0], "carol", *at(NEW_TEXTS[0], "the United States"), "guarantor")
    store.add_span(new_ids[1], "carol", *at(NEW_TEXTS[1], "exclude foreign troops"), "demand")
    store.set_status(new_ids[1], "carol", Status.IN_PROGRESS, seconds=3)
    t = TEXTS[1]
    store.add_span(ids[1], "carol", *at(t, "abandon ambitions of joining the alliance"), "demand")
    store.set_status(ids[1], "carol", Status.DONE, seconds=20)
    t = TEXTS[2]
    span = store.add_span(ids[2], "carol", *at(t, "Britain and France offered"), "guarantor")
    store.update_span(span.id, end=span.end - len(" offered"))
    store.set_status(ids[2], "carol", Status.DONE, seconds=15)
    store.add_span(ids[3], "carol", *at(TEXTS[3], "calling the plan unrealistic"), "opinion")
    store.set_status(ids[3], "carol", Status.DONE, seconds=9)


WORK = {"alice": alice_work, "bob": bob_work, "carol": carol_work}


@pytest.fixture
def laptops(base: Path) -> dict[str, Path]:
    """Each annotator's labelled copy of the shared project."""
    paths = {name: laptop(base, name) for name in WORK}
    for name, work in WORK.items():
        label(paths[name], name, work)
    return paths


def merge_all(shared: Path, laptops: dict[str, Path]) -> None:
    with Store.open(shared) as store:
        for path in laptops.values():
            store.merge(path)


def assert_same_undo(merged: Path, lap: Path, doc_id: str, layer: str) -> int:
    """Undo, then redo, everything on copies of both files: they must agree at each step."""
    merged_copy = shutil.copy(merged, merged.with_name(f"undo-merged-{layer}.db"))
    lap_copy = shutil.copy(lap, lap.with_name(f"undo-laptop-{layer}.db"))
    steps = 0
    with Store.open(merged_copy) as ours, Store.open(lap_copy) as theirs:
        while theirs.can_undo(doc_id, layer):
            assert ours.can_undo(doc_id, layer)
            ours.undo(doc_id, layer)
            theirs.undo(doc_id, layer)
            assert state(ours, doc_id, layer) == state(theirs, doc_id, layer)
            steps += 1
        assert not ours.can_undo(doc_id, layer)
        while theirs.can_redo(doc_id, layer):
            ours.redo(doc_id, layer)
            theirs.redo(doc_id, layer)
            assert state(ours, doc_id, layer) == state(theirs, doc_id, layer)
        assert not ours.can_redo(doc_id, layer)
    return steps


def test_history_actions_match_the_store() -> None:
    """Undo replays and the merge compares the same actions: one enum names them all."""
    assert {*SPAN_ACTIONS, *RELATION_ACTIONS, EventAction.UNDO, EventAction.REDO} == (
        HISTORY_ACTIONS
    )
    assert {LAYER_MARK, SUMMARY} <= set(EventAction)
    assert all(isinstance(action, EventAction) for action in HISTORY_ACTIONS)


def test_three_laptops_merge_back(base: Path, laptops: dict[str, Path], dump_db: Dump) -> None:
    merge_all(base, laptops)
    shared = base
    healthy(shared)
    with Store.open(shared) as store:
        ids = store.document_ids()
        assert ids[len(TEXTS) :] == [text_hash(text) for text in NEW_TEXTS]
        new_doc = store.document(ids[len(TEXTS)])
        assert (new_doc.source, new_doc.meta) == ("carol-notes.jsonl", {"from": "carol"})
        for name, path in laptops.items():
            with Store.open(path) as lap:
                assert lap.document_ids() == ids[: len(lap.document_ids())]
                for doc_id in lap.document_ids():
                    assert state(store, doc_id, name) == state(lap, doc_id, name), (name, doc_id)
                    assert state(store, doc_id, "gold") == []
                    mine = lap.assignment(doc_id, name)
                    merged = store.assignment(doc_id, name)
                    if mine is not None:
                        assert merged is not None
                        assert (merged.status, merged.seconds) == (mine.status, mine.seconds)
                assert store.queue_count(name) == lap.queue_count(name)
    # Every laptop event is here, in the laptop's order within each document layer.
    merged_log = event_log(shared)
    position = {uid: index for index, (uid, *_) in enumerate(merged_log)}
    for path in laptops.values():
        groups: dict[tuple[str | None, str | None], list[int]] = {}
        for uid, doc_id, layer, _action in event_log(path):
            assert uid in position
            groups.setdefault((doc_id, layer), []).append(position[uid])
        for places in groups.values():
            assert places == sorted(places)
    actions = [action for *_, action in merged_log]
    assert actions.count("merge") == 3 and "merge.layer" not in actions  # no conflicts
    # Merging again, or merging the project into itself, changes nothing at all.
    before = dump_db(shared)
    merge_all(shared, laptops)
    with Store.open(shared) as store:
        report = store.merge(shared)
    assert not report.changed and report.conflicts == []
    assert dump_db(shared) == before
    # Undo in the merged project steps back exactly as on each laptop.
    ids = [text_hash(text) for text in TEXTS + NEW_TEXTS]
    assert assert_same_undo(shared, laptops["alice"], ids[0], "alice") == 5
    assert assert_same_undo(shared, laptops["bob"], ids[2], "bob") == 3
    assert assert_same_undo(shared, laptops["carol"], ids[2], "carol") == 2
    assert assert_same_undo(shared, laptops["carol"], ids[len(TEXTS)], "carol") == 1


def test_agreement_after_merge_equals_labelling_in_one_place(
    base: Path, laptops: dict[str, Path], tmp_path: Path, scheme_text: str
) -> None:
    merge_all(base, laptops)
    direct = tmp_path / "direct.db"
    with Store.create(direct, scheme_text, "builtin:negotiation-v2") as one:
        with one.transaction():
            one.import_documents([NewDocument(text=text) for text in TEXTS + NEW_TEXTS])
        for name, path in laptops.items():
            with Store.open(path) as lap:
                for doc_id in lap.document_ids():
                    for span in lap.spans(doc_id, name):
                        one.add_span(doc_id, name, span.start, span.end, span.label)
                    assignment = lap.assignment(doc_id, name)
                    if assignment is not None and assignment.status is Status.DONE:
                        one.set_status(doc_id, name, Status.DONE)
        expected = report_dict(build_report(one))
    with Store.open(base) as merged:
        got = report_dict(build_report(merged))
    assert got["documents"] == 4 and got["annotators"] == ["alice", "bob", "carol"]
    assert got == expected


def conflicting_copies(base: Path) -> tuple[Path, Path]:
    """alice labels the first document on two copies; the second copy's edit is later."""
    first, second = laptop(base, "alice-desk"), laptop(base, "alice-train")
    t = TEXTS[0]
    with Store.open(first) as store:
        doc_id = store.document_ids()[0]
        store.add_span(doc_id, "alice", *at(t, "Germany"), "guarantor")
        store.add_span(doc_id, "alice", *at(t, "Turkey"), "guarantor")
    with Store.open(second) as store:
        span = store.add_span(doc_id, "alice", *at(t, "Germany and Turkey"), "guarantor")
        store.add_span(doc_id, "alice", *at(t, "Lavrov said"), "attribution")
        store.update_span(span.id, label="demand")
        store.undo(doc_id, "alice")
    return first, second


def test_conflict_later_edit_wins_and_is_reported(base: Path, dump_db: Dump) -> None:
    first, second = conflicting_copies(base)
    other_order = laptop(base, "shared-2")
    doc_id = text_hash(TEXTS[0])
    with Store.open(second) as store:
        winner = state(store, doc_id, "alice")
    for shared, order in ((base, (first, second)), (other_order, (second, first))):
        with Store.open(shared) as store:
            reports = [store.merge(path) for path in order]
            assert state(store, doc_id, "alice") == winner
        conflicts = [c for report in reports for c in report.conflicts]
        assert len(conflicts) == 1
        conflict = conflicts[0]
        assert (conflict.doc_id, conflict.layer) == (doc_id, "alice")
        assert conflict.kept == ("alice-train.db" if order[0] == first else "this project")
        assert conflict.kept_last_edit > conflict.dropped_last_edit
        assert "conflict: document" in conflict.describe()
        # The dropped side's events are still in the log, for audit.
        uids = {uid for uid, *_ in event_log(shared)}
        assert {uid for uid, *_ in event_log(first)} <= uids
        healthy(shared)
        before = dump_db(shared)
        with Store.open(shared) as store:
            again = [store.merge(path) for path in order]
        assert dump_db(shared) == before
        assert all(not r.changed and not r.conflicts for r in again)
        assert assert_same_undo(shared, second, doc_id, "alice") == 2


def test_the_dropped_copy_can_win_later_and_undo_follows_it(base: Path) -> None:
    """A copy that lost a conflict keeps working; its newer edits win the next merge."""
    first, second = conflicting_copies(base)
    doc_id = text_hash(TEXTS[0])
    with Store.open(base) as store:
        store.merge(first)
        store.merge(second)
    with Store.open(first) as store:
        store.add_span(doc_id, "alice", *at(TEXTS[0], "the deal"), "demand")
        expected = state(store, doc_id, "alice")
    with Store.open(base) as store:
        report = store.merge(first)
        assert [c.kept for c in report.conflicts] == ["alice-desk.db"]
        assert state(store, doc_id, "alice") == expected
    healthy(base)
    assert assert_same_undo(base, first, doc_id, "alice") == 3


def test_a_laptop_pulls_keeps_working_and_fast_forwards(base: Path, dump_db: Dump) -> None:
    """Merging both ways: the laptop takes the shared project, then comes back with more."""
    alice = laptop(base, "alice")
    label(alice, "alice", alice_work)
    bob = laptop(base, "bob")
    label(bob, "bob", bob_work)
    with Store.open(base) as store:
        store.merge(alice)
        store.merge(bob)
    with Store.open(alice) as store:
        pulled = store.merge(base)
        assert pulled.conflicts == [] and pulled.spans_added == {"bob": 4}
        ids = store.document_ids()
        store.undo(ids[3], "alice")
        store.add_span(ids[3], "alice", *at(TEXTS[3], "the minister said"), "attribution")
        expected = state(store, ids[3], "alice")
    with Store.open(base) as store:
        report = store.merge(alice)
        assert report.conflicts == [] and report.layers_taken == 1
        assert state(store, ids[3], "alice") == expected
    healthy(base)
    assert assert_same_undo(base, alice, ids[3], "alice") == 1
    assert assert_same_undo(base, alice, ids[0], "alice") == 5
    before = dump_db(base)
    with Store.open(base) as store:
        store.merge(alice)
    assert dump_db(base) == before


def test_scheme_with_unknown_labels_is_refused_and_nothing_changes(
    base: Path, dump_db: Dump
) -> None:
    newer = laptop(base, "newer")
    with Store.open(newer) as store:
        store.update_scheme(
            extend_scheme(store.scheme_text, store.scheme, ["threat", "offer"], "newer"), "newer"
        )
        store.add_span(store.document_ids()[0], "alice", 0, 7, "threat")
    before = dump_db(base)
    with Store.open(base) as store, pytest.raises(SchemeConflictError, match="threat, offer"):
        store.merge(newer)
    assert dump_db(base) == before
    # The other way round is fine: this project knows every label of the older scheme.
    with Store.open(newer) as store:
        store.merge(base)


def test_failed_merge_and_dry_run_leave_the_project_unchanged(
    base: Path, laptops: dict[str, Path], dump_db: Dump
) -> None:
    clash = laptop(base, "clash")
    with Store.open(clash) as store, store.transaction():
        store.import_documents([NewDocument(text="One text.", id="doc-x")])
    with Store.open(base) as store, store.transaction():
        store.import_documents([NewDocument(text="Another text.", id="doc-x")])
    before = dump_db(base)
    with Store.open(base) as store:
        with pytest.raises(StoreError, match="'doc-x' names another text"):
            store.merge(clash)
        with pytest.raises(StoreError, match="no project here"):
            store.merge(base.with_name("missing.db"))
        dry = store.merge(laptops["carol"], dry_run=True)
    assert dump_db(base) == before
    assert dry.documents_added == 2 and dry.spans_added["carol"] == 6
    with Store.open(base) as store:
        real = store.merge(laptops["carol"])
    assert real == dry


def test_a_write_failing_midway_rolls_the_whole_merge_back(
    base: Path, laptops: dict[str, Path], dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = plan_merge

    def broken(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        plan.assignment_inserts.append(plan.assignment_inserts[0])  # written last: a clash
        return plan

    monkeypatch.setattr(merge_io, "plan_merge", broken)
    before = dump_db(base)
    with Store.open(base) as store, pytest.raises(StoreError, match="nothing was merged"):
        store.merge(laptops["carol"])
    assert dump_db(base) == before


def test_an_older_project_file_merges_without_being_migrated(
    tmp_path: Path, scheme_text: str, dump_db: Dump
) -> None:
    """Copies of a schema-2 project agree on the identity of the events they share."""
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        for _number, sql in MIGRATIONS[:2]:
            for statement in statements(sql):
                conn.execute(statement)
        conn.execute("INSERT INTO project VALUES ('scheme', ?)", (scheme_text,))
        conn.execute(
            "INSERT INTO events (ts, actor, action) VALUES "
            "('2024-05-01T10:00:00.000000+00:00', 'system', 'project.create')"
        )
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    copy = laptop(old, "upgraded")
    with Store.open(copy) as store:
        doc = store.import_documents
        with store.transaction():
            doc([NewDocument(text=TEXTS[0])])
        store.add_span(text_hash(TEXTS[0]), "alice", 0, 7, "guarantor")
    before = dump_db(old)
    with Store.open(laptop(old, "shared")) as store:
        assert store.merge(copy).events_copied == 1  # the span.add; project.create is shared
        assert store.merge(old).changed is False
        assert state(store, text_hash(TEXTS[0]), "alice") == [(0, 7, "guarantor")]
    assert dump_db(old) == before  # read, never migrated


def import_spans(path: Path, doc: int, phrase: str, label: str = "guarantor") -> None:
    """Spans read from a file for a document already there: stored without events."""
    text = TEXTS[doc]
    with Store.open(path) as store, store.transaction():
        store.import_documents([NewDocument(text=text, spans=[("gold", *at(text, phrase), label)])])


def test_spans_imported_without_events_always_arrive(base: Path, dump_db: Dump) -> None:
    """Spans read from a file carry no events: whichever side's edits win, they join."""
    gold = laptop(base, "gold")
    ids = [text_hash(text) for text in TEXTS]
    import_spans(gold, 0, "Germany and Turkey")  # neither history moves: a plain union
    import_spans(base, 0, "Lavrov said", "attribution")
    with Store.open(gold) as store:  # the laptop edits document 1, the project imports
        store.add_span(ids[1], "gold", *at(TEXTS[1], "Moscow insisted"), "attribution")
    import_spans(base, 1, "Kyiv")
    import_spans(gold, 2, "Britain and France")  # and the other way round on document 2
    with Store.open(base) as store:
        store.add_span(ids[2], "gold", *at(TEXTS[2], "Lavrov said"), "attribution")
    with Store.open(base) as store:
        report = store.merge(gold)
        assert report.spans_added == {"gold": 3} and report.spans_removed == {}
        assert report.layers_taken == 1 and report.conflicts == []
        for doc, phrases in (
            (0, ["Germany and Turkey", "Lavrov said"]),
            (1, ["Kyiv", "Moscow insisted"]),
            (2, ["Britain and France", "Lavrov said"]),
        ):
            assert [TEXTS[doc][s:e] for s, e, _ in state(store, ids[doc], "gold")] == phrases
        store.undo(ids[1], "gold")  # undo reverts the laptop's edit, not the import
        assert [TEXTS[1][s:e] for s, e, _ in state(store, ids[1], "gold")] == ["Kyiv"]
        store.redo(ids[1], "gold")
    healthy(base)
    before = dump_db(base)
    with Store.open(base) as store:
        assert not store.merge(gold).changed
    assert dump_db(base) == before


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result.stdout, result.stderr


def test_cli_merge(base: Path, laptops: dict[str, Path], dump_db: Dump) -> None:
    out, err = run("merge", laptops["carol"], "--db", base, "--dry-run")
    assert "documents added: 2" in out and "dry run" in err
    out, _ = run("merge", laptops["carol"], "--db", base)
    assert "documents added: 2" in out and "events copied:" in out
    assert "carol" in out.split("spans added")[1]
    _, err = run("merge", laptops["carol"], "--db", base)
    assert "holds nothing new" in err
    first, second = conflicting_copies(base)
    run("merge", first, "--db", base)
    out, err = run("merge", second, "--db", base)
    assert "conflicts: 1" in out
    assert f"conflict: document {text_hash(TEXTS[0])}, layer alice: kept alice-train.db" in err
    before = dump_db(base)
    _, err = run("merge", base.with_name("missing.db"), "--db", base, code=1)
    assert "no project here" in err
    assert dump_db(base) == before
