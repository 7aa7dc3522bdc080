"""Documents: content-addressed import in bulk, lookups, and streams in import order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.errors import RecordError, StoreError
from annotator.models import GOLD, Document, ImportCounts, NewDocument, SpanRow, check_name
from annotator.store import rows
from annotator.store.connection import Connection, now
from annotator.store.project import Project
from annotator.suggest import Source

TITLE_LENGTH = 120
CHUNK = 400
"""Ids per `IN (...)` lookup: well under SQLite's limit on parameters."""
ORIGINS = tuple(source.value for source in Source)
"""What a span's `origin` may say: the suggestion source it was accepted from."""


def text_hash(text: str) -> str:
    """Content identity of a document: the default id, and the key for deduplication."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def title_of(text: str) -> str:
    """First non-blank line, shortened: what the queue shows without loading the text."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_LENGTH]
    return ""


class Documents:
    """The `documents` and `annotators` tables; document ids to row keys, cached."""

    def __init__(self, db: Connection, project: Project) -> None:
        self.db = db
        self.project = project
        self._keys: dict[str, int] = {}

    def key(self, doc_id: str) -> int:
        """The row key (`seq`) of a document; StoreError when there is none."""
        key = self._keys.get(doc_id)
        if key is None:
            key = self.db.one("SELECT seq FROM documents WHERE id = ?", (doc_id,))
            if key is None:
                raise StoreError(f"no document {doc_id!r}")
            self._keys[doc_id] = key
        return int(key)

    def forget_keys(self) -> None:
        """Drop cached keys: a rolled-back import may have cached keys of its documents."""
        self._keys.clear()

    def ensure_layer(self, layer: str) -> None:
        """Register an annotator on first use; `gold` is a layer, not a person."""
        if layer == GOLD:
            return
        check_name(layer, "annotator name")
        self.db.execute(
            "INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", (layer, now())
        )

    def import_documents(self, batch: list[NewDocument]) -> ImportCounts:
        """See `Store.import_documents`; runs in the facade's transaction."""
        counts = ImportCounts()
        labels = set(self.project.scheme.label_names)
        stamp = now()
        digests = [text_hash(item.text) for item in batch]
        ids = [
            item.id if item.id is not None else digest
            for item, digest in zip(batch, digests, strict=True)
        ]
        known_hash: dict[str, int] = {}
        known_id: dict[str, str] = {}
        for chunk in range(0, len(batch), CHUNK):
            hashes, names = digests[chunk : chunk + CHUNK], ids[chunk : chunk + CHUNK]
            marks = ",".join("?" * len(hashes))
            # Two queries, each on its own unique index (an OR would scan the table).
            for sql, params in (
                (f"SELECT seq, id, text_hash FROM documents WHERE text_hash IN ({marks})", hashes),
                (f"SELECT seq, id, text_hash FROM documents WHERE id IN ({marks})", names),
            ):
                for seq, doc_id, digest in self.db.execute(sql, params):
                    known_hash[digest] = seq
                    known_id[doc_id] = digest
        next_seq = int(self.db.one("SELECT coalesce(max(seq), 0) + 1 FROM documents"))
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
            origins = item.origins
            for index, (layer, start, end, label) in enumerate(item.spans):
                if label not in labels:
                    raise RecordError(
                        item.line,
                        f"unknown label {label!r} (scheme has {', '.join(sorted(labels))})",
                    )
                if not 0 <= start < end <= length:
                    raise RecordError(
                        item.line, f"span {start}-{end} is outside 0-{length} or empty"
                    )
                origin = origins.get(index) if origins else None
                if origin is not None and origin not in ORIGINS:
                    raise RecordError(
                        item.line, f"unknown origin {origin!r} (one of {', '.join(ORIGINS)})"
                    )
                layers.add(layer)
                span_rows.append((seq, layer, start, end, label, stamp, stamp, origin))
        for layer in layers:
            try:
                self.ensure_layer(layer)
            except ValueError as exc:
                raise RecordError(None, str(exc)) from exc
        self.db.executemany(
            "INSERT INTO documents (seq, id, text_hash, text, length, title, source, meta, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            doc_rows,
        )
        before = self.db.total_changes
        self.db.executemany(
            'INSERT OR IGNORE INTO spans (doc, layer, start, "end", label, created, updated,'
            " origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            span_rows,
        )
        counts.spans = self.db.total_changes - before
        return counts

    def document(self, doc_id: str) -> Document:
        row = self.db.execute(
            "SELECT id, text, source, meta, created FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id!r}")
        return rows.document(row)

    def count(self) -> int:
        return int(self.db.one("SELECT count(*) FROM documents"))

    def ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents ORDER BY seq")]

    def iter_documents(self) -> Iterator[Document]:
        for row in self.db.execute(
            "SELECT id, text, source, meta, created FROM documents ORDER BY seq"
        ):
            yield rows.document(row)

    def iter_with_spans(
        self, layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Documents in import order with their spans (see `Store.iter_documents_with_spans`)."""
        return self._walk(layers, "", [])

    def iter_selected(
        self, doc_ids: Iterable[str], layers: Iterable[str] | None = None
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Some documents, in import order, with their spans; unknown ids are ignored.

        SQL does the filtering: the ids become row keys (indexed lookups), and each chunk
        of keys, in order, is one pair of `IN (...)` queries, so the texts of documents
        outside the selection are never read.
        """
        wanted = list(dict.fromkeys(doc_ids))
        keys: list[int] = []
        for chunk in range(0, len(wanted), CHUNK):
            names = wanted[chunk : chunk + CHUNK]
            sql = f"SELECT seq FROM documents WHERE id IN ({','.join('?' * len(names))})"
            keys += [row[0] for row in self.db.execute(sql, names)]
        keys.sort()
        for chunk in range(0, len(keys), CHUNK):
            part = keys[chunk : chunk + CHUNK]
            yield from self._walk(layers, f"IN ({','.join('?' * len(part))})", part)

    def _walk(
        self, layers: Iterable[str] | None, keys: str, params: list[int]
    ) -> Iterator[tuple[Document, list[SpanRow]]]:
        """Two cursors side by side (a merge join): memory stays at one document.

        `keys` (an `IN (...)` test on the document key, or empty) narrows both cursors.
        Spans come as plain rows because they were validated when written.
        """
        wanted = set(layers) if layers is not None else None
        span_rows = self.db.execute(
            'SELECT doc, id, layer, start, "end", label, origin FROM spans '
            + (f"WHERE doc {keys} " if keys else "")
            + 'ORDER BY doc, layer, start, "end", label',
            params,
        )
        pending = next(span_rows, None)
        doc_rows = self.db.execute(
            "SELECT seq, id, text, source, meta, created FROM documents "
            + (f"WHERE seq {keys} " if keys else "")
            + "ORDER BY seq",
            params,
        )
        make_row = SpanRow._make
        for seq, *doc_row in doc_rows:
            spans: list[SpanRow] = []
            while pending is not None and pending[0] <= seq:
                if pending[0] == seq and (wanted is None or pending[2] in wanted):
                    spans.append(make_row(pending[1:]))
                pending = next(span_rows, None)
            yield rows.document(doc_row), spans
