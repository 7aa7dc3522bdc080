"""What a person opening a document is offered, and what stays offered as they label.

Real SQLite files; the quick sources (patterns through spaCy, lexicon) really run. The
expected spans are written out by hand from the text below.
"""

from __future__ import annotations

import sys

import pytest

from annotator.models import NewDocument, SpanKey
from annotator.store import Store, text_hash
from annotator.suggest import Proposal, Source, Suggestion
from annotator.suggest.offer import offer, still_shown

TEXT = "“We will not sign,” Lavrov said on Tuesday. Germany and Turkey could act as guarantors."
OTHER = "Germany and Turkey were named again, Reuters reported."
QUOTE = SpanKey(0, 19, "quote")  # “We will not sign,”
SAID = SpanKey(20, 31, "attribution")  # Lavrov said
GERMANY = SpanKey(44, 62, "guarantor")  # Germany and Turkey


def test_the_offsets_above_are_what_they_say() -> None:
    assert TEXT[QUOTE.start : QUOTE.end] == "“We will not sign,”"
    assert TEXT[SAID.start : SAID.end] == "Lavrov said"
    assert TEXT[GERMANY.start : GERMANY.end] == "Germany and Turkey"


@pytest.fixture
def doc(store: Store) -> str:
    store.import_documents([NewDocument(text=TEXT), NewDocument(text=OTHER)])
    return text_hash(TEXT)


def keys(suggestions: list[Suggestion]) -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.source.value) for s in suggestions]


def test_stored_suggestions_are_read_and_nothing_is_computed(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.LEXICON, [Proposal(*GERMANY, Source.LEXICON, 0.5)])
    found = offer(store, doc, "alice", compute=True)
    assert keys(found.suggestions) == [(*GERMANY, "lexicon")]
    assert not found.computed and not found.hidden and found.note == ""


def test_a_document_without_suggestions_gets_patterns_and_lexicon(store: Store, doc: str) -> None:
    other = text_hash(OTHER)
    start = OTHER.index("Germany and Turkey")
    store.add_span(other, "bob", start, start + len("Germany and Turkey"), "guarantor")
    assert offer(store, doc, "alice").suggestions == []  # not asked to compute
    found = offer(store, doc, "alice", compute=True)
    assert found.computed and found.note == ""
    shown = keys(found.suggestions)
    # The default patterns: the curly quotation, "Lavrov said on Tuesday"; the lexicon:
    # what bob labelled in the other document.
    assert shown == [
        (*QUOTE, "patterns"),
        (20, 42, "attribution", "patterns"),
        (*GERMANY, "lexicon"),
    ]
    # Stored: the next opening only reads them.
    assert keys(store.suggestions.stored(doc)) == shown
    assert not offer(store, doc, "alice", compute=True).computed


def test_without_spacy_the_lexicon_still_runs_and_the_note_names_the_extra(
    store: Store, doc: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if not installed
    other = text_hash(OTHER)
    start = OTHER.index("Germany and Turkey")
    store.add_span(other, "bob", start, start + len("Germany and Turkey"), "guarantor")
    found = offer(store, doc, "alice", compute=True)
    assert keys(found.suggestions) == [(*GERMANY, "lexicon")]
    assert "spaCy" in found.note and "pip install 'annotator[suggest]'" in found.note


def test_blind_overlap_hides_the_offer_and_computes_nothing(store: Store, doc: str) -> None:
    store.suggestions.set_blind_overlap(True)
    store.assign_many([(doc, "alice"), (doc, "bob")])
    found = offer(store, doc, "alice", compute=True)
    assert found.hidden and found.suggestions == [] and not found.computed
    assert store.suggestions.stored(doc) == []


def test_an_edited_accept_does_not_come_back_until_it_is_undone(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, [Proposal(*SAID, Source.PATTERNS)])
    (said,) = store.suggestions.for_annotator(doc, "alice")
    span = store.suggestions.accept(doc, "alice", said, end=42)  # "Lavrov said on Tuesday"
    assert TEXT[span.start : span.end] == "Lavrov said on Tuesday"
    assert store.suggestions.for_annotator(doc, "alice") == []
    store.update_span(span.id or 0, end=31 + len(" on"))  # moved since: still decided
    assert store.suggestions.for_annotator(doc, "alice") == []
    store.undo(doc, "alice")
    store.undo(doc, "alice")  # the accept itself: the span is gone, the decision with it
    assert keys(store.suggestions.for_annotator(doc, "alice")) == [(*SAID, "patterns")]
    store.redo(doc, "alice")
    assert store.suggestions.for_annotator(doc, "alice") == []


def suggestion(number: int, key: SpanKey) -> Suggestion:
    return Suggestion(number, *key, Source.PATTERNS, 1.0)


def test_still_shown_follows_the_layer() -> None:
    offered = [suggestion(1, QUOTE), suggestion(2, SAID), suggestion(3, GERMANY)]
    assert still_shown(offered, {}) == offered
    # Equal to a span: gone; accepted into a span still there (edited): gone.
    layer = {10: QUOTE, 11: SpanKey(20, 42, "attribution")}
    assert still_shown(offered, layer, accepted={11: SAID}) == [offered[2]]
    # The accepted span undone: back.
    assert still_shown(offered, {10: QUOTE}, accepted={11: SAID}) == offered[1:]
    # Without overlap, a suggestion overlapping any span cannot be accepted: not shown.
    wide = {12: SpanKey(0, 25, "demand")}
    assert still_shown(offered, wide, allow_overlap=True) == offered
    assert still_shown(offered, wide, allow_overlap=False) == [offered[2]]
    # A long span starting early still counts, whatever starts after it.
    nested = {13: SpanKey(0, 50, "demand"), 14: SpanKey(30, 32, "opinion")}
    assert still_shown(offered, nested, allow_overlap=False) == []
