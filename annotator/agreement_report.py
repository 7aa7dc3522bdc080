"""The agreement report: store data in, plain result models out, for CLI, HTML, JSON and TUI.

Only documents that at least two of the selected annotators marked done count, and every
pairwise figure rests on the documents both annotators of that pair finished. The numbers
come from `annotator.agreement` (pure functions); this module only gathers units:

- span F1, exact and overlap, per pair and per label;
- Krippendorff's alpha_u on characters, documents laid end to end as one continuum (as
  INCEpTION does), per pair and over every annotator on the documents all of them finished;
  a rater's overlapping spans of one label are merged first, as alpha_u requires;
- token- (or character-) level Cohen's kappa per pair, Fleiss' kappa and Krippendorff's
  alpha; a unit's value is the set of labels covering it ("O" for none), so overlapping
  labels stay one categorical value;
- a label confusion matrix over overlapping spans of different annotators;
- per-document agreement (mean overlap F1 over pairs), worst first.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from annotator import agreement
from annotator.store import Store
from annotator.tokenize import TokenIndex

NONE_LABEL = "∅"
"""Confusion-matrix row/column for a span the other annotator did not mark at all."""

Level = Literal["token", "char"]


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


@dataclass
class _Doc:
    id: str
    title: str
    length: int
    annotators: list[str]
    spans: dict[str, list[tuple[str, int, int]]]
    """annotator -> (label, start, end)"""
    values: dict[str, list[int]]
    """annotator -> per unit (token or character), the bit mask of the labels covering it"""
    exact: agreement.SpanF1
    overlap: agreement.SpanF1
    counts: Counter[tuple[str, str]]
    """(annotator, label) -> spans, for pairs span_f1 never sees (one side marked nothing)"""


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
    bits = {label: 1 << index for index, label in enumerate(wanted_labels)}
    finished = store.finished_by(annotators)
    docs: list[_Doc] = []
    for document, rows in store.iter_selected_documents(finished):
        names = finished[document.id]
        spans: dict[str, list[tuple[str, int, int]]] = {name: [] for name in names}
        for row in rows:
            if row.layer in spans and row.label in label_set:
                spans[row.layer].append((row.label, row.start, row.end))
        text = document.text
        if level == "token":
            index = TokenIndex(text)
            starts, ends = list(index.starts), list(index.ends)
        else:
            starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
        values = {name: _unit_values(starts, ends, spans[name], bits) for name in names}
        # Span F1 once per document: matching never crosses documents, so the micro figures
        # of a pair are sums of these per-document tallies.
        flat = [(name, document.id, *span) for name in names for span in spans[name]]
        counts = Counter((name, label) for name in names for label, _, _ in spans[name])
        docs.append(
            _Doc(
                document.id,
                _title(text),
                len(text),
                names,
                spans,
                values,
                agreement.span_f1(flat, match="exact"),
                agreement.span_f1(flat, match="overlap"),
                counts,
            )
        )
    everyone = sorted({name for doc in docs for name in doc.annotators})
    pairs = [
        _pair_figures(a, b, docs, wanted_labels) for a, b in itertools.combinations(everyone, 2)
    ]
    pairs = [pair for pair in pairs if pair.documents]
    alpha_u, alpha_docs, alpha_per_label = _alpha_u_all(docs, everyone, wanted_labels)
    fleiss, fleiss_units, fleiss_raters = _fleiss(docs, wanted_labels)
    k_alpha, k_units = _krippendorff(docs, everyone, wanted_labels)
    confusion_labels, confusion = _confusion(docs, wanted_labels)
    return AgreementReport(
        level=level,
        annotators=everyone,
        labels=wanted_labels,
        documents=len(docs),
        characters=sum(doc.length for doc in docs),
        pairs=pairs,
        f1_exact=_nanmean(pair.f1_exact for pair in pairs),
        f1_overlap=_nanmean(pair.f1_overlap for pair in pairs),
        per_label_f1_exact={
            label: _nanmean(pair.per_label_f1_exact[label] for pair in pairs)
            for label in wanted_labels
        },
        per_label_f1_overlap={
            label: _nanmean(pair.per_label_f1_overlap[label] for pair in pairs)
            for label in wanted_labels
        },
        alpha_u=alpha_u,
        alpha_u_documents=alpha_docs,
        per_label_alpha_u=alpha_per_label,
        fleiss_kappa=fleiss,
        fleiss_units=fleiss_units,
        fleiss_raters=fleiss_raters,
        krippendorff_alpha=k_alpha,
        krippendorff_units=k_units,
        confusion_labels=confusion_labels,
        confusion=confusion,
        per_document=_per_document(docs),
    )


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


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _nanmean(values: Iterable[float]) -> float:
    kept = [value for value in values if not math.isnan(value)]
    return sum(kept) / len(kept) if kept else math.nan


def _tally(
    result: agreement.SpanF1, counts: Counter[tuple[str, str]], a: str, b: str, label: str | None
) -> tuple[int, int, int]:
    """(matched, n_a, n_b) of a pair in one document, overall or for one label.

    span_f1 only knows annotators that have spans; a pair where one side marked nothing
    is complete disagreement, so its counts come from `counts` with no match.
    """
    scores = result if label is None else result.per_label.get(label)
    score = scores.per_pair.get((a, b)) if scores is not None else None
    if score is not None:
        return score.matched, score.n_a, score.n_b
    if label is None:
        return 0, _count(counts, a), _count(counts, b)
    return 0, counts[a, label], counts[b, label]


def _count(counts: Counter[tuple[str, str]], name: str) -> int:
    return sum(count for (who, _), count in counts.items() if who == name)


def _score(matched: int, n_a: int, n_b: int) -> tuple[float, float, float]:
    """(precision, recall, f1) with b as prediction; NaN where a denominator is zero."""
    precision = matched / n_b if n_b else math.nan
    recall = matched / n_a if n_a else math.nan
    f1 = 2 * matched / (n_a + n_b) if n_a + n_b else math.nan
    return precision, recall, f1


def _summed(
    docs: list[_Doc], a: str, b: str, match: str, label: str | None
) -> tuple[float, float, float]:
    matched = n_a = n_b = 0
    for doc in docs:
        result = doc.exact if match == "exact" else doc.overlap
        m, x, y = _tally(result, doc.counts, a, b, label)
        matched, n_a, n_b = matched + m, n_a + x, n_b + y
    return _score(matched, n_a, n_b)


def _pair_figures(a: str, b: str, docs: list[_Doc], labels: list[str]) -> PairFigures:
    shared = [doc for doc in docs if a in doc.spans and b in doc.spans]
    precision, recall, f1_overlap = _summed(shared, a, b, "overlap", None)
    values_a = [value for doc in shared for value in doc.values[a]]
    values_b = [value for doc in shared for value in doc.values[b]]
    alpha, per_label_alpha = _alpha_u(shared, [a, b], labels)
    return PairFigures(
        a=a,
        b=b,
        documents=len(shared),
        f1_exact=_summed(shared, a, b, "exact", None)[2],
        f1_overlap=f1_overlap,
        precision_overlap=precision,
        recall_overlap=recall,
        alpha_u=alpha,
        kappa=agreement.cohen_kappa(values_a, values_b) if values_a else math.nan,
        kappa_units=len(values_a),
        per_label_f1_exact={label: _summed(shared, a, b, "exact", label)[2] for label in labels},
        per_label_f1_overlap={
            label: _summed(shared, a, b, "overlap", label)[2] for label in labels
        },
        per_label_alpha_u=per_label_alpha,
    )


def _unit_values(
    starts: list[int], ends: list[int], spans: list[tuple[str, int, int]], bits: dict[str, int]
) -> list[int]:
    """Per unit, a bit mask of the labels covering it: one categorical value per unit."""
    values = [0] * len(starts)
    for label, start, end in spans:
        bit = bits[label]
        for position in range(bisect_right(ends, start), bisect_left(starts, end)):
            values[position] |= bit
    return values


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals: alpha_u needs one rater's units of a label not to overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _alpha_u(
    docs: list[_Doc], raters: list[str], labels: list[str]
) -> tuple[float, dict[str, float]]:
    """alpha_u over `docs` laid end to end, for `raters` who all finished every one of them."""
    if not docs or len(raters) < 2:
        return math.nan, dict.fromkeys(labels, math.nan)
    units: list[tuple[int, str, int, int]] = []
    offset = 0
    for doc in docs:
        for rater_index, name in enumerate(raters):
            by_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for label, start, end in doc.spans[name]:
                by_label[label].append((start, end))
            for label, intervals in by_label.items():
                for start, end in _merged(intervals):
                    units.append((rater_index, label, offset + start, end - start))
        offset += doc.length
    if offset == 0:
        return math.nan, dict.fromkeys(labels, math.nan)
    overall, found = agreement.unitizing_alpha_by_category(
        units, begin=0, length=offset, raters=len(raters)
    )
    # A label nobody used has no expected disagreement: undefined, as unitizing_alpha says.
    return overall, {label: found.get(label, math.nan) for label in labels}


def _alpha_u_all(
    docs: list[_Doc], everyone: list[str], labels: list[str]
) -> tuple[float, int, dict[str, float]]:
    complete = [doc for doc in docs if len(doc.annotators) == len(everyone)]
    overall, per_label = _alpha_u(complete, everyone, labels)
    return overall, len(complete), per_label


def _fleiss(docs: list[_Doc], labels: list[str]) -> tuple[float, int, int]:
    """Fleiss' kappa needs the same raters per unit: the most common rater count is used."""
    if not docs:
        return math.nan, 0, 0
    raters = Counter(len(doc.annotators) for doc in docs).most_common(1)[0][0]
    rows: Counter[tuple[int, ...]] = Counter()
    for doc in docs:
        if len(doc.annotators) != raters:
            continue
        columns = [doc.values[name] for name in doc.annotators]
        rows.update(tuple(sorted(values)) for values in zip(*columns, strict=True))
    categories = sorted({value for row in rows for value in row})
    index = {value: i for i, value in enumerate(categories)}
    matrix: list[list[int]] = []
    for row in rows:
        counts = [0] * len(categories)
        for value in row:
            counts[index[value]] += 1
        matrix.append(counts)
    units = sum(rows.values())
    kappa = agreement.fleiss_kappa(matrix, weights=list(rows.values())) if units else math.nan
    return kappa, units, raters


