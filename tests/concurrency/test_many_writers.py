"""Eight processes write to one project file at once: every acknowledged write survives.

This is the shared-server setup (everyone over SSH on one file). SQLite serialises
writers; the store must wait its turn (retry with backoff) instead of surfacing
"database is locked", and the event log must hold every change, in commit order.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from annotator.store import NewDocument, Store

WRITER = Path(__file__).with_name("writer_process.py")
WRITERS = 8
SPANS_EACH = 500


def _expected_state(acks: Path) -> tuple[dict[int, tuple[str, int, int, str]], list[tuple]]:
    """Replay one writer's acknowledgements into the spans it must find, and its actions."""
    spans: dict[int, tuple[str, int, int, str]] = {}
    actions: list[tuple] = []
    for line in acks.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind, span_id = record[0], record[1]
        if kind == "add":
            spans[span_id] = (record[2], record[3], record[4], record[5])
        elif kind == "update":
            doc, start, end, _ = spans[span_id]
            spans[span_id] = (doc, start, end, record[2])
        else:
            del spans[span_id]
        actions.append((f"span.{kind}", span_id))
    return spans, actions


def test_eight_writers_lose_nothing(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "shared.db"
    with Store.create(db, scheme_text, "builtin:negotiation-v2") as store, store.transaction():
        store.import_documents(
            [NewDocument(text=f"Document {n}. " + "Talks went on. " * 60) for n in range(4)]
        )
    start_flag = tmp_path / "go"
    names = [f"writer{n}" for n in range(WRITERS)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                str(db),
                name,
                str(SPANS_EACH),
                str(tmp_path / name),
                str(start_flag),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    start_flag.touch()
    errors = [process.communicate(timeout=240)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * WRITERS, errors
    assert not any("locked" in error for error in errors)

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, ts, action, layer, span_id FROM events WHERE action LIKE 'span.%' "
            "ORDER BY id"
        ).fetchall()
    conn.close()
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        stamps = [datetime.fromisoformat(ts) for _, ts, *_ in rows]
        assert stamps == sorted(stamps), "the log's order is not the commit order"
        for name in names:
            expected, actions = _expected_state(tmp_path / name)
            assert len(actions) > SPANS_EACH
            stored = {
                span.id: (span.doc_id, span.start, span.end, span.label)
                for doc_id in store.document_ids()
                for span in store.spans(doc_id, name)
            }
            assert stored == expected
            logged = [(action, span_id) for _, _, action, layer, span_id in rows if layer == name]
            assert logged == actions
