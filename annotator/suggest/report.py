"""How good the suggestions are, measured against what people kept: `suggestions report`.

Pure: the store yields the finished work (`Store.suggestions.finished_work`) and the
decisions (`Store.suggestions.decisions`); this module counts. Per source and label:

- shown: the source's stored suggestions on documents an annotator marked done with
  suggestions visible to them (once per annotator: each of them saw it);
- accepted as is, accepted after an edit (other offsets or another label first),
  rejected: from the decisions in the log, by the source and label as proposed;
- kept: shown suggestions that equal a span the annotator finished with; precision is
  kept / shown, recall kept / the spans of that label they finished with.

And per label the spans no source proposed (made by hand where nothing was suggested),
and the time per finished document with suggestions shown and without (suggestions
hidden by `blind_overlap`, or none stored). The suggestions table holds what the sources
propose now: a source recomputed after someone finished a document is measured as it
is now, not as it was then.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.models import EventAction
from annotator.store.suggestion_reads import FinishedWork


@dataclass
class SourceFigures:
    """One source and one label."""

    source: str
    label: str
    shown: int = 0
    accepted: int = 0
    accepted_edited: int = 0
    rejected: int = 0
    kept: int = 0
    final: int = 0
    """spans of this label on the documents where the source's suggestions were shown"""

    @property
    def precision(self) -> float:
        return self.kept / self.shown if self.shown else math.nan

    @property
    def recall(self) -> float:
        return self.kept / self.final if self.final else math.nan


@dataclass
class Timing:
    """Finished documents and the seconds spent on them, on average."""

    documents: int = 0
    seconds: float = 0.0

    @property
    def mean(self) -> float:
        return self.seconds / self.documents if self.documents else math.nan


@dataclass
class SuggestionReport:
    sources: list[SourceFigures] = field(default_factory=list)
    unproposed: dict[str, int] = field(default_factory=dict)
    """per label: spans people finished with that no source proposed"""
    finished: dict[str, int] = field(default_factory=dict)
    """per label: spans people finished with, on documents where suggestions were shown"""
    with_suggestions: Timing = field(default_factory=Timing)
    without_suggestions: Timing = field(default_factory=Timing)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for `--json` (NaN as null: JSON has no NaN)."""

        def number(value: float) -> float | None:
            return None if math.isnan(value) else round(value, 4)

        return {
            "sources": [
                {
                    "source": f.source,
                    "label": f.label,
                    "shown": f.shown,
                    "accepted": f.accepted,
                    "accepted_after_edit": f.accepted_edited,
                    "rejected": f.rejected,
                    "kept": f.kept,
                    "precision": number(f.precision),
                    "recall": number(f.recall),
                }
                for f in self.sources
            ],
            "unproposed": self.unproposed,
            "finished": self.finished,
            "time": {
                name: {"documents": t.documents, "mean_seconds": number(t.mean)}
                for name, t in (
                    ("with_suggestions", self.with_suggestions),
                    ("without_suggestions", self.without_suggestions),
                )
            },
        }


def build(
    work: Iterable[FinishedWork],
    decisions: Iterable[tuple[str, dict[str, Any], dict[str, Any]]],
    sources: Iterable[str],
    labels: Iterable[str],
) -> SuggestionReport:
    """Count the report (see the module docstring) for the given sources and labels."""
    sources, labels = list(sources), list(labels)
    figures = {(s, label): SourceFigures(s, label) for s in sources for label in labels}
    unproposed: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    report = SuggestionReport()
    for item in work:
        shown = not item.hidden and (bool(item.suggestions) or item.decided)
        timing = report.with_suggestions if shown else report.without_suggestions
        timing.documents += 1
        timing.seconds += item.seconds
        if not shown:
            continue
        kept = {(start, end, label) for start, end, label, _origin in item.spans}
        proposed_by: dict[str, set[tuple[int, int, str]]] = {}
        for s in item.suggestions:
            proposed_by.setdefault(s.source.value, set()).add((s.start, s.end, s.label))
        everything = set().union(*proposed_by.values()) if proposed_by else set()
        per_label = Counter(label for _, _, label in kept)
        finished.update(per_label)
        unproposed.update(label for start, end, label in kept - everything)
        for source in sources:
            mine = proposed_by.get(source, set())
            for label in labels:
                row = figures[source, label]
                row.final += per_label[label]
                row.shown += sum(1 for p in mine if p[2] == label)
                row.kept += sum(1 for p in mine & kept if p[2] == label)
    for action, proposed, outcome in decisions:
        decided = figures.get((str(proposed.get("source")), str(proposed.get("label"))))
        if decided is None:
            continue
        if action == EventAction.SUGGESTION_REJECT:
            decided.rejected += 1
        elif outcome.get("edited"):
            decided.accepted_edited += 1
        else:
            decided.accepted += 1
    report.sources = [
        f for f in figures.values() if f.shown or f.accepted or f.accepted_edited or f.rejected
    ]
    report.unproposed = {label: unproposed[label] for label in labels}
    report.finished = {label: finished[label] for label in labels}
    return report
