"""Readers turn files into documents (with spans); `import_file` stores them file by file.

Every reader streams: it yields `NewDocument`s carrying the line they came from. The
importer reads and checks a whole file first, outside any transaction, then inserts its
documents in batches inside one transaction per input file: the write lock is held for
inserting only, never while parsing, so annotators keep working during a long import. A
bad record stops that file with `file:line: reason` before anything is written, and a
problem found while inserting rolls the whole file back: the database is exactly as it
was before that file. In between, the checked
documents wait in a `Spool` (memory, or a temporary file past 32 MB of text): memory
stays flat whatever the file's size.

Formats: `txt`, `jsonl` (native), `conll` (IOB2/BIOES columns, CoNLL-U), `doccano`,
`brat` (a folder of .txt/.ann pairs, imported as one unit), `label-studio` (JSON or
JSONL tasks), `prodigy`. `detect_format` tells them apart where that is unambiguous.
Labels missing from the project's scheme stop the import with the full list of them,
unless the caller allows adding them (`add_labels`); so do relations the scheme does not
declare (always: a relation's declaration needs its heads and children).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import InputError, RecordError
from annotator.ingest.names import (
    Places,
    extend_scheme_with,
    missing_labels,
    refuse_undeclared,
    unknown_labels_message,
)
from annotator.ingest.spool import Spool
from annotator.models import GOLD, ImportCounts, NewDocument
from annotator.offsets import OFFSET_UNITS
from annotator.store import Store

BATCH_SIZE = 1000
READABLE_SUFFIXES = (".txt", ".jsonl")
"""What a folder is searched for when no format is given."""

Progress = Callable[[int], None]
"""Called with the number of bytes read so far in the current file."""

READERS = {
    "txt": "annotator.ingest:_read_txt",
    "jsonl": "annotator.ingest:_read_native",
    "conll": "annotator.ingest.conll:read_conll",
    "doccano": "annotator.ingest.doccano:read_doccano",
    "brat": "annotator.ingest.brat:read_brat",
    "label-studio": "annotator.ingest.labelstudio:read_label_studio",
    "prodigy": "annotator.ingest.prodigy:read_prodigy",
}
FORMATS = tuple(READERS)
SUFFIXES = {
    "txt": (".txt",),
    "jsonl": (".jsonl",),
    "conll": (".conll", ".conllu", ".conllup", ".iob", ".iob2", ".bio", ".tsv"),
    "doccano": (".jsonl",),
    "brat": (".ann",),
    "label-studio": (".json", ".jsonl"),
    "prodigy": (".jsonl",),
}


@dataclass
class ReadOptions:
    """What a reader needs besides the file; `notes` collects what it skipped on purpose."""

    default_layer: str = GOLD
    offsets: str = "codepoint"
    """How the file counts offsets: `codepoint` or `utf16` (JavaScript tools)."""
    predictions_layer: str = "predictions"
    tag_columns: str | None = None
    """CoNLL: which tag columns to read, into which layers (`2,3=predicted`)."""
    notes: list[str] = field(default_factory=list)
    label_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """label -> `(file, line)` where it first appears, from readers whose documents carry
    no line of their own (brat: the `.ann` line), so a label error can point there."""
    relation_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """The same for relation names (brat: the `R` line)."""


Reader = Callable[[Path, ReadOptions, "Progress | None"], Iterator[NewDocument]]


@dataclass
class FileResult:
    path: str
    counts: ImportCounts = field(default_factory=ImportCounts)
    format: str = "txt"
    added_labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files and folders (searched recursively, sorted) to the files that will be read."""
    return [path for path, _ in plan_imports(paths)]


def plan_imports(paths: Iterable[str | Path], format: str | None = None) -> list[tuple[Path, str]]:
    """What will be read, and as which format: `(path, format)` per import unit.

    A brat folder (one holding `.ann` files, or any folder with `--format brat`) is one
    unit, imported wholly or not at all; other folders are searched recursively for the
    format's files (`.txt` and `.jsonl` when no format is given). A link in a folder to a
    file outside it is refused (InputError); a file named itself is read wherever it is.
    """
    if format is not None and format not in READERS:
        raise InputError(str(format), None, f"unknown format (use one of {', '.join(FORMATS)})")
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if format == "brat" or (format is None and any(path.rglob("*.ann"))):
                found.append((path, "brat"))
                continue
            from annotator.ingest.common import refuse_outside

            suffixes = SUFFIXES[format] if format else READABLE_SUFFIXES
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if file.suffix in suffixes and not file.name.startswith("."):
                    refuse_outside(path, file)
                    found.append((file, format or detect_format(file)))
        elif path.is_file():
            found.append((path, format or detect_format(path)))
        else:
            raise InputError(str(path), None, "no such file or folder")
    return found


def detect_format(path: Path) -> str:
    """The format of a file from its suffix and, for JSON, from its first record."""
    if path.is_dir():
        if any(path.rglob("*.ann")):
            return "brat"
        raise InputError(str(path), None, "a folder without .ann files is not a brat corpus")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "txt"
    if suffix == ".ann":
        return "brat"
    if suffix in SUFFIXES["conll"]:
        return "conll"
    if suffix == ".json":
        return "label-studio"
    if suffix == ".jsonl":
        return _sniff_jsonl(path)
    raise InputError(str(path), None, f"unsupported file type (use --format: {', '.join(FORMATS)})")


