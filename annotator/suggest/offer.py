"""What a person opening a document is offered, and what stays offered as they label.

`offer` is what the workbench reads (in a worker) when a document opens: the suggestions
the store lists for that person there. A document no suggest run has reached yet gets the
quick sources computed first (patterns and lexicon: nothing to train) and stored, so the
next opening, by anyone, only reads them. spaCy brings the patterns; without it the
lexicon alone runs and the offer says why in one line (naming the extra to install),
which the workbench shows once.

`still_shown` keeps what is on screen true while the person labels, without asking the
store again after each key: the store's rule (`Suggestions.for_annotator`) applied to
the layer as it is now. A suggestion equal to a span of the layer is not shown, nor one
accepted into a span still there (accepted after an edit, or moved since), nor, under a
scheme without overlap, one overlapping a span; an undone accept shows it again.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.errors import AnnotatorError, StoreError
from annotator.models import SpanKey
from annotator.suggest import Source, Suggestion

if TYPE_CHECKING:
    from annotator.store import Store

QUICK = (Source.PATTERNS, Source.LEXICON)
"""The sources computed when a document opens with no suggestions stored."""


@dataclass(frozen=True)
class Offer:
    """A document's suggestions for one person, as read when it opens."""

    suggestions: list[Suggestion] = field(default_factory=list)
    hidden: bool = False
    """`blind_overlap` keeps suggestions off this shared document"""
    computed: bool = False
    """none were stored: the quick sources ran now"""
    note: str = ""
    """why a source could not run (say it once)"""


def offer(store: Store, doc_id: str, annotator: str, *, compute: bool = False) -> Offer:
    """The suggestions `annotator` is shown on a document, computed first if none are stored.

    Args:
        store: the project (a worker's own connection: computing writes).
        doc_id: the document opened.
        annotator: whose layer the suggestions are for.
        compute: run the quick sources when no suggestion of the document is stored
            (never on a read-only project, nor on a document `blind_overlap` hides).
    """
    if store.suggestions.hidden(doc_id, annotator):
        return Offer(hidden=True)
    computed, note = False, ""
    if compute and not store.read_only and not store.suggestions.stored(doc_id):
        computed, note = True, _compute(store, doc_id)
    return Offer(store.suggestions.for_annotator(doc_id, annotator), computed=computed, note=note)


def _compute(store: Store, doc_id: str) -> str:
    """Store the quick sources' proposals for one document; returns what could not run.

    Every source is set up before anything is written (`run`), so when the patterns
    cannot run (no spaCy, or the scheme ships none) nothing is half done: the lexicon
    runs alone, and the reason is returned.
    """
    from annotator.suggest.run import run

    try:
        run(store, QUICK, [doc_id])
    except StoreError:
        raise
    except AnnotatorError as exc:
        run(store, [Source.LEXICON], [doc_id])
        return f"No suggestions from patterns here: {exc}"
    return ""


def still_shown(
    suggestions: Iterable[Suggestion],
    layer: Mapping[int, SpanKey],
    *,
    allow_overlap: bool = True,
    accepted: Mapping[int, SpanKey] | None = None,
) -> list[Suggestion]:
    """The suggestions still to decide, given the layer now.

    Args:
        suggestions: what was offered (rejected ones already left out).
        layer: the person's spans, by id.
        allow_overlap: the scheme's setting (without it, a suggestion overlapping a span
            could not be accepted, so it is not shown).
        accepted: span id -> the suggestion accepted into it (as proposed).
    """
    keys = set(layer.values())
    if accepted:
        keys.update(proposed for span_id, proposed in accepted.items() if span_id in layer)
    shown = [s for s in suggestions if SpanKey(s.start, s.end, s.label) not in keys]
    if allow_overlap or not layer:
        return shown
    spans = sorted((key.start, key.end) for key in layer.values())
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))
    # A span overlaps when it starts before the suggestion ends and reaches past its start.
    return [
        s
        for s in shown
        if (last := bisect.bisect_left(starts, s.end) - 1) < 0 or reach[last] <= s.start
    ]
