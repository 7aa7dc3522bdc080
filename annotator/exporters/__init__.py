"""The exporter registry: formats by name, loaded only when used.

Built-in formats are listed here as `module:attribute` strings so that listing them costs
no imports; third-party packages add formats through the `annotator.exporters` entry-point
group. Each exporter declares what it can represent (overlap, nesting) and reports what it
had to drop.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
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

    @property
    def lossy(self) -> bool:
        return bool(self.dropped or self.changed)


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
    name: str
    suffix: str
    represents_overlap: bool
    represents_nesting: bool

    def export(
        self,
        store: Store,
        target: Path,
        layers: Iterable[str] | None,
        options: ExportOptions | None = None,
    ) -> ExportReport:
        """Stream the store into `target` atomically; `layers` None means every layer."""
        ...


def available() -> list[str]:
    """Format names: the native `jsonl` first, then the others alphabetically."""
    names = set(BUILTIN)
    names.update(entry.name for entry in entry_points(group="annotator.exporters"))
    names.discard("jsonl")
    return ["jsonl", *sorted(names)]


def get_exporter(name: str) -> Exporter:
    spec = BUILTIN.get(name)
    if spec is None:
        for entry in entry_points(group="annotator.exporters"):
            if entry.name == name:
                return entry.load()()
        raise AnnotatorError(
            f"unknown export format {name!r} (available: {', '.join(available())})"
        )
    module_name, attribute = spec.split(":")
    return getattr(importlib.import_module(module_name), attribute)()
