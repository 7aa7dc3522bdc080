"""Label Studio tasks: a JSON array (or one task object) or JSONL, as exported or imported.

Each task's `data` holds the text (`data.text`, or its only string field); spans come
from `labels`-type results of every annotation (old exports call them `completions`) and
from `predictions` into a separate layer (`predictions`; predictions exported as bare
ids, Label Studio's default, are skipped with a note). Cancelled annotations are skipped.

Layers: an annotation marked `ground_truth` goes to `gold`, and only such an annotation
does. Every other one goes to its annotator's layer, one per person: `created_username`
(its `, N` user id suffix dropped), else `completed_by` (e-mail, user name, or id as
`userN`), else the import's layer. An e-mail is kept whole, `@` written `_at_`
(`bob@one.org` -> `bob_at_one.org`), so two people sharing a local part never share a
layer, in this file or the next; other characters a layer name cannot hold become `-`,
and two people whose names would still meet on one layer stop the import. A person
called `gold` or `predictions` gets the layer `user-gold` / `user-predictions` (noted).

Every region's `value.text` must equal the document at its offsets: a mismatch names the
file, the task's line and the region, with a hint when the offsets are UTF-16 units
(`--offsets utf16`). A labels region that cannot be stored (no labels, offsets that are
not integers, as in HTML/XPath regions, or none) is reported, one note each, with its
file, line and place. `relation` results link two labels regions of the same annotation
(`from_id` -> `to_id`, the head first; `direction: left` the other way round), one
relation per name in `labels`; one without a name, with `direction: bi`, or naming a
region that was not stored (or that has several labels) is not imported, each named in
a note. Other result types (choices, ...) are counted in the notes. `data.doc_id` becomes
the id, other data fields the meta.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import (
    check_text,
    json_problem,
    layer_name,
    mismatch,
    read_json_lines,
    read_text_file,
)
from annotator.models import GOLD, NewDocument
from annotator.offsets import to_codepoints

USER_ID_SUFFIX = re.compile(r",\s*\d+$")
"""Label Studio writes `created_username` as `e-mail, user id`."""


def read_label_studio(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    ignored: Counter[str] = Counter()
    people = _People(options)
    tasks = _json_lines(path, progress) if path.suffix == ".jsonl" else _json_array(path)
    for number, task in tasks:
        yield _task(task, path, number, options, ignored, people)
    if ignored:
        listed = ", ".join(f"{count} {kind}" for kind, count in sorted(ignored.items()))
        options.notes.append(f"{path}: not imported: {listed}")


def _json_lines(path: Path, progress: Progress | None) -> Iterator[tuple[int, Any]]:
    yield from read_json_lines(path, progress)


def _json_array(path: Path) -> Iterator[tuple[int, Any]]:
    """Tasks of a JSON array with the line each starts on (one task object: line 1)."""
    text = read_text_file(path)
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if position < len(text) and text[position] == "{":
        value, end = _decode(decoder, text, position, path)
        _nothing_after(text, end, path)
        yield text.count("\n", 0, position) + 1, value
        return
    if position >= len(text) or text[position] != "[":
        raise InputError(str(path), 1, "expected a JSON array of tasks (or one task object)")
    position = _skip(text, position + 1)
    line, counted = 1, 0
    if position < len(text) and text[position] == "]":
        _nothing_after(text, position + 1, path)
        return
    while True:
        line += text.count("\n", counted, position)
        counted = position
        value, position = _decode(decoder, text, position, path)
        yield line, value
        position = _skip(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            _nothing_after(text, position + 1, path)
            return
        where = text.count("\n", 0, position) + 1
        raise InputError(str(path), where, "expected ',' or ']' between tasks")


def _nothing_after(text: str, position: int, path: Path) -> None:
    """Refuse data after the tasks: two arrays pasted together must not import as one."""
    position = _skip(text, position)
    if position < len(text):
        where = text.count("\n", 0, position) + 1
        raise InputError(str(path), where, "unexpected data after the tasks")


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _decode(decoder: json.JSONDecoder, text: str, position: int, path: Path) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), exc.lineno, json_problem(exc)) from exc
    except (ValueError, RecursionError) as exc:  # deep nesting, a number of 4300+ digits
        where = text.count("\n", 0, position) + 1
        raise InputError(str(path), where, json_problem(exc)) from exc


class _People:
    """The layer of each annotation's person; refuses two people on one layer."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.owners: dict[str, str] = {}
        """layer -> the person (as the file names them) whose layer it is"""

    def layer(self, annotation: dict[str, Any], fail: Any) -> str:
        if annotation.get("ground_truth") is True:
            return GOLD
        person = _person(annotation.get("created_username"))
        name = layer_name(person)
        if name is None:
            person = _person(annotation.get("completed_by"))
            name = layer_name(person)
        if name is None:
            return self.options.default_layer
        if name in (GOLD, self.options.predictions_layer):
            renamed = f"user-{name}"
            if renamed not in self.owners:
                self.options.notes.append(
                    f"annotator {person!r} imported into layer {renamed}: {name} is reserved "
                    "(gold comes from annotations marked ground_truth only)"
                )
            name = renamed
        owner = self.owners.setdefault(name, str(person))
        if owner != str(person):
            raise fail(
                f"annotators {owner!r} and {person!r} would both become layer {name}; "
                "rename one of them in the file"
            )
        return name


