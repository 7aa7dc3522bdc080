"""The agreement report as tables: headers, rows and formatted cells, built once.

The terminal (`annotator agreement`), the TUI's agreement screen and the HTML report all
show the same tables. They are built here from an `AgreementReport`, with every number
already formatted (three decimals, `n/a` for an undefined coefficient) and its place on
the red-to-green scale, so the three renderers differ only in how they draw a cell: they
cannot drift apart on a header, a rounding or which figure goes in which column.

Cells hold plain strings straight from the data (document titles included); escaping them
(`printable`, HTML) is the renderer's job, because what is unsafe depends on the medium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.agreement_units import NONE_LABEL

if TYPE_CHECKING:
    from annotator.agreement_report import AgreementReport

OVERALL = "overall"
LABELS = "labels"
PAIRS = "pairs"
MATRIX = "matrix"
CONFUSION = "confusion"
DOCUMENTS = "documents"
RELATION_PAIRS = "relation-pairs"
RELATION_LABELS = "relation-labels"


def scale_colour(value: float) -> str:
    """Red at 0 (or below), yellow at 0.5, green at 1: the colour scale of every figure."""
    if math.isnan(value):
        return "#808080"
    x = min(1.0, max(0.0, value))
    if x < 0.5:
        red, green = 220, int(60 + 2 * x * 160)
    else:
        red, green = int(220 - (x - 0.5) * 2 * 170), 200
    return f"#{red:02x}{green:02x}50"


@dataclass(frozen=True)
class Cell:
    """One formatted cell: its text, and how a renderer may colour it."""

    text: str
    heat: float | None = None
    """Place on the red-to-green scale (`scale_colour`); None: not coloured."""
    bold: bool = False
    """A coefficient (drawn strong), as opposed to a count."""
    dim: bool = False
    """Nothing to read here: an undefined figure, a zero count, the matrix diagonal."""
    note: str = ""
    """Shown after the text, subdued: what a figure rests on (a kappa's units)."""

    @property
    def plain(self) -> str:
        return f"{self.text} {self.note}" if self.note else self.text


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = True
    """Right-aligned; the first column (what a row is about) is not."""


@dataclass(frozen=True)
class Table:
    key: str
    """One of OVERALL, LABELS, PAIRS, MATRIX, CONFUSION, DOCUMENTS, RELATION_PAIRS,
    RELATION_LABELS (the last two only when the project holds relations)."""
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    row_keys: list[str] = field(default_factory=list)
    """What each row is about (a label, a pair `a/b`, an annotator, a document id)."""


def figure(value: float, note: str = "") -> Cell:
    """A coefficient: three decimals, or `n/a` when undefined."""
    if math.isnan(value):
        return Cell("n/a", dim=True, note=note)
    return Cell(f"{value:.3f}", heat=value, bold=True, note=note)


def text(value: str) -> Cell:
    return Cell(value)


def count(value: int) -> Cell:
    return Cell(str(value))


def summary(report: AgreementReport) -> str:
    """The sentence above the tables (saying whether suggestions were shown, once a
    project has had any)."""
    found = (
        f"{report.documents} documents finished by 2+ annotators, "
        f"{report.characters} characters; annotators: {', '.join(report.annotators)}"
    )
    if report.suggestions is not None:
        found += (
            f"; suggestions were shown on {report.suggestions} of them"
            if report.suggestions
            else "; no suggestions were shown on them"
        )
    return found


def _first(name: str) -> list[Column]:
    return [Column(name, numeric=False)]


def overall(report: AgreementReport) -> Table:
    pairs = f"{len(report.pairs)} pairs"
    level = report.level
    rows = [
        ("span F1 exact (mean over pairs)", report.f1_exact, pairs),
        ("span F1 overlap (mean over pairs)", report.f1_overlap, pairs),
        (
            "alpha_u, all annotators (chars)",
            report.alpha_u,
            f"{report.alpha_u_documents} documents",
        ),
        (
            f"Fleiss' kappa ({level}s)",
            report.fleiss_kappa,
            f"{report.fleiss_units} units x {report.fleiss_raters} raters",
        ),
        (
            f"Krippendorff's alpha ({level}s)",
            report.krippendorff_alpha,
            f"{report.krippendorff_units} units",
        ),
    ]
    if report.relations is not None:
        rows += [
            ("relation F1 exact (mean over pairs)", report.relations.f1_exact, pairs),
            ("relation F1 lenient (mean over pairs)", report.relations.f1_lenient, pairs),
        ]
    return Table(
        OVERALL,
        "Overall",
        [*_first("measure"), Column("value"), Column("rests on")],
        [[text(name), figure(value), text(basis)] for name, value, basis in rows],
        [name for name, _, _ in rows],
    )


def per_label(report: AgreementReport) -> Table:
    return Table(
        LABELS,
        "Per label",
        [*_first("label"), Column("F1 exact"), Column("F1 overlap"), Column("alpha_u (all)")],
        [
            [
                text(label),
                figure(report.per_label_f1_exact[label]),
                figure(report.per_label_f1_overlap[label]),
                figure(report.per_label_alpha_u[label]),
            ]
            for label in report.labels
        ],
        list(report.labels),
    )


def pairs(report: AgreementReport) -> Table:
    names = ["docs", "F1 exact", "F1 overlap", "P", "R", "alpha_u", f"kappa ({report.level}s)"]
    return Table(
        PAIRS,
        "Annotator pairs",
        [*_first("pair"), *(Column(name) for name in names)],
        [
            [
                text(f"{pair.a} / {pair.b}"),
                count(pair.documents),
                figure(pair.f1_exact),
                figure(pair.f1_overlap),
                figure(pair.precision_overlap),
                figure(pair.recall_overlap),
                figure(pair.alpha_u),
                figure(pair.kappa, note=f"({pair.kappa_units})"),
            ]
            for pair in report.pairs
        ],
        [f"{pair.a}/{pair.b}" for pair in report.pairs],
    )


def pair_matrix(report: AgreementReport) -> Table:
    """Overlap F1 of every pair, both ways round; `—` where there is no pair."""
    scores = {(p.a, p.b): p.f1_overlap for p in report.pairs}
    scores |= {(b, a): value for (a, b), value in scores.items()}
    rows = []
    for a in report.annotators:
        row = [text(a)]
        for b in report.annotators:
            found = scores.get((a, b))
            row.append(Cell("—", dim=True) if found is None else figure(found))
        rows.append(row)
    return Table(
        MATRIX,
        "Pair F1 (overlap)",
        [*_first(""), *(Column(name) for name in report.annotators)],
        rows,
        list(report.annotators),
    )


def confusion(report: AgreementReport) -> Table:
    """Counts; a cell's heat is its share of the row, good on the diagonal, bad off it."""
    labels = report.confusion_labels
    rows = []
    for label, counts in zip(labels, report.confusion, strict=True):
        total = sum(counts) or 1
        row = [text(label)]
        for other, found in zip(labels, counts, strict=True):
            share = found / total
            good = (label == other) == (label != NONE_LABEL)
            if found:
                row.append(Cell(str(found), heat=share if good else 1 - share))
            else:
                row.append(Cell(str(found), dim=True))
        rows.append(row)
    return Table(
        CONFUSION,
        "Label confusion (overlapping spans, rows: one annotator)",
        [*_first(""), *(Column(name) for name in labels)],
        rows,
        list(labels),
    )


def documents(report: AgreementReport, limit: int | None = None) -> Table:
    """Documents, worst first; `limit` keeps the first few."""
    shown = report.per_document if limit is None else report.per_document[:limit]
    title = "Documents, worst first"
    if len(shown) < len(report.per_document):
        title += f" ({len(shown)} of {len(report.per_document)})"
    return Table(
        DOCUMENTS,
        title,
        [
            *_first("document"),
            Column("title", numeric=False),
            Column("annotators", numeric=False),
            Column("spans"),
            Column("F1 overlap"),
            Column("F1 exact"),
        ],
        [
            [
                text(doc.id),
                text(doc.title),
                text(", ".join(doc.annotators)),
                count(doc.spans),
                figure(doc.f1_overlap),
                figure(doc.f1_exact),
            ]
            for doc in shown
        ],
        [doc.id for doc in shown],
    )


def relation_pairs(report: AgreementReport) -> Table:
    """Relation F1 per pair: exact (both spans the same) and lenient (both overlapping)."""
    assert report.relations is not None
    names = ["docs", "relations", "F1 exact", "F1 lenient", "P lenient", "R lenient"]
    return Table(
        RELATION_PAIRS,
        "Relations, annotator pairs (lenient: both spans overlap)",
        [*_first("pair"), *(Column(name) for name in names)],
        [
            [
                text(f"{pair.a} / {pair.b}"),
                count(pair.documents),
                text(f"{pair.relations_a} / {pair.relations_b}"),
                figure(pair.f1_exact),
                figure(pair.f1_lenient),
                figure(pair.precision_lenient),
                figure(pair.recall_lenient),
            ]
            for pair in report.relations.pairs
        ],
        [f"{pair.a}/{pair.b}" for pair in report.relations.pairs],
    )


def relation_labels(report: AgreementReport) -> Table:
    """Relation F1 per relation label, the mean over pairs."""
    assert report.relations is not None
    found = report.relations
    return Table(
        RELATION_LABELS,
        "Relations, per relation",
        [*_first("relation"), Column("F1 exact"), Column("F1 lenient")],
        [
            [
                text(label),
                figure(found.per_label_f1_exact[label]),
                figure(found.per_label_f1_lenient[label]),
            ]
            for label in found.labels
        ],
        list(found.labels),
    )


def report_tables(report: AgreementReport, worst: int | None = None) -> dict[str, Table]:
    """Every table of the report by key, in the order a page shows them."""
    made = [
        overall(report),
        pair_matrix(report),
        pairs(report),
        per_label(report),
        confusion(report),
    ]
    if report.relations is not None:
        made += [relation_pairs(report), relation_labels(report)]
    made.append(documents(report, worst))
    return {table.key: table for table in made}
