"""`annotator train`: a spaCy spancat pipeline trained on what people kept, in-process.

The steps, under the project's training lock (`training_lock`): read the kept spans into
DocBins (`training_data`) in a staging folder inside the models folder; write a config
(spancat on a small tok2vec, CPU, blank language, nothing downloaded); run spaCy's own
training loop (`spacy.training.loop.train`, what `spacy train` runs); score the final
model on the held-out documents, which neither trained nor chose it (the last step is
kept, not the best one on held-out); rename the pipeline into place as the next version
`vN`, then point `latest` at it. A reader sees a whole model or none, and a killed
trainer leaves only a staging folder that the next training removes.

The config and its sizes are `spancat_config`'s.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.atomic import atomic_writer, sweep_stale, temp_prefix
from annotator.errors import AnnotatorError
from annotator.suggest import spacy_needed
from annotator.suggest.model import (
    LATEST,
    MODEL_INFO,
    models_root,
    next_version,
)
from annotator.suggest.spancat_config import LANG, LOGGER, MAX_NGRAM, spancat_config
from annotator.suggest.training_data import HELD_OUT_NAME, SPANS_KEY, TRAIN, TrainingSet
from annotator.suggest.training_lock import training_lock

DEFAULT_STEPS = 400

Say = Callable[[str], None]
Step = Callable[[int, int], None]


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F on the held-out documents, in [0, 1]; `support`: spans."""

    label: str
    precision: float
    recall: float
    f: float
    support: int


@dataclass(frozen=True)
class TrainResult:
    version: str
    path: Path
    scores: list[LabelScore]
    """One per label, in alphabetical order, then `all` (micro-averaged)."""
    data: TrainingSet
    seconds: float
    refreshed: int | None = None
    """Documents whose model suggestions were replaced (None: not asked to)."""


def train(
    project: Path,
    *,
    layer: str | None = None,
    out: Path | None = None,
    seed: int = 0,
    max_steps: int = DEFAULT_STEPS,
    say: Say | None = None,
    on_step: Step | None = None,
    refresh: bool = False,
) -> TrainResult:
    """Train the next model version of `project`; the whole recipe is the module's.

    Args:
        project: the project file (only read).
        layer: train on this layer only (see `training_data`); None: what people kept.
        out: the models folder (default: `<project stem>.models` beside the project).
        seed: the held-out split's and the training's seed.
        max_steps: training steps (batches).
        say: receives progress lines (phases, and the held-out F at every evaluation).
        on_step: receives (step, max_steps) after every step, for a progress bar.
        refresh: then replace the model suggestions of the documents nobody has opened
            (`retrain.refresh_unopened`), still holding the lock: a background retrain
            and its refresh are one job, never two at once beside the workbench.

    Raises:
        AnnotatorError: spaCy missing, nothing to train on, too few documents, or
            `TrainingRunning` when another process trains this project now.
    """
    if max_steps < 1:
        raise AnnotatorError(f"--max-steps {max_steps}: train at least one step")
    spacy_needed("annotator train")
    tell = say or (lambda _line: None)
    began = time.monotonic()
    root = models_root(project, out)
    try:
        with training_lock(models_root(project)):
            root.mkdir(parents=True, exist_ok=True)
            version = next_version(root)
            target = root / version
            sweep_stale(target)
            staging = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=root))
            try:
                data, scores = _train_in(staging, project, layer, seed, max_steps, tell, on_step)
                model = staging / "output" / "model-last"
                _write_info(
                    model / MODEL_INFO, version, project, layer, data, scores, seed, max_steps
                )
                os.rename(model, target)
                with atomic_writer(root / LATEST) as pointer:
                    pointer.write(version + "\n")
                refreshed = _refresh(project, target, tell) if refresh else None
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # a folder not writable here, a full disk: say so, briefly
        raise AnnotatorError(f"training failed: {exc}") from exc
    return TrainResult(version, target, scores, data, time.monotonic() - began, refreshed)


def _train_in(
    staging: Path,
    project: Path,
    layer: str | None,
    seed: int,
    steps: int,
    tell: Say,
    on_step: Step | None,
) -> tuple[TrainingSet, list[LabelScore]]:
    """Data, config, training and scores, all inside `staging` (output: `output/`)."""
    import spacy

    from annotator.store import Store
    from annotator.suggest.training_data import build_training_set

    tell(f"reading what people kept in {project.name}")
    with Store.open(project) as store:
        data = build_training_set(store, staging, spacy.blank(LANG), layer=layer, seed=seed)
    tell(_describe(data))
    if data.longest > MAX_NGRAM:
        tell(
            f"note: the longest span has {data.longest} tokens; "
            f"the model proposes spans of up to {MAX_NGRAM}"
        )
    config = spancat_config(
        data.train_path,
        data.held_out_path,
        max_ngram=min(max(data.longest, 1), MAX_NGRAM),
        seed=seed,
        steps=steps,
    )
    (staging / "config.cfg").write_text(config, encoding="utf-8")
    nlp = _fit(config, staging / "output", steps, tell, on_step)
    return data, _scores(nlp, data)


