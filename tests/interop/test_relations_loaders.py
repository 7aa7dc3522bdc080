"""Relations in the binary exports, loaded back by the real libraries: spaCy's DocBin
(`doc.user_data`, and `doc._.rel` as spaCy's relation extraction example reads it) and
Hugging Face `datasets` (the `relations` column with its ClassLabel)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import export, import_linked

from annotator.store import Store


@pytest.fixture
def rel_extension() -> Iterator[None]:
    """`doc._.rel` registered as the example's rel_pipe does, removed afterwards."""
    spacy_tokens = pytest.importorskip("spacy.tokens")
    spacy_tokens.Doc.set_extension("rel", default={}, force=True)
    yield
    spacy_tokens.Doc.remove_extension("rel")


def test_spacy_docbin_keeps_relations_in_user_data(store: Store, rel_extension: None) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    expected = {r for r in import_linked(store) if r[1] == "gold"}
    report = export(store, "spacy", Path("out.spacy"))
    assert report.relations == len(expected) == 5 and not report.lossy
    nlp = spacy.blank("en")
    found = set()
    for doc in DocBin().from_disk("out.spacy").get_docs(nlp.vocab):
        spans = list(doc.spans["sc"])
        links = doc.user_data.get("relations", [])
        rel: dict[tuple[int, int], dict[str, float]] = {}
        for link in links:
            head, child = spans[link["head"]], spans[link["child"]]
            found.add(
                (
                    doc.user_data["id"],
                    "gold",
                    (head.start_char, head.end_char, head.label_),
                    (child.start_char, child.end_char, child.label_),
                    link["label"],
                )
            )
            rel.setdefault((head.start, child.start), {})[link["label"]] = 1.0
        # what the example's relation extractor trains and scores on
        assert doc._.rel == rel
    assert found == expected


def test_spacy_rel_keys_follow_split_tokens(store: Store, rel_extension: None) -> None:
    """With --align split, a span inside a token gets a token of its own: the key is the
    token the span starts on in the written Doc."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from annotator.store import NewDocument

    text = "Lavrov:Kyiv must be neutral."
    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text=text,
                    id="cut",
                    spans=[("gold", 0, 6, "attribution"), ("gold", 7, 27, "demand")],
                    relations=[(0, 1, "says")],
                )
            ]
        )
    export(store, "spacy", Path("out.spacy"))
    (doc,) = DocBin().from_disk("out.spacy").get_docs(spacy.blank("en").vocab)
    ((head, child),) = doc._.rel
    assert doc[head].idx == 0 and doc[child].idx == 7
    assert doc._.rel[(head, child)] == {"says": 1.0}


def test_hf_relations_column_loads_with_its_class_label(store: Store) -> None:
    datasets = pytest.importorskip("datasets")
    expected = {r for r in import_linked(store) if r[1] == "gold"}
    report = export(store, "hf", Path("ds"), hf_formats=("parquet", "jsonl"))
    assert report.relations == 5 and not report.lossy
    data = datasets.load_dataset("parquet", data_files={"train": "ds/data/train.parquet"})["train"]
    names = _struct(data.features["relations"])["label"].names
    assert names == store.scheme.relation_names
    found = set()
    for row in data:
        for link in row["relations"]:
            head, child = row["spans"][link["head"]], row["spans"][link["child"]]
            found.add(
                (
                    row["id"],
                    "gold",
                    (head["start"], head["end"], head["label"]),
                    (child["start"], child["end"], child["label"]),
                    names[link["label"]],
                )
            )
    assert found == expected
    # the card's YAML gives the JSONL rows the same ClassLabel
    card = datasets.load_dataset_builder("ds").info.features
    assert _struct(card["relations"])["label"].names == names
    rows = datasets.load_dataset(
        "json", data_files={"train": "ds/data/train.jsonl"}, features=card
    )["train"]
    assert [row["relations"] for row in rows] == [row["relations"] for row in data]


def _struct(feature: Any) -> Any:
    """The element of a list feature: `List(...).feature` in datasets 4+, `[...]` in 3.x."""
    return feature.feature if hasattr(feature, "feature") else feature[0]
