"""The agreement report: store data in, plain result models out, for CLI, HTML, JSON and TUI.

Only documents that at least two of the selected annotators marked done count, and every
pairwise figure rests on the documents both annotators of that pair finished. The numbers
come from `annotator.agreement` (pure functions); this module gathers span matches per
pair and `annotator.agreement_units` lays documents out as units:

- span F1, exact and overlap, per pair and per label;
- Krippendorff's alpha_u on characters, documents laid end to end as one continuum (as
  INCEpTION does), per pair and over every annotator on the documents all of them finished;
  a rater's overlapping spans of one label are merged first, as alpha_u requires;
- token- (or character-) level Cohen's kappa per pair, Fleiss' kappa and Krippendorff's
  alpha; a unit's value is the set of labels covering it ("O" for none), so overlapping
  labels stay one categorical value;
- a label confusion matrix over overlapping spans of different annotators;
- per-document agreement (mean overlap F1 over pairs), worst first;
- when the project holds relations: relation F1, exact and lenient, per pair and per
  relation label (`annotator.agreement_relations`); `relations` is None otherwise.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator import agreement, agreement_units
from annotator.agreement.relations import End
from annotator.agreement_relations import RelationFigures, RelationTallies
from annotator.agreement_units import NONE_LABEL, Level
from annotator.models import SpanRow
from annotator.store import Store, title_of

__all__ = [
    "NONE_LABEL",
    "AgreementReport",
    "DocumentFigures",
    "Level",
    "PairFigures",
    "RelationFigures",
    "build_report",
]

TITLE_LENGTH = 80
"""A document's title in the report: its first non-blank line, this long at most."""


@dataclass
class PairFigures:
    a: str
    b: str
    documents: int
    f1_exact: float
    f1_overlap: float
    precision_overlap: float
    recall_overlap: float
    alpha_u: float
    kappa: float
    kappa_units: int
    per_label_f1_exact: dict[str, float] = field(default_factory=dict)
    per_label_f1_overlap: dict[str, float] = field(default_factory=dict)
    per_label_alpha_u: dict[str, float] = field(default_factory=dict)


@dataclass
class DocumentFigures:
    id: str
    title: str
    annotators: list[str]
    f1_overlap: float
    f1_exact: float
    spans: int


@dataclass
class AgreementReport:
    level: Level
    annotators: list[str]
    labels: list[str]
    documents: int
    characters: int
    pairs: list[PairFigures]
    f1_exact: float
    f1_overlap: float
    per_label_f1_exact: dict[str, float]
    per_label_f1_overlap: dict[str, float]
    alpha_u: float
    alpha_u_documents: int
    per_label_alpha_u: dict[str, float]
    fleiss_kappa: float
    fleiss_units: int
    fleiss_raters: int
    krippendorff_alpha: float
    krippendorff_units: int
    confusion_labels: list[str]
    confusion: list[list[int]]
    per_document: list[DocumentFigures]
    suggestions: int | None = None
    """Measured documents on which suggestions were shown to an annotator measured (the
    agreement then measures people with the suggestions); None: the project had none."""
    relations: RelationFigures | None = None
    """Relation agreement, when the project holds relations (None: it holds none)."""


