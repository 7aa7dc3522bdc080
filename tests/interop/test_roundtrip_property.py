"""Round trips on generated corpora: export -> import into an empty project -> export again.

For every format that has an importer:

- the imported project holds the generated documents (what the format documents keeping
  of their texts: brat's LF line ends, CoNLL's tokens) and, in each exported
  layer, exactly the generated spans, except those the export reported as dropped or
  changed (its loss report is the format's documented loss); a span moved by alignment
  may come back only in place of a reported change. An exporter that silently drops or
  moves spans fails here, even if it always drops the same ones;
- the second export is byte for byte the first one.

With generated relations (`linked_documents`), every format that holds them gives back
each relation of an exported layer whose spans came back unchanged, reports as dropped
exactly those whose span it dropped, and never invents one (a relation on a span moved
by alignment may come back on its new place); a format that cannot hold relations (conll)
reports every one of them.

The corpora are built from pieces that break naive tools: emoji with ZWJ and variation
selectors, CJK, combining marks, CRLF, tabs, double spaces, typographic quotes; spans
overlap, nest, repeat across labels and start or end anywhere.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotator.exporters import ExportOptions, ExportReport, get_exporter
from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store
from annotator.tokenize import token_spans

PIECES = [
    "Kyiv",
    "NATO",
    "said",
    "must",
    "東京",
    "会議",
    "🕊️",
    "👩‍👩‍👧",
    "🤝",
    "José",
    "Jose\u0301",
    "naïve",
    "“",
    "”",
    ",",
    ".",
    "—",
    "U.S.",
    "don’t",
    "Ünïcödé",
]
GAPS = [" ", " ", " ", "  ", "\t", "\r\n", "\n", ""]
LABELS = ["demand", "guarantor", "quote", "attribution", "opinion"]


@st.composite
def documents(draw: st.DrawFn, layers: tuple[str, ...]) -> list[NewDocument]:
    count = draw(st.integers(1, 3))
    made = []
    for number in range(count):
        pieces = draw(
            st.lists(
                st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), min_size=1, max_size=12
            )
        )
        text = f"doc{number} " + "".join(word + gap for word, gap in pieces)
        bounds = st.integers(0, len(text))
        spans = set()
        for start, end, label, layer in draw(
            st.lists(
                st.tuples(bounds, bounds, st.sampled_from(LABELS), st.sampled_from(layers)),
                max_size=8,
            )
        ):
            if start != end:
                spans.add((layer, min(start, end), max(start, end), label))
        made.append(NewDocument(text=text, id=f"d{number}", spans=sorted(spans)))
    return made


def snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def round_trip(
    fmt: str, docs: list[NewDocument], layers: list[str] | None, **options: object
) -> None:
    _, scheme_text = load_scheme()
    opts = ExportOptions(**options)  # type: ignore[arg-type]
    offsets = opts.offsets
    exporter = get_exporter(fmt)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.create(root / "one.db", scheme_text, "test") as one:
            with one.transaction():
                one.import_documents(docs)
            first = root / f"first{exporter.suffix}"
            report = exporter.export(one, first, layers, opts)
            # Single-layer formats export the gold layer; the others every layer.
        single = getattr(exporter, "single_layer", False)
        exported = ("gold",) if single else ("gold", "alice", "predictions")
        with Store.create(root / "two.db", scheme_text, "test") as two:
            source = first if fmt != "label-studio" else first / "tasks.json"
            import_file(two, source, format=fmt, offsets=offsets)
            check_import(two, docs, exported, report, fmt)
            if any(doc.relations for doc in docs):
                check_relations(two, docs, exported, report, fmt)
            second = root / f"second{exporter.suffix}"
            exporter.export(two, second, layers, opts)
        assert snapshot(second) == snapshot(first)


SpanKey = tuple[str, str, int, int, str]
"""A span as a loss report names it: document id, layer, start, end, label."""


def reported(lines: Iterable[str]) -> set[SpanKey]:
    """Loss report lines (`doc layer start-end label 'text': reason`) as span keys."""
    found = set()
    for line in lines:
        doc_id, layer, bounds, label, _ = line.split(" ", 4)
        start, end = bounds.split("-")
        found.add((doc_id, layer, int(start), int(end), label))
    return found


Bounds = Callable[[int, int], tuple[int, int]]


def view(fmt: str, text: str) -> tuple[object, Bounds]:
    """What survives of a text in `fmt`, as documented, and where a span's bounds go there.

    The first item identifies the document in both projects; the function maps a span of
    `text` to bounds comparable across them. brat writes LF line ends (a CRLF loses its
    CR, a lone CR becomes LF); CoNLL keeps the tokens only (whitespace is rebuilt), so
    bounds become token indices. Other formats keep the text as it is.
    """
    if fmt == "brat":
        removed = [index for index in range(len(text) - 1) if text[index : index + 2] == "\r\n"]

        def lf(offset: int) -> int:
            return offset - bisect.bisect_left(removed, offset)

        return text.replace("\r\n", "\n").replace("\r", "\n"), lambda s, e: (lf(s), lf(e))
    if fmt == "conll":
        tokens = token_spans(text)
        starts, ends = [s for s, _ in tokens], [e for _, e in tokens]
        words = tuple(text[s:e] for s, e in tokens)
        return words, lambda s, e: (bisect.bisect_left(starts, s), bisect.bisect_right(ends, e))
    return text, lambda s, e: (s, e)


def check_import(
    store: Store,
    docs: list[NewDocument],
    layers: tuple[str, ...],
    report: ExportReport,
    fmt: str,
) -> None:
    """The imported project against the generated documents, modulo the loss report.

    Per document and layer: every generated span of an exported layer that the report
    does not name comes back exactly; any other span that comes back stands for a
    reported change (a span moved by token alignment), never more of them than changes.
    """
    # A span can be aligned (changed) and then found to repeat another (dropped): it is
    # dropped.
    dropped = reported(report.dropped)
    changed = reported(report.changed) - dropped
    ids = {doc.id for doc in docs}
    assert {key[0] for key in dropped | changed} <= ids, "losses reported for unknown ids"

    imported = {}
    for document in store.iter_documents():
        key, bounds = view(fmt, document.text)
        assert key not in imported, "two imported documents where one was exported"
        imported[key] = (document.id, bounds)
    assert len(imported) == len(docs)
    for doc in docs:
        key, stored_bounds = view(fmt, doc.text)
        assert key in imported, f"{doc.id}: not imported, or its text changed"
        imported_id, bounds = imported[key]
        got: dict[str, set[tuple[int, int, str]]] = {}
        for span in store.spans(imported_id):
            got.setdefault(span.layer, set()).add((*bounds(span.start, span.end), span.label))
        assert set(got) <= set(layers), f"{doc.id}: spans in layers never exported"
        for layer in layers:
            generated = {(s, e, label) for lay, s, e, label in doc.spans if lay == layer}
            named = {(s, e, lab) for (i, lay, s, e, lab) in dropped if (i, lay) == (doc.id, layer)}
            moved = {(s, e, lab) for (i, lay, s, e, lab) in changed if (i, lay) == (doc.id, layer)}
            assert not (named - generated) and not (moved - generated)
            back = got.get(layer, set())

            def at(
                spans: set[tuple[int, int, str]], bounds: Bounds = stored_bounds
            ) -> set[tuple[int, int, str]]:
                return {(*bounds(start, end), label) for start, end, label in spans}

            kept = at(generated - named - moved)
            assert kept <= back, f"{doc.id} {layer}: spans lost without a report"
            # Anything else imported must be a reported change at its new place (at most
            # one per change): a dropped span that came back, or a span nobody made, fails.
            others = back - kept
            assert len(others) <= len(moved), f"{doc.id} {layer}: unreported spans {others}"


Linked = tuple[object, str, tuple[int, int, str], tuple[int, int, str], str]
"""A relation comparable across projects: document (its `view` key), layer, both ends."""


def check_relations(
    store: Store,
    docs: list[NewDocument],
    layers: tuple[str, ...],
    report: ExportReport,
    fmt: str,
) -> None:
    """The imported relations against the generated ones, modulo the loss report.

    A relation of an exported layer comes back exactly when neither span was reported;
    it is reported dropped (once) when a span of it was dropped; one on a moved span may
    come back at the span's new place, and nothing else may come back.
    """
    dropped = reported(report.dropped)
    changed = reported(report.changed) - dropped
    expected: set[Linked] = set()
    lost = moved = 0
    for doc in docs:
        key, bounds = view(fmt, doc.text)
        for head, child, label in doc.relations:
            layer = doc.spans[head][0]
            if layer not in layers:
                continue
            ends = [(doc.id, *doc.spans[head]), (doc.id, *doc.spans[child])]
            if any(end in dropped for end in ends):
                lost += 1
            elif any(end in changed for end in ends):
                moved += 1
            else:
                first, second = doc.spans[head][1:], doc.spans[child][1:]
                expected.add(
                    (
                        key,
                        layer,
                        (*bounds(*first[:2]), first[2]),
                        (*bounds(*second[:2]), second[2]),
                        label,
                    )
                )
    got: set[Linked] = set()
    for document in store.iter_documents():
        key, bounds = view(fmt, document.text)
        spans = {s.id: (*bounds(s.start, s.end), s.label) for s in store.spans(document.id)}
        for relation in store.relation_rows(document.id):
            got.add(
                (key, relation.layer, spans[relation.head], spans[relation.child], relation.label)
            )
    if not getattr(get_exporter(fmt), "represents_relations", False):
        assert got == set()
        assert len(report.dropped_relations) == len(expected) + lost + moved
        return
    assert expected <= got, f"relations lost without a report: {expected - got}"
    assert len(got - expected) <= moved, f"relations nobody made: {got - expected}"
    assert len(report.dropped_relations) == lost, report.dropped_relations
    assert report.relations == len(expected) + moved


# ROUNDTRIP_EXAMPLES=500 for a long local run
PROPERTY = settings(
    max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("jsonl", {}),
        ("doccano", {}),
        ("doccano", {"offsets": "utf16"}),
        ("prodigy", {}),
        ("brat", {}),
        ("conll", {}),
    ],
)
@PROPERTY
@given(docs=documents(("gold",)))
def test_single_layer_formats_round_trip(
    fmt: str, options: dict[str, object], docs: list[NewDocument]
) -> None:
    round_trip(fmt, docs, None, **options)


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
@PROPERTY
@given(docs=documents(("gold", "alice", "predictions")))
def test_label_studio_round_trips_every_layer(offsets: str, docs: list[NewDocument]) -> None:
    round_trip("label-studio", docs, None, offsets=offsets)


@st.composite
def linked_documents(
    draw: st.DrawFn, layers: tuple[str, ...] = ("gold", "alice")
) -> list[NewDocument]:
    """Generated documents whose spans are linked wherever the default scheme lets them:
    relations of each layer between its spans, of every relation the labels fit."""
    scheme, _ = load_scheme()
    docs = draw(documents(layers))
    for doc in docs:
        pairs = [
            (head, child, relation.name)
            for head, (layer, _, _, head_label) in enumerate(doc.spans)
            for child, (other, _, _, child_label) in enumerate(doc.spans)
            if head != child and layer == other
            for relation in scheme.relations_between(head_label, child_label)
        ]
        if pairs:
            doc.relations = sorted(draw(st.sets(st.sampled_from(pairs), max_size=6)))
    return docs


@PROPERTY
@given(docs=linked_documents())
def test_jsonl_round_trips_relations(docs: list[NewDocument]) -> None:
    """The imported project holds exactly the generated relations (by layer and both spans'
    offsets and labels), and the second export is the first, byte for byte."""
    _, scheme_text = load_scheme()
    exporter = get_exporter("jsonl")

    def relations(
        store: Store,
    ) -> set[tuple[str, str, tuple[int, int, str], tuple[int, int, str], str]]:
        found = set()
        for document in store.iter_documents():
            spans = {s.id: (s.start, s.end, s.label) for s in store.spans(document.id)}
            for relation in store.relations(document.id):
                found.add(
                    (document.id, relation.layer, spans[relation.head], spans[relation.child],
                     relation.label)
                )  # fmt: skip
        return found

    generated = {
        (doc.id, doc.spans[head][0], doc.spans[head][1:], doc.spans[child][1:], label)
        for doc in docs
        for head, child, label in doc.relations
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.create(root / "one.db", scheme_text, "test") as one:
            one.import_documents(docs)
            assert relations(one) == generated
            first = root / "first.jsonl"
            report = exporter.export(one, first, None)
            assert report.relations == len(generated) and not report.lossy
        with Store.create(root / "two.db", scheme_text, "test") as two:
            import_file(two, first)
            assert relations(two) == generated
            assert two.check() == []
            second = root / "second.jsonl"
            exporter.export(two, second, None)
        assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("brat", {}),
        ("doccano", {}),
        ("doccano", {"offsets": "utf16"}),
        ("prodigy", {}),
        ("conll", {}),
    ],
)
@PROPERTY
@given(docs=linked_documents())
def test_single_layer_formats_round_trip_relations(
    fmt: str, options: dict[str, object], docs: list[NewDocument]
) -> None:
    """Relations of the exported layer (gold) come back; conll reports each one lost."""
    round_trip(fmt, docs, None, **options)


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
@PROPERTY
@given(docs=linked_documents(("gold", "alice", "predictions")))
def test_label_studio_round_trips_relations_of_every_layer(
    offsets: str, docs: list[NewDocument]
) -> None:
    round_trip("label-studio", docs, None, offsets=offsets)
