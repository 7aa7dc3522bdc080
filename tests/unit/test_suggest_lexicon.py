"""The lexicon source: labelled texts proposed where they recur, at token boundaries."""

from __future__ import annotations

from annotator.models import GOLD, NewDocument, SpanKey
from annotator.store import Store, text_hash
from annotator.suggest import Proposal, Source
from annotator.suggest.lexicon import Lexicon


def found(
    lexicon: Lexicon, text: str, labelled: set[SpanKey] | None = None
) -> list[tuple[str, str, float]]:
    return [
        (text[p.start : p.end], p.label, p.score) for p in lexicon.propose(text, labelled or set())
    ]


def test_a_labelled_text_is_found_at_token_boundaries_only() -> None:
    lexicon = Lexicon([("Turkey", "guarantor", 1), ("Germany and Turkey", "guarantor", 1)])
    text = "Germany and Turkey, not the Turkeys of Germany and Turkeyland; Turkey."
    assert found(lexicon, text) == [
        ("Germany and Turkey", "guarantor", 1.0),
        ("Turkey", "guarantor", 1.0),  # inside the longer one: both are proposed
        ("Turkey", "guarantor", 1.0),  # the last word; "Turkeys", "Turkeyland" are not it
    ]
    assert [(p.start, p.end) for p in lexicon.propose(text)] == [(0, 18), (12, 18), (63, 69)]


def test_a_text_with_several_labels_is_proposed_with_each_and_its_share() -> None:
    lexicon = Lexicon(
        [("Geneva", "guarantor", 1), ("Geneva", "opinion", 2), ("Geneva", "guarantor", 1)]
    )
    assert found(lexicon, "Talks in Geneva.") == [
        ("Geneva", "guarantor", 0.5),
        ("Geneva", "opinion", 0.5),
    ]


def test_matching_is_exact_and_counts_code_points() -> None:
    lexicon = Lexicon([("东京会谈", "opinion", 1), ("Meet the Press", "attribution", 1)])
    text = "🕊️ 东京会谈 and meet the press, then Meet the Press 👩‍👩‍👧 again"
    assert [(p.start, p.end, p.label) for p in lexicon.propose(text)] == [
        (3, 7, "opinion"),
        (33, 47, "attribution"),
    ]
    assert text[3:7] == "东京会谈" and text[33:47] == "Meet the Press"


def test_texts_that_cannot_recur_at_boundaries_are_left_out() -> None:
    lexicon = Lexicon(
        [
            (" Geneva", "opinion", 1),
            ("Geneva ", "opinion", 1),
            ("—", "opinion", 1),
            ("“", "quote", 1),
        ]
    )
    assert len(lexicon) == 0
    assert lexicon.propose("Geneva — “yes”") == []


def test_the_labelled_places_are_not_proposed_back() -> None:
    lexicon = Lexicon([("Lavrov said", "attribution", 1)])
    text = "Lavrov said no. Later Lavrov said yes."
    assert found(lexicon, text, {SpanKey(0, 11, "attribution")}) == [
        ("Lavrov said", "attribution", 1.0)
    ]
    assert [p.start for p in lexicon.propose(text, {SpanKey(0, 11, "attribution")})] == [22]
    # another label at that place is another span: still proposed
    assert len(lexicon.propose(text, {SpanKey(0, 11, "opinion")})) == 2


def test_the_lexicon_follows_what_people_label(store: Store) -> None:
    first = "Reuters reported that Germany and Turkey could join."
    second = "Germany and Turkey agreed; Reuters reported it first."
    store.import_documents([NewDocument(text=first), NewDocument(text=second)])
    a, b = text_hash(first), text_hash(second)
    assert len(Lexicon(store.suggestions.labelled_texts())) == 0
    store.add_span(a, "alice", 0, 16, "attribution")
    store.add_span(a, GOLD, 22, 40, "guarantor")
    lexicon = Lexicon(store.suggestions.labelled_texts())
    proposals = {
        doc: lexicon.propose(store.document(doc).text, store.suggestions.labelled_places(doc))
        for doc in (a, b)
    }
    assert proposals[a] == []  # both texts occur there only where they are labelled
    assert proposals[b] == [
        Proposal(0, 18, "guarantor", Source.LEXICON, 1.0),
        Proposal(27, 43, "attribution", Source.LEXICON, 1.0),
    ]
    assert second[27:43] == "Reuters reported"
    store.suggestions.replace(b, Source.LEXICON, proposals[b])
    assert [s.label for s in store.suggestions.for_annotator(b, "bob")] == [
        "guarantor",
        "attribution",
    ]
