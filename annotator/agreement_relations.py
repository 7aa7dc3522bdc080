"""The report's relation figures: relation F1 per annotator pair and per relation label.

`annotator.agreement_report` reads each finished document once and hands its relations
here, each end as `(start, end, label)` (ids mean nothing across layers); the matching is
`annotator.agreement.relation_matches`, exact and lenient, summed over the documents both
annotators of a pair finished, as span F1 is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from annotator import agreement
from annotator.agreement.relations import End, Link


@dataclass
class RelationPairFigures:
    a: str
    b: str
    documents: int
    relations_a: int
    relations_b: int
    f1_exact: float
    f1_lenient: float
    precision_lenient: float
    recall_lenient: float
    per_label_f1_exact: dict[str, float] = field(default_factory=dict)
    per_label_f1_lenient: dict[str, float] = field(default_factory=dict)


@dataclass
class RelationFigures:
    """Relation agreement: exact (both spans the same, the same label) and lenient (both
    spans overlapping, the same label), means over the pairs as for spans."""

    labels: list[str]
    f1_exact: float
    f1_lenient: float
    per_label_f1_exact: dict[str, float]
    per_label_f1_lenient: dict[str, float]
    pairs: list[RelationPairFigures]


class RelationTallies:
    """Running sums per pair and relation label: [exact, lenient, relations of a, of b]."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.sums: dict[tuple[str, str], dict[str, list[int]]] = {}
        self.documents: dict[tuple[str, str], int] = {}

    def add(self, relations: dict[str, list[tuple[str, End, End]]]) -> None:
        """One document: every finished annotator's relations, `name -> [(label, h, c)]`."""
        grouped: dict[str, dict[str, list[Link]]] = {}
        for name, found in relations.items():
            mine = grouped.setdefault(name, {})
            for label, head, child in found:
                mine.setdefault(label, []).append((head, child))
        for a, b in itertools.combinations(relations, 2):
            self.documents[a, b] = self.documents.get((a, b), 0) + 1
            sums = self.sums.setdefault((a, b), {label: [0, 0, 0, 0] for label in self.labels})
            for label in grouped[a].keys() | grouped[b].keys():
                first, second = grouped[a].get(label, []), grouped[b].get(label, [])
                exact, lenient = agreement.relation_matches(first, second)
                total = sums.setdefault(label, [0, 0, 0, 0])
                for position, count in enumerate((exact, lenient, len(first), len(second))):
                    total[position] += count

    def figures(self, pairs: list[tuple[str, str]]) -> RelationFigures:
        found = [self._pair(a, b) for a, b in pairs]
        return RelationFigures(
            labels=self.labels,
            f1_exact=agreement.nanmean(pair.f1_exact for pair in found),
            f1_lenient=agreement.nanmean(pair.f1_lenient for pair in found),
            per_label_f1_exact={
                label: agreement.nanmean(pair.per_label_f1_exact[label] for pair in found)
                for label in self.labels
            },
            per_label_f1_lenient={
                label: agreement.nanmean(pair.per_label_f1_lenient[label] for pair in found)
                for label in self.labels
            },
            pairs=found,
        )

    def _pair(self, a: str, b: str) -> RelationPairFigures:
        sums = self.sums.get((a, b), {label: [0, 0, 0, 0] for label in self.labels})
        exact = lenient = n_a = n_b = 0
        for e, x, y, z in sums.values():
            exact, lenient, n_a, n_b = exact + e, lenient + x, n_a + y, n_b + z
        loose = agreement.pair_score(lenient, n_a, n_b)
        return RelationPairFigures(
            a=a,
            b=b,
            documents=self.documents.get((a, b), 0),
            relations_a=n_a,
            relations_b=n_b,
            f1_exact=agreement.pair_score(exact, n_a, n_b).f1,
            f1_lenient=loose.f1,
            precision_lenient=loose.precision,
            recall_lenient=loose.recall,
            per_label_f1_exact={
                label: agreement.pair_score(e, y, z).f1 for label, (e, _, y, z) in sums.items()
            },
            per_label_f1_lenient={
                label: agreement.pair_score(x, y, z).f1 for label, (_, x, y, z) in sums.items()
            },
        )
