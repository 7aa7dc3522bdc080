"""The exporter registry: formats by name, loaded only when used.

Built-in formats are listed here as `module:attribute` strings so that listing them costs
no imports; third-party packages add formats through the `annotator.exporters` entry-point
group. Each exporter declares (`Exporter`) whether it writes a folder, which options it
takes and what it can represent (overlap, nesting); the export command reads those
declarations, and what a format cannot hold is dropped and reported, never lost silently.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from annotator.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.store import Store

BUILTIN: dict[str, str] = {
    "jsonl": "annotator.exporters.jsonl:JsonlExporter",
    "spacy": "annotator.exporters.spacy:SpacyExporter",
    "hf": "annotator.exporters.hf:HfExporter",
    "conll": "annotator.exporters.conll:ConllExporter",
    "brat": "annotator.exporters.brat:BratExporter",
    "label-studio": "annotator.exporters.labelstudio:LabelStudioExporter",
    "doccano": "annotator.exporters.doccano:DoccanoExporter",
    "prodigy": "annotator.exporters.prodigy:ProdigyExporter",
    "csv": "annotator.exporters.csv:CsvExporter",
}


@dataclass
class ExportReport:
    path: Path
    documents: int = 0
    spans: int = 0
    dropped: list[str] = field(default_factory=list)
    """One line per span the format could not hold; empty for a lossless export."""
    changed: list[str] = field(default_factory=list)
    """One line per span written with other offsets than stored (token alignment)."""
    notes: list[str] = field(default_factory=list)
    """What the user should know that loses nothing (e.g. spans kept out of `ner_tags`)."""
    relations: int = 0
    """Relations written (by a format that represents them)."""
    dropped_relations: list[str] = field(default_factory=list)
    """One line per relation the format could not hold (or whose span it dropped)."""

    @property
    def lossy(self) -> bool:
        return bool(self.dropped or self.changed or self.dropped_relations)


@dataclass
class ExportOptions:
    """Settings for one export; each format reads the ones that concern it."""

    offsets: str = "codepoint"
    """`codepoint` (Python, our own) or `utf16` (JavaScript tools: doccano, old Label Studio)."""
    split: tuple[float, ...] | None = None
    """Train/dev/test ratios; None writes one output."""
    seed: int = 0
    lang: str = "en"
    """spaCy language of `spacy.blank(lang)`, which tokenizes the spaCy export."""
    spans_key: str = "sc"
    align: str | None = None
    """Token alignment of spans: split (spaCy), expand, contract or strict; None: default."""
    shard_docs: int = 2000
    """spaCy: documents per DocBin file; a larger export becomes a folder of shards."""
    hf_formats: tuple[str, ...] = ("parquet",)


class Exporter(Protocol):
    """What the export command needs to know of a format, declared rather than probed."""

    name: str
    suffix: str
    """The file suffix of a one-file export (and of each split's file in a folder)."""
    folder: bool
    """True when the output is a folder even without a split (brat, hf, label-studio)."""
    options_model: type[ExportOptions] | None
    """The options `export` takes as its fourth argument; None: it is called without."""
    represents_overlap: bool
    """False: spans that cross another span are dropped, each listed in the report."""
    represents_nesting: bool
    """False: spans inside another span are dropped, each listed in the report."""
    represents_relations: bool
    """False (the `StreamingExporter` default): relations are dropped, each listed in the
    report; True: its parts receive each document's relations (`RelationPart`)."""

    def export(
        self,
        store: Store,
        target: Path,
        layers: Iterable[str] | None,
        options: ExportOptions | None = None,
    ) -> ExportReport:
        """Stream the store into `target` atomically; `layers` None means every layer."""
        ...


DECLARED = ("name", "suffix", "folder", "options_model", "represents_overlap", "represents_nesting")
"""The attributes every exporter declares (checked when a format is loaded)."""


def run_export(
    exporter: Exporter,
    store: Store,
    target: Path,
    layers: Iterable[str] | None,
    options: ExportOptions,
) -> ExportReport:
    """Export with the options the exporter declares it takes (none, or its model)."""
    if exporter.options_model is None:
        return exporter.export(store, target, layers)
    if not isinstance(options, exporter.options_model):
        options = exporter.options_model(**vars(options))
    return exporter.export(store, target, layers, options)


def options_for(exporter: Exporter, options: ExportOptions, **specific: object) -> ExportOptions:
    """`options` as the exporter's own model, with values only that format takes.

    A format declares its own settings by subclassing `ExportOptions` (e.g. `CsvOptions`
    adds `raw_cells`); a value its model does not declare is refused, never ignored.

    Raises:
        AnnotatorError: naming the values the format does not take.
    """
    model = exporter.options_model or ExportOptions
    declared = {item.name for item in fields(model)}
    unknown = [name for name in specific if name not in declared]
    if unknown:
        raise AnnotatorError(f"the {exporter.name} export takes no {', '.join(unknown)} option")
    return model(**{**vars(options), **specific})


def available() -> list[str]:
    """Format names: the native `jsonl` first, then the others alphabetically."""
    names = set(BUILTIN)
    names.update(entry.name for entry in entry_points(group="annotator.exporters"))
    names.discard("jsonl")
    return ["jsonl", *sorted(names)]


def get_exporter(name: str) -> Exporter:
    """The exporter registered as `name`; AnnotatorError when none is, or it declares too little."""
    spec = BUILTIN.get(name)
    if spec is None:
        for entry in entry_points(group="annotator.exporters"):
            if entry.name == name:
                return _checked(name, entry.load()())
        raise AnnotatorError(
            f"unknown export format {name!r} (available: {', '.join(available())})"
        )
    module_name, attribute = spec.split(":")
    return _checked(name, getattr(importlib.import_module(module_name), attribute)())


def _checked(name: str, exporter: Exporter) -> Exporter:
    missing = [attribute for attribute in DECLARED if not hasattr(exporter, attribute)]
    if missing:
        raise AnnotatorError(
            f"the {name} exporter does not declare {', '.join(missing)} "
            "(see annotator.exporters.Exporter)"
        )
    return exporter
