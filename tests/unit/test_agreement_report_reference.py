"""The fast agreement report against a plain, per-unit reference computation on random projects.

`build_report` pools per-document tallies, counts runs of units instead of units and hands
grouped data to the coefficient functions; the reference below does none of that. It reads
the same project, builds one value per token (or character) per annotator, concatenates
documents, calls the sequence-based functions of `annotator.agreement` and scans every
span pair, the way the report is defined. Every figure must agree to 1e-12.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
import sqlite3
from collections import Counter
from typing import Any

import pytest

from annotator import agreement
from annotator.agreement_report import NONE_LABEL, build_report
from annotator.models import Status
from annotator.store import NewDocument, Store, text_hash
from annotator.tokenize import token_spans

NAMES = ["ann1", "ann2", "ann3", "ann4"]
WORDS = (
    "the envoy said talks must resume while critics say guarantees are hollow ; "
    "Ukraine’s non-nuclear status , “ neutral ” 🕊️ café naïve x\u0301y 42 %"
).split()


def random_text(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 60))]
    separators = [rng.choice([" ", " ", " ", "  ", "\n", "-", ""]) for _ in words]
    body = "".join(word + sep for word, sep in zip(words, separators, strict=True))
    return rng.choice(["", "\n\n", "  "]) + body + f" {number}"


def random_spans(
    rng: random.Random, text: str, labels: list[str]
) -> list[tuple[str, int, int, str]]:
    """Spans of every annotator: shared with others, shifted, relabelled, nested, touching."""
    reference = []
    for _ in range(rng.randint(0, 8)):
        start = rng.randrange(len(text))
        reference.append((start, min(len(text), start + rng.randint(1, 25)), rng.choice(labels)))
    spans = set()
    for name in NAMES:
        for start, end, label in reference:
            if rng.random() < 0.25:
                continue
            if rng.random() < 0.3:
                start = min(max(0, start + rng.randint(-3, 3)), end - 1)
            if rng.random() < 0.2:
                label = rng.choice(labels)
            spans.add((name, start, end, label))
            if rng.random() < 0.15:  # same label again, touching or overlapping (merged by alpha_u)
                begin = min(end - rng.randint(0, 1), len(text) - 1)
                spans.add((name, begin, min(len(text), begin + rng.randint(1, 6)), label))
    return sorted(spans)


def random_project(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    labels = store.scheme.label_names
    batch = []
    for number in range(rng.randint(15, 30)):
        text = random_text(rng, number)
        batch.append(NewDocument(text=text, spans=random_spans(rng, text, labels)))
    batch.append(NewDocument(text=" . ", spans=[("ann1", 0, 1, labels[0])]))  # one token
    batch.append(NewDocument(text="   ", spans=[("ann2", 0, 2, labels[1])]))  # no token
    with store.transaction():
        store.import_documents(batch)
    for item in batch:
        doc_id = text_hash(item.text)
        # Mostly two to four finishers; some documents one or none (left out of the report).
        for name in rng.sample(NAMES, rng.choice([0, 1, 2, 2, 3, 3, 4, 4, 4])):
            store.set_status(doc_id, name, Status.DONE)
        if rng.random() < 0.3:  # labelled, but not finished: must not count
            store.set_status(doc_id, rng.choice(NAMES), Status.IN_PROGRESS)


# --------------------------------------------------------------------------------------------
# The reference
# --------------------------------------------------------------------------------------------


def nanmean(values: list[float]) -> float:
    kept = [value for value in values if not math.isnan(value)]
    return sum(kept) / len(kept) if kept else math.nan


def f1(matched: int, n_a: int, n_b: int) -> float:
    return 2 * matched / (n_a + n_b) if n_a + n_b else math.nan


def matched(result: agreement.SpanF1, a: str, b: str, label: str | None = None) -> int:
    """Matches of a pair in a span_f1 result; a pair span_f1 never saw matched nothing."""
    scores = result if label is None else result.per_label.get(label)
    score = scores.per_pair.get((a, b)) if scores is not None else None
    return score.matched if score is not None else 0


@dataclasses.dataclass
class RefDoc:
    id: str
    text: str
    names: list[str]
    spans: dict[str, list[tuple[str, int, int]]]
    values: dict[str, list[frozenset[str]]]
    units: int
    exact: agreement.SpanF1
    overlap: agreement.SpanF1


def unit_values(text: str, spans: list[tuple[str, int, int]], level: str) -> list[frozenset[str]]:
    """Per token (or character), the set of labels of the spans overlapping it."""
    units = token_spans(text) if level == "token" else [(i, i + 1) for i in range(len(text))]
    return [
        frozenset(label for label, start, end in spans if start < u_end and u_start < end)
        for u_start, u_end in units
    ]


def merged_units(spans: list[tuple[str, int, int]], length: int) -> list[tuple[str, int, int]]:
    """Each label's covered characters as maximal runs: (label, start, length)."""
    result = []
    for label in sorted({label for label, _, _ in spans}):
        covered = [False] * (length + 1)
        for other, start, end in spans:
            if other == label:
                covered[start:end] = [True] * (end - start)
        run_start = None
        for position, flag in enumerate(covered):
            if flag and run_start is None:
                run_start = position
            elif not flag and run_start is not None:
                result.append((label, run_start, position - run_start))
                run_start = None
    return result


