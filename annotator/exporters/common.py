"""What every exporter shares: layer choice, splits, staging, atomic replacement.

An exporter built on `StreamingExporter` opens one *part* per output (one per split, or
just one) and feeds it documents straight from the store's stream, so memory stays at
one document (plus whatever a part buffers, e.g. one DocBin shard). Everything is written
into a staging folder beside the target and renamed into place only when every part
finished: a failed or interrupted export leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, cast

from annotator.atomic import exchange, sweep_stale, temp_prefix
from annotator.errors import AnnotatorError
from annotator.exporters import ExportOptions, ExportReport
from annotator.models import GOLD, Document, RelationRow, SpanRow
from annotator.outputs import OutputError, open_stream, resolve_output
from annotator.split import assign_splits, split_names
from annotator.store import Store

MARKER = ".annotator-export"
"""Left in every folder an export writes, so that a re-export may replace that folder."""

ALIGN_POLICIES = ("expand", "contract", "strict")


class Part(Protocol):
    """One output (a file, or a folder) receiving documents in order."""

    def add(self, document: Document, spans: list[SpanRow]) -> int:
        """Write one document; returns how many of its spans were written."""
        ...

    def close(self) -> None:
        """Finish the output (called only when every document was added)."""
        ...


class RelationPart(Protocol):
    """A part of a format that holds relations (`represents_relations`): the driver
    passes each document's relations along, those between the spans passed only."""

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        """Write one document with its relations; returns how many spans were written."""
        ...

    def close(self) -> None: ...


def describe_relation(
    doc_id: str, relation: RelationRow, spans: dict[int, SpanRow], text: str, reason: str
) -> str:
    """One line of a loss report for a relation: its layer, name and both ends."""

    def end(span_id: int) -> str:
        span = spans.get(span_id)
        if span is None:
            return f"span {span_id}"
        return f"{span.start}-{span.end} {span.label} {text[span.start : span.end]!r}"

    return (
        f"{doc_id} {relation.layer} relation {relation.label}: {end(relation.head)} -> "
        f"{end(relation.child)}: {reason}"
    )


def describe(doc_id: str, span: SpanRow, text: str, reason: str) -> str:
    """One line of a loss report: enough to find the span in the project."""
    return (
        f"{doc_id} {span.layer} {span.start}-{span.end} {span.label} "
        f"{text[span.start : span.end]!r}: {reason}"
    )


def extra_needed(name: str, extra: str) -> AnnotatorError:
    return AnnotatorError(
        f"the {name} export needs the optional dependencies: pip install 'annotator[{extra}]'"
    )


