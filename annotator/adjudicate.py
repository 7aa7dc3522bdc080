"""Settle disagreements into the gold layer: disagreement listing and merge policies.

Policies are pure functions from the annotators' spans of one document to the spans gold
should hold; the store writes them, so every gold span is in the event log like any other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

Key = tuple[int, int, str]
"""(start, end, label): what makes two annotators' spans the same span."""


class Agreement(StrEnum):
    ALL = "all"
    """every annotator of the document has this exact span"""
    SOME = "some"
    """some have it, others have nothing overlapping with the same label"""
    BOUNDARY = "boundary"
    """others have an overlapping span of the same label with other offsets"""
    LABEL = "label"
    """others have the same offsets under another label"""


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    annotators: tuple[str, ...]
    kind: Agreement


def majority(spans: dict[str, Iterable[Key]], annotators: Sequence[str]) -> list[Key]:
    """Spans that more than half of `annotators` marked exactly (same offsets and label)."""
    votes: Counter[Key] = Counter()
    for name in annotators:
        votes.update(set(spans.get(name, ())))
    needed = len(annotators) // 2 + 1
    return sorted(key for key, count in votes.items() if count >= needed)


def candidates(spans: dict[str, Iterable[Key]], annotators: Sequence[str]) -> list[Candidate]:
    """Every distinct span of a document, classified by how the annotators differ on it."""
    by_name = {name: set(spans.get(name, ())) for name in annotators}
    owners: dict[Key, list[str]] = {}
    for name in annotators:
        for key in by_name[name]:
            owners.setdefault(key, []).append(name)
    result = []
    for key, names in sorted(owners.items()):
        start, end, label = key
        if len(names) == len(annotators):
            kind = Agreement.ALL
        else:
            others = [by_name[n] for n in annotators if n not in names]
            if any(
                (s, e, lab)
                for spans_of in others
                for s, e, lab in spans_of
                if (s, e) == (start, end) and lab != label
            ):
                kind = Agreement.LABEL
            elif any(
                1
                for spans_of in others
                for s, e, lab in spans_of
                if lab == label and s < end and start < e
            ):
                kind = Agreement.BOUNDARY
            else:
                kind = Agreement.SOME
        result.append(Candidate(start, end, label, tuple(sorted(names)), kind))
    return result
