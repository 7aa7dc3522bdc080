"""The native format: one JSON object per document with every span of every layer.

Lossless by construction: it is exactly what `annotator import` reads, with documents in
import order and spans ordered by layer, start, end and label, so import-then-export
reproduces the file byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from annotator.atomic import atomic_writer
from annotator.exporters import ExportReport
from annotator.store import Store


class JsonlExporter:
    name = "jsonl"
    suffix = ".jsonl"
    represents_overlap = True
    represents_nesting = True

    def export(self, store: Store, target: Path, layers: Iterable[str] | None) -> ExportReport:
        report = ExportReport(target)
        encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        with atomic_writer(target) as out:
            for document, spans in store.iter_documents_with_spans(layers):
                text = document.text
                record = {
                    "id": document.id,
                    "text": text,
                    "source": document.source,
                    "meta": document.meta,
                    "spans": [
                        {
                            "annotator": span.layer,
                            "label": span.label,
                            "start": span.start,
                            "end": span.end,
                            "text": text[span.start : span.end],
                        }
                        for span in spans
                    ],
                }
                out.write(encode(record) + "\n")
                report.documents += 1
                report.spans += len(spans)
        return report
