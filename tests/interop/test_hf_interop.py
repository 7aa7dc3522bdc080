"""`datasets` loads the `hf` export: ClassLabel features named after our labels, every span."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WHITESPACE_EDGED, export, import_whitespace_edged, stored_spans

from annotator.store import Store

datasets = pytest.importorskip("datasets")
pq = pytest.importorskip("pyarrow.parquet")


def test_parquet_loads_with_class_labels_and_every_span(corpus: Store) -> None:
    report = export(corpus, "hf", Path("ds"))
    assert not report.dropped and not report.changed
    data = datasets.load_dataset("parquet", data_files={"train": "ds/data/train.parquet"})["train"]
    features = data.features
    labels = corpus.scheme.label_names
    assert features["ner_tags"].feature.names == ["O"] + [
        f"{p}-{label}" for label in labels for p in ("B", "I")
    ]
    for label in labels:
        assert features[f"tags_{label}"].feature.names == ["O", f"B-{label}", f"I-{label}"]
    assert "tags_guarantor#2" in features  # "Britain" inside "Britain, China and France"
    expected = stored_spans(corpus)
    assert list(data["id"]) == list(expected)
    for row in data:
        assert (
            sorted((s["start"], s["end"], s["label"]) for s in row["spans"]) == expected[row["id"]]
        )
        assert all(row["text"][s["start"] : s["end"]] == s["text"] for s in row["spans"])
        assert [
            row["text"][a:b] for a, b in zip(row["token_starts"], row["token_ends"], strict=True)
        ] == row["tokens"]


def test_tag_columns_hold_every_token_aligned_span(corpus: Store) -> None:
    export(corpus, "hf", Path("ds"))
    data = datasets.load_dataset("parquet", data_files={"train": "ds/data/train.parquet"})["train"]
    tag_columns = [name for name in data.column_names if name.startswith("tags_")]
    for row in data:
        found = set()
        for name in tag_columns:
            names = data.features[name].feature.names
            tags = [names[i] for i in row[name]]
            for first, last, label in _chunks(tags):
                found.add((row["token_starts"][first], row["token_ends"][last - 1], label))
        assert found == {(s["start"], s["end"], s["label"]) for s in row["spans"]}


def _chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    from seqeval.metrics.sequence_labeling import get_entities

    return [(first, last + 1, label) for label, first, last in get_entities(tags)]


def test_folder_with_card_loads_splits_and_jsonl_too(corpus: Store) -> None:
    export(corpus, "hf", Path("ds"), split=(0.5, 0.25, 0.25), hf_formats=("parquet", "jsonl"))
    loaded = datasets.load_dataset("ds")
    assert {name: len(split) for name, split in loaded.items()} == {
        "train": 3,
        "validation": 2,
        "test": 1,
    }
    ids = [doc_id for split in loaded.values() for doc_id in split["id"]]
    assert sorted(ids) == sorted(stored_spans(corpus))
    export(corpus, "hf", Path("js"), hf_formats=("jsonl",))
    as_jsonl = datasets.load_dataset("js")["train"]  # features from the card's YAML
    assert as_jsonl.features == loaded["train"].features
    export(corpus, "hf", Path("full"))
    full = datasets.load_dataset("parquet", data_files="full/data/train.parquet")["train"]
    for column in ("id", "tokens", "ner_tags", "tags_guarantor#2", "spans"):
        assert list(as_jsonl[column]) == list(full[column])
    card = Path("ds/README.md").read_text("utf-8")
    assert "| train | 3 |" in card and "## Labels" in card and "| guarantor |" in card


def test_feature_metadata_uses_forms_datasets_3_and_5_both_read(corpus: Store) -> None:
    """`Sequence` (3.x; 4.x+ maps it to List) and `[{...}]` lists, never 4.x-only `List`."""
    export(corpus, "hf", Path("ds"))
    metadata = pq.read_schema("ds/data/train.parquet").metadata[b"huggingface"]
    features = json.loads(metadata)["info"]["features"]
    assert features["ner_tags"]["_type"] == "Sequence"
    assert features["ner_tags"]["feature"]["_type"] == "ClassLabel"
    assert isinstance(features["spans"], list)
    assert '"List"' not in metadata.decode()
    card = Path("ds/README.md").read_text("utf-8")
    assert "    sequence:\n" in card and "    list:\n" in card


def test_same_project_same_bytes(corpus: Store) -> None:
    export(corpus, "hf", Path("a"))
    export(corpus, "hf", Path("b"))
    for name in ("README.md", "data/train.parquet"):
        assert (Path("a") / name).read_bytes() == (Path("b") / name).read_bytes()


def test_card_names_annotators_and_their_agreement(corpus: Store) -> None:
    from annotator.models import Status

    for document in ("lavrov", "geneva-emoji"):
        for name in ("alice", "bob"):
            corpus.set_status(document, name, Status.DONE)
    export(corpus, "hf", Path("ds"))
    card = Path("ds/README.md").read_text("utf-8")
    assert "| alice | 2 | 2 |" in card and "| bob | 1 | 2 |" in card
    assert "## Agreement" in card and "On 2 documents finished by at least two annotators" in card
    assert "| alice / bob | 2 |" in card


@pytest.mark.parametrize("policy", ["expand", "strict"])
def test_whitespace_at_span_edges_is_trimmed_in_the_tag_columns(store: Store, policy: str) -> None:
    """ner_tags and tags_LABEL hold "\\tObservers said" as its tokens; `spans` stays exact."""
    texts = import_whitespace_edged(store)
    report = export(store, "hf", Path("ds"), align=policy)
    assert not report.dropped and not report.changed
    assert [note for note in report.notes if "trimmed" in note] == [
        "tab gold 0-15 quote '\\tObservers said': trimmed to 1-15 'Observers said' in the tag "
        "columns (whitespace at its edges; exact in the spans column)",
        "trailing gold 0-25 demand 'Kyiv demands guarantees \\n': trimmed to 0-23 "
        "'Kyiv demands guarantees' in the tag columns (whitespace at its edges; exact in the "
        "spans column)",
        "trailing gold 24-30 guarantor '\\n from': trimmed to 26-30 'from' in the tag columns "
        "(whitespace at its edges; exact in the spans column)",
    ]
    assert "1 spans cover no whole token: only in the spans column" in report.notes
    assert not [note for note in report.notes if "off token boundaries" in note]
    data = datasets.load_dataset("parquet", data_files={"train": "ds/data/train.parquet"})["train"]
    ner_names = data.features["ner_tags"].feature.names
    found = set()
    for row in data:
        assert [(s["start"], s["end"], s["text"]) for s in row["spans"]] == [
            (start, end, texts[row["id"]][start:end])
            for _, start, end, _ in WHITESPACE_EDGED[row["id"]][1]
        ]
        tokens = row["tokens"]
        ner = [(label, first, last) for label, first, last in _entities(row["ner_tags"], ner_names)]
        columns = [
            (label, first, last)
            for name in data.column_names
            if name.startswith("tags_")
            for label, first, last in _entities(row[name], data.features[name].feature.names)
        ]
        assert sorted(ner) == sorted(columns)
        found |= {(label, " ".join(tokens[first:last])) for label, first, last in ner}
    assert found == {
        ("quote", "Observers said"),
        ("demand", "Kyiv demands guarantees"),
        ("guarantor", "from"),
        ("attribution", "Lavrov said"),
    }


def _entities(tags: list[int], names: list[str]) -> list[tuple[str, int, int]]:
    return [(label, first, last) for first, last, label in _chunks([names[t] for t in tags])]