class StreamingExporter:
    """Base of the built-in exporters; subclasses say what a part is."""

    name = ""
    suffix = ""
    folder = False
    """True when the output is a folder even without a split."""
    options_model: type[ExportOptions] | None = ExportOptions
    represents_overlap = True
    """False: the driver drops spans that cross a kept one, and reports each."""
    represents_nesting = True
    """False: the driver drops spans inside a kept one, and reports each."""
    represents_relations = False
    """True: parts are `RelationPart`s and get each document's relations; False: the
    driver reports every relation as dropped."""
    single_layer = False
    """True when the format holds one layer: the default is then `gold`, never `all`."""
    default_align = "expand"
    align_policies: tuple[str, ...] = ()

    # ------------------------------------------------------------------ hooks

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        """Shared state for every part (a tokenizer, column layout...); runs first."""
        return None

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Part:
        raise NotImplementedError

    def part_path(self, root: Path, split: str | None) -> Path:
        """Where a part goes: the staged target itself, or a file per split inside it."""
        if split is None:
            return root
        return root / f"{split}{self.suffix}"

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        """Write what depends on the whole export (a dataset card, a config); runs last."""

    # ------------------------------------------------------------------ driver

    def export(
        self,
        store: Store,
        target: Path,
        layers: Iterable[str] | None,
        options: ExportOptions | None = None,
    ) -> ExportReport:
        options = options or ExportOptions()
        if options.align is not None and options.align not in self.align_policies:
            allowed = ", ".join(self.align_policies) or "none"
            raise AnnotatorError(
                f"--align {options.align}: the {self.name} export supports {allowed}"
            )
        report = ExportReport(target)
        chosen = self.resolve_layers(store, layers, report)
        state = self.begin(store, chosen, options, report)
        splits: dict[str, str] | None = None
        names: tuple[str | None, ...] = (None,)
        if options.split is not None:
            splits = assign_splits(store.document_ids(), options.split, options.seed)
            names = split_names(options.split)
        sizes = {name or "all": 0 for name in names}
        folder = self.folder or splits is not None
        linked = bool(store.relation_usage())  # no query per document without relations
        with staged(target, protect=[store.path], folder=folder) as root:
            if folder:
                root.mkdir()
            parts = {
                name: self.open_part(self.part_path(root, name), name, state, report)
                for name in names
            }
            for document, spans in store.iter_documents_with_spans(chosen):
                stored = spans
                if not (self.represents_overlap and self.represents_nesting):
                    spans = self.representable(document, spans, report)
                name = splits[document.id] if splits is not None else None
                relations = (
                    self.linked(store, document, stored, spans, chosen, report) if linked else []
                )
                if self.represents_relations:
                    holder = cast(RelationPart, parts[name])
                    lost = len(report.dropped_relations)  # a part may drop an end itself
                    report.spans += holder.add(document, spans, relations)
                    lost = len(report.dropped_relations) - lost
                    report.relations += len(relations) - lost
                else:
                    report.spans += parts[name].add(document, spans)
                report.documents += 1
                sizes[name or "all"] += 1
            for part in parts.values():
                part.close()
            self.finish(root, state, report, sizes)
            if root.is_dir():  # a folder by option, by split, or by shards
                (root / MARKER).write_text(f"{self.name}\n", encoding="utf-8")
        if splits is not None:
            report.notes.append(
                "split: " + ", ".join(f"{name} {count}" for name, count in sizes.items())
            )
        return report

    def linked(
        self,
        store: Store,
        document: Document,
        stored: list[SpanRow],
        spans: list[SpanRow],
        layers: list[str] | None,
        report: ExportReport,
    ) -> list[RelationRow]:
        """The document's relations this format holds (of the exported layers, between
        spans it kept); every other one is listed as dropped."""
        kept = {span.id for span in spans}
        by_id = {span.id: span for span in stored}
        wanted = None if layers is None else set(layers)
        relations = []
        for relation in store.relation_rows(document.id):
            if wanted is not None and relation.layer not in wanted:
                continue
            if not self.represents_relations:
                reason = f"relations are not representable in {self.name}"
            elif relation.head not in kept or relation.child not in kept:
                reason = f"one of its spans is not representable in {self.name}"
            else:
                relations.append(relation)
                continue
            report.dropped_relations.append(
                describe_relation(document.id, relation, by_id, document.text, reason)
            )
        return relations

    def representable(
        self, document: Document, spans: list[SpanRow], report: ExportReport
    ) -> list[SpanRow]:
        """The spans the format can hold, per layer; the others are listed as dropped.

        Longer spans are kept first (then earlier ones), so an outer span survives the
        spans inside or across it.
        """
        order = sorted(
            range(len(spans)),
            key=lambda i: (spans[i].start - spans[i].end, spans[i].start, i),
        )
        kept: list[int] = []
        for i in order:
            span = spans[i]
            clash = next((spans[k] for k in kept if self._clash(spans[k], span)), None)
            if clash is None:
                kept.append(i)
                continue
            what = "nested" if _inside(span, clash) else "overlapping"
            report.dropped.append(
                describe(
                    document.id,
                    span,
                    document.text,
                    f"{what} spans are not representable in {self.name} "
                    f"(it meets {clash.start}-{clash.end} {clash.label})",
                )
            )
        return [spans[i] for i in sorted(kept)]

    def _clash(self, kept: SpanRow, span: SpanRow) -> bool:
        """True when `span` cannot sit beside `kept` in this format (same layer only)."""
        if kept.layer != span.layer or not (kept.start < span.end and span.start < kept.end):
            return False
        if _inside(span, kept) or _inside(kept, span):
            return not self.represents_nesting
        return not self.represents_overlap

    def resolve_layers(
        self, store: Store, layers: Iterable[str] | None, report: ExportReport
    ) -> list[str] | None:
        """`None`/`all` is every layer; a one-layer format defaults to gold and takes one."""
        wanted = None if layers is None else list(dict.fromkeys(layers))
        if wanted is not None and "all" in wanted:
            wanted = None
        if not self.single_layer:
            if wanted is not None:
                counts = store.span_counts_by_layer()
                for layer in wanted:
                    if not counts.get(layer):
                        report.notes.append(
                            f"layer {layer!r} has no spans (layers with spans: "
                            f"{_layer_list(counts)})"
                        )
            return wanted
        if layers is None:
            wanted = [GOLD]
        if wanted is None or len(wanted) != 1:
            counts = store.span_counts_by_layer()
            raise AnnotatorError(
                f"the {self.name} format holds one layer; choose it with --layer "
                f"(layers with spans: {_layer_list(counts)})"
            )
        counts = store.span_counts_by_layer()
        if not counts.get(wanted[0]):
            report.notes.append(
                f"layer {wanted[0]!r} has no spans (layers with spans: {_layer_list(counts)}); "
                "choose another with --layer"
            )
        return wanted


