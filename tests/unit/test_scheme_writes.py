"""A scheme change holds on every write path: undo, redo, and a second open connection.

`schema migrate --rename demand=claim` renames the spans; the event log keeps the old
names. Undo and redo must translate them (never bring `demand` back), a label the scheme
dropped must not come back through undo, and a workbench that opened the project before
the migration (another connection, its scheme cached) must stop writing `demand`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scheme_texts import rename_label

from annotator.errors import StoreError
from annotator.store import NewDocument, Store

TEXT = "Kyiv must abandon ambitions of joining the alliance, Moscow insisted."


def renamed_scheme(scheme_text: str) -> str:
    return rename_label(scheme_text, "demand", "claim")


def labels(store: Store, doc: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in store.spans(doc, "alice")]


@pytest.fixture
def doc(store: Store) -> str:
    store.import_documents([NewDocument(text=TEXT)])
    return store.document_ids()[0]


def test_undo_and_redo_across_a_rename_keep_the_new_label(
    store: Store, doc: str, scheme_text: str
) -> None:
    span = store.add_span(doc, "alice", 0, 17, "demand")
    assert span.id is not None
    store.update_span(span.id, end=26)
    store.update_scheme(renamed_scheme(scheme_text), "v2.toml", {"demand": "claim"})
    assert labels(store, doc) == [(0, 26, "claim")]
    store.undo(doc, "alice")
    assert labels(store, doc) == [(0, 17, "claim")]
    store.undo(doc, "alice")
    assert labels(store, doc) == []
    store.redo(doc, "alice")
    store.redo(doc, "alice")
    assert labels(store, doc) == [(0, 26, "claim")]
    assert store.check() == []


def test_undo_never_brings_back_a_label_the_scheme_dropped(
    store: Store, doc: str, scheme_text: str
) -> None:
    span = store.add_span(doc, "alice", 0, 4, "opinion")
    assert span.id is not None
    store.delete_span(span.id)
    without = rename_label(scheme_text, "opinion", "verdict")
    store.update_scheme(without, "v2.toml")  # no span uses opinion now: no rename needed
    with pytest.raises(StoreError, match="unknown label 'opinion'"):
        store.undo(doc, "alice")
    assert labels(store, doc) == []
    assert store.check() == []


def test_a_second_connection_sees_the_new_scheme(
    store: Store, doc: str, db_path: Path, scheme_text: str
) -> None:
    """The workbench's store opened before `schema migrate` ran in another process."""
    with Store.open(db_path) as workbench:
        assert "demand" in workbench.scheme.label_names  # cached before the migration
        store.add_span(doc, "alice", 0, 4, "demand")
        store.update_scheme(renamed_scheme(scheme_text), "v2.toml", {"demand": "claim"})
        with pytest.raises(StoreError, match="unknown label 'demand'"):
            workbench.add_span(doc, "alice", 5, 9, "demand")
        assert "claim" in workbench.scheme.label_names
        assert "demand" not in workbench.scheme.label_names
        workbench.add_span(doc, "alice", 5, 9, "claim")
    assert labels(store, doc) == [(0, 4, "claim"), (5, 9, "claim")]
