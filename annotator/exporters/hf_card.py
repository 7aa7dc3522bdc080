"""The dataset card (`README.md`) of the `hf` export: YAML header plus a human summary.

The YAML names the data files per split (`configs`), the features (so JSONL splits load
with their ClassLabels too) and the split sizes; the text gives label counts per split,
the annotators and, when at least two of them finished the same documents, the project's
agreement figures. Nothing in it depends on the clock or the machine: the same project
gives the same card.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from annotator.store import Store


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _feature_yaml(name: str, feature: Any, indent: str) -> list[str]:
    lines = [f"{indent}- name: {_quote(name)}"]
    inner = indent + "  "
    if isinstance(feature, list):
        lines.append(f"{inner}list:")
        for sub_name, sub in feature[0].items():
            lines += _feature_yaml(sub_name, sub, inner)
        return lines
    kind = feature["_type"]
    if kind == "Value":
        lines.append(f"{inner}dtype: {feature['dtype']}")
    elif kind == "ClassLabel":
        lines += [f"{inner}dtype:", f"{inner}  class_label:", f"{inner}    names:"]
        lines += [
            f"{inner}      {_quote(str(number))}: {_quote(label)}"
            for number, label in enumerate(feature["names"])
        ]
    elif kind == "Sequence":
        element = feature["feature"]
        if element["_type"] == "Value":
            lines.append(f"{inner}sequence: {element['dtype']}")
        else:
            lines += [f"{inner}sequence:", f"{inner}  class_label:", f"{inner}    names:"]
            lines += [
                f"{inner}      {_quote(str(number))}: {_quote(label)}"
                for number, label in enumerate(element["names"])
            ]
    return lines


def _configs(formats: tuple[str, ...], splits: list[str]) -> list[str]:
    """The default config reads the first format (`datasets` picks one loader per repo)."""
    lines = ["configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: data/{split}.{formats[0]}"]
    return lines


def _figure(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def _agreement(store: Store) -> list[str]:
    """The agreement section, or nothing when no two annotators finished a document."""
    try:
        from annotator.agreement_report import build_report

        report = build_report(store)
    except Exception:  # agreement is a bonus in the card; the export must not fail on it
        return []
    if not report.documents:
        return []
    lines = [
        "## Agreement",
        "",
        f"On {report.documents} documents finished by at least two annotators "
        f"({report.level} level):",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| span F1, exact | {_figure(report.f1_exact)} |",
        f"| span F1, overlap | {_figure(report.f1_overlap)} |",
        f"| Krippendorff's alpha_u | {_figure(report.alpha_u)} |",
        f"| Fleiss' kappa | {_figure(report.fleiss_kappa)} |",
        f"| Krippendorff's alpha | {_figure(report.krippendorff_alpha)} |",
        "",
    ]
    if report.pairs:
        lines += ["| pair | documents | F1 exact | F1 overlap | kappa |", "| --- | --- | --- |"]
        lines[-1] = "| --- | --- | --- | --- | --- |"
        lines += [
            f"| {pair.a} / {pair.b} | {pair.documents} | {_figure(pair.f1_exact)} | "
            f"{_figure(pair.f1_overlap)} | {_figure(pair.kappa)} |"
            for pair in report.pairs
        ]
        lines.append("")
    return lines


def write_card(path: Path, store: Store, state: Any, sizes: dict[str, int]) -> None:
    scheme = store.scheme
    splits = list(sizes)
    yaml = ["---", f"pretty_name: {_quote(scheme.qualified_name)}"]
    yaml += _configs(state.formats, splits)
    yaml += ["dataset_info:", "  features:"]
    for name, feature in state.features.items():
        yaml += _feature_yaml(name, feature, "  ")
    yaml.append("---")
    counts = state.label_counts
    body = [
        "",
        f"# {scheme.qualified_name}",
        "",
        scheme.description or "Labelled spans exported by annotator.",
        "",
        f"Layer: `{state.layer}`. Offsets are Unicode code points (Python string indices).",
        "",
        "## Splits",
        "",
        "| split | documents | spans |",
        "| --- | --- | --- |",
        *[
            f"| {split} | {sizes[split]} | {sum(counts.get(split, {}).values())} |"
            for split in splits
        ],
        "",
        "## Labels",
        "",
        "| label | " + " | ".join(splits) + " | definition |",
        "| --- | " + " | ".join("---" for _ in splits) + " | --- |",
    ]
    for label in scheme.labels:
        cells = " | ".join(str(counts.get(split, {}).get(label.name, 0)) for split in splits)
        definition = " ".join(label.definition.split()).replace("|", "\\|")
        body.append(f"| {label.name} | {cells} | {definition} |")
    body += [
        "",
        "## Columns",
        "",
        "- `tokens`, `token_starts`, `token_ends`: the project's tokenizer, offsets into `text`.",
        "- `ner_tags`: IOB2 over all labels; where spans overlap, the longest are kept.",
        "- `tags_LABEL`: IOB2 for one label (`#2`, `#3`: further levels where spans of one "
        "label overlap).",
        "- `spans`: every span exactly (`start`, `end`, `label`, `text`).",
        *(
            ["- `relations`: `head` and `child` index `spans`; `label` names the relation."]
            if scheme.relations
            else []
        ),
        "",
    ]
    if len(state.formats) > 1:
        body += [
            f"The same rows are in `data/*.{state.formats[1]}`; load them with the features "
            f"of the {state.formats[0]} files.",
            "",
        ]
    stats = store.stats()
    annotators = {k: v for k, v in stats["spans_per_layer"].items() if k != "gold"}
    if annotators or stats["progress"]:
        body += [
            "## Annotators",
            "",
            "| annotator | spans | documents done |",
            "| --- | --- | --- |",
        ]
        for name in sorted(set(annotators) | set(stats["progress"])):
            done = stats["progress"].get(name, {}).get("done", 0)
            body.append(f"| {name} | {annotators.get(name, 0)} | {done} |")
        body.append("")
    body += _agreement(store)
    path.write_text("\n".join(yaml + body).rstrip("\n") + "\n", encoding="utf-8")