def _refresh(project: Path, model: Path, tell: Say) -> int:
    from annotator.suggest.retrain import refresh_unopened

    tell("refreshing the model suggestions of documents nobody has opened yet")
    return refresh_unopened(project, model)


def _describe(data: TrainingSet) -> str:
    labels = data.spans[TRAIN] + data.spans[HELD_OUT_NAME]
    parts = [
        f"{data.documents[TRAIN]} training documents, {data.documents[HELD_OUT_NAME]} held out",
        "spans: " + ", ".join(f"{label} {count}" for label, count in sorted(labels.items())),
        "layers: " + ", ".join(f"{name} {count}" for name, count in sorted(data.layers.items())),
    ]
    if data.moved or data.dropped:
        parts.append(f"{data.moved} spans widened to whole tokens, {data.dropped} left out")
    return "; ".join(parts)


def _fit(config_text: str, output: Path, steps: int, tell: Say, on_step: Step | None) -> Any:
    """spaCy's training loop on the config; returns the trained pipeline (last step)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop
    from spacy.util import registry
    from thinc.api import Config

    def logger() -> Callable[..., Any]:
        def setup(nlp: Any, stdout: Any = None, stderr: Any = None) -> tuple[Any, Any]:
            count = [0]

            def log_step(info: dict[str, Any] | None) -> None:
                count[0] += 1
                if on_step is not None:
                    on_step(min(count[0], steps), steps)
                if info is not None:
                    losses = ", ".join(f"{k} {v:.2f}" for k, v in sorted(info["losses"].items()))
                    f = info["other_scores"].get("spans_sc_f") or 0.0
                    tell(f"step {info['step']}/{steps}: loss {losses}; held-out F {f:.2f}")

            return log_step, lambda: None

        return setup

    # Registered afresh for each training: the loop finds its logger by name only.
    registry.loggers.register(LOGGER, func=logger)
    output.mkdir()
    tell(f"training {steps} steps")
    try:
        nlp = init_nlp(Config().from_str(config_text))
        # spaCy's own banner lines would land on stdout, which carries data: dropped.
        train_loop(nlp, output, stdout=io.StringIO(), stderr=io.StringIO())
    except (ValueError, KeyError) as exc:  # spaCy's config and data errors
        raise AnnotatorError(f"training failed: {exc}") from exc
    return nlp


def _scores(nlp: Any, data: TrainingSet) -> list[LabelScore]:
    """Per-label and overall P/R/F of the trained pipeline on the held-out documents."""
    from spacy.training import Corpus

    examples = list(Corpus(str(data.held_out_path))(nlp))
    found = nlp.evaluate(examples) if examples else {}
    per_type = found.get(f"spans_{SPANS_KEY}_per_type") or {}
    held_out = data.spans[HELD_OUT_NAME]
    labels = sorted(set(data.spans[TRAIN]) | set(held_out) | set(per_type))
    scores = []
    for label in labels:
        entry = per_type.get(label, {})
        scores.append(
            LabelScore(
                label,
                float(entry.get("p", 0.0)),
                float(entry.get("r", 0.0)),
                float(entry.get("f", 0.0)),
                held_out[label],
            )
        )
    key = f"spans_{SPANS_KEY}"
    scores.append(
        LabelScore(
            "all",
            float(found.get(f"{key}_p") or 0.0),
            float(found.get(f"{key}_r") or 0.0),
            float(found.get(f"{key}_f") or 0.0),
            sum(held_out.values()),
        )
    )
    return scores


def _write_info(
    path: Path,
    version: str,
    project: Path,
    layer: str | None,
    data: TrainingSet,
    scores: list[LabelScore],
    seed: int,
    steps: int,
) -> None:
    """What made this model, beside it: `maybe_retrain` counts from `done`."""
    from annotator import __version__

    info = {
        "version": version,
        "trained": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "project": project.name,
        "layer": layer,
        "layers": dict(sorted(data.layers.items())),
        "documents": {TRAIN: data.documents[TRAIN], HELD_OUT_NAME: data.documents[HELD_OUT_NAME]},
        "spans": {split: dict(sorted(counts.items())) for split, counts in data.spans.items()},
        "done": data.done,
        "seed": seed,
        "max_steps": steps,
        "scores": {
            s.label: {"p": s.precision, "r": s.recall, "f": s.f, "support": s.support}
            for s in scores
        },
        "annotator": __version__,
    }
    path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