def alpha_u(
    docs: list[RefDoc], raters: list[str], labels: list[str]
) -> tuple[float, dict[str, float]]:
    units, offset = [], 0
    for doc in docs:
        for index, name in enumerate(raters):
            for label, start, size in merged_units(doc.spans[name], len(doc.text)):
                units.append((index, label, offset + start, size))
        offset += len(doc.text)
    if offset == 0 or len(raters) < 2:
        return math.nan, dict.fromkeys(labels, math.nan)
    overall, found = agreement.unitizing_alpha_by_category(
        units, begin=0, length=offset, raters=len(raters)
    )
    return overall, {label: found.get(label, math.nan) for label in labels}


def confusion(docs: list[RefDoc], labels: list[str]) -> list[list[int]]:
    names = [*labels, NONE_LABEL]
    index = {label: i for i, label in enumerate(names)}
    matrix = [[0] * len(names) for _ in names]
    for doc in docs:
        for a, b in itertools.permutations(doc.names, 2):
            others = sorted(doc.spans[b], key=lambda span: span[1])
            for label, start, end in doc.spans[a]:
                best, best_overlap = NONE_LABEL, 0
                for other, o_start, o_end in others:  # every span, not just nearby ones
                    shared = min(end, o_end) - max(start, o_start)
                    if shared > best_overlap or (shared == best_overlap > 0 and other == label):
                        best, best_overlap = other, shared
                matrix[index[label]][index[best]] += 1
                if best == NONE_LABEL:
                    matrix[index[NONE_LABEL]][index[label]] += 1
    return matrix


def read_documents(
    store: Store, annotators: list[str] | None, wanted: list[str], level: str
) -> list[RefDoc]:
    finished = store.finished_by(annotators)
    docs = []
    for document, rows in store.iter_selected_documents(finished):
        names = finished[document.id]
        spans = {
            name: [(r.label, r.start, r.end) for r in rows if r.layer == name and r.label in wanted]
            for name in names
        }
        flat = [(name, document.id, *span) for name in names for span in spans[name]]
        docs.append(
            RefDoc(
                id=document.id,
                text=document.text,
                names=names,
                spans=spans,
                values={name: unit_values(document.text, spans[name], level) for name in names},
                units=len(unit_values(document.text, [], level)),
                exact=agreement.span_f1(flat, match="exact"),
                overlap=agreement.span_f1(flat, match="overlap"),
            )
        )
    return docs