def _person(value: Any) -> Any:
    """How the file names a person: a string (`, N` id suffix dropped), an id, or None."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, str):
        value = USER_ID_SUFFIX.sub("", value.strip()).strip()
    return value


def _task(
    task: Any,
    path: Path,
    number: int,
    options: ReadOptions,
    ignored: Counter[str],
    people: _People,
) -> NewDocument:
    def fail(reason: str) -> InputError:
        return InputError(str(path), number, reason)

    def drop(where: str, reason: str, kind: str = "region") -> None:
        options.notes.append(f"{path}:{number}: {where}: {kind} dropped: {reason}")

    if not isinstance(task, dict):
        raise fail(f"expected a task object, got {type(task).__name__}")
    data = task.get("data")
    if not isinstance(data, dict):
        raise fail("task has no 'data' object")
    key = "text"
    if key not in data:
        strings = [name for name, value in data.items() if isinstance(value, str)]
        if len(strings) != 1:
            raise fail(f"which data field holds the text? none is 'text' (fields: {list(data)})")
        key = strings[0]
    text = check_text(data[key], fail)
    spans: list[tuple[str, int, int, str]] = []
    relations: list[tuple[int, int, str]] = []
    annotations = task.get("annotations")
    if annotations is None:
        annotations = task.get("completions", [])
    if not isinstance(annotations, list):
        raise fail("'annotations' must be a list")
    for index, annotation in enumerate(annotations):
        if not isinstance(annotation, dict):
            raise fail(f"annotations[{index}]: expected an object")
        if annotation.get("was_cancelled"):
            ignored["cancelled annotations"] += 1
            continue
        layer = people.layer(annotation, fail)
        what = f"annotations[{index}]"
        _results(annotation, what, text, layer, options, fail, drop, ignored, spans, relations)
    predictions = task.get("predictions")
    if predictions is None:
        predictions = []
    if not isinstance(predictions, list):
        raise fail("'predictions' must be a list")
    for index, prediction in enumerate(predictions):
        if isinstance(prediction, int) and not isinstance(prediction, bool):
            ignored["predictions given as ids (export with full predictions to import them)"] += 1
            continue
        if not isinstance(prediction, dict):
            raise fail(f"predictions[{index}]: expected an object")
        what = f"predictions[{index}]"
        layer = options.predictions_layer
        _results(prediction, what, text, layer, options, fail, drop, ignored, spans, relations)
    doc_id = data.get("doc_id")
    source = data.get("source")
    meta = {k: v for k, v in data.items() if k not in (key, "doc_id", "source")}
    return NewDocument(
        text=text,
        id=doc_id if isinstance(doc_id, str) and doc_id else None,
        source=source if isinstance(source, str) else None,
        meta=meta,
        spans=spans,
        line=number,
        relations=relations,
    )


def _results(
    container: dict[str, Any],
    what: str,
    text: str,
    layer: str,
    options: ReadOptions,
    fail: Any,
    drop: Any,
    ignored: Counter[str],
    spans: list[tuple[str, int, int, str]],
    relations: list[tuple[int, int, str]],
) -> None:
    """Add the container's spans to `spans` and its relations (indexing `spans`) to
    `relations`; relation results are read once every region is known (they may come
    first)."""
    result = container.get("result")
    if result is None:
        result = []
    if not isinstance(result, list):
        raise fail(f"{what}.result must be a list")
    stored: dict[Any, list[int]] = {}
    """region id -> the indexes in `spans` of its spans (one per label)"""
    links: list[tuple[str, dict[str, Any]]] = []
    for index, region in enumerate(result):
        where = f"{what}.result[{index}]"
        if not isinstance(region, dict):
            raise fail(f"{where}: expected an object")
        if region.get("type") == "relation":
            links.append((where, region))
            continue
        value = region.get("value")
        labels_type = region.get("type") == "labels"
        if not isinstance(value, dict) or ("labels" not in value and not labels_type):
            ignored[f"{region.get('type', 'untyped')} results"] += 1
            continue
        labels = value.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            raise fail(f"{where}: 'labels' must be a list of label names")
        if not labels:
            drop(where, "no labels")
            continue
        if "start" not in value:
            drop(where, "no character offsets")
            continue
        if not isinstance(value["start"], int) or isinstance(value["start"], bool):
            offsets = f"{value['start']!r}, {value.get('end')!r}"
            drop(where, f"offsets are not character offsets ({offsets})")
            continue
        try:
            start, end = to_codepoints(
                text, value["start"], value.get("end"), options.offsets, where
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
        if "text" in value and value["text"] != text[start:end]:
            raw = (value["start"], value["end"])
            raise fail(
                f"{where}: " + mismatch(text, start, end, value["text"], options.offsets, raw)
            )
        if isinstance(region.get("id"), str | int):
            stored[region["id"]] = list(range(len(spans), len(spans) + len(labels)))
        spans += [(layer, start, end, label) for label in labels]
    for where, link in links:
        relations += _relation(link, where, stored, fail, drop)


def _relation(
    link: dict[str, Any], where: str, stored: dict[Any, list[int]], fail: Any, drop: Any
) -> list[tuple[int, int, str]]:
    """`(head, child, label)` per name of a relation result (none when it cannot be kept)."""
    labels = link.get("labels")
    if labels is None:
        labels = []
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        raise fail(f"{where}: 'labels' must be a list of relation names")
    direction = link.get("direction", "right")
    ends = []
    for key in ("from_id", "to_id"):
        found = stored.get(link.get(key)) if isinstance(link.get(key), str | int) else None
        if found is None:
            drop(where, f"{key} {link.get(key)!r} names no stored labels region", "relation")
            return []
        if len(found) != 1:
            drop(where, f"{key} {link.get(key)!r} is a region of several labels", "relation")
            return []
        ends.append(found[0])
    if not labels:
        drop(where, "no name in its labels", "relation")
        return []
    if direction not in ("right", "left"):
        drop(where, f"direction {direction!r}: which end is the head?", "relation")
        return []
    head, child = ends if direction == "right" else ends[::-1]
    return [(head, child, label) for label in labels]
