"""spaCy reads the `spacy` export back: DocBin, every span exact, ents, user_data, training."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import export, import_whitespace_edged, stored_spans

from annotator.store import NewDocument, Store

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def load(path: Path) -> list[Any]:
    nlp = spacy.blank("en")
    files = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    return [doc for file in files for doc in DocBin().from_disk(file).get_docs(nlp.vocab)]


def test_docbin_gives_back_every_span_with_its_offsets_and_label(corpus: Store) -> None:
    report = export(corpus, "spacy", Path("out.spacy"))
    assert not report.dropped and not report.changed
    docs = load(Path("out.spacy"))
    expected = stored_spans(corpus)
    assert [doc.user_data["id"] for doc in docs] == list(expected)
    for doc in docs:
        document = corpus.document(doc.user_data["id"])
        assert doc.text == document.text
        got = sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"])
        assert got == expected[document.id]
        assert doc.user_data["layer"] == "gold"


def test_ents_are_spans_without_overlap_and_missing_where_spans_overlap(corpus: Store) -> None:
    export(corpus, "spacy", Path("out.spacy"))
    docs = {doc.user_data["id"]: doc for doc in load(Path("out.spacy"))}
    tokyo = docs["tokyo-cjk"]  # no overlap: ents are exactly the spans
    assert sorted((e.start_char, e.end_char, e.label_) for e in tokyo.ents) == sorted(
        (s.start_char, s.end_char, s.label_) for s in tokyo.spans["sc"]
    )
    lavrov = docs["lavrov"]
    ents = list(lavrov.ents)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ents))
    assert {e.text for e in ents} >= {"Lavrov said", "Kyiv must abandon its NATO bid"}
    # every token of a span is an entity token or marked missing, never "O"
    for span in lavrov.spans["sc"]:
        assert all(token.ent_iob_ != "O" for token in span)


def test_spans_off_token_boundaries_split_tokens_losslessly(store: Store) -> None:
    text = "Ukraine’s neutrality, unclear.  Next"
    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text=text,
                    id="odd",
                    spans=[
                        ("gold", 0, 3, "guarantor"),  # inside a token
                        ("gold", 10, 22, "opinion"),  # ends after the comma's space
                        ("gold", 21, 32, "quote"),  # starts on a space, ends inside "  "
                    ],
                )
            ]
        )
    report = export(store, "spacy", Path("odd.spacy"))
    assert not report.dropped and not report.changed
    assert any("split" in note for note in report.notes)
    (doc,) = load(Path("odd.spacy"))
    assert doc.text == text
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == [
        (0, 3, "guarantor"),
        (10, 22, "opinion"),
        (21, 32, "quote"),
    ]


@pytest.mark.parametrize(("policy", "lossy"), [("expand", "changed"), ("strict", "dropped")])
def test_other_alignment_policies_report_what_moved(store: Store, policy: str, lossy: str) -> None:
    with store.transaction():
        store.import_documents(
            [NewDocument(text="Ukraine’s view", spans=[("gold", 0, 3, "demand")])]
        )
    report = export(store, "spacy", Path("p.spacy"), align=policy)
    assert len(getattr(report, lossy)) == 1
    assert "0-3 demand 'Ukr'" in getattr(report, lossy)[0]


def test_large_exports_become_a_folder_of_shards_and_splits_never_share_documents(
    corpus: Store,
) -> None:
    export(corpus, "spacy", Path("shards"), shard_docs=2)
    assert sorted(p.name for p in Path("shards").glob("*.spacy")) == [
        "00000.spacy",
        "00001.spacy",
        "00002.spacy",
    ]
    assert len(load(Path("shards"))) == 6
    export(corpus, "spacy", Path("splits"), split=(0.5, 0.25, 0.25), seed=3)
    ids = {
        name: [d.user_data["id"] for d in load(Path("splits") / f"{name}.spacy")]
        for name in ("train", "dev", "test")
    }
    assert sorted(len(v) for v in ids.values()) == [1, 2, 3]
    assert sorted(itertools.chain.from_iterable(ids.values())) == sorted(stored_spans(corpus))


def test_same_project_same_bytes(corpus: Store) -> None:
    export(corpus, "spacy", Path("a.spacy"))
    export(corpus, "spacy", Path("b.spacy"))
    assert Path("a.spacy").read_bytes() == Path("b.spacy").read_bytes()


FILLER = " ".join(["The talks went on for hours."] * 60)
"""Over 300 tokens: spaCy's NER update computes its oracle (where E024 is raised) on
documents longer than its cut size (50 to 200 tokens)."""


@pytest.mark.parametrize("pipeline", ["spancat", "ner"])
def test_spacy_train_runs_on_the_export(corpus: Store, tmp_path: Path, pipeline: str) -> None:
    """The corpus plus long documents whose spans have whitespace at their edges."""
    import_whitespace_edged(corpus, FILLER)
    report = export(corpus, "spacy", tmp_path / "train.spacy")
    assert not report.lossy
    config = tmp_path / "config.cfg"
    run = [sys.executable, "-m", "spacy"]
    subprocess.run(
        [*run, "init", "config", str(config), "--lang", "en", "--pipeline", pipeline, "--force"],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [
            *run,
            "train",
            str(config),
            "--output",
            str(tmp_path / "model"),
            "--paths.train",
            str(tmp_path / "train.spacy"),
            "--paths.dev",
            str(tmp_path / "train.spacy"),
            "--training.max_steps",
            "4",
            "--training.eval_frequency",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / pipeline).is_dir()


def test_ner_trains_on_spans_with_whitespace_at_their_edges(store: Store) -> None:
    """doc.ents leave edge whitespace out (spaCy E024 otherwise); doc.spans stay exact."""
    from spacy.training import Example

    texts = import_whitespace_edged(store, FILLER)
    report = export(store, "spacy", Path("ws.spacy"))
    assert not report.dropped and not report.changed
    trimmed = [note for note in report.notes if note.startswith(("tab ", "trailing ", "blank "))]
    assert trimmed == [
        "tab gold 0-15 quote '\\tObservers said': trimmed to 1-15 'Observers said' in "
        "doc.ents (whitespace at its edges; exact in doc.spans)",
        "trailing gold 0-25 demand 'Kyiv demands guarantees \\n': trimmed to 0-23 "
        "'Kyiv demands guarantees' in doc.ents (whitespace at its edges; exact in doc.spans)",
        "trailing gold 24-30 guarantor '\\n from': trimmed to 26-30 'from' in doc.ents "
        "(whitespace at its edges; exact in doc.spans)",
        "blank gold 11-14 quote '   ': only whitespace: not in doc.ents (exact in doc.spans)",
    ]
    assert not [note for note in report.notes if "overlapping" in note]  # not once trimmed
    docs = {doc.user_data["id"]: doc for doc in load(Path("ws.spacy"))}
    assert sorted((s.start_char, s.end_char) for s in docs["tab"].spans["sc"]) == [(0, 15)]
    assert [(e.start_char, e.end_char, e.label_) for e in docs["tab"].ents] == [(1, 15, "quote")]
    assert [(e.text, e.label_) for e in docs["trailing"].ents] == [
        ("Kyiv demands guarantees", "demand"),
        ("from", "guarantor"),
    ]
    assert [e.text for e in docs["blank"].ents] == ["Lavrov said"]
    for doc in docs.values():
        assert doc.text == texts[doc.user_data["id"]]
        assert all(not e.text[0].isspace() and not e.text[-1].isspace() for e in doc.ents)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in docs.values()]
    nlp.initialize(lambda: examples)
    for _ in range(3):  # the oracle cut is random: several updates meet every document
        losses = nlp.update(examples)
    assert losses["ner"] > 0
