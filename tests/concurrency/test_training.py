"""One training at a time, across processes; retraining in the background while people work.

Real processes: a second process holds the training lock (and is killed, leaving no
stale lock); `maybe_retrain` starts a real `annotator train` in the background, whose
model then suggests spans in the documents nobody has opened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.models import NewDocument, Status
from annotator.scheme import load_scheme
from annotator.store import Store
from annotator.suggest import Source
from annotator.suggest.model import latest_model, model_info
from annotator.suggest.retrain import log_path, maybe_retrain, unopened_documents
from annotator.suggest.training_lock import is_training, training_lock
from tests.unit.training_corpus import corpus

HOLDER = """
import sys
from pathlib import Path
from annotator.suggest.training_lock import training_lock
with training_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def project(path: Path, documents: list[NewDocument]) -> Path:
    with Store.create(path, load_scheme()[1], "builtin:negotiation-v1") as store:
        store.import_documents(documents)
    return path


def train_cli(db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["train", "--db", str(db), "--max-steps", "5"])
    return result.exit_code, result.stdout, result.stderr


def test_a_second_process_holding_the_lock_refuses_the_trainer(tmp_path: Path) -> None:
    db = project(tmp_path / "p.db", corpus(8))
    models = tmp_path / "p.models"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(models)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        assert is_training(models)
        code, out, err = train_cli(db)
        assert code == 1 and out == ""
        assert f"another training of this project is running (process {holder.pid}, since " in err
        # Killed outright: the kernel drops its lock, nothing is left to clean up.
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
    assert not is_training(models)
    code, out, err = train_cli(db)
    assert code == 0, err
    assert "model v1 written" in out


def mark_done(db: Path, doc_ids: list[str], annotator: str = "ann") -> None:
    with Store.open(db) as store:
        for doc_id in doc_ids:
            store.set_status(doc_id, annotator, Status.DONE)


def test_maybe_retrain_trains_in_the_background_and_refreshes_unopened(tmp_path: Path) -> None:
    documents = corpus(16, layer="ann")
    truth = {
        (str(d.id), start, end, label) for d in documents[13:] for _, start, end, label in d.spans
    }
    for document in documents[12:]:
        document.spans = []  # not labelled yet
    db = project(tmp_path / "p.db", documents)
    ids = [str(document.id) for document in documents]
    mark_done(db, ids[:9])
    assert maybe_retrain(db, every=10, max_steps=200) is None  # 9 < 10: nothing started
    assert not (tmp_path / "p.models").exists() or latest_model(db) is None
    mark_done(db, ids[9:12])
    with Store.open(db) as store:
        store.set_status(ids[12], "bob", Status.IN_PROGRESS)
        assert unopened_documents(store) == ids[13:]
    with training_lock(tmp_path / "p.models"):
        assert maybe_retrain(db, every=10, max_steps=200) is None  # one at a time
    process = maybe_retrain(db, every=10, max_steps=200)
    assert process is not None
    assert process.wait(timeout=120) == 0, log_path(db).read_text()
    model = latest_model(db)
    assert model is not None and model.name == "v1"
    assert model_info(model)["done"] == 12
    log = log_path(db).read_text(encoding="utf-8")
    assert "model v1 written" in log
    assert "model suggestions refreshed on 3 unopened documents" in log
    assert maybe_retrain(db, every=10, max_steps=200) is None  # nothing new since v1
    with Store.open(db) as store:
        found = {
            (doc_id, suggestion.start, suggestion.end, suggestion.label)
            for doc_id in ids[13:]
            for suggestion in store.suggestions.stored(doc_id)
            if suggestion.source is Source.MODEL and suggestion.model == "v1"
        }
        assert sum(len(store.suggestions.stored(doc_id)) for doc_id in ids[13:]) == len(found)
        # Every proposal is right; most of what is there is proposed (six spans).
        assert found <= truth
        assert len(found) >= 4
        # Opened documents keep what they had: nothing here.
        assert store.suggestions.stored(ids[12]) == []
        assert store.suggestions.stored(ids[0]) == []
