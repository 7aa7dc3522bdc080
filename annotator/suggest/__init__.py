"""Suggestions: spans a machine proposes and a person confirms, from three sources.

`patterns` (spaCy/Prodigy pattern files through spaCy's own matchers), `lexicon` (what
people already labelled, wherever the same text recurs) and `model` (a spancat pipeline
trained on what people kept). Every source yields `Proposal`s; the store keeps them in
their own table, apart from every layer, until someone accepts one. spaCy is imported
only inside the sources that need it, so the workbench opens without it.
"""

from __future__ import annotations

from enum import StrEnum
from types import ModuleType
from typing import NamedTuple

from annotator.errors import AnnotatorError


class Source(StrEnum):
    """Where a suggestion comes from; also the `origin` of a span accepted from one."""

    PATTERNS = "patterns"
    LEXICON = "lexicon"
    MODEL = "model"


class Proposal(NamedTuple):
    """One proposed span of one document: code point offsets, half-open, like a Span.

    `score` is in [0, 1] (patterns and lexicon propose with 1.0 unless told otherwise);
    `model` names the model version for model proposals, '' otherwise.
    """

    start: int
    end: int
    label: str
    source: Source
    score: float = 1.0
    model: str = ""


class Suggestion(NamedTuple):
    """A stored proposal as the store lists it for one annotator and one document.

    `id` is the row of the suggestions table (it changes when a source recomputes the
    document); accepting and rejecting go by what the suggestion says, not by the id, so
    a list read before a recompute still accepts and rejects the right thing.
    """

    id: int
    start: int
    end: int
    label: str
    source: Source
    score: float
    model: str = ""


def spacy_needed(what: str) -> ModuleType:
    """spaCy, or a one-line error naming the extra that brings it (`suggest`, which
    `make run` installs: every source and the training need the same spaCy)."""
    try:
        import spacy
    except ImportError:
        raise AnnotatorError(
            f"{what} needs spaCy, an optional dependency: pip install 'annotator[suggest]'"
        ) from None
    return spacy
