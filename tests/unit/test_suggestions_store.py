"""The suggestions part of the store, on real SQLite files: replace, list, accept, reject.

Every expectation is written out by hand from the texts below; the spans an accept writes
are read back through the same store API the workbench uses, and the log is read too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import StoreError
from annotator.exporters import ExportOptions, get_exporter, run_export
from annotator.ingest import import_file
from annotator.models import GOLD, EventAction, NewDocument
from annotator.store import Store, text_hash
from annotator.suggest import Proposal, Source, Suggestion

TEXT = "“We will not sign,” Lavrov said. Germany and Turkey could act as guarantors."
OTHER = "Reuters reported that Germany and Turkey were named again."
QUOTE = (0, 19, "quote")  # “We will not sign,”
SAID = (20, 31, "attribution")  # Lavrov said
GERMANY = (33, 51, "guarantor")  # Germany and Turkey


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_the_offsets_above_are_what_they_say() -> None:
    assert TEXT[0:19] == "“We will not sign,”"
    assert TEXT[20:31] == "Lavrov said"
    assert TEXT[33:51] == "Germany and Turkey"


@pytest.fixture
def doc(store: Store) -> str:
    store.import_documents([NewDocument(text=TEXT), NewDocument(text=OTHER)])
    return text_hash(TEXT)


def patterns(*spans: tuple[int, int, str], score: float = 1.0) -> list[Proposal]:
    return [Proposal(s, e, label, Source.PATTERNS, score) for s, e, label in spans]


def shown(store: Store, doc: str, who: str = "alice") -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.source) for s in store.suggestions.for_annotator(doc, who)]


def one(store: Store, doc: str, span: tuple[int, int, str], who: str = "alice") -> Suggestion:
    (found,) = [s for s in store.suggestions.for_annotator(doc, who) if s[1:4] == span]
    return found


def actions(store: Store, doc: str) -> list[str]:
    return [event.action for event in store.events(doc)]


# ------------------------------------------------------------------ replace


def test_replace_stores_one_source_and_leaves_the_others(store: Store, doc: str) -> None:
    lexicon = [Proposal(*GERMANY, Source.LEXICON, 0.5)]
    assert store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID)) == 2
    assert store.suggestions.replace(doc, Source.LEXICON, lexicon) == 1
    assert store.suggestions.replace(doc, Source.PATTERNS, patterns(SAID)) == 1
    assert [
        (s.start, s.end, s.label, s.source, s.score) for s in store.suggestions.stored(doc)
    ] == [
        (20, 31, "attribution", Source.PATTERNS, 1.0),
        (33, 51, "guarantor", Source.LEXICON, 0.5),
    ]


def test_a_proposal_made_twice_is_stored_once_with_its_best_score(store: Store, doc: str) -> None:
    twice = [*patterns(SAID, score=0.25), *patterns(SAID, score=0.75), *patterns(SAID, score=0.5)]
    assert store.suggestions.replace(doc, Source.PATTERNS, twice) == 1
    assert [s.score for s in store.suggestions.stored(doc)] == [0.75]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Proposal(0, 5, "threat", Source.PATTERNS), "unknown label"),
        (Proposal(70, 99, "quote", Source.PATTERNS), "outside 0-76"),
        (Proposal(5, 5, "quote", Source.PATTERNS), "outside 0-76 or empty"),
        (Proposal(0, 5, "quote", Source.PATTERNS, 1.5), "score 1.5"),
        (Proposal(0, 5, "quote", Source.MODEL), "comes from model"),
    ],
)
def test_a_bad_proposal_refuses_the_whole_replacement(
    store: Store, doc: str, bad: Proposal, message: str
) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE))
    with pytest.raises(StoreError, match=message):
        store.suggestions.replace(doc, Source.PATTERNS, [*patterns(SAID), bad])
    assert [s[1:4] for s in store.suggestions.stored(doc)] == [QUOTE]


def test_replace_many_writes_every_document(store: Store, doc: str) -> None:
    other = text_hash(OTHER)
    written = store.suggestions.replace_many(
        [
            (doc, Source.PATTERNS, patterns(QUOTE)),
            (other, Source.PATTERNS, patterns((0, 16, "attribution"))),
        ]
    )
    assert written == 2
    assert [s[1:4] for s in store.suggestions.stored(other)] == [(0, 16, "attribution")]


# ------------------------------------------------------------------ listing


def test_listing_is_in_reading_order_and_shows_a_span_once(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(GERMANY, SAID, QUOTE, score=0.5))
    store.suggestions.replace(doc, Source.LEXICON, [Proposal(*GERMANY, Source.LEXICON, 0.9)])
    assert shown(store, doc) == [
        (0, 19, "quote", "patterns"),
        (20, 31, "attribution", "patterns"),
        (33, 51, "guarantor", "lexicon"),  # the better score of the two
    ]


def test_a_span_already_in_the_layer_is_not_suggested(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID))
    store.add_span(doc, "alice", *SAID)
    store.add_span(doc, "bob", 20, 31, "opinion")  # same place, another label: not equal
    assert shown(store, doc) == [(0, 19, "quote", "patterns")]
    assert shown(store, doc, "bob") == [
        (0, 19, "quote", "patterns"),
        (20, 31, "attribution", "patterns"),
    ]


def test_without_overlap_a_suggestion_that_could_not_be_accepted_is_not_shown(
    tmp_path: Path, scheme_text: str
) -> None:
    flat = scheme_text.replace("allow_overlap = true", "allow_overlap = false")
    with Store.create(tmp_path / "flat.db", flat, "flat.toml") as store:
        store.import_documents([NewDocument(text=TEXT)])
        doc = text_hash(TEXT)
        store.suggestions.replace(
            doc, Source.PATTERNS, patterns(QUOTE, SAID, (20, 26, "attribution"))
        )
        store.add_span(doc, "alice", 21, 25, "opinion")
        assert shown(store, doc) == [(0, 19, "quote", "patterns")]


# ------------------------------------------------------------------ accept


def test_accept_writes_the_span_with_its_origin_and_logs_the_decision(
    store: Store, doc: str
) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID, score=0.8))
    span = store.suggestions.accept(doc, "alice", one(store, doc, SAID))
    assert (span.layer, span.start, span.end, span.label, span.origin) == (
        "alice",
        20,
        31,
        "attribution",
        "patterns",
    )
    assert [(s.start, s.end, s.label, s.origin) for s in store.spans(doc, "alice")] == [
        (20, 31, "attribution", "patterns")
    ]
    assert actions(store, doc)[-2:] == ["span.add", "suggestion.accept"]
    accepted = store.events(doc)[-1]
    assert (accepted.layer, accepted.span_id) == ("alice", span.id)
    assert accepted.before == {
        "start": 20,
        "end": 31,
        "label": "attribution",
        "source": "patterns",
        "score": 0.8,
        "model": "",
    }
    assert accepted.after is not None
    assert (accepted.after["edited"], accepted.after["source"]) == (False, "patterns")
    assert shown(store, doc) == [(0, 19, "quote", "patterns")]
    assert shown(store, doc, "bob") == [
        (0, 19, "quote", "patterns"),
        (20, 31, "attribution", "patterns"),
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ({"start": 27}, (27, 31, "attribution")),  # "said" without the speaker
        ({"label": "opinion"}, (20, 31, "opinion")),
    ],
)
def test_accept_after_an_edit_says_so(
    store: Store, doc: str, edit: dict[str, object], expected: tuple[int, int, str]
) -> None:
    store.suggestions.replace(doc, Source.LEXICON, [Proposal(*SAID, Source.LEXICON, 0.5)])
    span = store.suggestions.accept(doc, "alice", one(store, doc, SAID), **edit)  # type: ignore[arg-type]
    assert (span.start, span.end, span.label, span.origin) == (*expected, "lexicon")
    after = store.events(doc)[-1].after
    assert after is not None and after["edited"] is True
    assert (after["start"], after["end"], after["label"]) == expected


def test_undo_takes_an_accepted_span_back_and_the_suggestion_returns(
    store: Store, doc: str
) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(SAID))
    store.suggestions.accept(doc, "alice", one(store, doc, SAID))
    assert shown(store, doc) == []
    store.undo(doc, "alice")
    assert store.spans(doc, "alice") == []
    assert shown(store, doc) == [(20, 31, "attribution", "patterns")]
    redone = store.redo(doc, "alice")
    assert redone is not None and redone.origin == "patterns"
    assert shown(store, doc) == []


def test_an_accepted_span_keeps_its_origin_when_moved_and_when_brought_back(
    store: Store, doc: str
) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(SAID))
    span = store.suggestions.accept(doc, "alice", one(store, doc, SAID))
    moved = store.update_span(span.id or 0, start=27)
    assert (moved.start, moved.origin) == (27, "patterns")
    store.delete_span(span.id or 0)
    back = store.undo(doc, "alice")  # the delete undone: the span as it was, origin too
    assert back is not None and (back.start, back.origin) == (27, "patterns")
    assert store.check() == []


def test_a_refused_accept_writes_nothing(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(SAID))
    before = actions(store, doc)
    with pytest.raises(StoreError, match="unknown label"):
        store.suggestions.accept(doc, "alice", one(store, doc, SAID), label="threat")
    assert actions(store, doc) == before
    assert store.spans(doc) == []


def test_accept_all_takes_every_suggestion_shown(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID, GERMANY))
    store.suggestions.reject(doc, "alice", one(store, doc, GERMANY))
    accepted = store.suggestions.accept_all(doc, "alice")
    assert [(s.start, s.end, s.label) for s in accepted] == [QUOTE, SAID]
    assert [(s.start, s.end, s.label, s.origin) for s in store.spans(doc, "alice")] == [
        (*QUOTE, "patterns"),
        (*SAID, "patterns"),
    ]
    assert shown(store, doc) == []
    store.undo(doc, "alice")  # one step per accepted span
    assert [(s.start, s.end, s.label) for s in store.spans(doc, "alice")] == [QUOTE]


def test_accept_all_without_overlap_leaves_what_would_clash(
    tmp_path: Path, scheme_text: str
) -> None:
    flat = scheme_text.replace("allow_overlap = true", "allow_overlap = false")
    with Store.create(tmp_path / "flat.db", flat, "flat.toml") as store:
        store.import_documents([NewDocument(text=TEXT)])
        doc = text_hash(TEXT)
        store.suggestions.replace(
            doc, Source.PATTERNS, patterns(SAID, (27, 31, "attribution"), GERMANY)
        )
        accepted = store.suggestions.accept_all(doc, "alice")
        assert [(s.start, s.end) for s in accepted] == [(20, 31), (33, 51)]
        assert shown(store, doc) == []


# ------------------------------------------------------------------ reject


def test_a_rejected_suggestion_never_comes_back_for_that_person(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID))
    store.suggestions.reject(doc, "alice", one(store, doc, SAID))
    assert actions(store, doc)[-1] == EventAction.SUGGESTION_REJECT
    assert store.events(doc)[-1].before == {
        "start": 20,
        "end": 31,
        "label": "attribution",
        "source": "patterns",
        "score": 1.0,
        "model": "",
    }
    assert shown(store, doc) == [(0, 19, "quote", "patterns")]
    # recomputed, and proposed by another source as well: still not shown to alice
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE, SAID))
    store.suggestions.replace(doc, Source.LEXICON, [Proposal(*SAID, Source.LEXICON, 0.4)])
    assert shown(store, doc) == [(0, 19, "quote", "patterns")]
    assert store.suggestions.rejected(doc, "alice") == {SAID}
    assert (20, 31, "attribution", "patterns") in shown(store, doc, "bob")
    assert store.spans(doc) == []


def test_a_rejection_reaches_no_other_document(store: Store, doc: str) -> None:
    other = text_hash(OTHER)
    said = (0, 16, "attribution")
    store.suggestions.replace(other, Source.PATTERNS, patterns(said))
    store.suggestions.replace(doc, Source.PATTERNS, patterns(said))
    store.suggestions.reject(doc, "alice", one(store, doc, said))
    assert shown(store, other) == [(*said, "patterns")]


def test_a_bad_name_cannot_reject(store: Store, doc: str) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(SAID))
    with pytest.raises(StoreError, match="annotator name"):
        store.suggestions.reject(doc, "\x1b[31m", one(store, doc, SAID))


# ------------------------------------------------------------------ blind overlap


def test_blind_overlap_hides_suggestions_on_shared_documents(store: Store, doc: str) -> None:
    other = text_hash(OTHER)
    for document in (doc, other):
        store.suggestions.replace(document, Source.PATTERNS, patterns((0, 7, "attribution")))
    store.assign_many([(doc, "alice"), (doc, "bob"), (other, "alice")])
    assert len(shown(store, doc)) == 1  # the setting is off by default
    store.suggestions.set_blind_overlap(True)
    assert store.suggestions.blind_overlap
    assert shown(store, doc) == [] and shown(store, doc, "bob") == []
    assert store.suggestions.hidden(doc, "alice")
    assert len(shown(store, other)) == 1  # alice alone: shown
    assert len(shown(store, doc, GOLD)) == 1  # the lead adjudicating is not measured
    store.suggestions.set_blind_overlap(False)
    assert len(shown(store, doc)) == 1


# ------------------------------------------------------------------ lexicon input


def test_labelled_texts_counts_every_layer(store: Store, doc: str) -> None:
    other = text_hash(OTHER)
    store.add_span(doc, "alice", *GERMANY)
    store.add_span(other, "bob", *at(OTHER, "Germany and Turkey"), "guarantor")
    store.add_span(other, GOLD, *at(OTHER, "Germany and Turkey"), "opinion")
    store.add_span(doc, "alice", *QUOTE)
    assert store.suggestions.labelled_texts() == [
        ("Germany and Turkey", "guarantor", 2),
        ("Germany and Turkey", "opinion", 1),
        ("“We will not sign,”", "quote", 1),
    ]
    assert store.suggestions.labelled_places(doc) == {GERMANY, QUOTE}


# ------------------------------------------------------------------ origin in the native format


def test_origin_is_exported_and_imported_back(store: Store, doc: str, tmp_path: Path) -> None:
    store.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE))
    store.suggestions.accept(doc, "alice", one(store, doc, QUOTE))
    store.add_span(doc, "alice", *SAID)
    target = tmp_path / "out.jsonl"
    run_export(get_exporter("jsonl"), store, target, None, ExportOptions())
    first = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert first["spans"] == [
        {
            "annotator": "alice",
            "label": "quote",
            "start": 0,
            "end": 19,
            "text": TEXT[0:19],
            "origin": "patterns",
        },
        {
            "annotator": "alice",
            "label": "attribution",
            "start": 20,
            "end": 31,
            "text": "Lavrov said",
        },
    ]
    with Store.create(tmp_path / "back.db", store.scheme_text, "builtin:negotiation-v1") as back:
        import_file(back, target)
        assert [(s.start, s.label, s.origin) for s in back.spans(doc, "alice")] == [
            (0, "quote", "patterns"),
            (20, "attribution", None),
        ]
        again = tmp_path / "again.jsonl"
        run_export(get_exporter("jsonl"), back, again, None, ExportOptions())
        assert again.read_bytes() == target.read_bytes()


def test_an_unknown_origin_is_refused_with_its_line(store: Store, tmp_path: Path) -> None:
    from annotator.errors import InputError

    source = tmp_path / "in.jsonl"
    span = {"start": 0, "end": 7, "label": "quote", "origin": "oracle"}
    source.write_text(
        json.dumps({"text": "nothing"})
        + "\n"
        + json.dumps({"text": "Reuters", "spans": [span]})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"in.jsonl:2: spans\[0\]: 'origin' must be one of"):
        import_file(store, source)
    assert store.document_count() == 0


def test_a_merge_carries_the_origin(store: Store, doc: str, tmp_path: Path) -> None:
    store.assign_many([(doc, "alice")])
    laptop = tmp_path / "laptop.db"
    store.backup(laptop)
    with Store.open(laptop) as copy:
        copy.suggestions.replace(doc, Source.PATTERNS, patterns(QUOTE))
        copy.suggestions.accept(doc, "alice", one(copy, doc, QUOTE))
    report = store.merge(laptop)
    assert report is not None
    assert [(s.start, s.end, s.label, s.origin) for s in store.spans(doc, "alice")] == [
        (*QUOTE, "patterns")
    ]
    assert actions(store, doc)[-2:] == ["span.add", "suggestion.accept"]
    assert store.check() == []
