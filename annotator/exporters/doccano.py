"""doccano sequence-labelling JSONL: `{"id", "text", "label": [[start, end, label], ...]}`.

Offsets are code points by default; `--offsets utf16` writes the UTF-16 units that
doccano's browser front end counts in (its classic emoji shift). Overlapping spans are
written as they are: doccano keeps them only in a project with "Allow overlapping
entity" on, so the export notes how many documents need it. One layer per export.

When the exported layer holds relations, the export is in doccano's relation shape
instead, the one its relation labelling import reads, every record alike:

    {"id", "text", "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}]}

Entity and relation ids number them within the record; `from_id` is the head's entity.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.exporters.relations import between, holds_relations
from annotator.models import Document, RelationRow, SpanRow
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
    def __init__(self, path: Path, state: dict[str, Any], report: ExportReport) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.state = state
        self.report = report
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        text = document.text
        unit = self.state["offsets"]
        if has_overlap(spans):
            self.state["overlapping"] += 1
        if not self.state["linked"]:
            labels = [
                [from_codepoints(text, s.start, unit), from_codepoints(text, s.end, unit), s.label]
                for s in spans
            ]
            record = {"id": document.id, "text": text, "label": labels}
            self.handle.write(self.encode(record) + "\n")
            return len(spans)
        entities = [
            {
                "id": number,
                "start_offset": from_codepoints(text, s.start, unit),
                "end_offset": from_codepoints(text, s.end, unit),
                "label": s.label,
            }
            for number, s in enumerate(spans)
        ]
        numbers = {span.id: number for number, span in enumerate(spans)}
        links = [
            {"id": number, "from_id": head, "to_id": child, "type": label}
            for number, (head, child, label) in enumerate(
                between(document, spans, relations, numbers, self.report, "doccano")
            )
        ]
        linked: dict[str, Any] = {"id": document.id, "text": text, "entities": entities}
        linked["relations"] = links
        self.handle.write(self.encode(linked) + "\n")
        return len(spans)

    def close(self) -> None:
        self.handle.close()


class DoccanoExporter(StreamingExporter):
    name = "doccano"
    suffix = ".jsonl"
    single_layer = True
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        linked = holds_relations(store, layers)
        if linked:
            report.notes.append(
                "the layer holds relations: written in doccano's relation shape (entities "
                "and relations), for a sequence labelling project with relation labelling on"
            )
        return {"offsets": options.offsets, "overlapping": 0, "linked": linked}

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return DoccanoPart(path, state, report)

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