def reference_pair(a: str, b: str, shared: list[RefDoc], wanted: list[str]) -> dict[str, Any]:
    flat = [(name, doc.id, *span) for doc in shared for name in (a, b) for span in doc.spans[name]]
    exact = agreement.span_f1(flat, match="exact")
    overlap = agreement.span_f1(flat, match="overlap")

    def count(name: str, label: str | None) -> int:
        return sum(1 for doc in shared for lab, _, _ in doc.spans[name] if label in (None, lab))

    n_a, n_b = count(a, None), count(b, None)
    m_overlap = matched(overlap, a, b)
    values_a = [value for doc in shared for value in doc.values[a]]
    values_b = [value for doc in shared for value in doc.values[b]]
    alpha, per_label_alpha = alpha_u(shared, [a, b], wanted)
    return {
        "a": a,
        "b": b,
        "documents": len(shared),
        "f1_exact": f1(matched(exact, a, b), n_a, n_b),
        "f1_overlap": f1(m_overlap, n_a, n_b),
        "precision_overlap": m_overlap / n_b if n_b else math.nan,
        "recall_overlap": m_overlap / n_a if n_a else math.nan,
        "alpha_u": alpha,
        "kappa": agreement.cohen_kappa(values_a, values_b) if values_a else math.nan,
        "kappa_units": len(values_a),
        "per_label_f1_exact": {
            label: f1(matched(exact, a, b, label), count(a, label), count(b, label))
            for label in wanted
        },
        "per_label_f1_overlap": {
            label: f1(matched(overlap, a, b, label), count(a, label), count(b, label))
            for label in wanted
        },
        "per_label_alpha_u": per_label_alpha,
    }


def reference_fleiss(docs: list[RefDoc]) -> tuple[float, int, int]:
    if not docs:
        return math.nan, 0, 0
    raters = Counter(len(doc.names) for doc in docs).most_common(1)[0][0]
    subjects = [
        Counter(column)
        for doc in docs
        if len(doc.names) == raters
        for column in zip(*doc.values.values(), strict=True)
    ]
    categories = sorted({value for subject in subjects for value in subject}, key=sorted)
    matrix = [[subject[value] for value in categories] for subject in subjects]
    return (agreement.fleiss_kappa(matrix) if matrix else math.nan), len(matrix), raters


def reference_document(doc: RefDoc) -> dict[str, Any]:
    exact_f1, overlap_f1 = [], []
    for a, b in itertools.combinations(doc.names, 2):
        n_a, n_b = len(doc.spans[a]), len(doc.spans[b])
        exact_f1.append(f1(matched(doc.exact, a, b), n_a, n_b))
        overlap_f1.append(f1(matched(doc.overlap, a, b), n_a, n_b))
    return {
        "id": doc.id,
        "title": next((line.strip()[:80] for line in doc.text.splitlines() if line.strip()), ""),
        "annotators": doc.names,
        "f1_overlap": nanmean(overlap_f1),
        "f1_exact": nanmean(exact_f1),
        "spans": sum(len(found) for found in doc.spans.values()),
    }


def reference_report(
    store: Store, annotators: list[str] | None, labels: list[str] | None, level: str
) -> dict[str, Any]:
    wanted = labels if labels is not None else store.scheme.label_names
    docs = read_documents(store, annotators, wanted, level)
    everyone = sorted({name for doc in docs for name in doc.names})
    pairs = []
    for a, b in itertools.combinations(everyone, 2):
        shared = [doc for doc in docs if a in doc.names and b in doc.names]
        if shared:
            pairs.append(reference_pair(a, b, shared, wanted))
    complete = [doc for doc in docs if len(doc.names) == len(everyone)]
    overall_alpha_u, per_label_alpha_u = alpha_u(complete, everyone, wanted)
    fleiss, fleiss_units, fleiss_raters = reference_fleiss(docs)
    data: list[list[frozenset[str] | None]] = [[] for _ in everyone]
    for doc in docs:
        for row, name in zip(data, everyone, strict=True):
            row.extend(doc.values[name] if name in doc.values else [None] * doc.units)
    k_units = len(data[0]) if data else 0
    k_alpha = agreement.krippendorff_alpha(data) if k_units and len(everyone) >= 2 else math.nan
    per_document = [reference_document(doc) for doc in docs]
    per_document.sort(
        key=lambda d: (math.inf if math.isnan(d["f1_overlap"]) else d["f1_overlap"], d["id"])
    )
    return {
        "level": level,
        "annotators": everyone,
        "labels": wanted,
        "documents": len(docs),
        "characters": sum(len(doc.text) for doc in docs),
        "pairs": pairs,
        "f1_exact": nanmean([pair["f1_exact"] for pair in pairs]),
        "f1_overlap": nanmean([pair["f1_overlap"] for pair in pairs]),
        "per_label_f1_exact": {
            label: nanmean([pair["per_label_f1_exact"][label] for pair in pairs])
            for label in wanted
        },
        "per_label_f1_overlap": {
            label: nanmean([pair["per_label_f1_overlap"][label] for pair in pairs])
            for label in wanted
        },
        "alpha_u": overall_alpha_u,
        "alpha_u_documents": len(complete),
        "per_label_alpha_u": per_label_alpha_u,
        "fleiss_kappa": fleiss,
        "fleiss_units": fleiss_units,
        "fleiss_raters": fleiss_raters,
        "krippendorff_alpha": k_alpha,
        "krippendorff_units": k_units,
        "confusion_labels": [*wanted, NONE_LABEL],
        "confusion": confusion(docs, wanted),
        "per_document": per_document,
        "suggestions": reference_suggestions(store, docs),
        # The random projects hold no relation, so the report has no relation section
        # (relation F1 is checked against hand-counted pairs in its own tests).
        "relations": None,
    }