class _Gathered:
    """Running sums over the documents, each document read, tokenized and matched once.

    Every figure of the report is a sum over documents (micro-averaged F1, unit counts,
    confusion counts) or needs only a document's merged units (alpha_u), so nothing else is
    kept once a document has been added: the report stays fast and small on tens of
    thousands of documents (issue 4).
    """

    def __init__(self, labels: list[str], level: Level) -> None:
        self.labels = labels
        self.level = level
        self.bits = {label: 1 << index for index, label in enumerate(labels)}
        self.docs: list[agreement_units.ReadDocument] = []
        self.pair_documents: Counter[tuple[str, str]] = Counter()
        self.pair_sums: dict[tuple[str, str], dict[str, list[int]]] = {}
        """(a, b) -> label -> [exact matches, overlap matches, spans of a, spans of b]"""
        self.groups: dict[tuple[str, ...], Counter[tuple[int, ...]]] = {}
        """annotators of a document -> their values per unit -> how many units have them"""
        self.units = 0
        self.confusion_labels = [*labels, NONE_LABEL]
        self.confusion = [[0] * len(self.confusion_labels) for _ in self.confusion_labels]
        self.per_document: list[DocumentFigures] = []

    def add(self, doc_id: str, text: str, spans: dict[str, list[tuple[str, int, int]]]) -> None:
        """One document and every finished annotator's spans, `annotator -> [(label, s, e)]`."""
        names = list(spans)
        by_label = {name: _by_label(spans[name]) for name in names}
        tallies = _tallies(names, by_label)
        exact_f1, overlap_f1 = [], []
        for pair, per_label in tallies.items():
            self.pair_documents[pair] += 1
            sums = self.pair_sums.setdefault(pair, {label: [0, 0, 0, 0] for label in self.labels})
            for label, found in per_label.items():
                total = sums[label]
                for position, count in enumerate(found):
                    total[position] += count
            exact, overlap, n_a, n_b = _totals(per_label.values())
            exact_f1.append(agreement.pair_score(exact, n_a, n_b).f1)
            overlap_f1.append(agreement.pair_score(overlap, n_a, n_b).f1)
        self.per_document.append(
            DocumentFigures(
                id=doc_id,
                title=title_of(text)[:TITLE_LENGTH],
                annotators=names,
                f1_overlap=agreement.nanmean(overlap_f1),
                f1_exact=agreement.nanmean(exact_f1),
                spans=sum(len(found) for found in spans.values()),
            )
        )
        units, columns = agreement_units.unit_columns(
            text, self.level, list(spans.values()), self.bits
        )
        self.units += units
        self.groups.setdefault(tuple(names), Counter()).update(columns)
        agreement_units.confuse(self.confusion, self.confusion_labels, spans)
        merged = {
            name: {label: agreement_units.merged_units(found) for label, found in grouped.items()}
            for name, grouped in by_label.items()
        }
        self.docs.append(agreement_units.ReadDocument(doc_id, len(text), names, merged))


def build_report(
    store: Store,
    *,
    annotators: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    level: Level = "token",
) -> AgreementReport:
    """Gather the documents and compute every figure of the report."""
    wanted_labels = list(labels) if labels is not None else store.scheme.label_names
    label_set = set(wanted_labels)
    finished = store.finished_by(annotators)
    gathered = _Gathered(wanted_labels, level)
    links = RelationTallies(store.scheme.relation_names) if store.relation_usage() else None
    for document, rows in store.iter_selected_documents(finished):
        spans: dict[str, list[tuple[str, int, int]]] = {name: [] for name in finished[document.id]}
        for row in rows:
            kept = spans.get(row.layer)
            if kept is not None and row.label in label_set:
                kept.append((row.label, row.start, row.end))
        gathered.add(document.id, document.text, spans)
        if links is not None:
            links.add(_relations(store, document.id, rows, finished[document.id]))
    docs = gathered.docs
    everyone = sorted({name for doc in docs for name in doc.annotators})
    layouts: dict[tuple[str, ...], agreement_units.Layout] = {}
    pairs = [
        _pair_figures(a, b, gathered, layouts)
        for a, b in itertools.combinations(everyone, 2)
        if gathered.pair_documents[a, b]
    ]
    complete = [doc for doc in docs if len(doc.annotators) == len(everyone)]
    alpha_u, alpha_per_label = agreement_units.alpha_u(
        agreement_units.layout(layouts, complete), everyone, wanted_labels
    )
    fleiss, fleiss_units, fleiss_raters = agreement_units.fleiss(docs, gathered.groups)
    k_alpha, k_units = agreement_units.krippendorff(gathered.units, gathered.groups, everyone)
    per_document = gathered.per_document
    per_document.sort(key=lambda d: (math.inf if math.isnan(d.f1_overlap) else d.f1_overlap, d.id))
    return AgreementReport(
        level=level,
        annotators=everyone,
        labels=wanted_labels,
        documents=len(docs),
        characters=sum(doc.length for doc in docs),
        pairs=pairs,
        f1_exact=agreement.nanmean(pair.f1_exact for pair in pairs),
        f1_overlap=agreement.nanmean(pair.f1_overlap for pair in pairs),
        per_label_f1_exact={
            label: agreement.nanmean(pair.per_label_f1_exact[label] for pair in pairs)
            for label in wanted_labels
        },
        per_label_f1_overlap={
            label: agreement.nanmean(pair.per_label_f1_overlap[label] for pair in pairs)
            for label in wanted_labels
        },
        alpha_u=alpha_u,
        alpha_u_documents=len(complete),
        per_label_alpha_u=alpha_per_label,
        fleiss_kappa=fleiss,
        fleiss_units=fleiss_units,
        fleiss_raters=fleiss_raters,
        krippendorff_alpha=k_alpha,
        krippendorff_units=k_units,
        confusion_labels=gathered.confusion_labels,
        confusion=gathered.confusion,
        per_document=per_document,
        relations=None if links is None else links.figures([(p.a, p.b) for p in pairs]),
        suggestions=store.suggestions.shown_on(finished),
    )


