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
}


@dataclass
class ExportReport:
    path: Path
    documents: int = 0
    spans: int = 0
    dropped: list[str] = field(default_factory=list)
    """One line per span the format could not hold; empty for a lossless export."""


class Exporter(Protocol):
    name: str
    suffix: str
    represents_overlap: bool
    represents_nesting: bool

    def export(self, store: Store, target: Path, layers: Iterable[str] | None) -> ExportReport:
        """Stream the store into `target` atomically; `layers` None means every layer."""
        ...


def available() -> list[str]:
    names = set(BUILTIN)
    names.update(entry.name for entry in entry_points(group="annotator.exporters"))
    return sorted(names)


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