def reference_suggestions(store: Store, docs: list[RefDoc]) -> int | None:
    """Measured documents where someone measured saw suggestions, read with plain SQL:
    stored ones not hidden (blind overlap hides them on documents assigned to 2+), or a
    decision of one of them there; None when the project never had a suggestion."""
    conn = sqlite3.connect(store.path)
    try:
        stored = {
            d
            for (d,) in conn.execute(
                "SELECT DISTINCT d.id FROM suggestions s JOIN documents d ON d.seq = s.doc"
            )
        }
        decided = set(
            conn.execute(
                "SELECT d.id, e.layer FROM events e JOIN documents d ON d.seq = e.doc "
                "WHERE e.action IN ('suggestion.accept', 'suggestion.reject')"
            )
        )
        blind = conn.execute("SELECT value FROM project WHERE key = 'blind_overlap'").fetchone()
        shared = {
            d
            for (d,) in conn.execute(
                "SELECT d.id FROM assignments a JOIN documents d ON d.seq = a.doc "
                "GROUP BY a.doc HAVING count(*) >= 2"
            )
        }
    finally:
        conn.close()
    if not stored and not decided:
        return None
    hidden = shared if blind == ("1",) else set()
    return sum(
        1
        for doc in docs
        if (doc.id in stored and doc.id not in hidden)
        or any((doc.id, name) in decided for name in doc.names)
    )


def assert_same(ours: Any, reference: Any, path: str = "report") -> None:
    """Equal structure and values; floats to 1e-12, NaN equal to NaN."""
    if isinstance(reference, dict):
        assert list(ours) == list(reference), path
        for key in reference:
            assert_same(ours[key], reference[key], f"{path}.{key}")
    elif isinstance(reference, list):
        assert len(ours) == len(reference), path
        for number, (mine, theirs) in enumerate(zip(ours, reference, strict=True)):
            assert_same(mine, theirs, f"{path}[{number}]")
    elif isinstance(reference, float):
        assert isinstance(ours, float), path
        if math.isnan(reference):
            assert math.isnan(ours), f"{path}: {ours} is not NaN"
        else:
            assert ours == pytest.approx(reference, abs=1e-12, rel=0), path
    else:
        assert ours == reference, path


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["token", "char"])
def test_report_equals_reference(store: Store, seed: int, level: str) -> None:
    random_project(store, seed)
    report = build_report(store, level=level)  # type: ignore[arg-type]
    assert report.documents > 3 and len(report.pairs) == 6  # the project exercises the report
    assert_same(dataclasses.asdict(report), reference_report(store, None, None, level))


@pytest.mark.parametrize("seed", range(3))
def test_report_equals_reference_for_a_selection(store: Store, seed: int) -> None:
    random_project(store, 100 + seed)
    annotators, labels = ["ann4", "ann1", "ann3"], ["quote", "demand", "opinion"]
    report = build_report(store, annotators=annotators, labels=labels)
    assert report.annotators == ["ann1", "ann3", "ann4"]
    assert_same(dataclasses.asdict(report), reference_report(store, annotators, labels, "token"))
