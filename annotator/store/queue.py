"""Work queues: assignments, each annotator's progress, pages of the queue, review marks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from annotator.errors import StoreError
from annotator.models import (
    GOLD,
    Assignment,
    EventAction,
    QueueItem,
    SpanKey,
    Status,
    check_annotator,
)
from annotator.store.connection import Connection, now
from annotator.store.documents import Documents
from annotator.store.glance import resumed
from annotator.store.history import log


def _person(annotator: str) -> None:
    """Assignments and statuses belong to people: `gold` and bad names are refused."""
    try:
        check_annotator(annotator)
    except ValueError as exc:
        raise StoreError(str(exc)) from exc


class Queue:
    """The `assignments` table and the queries that page through it."""

    def __init__(self, db: Connection, documents: Documents) -> None:
        self.db = db
        self.documents = documents

    def assignment(self, doc_id: str, annotator: str) -> Assignment | None:
        row = self.db.execute(
            "SELECT status, assigned, started, finished, seconds, cursor FROM assignments "
            "WHERE doc = ? AND annotator = ?",
            (self.documents.key(doc_id), annotator),
        ).fetchone()
        if row is None:
            return None
        status, assigned, started, finished, seconds, cursor = row
        return Assignment(
            doc_id=doc_id,
            annotator=annotator,
            status=Status(status),
            assigned=assigned,
            started=started,
            finished=finished,
            seconds=seconds,
            cursor=cursor,
        )

    def assign_many(self, pairs: Iterable[tuple[str, str]], actor: str) -> int:
        stamp = now()
        added = 0
        for doc_id, annotator in pairs:
            _person(annotator)
            self.documents.ensure_layer(annotator)
            key = self.documents.key(doc_id)
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO assignments (doc, annotator, assigned) VALUES (?, ?, ?)",
                (key, annotator, stamp),
            )
            if cursor.rowcount:
                added += 1
                log(self.db, actor, EventAction.ASSIGN, key, annotator)
        return added

    def set_status(self, doc_id: str, annotator: str, status: Status, seconds: float) -> None:
        key = self.documents.key(doc_id)
        stamp = now()
        _person(annotator)
        self.documents.ensure_layer(annotator)
        self.db.execute(
            "INSERT OR IGNORE INTO assignments (doc, annotator, assigned) VALUES (?, ?, ?)",
            (key, annotator, stamp),
        )
        old = self.db.one(
            "SELECT status FROM assignments WHERE doc = ? AND annotator = ?", (key, annotator)
        )
        self.db.execute(
            "UPDATE assignments SET status = ?, seconds = seconds + ?, "
            "started = coalesce(started, ?), "
            "finished = CASE WHEN ? IN ('done', 'skipped') THEN ? ELSE finished END "
            "WHERE doc = ? AND annotator = ?",
            (status.value, seconds, stamp, status.value, stamp, key, annotator),
        )
        if old != status.value:
            log(
                self.db,
                annotator,
                EventAction.STATUS,
                key,
                annotator,
                before={"status": old},
                after={"status": status.value},
            )

    def add_time(self, doc_id: str, annotator: str, seconds: float, cursor: int | None) -> None:
        key = self.documents.key(doc_id)
        self.db.execute(
            "UPDATE assignments SET seconds = seconds + ? WHERE doc = ? AND annotator = ?",
            (seconds, key, annotator),
        )
        if cursor is not None:
            self.db.execute(
                "UPDATE assignments SET cursor = ?, left_at = ? WHERE doc = ? AND annotator = ?",
                (max(cursor, 0), now(), key, annotator),
            )

    def resume(self, annotator: str) -> str | None:
        """The document in progress the annotator left last (see `glance.resumed`)."""
        return resumed(self.db, annotator)

    def _assigned_by_lead(self, annotator: str) -> bool:
        """Whether documents were ever given to `annotator` (an `assign` event exists).

        An assignment row alone does not say so: `set_status` creates one in an open
        project, where nobody ran `annotator assign`, and opening one document must not
        hide all the others.
        """
        found = self.db.one(
            "SELECT 1 FROM events WHERE action = ? AND layer = ? LIMIT 1",
            (EventAction.ASSIGN.value, annotator),
        )
        return found is not None

    def _filter(
        self, annotator: str, status: Status | None, search: str | None
    ) -> tuple[str, list[Any]]:
        """FROM/WHERE for a queue: assigned documents, or the whole project if none were."""
        join = "JOIN" if self._assigned_by_lead(annotator) else "LEFT JOIN"
        sql = f"FROM documents d {join} assignments a ON a.doc = d.seq AND a.annotator = ? "
        params: list[Any] = [annotator]
        clauses = ["1 = 1"]
        if status is not None:
            clauses.append("coalesce(a.status, 'todo') = ?")
            params.append(status.value)
        if search:
            pattern = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            clauses.append("(d.title LIKE ? ESCAPE '\\' OR d.id LIKE ? ESCAPE '\\')")
            params += [pattern, pattern]
        return sql + "WHERE " + " AND ".join(clauses), params

    def page(
        self, annotator: str, status: Status | None, search: str | None, offset: int, limit: int
    ) -> list[QueueItem]:
        where, params = self._filter(annotator, status, search)
        found = self.db.execute(
            "SELECT d.id, d.title, d.length, coalesce(a.status, 'todo'), "
            "(SELECT count(*) FROM spans s WHERE s.doc = d.seq AND s.layer = ?) "
            f"{where} ORDER BY d.seq LIMIT ? OFFSET ?",
            [annotator, *params, limit, offset],
        )
        return [
            QueueItem(
                position=offset + index,
                doc_id=doc_id,
                title=title,
                length=length,
                status=Status(state),
                spans=spans,
            )
            for index, (doc_id, title, length, state, spans) in enumerate(found)
        ]

    def count(self, annotator: str, status: Status | None, search: str | None) -> int:
        where, params = self._filter(annotator, status, search)
        return int(self.db.one(f"SELECT count(*) {where}", params))

    def position(self, annotator: str, doc_id: str) -> int:
        where, params = self._filter(annotator, None, None)
        sql = f"SELECT count(*) {where} AND d.seq < ?"
        return int(self.db.one(sql, [*params, self.documents.key(doc_id)]))

    def first_open(self, annotator: str, status: Status | None, search: str | None) -> int | None:
        """Position (in this filtered queue) of its first document still to do."""
        where, params = self._filter(annotator, status, search)
        first = self.db.one(
            f"SELECT min(d.seq) {where} AND coalesce(a.status, 'todo') IN ('todo', 'in-progress')",
            params,
        )
        if first is None:
            return None
        return int(self.db.one(f"SELECT count(*) {where} AND d.seq < ?", [*params, first]))

    def next_open(self, annotator: str, doc_id: str) -> str | None:
        where, params = self._filter(annotator, None, None)
        key = self.documents.key(doc_id)
        still_open = "AND coalesce(a.status, 'todo') IN ('todo', 'in-progress') AND d.seq"
        for comparison in ("> ?", "< ?"):
            found = self.db.one(
                f"SELECT d.id {where} {still_open} {comparison} ORDER BY d.seq LIMIT 1",
                [*params, key],
            )
            if found is not None:
                return str(found)
        return None

    def unassigned(self) -> list[str]:
        found = self.db.execute(
            "SELECT id FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM assignments a WHERE a.doc = d.seq) ORDER BY seq"
        )
        return [row[0] for row in found]

    def counts(self) -> dict[str, int]:
        found = self.db.execute(
            "SELECT annotator, count(*) FROM assignments GROUP BY annotator ORDER BY annotator"
        )
        return dict(found.fetchall())

    def shared(self) -> dict[tuple[str, str], int]:
        found = self.db.execute(
            "SELECT a.annotator, b.annotator, count(*) FROM assignments a "
            "JOIN assignments b ON a.doc = b.doc AND a.annotator < b.annotator "
            "GROUP BY a.annotator, b.annotator ORDER BY a.annotator, b.annotator"
        )
        return {(a, b): count for a, b, count in found}

    def finished_by(
        self, annotators: Iterable[str] | None, at_least: int = 2
    ) -> dict[str, list[str]]:
        wanted = None if annotators is None else set(annotators)
        found = self.db.execute(
            "SELECT d.id, a.annotator FROM assignments a JOIN documents d ON d.seq = a.doc "
            "WHERE a.status = 'done' ORDER BY a.doc, a.annotator"
        )
        finished: dict[str, list[str]] = {}
        for doc_id, annotator in found:
            if wanted is None or annotator in wanted:
                finished.setdefault(doc_id, []).append(annotator)
        return {doc: names for doc, names in finished.items() if len(names) >= at_least}

    def progress(self) -> dict[str, dict[str, Any]]:
        """Per annotator: documents per status, and seconds spent."""
        progress: dict[str, dict[str, Any]] = {}
        for annotator, status, count, seconds in self.db.execute(
            "SELECT annotator, status, count(*), sum(seconds) FROM assignments "
            "GROUP BY annotator, status ORDER BY annotator"
        ):
            entry = progress.setdefault(annotator, {s.value: 0 for s in Status} | {"seconds": 0.0})
            entry[status] = count
            entry["seconds"] += seconds or 0.0
        return progress

    def mark_adjudicated(self, doc_id: str, actor: str) -> None:
        log(self.db, actor, EventAction.ADJUDICATED, self.documents.key(doc_id), GOLD)

    def reject(self, doc_id: str, key: SpanKey, actor: str) -> None:
        start, end, label = key
        after = {"start": start, "end": end, "label": label}
        log(self.db, actor, EventAction.REJECTED, self.documents.key(doc_id), GOLD, after=after)

    def rejected(self, doc_id: str) -> set[SpanKey]:
        found = self.db.execute(
            "SELECT after FROM events WHERE doc = ? AND layer = ? AND action = ?",
            (self.documents.key(doc_id), GOLD, EventAction.REJECTED.value),
        )
        keys = (json.loads(after) for (after,) in found)
        return {SpanKey(key["start"], key["end"], key["label"]) for key in keys}

    def adjudicated(self) -> dict[str, str]:
        found = self.db.execute(
            "SELECT d.id, e.actor FROM events e JOIN documents d ON d.seq = e.doc "
            "WHERE e.action = ? AND e.layer = ? ORDER BY e.id",
            (EventAction.ADJUDICATED.value, GOLD),
        )
        return dict(found.fetchall())
