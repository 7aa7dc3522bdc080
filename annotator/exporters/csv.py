"""CSV, one row per span: `document, layer, label, start, end, text` (code points by default).

For spreadsheets and quick counts. Every layer by default; documents without spans have
no row, and document texts are not written (only each span's own text).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
spreadsheet (`=cmd|' /C calc'!A0` runs a program in some): span texts and document ids
come from imported files, so such cells get a leading `'` (OWASP's advice; spreadsheets
show the cell as text) and the count is noted. `--raw-cells` (`CsvOptions.raw_cells`)
writes every cell as stored, for programs that read the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.models import Document, SpanRow
from annotator.offsets import from_codepoints
from annotator.store import Store

HEADER = ["document", "layer", "label", "start", "end", "text"]
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

    def cell(self, value: str) -> str:
        """`value` as written: neutralised (and counted) unless raw cells were asked for."""
        if self.raw or not value.startswith(FORMULA_STARTS):
            return value
        self.neutralised += 1
        return neutralised(value)


def _lone_cr(row: list[Any]) -> bool:
    """Whether a cell holds a CR but no LF (which the csv module would not quote)."""
    return any(isinstance(c, str) and "\r" in c and "\n" not in c for c in row)


class CsvPart:
    def __init__(self, path: Path, state: CsvState) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        # The csv module quotes a cell holding "\n" but not one holding only a lone "\r"
        # when lines end in "\n", and readers then break the row there: such rows are
        # written with every string cell quoted.
        self.quoting = csv.writer(self.handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        self.writer.writerow(HEADER)
        self.state = state

    def add(self, document: Document, spans: list[SpanRow]) -> int:
        text = document.text
        unit = self.state.unit
        cell = self.state.cell
        # Layer and label names start with a letter or digit (`check_name`): never formulas.
        rows = [
            [
                cell(document.id),
                s.layer,
                s.label,
                from_codepoints(text, s.start, unit),
                from_codepoints(text, s.end, unit),
                cell(text[s.start : s.end]),
            ]
            for s in spans
        ]
        if "\r" in text or "\r" in document.id:
            for row in rows:
                (self.quoting if _lone_cr(row) else self.writer).writerow(row)
        else:
            self.writer.writerows(rows)
        return len(spans)

    def close(self) -> None:
        self.handle.close()


class CsvExporter(StreamingExporter):
    name = "csv"
    suffix = ".csv"
    options_model = CsvOptions

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        raw = isinstance(options, CsvOptions) and options.raw_cells
        return CsvState(options.offsets, raw)

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return CsvPart(path, state)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        if state.neutralised:
            report.notes.append(
                f"{state.neutralised} cells starting with =, +, -, @, tab or CR were written "
                "with a leading ' so that spreadsheets show them as text, not run them as "
                "formulas (--raw-cells writes them as stored)"
            )
