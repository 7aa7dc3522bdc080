"""Readers turn files into documents (with spans); `import_paths` stores them file by file.

Every reader streams: it yields `NewDocument`s carrying the line they came from, and the
importer writes them in batches inside one transaction per input file. A bad record stops
that file with `file:line: reason` and rolls the whole file back, so the database is
exactly as it was before that file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import InputError, RecordError
from annotator.models import GOLD
from annotator.store import ImportCounts, NewDocument, Store

BATCH_SIZE = 1000
READABLE_SUFFIXES = (".txt", ".jsonl")

Progress = Callable[[int], None]
"""Called with the number of bytes read so far in the current file."""


@dataclass
class FileResult:
    path: str
    counts: ImportCounts = field(default_factory=ImportCounts)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files and folders (searched recursively, sorted) to the files that will be read."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in READABLE_SUFFIXES)
            )
        elif path.is_file():
            if path.suffix not in READABLE_SUFFIXES:
                raise InputError(str(path), None, "unsupported file type (use .txt or .jsonl)")
            found.append(path)
        else:
            raise InputError(str(path), None, "no such file or folder")
    return found


def read_file(
    path: Path, default_layer: str, progress: Progress | None = None
) -> Iterator[NewDocument]:
    if path.suffix == ".jsonl":
        from annotator.ingest.jsonl import read_jsonl

        return read_jsonl(path, default_layer, progress)
    from annotator.ingest.text import read_text

    return read_text(path, progress)


def import_file(
    store: Store,
    path: Path,
    *,
    default_layer: str = GOLD,
    actor: str = "import",
    progress: Progress | None = None,
) -> FileResult:
    """Import one file in one transaction: wholly in, or (on InputError) wholly out."""
    result = FileResult(str(path))
    batch: list[NewDocument] = []

    def flush() -> None:
        try:
            counts = store.import_documents(batch)
        except RecordError as exc:
            raise InputError(str(path), exc.line, exc.reason) from exc
        result.counts.documents += counts.documents
        result.counts.skipped += counts.skipped
        result.counts.spans += counts.spans
        batch.clear()

    with store.transaction():
        for document in read_file(path, default_layer, progress):
            batch.append(document)
            if len(batch) >= BATCH_SIZE:
                flush()
        if batch:
            flush()
        if result.counts.documents or result.counts.spans:
            store.log_import(actor, path.name, result.counts)
    return result
