"""The store package's parts on real SQLite files: transactions, errors, history, counts."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import StoreError
from annotator.models import GOLD, NewDocument, Status
from annotator.store import Store, text_hash
from annotator.store.connection import Connection

TEXTS = [
    "Germany and Turkey could guarantee the deal, Lavrov said on Monday.",
    "Kyiv must abandon ambitions of joining the alliance, Moscow insisted.",
    "Britain and France offered guarantees; Lavrov said these demands were not new.",
]


def add_docs(store: Store, texts: list[str]) -> list[str]:
    store.import_documents([NewDocument(text=text) for text in texts])
    return [text_hash(text) for text in texts]


def rows(path: Path, sql: str) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ transactions


def test_a_failed_inner_block_rolls_back_only_itself(store: Store) -> None:
    (doc,) = add_docs(store, TEXTS[:1])

    def failing_inner_block() -> None:
        with store.transaction():
            store.add_span(doc, "alice", 12, 18, "guarantor")
            raise RuntimeError("the inner part fails")

    with store.transaction():
        kept = store.add_span(doc, "alice", 0, 7, "guarantor")
        with pytest.raises(RuntimeError):
            failing_inner_block()
        with pytest.raises(StoreError, match="unknown label"):
            store.add_span(doc, "alice", 0, 7, "threat")  # a public method is a savepoint too
        store.add_span(doc, "bob", 0, 7, "guarantor")
    assert [(s.layer, s.start, s.end) for s in store.spans(doc)] == [
        ("alice", 0, 7),
        ("bob", 0, 7),
    ]
    assert [e.span_id for e in store.events(doc, "alice")] == [kept.id]


def test_a_failed_outer_block_rolls_back_everything(store: Store) -> None:
    (doc,) = add_docs(store, TEXTS[:1])
    before = rows(store.path, "SELECT count(*) FROM events")

    def failing_outer_block() -> None:
        with store.transaction():
            store.add_span(doc, "alice", 0, 7, "guarantor")
            with store.transaction():
                store.add_span(doc, "alice", 12, 18, "guarantor")
            store.import_documents([NewDocument(text=TEXTS[1])])
            assert store.spans(text_hash(TEXTS[1])) == []  # its key is cached now
            raise RuntimeError("the outer part fails")

    with pytest.raises(RuntimeError):
        failing_outer_block()
    assert store.spans(doc) == []
    assert store.document_count() == 1
    assert rows(store.path, "SELECT count(*) FROM events") == before
    # The store is still usable, and its caches did not keep rolled-back rows.
    assert store.add_span(doc, "alice", 0, 7, "guarantor").start == 0
    with pytest.raises(StoreError, match="no document"):
        store.spans(text_hash(TEXTS[1]))


def test_import_documents_is_atomic_by_itself(store: Store) -> None:
    bad = NewDocument(text=TEXTS[1], spans=[("alice", 0, 500, "demand")], line=2)
    with pytest.raises(StoreError, match="outside"):
        store.import_documents([NewDocument(text=TEXTS[0]), bad])
    assert store.document_count() == 0


def test_sqlite_errors_reach_the_user_as_plain_store_errors(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    db = Connection.open(path)
    try:
        with db.transaction():
            db.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
            db.execute("INSERT INTO t VALUES (1)")

        def insert(*values: int | None) -> None:
            with db.transaction():
                for value in values:
                    db.execute("INSERT INTO t VALUES (?)", (value,))

        with pytest.raises(StoreError) as caught:
            insert(2, 1)
        message = str(caught.value)
        assert message.startswith(f"{path}: the database refused the change (")
        assert message.endswith("); nothing was changed")
        assert "UNIQUE constraint failed: t.x" in message
        assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
        # Inside a savepoint the error is translated there, and the outer block goes on.
        with db.transaction():
            with pytest.raises(StoreError, match="refused the change"):
                insert(3, None)
            db.execute("INSERT INTO t VALUES (4)")
        assert [row[0] for row in db.execute("SELECT x FROM t ORDER BY x")] == [1, 4]
    finally:
        db.close()


def test_the_connection_is_private(store: Store) -> None:
    assert not hasattr(store, "conn") and not hasattr(store, "db")
    assert store.integrity_check() == "ok"


# ------------------------------------------------------------------------ history


def replayed_stacks(path: Path, doc_id: str, layer: str) -> tuple[list[int], list[int]]:
    """The undo and redo stacks as the log says, replayed here independently of the store."""
    done: list[int] = []
    undone: list[int] = []
    for event_id, action, ref in rows(
        path,
        "SELECT e.id, e.action, e.ref FROM events e JOIN documents d ON d.seq = e.doc "
        f"WHERE d.id = '{doc_id}' AND e.layer = '{layer}' ORDER BY e.id",
    ):
        assert isinstance(event_id, int)
        if action in ("span.add", "span.delete", "span.update"):
            done.append(event_id)
            undone.clear()
        elif action == "undo" and done and done[-1] == ref:
            undone.append(done.pop())
        elif action == "redo" and undone and undone[-1] == ref:
            done.append(undone.pop())
    return done, undone


def old_can_undo(path: Path, doc_id: str, layer: str) -> bool:
    return bool(replayed_stacks(path, doc_id, layer)[0])


def old_can_redo(path: Path, doc_id: str, layer: str) -> bool:
    return bool(replayed_stacks(path, doc_id, layer)[1])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_history_state_answers_both_questions_in_one_pass(store: Store, seed: int) -> None:
    docs = add_docs(store, TEXTS)
    rng = random.Random(seed)
    refusals: list[str] = []
    for _ in range(120):
        doc_id, layer = rng.choice(docs), rng.choice(["alice", "bob"])
        spans = store.spans(doc_id, layer)
        length = len(store.document(doc_id).text)
        move = rng.choice(["add", "add", "update", "delete", "undo", "undo", "redo"])
        start = rng.randrange(length - 1)
        end = rng.randrange(start + 1, min(length, start + 12) + 1)
        label = rng.choice(store.scheme.label_names)
        try:
            if move == "add":
                store.add_span(doc_id, layer, start, end, label)
            elif move == "update" and spans:
                store.update_span(rng.choice(spans).id or 0, start=start, end=end)
            elif move == "delete" and spans:
                store.delete_span(rng.choice(spans).id or 0)
            elif move == "undo":
                store.undo(doc_id, layer)
            elif move == "redo":
                store.redo(doc_id, layer)
        except StoreError as exc:
            refusals.append(str(exc))
        for check_doc in docs:
            for check_layer in ("alice", "bob", GOLD):
                state = store.history_state(check_doc, check_layer)
                expected = (
                    old_can_undo(store.path, check_doc, check_layer),
                    old_can_redo(store.path, check_doc, check_layer),
                )
                assert (state.can_undo, state.can_redo) == expected
                assert (
                    store.can_undo(check_doc, check_layer),
                    store.can_redo(check_doc, check_layer),
                ) == expected
    assert all("identical" in refusal for refusal in refusals)  # moving onto a twin only


# ---------------------------------------------------------- stats, selections


def old_stats(path: Path) -> dict[str, object]:
    """`stats()` as it was computed before, straight from the file."""
    progress: dict[str, dict[str, Any]] = {}
    for annotator, status, count, seconds in rows(
        path,
        "SELECT annotator, status, count(*), sum(seconds) FROM assignments "
        "GROUP BY annotator, status ORDER BY annotator",
    ):
        assert isinstance(annotator, str) and isinstance(status, str)
        entry = progress.setdefault(annotator, {s.value: 0 for s in Status} | {"seconds": 0.0})
        entry[status] = count
        entry["seconds"] += seconds or 0.0
    (scheme,) = rows(path, "SELECT value FROM project WHERE key = 'scheme'")[0]
    assert isinstance(scheme, str)
    return {
        "documents": rows(path, "SELECT count(*) FROM documents")[0][0],
        "spans": rows(path, "SELECT count(*) FROM spans")[0][0],
        "scheme": "negotiation-v2",
        "spans_per_label": dict(
            rows(path, "SELECT label, count(*) FROM spans GROUP BY label ORDER BY label")
        ),
        "spans_per_layer": dict(
            rows(path, "SELECT layer, count(*) FROM spans GROUP BY layer ORDER BY layer")
        ),
        "relations": rows(path, "SELECT count(*) FROM relations")[0][0],
        "relations_per_name": dict(
            rows(path, "SELECT label, count(*) FROM relations GROUP BY label ORDER BY label")
        ),
        "relations_per_layer": dict(
            rows(path, "SELECT layer, count(*) FROM relations GROUP BY layer ORDER BY layer")
        ),
        "progress": progress,
    }


def sample_project(store: Store) -> list[str]:
    docs = add_docs(store, TEXTS)
    store.assign_many([(docs[0], "alice"), (docs[0], "bob"), (docs[1], "alice")])
    store.add_span(docs[0], "alice", 0, 7, "guarantor")
    store.add_span(docs[0], "alice", 0, 18, "guarantor")
    store.add_span(docs[0], "bob", 45, 56, "attribution")
    store.add_span(docs[1], "alice", 0, 4, "demand")
    store.add_span(docs[2], GOLD, 0, 18, "guarantor")
    store.set_status(docs[0], "alice", Status.DONE, seconds=12.5)
    store.set_status(docs[1], "alice", Status.IN_PROGRESS, seconds=3)
    store.set_status(docs[0], "bob", Status.DONE, seconds=7)
    return docs


def test_stats_are_the_same_as_before(store: Store) -> None:
    assert store.stats() == old_stats(store.path)
    sample_project(store)
    stats = store.stats()
    assert stats == old_stats(store.path)
    assert stats["spans"] == 5 and stats["spans_per_layer"] == {"alice": 3, "bob": 1, GOLD: 1}
    assert stats["spans_per_label"] == store.label_usage()
    assert stats["spans_per_layer"] == store.span_counts_by_layer()
    assert stats["relations"] == 0 and stats["relations_per_name"] == {}


def test_stats_count_relations_per_name_and_layer(store: Store) -> None:
    docs = sample_project(store)
    # bob: "Lavrov said" says "Germany and Turkey could guarantee the deal"; "Germany"
    # guarantees "and Turkey could guarantee the deal". Gold: "Lavrov said" says "these
    # demands were not new".
    said = store.add_span(docs[0], "bob", 45, 56, "attribution")
    deal = store.add_span(docs[0], "bob", 0, 43, "quote")
    guarantor = store.add_span(docs[0], "bob", 0, 7, "guarantor")
    demand = store.add_span(docs[0], "bob", 8, 43, "demand")
    store.add_relation(said.id, deal.id, "says")
    store.add_relation(guarantor.id, demand.id, "guarantees")
    gold_by = store.add_span(docs[2], GOLD, 39, 50, "attribution")
    gold_said = store.add_span(docs[2], GOLD, 51, 77, "quote")
    store.add_relation(gold_by.id, gold_said.id, "says")
    stats = store.stats()
    assert stats == old_stats(store.path)
    assert stats["relations"] == 3
    assert stats["relations_per_name"] == {"guarantees": 1, "says": 2}
    assert stats["relations_per_layer"] == {"bob": 2, GOLD: 1}


def test_iter_selected_documents_keeps_only_the_selection(store: Store) -> None:
    docs = sample_project(store)
    everything = list(store.iter_documents_with_spans())
    picked = list(store.iter_selected_documents([docs[2], "missing", docs[0], docs[2]]))
    assert picked == [item for item in everything if item[0].id in {docs[0], docs[2]}]
    alice = list(store.iter_selected_documents(docs[:2], layers=["alice"]))
    assert [doc.id for doc, _ in alice] == docs[:2]
    assert [[(s.layer, s.start, s.end) for s in spans] for _, spans in alice] == [
        [("alice", 0, 7), ("alice", 0, 18)],
        [("alice", 0, 4)],
    ]
    assert list(store.iter_selected_documents([])) == []


def test_iter_selected_documents_over_many_chunks(store: Store) -> None:
    texts = [f"Document number {n}: talks resumed." for n in range(1000)]
    docs = add_docs(store, texts)
    for n in range(0, 1000, 7):
        store.add_span(docs[n], "alice", 0, 8, "demand")
    wanted = docs[::3]
    rng = random.Random(5)
    shuffled = wanted[:]
    rng.shuffle(shuffled)
    picked = list(store.iter_selected_documents(shuffled))
    assert [doc.id for doc, _ in picked] == wanted  # import order, whatever the order asked
    assert {doc.id for doc, spans in picked if spans} == {docs[n] for n in range(0, 1000, 21)}


# ---------------------------------------------------------------------- start-up


def test_importing_the_store_leaves_sqlite_utils_pandas_and_numpy_unloaded() -> None:
    code = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('pandas') and importlib.util.find_spec('numpy')\n"
        "import annotator.store\n"
        "print(sorted(m for m in ('sqlite_utils', 'pandas', 'numpy') if m in sys.modules))\n"
        "import pandas\n"
        "print(pandas.DataFrame({'a': [1]}).shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "(1, 1)"]


def test_pandas_loaded_before_the_store_stays_loaded() -> None:
    code = (
        "import sys, pandas\n"
        "import annotator.store\n"
        "print(sys.modules['pandas'] is pandas, sys.modules['numpy'] is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True"]


def test_event_rows_hold_the_enum_values(store: Store) -> None:
    (doc,) = add_docs(store, TEXTS[:1])
    span = store.add_span(doc, "alice", 0, 7, "guarantor")
    store.undo(doc, "alice")
    store.redo(doc, "alice")
    stored = rows(store.path, "SELECT action, typeof(action), after FROM events ORDER BY id")
    assert [(action, kind) for action, kind, _ in stored] == [
        ("project.create", "text"),
        ("span.add", "text"),
        ("undo", "text"),
        ("redo", "text"),
    ]
    assert json.loads(str(stored[1][2]))["id"] == span.id
