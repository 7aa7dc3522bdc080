"""The project store on real SQLite files: settings, span rules, event log, undo, schemes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scheme_texts import relation_ends_renamed, rename_label

from annotator.errors import SchemeConflictError, StoreError
from annotator.models import GOLD, EventAction, Status
from annotator.store import NewDocument, Store, text_hash
from annotator.store.migrations import LATEST


def add_doc(store: Store, text: str, doc_id: str | None = None) -> str:
    with store.transaction():
        store.import_documents([NewDocument(text=text, id=doc_id)])
    return doc_id or text_hash(text)


def test_project_file_settings(store: Store, db_path: Path) -> None:
    settings = store.settings()
    assert settings["journal_mode"] == "wal"
    assert settings["foreign_keys"] == 1
    assert settings["busy_timeout"] >= 5000
    assert settings["user_version"] == LATEST
    with sqlite3.connect(db_path) as conn:  # the file itself says so too
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()
    assert set(settings["tables"]) >= {
        "project",
        "documents",
        "annotators",
        "assignments",
        "spans",
        "events",
    }
    assert store.scheme.qualified_name == "negotiation-v2"


def test_create_refuses_an_existing_project(store: Store, db_path: Path, scheme_text: str) -> None:
    with pytest.raises(StoreError, match="already exists"):
        Store.create(db_path, scheme_text, "x")


def test_open_refuses_non_projects(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no project here"):
        Store.open(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a readable SQLite database"):
        Store.open(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not an annotator project"):
        Store.open(other)


def test_document_id_is_the_content_hash(store: Store) -> None:
    doc_id = add_doc(store, "Kyiv must abandon ambitions.")
    assert doc_id == text_hash("Kyiv must abandon ambitions.")
    assert store.document(doc_id).text == "Kyiv must abandon ambitions."
    with store.transaction():
        counts = store.import_documents([NewDocument(text="Kyiv must abandon ambitions.")])
    assert (counts.documents, counts.skipped) == (0, 1)
    assert store.document_count() == 1


def test_span_writes_are_checked(store: Store) -> None:
    doc_id = add_doc(store, "Germany and Turkey could join.")
    span = store.add_span(doc_id, "alice", 0, 18, "guarantor")
    assert (span.start, span.end, span.label, span.layer) == (0, 18, "guarantor", "alice")
    with pytest.raises(StoreError, match="outside 0-30"):
        store.add_span(doc_id, "alice", 20, 31, "demand")
    with pytest.raises(StoreError, match="outside"):
        store.add_span(doc_id, "alice", 5, 5, "demand")
    with pytest.raises(StoreError, match="outside"):
        store.add_span(doc_id, "alice", -1, 3, "demand")
    with pytest.raises(StoreError, match="unknown label 'threat'"):
        store.add_span(doc_id, "alice", 0, 7, "threat")
    with pytest.raises(StoreError, match="no document"):
        store.add_span("nope", "alice", 0, 7, "demand")
    assert store.add_span(doc_id, "alice", 0, 18, "guarantor").id == span.id
    nested = store.add_span(doc_id, "alice", 0, 7, "guarantor")
    overlapping = store.add_span(doc_id, "alice", 0, 18, "opinion")
    gold = store.add_span(doc_id, GOLD, 0, 18, "guarantor")
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 4
    assert {s.id for s in store.spans(doc_id, "alice")} == {span.id, nested.id, overlapping.id}
    assert [s.id for s in store.spans(doc_id, GOLD)] == [gold.id]
    # Raw SQL cannot sneak in an empty or reversed span either.
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            'INSERT INTO spans (doc, layer, start, "end", label, created, updated) '
            "VALUES (1, 'x', 5, 5, 'demand', '', '')"
        )
    conn.close()


def test_overlap_forbidden_by_scheme(tmp_path: Path, scheme_text: str) -> None:
    text = scheme_text.replace("allow_overlap = true", "allow_overlap = false")
    with Store.create(tmp_path / "strict.db", text, "strict") as store:
        doc_id = add_doc(store, "Germany and Turkey could join.")
        store.add_span(doc_id, "alice", 0, 7, "guarantor")
        with pytest.raises(StoreError, match="forbids overlap"):
            store.add_span(doc_id, "alice", 5, 18, "guarantor")
        store.add_span(doc_id, "bob", 5, 18, "guarantor")  # other layers are independent
        store.add_span(doc_id, "alice", 7, 18, "opinion")  # touching is not overlapping


def test_update_and_delete_are_logged(store: Store) -> None:
    doc_id = add_doc(store, "Reuters reported that Putin wants Ukraine to cede Donbas.")
    span = store.add_span(doc_id, "alice", 0, 7, "attribution")
    moved = store.update_span(span.id, end=16)
    assert (moved.start, moved.end) == (0, 16)
    relabelled = store.update_span(span.id, label="opinion")
    assert relabelled.label == "opinion"
    other = store.add_span(doc_id, "alice", 0, 16, "attribution")
    with pytest.raises(StoreError, match="identical attribution span 0-16"):
        store.update_span(span.id, label="attribution")
    store.delete_span(other.id)
    actions = [event.action for event in store.events(doc_id, "alice")]
    assert actions == [
        EventAction.SPAN_ADD,
        EventAction.SPAN_UPDATE,
        EventAction.SPAN_UPDATE,
        EventAction.SPAN_ADD,
        EventAction.SPAN_DELETE,
    ]
    first_update = store.events(doc_id, "alice")[1]
    assert first_update.before == {"id": span.id, "start": 0, "end": 7, "label": "attribution"}
    assert first_update.after == {"id": span.id, "start": 0, "end": 16, "label": "attribution"}
    assert first_update.actor == "alice"


def test_event_log_is_append_only(store: Store) -> None:
    doc_id = add_doc(store, "text of a document")
    store.add_span(doc_id, "alice", 0, 4, "demand")
    with sqlite3.connect(store.path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE events SET actor = 'mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM events")
    conn.close()


def test_undo_redo_many_levels(store: Store) -> None:
    doc_id = add_doc(store, "Lavrov said these demands were not new.")

    def state() -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.label) for s in store.spans(doc_id, "alice")]

    a = store.add_span(doc_id, "alice", 0, 11, "attribution")
    b = store.add_span(doc_id, "alice", 12, 25, "demand")
    store.update_span(b.id, start=18)
    store.delete_span(a.id)
    history = [
        [(18, 25, "demand")],
        [(0, 11, "attribution"), (18, 25, "demand")],
        [(0, 11, "attribution"), (12, 25, "demand")],
        [(0, 11, "attribution")],
        [],
    ]
    assert state() == history[0]
    for expected in history[1:]:
        store.undo(doc_id, "alice")
        assert state() == expected
    assert store.undo(doc_id, "alice") is None
    assert not store.can_undo(doc_id, "alice")
    for expected in reversed(history[:-1]):
        store.redo(doc_id, "alice")
        assert state() == expected
    assert not store.can_redo(doc_id, "alice")
    # A new action after an undo clears the redo stack, as in any editor.
    store.undo(doc_id, "alice")
    store.add_span(doc_id, "alice", 30, 38, "opinion")
    assert not store.can_redo(doc_id, "alice")
    # Undo is derived from the log only, so it survives closing the project.
    path = store.path
    store.close()
    with Store.open(path) as reopened:
        reopened.undo(doc_id, "alice")
        assert [(s.start, s.end) for s in reopened.spans(doc_id, "alice")] == [(0, 11), (18, 25)]
    restored = Store.open(path)
    assert restored.span(a.id).label == "attribution"  # undo restores the same span id
    restored.close()


def test_undo_does_not_cross_layers(store: Store) -> None:
    doc_id = add_doc(store, "Germany and Turkey")
    store.add_span(doc_id, "alice", 0, 7, "guarantor")
    store.add_span(doc_id, "bob", 12, 18, "guarantor")
    store.undo(doc_id, "alice")
    assert store.spans(doc_id, "alice") == []
    assert len(store.spans(doc_id, "bob")) == 1


def test_assignment_status_and_time(store: Store) -> None:
    doc_id = add_doc(store, "one")
    other = add_doc(store, "two")
    assert [item.doc_id for item in store.queue("alice")] == [doc_id, other]
    store.set_status(doc_id, "alice", Status.IN_PROGRESS, seconds=3.5)
    store.add_time(doc_id, "alice", 1.5)
    store.set_status(doc_id, "alice", Status.DONE, seconds=1.0)
    assignment = store.assignment(doc_id, "alice")
    assert assignment is not None
    assert assignment.status is Status.DONE
    assert assignment.seconds == pytest.approx(6.0)
    assert assignment.started is not None and assignment.finished is not None
    # Starting work in an open project does not narrow alice's queue to that document.
    assert [item.doc_id for item in store.queue("alice")] == [doc_id, other]
    assert store.queue_count("alice", status=Status.DONE) == 1
    assert store.next_open_document("alice", doc_id) == other
    store.assign(other, "bob")
    store.assign(other, "bob")
    # bob was given a document by a lead: his queue is what is assigned to him.
    assert [item.status for item in store.queue("bob")] == [Status.TODO]
    assert [item.doc_id for item in store.queue("bob")] == [other]
    progress = store.stats()["progress"]
    assert progress["alice"]["done"] == 1 and progress["bob"]["todo"] == 1


def test_where_each_annotator_left_off(store: Store) -> None:
    first, second, third = (add_doc(store, text) for text in ("one two", "three", "four"))
    assert store.resume_document("alice") is None  # nothing started: the queue
    assert store.first_open_position("alice") == 0
    store.set_status(first, "alice", Status.DONE)
    store.set_status(second, "alice", Status.IN_PROGRESS)
    store.set_status(third, "alice", Status.IN_PROGRESS)
    store.set_status(third, "bob", Status.IN_PROGRESS)
    # The queue's first document still to do, in the queue as filtered.
    assert store.first_open_position("alice") == 1
    assert store.first_open_position("alice", status=Status.IN_PROGRESS) == 0
    assert store.first_open_position("alice", search="three") == 0
    assert store.first_open_position("alice", status=Status.DONE) is None
    # Time alone keeps no place; a cursor is kept with when it was left.
    store.add_time(second, "alice", 2.0)
    assert store.assignment(second, "alice").cursor is None  # type: ignore[union-attr]
    store.add_time(second, "alice", 0.0, cursor=4)
    store.add_time(third, "alice", 0.0, cursor=3)
    store.add_time(third, "bob", 0.0, cursor=1)
    assert store.assignment(second, "alice").cursor == 4  # type: ignore[union-attr]
    assert store.assignment(third, "bob").cursor == 1  # type: ignore[union-attr]
    # Each annotator reopens on the document in progress they left last.
    assert store.resume_document("alice") == third
    assert store.resume_document("bob") == third
    store.add_time(second, "alice", 0.0, cursor=5)
    assert store.resume_document("alice") == second
    store.add_time(first, "alice", 0.0, cursor=2)  # a finished document: not reopened
    assert store.resume_document("alice") == second
    store.set_status(second, "alice", Status.DONE)
    assert store.resume_document("alice") == third
    assert store.resume_document("carol") is None


def test_queue_pages_and_searches(store: Store) -> None:
    with store.transaction():
        store.import_documents(
            [NewDocument(text=f"Headline {i}\nbody with 100% of_it {i}") for i in range(250)]
        )
    assert store.queue_count("alice") == 250
    page = store.queue("alice", offset=100, limit=50)
    assert [item.position for item in page] == list(range(100, 150))
    assert page[0].title == "Headline 100"
    assert store.queue_count("alice", search="Headline 12") == 11
    assert store.queue_count("alice", search="100%") == 0  # titles only, % taken literally
    assert store.queue_position("alice", page[3].doc_id) == 103


def test_scheme_change_dropping_a_used_label_is_refused(store: Store, scheme_text: str) -> None:
    doc_id = add_doc(store, "Reuters reported that Putin wants Ukraine neutral.")
    store.add_span(doc_id, "alice", 0, 16, "attribution")
    store.add_span(doc_id, "bob", 0, 7, "attribution")
    renamed = rename_label(scheme_text, "attribution", "source")
    with pytest.raises(SchemeConflictError) as caught:
        store.update_scheme(renamed, "new.toml")
    message = str(caught.value)
    assert "drops labels still in use: attribution (2 spans)" in message
    assert f"{doc_id} alice 0-16 attribution" in message
    assert f"{doc_id} bob 0-7 attribution" in message
    assert store.scheme.label_names[3] == "attribution"  # unchanged
    touched = store.update_scheme(renamed, "new.toml", {"attribution": "source"})
    assert touched == {"attribution": 2}
    assert store.scheme.label_names[3] == "source"
    assert {s.label for s in store.spans(doc_id)} == {"source"}
    assert store.events()[-1].action == "scheme.update"


def test_rename_onto_an_existing_span_merges(store: Store, scheme_text: str) -> None:
    doc_id = add_doc(store, "critics say it strips Ukraine of sovereignty")
    store.add_span(doc_id, "alice", 0, 11, "attribution")
    store.add_span(doc_id, "alice", 0, 11, "opinion")
    merged = scheme_text.replace(
        scheme_text[
            scheme_text.index('[[labels]]\nname = "attribution"') : scheme_text.index(
                '[[labels]]\nname = "opinion"'
            )
        ],
        "",
    )
    merged = relation_ends_renamed(merged, "attribution", "opinion")
    store.update_scheme(merged, "merged.toml", {"attribution": "opinion"})
    assert [(s.start, s.end, s.label) for s in store.spans(doc_id)] == [(0, 11, "opinion")]
