"""Label Studio: a tasks JSON file with one annotation per layer, and its labeling config.

    tasks.json   [{"id", "data": {"text", "doc_id", "source"},
                   "annotations": [{"id", "created_username", "ground_truth", "result": [
                       {"id", "from_name": "label", "to_name": "text", "type": "labels",
                        "value": {"start", "end", "text", "labels": [LABEL]}},
                       {"from_id", "to_id", "type": "relation", "direction": "right",
                        "labels": [RELATION]}]}],
                   "predictions": [...]}]
    config.xml   <View><Labels name="label" toName="text">...</Labels><Text .../>
                 <Relations><Relation value="says"/>...</Relations></View>

Every layer by default: each annotator's layer becomes one annotation (named in
`created_username`), `gold` one marked `ground_truth`, and a layer named `predictions`
goes to `predictions`, as the importer reads them back. Label Studio itself ignores
`created_username` and gives an annotation to the member whose e-mail `completed_by`
names (to the account that imports the file when none is named), so a layer named by
e-mail in the importer's spelling (`bob_at_lab.org`) also gets
`completed_by: {"email": "bob@lab.org"}`; any other annotator's layer is noted, since
Label Studio cannot tell it from the importing account's. Offsets are code points (current
Label Studio); `--offsets utf16` for versions that counted UTF-16 units. Region ids are
hashes of the span, so the same project always gives the same file. A relation is a
`relation` result in its layer's result list, from its head's region to its child's
(`direction: right`), after the regions; the config declares every relation of the
scheme in `<Relations>`.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter
from annotator.exporters.relations import between
from annotator.models import GOLD, Document, RelationRow, SpanRow
from annotator.offsets import from_codepoints
from annotator.store import Store

PREDICTIONS = "predictions"
FROM_NAME = "label"
TO_NAME = "text"
_E_MAIL_LAYER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)_at_([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")
"""A layer the importer made of an e-mail: `@` written `_at_`, a dotted domain after it."""


def layer_e_mail(layer: str) -> str | None:
    """The e-mail a layer stands for (`bob_at_lab.org` -> `bob@lab.org`), else None.

    The inverse of the importer's naming, so that a project imported from Label Studio
    goes back to the same members.
    """
    match = _E_MAIL_LAYER.match(layer)
    return f"{match[1]}@{match[2]}" if match else None


def labeling_config(store: Store) -> str:
    labels = "\n".join(
        f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>"
        for label in store.scheme.labels
    )
    relations = "".join(
        f"    <Relation value={quoteattr(relation.name)} background={quoteattr(relation.color)}/>\n"
        for relation in store.scheme.relations
    )
    return (
        "<View>\n"
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{labels}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        + (f"  <Relations>\n{relations}  </Relations>\n" if relations else "")
        + "</View>\n"
    )


def region_id(doc_id: str, span: SpanRow) -> str:
    key = f"{doc_id}\x00{span.layer}\x00{span.start}\x00{span.end}\x00{span.label}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


class LabelStudioPart:
    def __init__(self, path: Path, unit: str, nameless: set[str], report: ExportReport) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.handle.write("[")
        self.unit = unit
        self.nameless = nameless
        """Annotator layers without an e-mail (shared by the parts, noted at the end)."""
        self.report = report
        self.count = 0
        self.annotations = 0
        self.encode = json.JSONEncoder(ensure_ascii=False, indent=None).encode

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        text = document.text
        unit = self.unit
        by_layer: dict[str, list[dict[str, Any]]] = {}
        regions: dict[int, str] = {}
        for span in spans:
            regions[span.id] = region_id(document.id, span)
            by_layer.setdefault(span.layer, []).append(
                {
                    "id": regions[span.id],
                    "from_name": FROM_NAME,
                    "to_name": TO_NAME,
                    "type": "labels",
                    "value": {
                        "start": from_codepoints(text, span.start, unit),
                        "end": from_codepoints(text, span.end, unit),
                        "text": text[span.start : span.end],
                        "labels": [span.label],
                    },
                }
            )
        for layer, result in by_layer.items():
            mine = [relation for relation in relations if relation.layer == layer]
            result += [
                {
                    "from_id": head,
                    "to_id": child,
                    "type": "relation",
                    "direction": "right",
                    "labels": [label],
                }
                for head, child, label in between(
                    document, spans, mine, regions, self.report, "label-studio"
                )
            ]
        self.count += 1
        annotations, predictions = [], []
        for layer, result in by_layer.items():
            if layer == PREDICTIONS:
                predictions.append({"model_version": PREDICTIONS, "result": result})
                continue
            self.annotations += 1
            annotation: dict[str, Any] = {
                "id": self.annotations,
                "created_username": layer,
                "ground_truth": layer == GOLD,
                "result": result,
            }
            e_mail = layer_e_mail(layer)
            if e_mail is not None:
                annotation["completed_by"] = {"email": e_mail}
            elif layer != GOLD:
                self.nameless.add(layer)
            annotations.append(annotation)
        data: dict[str, Any] = {"text": text, "doc_id": document.id}
        if document.source is not None:
            data["source"] = document.source
        task = {"id": self.count, "data": data, "annotations": annotations}
        if predictions:
            task["predictions"] = predictions
        self.handle.write(("\n" if self.count == 1 else ",\n") + self.encode(task))
        return len(spans)

    def close(self) -> None:
        self.handle.write("\n]\n")
        self.handle.close()


class LabelStudioExporter(StreamingExporter):
    name = "label-studio"
    suffix = ".json"
    folder = True
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        if options.offsets == "utf16":
            report.notes.append("offsets count UTF-16 units (for older Label Studio versions)")
        return {"unit": options.offsets, "config": labeling_config(store), "nameless": set()}

    def part_path(self, root: Path, split: str | None) -> Path:
        return root / f"{split or 'tasks'}.json"

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return LabelStudioPart(path, state["unit"], state["nameless"], report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        (root / "config.xml").write_text(state["config"], encoding="utf-8")
        if state["nameless"]:
            listed = ", ".join(repr(layer) for layer in sorted(state["nameless"]))
            report.notes.append(
                f"no e-mail in the name of layer {listed}: Label Studio gives those "
                "annotations to the account that imports the file (a layer named like "
                "bob_at_lab.org goes to the member bob@lab.org)"
            )
