"""SIGKILL in the middle of a labelling session loses nothing that was on screen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from annotator.models import Status
from annotator.store import NewDocument, Store, text_hash
from annotator.tui import make_app
from annotator.tui.screens.annotate import AnnotateScreen

CHILD = Path(__file__).with_name("tui_child.py")
TEXT = (
    "Moscow demands that Kyiv stay neutral, and asks who would guarantee it. "
    "Ankara offered to host the talks; Paris said the guarantees must be binding. "
) * 8


async def test_killed_session_keeps_every_span_shown(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "p.db"
    with Store.create(db, scheme_text, "builtin:negotiation-v2") as store, store.transaction():
        store.import_documents([NewDocument(text=TEXT), NewDocument(text="Another article.")])
    doc_id = text_hash(TEXT)

    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db), doc_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    shown: set[tuple[int, int, str]] = set()
    assert child.stdout is not None
    for _ in range(12):
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else "the session ended early"
        shown.update(tuple(span) for span in json.loads(line))
    os.kill(child.pid, signal.SIGKILL)  # mid-session: it is labelling as fast as it can
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert len(shown) >= 12

    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        stored = {(s.start, s.end, s.label) for s in store.spans(doc_id, "alice")}
        assert shown <= stored
        assignment = store.assignment(doc_id, "alice")
        assert assignment is not None and assignment.status is Status.IN_PROGRESS

        # The next session opens cleanly where the annotator left off.
        app = make_app(store, "alice")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            first = store.queue("alice", status=Status.IN_PROGRESS)
            assert [item.doc_id for item in first] == [doc_id]
            assert first[0].spans == len(stored)
            # It reopens on the document in progress (the kill left no cursor: its start).
            screen = app.screen
            assert isinstance(screen, AnnotateScreen) and screen.doc_id == doc_id
            assert {(s.start, s.end, s.label) for s in screen.view.index.spans} == stored
            # The history survived too: undo takes back the last span of the old session.
            await pilot.press("u")
            assert len(store.spans(doc_id, "alice")) == len(stored) - 1
