"""Fixtures for the interop tests: a project holding the formats corpus, and export helpers.

The corpus (tests/data/formats/corpus.jsonl) has overlapping and nested spans, emoji
(with ZWJ sequences and variation selectors), CJK, combining marks, CRLF, tabs and double
spaces, several layers, and a document without spans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.exporters import ExportOptions, ExportReport, get_exporter
from annotator.ingest import import_file
from annotator.store import NewDocument, Store

CORPUS = Path(__file__).resolve().parent.parent / "data" / "formats" / "corpus.jsonl"


@pytest.fixture
def corpus(store: Store) -> Store:
    import_file(store, CORPUS)
    return store


def export(
    store: Store, fmt: str, target: Path, layers: list[str] | None = None, **options: Any
) -> ExportReport:
    return get_exporter(fmt).export(store, target, layers, ExportOptions(**options))


def stored_spans(store: Store, layer: str = "gold") -> dict[str, list[tuple[int, int, str]]]:
    """Document id -> that layer's spans, sorted: what every export must give back."""
    return {
        document.id: sorted((s.start, s.end, s.label) for s in spans)
        for document, spans in store.iter_documents_with_spans([layer])
    }


WHITESPACE_EDGED = {
    "tab": ("\tObservers said the talks failed. ", [("gold", 0, 15, "quote")]),
    "trailing": (
        "Kyiv demands guarantees \n from Moscow. ",
        [("gold", 0, 25, "demand"), ("gold", 24, 30, "guarantor")],  # both hold the "\n"
    ),
    "blank": (
        "Lavrov said   Kyiv must wait. ",
        [("gold", 0, 11, "attribution"), ("gold", 11, 14, "quote")],  # "   " only
    ),
}
"""Spans as imported files often have them: a tab, a space or a line break at an edge."""


def import_whitespace_edged(
    store: Store, tail: str = "", keys: tuple[str, ...] = tuple(WHITESPACE_EDGED)
) -> dict[str, str]:
    """The `WHITESPACE_EDGED` documents named in `keys`, each text followed by `tail`."""
    chosen = {key: WHITESPACE_EDGED[key] for key in keys}
    with store.transaction():
        store.import_documents(
            [
                NewDocument(text=text + tail, id=key, spans=spans)
                for key, (text, spans) in chosen.items()
            ]
        )
    return {key: text + tail for key, (text, _) in chosen.items()}


LINKED = {
    "d1": (
        "Reuters reported that Putin wants Ukraine to cede the eastern Donbas region. 😀 UN "
        "members would guarantee it.",
        [
            ("gold", "Reuters reported", "attribution"),
            ("gold", "cede the eastern Donbas region", "demand"),
            ("gold", "Putin wants Ukraine to cede the eastern Donbas region", "opinion"),
            ("gold", "UN members", "guarantor"),
            ("alice", "Reuters reported", "attribution"),
            ("alice", "cede the eastern Donbas region", "demand"),
        ],
        [(0, 1, "says"), (0, 2, "says"), (3, 1, "guarantees"), (4, 5, "says")],
    ),
    "d2": (
        "“Kyiv must stay\nneutral,” Lavrov said.",
        [
            ("gold", "“Kyiv must stay\nneutral,”", "quote"),
            ("gold", "Kyiv must stay\nneutral", "demand"),
            ("gold", "Lavrov said", "attribution"),
        ],
        [(2, 0, "says"), (2, 1, "says")],
    ),
    "d3": ("Nothing is linked here.", [], []),
}
"""Documents with relations: nested ends, an end after an emoji (UTF-16 offsets differ),
ends across a line break (brat fragments), two layers, a document without spans."""

Linked = tuple[str, str, tuple[int, int, str], tuple[int, int, str], str]
"""A relation as every format must give it back: document, layer, head, child, name."""


def import_linked(store: Store) -> set[Linked]:
    """`LINKED` into the project; returns its relations as `stored_relations` gives them."""
    documents = []
    for doc_id, (text, spans, relations) in LINKED.items():
        placed = [
            (layer, text.index(words), text.index(words) + len(words), label)
            for layer, words, label in spans
        ]
        documents.append(NewDocument(text=text, id=doc_id, spans=placed, relations=relations))
    with store.transaction():
        store.import_documents(documents)
    return stored_relations(store)


def stored_relations(store: Store, layers: tuple[str, ...] | None = None) -> set[Linked]:
    """Every relation of the project (of `layers`) by its spans' offsets and labels."""
    found = set()
    for document in store.iter_documents():
        spans = {s.id: (s.start, s.end, s.label) for s in store.spans(document.id)}
        for relation in store.relation_rows(document.id):
            if layers is None or relation.layer in layers:
                head, child = spans[relation.head], spans[relation.child]
                found.add((document.id, relation.layer, head, child, relation.label))
    return found
