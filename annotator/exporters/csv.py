"""CSV, one row per span: `document, layer, label, start, end, text` (code points by default).

For spreadsheets and quick counts. Every layer by default; documents without spans have
no row, and document texts are not written (only each span's own text).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
spreadsheet (`=cmd|' /C calc'!A0` runs a program in some): span texts and document ids
come from imported files, so such cells get a leading `'` (OWASP's advice; spreadsheets
show the cell as text) and the count is noted. `--raw-cells` (`CsvOptions.raw_cells`)
writes every cell as stored, for programs that read the file.

An export whose layers hold relations gets a second file beside the first,
`NAME.relations.csv` (`train.relations.csv`... in a split's folder), one row per
relation of the exported layers, its ends given as the spans file gives them:

    document, layer, relation, head_label, head_start, head_end, head_text,
    child_label, child_start, child_end, child_text

with the same neutralised cells. Each file is replaced atomically, the relations file
only once the spans file is in place. Standard output takes one file: there, relations
are reported as dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter, describe_relation, staged
from annotator.exporters.relations import holds_relations
from annotator.models import Document, RelationRow, SpanRow
from annotator.offsets import from_codepoints
from annotator.outputs import OutputKind, resolve_output
from annotator.store import Store

HEADER = ["document", "layer", "label", "start", "end", "text"]
RELATION_HEADER = ["document", "layer", "relation"] + [
    f"{end}_{field}" for end in ("head", "child") for field in ("label", "start", "end", "text")
]
RELATIONS_SUFFIX = ".relations.csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list)."""


@dataclass
class CsvOptions(ExportOptions):
    raw_cells: bool = False
    """Write cells as stored, formulas included (for programs, not spreadsheets)."""


def neutralised(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text: a leading `'` when it would be a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


class CsvState:
    def __init__(self, unit: str, raw: bool) -> None:
        self.unit = unit
        self.raw = raw
        self.neutralised = 0
        self.report: ExportReport | None = None
        self.linked = False
        """The exported layers hold relations: each part writes a relations file too."""
        self.relations_path: Path | None = None
        """Where a one-file export's part writes its relations (staged beside it)."""

    def cell(self, value: str) -> str:
        """`value` as written: neutralised (and counted) unless raw cells were asked for."""
        if self.raw or not value.startswith(FORMULA_STARTS):
            return value
        self.neutralised += 1
        return neutralised(value)

    def dropped(
        self, document: Document, relations: list[RelationRow], spans: dict[int, SpanRow]
    ) -> None:
        """Report relations that have no file to go to (the export goes to a stream)."""
        assert self.report is not None
        for relation in relations:
            self.report.dropped_relations.append(
                describe_relation(
                    document.id,
                    relation,
                    spans,
                    document.text,
                    "csv to a stream holds the spans only (export to a file to get "
                    f"NAME{RELATIONS_SUFFIX} beside it)",
                )
            )


def _lone_cr(row: list[Any]) -> bool:
    """Whether a cell holds a CR but no LF (which the csv module would not quote)."""
    return any(isinstance(c, str) and "\r" in c and "\n" not in c for c in row)


class CsvFile:
    """One CSV file with a header, written row by row."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        # The csv module quotes a cell holding "\n" but not one holding only a lone "\r"
        # when lines end in "\n", and readers then break the row there: such rows are
        # written with every string cell quoted.
        self.quoting = csv.writer(self.handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        self.writer.writerow(header)

    def write(self, rows: list[list[Any]], crs: bool) -> None:
        """`crs`: some cell may hold a CR (the document's text or id does)."""
        if crs:
            for row in rows:
                (self.quoting if _lone_cr(row) else self.writer).writerow(row)
        else:
            self.writer.writerows(rows)


class CsvPart:
    def __init__(self, path: Path, split: str | None, state: CsvState) -> None:
        self.spans = CsvFile(path, HEADER)
        self.state = state
        self.relations: CsvFile | None = None
        if state.linked:
            where = path.with_name(split + RELATIONS_SUFFIX) if split else state.relations_path
            if where is not None:
                self.relations = CsvFile(where, RELATION_HEADER)

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        text = document.text
        unit = self.state.unit
        cell = self.state.cell
        crs = "\r" in text or "\r" in document.id

        def ends(span: SpanRow) -> list[Any]:
            start, end = span.start, span.end
            offsets = [from_codepoints(text, start, unit), from_codepoints(text, end, unit)]
            return [span.label, *offsets, cell(text[start:end])]

        # Layer and label names start with a letter or digit (`check_name`): never formulas.
        self.spans.write([[cell(document.id), s.layer, *ends(s)] for s in spans], crs)
        if relations:
            by_id = {span.id: span for span in spans}
            if self.relations is None:
                self.state.dropped(document, relations, by_id)
            else:
                rows = [
                    [
                        cell(document.id),
                        r.layer,
                        r.label,
                        *ends(by_id[r.head]),
                        *ends(by_id[r.child]),
                    ]
                    for r in sorted(
                        relations,
                        key=lambda r: (r.layer, _at(by_id[r.head]), _at(by_id[r.child]), r.label),
                    )
                ]
                self.relations.write(rows, crs)
        return len(spans)

    def close(self) -> None:
        self.spans.handle.close()
        if self.relations is not None:
            self.relations.handle.close()


def _at(span: SpanRow) -> tuple[int, int, str]:
    return span.start, span.end, span.label


class CsvExporter(StreamingExporter):
    name = "csv"
    suffix = ".csv"
    options_model = CsvOptions
    represents_relations = True

    def __init__(self) -> None:
        self.relations_path: Path | None = None

    def export(
        self,
        store: Store,
        target: Path,
        layers: Iterable[str] | None,
        options: ExportOptions | None = None,
    ) -> ExportReport:
        """The spans file, and beside it (staged the same way) the relations file."""
        self.relations_path = None
        output = resolve_output(target, protect=[store.path])
        one_file = (options is None or options.split is None) and output.kind == OutputKind.FILE
        if not (one_file and holds_relations(store, layers)):
            return super().export(store, target, layers, options)
        beside = output.path.with_name(output.path.name.removesuffix(".csv") + RELATIONS_SUFFIX)
        with staged(beside, protect=[store.path]) as self.relations_path:
            report = super().export(store, target, layers, options)
        report.notes.append(f"relations written to {beside}")
        return report

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        raw = isinstance(options, CsvOptions) and options.raw_cells
        state = CsvState(options.offsets, raw)
        state.report = report
        state.linked = holds_relations(store, layers)
        state.relations_path = self.relations_path
        return state

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return CsvPart(path, split, state)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        if state.neutralised:
            report.notes.append(
                f"{state.neutralised} cells starting with =, +, -, @, tab or CR were written "
                "with a leading ' so that spreadsheets show them as text, not run them as "
                "formulas (--raw-cells writes them as stored)"
            )
