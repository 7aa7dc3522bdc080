"""The native format: one JSON object per document with every span of every layer.

Lossless by construction: it is exactly what `annotator import` reads, with documents in
import order and spans ordered by layer, start, end and label, so import-then-export
reproduces the file byte for byte. A span accepted from a suggestion carries its
`"origin"` (the source); spans made by hand have no such key. A document with relations
has `"relations"`: `{"head": I, "child": J, "label": NAME}`, I and J indexing its `spans`
(sorted by head, child, label, so the order does not depend on ids); a document without
any has no such key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from annotator.exporters import ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.models import Document, RelationRow, SpanRow


def _span(span: SpanRow, text: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "annotator": span.layer,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": text[span.start : span.end],
    }
    if span.origin is not None:
        record["origin"] = span.origin
    return record


class JsonlPart:
    def __init__(self, path: Path) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        text = document.text
        record: dict[str, Any] = {
            "id": document.id,
            "text": text,
            "source": document.source,
            "meta": document.meta,
            "spans": [_span(span, text) for span in spans],
        }
        if relations:  # a record without relations keeps the bytes it always had
            index = {span.id: position for position, span in enumerate(spans)}
            record["relations"] = [
                {"head": head, "child": child, "label": label}
                for head, child, label in sorted(
                    (index[r.head], index[r.child], r.label) for r in relations
                )
            ]
        self.handle.write(self.encode(record) + "\n")
        return len(spans)

    def close(self) -> None:
        self.handle.close()


class JsonlExporter(StreamingExporter):
    name = "jsonl"
    suffix = ".jsonl"
    represents_relations = True

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return JsonlPart(path)
