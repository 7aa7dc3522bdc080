"""doccano sequence-labelling JSONL: `{"id", "text", "label": [[start, end, label], ...]}`.

Offsets are code points by default; `--offsets utf16` writes the UTF-16 units that
doccano's browser front end counts in (its classic emoji shift). Overlapping spans are
written as they are: doccano keeps them only in a project with "Allow overlapping
entity" on, so the export notes how many documents need it. One layer per export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.models import Document, SpanRow
from annotator.offsets import from_codepoints
from annotator.store import Store


def has_overlap(spans: list[SpanRow]) -> bool:
    """Spans come ordered by start: any that starts before the furthest end overlaps."""
    furthest = -1
    for span in spans:
        if span.start < furthest:
            return True
        furthest = max(furthest, span.end)
    return False


class DoccanoPart:
    def __init__(self, path: Path, state: dict[str, Any]) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.state = state
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def add(self, document: Document, spans: list[SpanRow]) -> int:
        text = document.text
        unit = self.state["offsets"]
        labels = [
            [from_codepoints(text, s.start, unit), from_codepoints(text, s.end, unit), s.label]
            for s in spans
        ]
        if has_overlap(spans):
            self.state["overlapping"] += 1
        self.handle.write(self.encode({"id": document.id, "text": text, "label": labels}) + "\n")
        return len(spans)

    def close(self) -> None:
        self.handle.close()


class DoccanoExporter(StreamingExporter):
    name = "doccano"
    suffix = ".jsonl"
    single_layer = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        return {"offsets": options.offsets, "overlapping": 0}

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return DoccanoPart(path, state)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        if state["overlapping"]:
            report.notes.append(
                f"{state['overlapping']} documents have overlapping spans: turn on 'Allow "
                "overlapping entity' in the doccano project, or doccano drops them"
            )
        if state["offsets"] == "codepoint":
            report.notes.append(
                "offsets count code points; doccano counts UTF-16 units for text with emoji "
                "(use --offsets utf16 for a doccano project)"
            )
