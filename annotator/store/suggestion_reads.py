"""Suggestions, read: what the sources read, what is stored, and what reports count.

The read side of the `suggestions` part (`annotator.store.suggestions` adds the writes and
the decisions): the texts and labelled spans a suggest run streams, the stored rows,
whether `blind_overlap` hides a document from someone, and the finished work the
suggestions report measures.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from annotator.models import GOLD, EventAction, SpanKey
from annotator.store import rows
from annotator.store.connection import Connection
from annotator.store.documents import CHUNK, Documents
from annotator.store.guard import guarded
from annotator.store.project import Project
from annotator.suggest import Source, Suggestion

BLIND_OVERLAP = "blind_overlap"
"""Project setting: "1" hides suggestions on documents several annotators share."""


class FinishedWork(NamedTuple):
    """One annotator's finished document, as the suggestions report reads it."""

    doc_id: str
    annotator: str
    seconds: float
    hidden: bool
    """`blind_overlap` kept suggestions from this annotator here"""
    suggestions: list[Suggestion]
    spans: list[tuple[int, int, str, str | None]]
    """`(start, end, label, origin)` of every span of their layer"""
    decided: bool
    """they accepted or rejected at least one suggestion here"""


@guarded
class SuggestionReads:
    """Queries on suggestions and on what the sources read; `Suggestions` builds on it."""

    def __init__(self, db: Connection, project: Project, documents: Documents) -> None:
        self.db = db
        self.path = db.path  # named by `guarded`'s messages
        self.project = project
        self.documents = documents

    def texts(self, doc_ids: Iterable[str]) -> Iterator[tuple[str, str]]:
        """`(id, text)` of some documents in import order, streamed by chunks of ids."""
        wanted = list(dict.fromkeys(doc_ids))
        for chunk in range(0, len(wanted), CHUNK):
            names = wanted[chunk : chunk + CHUNK]
            marks = ",".join("?" * len(names))
            yield from self.db.execute(
                f"SELECT id, text FROM documents WHERE id IN ({marks}) ORDER BY seq", names
            ).fetchall()

    def pending(self) -> list[str]:
        """Documents someone still has to label, in import order: an assignment still todo
        or in progress, or nobody has the document yet."""
        return [
            row[0]
            for row in self.db.execute(
                "SELECT d.id FROM documents d WHERE NOT EXISTS "
                "(SELECT 1 FROM assignments a WHERE a.doc = d.seq) OR EXISTS "
                "(SELECT 1 FROM assignments a WHERE a.doc = d.seq "
                "AND a.status IN ('todo', 'in-progress')) ORDER BY d.seq"
            )
        ]

    def labelled_texts(self) -> list[tuple[str, str, int]]:
        """`(span text, label, how often)` over every layer: what the lexicon source knows.

        SQLite's `substr` counts characters (code points) in text, as span offsets do, so
        only the labelled pieces of the texts leave the database.
        """
        return [
            (text, label, count)
            for text, label, count in self.db.execute(
                'SELECT substr(d.text, s.start + 1, s."end" - s.start) AS piece, s.label, '
                "count(*) FROM spans s JOIN documents d ON d.seq = s.doc "
                "GROUP BY piece, s.label ORDER BY piece, s.label"
            )
        ]

    def labelled_places(self, doc_id: str) -> set[SpanKey]:
        """Every span of a document, in any layer (the lexicon proposes elsewhere only)."""
        key = self.documents.key(doc_id)
        return {
            SpanKey(*row)
            for row in self.db.execute(
                'SELECT start, "end", label FROM spans WHERE doc = ?', (key,)
            )
        }

    def stored(self, doc_id: str) -> list[Suggestion]:
        """Every suggestion of a document as stored, all sources, in reading order."""
        key = self.documents.key(doc_id)
        return [suggestion_of(row) for row in self._rows(key)]

    def _rows(self, key: int) -> Iterable[Any]:
        return self.db.execute(
            'SELECT id, start, "end", label, source, score, model FROM suggestions '
            'WHERE doc = ? ORDER BY start, "end" DESC, label, score DESC, source',
            (key,),
        )

    def hidden(self, doc_id: str, annotator: str) -> bool:
        """Whether `blind_overlap` hides the document's suggestions from `annotator`."""
        return self._hidden(self.documents.key(doc_id), annotator)

    def _hidden(self, key: int, annotator: str) -> bool:
        if annotator == GOLD or not self.blind_overlap:
            return False
        sharing = self.db.one("SELECT count(*) FROM assignments WHERE doc = ?", (key,))
        return int(sharing) >= 2

    @property
    def blind_overlap(self) -> bool:
        """Project setting: no suggestions on documents assigned to several annotators."""
        return self.project.meta(BLIND_OVERLAP) == "1"

    # ----------------------------------------------------------------- reports

    def finished_work(self) -> Iterator[FinishedWork]:
        """Every document an annotator marked done, with what they kept and were proposed.

        For `annotator suggestions report`: the stored suggestions of the document (all
        sources; none when `blind_overlap` hid them from this annotator), the spans of
        their layer with their origin, the time they spent, and whether they decided on
        any suggestion there.
        """
        decided = {
            (doc, layer)
            for doc, layer in self.db.execute(
                "SELECT DISTINCT doc, layer FROM events WHERE action IN (?, ?)",
                (EventAction.SUGGESTION_ACCEPT.value, EventAction.SUGGESTION_REJECT.value),
            )
        }
        done = self.db.execute(
            "SELECT a.doc, d.id, a.annotator, a.seconds FROM assignments a "
            "JOIN documents d ON d.seq = a.doc WHERE a.status = 'done' ORDER BY a.doc, a.annotator"
        ).fetchall()
        for key, doc_id, annotator, seconds in done:
            hidden = self._hidden(key, annotator)
            yield FinishedWork(
                doc_id,
                annotator,
                float(seconds),
                hidden,
                [] if hidden else [suggestion_of(row) for row in self._rows(key)],
                [
                    (start, end, label, origin)
                    for start, end, label, origin in self.db.execute(
                        'SELECT start, "end", label, origin FROM spans WHERE doc = ? AND layer = ?',
                        (key, annotator),
                    )
                ],
                (key, annotator) in decided,
            )

    def shown_on(self, finished: dict[str, list[str]]) -> int | None:
        """Of the documents an agreement report measures (id -> who finished it), on how
        many suggestions were shown to one of them; None if the project never had any.

        Shown: stored for the document and not hidden by `blind_overlap`, or someone
        measured accepted or rejected one there (they saw them, whatever came after).
        """
        decided = (EventAction.SUGGESTION_ACCEPT.value, EventAction.SUGGESTION_REJECT.value)
        if (
            self.db.one("SELECT 1 FROM suggestions LIMIT 1") is None
            and self.db.one("SELECT 1 FROM events WHERE action IN (?, ?) LIMIT 1", decided) is None
        ):
            return None
        shown = 0
        for doc_id, names in finished.items():
            key = self.documents.key(doc_id)
            stored = self.db.one("SELECT 1 FROM suggestions WHERE doc = ? LIMIT 1", (key,))
            marks = ",".join("?" * len(names))
            if (stored and not all(self._hidden(key, name) for name in names)) or self.db.one(
                f"SELECT 1 FROM events WHERE doc = ? AND layer IN ({marks}) AND action IN (?, ?) "
                "LIMIT 1",
                (key, *names, *decided),
            ):
                shown += 1
        return shown

    def decisions(self) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
        """`(action, suggestion as proposed, outcome)` of every accept and reject, in order."""
        for action, before, after in self.db.execute(
            "SELECT action, before, after FROM events WHERE action IN (?, ?) ORDER BY id",
            (EventAction.SUGGESTION_ACCEPT.value, EventAction.SUGGESTION_REJECT.value),
        ):
            yield action, rows.loads(before) or {}, rows.loads(after) or {}


def suggestion_of(row: Any) -> Suggestion:
    suggestion_id, start, end, label, source, score, model = row
    return Suggestion(suggestion_id, start, end, label, Source(source), score, model)
