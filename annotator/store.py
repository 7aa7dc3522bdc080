"""The project store: the only module that speaks SQL.

One SQLite file per project (WAL, foreign keys, busy timeout), opened through
sqlite-utils. Typed methods go in, pydantic models come out. Every change to spans and
assignments is written in one short transaction together with its row in the append-only
event log, so a killed process loses nothing it had acknowledged, and undo/redo and
audit are derived from the log alone.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import random
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from annotator.errors import RecordError, SchemeConflictError, StoreError
from annotator.merge import plan_merge
from annotator.merge_records import (
    AssignmentRow,
    DocRow,
    EventRow,
    MergePlan,
    MergeReport,
    Snapshot,
    SpanRec,
    effective_history,
)
from annotator.migrations import LATEST, LEGACY_EVENT_UID, MIGRATIONS
from annotator.models import (
    GOLD,
    Assignment,
    Document,
    Event,
    QueueItem,
    Scheme,
    Span,
    SpanRow,
    Status,
    check_name,
)
from annotator.scheme import parse_scheme

BUSY_TIMEOUT_MS = 5_000
"""SQLite's own wait for a lock, per attempt; `_when_free` retries around it."""
BUSY_DEADLINE_S = 300.0
"""How long a write waits for other writers (a big import holds the lock for a while)."""
TITLE_LENGTH = 120
SPAN_ACTIONS = ("span.add", "span.delete", "span.update")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def text_hash(text: str) -> str:
    """Content identity of a document: the default id, and the key for deduplication."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def title_of(text: str) -> str:
    """First non-blank line, shortened: what the queue shows without loading the text."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_LENGTH]
    return ""


@dataclass
class NewDocument:
    """A document on its way in, with the spans that came with it (from an importer)."""

    text: str
    id: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[str, int, int, str]] = field(default_factory=list)
    """`(layer, start, end, label)`; checked again by the store."""
    line: int | None = None
    """Where the reader found it, so that errors can point there."""


@dataclass
class ImportCounts:
    documents: int = 0
    skipped: int = 0
    spans: int = 0


