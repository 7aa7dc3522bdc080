"""The model source: where trained models live, proposals from one, and retraining.

Models live beside the project, in `<project stem>.models/`: one folder per version
(`v1`, `v2`, ...; each a spaCy pipeline plus `training.json`, what made it) and a
`latest` file naming the newest. A version folder appears whole (renamed into place by
`training.train`) and `latest` is replaced atomically after it, so any reader, in any
process, finds a complete model or none.

Retraining in the background, and refreshing suggestions after it, is `retrain`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.suggest import Proposal, Source, spacy_needed

LATEST = "latest"
MODEL_INFO = "training.json"

PIECE = 20_000
"""Longest text (code points) given to the model at once: a spancat scores every n-gram,
so memory grows with length times n; longer documents go in pieces cut at line breaks."""

_VERSION = re.compile(r"v([1-9][0-9]*)")


def models_root(project: Path, out: Path | None = None) -> Path:
    """The models folder: `out`, else `<project stem>.models` beside the project."""
    return out if out is not None else project.with_name(f"{project.stem}.models")


def versions(root: Path) -> list[Path]:
    """The complete model versions in `root`, oldest first (by number)."""
    if not root.is_dir():
        return []
    found = [
        (int(match.group(1)), entry)
        for entry in root.iterdir()
        if (match := _VERSION.fullmatch(entry.name)) and (entry / MODEL_INFO).is_file()
    ]
    return [entry for _, entry in sorted(found)]


def next_version(root: Path) -> str:
    """The name for the next model (call it under the training lock)."""
    taken = [int(m.group(1)) for e in root.iterdir() if (m := _VERSION.fullmatch(e.name))]
    return f"v{max(taken, default=0) + 1}"


def latest_model(project_path: Path, out: Path | None = None) -> Path | None:
    """The newest complete model of the project (the `latest` pointer), or None."""
    root = models_root(project_path, out)
    try:
        name = (root / LATEST).read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    if _VERSION.fullmatch(name) and (root / name / MODEL_INFO).is_file():
        return root / name
    found = versions(root)
    return found[-1] if found else None


def model_info(model_dir: Path) -> dict[str, Any]:
    """What made a model (`training.json`): scores, documents, the done count, ..."""
    try:
        found = json.loads((model_dir / MODEL_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnnotatorError(f"{model_dir}: not a model made by `annotator train`") from exc
    if not isinstance(found, dict):
        raise AnnotatorError(f"{model_dir}: not a model made by `annotator train`")
    return found


def predict(
    model_dir: Path, texts: Iterable[str], batch_size: int = 32
) -> Iterator[list[Proposal]]:
    """The model's proposals for each text, in order: spans scoring at least its threshold.

    The pipeline is loaded once. A proposal's score is the spancat's probability for its
    label, and `model` names the version (the folder's name). A text longer than `PIECE`
    is read in pieces cut at line breaks, so a span crossing a cut is not proposed.

    Raises:
        AnnotatorError: spaCy is missing, or `model_dir` holds no model.
    """
    spacy = spacy_needed("model suggestions")
    model_info(model_dir)
    try:
        nlp = spacy.load(model_dir)
    except (OSError, ValueError) as exc:
        raise AnnotatorError(f"{model_dir}: cannot load the model: {exc}") from exc
    nlp.max_length = max(nlp.max_length, PIECE * 2)
    key = nlp.get_pipe("spancat").key
    version = model_dir.name
    seen = [0]

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, text in enumerate(texts):
            seen[0] = index + 1
            for offset, piece in _pieces(text):
                yield piece, (index, offset)

    current = 0
    found: list[Proposal] = []
    for doc, (index, offset) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        while current < index:
            yield sorted(found)
            current, found = current + 1, []
        group = doc.spans.get(key, [])
        scores = group.attrs.get("scores", []) if len(group) else []
        for span, score in zip(group, scores, strict=True):
            start, end = offset + span.start_char, offset + span.end_char
            score = min(max(float(score), 0.0), 1.0)
            found.append(Proposal(start, end, span.label_, Source.MODEL, score, version))
    if seen[0]:
        yield sorted(found)


def _pieces(text: str, limit: int = PIECE) -> Iterator[tuple[int, str]]:
    """`text` as (offset, piece) pairs of at most `limit` code points, cut after a line
    break where there is one (else a space, else anywhere)."""
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        end = start + (cut + 1 if cut > 0 else limit)
        yield start, text[start:end]
        start = end
    yield start, text[start:]
