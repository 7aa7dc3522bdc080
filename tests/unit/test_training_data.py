"""Which spans a model learns from: gold first, else the done layer the others agree with."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.models import NewDocument, SpanRow, Status
from annotator.store import Store
from annotator.suggest.training_data import (
    build_training_set,
    choose_layer,
    done_marks,
    kept_candidates,
)

TEXT = "Germany and Turkey would guarantee it, the envoy said."


def row(layer: str, start: int, end: int, label: str = "guarantor") -> SpanRow:
    return SpanRow(0, layer, start, end, label)


def test_choose_layer_takes_the_one_the_others_agree_with() -> None:
    spans = [
        row("alice", 0, 18),
        row("bob", 0, 18),
        row("bob", 40, 52, "attribution"),
        row("carol", 0, 7),
        row("carol", 40, 52, "attribution"),
    ]
    # bob shares one span with alice and one with carol: 2; alice 1; carol 1.
    assert choose_layer(["alice", "bob", "carol"], spans) == "bob"
    # A tie goes to the first name; the order given does not matter.
    assert choose_layer(["carol", "alice"], spans) == "alice"
    assert choose_layer(["zed"], []) == "zed"


def test_kept_candidates_gold_first_then_done_layers(store: Store) -> None:
    store.import_documents(
        [
            NewDocument(text=f"Document {i}.", id=f"d{i}", spans=[("gold", 0, 8, "guarantor")])
            for i in range(2)
        ]
        + [NewDocument(text=f"Other {i}.", id=f"o{i}") for i in range(4)]
    )
    store.mark_adjudicated("o0", "lead")  # gold, empty: "nothing here"
    store.set_status("d0", "alice", Status.DONE)  # gold wins over alice
    store.set_status("o1", "bob", Status.DONE)
    store.set_status("o1", "alice", Status.DONE)
    store.set_status("o2", "alice", Status.IN_PROGRESS)  # not finished
    assert kept_candidates(store) == {
        "d0": ["gold"],
        "d1": ["gold"],
        "o0": ["gold"],
        "o1": ["alice", "bob"],
    }
    assert kept_candidates(store, "gold") == {"d0": ["gold"], "d1": ["gold"], "o0": ["gold"]}
    assert kept_candidates(store, "alice") == {"d0": ["alice"], "o1": ["alice"]}
    assert kept_candidates(store, "nobody") == {}
    assert done_marks(store) == 3


def test_the_docbins_hold_whole_tokens_of_the_chosen_layer(store: Store, tmp_path: Path) -> None:
    texts = [f"{TEXT} ({i})" for i in range(10)]
    store.import_documents(
        [
            NewDocument(
                text=text,
                id=f"d{i}",
                spans=[
                    ("alice", 2, 18, "guarantor"),  # "rmany and Turkey": inside a token
                    ("alice", 38, 39, "attribution"),  # the space after "it,": dropped
                    ("bob", 0, 7, "guarantor"),  # a layer nobody finished
                ],
            )
            for i, text in enumerate(texts)
        ]
    )
    for i in range(10):
        store.set_status(f"d{i}", "alice", Status.DONE)
    found = build_training_set(store, tmp_path, spacy.blank("en"), seed=0)
    assert found.documents == {"train": 8, "held-out": 2}
    assert found.layers == {"alice": 10}
    assert (found.moved, found.dropped) == (10, 10)
    assert found.longest == 3
    nlp = spacy.blank("en")
    docs = [
        *DocBin().from_disk(found.train_path).get_docs(nlp.vocab),
        *DocBin().from_disk(found.held_out_path).get_docs(nlp.vocab),
    ]
    assert sorted(doc.user_data["id"] for doc in docs) == [f"d{i}" for i in range(10)]
    for doc in docs:
        assert [(s.text, s.label_) for s in doc.spans["sc"]] == [
            ("Germany and Turkey", "guarantor")
        ]
        assert doc.user_data["layer"] == "alice"