def _sniff_jsonl(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    record = json.loads(raw.removeprefix(b"\xef\xbb\xbf"))
                    break
            else:
                return "jsonl"
    except (OSError, ValueError, RecursionError):
        return "jsonl"  # the native reader reports the exact problem
    if not isinstance(record, dict):
        return "jsonl"
    if "data" in record and isinstance(record["data"], dict):
        return "label-studio"
    spans = record.get("spans")
    if "_input_hash" in record or "_task_hash" in record or "tokens" in record:
        return "prodigy"
    if isinstance(spans, list) and any(isinstance(s, dict) and "token_start" in s for s in spans):
        return "prodigy"
    if "entities" in record or isinstance(record.get("label"), list):
        return "doccano"
    return "jsonl"


def _read_txt(path: Path, options: ReadOptions, progress: Progress | None) -> Iterator[NewDocument]:
    from annotator.ingest.text import read_text

    return read_text(path, progress)


def _read_native(
    path: Path, options: ReadOptions, progress: Progress | None
) -> Iterator[NewDocument]:
    from annotator.ingest.jsonl import read_jsonl

    return read_jsonl(path, options.default_layer, progress)


def reader_for(format: str) -> Reader:
    module_name, attribute = READERS[format].split(":")
    reader: Reader = getattr(importlib.import_module(module_name), attribute)
    return reader


def read_file(
    path: Path,
    default_layer: str,
    progress: Progress | None = None,
    *,
    format: str | None = None,
    options: ReadOptions | None = None,
) -> Iterator[NewDocument]:
    options = options or ReadOptions(default_layer=default_layer)
    return reader_for(format or detect_format(path))(path, options, progress)


def import_file(
    store: Store,
    path: Path,
    *,
    default_layer: str = GOLD,
    actor: str = "import",
    progress: Progress | None = None,
    format: str | None = None,
    offsets: str = "codepoint",
    add_labels: bool = False,
    tag_columns: str | None = None,
) -> FileResult:
    """Import one file (or brat folder) in one transaction: wholly in, or wholly out.

    The file is read and checked whole before the write transaction begins: the lock is
    for inserting only, so a slow or huge file never freezes the annotators meanwhile.
    Labels the scheme lacks raise InputError listing all of them (with the line each
    first appears on), unless `add_labels` extends the scheme with them, in the same
    transaction as the documents.
    """
    if offsets not in OFFSET_UNITS:
        raise InputError(str(path), None, f"unknown offset unit {offsets!r}")
    format = format or detect_format(path)
    result = FileResult(str(path), format=format)
    options = ReadOptions(
        default_layer=default_layer, offsets=offsets, notes=result.notes, tag_columns=tag_columns
    )
    documents, places, relations = _parse(path, format, options, progress)
    try:
        refuse_undeclared(store, relations, path)
        missing = missing_labels(store, places)
        if missing and not add_labels:
            file, line = next(iter(missing.values()))
            raise InputError(file, line, unknown_labels_message(missing, path, store))
        with store.transaction():
            store.reload_scheme()  # another process may have changed it since: read it again
            refuse_undeclared(store, relations, path)
            missing = missing_labels(store, places)
            if missing:
                if not add_labels:
                    file, line = next(iter(missing.values()))
                    raise InputError(file, line, unknown_labels_message(missing, path, store))
                extend_scheme_with(store, missing, actor)
                result.added_labels.extend(missing)
            for batch in documents.batches(BATCH_SIZE):
                try:
                    counts = store.import_documents(batch)
                except RecordError as exc:
                    raise InputError(str(path), exc.line, exc.reason) from exc
                result.counts.documents += counts.documents
                result.counts.skipped += counts.skipped
                result.counts.spans += counts.spans
                result.counts.relations += counts.relations
            if result.counts.documents or result.counts.spans or result.counts.relations:
                store.log_import(actor, path.name, result.counts)
    except BaseException:
        store.reload_scheme()
        raise
    finally:
        documents.close()
    return result


def _parse(
    path: Path, format: str, options: ReadOptions, progress: Progress | None
) -> tuple[Spool, Places, Places]:
    """Every document of the file, checked and spooled, and where each label first
    appears, and each relation of documents read without a line of their own (brat).

    Runs before any transaction: a bad record stops the file here, with nothing written.
    """
    spool = Spool()
    places: Places = {}
    relations: Places = {}
    try:
        for document in read_file(
            path, options.default_layer, progress, format=format, options=options
        ):
            problem = _unstorable(document)
            if problem is not None:
                raise InputError(str(path), document.line, problem)
            new = [label for _, _, _, label in document.spans if label not in places]
            if new:
                for label, where in _places(new, path, document, options).items():
                    places.setdefault(label, where)
            if document.line is None:  # elsewhere the store names the record's line
                for _, _, name in document.relations:
                    if name not in relations:
                        relations[name] = options.relation_lines.get(name, (str(path), None))
            spool.add(document)
    except BaseException:
        spool.close()
        raise
    return spool, places, relations


def _places(labels: list[str], path: Path, document: NewDocument, options: ReadOptions) -> Places:
    """Each label with the `(file, line)` an error about it names (brat: its .ann line)."""
    places = {label: (str(path), document.line) for label in labels}
    if document.line is None:
        places.update((k, options.label_lines[k]) for k in places if k in options.label_lines)
    return places


def _unstorable(document: NewDocument) -> str | None:
    """Why SQLite cannot hold the document's id, source or meta faithfully, if it cannot.

    JSON escapes can produce lone surrogates (`"\\ud800"`) and undecodable file names
    become them too (brat ids); UTF-8 cannot encode them. Readers check the text itself.
    """
    where = "" if document.line is not None else f"{document.source}: "
    for what, value in (("id", document.id), ("source", document.source)):
        if value is not None and not _encodes(value):
            return f"{where}the document's {what} {value!r} is not valid Unicode (lone surrogate)"
    if document.meta and not _encodes(json.dumps(document.meta, ensure_ascii=False)):
        return f"{where}the document's meta holds a lone surrogate (not valid Unicode)"
    return None


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
