"""CSV, one row per span: `document, layer, label, start, end, text` (code points by default).

For spreadsheets and quick counts. Every layer by default; documents without spans have
no row, and document texts are not written (only each span's own text).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.models import Document, SpanRow
from annotator.offsets import from_codepoints
from annotator.store import Store

HEADER = ["document", "layer", "label", "start", "end", "text"]


class CsvPart:
    def __init__(self, path: Path, unit: str) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(HEADER)
        self.unit = unit

    def add(self, document: Document, spans: list[SpanRow]) -> int:
        text = document.text
        self.writer.writerows(
            [
                document.id,
                s.layer,
                s.label,
                from_codepoints(text, s.start, self.unit),
                from_codepoints(text, s.end, self.unit),
                text[s.start : s.end],
            ]
            for s in spans
        )
        return len(spans)

    def close(self) -> None:
        self.handle.close()


class CsvExporter(StreamingExporter):
    name = "csv"
    suffix = ".csv"

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        return options.offsets

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return CsvPart(path, state)