def _relations(
    store: Store, doc_id: str, rows: list[SpanRow], names: list[str]
) -> dict[str, list[tuple[str, End, End]]]:
    """Each finished annotator's relations of one document, ends by offsets and label."""
    ends = {row.id: (row.start, row.end, row.label) for row in rows}
    found: dict[str, list[tuple[str, End, End]]] = {name: [] for name in names}
    for relation in store.relation_rows(doc_id):
        kept = found.get(relation.layer)
        if kept is not None:
            kept.append((relation.label, ends[relation.head], ends[relation.child]))
    return found


def _by_label(spans: list[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for label, start, end in spans:
        grouped.setdefault(label, []).append((start, end))
    return grouped


def _tallies(
    names: list[str], by_label: dict[str, dict[str, list[tuple[int, int]]]]
) -> dict[tuple[str, str], dict[str, tuple[int, int, int, int]]]:
    """Span matches of every pair in one document, per label used by either side.

    Matching never crosses documents or labels, so the micro-averaged F1 of a pair, of a
    label or of a document are all sums of these tallies. A pair where one side marked
    nothing is complete disagreement: its labels are tallied with no match.
    """
    tallies = {}
    for a, b in itertools.combinations(names, 2):
        first, second = by_label[a], by_label[b]
        per_label = {}
        for label in first.keys() | second.keys():
            spans_a, spans_b = first.get(label), second.get(label)
            if spans_a is None or spans_b is None:  # one side never used the label
                per_label[label] = (0, 0, len(spans_a or ()), len(spans_b or ()))
                continue
            exact, overlap = agreement.span_matches(spans_a, spans_b)
            per_label[label] = (exact, overlap, len(spans_a), len(spans_b))
        tallies[a, b] = per_label
    return tallies


def _totals(tallies: Iterable[Sequence[int]]) -> tuple[int, int, int, int]:
    """Tallies of several labels added up: (exact, overlap, n_a, n_b) of the pair overall."""
    exact = overlap = n_a = n_b = 0
    for e, o, x, y in tallies:
        exact, overlap, n_a, n_b = exact + e, overlap + o, n_a + x, n_b + y
    return exact, overlap, n_a, n_b


def _pair_figures(
    a: str, b: str, gathered: _Gathered, layouts: dict[tuple[str, ...], agreement_units.Layout]
) -> PairFigures:
    sums = gathered.pair_sums[a, b]
    exact, overlap, n_a, n_b = _totals(sums.values())
    overlap_score = agreement.pair_score(overlap, n_a, n_b)
    table: Counter[tuple[int, int]] = Counter()
    for group, counts in gathered.groups.items():
        if a in group and b in group:
            i, j = group.index(a), group.index(b)
            for column, count in counts.items():
                table[column[i], column[j]] += count
    units = table.total()
    shared = [doc for doc in gathered.docs if a in doc.annotators and b in doc.annotators]
    alpha, per_label_alpha = agreement_units.alpha_u(
        agreement_units.layout(layouts, shared), [a, b], gathered.labels
    )
    return PairFigures(
        a=a,
        b=b,
        documents=len(shared),
        f1_exact=agreement.pair_score(exact, n_a, n_b).f1,
        f1_overlap=overlap_score.f1,
        precision_overlap=overlap_score.precision,
        recall_overlap=overlap_score.recall,
        alpha_u=alpha,
        kappa=agreement.cohen_kappa_from_counts(table) if units else math.nan,
        kappa_units=units,
        per_label_f1_exact={
            label: agreement.pair_score(e, x, y).f1 for label, (e, _, x, y) in sums.items()
        },
        per_label_f1_overlap={
            label: agreement.pair_score(o, x, y).f1 for label, (_, o, x, y) in sums.items()
        },
        per_label_alpha_u=per_label_alpha,
    )
