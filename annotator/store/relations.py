"""Relations: typed, directed links from a head span to a child span of one layer.

Every write path checks the same rules: both spans exist, in one document and one layer
(a relation takes both from its spans), head and child differ, the scheme declares the
relation and it fits the spans' labels (`RelationDef.heads`/`children`), and no identical
relation exists. Each write is logged in the event log in the caller's transaction, on
the undo stack of its (document, layer), so undo and redo step through relations and
spans in the order they were made (`history`).

A span's relations go with it: deleting the span deletes them in the same event (its
`before` lists them, so undo brings back both with the same ids), and moving or
relabelling it keeps them (a relabel the relations would no longer fit is refused).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from annotator.errors import RecordError, StoreError
from annotator.models import EventAction, NewDocument, Relation, RelationRow
from annotator.store.connection import Connection, now
from annotator.store.documents import Documents, text_hash
from annotator.store.history import log
from annotator.store.project import Project

RelationState = dict[str, Any]
"""A relation as the event log records it: `{"relation", "head", "child", "label"}`.

Keyed `relation` (not `id`) so that nothing reading span states takes it for a span."""

_SELECT = (
    "SELECT r.id, d.id, r.layer, r.head, r.child, r.label, r.created, r.updated "
    "FROM relations r JOIN documents d ON d.seq = r.doc"
)


class _End(NamedTuple):
    """What the rules need of a span at one end of a relation."""

    id: int
    doc: int
    layer: str
    label: str


def state(relation: Relation | RelationRow) -> RelationState:
    return {
        "relation": relation.id,
        "head": relation.head,
        "child": relation.child,
        "label": relation.label,
    }


def _relation(row: Any) -> Relation:
    relation_id, doc_id, layer, head, child, label, created, updated = row
    return Relation(
        id=relation_id,
        doc_id=doc_id,
        layer=layer,
        head=head,
        child=child,
        label=label,
        created=created,
        updated=updated,
    )


class Relations:
    """The `relations` table; every write runs in the facade's transaction."""

    def __init__(self, db: Connection, project: Project, documents: Documents) -> None:
        self.db = db
        self.project = project
        self.documents = documents

    # ------------------------------------------------------------------ reads

    def relation(self, relation_id: int) -> Relation:
        row = self.db.execute(_SELECT + " WHERE r.id = ?", (relation_id,)).fetchone()
        if row is None:
            raise StoreError(f"no relation {relation_id}")
        return _relation(row)

    def relations(self, doc_id: str, layer: str | None = None) -> list[Relation]:
        sql, params = self._where(doc_id, layer)
        return [_relation(row) for row in self.db.execute(_SELECT + sql, params)]

    def rows(self, doc_id: str, layer: str | None = None) -> list[RelationRow]:
        sql, params = self._where(doc_id, layer)
        found = self.db.execute(
            "SELECT r.id, r.layer, r.head, r.child, r.label FROM relations r" + sql, params
        )
        return list(map(RelationRow._make, found))

    def _where(self, doc_id: str, layer: str | None) -> tuple[str, tuple[Any, ...]]:
        sql = " WHERE r.doc = ?"
        params: list[Any] = [self.documents.key(doc_id)]
        if layer is not None:
            sql += " AND r.layer = ?"
            params.append(layer)
        return sql + " ORDER BY r.id", tuple(params)

    def of_span(self, span_id: int) -> list[Relation]:
        """Relations with `span_id` at either end, in the order they were made."""
        found = self.db.execute(
            _SELECT + " WHERE r.head = ? UNION ALL " + _SELECT + " WHERE r.child = ? ORDER BY 1",
            (span_id, span_id),
        )
        return [_relation(row) for row in found]

    def usage(self) -> dict[str, int]:
        """Relations per relation name over every layer (names in alphabetical order)."""
        found = self.db.execute("SELECT label, count(*) FROM relations GROUP BY label ORDER BY 1")
        return dict(found.fetchall())

    # ------------------------------------------------------------------ rules

    def _end(self, span_id: int, known: dict[int, _End] | None = None) -> _End:
        if known and span_id in known:
            return known[span_id]
        row = self.db.execute(
            "SELECT id, doc, layer, label FROM spans WHERE id = ?", (span_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no span {span_id}")
        return _End(*row)

    def _check(
        self,
        head: _End,
        child: _End,
        label: str,
        ignore: int | None = None,
    ) -> int | None:
        """Refuse a relation the rules forbid; returns the id of an identical one (or None).

        `ignore`: the relation being rewritten (an update, an undo), which may keep its
        own head, child and label.
        """
        if head.id == child.id:
            raise StoreError(f"a relation links two spans; span {head.id} is both ends")
        if (head.doc, head.layer) != (child.doc, child.layer):
            where = "document" if head.doc != child.doc else "layer"
            raise StoreError(
                f"spans {head.id} and {child.id} are in different {where}s "
                f"({head.layer!r}, {child.layer!r}); a relation links spans of one layer"
            )
        scheme = self.project.scheme
        try:
            declared = scheme.relation(label)
        except KeyError:
            known = ", ".join(scheme.relation_names) or "none"
            raise StoreError(
                f"unknown relation {label!r} (scheme {scheme.qualified_name} has {known})"
            ) from None
        problem = declared.misfit(head.label, child.label)
        if problem is not None:
            raise StoreError(f"span {head.id} -> span {child.id}: {problem}")
        same = self.db.one(
            "SELECT id FROM relations WHERE head = ? AND child = ? AND label = ?",
            (head.id, child.id, label),
        )
        if same is not None and same != ignore:
            return int(same)
        return None

    def check_state(
        self, doc: int, layer: str, found: RelationState, span: _End | None = None
    ) -> None:
        """Refuse an undo or redo that would write a relation `add` would refuse.

        `span`: a span the same step brings back (an undone delete), not stored yet.
        """
        known = {span.id: span} if span is not None else None
        head, child = self._end(found["head"], known), self._end(found["child"], known)
        if (head.doc, head.layer) != (doc, layer):
            raise StoreError(f"relation {found['relation']}: its spans left this layer")
        same = self._check(head, child, found["label"], ignore=found["relation"])
        if same is not None:
            raise StoreError(
                f"an identical {found['label']} relation {same} already links "
                f"span {head.id} to span {child.id}"
            )

    def check_span_state(self, doc: int, layer: str, found: dict[str, Any]) -> None:
        """A span state an undo or redo writes: its relations (if it brings any back) and
        those it keeps must fit its label."""
        span = _End(int(found["id"]), doc, layer, str(found["label"]))
        for linked in found.get("relations", ()):
            self.check_state(doc, layer, linked, span)
        if self.db.one("SELECT 1 FROM spans WHERE id = ?", (span.id,)) is not None:
            self.check_relabel(span.id, span.label)

    def check_relabel(self, span_id: int, label: str) -> None:
        """Refuse a new label for a span that one of its relations would no longer fit."""
        scheme = self.project.scheme
        for relation_id, name, head_label, child_label, head in self.db.execute(
            "SELECT r.id, r.label, h.label, c.label, r.head FROM relations r "
            "JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.child "
            "WHERE r.head = ? OR r.child = ?",
            (span_id, span_id),
        ).fetchall():
            if head == span_id:
                head_label = label
            else:
                child_label = label
            problem = scheme.relation(name).misfit(head_label, child_label)
            if problem is not None:
                raise StoreError(
                    f"span {span_id} cannot become {label}: its relation {relation_id} "
                    f"would no longer fit ({problem}); delete the relation first"
                )

    # ------------------------------------------------------------------ writes

    def import_batch(self, batch: list[NewDocument]) -> int:
        """Store the relations of a batch whose documents and spans were just imported
        (in the same transaction); returns how many are new.

        Each `(head, child, label)` indexes its document's `spans`; the rules of `add`
        apply, and a problem raises RecordError with the item's line. Imported relations,
        like imported spans, carry no events, and one already stored is skipped, so a
        second import of the same file changes nothing.
        """
        scheme = self.project.scheme
        stamp = now()
        found: list[tuple[int, str, int, int, str, str, str]] = []
        for item in batch:
            if not item.relations:
                continue
            doc = self.db.one(
                "SELECT seq FROM documents WHERE text_hash = ?", (text_hash(item.text),)
            )
            ids = {
                (layer, start, end, label): span_id
                for span_id, layer, start, end, label in self.db.execute(
                    'SELECT id, layer, start, "end", label FROM spans WHERE doc = ?', (doc,)
                )
            }
            for index, (head, child, label) in enumerate(item.relations):
                where = f"relations[{index}]"
                if not (0 <= head < len(item.spans) and 0 <= child < len(item.spans)):
                    raise RecordError(item.line, f"{where}: a span index is out of range")
                first, second = item.spans[head], item.spans[child]
                if first[0] != second[0]:
                    raise RecordError(item.line, f"{where}: its spans are in different layers")
                head_id, child_id = ids[first], ids[second]
                if head_id == child_id:
                    raise RecordError(
                        item.line,
                        f"{where}: spans[{head}] and spans[{child}] are the same span; "
                        "a relation links two",
                    )
                if label not in scheme.relation_names:
                    known = ", ".join(scheme.relation_names) or "none"
                    raise RecordError(
                        item.line,
                        f"{where}: unknown relation {label!r} (scheme "
                        f"{scheme.qualified_name} has {known})",
                    )
                problem = scheme.relation(label).misfit(first[3], second[3])
                if problem is not None:
                    raise RecordError(
                        item.line, f"{where}: spans[{head}] -> spans[{child}]: {problem}"
                    )
                found.append((doc, first[0], head_id, child_id, label, stamp, stamp))
        before = self.db.total_changes
        self.db.executemany(
            "INSERT OR IGNORE INTO relations (doc, layer, head, child, label, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            found,
        )
        return self.db.total_changes - before

    def add(self, head: int, child: int, label: str, actor: str | None) -> Relation:
        ends = self._end(head), self._end(child)
        same = self._check(*ends, label)
        if same is not None:
            return self.relation(same)
        stamp = now()
        relation_id = self.db.execute(
            "INSERT INTO relations (doc, layer, head, child, label, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ends[0].doc, ends[0].layer, head, child, label, stamp, stamp),
        ).lastrowid
        relation = self.relation(relation_id or 0)
        self._log(EventAction.RELATION_ADD, relation, actor, after=state(relation))
        return relation

    def delete(self, relation_id: int, actor: str | None) -> Relation:
        relation = self.relation(relation_id)
        self.db.execute("DELETE FROM relations WHERE id = ?", (relation_id,))
        self._log(EventAction.RELATION_DELETE, relation, actor, before=state(relation))
        return relation

    def update(
        self, relation_id: int, label: str | None, reverse: bool, actor: str | None
    ) -> Relation:
        old = self.relation(relation_id)
        head, child = (old.child, old.head) if reverse else (old.head, old.child)
        new_label = old.label if label is None else label
        if (head, child, new_label) == (old.head, old.child, old.label):
            return old
        same = self._check(self._end(head), self._end(child), new_label, ignore=relation_id)
        if same is not None:
            raise StoreError(
                f"an identical {new_label} relation {same} already links span {head} "
                f"to span {child}"
            )
        self.db.execute(
            "UPDATE relations SET head = ?, child = ?, label = ?, updated = ? WHERE id = ?",
            (head, child, new_label, now(), relation_id),
        )
        relation = self.relation(relation_id)
        self._log(
            EventAction.RELATION_UPDATE,
            relation,
            actor,
            before=state(old),
            after=state(relation),
        )
        return relation

    def detach(self, span_id: int) -> list[RelationState]:
        """Delete a span's relations (the span is being deleted); returns their states for
        the span's delete event, so that undo brings them back with it."""
        found = [
            {"relation": relation_id, "head": head, "child": child, "label": label}
            for relation_id, head, child, label in self.db.execute(
                "SELECT id, head, child, label FROM relations WHERE head = ? OR child = ? "
                "ORDER BY id",
                (span_id, span_id),
            ).fetchall()
        ]
        if found:
            self.db.execute("DELETE FROM relations WHERE head = ? OR child = ?", (span_id, span_id))
        return found

    def _log(
        self,
        action: EventAction,
        relation: Relation,
        actor: str | None,
        *,
        before: RelationState | None = None,
        after: RelationState | None = None,
    ) -> None:
        doc = self.documents.key(relation.doc_id)
        log(
            self.db,
            actor or relation.layer,
            action,
            doc,
            relation.layer,
            before=before,
            after=after,
        )
