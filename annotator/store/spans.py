"""Spans: checked writes (label, range, overlap), each logged with its before and after.

Offsets are stored exactly as given. The scheme's `snap_to_tokens` is how the annotation
screen grows a selection, not a rule on stored spans: a one-character nudge, an imported
span from another tokenizer, an undo and a merge all keep their exact offsets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.errors import StoreError
from annotator.models import EventAction, Span, SpanRow
from annotator.store import rows
from annotator.store.connection import Connection, now
from annotator.store.documents import Documents
from annotator.store.glance import SPAN_ROW_COLUMNS
from annotator.store.history import log
from annotator.store.project import Project
from annotator.store.relations import Relations
from annotator.store.rows import SpanState


class Spans:
    """The `spans` table; every write runs in the facade's transaction."""

    def __init__(
        self, db: Connection, project: Project, documents: Documents, relations: Relations
    ) -> None:
        self.db = db
        self.project = project
        self.documents = documents
        self.relations = relations

    def spans(self, doc_id: str, layer: str | None = None) -> list[Span]:
        found = self._select(doc_id, layer, rows.SPAN_COLUMNS)
        return [rows.span(doc_id, row) for row in found]

    def span_rows(self, doc_id: str, layer: str | None = None) -> list[SpanRow]:
        """As `spans`, as plain rows: no model per span (they were checked when written)."""
        return list(map(SpanRow._make, self._select(doc_id, layer, SPAN_ROW_COLUMNS)))

    def _select(self, doc_id: str, layer: str | None, columns: str) -> Iterable[Any]:
        key = self.documents.key(doc_id)
        sql = f"SELECT {columns} FROM spans WHERE doc = ?"
        params: tuple[Any, ...] = (key,)
        if layer is not None:
            sql += " AND layer = ?"
            params += (layer,)
        return self.db.execute(sql + ' ORDER BY start, "end" DESC, label, layer', params)

    def span(self, span_id: int) -> Span:
        row = self.db.execute(
            'SELECT d.id, s.id, s.layer, s.start, s."end", s.label, s.created, s.updated, '
            "s.origin "
            "FROM spans s JOIN documents d ON d.seq = s.doc WHERE s.id = ?",
            (span_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no span {span_id}")
        return rows.span(row[0], row[1:])

    def _check(
        self, key: int, layer: str, start: int, end: int, label: str, ignore: int | None = None
    ) -> None:
        scheme = self.project.scheme
        if label not in scheme.label_names:
            raise StoreError(
                f"unknown label {label!r} (scheme has {', '.join(scheme.label_names)})"
            )
        length = self.db.one("SELECT length FROM documents WHERE seq = ?", (key,))
        if not 0 <= start < end <= length:
            raise StoreError(f"span {start}-{end} is outside 0-{length} or empty")
        if not scheme.allow_overlap:
            clash = self.db.one(
                'SELECT id FROM spans WHERE doc = ? AND layer = ? AND start < ? AND "end" > ? '
                "AND id IS NOT ?",
                (key, layer, end, start, ignore),
            )
            if clash is not None:
                raise StoreError(
                    f"span {start}-{end} overlaps span {clash}; the scheme forbids overlap"
                )

    def check_state(self, key: int, layer: str, state: SpanState) -> None:
        """Refuse an undo or redo that would write what `add` or `update` would refuse."""
        start, end, label = state["start"], state["end"], state["label"]
        self._check(key, layer, start, end, label, ignore=state["id"])
        other = self._same(key, layer, start, end, label)
        if other is not None and other != state["id"]:
            raise StoreError(f"an identical {label} span {start}-{end} already exists")
        self.relations.check_span_state(key, layer, state)

    def _same(self, key: int, layer: str, start: int, end: int, label: str) -> int | None:
        found = self.db.one(
            'SELECT id FROM spans WHERE doc = ? AND layer = ? AND start = ? AND "end" = ? '
            "AND label = ?",
            (key, layer, start, end, label),
        )
        return None if found is None else int(found)

    def add(
        self,
        doc_id: str,
        layer: str,
        start: int,
        end: int,
        label: str,
        actor: str,
        origin: str | None = None,
    ) -> Span:
        """`origin`: the suggestion source of an accepted span (None: made by hand)."""
        key = self.documents.key(doc_id)
        existing = self._same(key, layer, start, end, label)
        if existing is not None:
            return self.span(existing)
        self._check(key, layer, start, end, label)
        self.documents.ensure_layer(layer)
        stamp = now()
        span_id = self.db.execute(
            'INSERT INTO spans (doc, layer, start, "end", label, created, updated, origin) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, layer, start, end, label, stamp, stamp, origin),
        ).lastrowid
        span = self.span(span_id or 0)
        log(self.db, actor, EventAction.SPAN_ADD, key, layer, span.id, after=rows.state(span))
        return span

    def delete(self, span_id: int, actor: str | None) -> Span:
        """Delete a span and its relations, in one event: its `before` lists the
        relations, so that undo brings back the span and its relations together."""
        span = self.span(span_id)
        linked = self.relations.detach(span_id)
        self.db.execute("DELETE FROM spans WHERE id = ?", (span_id,))
        key = self.documents.key(span.doc_id)
        before = rows.state(span)
        if linked:
            before["relations"] = linked
        log(
            self.db,
            actor or span.layer,
            EventAction.SPAN_DELETE,
            key,
            span.layer,
            span_id,
            before=before,
        )
        return span

    def update(
        self,
        span_id: int,
        start: int | None,
        end: int | None,
        label: str | None,
        actor: str | None,
    ) -> Span:
        old = self.span(span_id)
        new_start = old.start if start is None else start
        new_end = old.end if end is None else end
        new_label = old.label if label is None else label
        key = self.documents.key(old.doc_id)
        if (new_start, new_end, new_label) == (old.start, old.end, old.label):
            return old
        self._check(key, old.layer, new_start, new_end, new_label, ignore=span_id)
        if self._same(key, old.layer, new_start, new_end, new_label) is not None:
            raise StoreError(f"an identical {new_label} span {new_start}-{new_end} already exists")
        if new_label != old.label:
            self.relations.check_relabel(span_id, new_label)
        self.db.execute(
            'UPDATE spans SET start = ?, "end" = ?, label = ?, updated = ? WHERE id = ?',
            (new_start, new_end, new_label, now(), span_id),
        )
        span = self.span(span_id)
        log(
            self.db,
            actor or old.layer,
            EventAction.SPAN_UPDATE,
            key,
            old.layer,
            span_id,
            before=rows.state(old),
            after=rows.state(span),
        )
        return span
