"""A writer that holds the lock too long: a clear message, nothing half-done."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

import annotator.store.connection as connection
from annotator.errors import StoreError
from annotator.store import NewDocument, Store


def _project(db: Path, scheme_text: str) -> str:
    with Store.create(db, scheme_text, "builtin:negotiation-v2") as store, store.transaction():
        store.import_documents([NewDocument(text="Moscow demands guarantees.")])
        return store.document_ids()[0]


def test_a_lock_held_past_the_deadline_is_reported_plainly(
    tmp_path: Path, scheme_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    doc_id = _project(db, scheme_text)
    monkeypatch.setattr(connection, "BUSY_DEADLINE_S", 0.3)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db) as store:
            assert store.settings()["busy_timeout"] == 50
            with pytest.raises(StoreError, match="another process has been writing") as caught:
                store.add_span(doc_id, "alice", 0, 6, "guarantor")
            assert "locked" not in str(caught.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with Store.open(db) as store:
        assert store.spans(doc_id, "alice") == []


def test_a_write_waits_for_a_lock_released_later(
    tmp_path: Path, scheme_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    doc_id = _project(db, scheme_text)
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 10)  # the retry loop, not SQLite's wait
    with Store.open(db) as store:
        assert store.settings()["busy_timeout"] == 10
        release = threading.Timer(0.4, lambda: blocker.execute("COMMIT"))
        release.start()
        span = store.add_span(doc_id, "alice", 0, 6, "guarantor")
        release.join()
        assert store.spans(doc_id, "alice") == [span]
    blocker.close()
