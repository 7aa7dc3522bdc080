"""The `Store` facade, imported through `annotator.store` (`from annotator.store import
Store`); the package's docstring describes the parts.

Size: the facade is one short delegating method per operation of the store, so the
whole API reads here as one table of contents; the logic lives in the parts.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.errors import StoreError
from annotator.merge_records import MergeReport
from annotator.models import (
    MOTION_KEYS,
    Assignment,
    Document,
    Event,
    EventAction,
    ImportCounts,
    NewDocument,
    QueueItem,
    Relation,
    RelationRow,
    Scheme,
    Span,
    SpanKey,
    SpanRow,
    Status,
)
from annotator.scheme import parse_scheme
from annotator.store import backup as backups, check as checks, history, interchange, merge_io
from annotator.store.check import Problem, refuse_damage
from annotator.store.connection import Connection, now
from annotator.store.documents import Documents, text_hash, title_of
from annotator.store.guard import guarded
from annotator.store.history import HistoryState
from annotator.store.migrations import migrate, needs_migration
from annotator.store.project import Project
from annotator.store.queue import Queue
from annotator.store.relations import Relations
from annotator.store.spans import Spans
from annotator.store.suggestions import Suggestions
from annotator.store.tokens import Tokens

__all__ = [
    "HistoryState",
    "ImportCounts",
    "NewDocument",
    "Problem",
    "Store",
    "now",
    "text_hash",
    "title_of",
]


@guarded
class Store:
    """A project database. Build with `Store.create` or `Store.open`; close when done.

    `guarded`: no public method lets a `sqlite3.Error` out, only a `StoreError`.
    """

    def __init__(self, path: Path, db: Connection) -> None:
        self.path = path
        self._db = db
        self._project = Project(db)
        self._documents = Documents(db, self._project)
        self._relations = Relations(db, self._project, self._documents)
        self._spans = Spans(db, self._project, self._documents, self._relations)
        self._queue = Queue(db, self._documents)
        self.tokens = Tokens(db)  # `annotator serve`'s access tokens (add, revoke, holder)
        # machine proposals and the decisions on them (replace, for_annotator, accept, ...)
        self.suggestions = Suggestions(db, self._project, self._documents, self._spans)

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def create(cls, path: str | Path, scheme_text: str, scheme_source: str) -> Store:
        """Create a new project file holding the scheme; refuses to overwrite one."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise StoreError(f"{path}: a project already exists here")
        scheme = parse_scheme(scheme_text, scheme_source)
        store = cls(path, Connection.open(path))
        try:
            with store.transaction():
                migrate(store._db)
                store._project.initialise(scheme_text, scheme_source, scheme)
        except BaseException:
            store.close()
            path.unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an existing project, applying any newer migrations first."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no project here (create one with `annotator init`)")
        store = cls(path, Connection.open(path))
        try:
            if needs_migration(store._db):
                if store.read_only:
                    raise StoreError(
                        f"{path}: made by an older annotator; upgrading it needs a write, "
                        "and the file is read-only here: open it once where it can be written"
                    )
                with store.transaction():
                    migrate(store._db)
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    @property
    def read_only(self) -> bool:
        """Opened from a file, folder or medium SQLite may not write: reads only."""
        return self._db.read_only

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        """Copy the project to `target` as one consistent snapshot; returns its size.

        The project is checked first (`check`): a damaged file (pages, foreign keys) is
        refused with the report, rather than copied over a good older backup.
        """
        refuse_damage(self.check(), f"{self.path}", "nothing was backed up")
        return backups.backup(self._db, Path(target), overwrite=overwrite)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several calls into one write transaction: all of them, or none.

        Each public method is atomic by itself; inside this block it becomes a savepoint
        (a failed call undoes only itself if the caller catches its error). Caches that a
        rolled-back block may have filled are dropped.
        """
        try:
            with self._db.transaction():
                yield
        except BaseException:
            self.reload_scheme()
            raise

    def reload_scheme(self) -> None:
        """Forget cached state (scheme, document keys), e.g. after a rolled-back change."""
        self._project.forget_scheme()
        self._documents.forget_keys()

    def settings(self) -> dict[str, Any]:
        """The connection's settings, as SQLite reports them (for checks and `doctor`s)."""
        names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous", "user_version")
        return {name: self._db.pragma(name) for name in names} | {
            "tables": sorted(self._db.table_names())
        }

    def check(self) -> list[Problem]:
        """Everything `annotator check` finds wrong (see `annotator.store.check`)."""
        return checks.check(self._db, lambda: self.scheme)

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check` verdict: "ok" for a sound file."""
        return str(self._db.pragma("integrity_check"))

    # ------------------------------------------------------------ project, scheme

    def meta(self, key: str) -> str | None:
        return self._project.meta(key)

    @property
    def scheme(self) -> Scheme:
        return self._project.scheme

    @property
    def scheme_text(self) -> str:
        return self._project.meta("scheme") or ""

    def label_usage(self) -> dict[str, int]:
        """Spans per label over every layer, labels in alphabetical order."""
        return self._project.label_usage()

    def update_scheme(
        self,
        scheme_text: str,
        scheme_source: str,
        renames: dict[str, str] | None = None,
        actor: str = "system",
    ) -> dict[str, int]:
        """Replace the project's scheme, renaming labels in use as `renames` says.

        Refuses (SchemeConflictError, listing the affected spans) when a label still in
        use would vanish. Returns how many spans each rename touched. A rename onto a
        label the same span already has in that layer merges the two.
        """
        with self.transaction():
            return self._project.update_scheme(scheme_text, scheme_source, renames or {}, actor)

    def check_scheme(self, scheme_text: str, scheme_source: str) -> list[str]:
        """Labels in use that the given scheme would drop (empty when it is compatible)."""
        return self._project.check_scheme(scheme_text, scheme_source)

    def relation_conflicts(
        self, scheme_text: str, scheme_source: str, renames: dict[str, str] | None = None
    ) -> list[str]:
        """Relations in use the given scheme drops or that would no longer fit, one line
        each (empty when it is compatible); `update_scheme` refuses those."""
        new = parse_scheme(scheme_text, scheme_source, kept_keys=MOTION_KEYS)
        return self._project.relation_conflicts(new, renames or {})

    # ----------------------------------------------------------------- documents

    def import_documents(self, batch: list[NewDocument]) -> ImportCounts:
        """Insert a batch (relations included), all or nothing; content already stored is
        skipped.

        Spans are checked against the scheme and the text here as well, so no caller can
        store an out-of-range span. A problem raises RecordError carrying the item's line.
        Set-wise lookups and `executemany` keep this close to a plain bulk insert.
        """
        with self.transaction():
            counts = self._documents.import_documents(batch)
            counts.relations = self._relations.import_batch(batch)
            return counts

    def ensure_layer(self, layer: str) -> None:
        """Register an annotator on first use; `gold` is a layer, not a person."""
        with self.transaction():
            self._documents.ensure_layer(layer)

    def log_import(self, actor: str, source: str, counts: ImportCounts) -> None:
        with self.transaction():
            history.log(
                self._db, actor, EventAction.IMPORT, after={"source": source, **counts.__dict__}
            )

    def document(self, doc_id: str) -> Document:
        return self._documents.document(doc_id)

    def document_count(self) -> int:
        return self._documents.count()

    def document_ids(self) -> list[str]:
        """Every document id in import order, without the texts (for splits)."""
        return self._documents.ids()

    def iter_documents(self) -> Iterator[Document]:
        """All documents in import order, streamed."""
        return self._documents.iter_documents()

    def iter_documents_with_spans(
        self, layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Documents in import order with their spans (by layer, start, end, label), streamed."""
        return self._documents.iter_with_spans(layers)

    def iter_selected_documents(
        self, doc_ids: Iterable[str], layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Like `iter_documents_with_spans`, restricted to some documents (in import order)."""
        return self._documents.iter_selected(doc_ids, layers)

    # --------------------------------------------------------------------- spans

    def spans(self, doc_id: str, layer: str | None = None) -> list[Span]:
        return self._spans.spans(doc_id, layer)

    def span_rows(self, doc_id: str, layer: str | None = None) -> list[SpanRow]:
        """The spans as plain rows, in the same order: for reading many (the workbench)."""
        return self._spans.span_rows(doc_id, layer)

    def span(self, span_id: int) -> Span:
        return self._spans.span(span_id)

    def add_span(
        self, doc_id: str, layer: str, start: int, end: int, label: str, actor: str | None = None
    ) -> Span:
        """Store a span and log it; an identical span already stored is returned unchanged."""
        with self.transaction():
            return self._spans.add(doc_id, layer, start, end, label, actor or layer)

    def delete_span(self, span_id: int, actor: str | None = None) -> Span:
        with self.transaction():
            return self._spans.delete(span_id, actor)

    def update_span(
        self,
        span_id: int,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
        actor: str | None = None,
    ) -> Span:
        """Move a boundary or relabel; refuses to turn a span into a duplicate of another."""
        with self.transaction():
            return self._spans.update(span_id, start, end, label, actor)

    # ----------------------------------------------------------------- relations

    def relations(self, doc_id: str, layer: str | None = None) -> list[Relation]:
        """A document's relations (of one layer, or every layer), in the order made."""
        return self._relations.relations(doc_id, layer)

    def relation_rows(self, doc_id: str, layer: str | None = None) -> list[RelationRow]:
        """As `relations`, as plain rows: for reading many (the workbench, exporters)."""
        return self._relations.rows(doc_id, layer)

    def relation(self, relation_id: int) -> Relation:
        return self._relations.relation(relation_id)

    def span_relations(self, span_id: int) -> list[Relation]:
        """The relations with this span at either end (head or child), in the order made."""
        return self._relations.of_span(span_id)

    def relation_usage(self) -> dict[str, int]:
        """Relations per relation name over every layer, names in alphabetical order."""
        return self._relations.usage()

    def add_relation(self, head: int, child: int, label: str, actor: str | None = None) -> Relation:
        """Link span `head` to span `child` (one document and layer) and log it; checked
        against the scheme's relations. An identical relation is returned unchanged."""
        with self.transaction():
            return self._relations.add(head, child, label, actor)

    def delete_relation(self, relation_id: int, actor: str | None = None) -> Relation:
        with self.transaction():
            return self._relations.delete(relation_id, actor)

    def update_relation(
        self,
        relation_id: int,
        *,
        label: str | None = None,
        reverse: bool = False,
        actor: str | None = None,
    ) -> Relation:
        """Relabel and/or reverse (swap head and child) a relation; the same id stays."""
        with self.transaction():
            return self._relations.update(relation_id, label, reverse, actor)

    # ---------------------------------------------------------- undo, redo, log

    def events(self, doc_id: str | None = None, layer: str | None = None) -> list[Event]:
        doc = None if doc_id is None else self._documents.key(doc_id)
        return history.events(self._db, doc, layer)

    def history_state(self, doc_id: str, layer: str) -> HistoryState:
        """Whether undo and redo would do anything here, from one replay of the log."""
        return history.state(self._db, self._documents.key(doc_id), layer)

    def can_undo(self, doc_id: str, layer: str) -> bool:
        return self.history_state(doc_id, layer).can_undo

    def can_redo(self, doc_id: str, layer: str) -> bool:
        return self.history_state(doc_id, layer).can_redo

    def undo(self, doc_id: str, layer: str, actor: str | None = None) -> Span | None:
        """Revert the latest span or relation action of this layer; returns the span it
        leaves (a relation's head), or None."""
        return self._step(doc_id, layer, actor, back=True)

    def redo(self, doc_id: str, layer: str, actor: str | None = None) -> Span | None:
        """Restore the latest undone span or relation action; returns the span it leaves
        (a relation's head), or None."""
        return self._step(doc_id, layer, actor, back=False)

    def _step(self, doc_id: str, layer: str, actor: str | None, *, back: bool) -> Span | None:
        key = self._documents.key(doc_id)
        with self.transaction():
            _moved, span_id = history.step(
                self._db,
                key,
                layer,
                actor or layer,
                back=back,
                check=lambda state: (
                    self._relations.check_state(key, layer, state)
                    if history.is_relation(state)
                    else self._spans.check_state(key, layer, state)
                ),
            )
            return None if span_id is None else self._spans.span(span_id)

    # ------------------------------------------------------------ queue, progress

    def assignment(self, doc_id: str, annotator: str) -> Assignment | None:
        return self._queue.assignment(doc_id, annotator)

    def assign(self, doc_id: str, annotator: str) -> None:
        """Give a document to an annotator; assigning twice keeps the first assignment."""
        self.assign_many([(doc_id, annotator)])

    def assign_many(self, pairs: Iterable[tuple[str, str]], actor: str = "system") -> int:
        """Assign `(doc_id, annotator)` pairs in one transaction; existing ones are kept."""
        with self.transaction():
            return self._queue.assign_many(pairs, actor)

    def set_status(self, doc_id: str, annotator: str, status: Status, seconds: float = 0.0) -> None:
        """Record progress (creating the assignment in an open project) and time spent."""
        with self.transaction():
            self._queue.set_status(doc_id, annotator, status, seconds)

    def add_time(
        self, doc_id: str, annotator: str, seconds: float, *, cursor: int | None = None
    ) -> None:
        """Add time spent on a document; with `cursor`, keep where the annotator is in it
        (the workbench reopens there: `resume_document`, `Assignment.cursor`)."""
        with self.transaction():
            self._queue.add_time(doc_id, annotator, seconds, cursor)

    def resume_document(self, annotator: str) -> str | None:
        """The document to reopen the workbench on: the one in progress left last, if any."""
        return self._queue.resume(annotator)

    def queue(
        self,
        annotator: str,
        *,
        status: Status | None = None,
        search: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[QueueItem]:
        """One page of the annotator's documents: assigned ones, or all in an open project."""
        return self._queue.page(annotator, status, search, offset, limit)

    def queue_count(
        self, annotator: str, *, status: Status | None = None, search: str | None = None
    ) -> int:
        return self._queue.count(annotator, status, search)

    def queue_position(self, annotator: str, doc_id: str) -> int:
        """Index of a document in the unfiltered queue (for 'document n of N')."""
        return self._queue.position(annotator, doc_id)

    def first_open_position(
        self, annotator: str, *, status: Status | None = None, search: str | None = None
    ) -> int | None:
        """Where the queue (so filtered) has its first document still todo or in progress."""
        return self._queue.first_open(annotator, status, search)

    def next_open_document(self, annotator: str, doc_id: str) -> str | None:
        """The next document after `doc_id` still todo or in progress (wrapping), or None."""
        return self._queue.next_open(annotator, doc_id)

    def unassigned_documents(self) -> list[str]:
        """Ids of documents nobody has been assigned yet, in import order."""
        return self._queue.unassigned()

    def assignment_counts(self) -> dict[str, int]:
        """Documents assigned per annotator (all statuses)."""
        return self._queue.counts()

    def shared_documents(self) -> dict[tuple[str, str], int]:
        """For every pair of annotators, how many documents both are assigned."""
        return self._queue.shared()

    def finished_by(
        self, annotators: Iterable[str] | None = None, *, at_least: int = 2
    ) -> dict[str, list[str]]:
        """Documents that `at_least` of `annotators` (None: anyone) marked done, with whom."""
        return self._queue.finished_by(annotators, at_least)

    def mark_adjudicated(self, doc_id: str, actor: str) -> None:
        """Record (in the event log) that `actor` went through a document's gold layer."""
        with self.transaction():
            self._queue.mark_adjudicated(doc_id, actor)

    def adjudicated_documents(self) -> dict[str, str]:
        """Documents marked adjudicated, each with who marked it last."""
        return self._queue.adjudicated()

    def reject_candidate(self, doc_id: str, key: SpanKey, actor: str) -> None:
        """Record (in the event log) that `actor` kept the candidate `key` out of gold."""
        with self.transaction():
            self._queue.reject(doc_id, key, actor)

    def rejected_candidates(self, doc_id: str) -> set[SpanKey]:
        """Every candidate of a document a lead ever rejected (gold may hold it again)."""
        return self._queue.rejected(doc_id)

    # ------------------------------------------------------- counts, interchange

    def stats(self) -> dict[str, Any]:
        """Counts for `annotator stats`: documents, spans and relations per label (name)
        and per layer, progress."""
        per_layer = self.span_counts_by_layer()
        relations_per_layer = self.relation_counts_by_layer()
        return {
            "documents": self.document_count(),
            "spans": sum(per_layer.values()),
            "relations": sum(relations_per_layer.values()),
            "scheme": self.scheme.qualified_name,
            "spans_per_label": self.label_usage(),
            "spans_per_layer": per_layer,
            "relations_per_name": self.relation_usage(),
            "relations_per_layer": relations_per_layer,
            "progress": self._queue.progress(),
        }

    def progress(self) -> dict[str, dict[str, Any]]:
        """Per annotator: documents per status, and seconds spent (no span counts)."""
        return self._queue.progress()

    def documents_with_spans(self, layer: str) -> list[str]:
        """Ids of the documents where `layer` holds spans, in import order (no texts)."""
        return interchange.documents_with_spans(self._db, layer)

    def span_counts_by_layer(self) -> dict[str, int]:
        """Spans per layer, layers in alphabetical order."""
        return interchange.span_counts_by_layer(self._db)

    def relation_counts_by_layer(self) -> dict[str, int]:
        """Relations per layer, layers in alphabetical order."""
        return interchange.relation_counts_by_layer(self._db)

    def label_depths(self, layers: Iterable[str] | None = None) -> dict[str, int]:
        """For each label, the most spans of it covering one character of one layer."""
        return interchange.label_depths(self._db, layers)

    def merge(self, other: str | Path, *, dry_run: bool = False) -> MergeReport:
        """Bring another project file in (rules: `annotator.merge`), all or nothing.

        The other file is only read, never migrated; `dry_run` reports and writes nothing.
        """
        return merge_io.merge(
            self._db, Path(other), dry_run=dry_run, new_uid=lambda: uuid.uuid4().hex
        )