def _krippendorff(docs: list[_Doc], everyone: list[str], labels: list[str]) -> tuple[float, int]:
    data: list[list[int | None]] = [[] for _ in everyone]
    for doc in docs:
        count = len(next(iter(doc.values.values())))
        for row, name in zip(data, everyone, strict=True):
            if name in doc.values:
                row.extend(doc.values[name])
            else:
                row.extend([None] * count)
    units = len(data[0]) if data else 0
    if not units or len(everyone) < 2:
        return math.nan, 0
    return agreement.krippendorff_alpha(data, level="nominal"), units


def _confusion(docs: list[_Doc], labels: list[str]) -> tuple[list[str], list[list[int]]]:
    """Counts of (label of a, label of b) over overlapping spans of annotator pairs.

    Each span is paired with the other annotator's most-overlapping span (any label); a
    span with no overlapping partner counts against the empty column. Both directions of
    every pair are counted, so the matrix is symmetric.
    """
    names = [*labels, NONE_LABEL]
    index = {label: i for i, label in enumerate(names)}
    none = index[NONE_LABEL]
    matrix = [[0] * len(names) for _ in names]
    for doc in docs:
        ordered = {name: sorted(doc.spans[name], key=lambda s: s[1]) for name in doc.annotators}
        for a, b in itertools.permutations(doc.annotators, 2):
            others = ordered[b]
            starts = [start for _, start, _ in others]
            longest = max((end - start for _, start, end in others), default=0)
            for label, start, end in doc.spans[a]:
                best, best_overlap = none, 0
                # Only spans starting within `longest` before this one can reach into it.
                for position in range(
                    bisect_right(starts, start - longest), bisect_left(starts, end)
                ):
                    other, o_start, o_end = others[position]
                    shared = (end if end < o_end else o_end) - (
                        start if start > o_start else o_start
                    )
                    if shared > best_overlap or (shared == best_overlap > 0 and other == label):
                        best, best_overlap = index[other], shared
                row = index[label]
                matrix[row][best] += 1
                if best == none:
                    matrix[none][row] += 1
    return names, matrix


def _per_document(docs: list[_Doc]) -> list[DocumentFigures]:
    figures = []
    for doc in docs:
        pairs = list(itertools.combinations(doc.annotators, 2))
        figures.append(
            DocumentFigures(
                id=doc.id,
                title=doc.title,
                annotators=doc.annotators,
                f1_overlap=_nanmean(_summed([doc], a, b, "overlap", None)[2] for a, b in pairs),
                f1_exact=_nanmean(_summed([doc], a, b, "exact", None)[2] for a, b in pairs),
                spans=sum(doc.counts.values()),
            )
        )
    figures.sort(key=lambda d: (math.inf if math.isnan(d.f1_overlap) else d.f1_overlap, d.id))
    return figures
