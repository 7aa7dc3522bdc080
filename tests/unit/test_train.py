"""`annotator train` for real: a tiny spancat trained on a generated corpus, then used.

One training (40 documents, 200 steps, a few seconds on two CPUs) is shared by the tests
of the model it writes; the CLI tests train smaller ones of their own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from annotator.cli import app
from annotator.models import NewDocument, Status
from annotator.scheme import load_scheme
from annotator.split import split_sizes
from annotator.store import Store
from annotator.suggest import Proposal, Source
from annotator.suggest.model import latest_model, model_info, predict, versions
from annotator.suggest.training import TrainResult, train
from annotator.suggest.training_lock import training_lock
from tests.unit.training_corpus import corpus

runner = CliRunner()

# Held-out texts written by hand in the corpus's pattern, with names and words in orders
# no training document has.
EASY = (
    "Guarantees could come from Norway, Egypt and Japan, officials said. "
    "An envoy said: “Open the border.” Talks in Brazil continued on Friday."
)


def project(path: Path, documents: list[NewDocument]) -> Path:
    with Store.create(path, load_scheme()[1], "builtin:negotiation-v1") as store:
        store.import_documents(documents)
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TrainResult]:
    db = project(tmp_path_factory.mktemp("train") / "news.db", corpus(40))
    lines: list[str] = []
    steps: list[tuple[int, int]] = []
    result = train(db, max_steps=200, say=lines.append, on_step=lambda *a: steps.append(a))
    assert lines[0] == "reading what people kept in news.db"
    assert any(line.startswith("step 200/200: loss ") for line in lines)
    assert steps[-1] == (200, 200)
    assert len(steps) >= 200
    return db, result


def test_the_model_is_written_beside_the_project(trained: tuple[Path, TrainResult]) -> None:
    db, result = trained
    root = db.with_name("news.models")
    assert result.version == "v1"
    assert result.path == root / "v1"
    assert (root / "latest").read_text(encoding="utf-8") == "v1\n"
    assert latest_model(db) == root / "v1"
    assert versions(root) == [root / "v1"]
    # Nothing half-written is left: only the lock file, the pointer and the model.
    assert sorted(p.name for p in root.iterdir()) == [".train.lock", "latest", "v1"]
    nlp = spacy.load(root / "v1")
    assert nlp.pipe_names == ["tok2vec", "spancat"]
    assert nlp.get_pipe("spancat").labels == ("guarantor", "quote")


def test_training_json_says_what_made_the_model(trained: tuple[Path, TrainResult]) -> None:
    _, result = trained
    info = model_info(result.path)
    train_docs, held_out_docs = split_sizes(40, (0.8, 0.2))
    assert info["documents"] == {"train": train_docs, "held-out": held_out_docs}
    assert info["layers"] == {"gold": 40}
    assert info["spans"]["held-out"] == {"guarantor": held_out_docs, "quote": held_out_docs}
    assert info["done"] == 0
    assert info["max_steps"] == 200
    assert set(info["scores"]) == {"guarantor", "quote", "all"}
    assert info["scores"]["all"]["support"] == 2 * held_out_docs


def test_held_out_scores_per_label(trained: tuple[Path, TrainResult]) -> None:
    _, result = trained
    assert [score.label for score in result.scores] == ["guarantor", "quote", "all"]
    for score in result.scores:
        assert 0.0 <= score.precision <= 1.0 and 0.0 <= score.recall <= 1.0
    # A regular pattern, learnt: the held-out documents are found.
    assert result.scores[-1].f >= 0.8, result.scores


def test_predict_proposes_the_exact_spans_on_an_easy_text(
    trained: tuple[Path, TrainResult],
) -> None:
    db, _ = trained
    model = latest_model(db)
    assert model is not None
    found = list(predict(model, [EASY, "", "Nothing to see here."]))
    assert len(found) == 3
    easy, empty, nothing = found
    start = EASY.index("Norway")
    spans = [(p.start, p.end, p.label, p.source) for p in easy]
    assert (start, start + len("Norway, Egypt and Japan"), "guarantor", Source.MODEL) in spans
    assert all(isinstance(p, Proposal) and p.model == "v1" for p in easy)
    assert all(0.5 <= p.score <= 1.0 for p in easy)
    quote = EASY.index("“")
    assert (quote, EASY.index("”") + 1, "quote", Source.MODEL) in spans
    assert empty == [] and nothing == []


def test_predict_reads_long_texts_in_pieces_with_true_offsets(
    trained: tuple[Path, TrainResult],
) -> None:
    db, _ = trained
    model = latest_model(db)
    assert model is not None
    filler = ("Talks went on. " * 60 + "\n") * 30  # ~27,000 code points: two pieces
    text = filler + EASY
    (found,) = predict(model, [text])
    start = text.index("Norway")
    assert (start, start + len("Norway, Egypt and Japan"), "guarantor") in [
        (p.start, p.end, p.label) for p in found
    ]


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, ["train", *map(str, args)])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stdout, result.stderr


def error(*args: str | Path) -> str:
    """The one error line of a refused training (after any progress lines)."""
    out, err = run(*args, code=1)
    assert out == ""
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error: ")] == [
        err.splitlines()[-1]
    ]
    return err.splitlines()[-1]


def test_the_command_trains_prints_scores_and_counts_versions(tmp_path: Path) -> None:
    db = project(tmp_path / "p.db", corpus(12))
    out, err = run("--db", db, "--max-steps", "20")
    lines = out.splitlines()
    assert lines[0].split() == ["label", "P", "R", "F", "held-out", "spans"]
    assert [line.split()[0] for line in lines[2:5]] == ["guarantor", "quote", "all"]
    assert lines[5].startswith(f"model v1 written to {tmp_path / 'p.models' / 'v1'} (")
    assert "10 training documents, 2 held out; spans: guarantor 12, quote 12" in err
    assert "step 20/20: loss " in err
    run("--db", db, "--max-steps", "5", "--out", tmp_path / "elsewhere")
    assert latest_model(db, tmp_path / "elsewhere") == tmp_path / "elsewhere" / "v1"
    out, _ = run("--db", db, "--max-steps", "5", "--seed", "3")
    assert "model v2 written" in out
    assert latest_model(db) == tmp_path / "p.models" / "v2"
    assert json.loads((tmp_path / "p.models" / "v2" / "training.json").read_text())["seed"] == 3


def test_errors_are_one_line_messages(tmp_path: Path) -> None:
    empty = project(tmp_path / "empty.db", [])
    assert error("--db", empty) == (
        "error: nothing to train on: no document is finished in gold or done layers "
        "(gold spans, adjudicated, or marked done)"
    )
    few = project(tmp_path / "few.db", corpus(3))
    assert error("--db", few) == (
        "error: too few documents for a held-out split: 3 finished in gold or done layers, "
        "at least 5 needed"
    )
    assert error("--db", few, "--layer", "alice") == (
        "error: nothing to train on: no document is finished in layer 'alice' "
        "(gold spans, adjudicated, or marked done)"
    )
    spanless = project(tmp_path / "spanless.db", [])
    with Store.open(spanless) as store:
        store.import_documents([NewDocument(text=f"Nothing {i}.") for i in range(6)])
        store.mark_adjudicated(store.document_ids()[0], "lead")
        for doc_id in store.document_ids()[1:]:
            store.set_status(doc_id, "alice", Status.DONE)
    assert error("--db", spanless) == (
        "error: nothing to train on: the 6 documents finished in gold or done layers hold no spans"
    )
    missing = tmp_path / "missing.db"
    assert error("--db", missing) == (
        f"error: {missing}: no project here (create one with `annotator init`)"
    )
    assert error("--db", few, "--max-steps", "0") == (
        "error: --max-steps 0: train at least one step"
    )
    enough = project(tmp_path / "enough.db", corpus(8))
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert error("--db", enough, "--out", tmp_path / "a-file") == (
        f"error: training failed: [Errno 17] File exists: '{tmp_path / 'a-file'}'"
    )
    assert not (tmp_path / "few.models" / "v1").exists()
    assert not missing.exists()


def test_a_held_lock_refuses_a_second_trainer(tmp_path: Path) -> None:
    db = project(tmp_path / "p.db", corpus(8))
    with training_lock(tmp_path / "p.models"):
        refused = error("--db", db, "--max-steps", "5")
    assert refused.startswith("error: another training of this project is running (process ")
    assert refused.endswith("; its model will be used when it is done")
    assert latest_model(db) is None
    run("--db", db, "--max-steps", "5")  # released: the next one trains


def test_without_spacy_the_error_names_the_extra(tmp_path: Path) -> None:
    db = project(tmp_path / "p.db", corpus(8))
    blocked = (
        "import sys; sys.modules['spacy'] = None; "
        "from annotator.cli import main; sys.argv = ['annotator', 'train', '--db', sys.argv[1]]; "
        "main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, str(db)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr == (
        "error: annotator train needs spaCy, an optional dependency: "
        "pip install 'annotator[suggest]'\n"
    )
