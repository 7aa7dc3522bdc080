"""`annotator train` on 500 generated documents: CPU seconds, against `spacy train`.

    python bench/train.py [--docs 500] [--max-steps 400] [--repeat 1]

The corpus is the generator of the training tests (tests/unit/training_corpus.py: a
guarantor list and a quotation in every short document, in gold). Both runs are child
processes, measured by their CPU time (user + system, from `getrusage` of the children):

- ours: `python -m annotator train`: reads the project, builds the DocBins, trains,
  scores the held-out documents, writes the model version;
- baseline: spaCy's own `python -m spacy train` on the same DocBins (built here with the
  same library function) and the same config, with spaCy's console logger in place of
  ours. It neither reads the project nor scores the held-out split a second time.

Then the suggestion refresh after a retrain (`refresh_unopened`: every document, since
nobody opened any) against `nlp.pipe` of the same model over the same texts.

The ratio (ours / baseline) is what our work around spaCy's loop costs. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "unit"))
from training_corpus import corpus  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """CPU seconds and wall seconds of one child process (which must succeed)."""
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stdout}\n{done.stderr}")
    return children_cpu() - cpu, time.perf_counter() - wall


def make_project(db: Path, docs: int) -> None:
    from annotator.scheme import load_scheme
    from annotator.store import Store

    with Store.create(db, load_scheme()[1], "bench") as store:
        store.import_documents(corpus(docs))


def baseline_inputs(db: Path, folder: Path, steps: int) -> Path:
    """The DocBins and config our training would make, for `spacy train` to run."""
    import spacy

    from annotator.store import Store
    from annotator.suggest.spancat_config import LANG, LOGGER, MAX_NGRAM, spancat_config
    from annotator.suggest.training_data import build_training_set

    with Store.open(db) as store:
        data = build_training_set(store, folder, spacy.blank(LANG), seed=0)
    config = spancat_config(
        data.train_path,
        data.held_out_path,
        max_ngram=min(max(data.longest, 1), MAX_NGRAM),
        seed=0,
        steps=steps,
    ).replace(LOGGER, "spacy.ConsoleLogger.v1")
    path = folder / "config.cfg"
    path.write_text(config, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--max-steps", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        db = work / "bench.db"
        make_project(db, args.docs)
        config = baseline_inputs(db, work, args.max_steps)
        ours_cmd = [sys.executable, "-m", "annotator", "train", "--db", str(db)]
        ours_cmd += ["--max-steps", str(args.max_steps)]
        spacy_cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output"]
        print(f"{args.docs} documents, {args.max_steps} steps, 2 runs x {args.repeat}")
        ours, theirs = [], []
        for run in range(args.repeat):
            theirs.append(timed([*spacy_cmd, str(work / f"spacy-{run}")], work))
            ours.append(timed(ours_cmd, work))
        from annotator.suggest.model import latest_model, model_info

        model = latest_model(db)
        assert model is not None
        info = model_info(model)
        ours_cpu, ours_wall = min(ours)
        base_cpu, base_wall = min(theirs)
        print(f"annotator train   {ours_cpu:7.1f} CPU s  {ours_wall:7.1f} s wall")
        print(f"spacy train       {base_cpu:7.1f} CPU s  {base_wall:7.1f} s wall")
        print(f"ratio (CPU)       {ours_cpu / base_cpu:7.2f}x")
        print("held-out scores   " + json.dumps(info["scores"]["all"]))
        refresh(db, model)


def refresh(db: Path, model: Path) -> None:
    """Suggestion refresh after a retrain (every document unopened here) against spaCy's
    own `nlp.pipe` of the same model over the same texts, in this process."""
    import spacy

    from annotator.store import Store
    from annotator.suggest.retrain import refresh_unopened

    start = time.process_time()
    count = refresh_unopened(db, model)
    ours = time.process_time() - start
    with Store.open(db) as store:
        texts = [text for _, text in store.suggestions.texts(store.document_ids())]
    start = time.process_time()
    nlp = spacy.load(model)
    found = sum(len(doc.spans["sc"]) for doc in nlp.pipe(texts, batch_size=32))
    base = time.process_time() - start
    print(f"refresh           {ours:7.1f} CPU s  ({count} documents, stored)")
    print(f"spacy nlp.pipe    {base:7.1f} CPU s  ({found} spans, not stored)")
    print(f"ratio (CPU)       {ours / base:7.2f}x")


if __name__ == "__main__":
    main()
