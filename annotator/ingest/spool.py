"""Where an import's checked documents wait between parsing and inserting."""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Iterator
from typing import IO

from annotator.models import NewDocument


class Spool:
    """A file's checked documents, kept between parsing and inserting.

    Parsing happens before the write lock and inserting under it, so a file's documents
    wait in between. Up to `MEMORY_BYTES` of text they wait in memory; past that they are
    written, one marshalled record each, to an anonymous temporary file that streams back
    in batches and vanishes when closed (or when the process dies): memory stays flat
    whatever the file's size (a 94 MB JSONL file: 154 MB peak instead of 295 MB), and a
    small file pays nothing for it.
    """

    MEMORY_BYTES = 32 * 1024 * 1024

    def __init__(self) -> None:
        self._held: list[NewDocument] = []
        self._size = 0
        self._file: IO[bytes] | None = None
        self.count = 0

    def add(self, document: NewDocument) -> None:
        self.count += 1
        if self._file is None:
            self._held.append(document)
            self._size += len(document.text)
            if self._size > self.MEMORY_BYTES:
                # Closed by `close`, which the importer calls in a `finally`.
                self._file = tempfile.TemporaryFile(prefix="annotator-import-")  # noqa: SIM115
                for held in self._held:
                    self._write(held)
                self._held = []
            return
        self._write(document)

    def _write(self, document: NewDocument) -> None:
        assert self._file is not None
        fields = (document.text, document.id, document.source, document.meta)
        record = marshal.dumps(
            (*fields, document.spans, document.origins, document.line, document.relations)
        )
        self._file.write(len(record).to_bytes(4, "little"))
        self._file.write(record)

    def batches(self, size: int) -> Iterator[list[NewDocument]]:
        if self._file is None:
            for first in range(0, len(self._held), size):
                yield self._held[first : first + size]
            return
        self._file.seek(0)
        read = self._file.read
        batch: list[NewDocument] = []
        for _ in range(self.count):
            record = read(int.from_bytes(read(4), "little"))
            text, doc_id, source, meta, spans, origins, line, links = marshal.loads(record)
            batch.append(NewDocument(text, doc_id, source, meta, spans, origins, line, links))
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def close(self) -> None:
        self._held = []
        if self._file is not None:
            self._file.close()