def _inside(inner: SpanRow, outer: SpanRow) -> bool:
    """Strictly inside: two spans on the same characters overlap, neither nests."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (inner.start, inner.end) != (outer.start, outer.end)
    )


def _layer_list(counts: dict[str, int]) -> str:
    return ", ".join(f"{layer} ({count})" for layer, count in counts.items()) or "none"


# ---------------------------------------------------------------------- staging


def _check_replaceable(target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        entries = list(target.iterdir())
        if entries and not (target / MARKER).is_file():
            raise AnnotatorError(
                f"{target} is a folder holding other files; export to a new path "
                "(an export only replaces a folder that an earlier export wrote)"
            )


def _fsync_tree(path: Path) -> None:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for file in files:
        with file.open("rb") as handle:
            os.fsync(handle.fileno())


@contextmanager
def staged(target: Path, *, protect: Iterable[Path] = (), folder: bool = False) -> Iterator[Path]:
    """Yield a path in a staging folder beside `target`; move it onto `target` on success.

    The target is checked first (`annotator.outputs`): the project in `protect` is refused
    under any name. A file replaces a file atomically; a symlink is followed, so the file
    it names is replaced and the link stays. A folder replaces an earlier export's folder
    in one atomic exchange where the system has one (Linux), else with two renames (the
    old one is removed only after the new one is in place). A device, FIFO or standard
    output is never replaced: the finished file is copied into it. Staging left by a
    killed export is removed first.
    """
    output = resolve_output(target, protect=protect)
    if not output.replaceable and folder:
        raise OutputError(f"{target}: this export writes a folder; name a folder to write")
    if output.replaceable:
        target = output.path
        _check_replaceable(target)
    home = target.parent if output.replaceable else Path(tempfile.gettempdir())
    home.mkdir(parents=True, exist_ok=True)
    if output.replaceable:
        sweep_stale(target)
    stage = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=home))
    try:
        built = stage / "new"
        yield built
        if not built.exists():
            built.touch()
        if not output.replaceable:
            if built.is_dir():
                raise OutputError(f"{target}: this export wrote a folder; name a folder to write")
            with built.open("rb") as source, open_stream(output, "wb") as sink:
                shutil.copyfileobj(source, sink)
            return
        _fsync_tree(built)
        _check_replaceable(target)
        if target.is_dir() and not target.is_symlink():
            if not exchange(built, target):
                os.rename(target, stage / "old")
                os.replace(built, target)
        else:
            if target.exists() and built.is_dir():
                os.replace(target, stage / "old")
            os.replace(built, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
