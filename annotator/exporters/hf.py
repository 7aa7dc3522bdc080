"""A Hugging Face dataset folder: Parquet (and/or JSONL) splits and a dataset card.

    README.md                 card: YAML (configs, features, split sizes) + label counts,
                              annotators, agreement figures when the project has them
    data/train.parquet        (validation, test with --split)

Columns per document: `id`, `text`, `source`, `tokens` with `token_starts`/`token_ends`
(code points into `text`), `ner_tags` (one IOB2 sequence over every label, a ClassLabel:
the longest non-overlapping spans), one `tags_LABEL` ClassLabel sequence per label (so
spans of different labels may overlap), `tags_LABEL#2`... when spans of one label
overlap, and `spans`: every span exactly, `{start, end, label, text}` in code points.
When the scheme declares relations, `relations` holds each document's: `{head, child,
label}`, head and child indexing its `spans` list, the label a ClassLabel of the
scheme's relation names.
The `spans` column is lossless; the tag columns are token-level views of it (spans off
token boundaries are widened there, `--align`), and the card says how many. Whitespace at
a span's edges is left out in the tag columns (each such span noted).

Feature metadata is written in the form both `datasets` 3.x and 5.x read: `Sequence`
(which 4.x+ maps to `List`) in the Parquet schema metadata, `sequence:`/`list:` in YAML.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.bio import levels, non_overlapping
from annotator.exporters.common import ALIGN_POLICIES, StreamingExporter, extra_needed
from annotator.exporters.conll import align_document
from annotator.exporters.relations import between
from annotator.models import Document, RelationRow, SpanRow
from annotator.store import Store

ROWS_PER_GROUP = 500
TRIMMED = "in the tag columns (whitespace at its edges; exact in the spans column)"
HF_SPLIT = {"dev": "validation"}
"""Split names as the Hugging Face tools expect them."""


def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _sequence(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "Sequence"}


def _class_label(names: list[str]) -> dict[str, Any]:
    return {"names": names, "_type": "ClassLabel"}


class HfState:
    def __init__(self, store: Store, layers: list[str] | None, options: ExportOptions) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise extra_needed("hf", "hf") from None
        self.pa = pa
        self.pq = pq
        self.formats = options.hf_formats
        self.policy = options.align or "expand"
        self.labels = store.scheme.label_names
        self.relation_names = store.scheme.relation_names
        self.layer = layers[0] if layers else None
        depths = store.label_depths(layers)
        self.columns: list[tuple[str, int, str]] = [
            (label, level, f"tags_{label}" + (f"#{level}" if level > 1 else ""))
            for label in self.labels
            for level in range(1, max(1, depths.get(label, 0)) + 1)
        ]
        self.ner_names = ["O"] + [f"{p}-{label}" for label in self.labels for p in ("B", "I")]
        self.features: dict[str, Any] = {
            "id": _value("string"),
            "text": _value("string"),
            "source": _value("string"),
            "tokens": _sequence(_value("string")),
            "token_starts": _sequence(_value("int64")),
            "token_ends": _sequence(_value("int64")),
            "ner_tags": _sequence(_class_label(self.ner_names)),
            **{
                name: _sequence(_class_label(["O", f"B-{label}", f"I-{label}"]))
                for label, _, name in self.columns
            },
            "spans": [
                {
                    "start": _value("int64"),
                    "end": _value("int64"),
                    "label": _value("string"),
                    "text": _value("string"),
                }
            ],
        }
        if self.relation_names:
            self.features["relations"] = [
                {
                    "head": _value("int64"),
                    "child": _value("int64"),
                    "label": _class_label(self.relation_names),
                }
            ]
        span_type = pa.struct(
            [
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("label", pa.string()),
                ("text", pa.string()),
            ]
        )
        fields = [
            ("id", pa.string()),
            ("text", pa.string()),
            ("source", pa.string()),
            ("tokens", pa.list_(pa.string())),
            ("token_starts", pa.list_(pa.int64())),
            ("token_ends", pa.list_(pa.int64())),
            ("ner_tags", pa.list_(pa.int64())),
            *[(name, pa.list_(pa.int64())) for _, _, name in self.columns],
            ("spans", pa.list_(span_type)),
        ]
        if self.relation_names:
            relation_type = pa.struct(
                [("head", pa.int64()), ("child", pa.int64()), ("label", pa.int64())]
            )
            fields.append(("relations", pa.list_(relation_type)))
        metadata = {"huggingface": json.dumps({"info": {"features": self.features}})}
        self.schema = pa.schema(fields, metadata=metadata)
        self.label_counts: dict[str, Counter[str]] = {}
        self.moved = 0
        self.untokened = 0
        self.outside_ner = 0
        self.overflow = 0


class HfPart:
    def __init__(self, folder: Path, split: str, state: HfState, report: ExportReport) -> None:
        self.state = state
        self.report = report
        self.split = split
        folder.mkdir(parents=True, exist_ok=True)
        self.parquet = None
        self.jsonl = None
        if "parquet" in state.formats:
            self.parquet = state.pq.ParquetWriter(
                folder / f"{split}.parquet", state.schema, compression="zstd"
            )
        if "jsonl" in state.formats:
            self.jsonl = (folder / f"{split}.jsonl").open("w", encoding="utf-8", newline="\n")
        self.rows: dict[str, list[Any]] = {name: [] for name in state.schema.names}
        self.count = 0
        self.counts = state.label_counts.setdefault(split, Counter())

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        state = self.state
        text = document.text
        scratch = ExportReport(Path())
        index, aligned = align_document(
            document, spans, state.policy, scratch, lossy=False, trimmed=TRIMMED
        )
        state.untokened += len(scratch.dropped)
        self.report.notes.extend(scratch.notes)
        state.moved += sum(1 for item in aligned if not item.exact)
        length = len(index)
        starts, ends = list(index.starts), list(index.ends)
        rows = self.rows
        rows["id"].append(document.id)
        rows["text"].append(text)
        rows["source"].append(document.source)
        rows["tokens"].append([text[s:e] for s, e in zip(starts, ends, strict=True)])
        rows["token_starts"].append(starts)
        rows["token_ends"].append(ends)
        label_number = {label: i for i, label in enumerate(state.labels)}
        ner = [0] * length
        kept, rest = non_overlapping(aligned)
        state.outside_ner += len(rest)
        for item in kept:
            begin = 1 + 2 * label_number[item.span.label]
            ner[item.first] = begin
            ner[item.first + 1 : item.last] = [begin + 1] * (item.last - item.first - 1)
        rows["ner_tags"].append(ner)
        columns: dict[str, list[int]] = {}
        names = {(label, level): name for label, level, name in state.columns}
        for item, level in levels(aligned):
            name = names.get((item.span.label, level))
            if name is None:
                state.overflow += 1
                continue
            tags = columns.setdefault(name, [0] * length)
            tags[item.first] = 1
            tags[item.first + 1 : item.last] = [2] * (item.last - item.first - 1)
        for _, _, name in state.columns:
            rows[name].append(columns.get(name) or [0] * length)
        rows["spans"].append(
            [
                {"start": s.start, "end": s.end, "label": s.label, "text": text[s.start : s.end]}
                for s in spans
            ]
        )
        if state.relation_names:
            number = {name: i for i, name in enumerate(state.relation_names)}
            position = {span.id: i for i, span in enumerate(spans)}
            rows["relations"].append(
                [
                    {"head": head, "child": child, "label": number[label]}
                    for head, child, label in between(
                        document, spans, relations, position, self.report, "hf"
                    )
                ]
            )
        for span in spans:
            self.counts[span.label] += 1
        self.count += 1
        if len(rows["id"]) >= ROWS_PER_GROUP:
            self.flush()
        return len(spans)

    def flush(self) -> None:
        rows = self.rows
        if not rows["id"]:
            return
        if self.parquet is not None:
            table = self.state.pa.Table.from_pydict(rows, schema=self.state.schema)
            self.parquet.write_table(table)
        if self.jsonl is not None:
            encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
            names = list(rows)
            for values in zip(*(rows[name] for name in names), strict=True):
                self.jsonl.write(encode(dict(zip(names, values, strict=True))) + "\n")
        for column in rows.values():
            column.clear()

    def close(self) -> None:
        self.flush()
        if self.parquet is not None:
            if not self.count:  # an empty split still gets a file with the schema
                self.parquet.write_table(self.state.schema.empty_table())
            self.parquet.close()
        if self.jsonl is not None:
            self.jsonl.close()


class HfExporter(StreamingExporter):
    name = "hf"
    suffix = ""
    single_layer = True
    folder = True
    align_policies = ALIGN_POLICIES
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        state = HfState(store, layers, options)
        state.store = store  # type: ignore[attr-defined]
        return state

    def part_path(self, root: Path, split: str | None) -> Path:
        return root / "data"

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        name = HF_SPLIT.get(split or "train", split or "train")
        return HfPart(path, name, state, report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        from annotator.exporters.hf_card import write_card

        split_sizes = {
            HF_SPLIT.get(name, name) if name != "all" else "train": count
            for name, count in sizes.items()
        }
        write_card(root / "README.md", state.store, state, split_sizes)
        if state.moved:
            report.notes.append(
                f"{state.moved} spans are off token boundaries: widened in the tag columns "
                f"(--align {state.policy}), exact in the spans column"
            )
        if state.untokened:
            report.notes.append(
                f"{state.untokened} spans cover no whole token: only in the spans column"
            )
        if state.outside_ner:
            report.notes.append(
                f"{state.outside_ner} overlapping spans are not in ner_tags "
                "(they are in the tags_LABEL and spans columns)"
            )
        if state.overflow:
            report.notes.append(
                f"{state.overflow} spans share tokens with another span of their label beyond "
                "the tag columns: only in the spans column"
            )
