"""CoNLL tag columns: their tags read into chunks, and the layer each column goes to.

A file may carry several tag columns for two different reasons. Our own export (and
nested-NER corpora) give each label or nesting level a column: one annotation, one
layer. conlleval files put the gold and the predicted tags side by side: two
annotations, which must not be merged. Without `--tag-columns` the columns' labels tell
them apart (see `competing`); `--tag-columns 2,3=predicted` says it outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.errors import InputError
from annotator.ingest.common import layer_name
from annotator.models import check_name

TAG = re.compile(r"^(?:O|([BIESLU])-(.+))$")
COLUMN_NUMBER = re.compile(r"^\d{1,6}$", re.ASCII)
MAX_COLUMN_LAYERS = 32
"""More competing tag columns than this is no evaluation file: the user is asked."""

Chosen = list[tuple[int, "str | None"]]
"""`(column index from 0, layer or None for the import's layer)` per chosen column."""


def parse_tag_columns(spec: str, file: str) -> Chosen:
    """`--tag-columns 2,3=predicted` as `(column index from 0, layer or None)` pairs.

    A column without a layer goes to the import's layer (`--layer`, gold by default), so
    `2,3` reads both columns into one layer and `2` reads only the second column.
    """
    chosen: Chosen = []
    for part in spec.split(","):
        number, named, layer = part.strip().partition("=")
        if not COLUMN_NUMBER.match(number.strip()) or int(number) < 1:
            raise InputError(
                file,
                None,
                f"--tag-columns {spec!r}: give column numbers from 1, each optionally with "
                "=LAYER (e.g. 2 or 2,3=predicted)",
            )
        name = None
        if named:
            try:
                name = check_name(layer.strip(), "--tag-columns layer")
            except ValueError as exc:
                raise InputError(file, None, str(exc)) from exc
        chosen.append((int(number) - 1, name))
    return chosen


def check_chosen(
    chosen: Chosen, width: int, index: int | None, token: int, file: str, line: int
) -> None:
    """Refuse chosen columns the file lacks, or that hold tokens or token numbers."""
    for i, _ in chosen:
        if i >= width:
            reason = f"--tag-columns: no column {i + 1} (the file has {width})"
        elif i in (index, token):
            what = "tokens" if i == token else "token numbers"
            reason = f"--tag-columns: column {i + 1} holds the {what}"
        else:
            continue
        raise InputError(file, line, reason)


def competing(labels: list[set[str]]) -> bool:
    """Whether tag columns are rival annotations: two or more hold several labels each.

    A column per label (or level) holds one label; one column of all labels beside such
    columns is still one annotation. Gold and predicted columns each hold many.
    """
    return sum(len(seen) > 1 for seen in labels) >= 2


def column_layers(
    tags: list[int], names: list[str] | None, default: str, file: str
) -> tuple[list[str], str]:
    """Layers for competing columns (the import's, then one per further column) and a note.

    A further column's layer is its CoNLL-U Plus name when that makes a layer name, else
    `column-N` (N counted from 1, as the note and `--tag-columns` count).
    """
    first, *others = tags
    if len(others) > MAX_COLUMN_LAYERS:
        raise InputError(
            file,
            None,
            f"{len(tags)} tag columns holding several labels each: choose which to read "
            f"with --tag-columns (e.g. {first + 1}, or {first + 1},{others[0] + 1}=predicted)",
        )
    layers = [default]
    for i in others:
        name = layer_name(names[i]) if names else None
        if name is None or name in layers:
            name = f"column-{i + 1}"
        layers.append(name)
    moved = ", ".join(
        f"column {i + 1} to layer {name}" for i, name in zip(others, layers[1:], strict=True)
    )
    listed = ",".join(str(i + 1) for i in tags)
    note = (
        f"tag columns {listed} hold different annotations (several labels each): column "
        f"{first + 1} went to layer {default}, {moved}; --tag-columns {listed} reads them "
        f"into one layer, --tag-columns {first + 1} only the first, N=LAYER names a layer"
    )
    return layers, note


def chunks(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """`(first, last, label)` token ranges, read leniently as conlleval does."""
    label: str | None = None
    first = 0
    for position, tag in enumerate(tags):
        match = TAG.match(tag)
        assert match is not None
        prefix, name = match.group(1), match.group(2)
        if prefix is None:
            if label is not None:
                yield first, position, label
            label = None
            continue
        if prefix in "BSU" or name != label:
            if label is not None:
                yield first, position, label
            label, first = name, position
        if prefix in "ESLU":
            yield first, position + 1, name
            label = None
    if label is not None:
        yield first, len(tags), label