class Store:
    """A project database. Build with `Store.create` or `Store.open`; close when done."""

    def __init__(self, path: Path, db: sqlite_utils.Database) -> None:
        self.path = path
        self.db = db
        self.conn = db.conn
        self._scheme: Scheme | None = None
        self._doc_keys: dict[str, int] = {}

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def _connect(cls, path: Path) -> Store:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.isolation_level = None  # we open transactions ourselves: BEGIN IMMEDIATE
        try:
            db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Switching to WAL needs a moment alone with the file: another process may be
            # in the middle of its own first open or a checkpoint.
            _when_free(path, lambda: conn.execute("PRAGMA journal_mode = WAL"))
            # NORMAL under WAL: a killed process loses nothing committed; only a power
            # cut can drop the last transactions, and never corrupts the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -32768")  # 32 MB: bulk imports touch indexes
        except BaseException:
            conn.close()
            raise
        return cls(path, db)

    @classmethod
    def create(cls, path: str | Path, scheme_text: str, scheme_source: str) -> Store:
        """Create a new project file holding the scheme; refuses to overwrite one."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise StoreError(f"{path}: a project already exists here")
        scheme = parse_scheme(scheme_text, scheme_source)
        store = cls._connect(path)
        try:
            with store.transaction():
                store._migrate()
                store._set_meta("scheme", scheme_text)
                store._set_meta("scheme_source", scheme_source)
                store._set_meta("created", now())
                store._log("system", "project.create", after={"scheme": scheme.qualified_name})
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
        try:
            store = cls._connect(path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
        try:
            version = store.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and "project" not in store.db.table_names():
                raise StoreError(f"{path}: not an annotator project")
            if version > LATEST:
                raise StoreError(f"{path}: made by a newer annotator (schema {version} > {LATEST})")
            if version < LATEST:
                with store.transaction():
                    store._migrate()
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        """Copy the project to `target` as one consistent snapshot; returns its size in bytes.

        SQLite's online backup API, in one step: that step reads inside one transaction,
        so the copy is the project as of one commit, while annotators go on writing (in WAL
        mode readers never block writers). The copy is written beside `target`, checked,
        switched out of WAL into a single self-contained file, and only then renamed into
        place: an interrupted backup never leaves a half copy under the target's name.
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise StoreError(f"{target}: that is the project itself; back up to another file")
        if target.exists() and not overwrite:
            raise StoreError(f"{target}: already exists (use --force to replace it)")
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
        temp.unlink(missing_ok=True)
        copy = sqlite3.connect(str(temp), isolation_level=None)
        try:
            _when_free(self.path, lambda: self.conn.backup(copy))
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise StoreError(f"{target}: the copy failed its integrity check: {verdict}")
            copy.close()
            with temp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            copy.close()
            temp.unlink(missing_ok=True)
            raise
        return target.stat().st_size

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in MIGRATIONS:
            if number > version:
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

        BEGIN IMMEDIATE takes the write lock up front, so the body never meets another
        writer: the only place to wait for one is here, and `_when_free` does the waiting.
        """
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        _when_free(self.path, lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------- project

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO project (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            self._scheme = parse_scheme(self.meta("scheme") or "", f"{self.path} (stored scheme)")
        return self._scheme

    @property
    def scheme_text(self) -> str:
        return self.meta("scheme") or ""

    def label_usage(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label")
        return dict(rows.fetchall())

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
        new = parse_scheme(scheme_text, scheme_source)
        renames = renames or {}
        for old, target in renames.items():
            if target not in new.label_names:
                raise SchemeConflictError(
                    f"rename {old}={target}: {target!r} is not in the new scheme"
                )
        usage = self.label_usage()
        lost = [label for label in usage if label not in new.label_names and label not in renames]
        if lost:
            raise SchemeConflictError(self._conflict_message(lost, usage))
        touched: dict[str, int] = {}
        with self.transaction():
            for old, target in renames.items():
                if old == target or old not in usage:
                    continue
                cursor = self.conn.execute(
                    "UPDATE OR IGNORE spans SET label = ?, updated = ? WHERE label = ?",
                    (target, now(), old),
                )
                touched[old] = cursor.rowcount
                # Spans that already existed under the new name: the rename merges them.
                self.conn.execute("DELETE FROM spans WHERE label = ?", (old,))
            self._set_meta("scheme", scheme_text)
            self._set_meta("scheme_source", scheme_source)
            self._log(
                actor,
                "scheme.update",
                before={"scheme": self.scheme.qualified_name},
                after={"scheme": new.qualified_name, "renames": renames},
            )
        self._scheme = new
        return touched

    def check_scheme(self, scheme_text: str, scheme_source: str) -> list[str]:
        """Labels in use that the given scheme would drop (empty when it is compatible)."""
        new = parse_scheme(scheme_text, scheme_source)
        return [label for label in self.label_usage() if label not in new.label_names]

    def _conflict_message(self, lost: list[str], usage: dict[str, int], limit: int = 20) -> str:
        lines = [
            f"{self.path}: the new scheme drops labels still in use: "
            + ", ".join(f"{label} ({usage[label]} spans)" for label in lost),
            "affected spans (document, layer, start-end, label):",
        ]
        marks = ",".join("?" for _ in lost)
        rows = self.conn.execute(
            f'SELECT d.id, s.layer, s.start, s."end", s.label FROM spans s '
            f"JOIN documents d ON d.seq = s.doc WHERE s.label IN ({marks}) "
            f"ORDER BY s.doc, s.layer, s.start LIMIT ?",
            (*lost, limit),
        ).fetchall()
        lines += [
            f"  {doc} {layer} {start}-{end} {label}" for doc, layer, start, end, label in rows
        ]
        total = sum(usage[label] for label in lost)
        if total > limit:
            lines.append(f"  ... and {total - limit} more")
        lines.append("rename them with `annotator schema migrate NEW.toml --rename OLD=NEW`")
        return "\n".join(lines)

    # ----------------------------------------------------------------- documents

    def import_documents(self, batch: list[NewDocument]) -> ImportCounts:
        """Insert a batch inside the caller's transaction; content already stored is skipped.

        Spans are checked against the scheme and the text here as well, so no caller can
        store an out-of-range span. A problem raises RecordError carrying the item's line.
        Set-wise lookups and `executemany` keep this close to a plain bulk insert.
        """
        counts = ImportCounts()
        labels = set(self.scheme.label_names)
        stamp = now()
        digests = [text_hash(item.text) for item in batch]
        ids = [
            item.id if item.id is not None else digest
            for item, digest in zip(batch, digests, strict=True)
        ]
        known_hash: dict[str, int] = {}
        known_id: dict[str, str] = {}
        for chunk in range(0, len(batch), 400):
            hashes, names = digests[chunk : chunk + 400], ids[chunk : chunk + 400]
            marks = ",".join("?" * len(hashes))
            # Two queries, each on its own unique index (an OR would scan the table).
            for sql, params in (
                (f"SELECT seq, id, text_hash FROM documents WHERE text_hash IN ({marks})", hashes),
                (f"SELECT seq, id, text_hash FROM documents WHERE id IN ({marks})", names),
            ):
                for seq, doc_id, digest in self.conn.execute(sql, params):
                    known_hash[digest] = seq
                    known_id[doc_id] = digest
        next_seq = self.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM documents").fetchone()[
            0
        ]
        doc_rows: list[tuple[Any, ...]] = []
        span_rows: list[tuple[Any, ...]] = []
        layers: set[str] = set()
        for item, digest, doc_id in zip(batch, digests, ids, strict=True):
            if known_id.get(doc_id, digest) != digest:
                raise RecordError(
                    item.line, f"document id {doc_id!r} is already used for another text"
                )
            seq = known_hash.get(digest)
            if seq is None:
                seq = known_hash[digest] = next_seq
                known_id[doc_id] = digest
                next_seq += 1
                counts.documents += 1
                doc_rows.append(
                    (
                        seq,
                        doc_id,
                        digest,
                        item.text,
                        len(item.text),
                        title_of(item.text),
                        item.source,
                        json.dumps(item.meta, ensure_ascii=False),
                        stamp,
                    )
                )
            else:
                counts.skipped += 1
            length = len(item.text)
            for layer, start, end, label in item.spans:
                if label not in labels:
                    raise RecordError(
                        item.line,
                        f"unknown label {label!r} (scheme has {', '.join(sorted(labels))})",
                    )
                if not 0 <= start < end <= length:
                    raise RecordError(
                        item.line, f"span {start}-{end} is outside 0-{length} or empty"
                    )
                layers.add(layer)
                span_rows.append((seq, layer, start, end, label, stamp, stamp))
        for layer in layers:
            try:
                self.ensure_layer(layer)
            except ValueError as exc:
                raise RecordError(None, str(exc)) from exc
        self.conn.executemany(
            "INSERT INTO documents (seq, id, text_hash, text, length, title, source, meta, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            doc_rows,
        )
        before = self.conn.total_changes
        self.conn.executemany(
            'INSERT OR IGNORE INTO spans (doc, layer, start, "end", label, created, updated)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            span_rows,
        )
        counts.spans = self.conn.total_changes - before
        return counts

    def ensure_layer(self, layer: str) -> None:
        """Register an annotator on first use; `gold` is a layer, not a person."""
        if layer == GOLD:
            return
        check_name(layer, "annotator name")
        self.conn.execute(
            "INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", (layer, now())
        )

    def log_import(self, actor: str, source: str, counts: ImportCounts) -> None:
        self._log(actor, "import", after={"source": source, **counts.__dict__})

    def _doc_key(self, doc_id: str) -> int:
        key = self._doc_keys.get(doc_id)
        if key is None:
            row = self.conn.execute("SELECT seq FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise StoreError(f"no document {doc_id!r}")
            key = self._doc_keys[doc_id] = row[0]
        return key

    def document(self, doc_id: str) -> Document:
        row = self.conn.execute(
            "SELECT id, text, source, meta, created FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id!r}")
        return _document(row)

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def iter_documents(self) -> Iterator[Document]:
        """All documents in import order, streamed."""
        rows = self.conn.execute(
            "SELECT id, text, source, meta, created FROM documents ORDER BY seq"
        )
        for row in rows:
            yield _document(row)

    def iter_documents_with_spans(
        self, layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Documents in import order with their spans ordered by layer, start, end, label.

        Two cursors walk side by side (a merge join), so memory stays at one document;
        spans come as plain rows because they were validated when written.
        """
        wanted = set(layers) if layers is not None else None
        span_rows = self.conn.execute(
            'SELECT doc, id, layer, start, "end", label FROM spans '
            'ORDER BY doc, layer, start, "end", label'
        )
        pending = next(span_rows, None)
        doc_rows = self.conn.execute(
            "SELECT seq, id, text, source, meta, created FROM documents ORDER BY seq"
        )
        make_row = SpanRow._make
        for seq, *doc_row in doc_rows:
            spans: list[SpanRow] = []
            while pending is not None and pending[0] <= seq:
                if pending[0] == seq and (wanted is None or pending[2] in wanted):
                    spans.append(make_row(pending[1:]))
                pending = next(span_rows, None)
            yield _document(doc_row), spans

    # --------------------------------------------------------------------- spans

    def spans(self, doc_id: str, layer: str | None = None) -> list[Span]:
        key = self._doc_key(doc_id)
        sql = 'SELECT id, layer, start, "end", label, created, updated FROM spans WHERE doc = ?'
        params: tuple[Any, ...] = (key,)
        if layer is not None:
            sql += " AND layer = ?"
            params += (layer,)
        rows = self.conn.execute(sql + ' ORDER BY start, "end" DESC, label, layer', params)
        return [_span(doc_id, row) for row in rows]

    def span(self, span_id: int) -> Span:
        row = self.conn.execute(
            'SELECT d.id, s.id, s.layer, s.start, s."end", s.label, s.created, s.updated '
            "FROM spans s JOIN documents d ON d.seq = s.doc WHERE s.id = ?",
            (span_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no span {span_id}")
        return _span(row[0], row[1:])

    def _check_span(
        self, key: int, layer: str, start: int, end: int, label: str, ignore: int | None = None
    ) -> None:
        if label not in self.scheme.label_names:
            raise StoreError(
                f"unknown label {label!r} (scheme has {', '.join(self.scheme.label_names)})"
            )
        length = self.conn.execute("SELECT length FROM documents WHERE seq = ?", (key,)).fetchone()
        if not 0 <= start < end <= length[0]:
            raise StoreError(f"span {start}-{end} is outside 0-{length[0]} or empty")
        if not self.scheme.allow_overlap:
            clash = self.conn.execute(
                'SELECT id FROM spans WHERE doc = ? AND layer = ? AND start < ? AND "end" > ? '
                "AND id IS NOT ?",
                (key, layer, end, start, ignore),
            ).fetchone()
            if clash:
                raise StoreError(
                    f"span {start}-{end} overlaps span {clash[0]}; the scheme forbids overlap"
                )

    def add_span(
        self, doc_id: str, layer: str, start: int, end: int, label: str, actor: str | None = None
    ) -> Span:
        """Store a span and log it; an identical span already stored is returned unchanged."""
        key = self._doc_key(doc_id)
        with self.transaction():
            existing = self.conn.execute(
                'SELECT id FROM spans WHERE doc = ? AND layer = ? AND start = ? AND "end" = ? '
                "AND label = ?",
                (key, layer, start, end, label),
            ).fetchone()
            if existing:
                return self.span(existing[0])
            self._check_span(key, layer, start, end, label)
            self.ensure_layer(layer)
            stamp = now()
            span_id = self.conn.execute(
                'INSERT INTO spans (doc, layer, start, "end", label, created, updated) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, layer, start, end, label, stamp, stamp),
            ).lastrowid
            span = self.span(span_id or 0)
            self._log(actor or layer, "span.add", key, layer, span.id, after=_state(span))
        return span

    def delete_span(self, span_id: int, actor: str | None = None) -> Span:
        with self.transaction():
            span = self.span(span_id)
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            key = self._doc_key(span.doc_id)
            self._log(
                actor or span.layer, "span.delete", key, span.layer, span_id, before=_state(span)
            )
        return span

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
            old = self.span(span_id)
            new_start = old.start if start is None else start
            new_end = old.end if end is None else end
            new_label = old.label if label is None else label
            key = self._doc_key(old.doc_id)
            if (new_start, new_end, new_label) == (old.start, old.end, old.label):
                return old
            self._check_span(key, old.layer, new_start, new_end, new_label, ignore=span_id)
            try:
                self.conn.execute(
                    'UPDATE spans SET start = ?, "end" = ?, label = ?, updated = ? WHERE id = ?',
                    (new_start, new_end, new_label, now(), span_id),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"an identical {new_label} span {new_start}-{new_end} already exists"
                ) from exc
            span = self.span(span_id)
            self._log(
                actor or old.layer,
                "span.update",
                key,
                old.layer,
                span_id,
                before=_state(old),
                after=_state(span),
            )
        return span

    # ---------------------------------------------------------- undo, redo, log

    def _log(
        self,
        actor: str,
        action: str,
        doc: int | None = None,
        layer: str | None = None,
        span_id: int | None = None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        ref: int | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events (ts, actor, action, doc, layer, span_id, before, after, ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                actor,
                action,
                doc,
                layer,
                span_id,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
                ref,
            ),
        )
        return cursor.lastrowid or 0

    def events(self, doc_id: str | None = None, layer: str | None = None) -> list[Event]:
        sql = (
            "SELECT e.id, e.ts, e.actor, e.action, d.id, e.layer, e.span_id, e.before, e.after,"
            " e.ref FROM events e LEFT JOIN documents d ON d.seq = e.doc"
        )
        clauses, params = [], []
        if doc_id is not None:
            clauses.append("e.doc = ?")
            params.append(self._doc_key(doc_id))
        if layer is not None:
            clauses.append("e.layer = ?")
            params.append(layer)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self.conn.execute(sql + " ORDER BY e.id", params)
        return [_event(row) for row in rows]

    def _history(
        self, key: int, layer: str
    ) -> tuple[list[tuple[int, str, dict | None, dict | None]], list[int]]:
        """Replay the log of one layer of one document into undo and redo stacks.

        Span actions push onto the undo stack (and clear redo, as any editor does); an
        `undo` event moves its target to the redo stack, a `redo` moves it back. After a
        merge that kept one copy's work, the history is what its `merge.layer` event says
        (`annotator.merge_records.effective_history`): the other copy's events are not replayed.
        """
        done: list[tuple[int, str, dict | None, dict | None]] = []
        undone: list[int] = []
        by_id: dict[int, tuple[int, str, dict | None, dict | None]] = {}
        rows = self.conn.execute(
            "SELECT id, action, before, after, ref, span_id FROM events "
            "WHERE doc = ? AND layer = ? ORDER BY id",
            (key, layer),
        ).fetchall()
        for event_id, action, before, after, ref, span_id in effective_history(rows):
            if action in SPAN_ACTIONS:
                entry = (
                    span_id,
                    action,
                    json.loads(before) if before else None,
                    json.loads(after) if after else None,
                )
                by_id[event_id] = entry
                done.append(event_id)
                undone.clear()
            elif action == "undo" and done and done[-1] == ref:
                undone.append(done.pop())
            elif action == "redo" and undone and undone[-1] == ref:
                done.append(undone.pop())
        return [(eid, *by_id[eid][1:]) for eid in done], undone  # type: ignore[misc]

    def can_undo(self, doc_id: str, layer: str) -> bool:
        return bool(self._history(self._doc_key(doc_id), layer)[0])

    def can_redo(self, doc_id: str, layer: str) -> bool:
        return bool(self._history(self._doc_key(doc_id), layer)[1])

    def undo(self, doc_id: str, layer: str, actor: str | None = None) -> Span | None:
        """Revert the latest span action of this layer; returns the span it leaves (or None)."""
        key = self._doc_key(doc_id)
        with self.transaction():
            done, _ = self._history(key, layer)
            if not done:
                return None
            event_id, _action, before, after = done[-1]
            span = self._apply_state(key, layer, before, after)
            self._log(
                actor or layer,
                "undo",
                key,
                layer,
                _span_id(before, after),
                ref=event_id,
                before=after,
                after=before,
            )
        return span

    def redo(self, doc_id: str, layer: str, actor: str | None = None) -> Span | None:
        key = self._doc_key(doc_id)
        with self.transaction():
            _, undone = self._history(key, layer)
            if not undone:
                return None
            event_id = undone[-1]
            before, after = self._event_states(event_id)
            span = self._apply_state(key, layer, after, before)
            self._log(
                actor or layer,
                "redo",
                key,
                layer,
                _span_id(before, after),
                ref=event_id,
                before=before,
                after=after,
            )
        return span

    def _event_states(self, event_id: int) -> tuple[dict | None, dict | None]:
        before, after = self.conn.execute(
            "SELECT before, after FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        return (json.loads(before) if before else None, json.loads(after) if after else None)

    def _apply_state(
        self, key: int, layer: str, target: dict | None, current: dict | None
    ) -> Span | None:
        """Make the span row equal `target` (None: absent), starting from `current`."""
        if target is None:
            assert current is not None
            self.conn.execute("DELETE FROM spans WHERE id = ?", (current["id"],))
            return None
        stamp = now()
        self.conn.execute(
            'INSERT INTO spans (id, doc, layer, start, "end", label, created, updated) '
            "VALUES (:id, :doc, :layer, :start, :end, :label, :stamp, :stamp) "
            'ON CONFLICT(id) DO UPDATE SET start = :start, "end" = :end, label = :label, '
            "updated = :stamp",
            {**target, "doc": key, "layer": layer, "stamp": stamp},
        )
        return self.span(target["id"])

    # ---------------------------------------------------------------- assignments

    def assignment(self, doc_id: str, annotator: str) -> Assignment | None:
        row = self.conn.execute(
            "SELECT status, assigned, started, finished, seconds FROM assignments "
            "WHERE doc = ? AND annotator = ?",
            (self._doc_key(doc_id), annotator),
        ).fetchone()
        if row is None:
            return None
        status, assigned, started, finished, seconds = row
        return Assignment(
            doc_id=doc_id,
            annotator=annotator,
            status=Status(status),
            assigned=assigned,
            started=started,
            finished=finished,
            seconds=seconds,
        )

    def assign(self, doc_id: str, annotator: str) -> None:
        """Give a document to an annotator; assigning twice keeps the first assignment."""
        with self.transaction():
            self.ensure_layer(annotator)
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO assignments (doc, annotator, assigned) VALUES (?, ?, ?)",
                (self._doc_key(doc_id), annotator, now()),
            )
            if cursor.rowcount:
                self._log("system", "assign", self._doc_key(doc_id), annotator)

    def set_status(self, doc_id: str, annotator: str, status: Status, seconds: float = 0.0) -> None:
        """Record progress (creating the assignment in an open project) and time spent."""
        key = self._doc_key(doc_id)
        stamp = now()
        with self.transaction():
            self.ensure_layer(annotator)
            self.conn.execute(
                "INSERT OR IGNORE INTO assignments (doc, annotator, assigned) VALUES (?, ?, ?)",
                (key, annotator, stamp),
            )
            old = self.conn.execute(
                "SELECT status FROM assignments WHERE doc = ? AND annotator = ?", (key, annotator)
            ).fetchone()[0]
            self.conn.execute(
                "UPDATE assignments SET status = ?, seconds = seconds + ?, "
                "started = coalesce(started, ?), "
                "finished = CASE WHEN ? IN ('done', 'skipped') THEN ? ELSE finished END "
                "WHERE doc = ? AND annotator = ?",
                (status.value, seconds, stamp, status.value, stamp, key, annotator),
            )
            if old != status.value:
                self._log(
                    annotator,
                    "status",
                    key,
                    annotator,
                    before={"status": old},
                    after={"status": status.value},
                )

    def add_time(self, doc_id: str, annotator: str, seconds: float) -> None:
        key = self._doc_key(doc_id)
        with self.transaction():
            self.conn.execute(
                "UPDATE assignments SET seconds = seconds + ? WHERE doc = ? AND annotator = ?",
                (seconds, key, annotator),
            )

    def _assigned_by_lead(self, annotator: str) -> bool:
        """Whether documents were ever given to `annotator` (an `assign` event exists).

        An assignment row alone does not say so: `set_status` creates one in an open
        project, where nobody ran `annotator assign`, and opening one document must not
        hide all the others.
        """
        row = self.conn.execute(
            "SELECT 1 FROM events WHERE action = 'assign' AND layer = ? LIMIT 1", (annotator,)
        ).fetchone()
        return row is not None

    def _queue_filter(
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
        where, params = self._queue_filter(annotator, status, search)
        rows = self.conn.execute(
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
            for index, (doc_id, title, length, state, spans) in enumerate(rows)
        ]

    def queue_count(
        self, annotator: str, *, status: Status | None = None, search: str | None = None
    ) -> int:
        where, params = self._queue_filter(annotator, status, search)
        return self.conn.execute(f"SELECT count(*) {where}", params).fetchone()[0]

    def queue_position(self, annotator: str, doc_id: str) -> int:
        """Index of a document in the unfiltered queue (for 'document n of N')."""
        where, params = self._queue_filter(annotator, None, None)
        sql = f"SELECT count(*) {where} AND d.seq < ?"
        return self.conn.execute(sql, [*params, self._doc_key(doc_id)]).fetchone()[0]

    def unassigned_documents(self) -> list[str]:
        """Ids of documents nobody has been assigned yet, in import order."""
        rows = self.conn.execute(
            "SELECT id FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM assignments a WHERE a.doc = d.seq) ORDER BY seq"
        )
        return [row[0] for row in rows]

    def assignment_counts(self) -> dict[str, int]:
        """Documents assigned per annotator (all statuses)."""
        rows = self.conn.execute(
            "SELECT annotator, count(*) FROM assignments GROUP BY annotator ORDER BY annotator"
        )
        return dict(rows.fetchall())

    def shared_documents(self) -> dict[tuple[str, str], int]:
        """For every pair of annotators, how many documents both are assigned."""
        rows = self.conn.execute(
            "SELECT a.annotator, b.annotator, count(*) FROM assignments a "
            "JOIN assignments b ON a.doc = b.doc AND a.annotator < b.annotator "
            "GROUP BY a.annotator, b.annotator ORDER BY a.annotator, b.annotator"
        )
        return {(a, b): count for a, b, count in rows}

    def assign_many(self, pairs: Iterable[tuple[str, str]], actor: str = "system") -> int:
        """Assign `(doc_id, annotator)` pairs in one transaction; existing ones are kept."""
        stamp = now()
        added = 0
        with self.transaction():
            for doc_id, annotator in pairs:
                self.ensure_layer(annotator)
                key = self._doc_key(doc_id)
                cursor = self.conn.execute(
                    "INSERT OR IGNORE INTO assignments (doc, annotator, assigned) VALUES (?, ?, ?)",
                    (key, annotator, stamp),
                )
                if cursor.rowcount:
                    added += 1
                    self._log(actor, "assign", key, annotator)
        return added

    def finished_by(self, annotators: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Documents that at least two of `annotators` (None: anyone) marked done, with whom."""
        wanted = None if annotators is None else set(annotators)
        rows = self.conn.execute(
            "SELECT d.id, a.annotator FROM assignments a JOIN documents d ON d.seq = a.doc "
            "WHERE a.status = 'done' ORDER BY a.doc, a.annotator"
        )
        finished: dict[str, list[str]] = {}
        for doc_id, annotator in rows:
            if wanted is None or annotator in wanted:
                finished.setdefault(doc_id, []).append(annotator)
        return {doc: names for doc, names in finished.items() if len(names) >= 2}

    def iter_selected_documents(
        self, doc_ids: Iterable[str], layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Like `iter_documents_with_spans`, restricted to some documents (in import order)."""
        wanted = set(doc_ids)
        for document, spans in self.iter_documents_with_spans(layers):
            if document.id in wanted:
                yield document, spans

    def mark_adjudicated(self, doc_id: str, actor: str) -> None:
        """Record that `actor` settled a document's gold layer (`annotator review`).

        A row of the event log, like every other decision: no table to migrate, audited
        for free. Gold may still change afterwards; the mark says someone went through it.
        """
        with self.transaction():
            self._log(actor, "adjudicated", self._doc_key(doc_id), GOLD)

    def adjudicated_documents(self) -> dict[str, str]:
        """Documents marked adjudicated, each with who marked it last."""
        rows = self.conn.execute(
            "SELECT d.id, e.actor FROM events e JOIN documents d ON d.seq = e.doc "
            "WHERE e.action = 'adjudicated' AND e.layer = ? ORDER BY e.id",
            (GOLD,),
        )
        return dict(rows.fetchall())

    # --------------------------------------------------------------------- stats

    def stats(self) -> dict[str, Any]:
        """Counts for `annotator stats`: documents, spans per label/layer, progress."""
        q = self.conn.execute
        progress: dict[str, dict[str, Any]] = {}
        for annotator, status, count, seconds in q(
            "SELECT annotator, status, count(*), sum(seconds) FROM assignments "
            "GROUP BY annotator, status ORDER BY annotator"
        ):
            entry = progress.setdefault(annotator, {s.value: 0 for s in Status} | {"seconds": 0.0})
            entry[status] = count
            entry["seconds"] += seconds or 0.0
        return {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "spans": q("SELECT count(*) FROM spans").fetchone()[0],
            "scheme": self.scheme.qualified_name,
            "spans_per_label": {
                name: count
                for name, count in q(
                    "SELECT label, count(*) FROM spans GROUP BY label ORDER BY label"
                )
            },
            "spans_per_layer": {
                name: count
                for name, count in q(
                    "SELECT layer, count(*) FROM spans GROUP BY layer ORDER BY layer"
                )
            },
            "progress": progress,
        }

    def next_open_document(self, annotator: str, doc_id: str) -> str | None:
        """The next document after `doc_id` in the work queue still todo or in progress.

        Wraps around to the start of the queue; None when every other document is done or
        skipped. Two indexed lookups, however long the queue.
        """
        where, params = self._queue_filter(annotator, None, None)
        key = self._doc_key(doc_id)
        still_open = "AND coalesce(a.status, 'todo') IN ('todo', 'in-progress') AND d.seq"
        for comparison in ("> ?", "< ?"):
            row = self.conn.execute(
                f"SELECT d.id {where} {still_open} {comparison} ORDER BY d.seq LIMIT 1",
                [*params, key],
            ).fetchone()
            if row:
                return row[0]
        return None

    # ------------------------------------------- exports and imports (interchange formats)

    def document_ids(self) -> list[str]:
        """Every document id in import order, without the texts (for splits)."""
        return [row[0] for row in self.conn.execute("SELECT id FROM documents ORDER BY seq")]

    def span_counts_by_layer(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT layer, count(*) FROM spans GROUP BY layer ORDER BY layer")
        return dict(rows.fetchall())

    def label_depths(self, layers: Iterable[str] | None = None) -> dict[str, int]:
        """For each label, the most spans of it covering one character of one document layer.

        An exporter with one tag column per label needs this many columns for the label
        to keep every span (1 when spans of the label never overlap). Streams the span
        rows without the texts.
        """
        sql = 'SELECT doc, layer, label, start, "end" FROM spans'
        params: list[str] = []
        if layers is not None:
            params = sorted(set(layers))
            sql += f" WHERE layer IN ({','.join('?' * len(params))})"
        depths: dict[str, int] = {}
        group: tuple[int, str, str] | None = None
        ends: list[int] = []
        for doc, layer, label, start, end in self.conn.execute(
            sql + ' ORDER BY doc, layer, label, start, "end"', params
        ):
            if (doc, layer, label) != group:
                group, ends = (doc, layer, label), []
            while ends and ends[0] <= start:
                heapq.heappop(ends)
            heapq.heappush(ends, end)
            if len(ends) > depths.get(label, 0):
                depths[label] = len(ends)
        return depths

    def reload_scheme(self) -> None:
        """Forget the cached scheme, e.g. after a rolled-back transaction changed it."""
        self._scheme = None

    # --- merge

    def merge(self, other: str | Path, *, dry_run: bool = False) -> MergeReport:
        """Bring another project file's documents, assignments, spans and events in.

        The rules are `annotator.merge`'s. The other file is only read, never migrated;
        this one is written in one transaction, so a failed merge changes nothing. With
        `dry_run` the report tells what a merge would do, and nothing is written.
        """
        other = Path(other)
        theirs = _read_merge_source(other)
        with self.transaction():
            here = _snapshot(self.conn, self.path.name, texts=False)
            plan = plan_merge(here, theirs, stamp=now(), new_uid=lambda: uuid.uuid4().hex)
            if not dry_run:
                try:
                    self._apply_merge(plan)
                except sqlite3.IntegrityError as exc:
                    raise StoreError(
                        f"{other}: the database refused the merge ({exc}); nothing was merged"
                    ) from exc
        return plan.report

    def _apply_merge(self, plan: MergePlan) -> None:
        """Write a plan: rows in an order that keeps every foreign key satisfied."""
        write = self.conn.executemany
        write(
            "INSERT INTO documents (seq, id, text_hash, text, length, title, source, meta, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            plan.documents,
        )
        write("INSERT INTO annotators (name, created) VALUES (?, ?)", plan.annotators)
        write(
            "INSERT INTO events (id, action, before, after, ref, span_id, uid, ts, actor, doc, "
            "layer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            plan.events,
        )
        write("DELETE FROM spans WHERE id = ?", [(span_id,) for span_id in plan.span_deletes])
        write(
            'INSERT INTO spans (id, doc, layer, start, "end", label, created, updated) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, doc, layer, *span[1:]) for i, doc, layer, span in plan.span_inserts],
        )
        if plan.span_sequence is not None:
            # Ids handed to spans that only live in copied events (added, then deleted) must
            # never be handed out again: undo would bring those spans back under them.
            cursor = self.conn.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'spans'",
                (plan.span_sequence,),
            )
            if not cursor.rowcount:
                self.conn.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('spans', ?)",
                    (plan.span_sequence,),
                )
        write(
            "INSERT INTO assignments (doc, annotator, status, assigned, started, finished, "
            "seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc, annotator, *row) for doc, annotator, row in plan.assignment_inserts],
        )
        write(
            "UPDATE assignments SET status = ?, assigned = ?, started = ?, finished = ?, "
            "seconds = ? WHERE doc = ? AND annotator = ?",
            [(*row, doc, annotator) for doc, annotator, row in plan.assignment_updates],
        )


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _when_free(path: Path, statement: Any) -> Any:
    """Run `statement` (a callable), retrying while other processes hold the lock.

    SQLite waits `BUSY_TIMEOUT_MS` itself on each attempt; between attempts we back off
    with jitter so that many annotators on one shared file do not retry in lockstep. After
    `BUSY_DEADLINE_S` the user gets a StoreError that says what happened, never SQLite's
    bare "database is locked".
    """
    deadline = time.monotonic() + BUSY_DEADLINE_S
    pause = 0.005
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: another process has been writing to this project for over "
                    f"{BUSY_DEADLINE_S:.0f} s (a large import?); nothing was changed, try again"
                ) from exc
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.5)


def _statements(sql: str) -> list[str]:
    """Split a migration on statement boundaries, keeping trigger bodies whole."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _document(row: Any) -> Document:
    doc_id, text, source, meta, created = row
    return Document(id=doc_id, text=text, source=source, meta=json.loads(meta), created=created)


def _span(doc_id: str, row: Any) -> Span:
    span_id, layer, start, end, label, created, updated = row
    return Span(
        id=span_id,
        doc_id=doc_id,
        layer=layer,
        start=start,
        end=end,
        label=label,
        created=created,
        updated=updated,
    )


def _state(span: Span) -> dict[str, Any]:
    return {"id": span.id, "start": span.start, "end": span.end, "label": span.label}


def _span_id(before: dict | None, after: dict | None) -> int | None:
    state = after or before
    return None if state is None else state["id"]


def _read_merge_source(path: Path) -> Snapshot:
    """Read another project file for a merge, read-only, in one read transaction."""
    if not path.is_file():
        raise StoreError(f"{path}: no project here")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
    try:
        conn.execute("BEGIN")  # a consistent picture even while its owner keeps working
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"project", "events", "spans"} <= tables:
            raise StoreError(f"{path}: not an annotator project")
        if version > LATEST:
            raise StoreError(f"{path}: made by a newer annotator (schema {version} > {LATEST})")
        return _snapshot(conn, path.name, texts=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
    finally:
        conn.close()


def _snapshot(conn: sqlite3.Connection, name: str, *, texts: bool) -> Snapshot:
    """Everything a merge compares, from one project connection (texts only if asked)."""
    q = conn.execute
    version = q("PRAGMA user_version").fetchone()[0]
    uid = "uid" if version >= 3 else LEGACY_EVENT_UID  # an older file is read as migrated
    text = "text" if texts else "''"
    scheme = q("SELECT value FROM project WHERE key = 'scheme'").fetchone()
    spans: dict[tuple[int, str], dict[int, SpanRec]] = {}
    for doc, layer, *span in q(
        'SELECT doc, layer, id, start, "end", label, created, updated FROM spans ORDER BY id'
    ):
        spans.setdefault((doc, layer), {})[span[0]] = SpanRec._make(span)
    events = list(
        map(
            EventRow._make,
            q(
                f"SELECT id, action, before, after, ref, span_id, {uid}, ts, actor, doc, layer "
                "FROM events ORDER BY id"
            ),
        )
    )
    sequences = dict(q("SELECT name, seq FROM sqlite_sequence").fetchall())
    return Snapshot(
        name=name,
        scheme_text=scheme[0] if scheme else "",
        documents=list(
            map(
                DocRow._make,
                q(
                    f"SELECT seq, id, text_hash, {text}, length, title, source, meta, created "
                    "FROM documents ORDER BY seq"
                ),
            )
        ),
        annotators=dict(q("SELECT name, created FROM annotators").fetchall()),
        assignments={
            (doc, annotator): AssignmentRow._make(row)
            for doc, annotator, *row in q(
                "SELECT doc, annotator, status, assigned, started, finished, seconds "
                "FROM assignments"
            )
        },
        spans=spans,
        events=events,
        span_sequence=max(
            sequences.get("spans", 0), q("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]
        ),
        event_sequence=max(sequences.get("events", 0), events[-1].id if events else 0),
    )


def _event(row: Any) -> Event:
    event_id, ts, actor, action, doc_id, layer, span_id, before, after, ref = row
    return Event(
        id=event_id,
        ts=ts,
        actor=actor,
        action=action,
        doc_id=doc_id,
        layer=layer,
        span_id=span_id,
        before=json.loads(before) if before else None,
        after=json.loads(after) if after else None,
        ref=ref,
    )
