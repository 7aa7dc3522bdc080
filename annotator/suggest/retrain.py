"""Retraining while people work: a background training, then fresh suggestions.

`maybe_retrain` is what the workbench calls when a document is marked done. Once enough
new documents are done it starts `annotator train --refresh` in a detached process at
low priority and returns at once: nobody waits for a training, and the keystrokes of
the workbench keep the CPU first. The training lock keeps it to one training per
project, however many workbenches ask. When the model is written, `refresh_unopened`
replaces the model suggestions of the documents nobody has opened yet; a document
someone is working on keeps the suggestions it opened with.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.models import Status
from annotator.store import Store
from annotator.suggest import Proposal, Source
from annotator.suggest.model import latest_model, model_info, models_root, predict

RETRAIN_STATE = "retrain.json"
"""The done count at the last retrain started, so that a failed one waits for N more."""

CHUNK = 200
"""Documents per write of refreshed suggestions: short transactions beside the workbench."""


def log_path(project_path: Path) -> Path:
    """Where background trainings write their output: beside the models folder."""
    return project_path.with_name(f"{project_path.stem}.train.log")


def maybe_retrain(
    project_path: Path, every: int = 10, *, max_steps: int | None = None
) -> subprocess.Popen[bytes] | None:
    """Start a training in the background if `every` more documents were marked done.

    Counts (document, annotator) pairs marked done, against the count the latest model
    was trained at (or the last retrain started at, so a failing one does not start
    again at every document). The training runs as `annotator train --refresh --nice 10`
    in a detached process, its output appended to `log_path(project_path)`. Returns at
    once with that process, or None when nothing was started (too few new documents, or
    a training is running now).

    Args:
        project_path: the project file.
        every: how many more documents marked done start a training.
        max_steps: passed on to `annotator train` (None: its default).

    Raises:
        AnnotatorError: the project cannot be read, or nothing can be written beside it.
    """
    try:
        return _maybe_retrain(project_path, every, max_steps)
    except OSError as exc:  # the models folder or the log not writable here
        raise AnnotatorError(f"background training not started: {exc}") from exc


def _maybe_retrain(
    project_path: Path, every: int, max_steps: int | None
) -> subprocess.Popen[bytes] | None:
    from annotator.atomic import atomic_writer
    from annotator.suggest.training_data import done_marks
    from annotator.suggest.training_lock import is_training

    root = models_root(project_path)
    if is_training(root):
        return None
    with Store.open(project_path) as store:
        done = done_marks(store)
    latest = latest_model(project_path)
    since = int(model_info(latest).get("done", 0)) if latest is not None else 0
    try:
        state = json.loads((root / RETRAIN_STATE).read_text(encoding="utf-8"))
        since = max(since, int(state["done"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if done - since < every:
        return None
    root.mkdir(parents=True, exist_ok=True)
    with atomic_writer(root / RETRAIN_STATE) as handle:
        handle.write(json.dumps({"done": done, "started": time.time()}) + "\n")
    command = [sys.executable, "-m", "annotator", "train", "--db", str(project_path)]
    command += ["--refresh", "--nice", "10"]
    if max_steps is not None:
        command += ["--max-steps", str(max_steps)]
    with open(log_path(project_path), "ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def unopened_documents(store: Store) -> list[str]:
    """Ids of the documents no annotator has opened (every assignment still todo)."""
    opened: set[str] = set()
    for annotator, counts in store.progress().items():
        for status in (Status.IN_PROGRESS, Status.DONE, Status.SKIPPED):
            if counts.get(status.value):
                items = store.queue(annotator, status=status, limit=int(counts[status.value]))
                opened.update(item.doc_id for item in items)
    return [doc_id for doc_id in store.document_ids() if doc_id not in opened]


def refresh_unopened(project_path: Path, model_dir: Path | None = None) -> int:
    """Replace the model suggestions of every document nobody has opened yet.

    Args:
        project_path: the project file.
        model_dir: the model to propose with (None: the project's latest).

    Returns:
        How many documents got fresh suggestions (0 when there is no model).
    """
    model = model_dir if model_dir is not None else latest_model(project_path)
    if model is None:
        return 0
    with Store.open(project_path) as store:
        labels = set(store.scheme.label_names)
        ids: list[str] = []

        def texts() -> Iterator[str]:
            for doc_id, text in store.suggestions.texts(unopened_documents(store)):
                ids.append(doc_id)
                yield text

        batch: list[tuple[str, Source, list[Proposal]]] = []
        for index, proposals in enumerate(predict(model, texts())):
            # A label the scheme dropped since the training is not proposed.
            batch.append((ids[index], Source.MODEL, [p for p in proposals if p.label in labels]))
            if len(batch) >= CHUNK:
                store.suggestions.replace_many(batch)
                batch = []
        if batch:
            store.suggestions.replace_many(batch)
        return len(ids)
