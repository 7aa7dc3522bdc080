"""Every importer, fed broken files: a correct import, or `file:line: reason` and no change.

Valid files are generated in each format, then broken: truncated at any byte, an invalid
UTF-8 byte or a NUL inserted anywhere, CRLF line ends, a UTF-8 BOM in front or inside, a
UTF-16 re-encoding, emptied; JSON records get values of the wrong type, reversed or
out-of-range offsets. Whatever happens, the only exception allowed is `InputError`, it
names the file and a line (>= 1), and the database is exactly as before; where the effect
of the damage is certain (a bad byte on line 7) the test says what must happen.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from corpus_files import (
    FORMATS,
    JSON_FORMATS,
    JSON_LINES,
    OFFSET_FIELDS,
    OTHER_VALUES,
    Doc,
    Stored,
    docs,
    expected,
    files_of,
    get,
    json_type,
    put,
    record_line,
    records,
    serialise,
    span_paths,
    stored,
    strict_paths,
    write,
)
from hypothesis import HealthCheck, given, settings, strategies as st

from annotator.errors import InputError
from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store, text_hash

# ROBUSTNESS_EXAMPLES=1000 for a long local run; CI keeps the default.
EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "15"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),  # generous: catches a hang, not a slow machine
    suppress_health_check=[HealthCheck.too_slow],
)
SCHEME_TEXT = load_scheme()[1]
BOM = b"\xef\xbb\xbf"


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@dataclass
class Outcome:
    """What an import did: the stored documents, or the error (and whether nothing changed)."""

    documents: list[Stored] | None
    error: InputError | None
    unchanged: bool


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding one document: copied for every example (faster than creating)."""
    path = tmp_path_factory.mktemp("template") / "p.db"
    with Store.create(path, SCHEME_TEXT, "test") as store, store.transaction():
        store.import_documents([NewDocument(text="Already here.", id="before")])
    return path


def attempt(template: Path, fmt: str, files: dict[str, bytes]) -> tuple[Outcome, Path]:
    """Import the files into a copy of the template project; report what happened."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = write(root, fmt, files)
        shutil.copyfile(template, root / "p.db")
        with Store.open(root / "p.db") as store:
            before = dump(store.path)
            try:
                import_file(store, path, format=FORMATS[fmt][0])
            except InputError as exc:
                check_message(exc, path)
                return Outcome(None, exc, dump(store.path) == before), path
            documents = [d for d in stored(store) if d[0] != "before"]
            return Outcome(documents, None, False), path


def check_message(exc: InputError, path: Path) -> None:
    """`file:line: reason`, the file inside what was imported, the line a real one."""
    assert exc.path == str(path) or exc.path.startswith(f"{path}{os.sep}"), exc
    assert isinstance(exc.line, int) and exc.line >= 1, exc
    assert exc.reason.strip(), exc
    assert str(exc) == f"{exc.path}:{exc.line}: {exc.reason}"


def line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


# ------------------------------------------------------------------ predictions

OK, FAILS, EITHER = "ok", "fails", "either"


@dataclass
class Damage:
    """One way of breaking one file, and what the import must then do."""

    kind: str
    file: str
    data: bytes
    expect: str
    line: int | None = None
    """For FAILS: the line the error must name (None: any line)."""
    documents: list[Stored] | None = None
    """For OK: what the store must hold."""
    in_reason: str = ""


def damage(draw: st.DrawFn, fmt: str, corpus: list[Doc]) -> tuple[dict[str, bytes], Damage]:
    files = files_of(fmt, corpus)
    name = draw(st.sampled_from(sorted(files)))
    data = files[name]
    kind = draw(
        st.sampled_from(
            ["truncate", "bad-utf8", "nul", "crlf", "bom", "inner-bom", "utf16", "empty"]
        )
    )
    same = expected(fmt, corpus)
    json_lines = fmt in JSON_LINES
    is_text = fmt == "txt"
    brat_ann = fmt == "brat" and name.endswith(".ann")
    if kind == "truncate":
        cut = draw(st.integers(0, max(len(data) - 1, 0)))
        new = data[:cut]
        if json_lines:
            *complete, partial = new.split(b"\n")
            if cut == len(data) - 1:  # only the last line end is gone
                found = Damage(kind, name, new, OK, documents=same)
            elif partial:
                found = Damage(kind, name, new, FAILS, len(complete) + 1)
            else:
                found = Damage(
                    kind, name, new, OK, documents=expected(fmt, corpus[: len(complete)])
                )
        elif fmt == "label-studio-json":
            found = Damage(kind, name, new, OK if cut == len(data) - 1 else FAILS, documents=same)
        elif is_text:
            try:
                text = new.decode("utf-8")
            except UnicodeDecodeError:
                found = Damage(kind, name, new, FAILS, line_of(new, len(new)))
            else:
                found = Damage(kind, name, new, OK, documents=text_documents(text))
        else:
            found = Damage(kind, name, new, EITHER)
    elif kind in ("bad-utf8", "nul"):
        position = draw(st.integers(0, len(data)))
        byte = b"\xff" if kind == "bad-utf8" else b"\x00"
        new = data[:position] + byte + data[position:]
        line = line_of(data, position)
        splits_a_character = position < len(data) and 0x80 <= data[position] < 0xC0
        if kind == "bad-utf8" or splits_a_character:
            found = Damage(kind, name, new, FAILS, line, in_reason="invalid UTF-8")
        elif fmt in JSON_FORMATS:
            found = Damage(kind, name, new, FAILS, line, in_reason="JSON" if json_lines else "")
        elif is_text:
            found = Damage(kind, name, new, OK, documents=text_documents(new.decode("utf-8")))
        else:
            found = Damage(kind, name, new, EITHER)
    elif kind == "crlf":
        new = data.replace(b"\n", b"\r\n")
        if is_text:
            found = Damage(kind, name, new, OK, documents=text_documents(new.decode("utf-8")))
        elif fmt == "brat" and not brat_ann:
            found = Damage(kind, name, new, EITHER)
        else:
            found = Damage(kind, name, new, OK, documents=same)
    elif kind == "bom":
        found = Damage(kind, name, BOM + data, OK, documents=same)
    elif kind == "inner-bom":
        starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == 0x0A and i + 1 < len(data)]
        position = draw(st.sampled_from(starts[1:])) if len(starts) > 1 else len(data)
        new = data[:position] + BOM + data[position:]
        if position == 0 or (fmt != "txt" and fmt not in JSON_LINES):
            found = Damage(kind, name, new, EITHER)
        elif is_text:
            found = Damage(kind, name, new, OK, documents=text_documents(new.decode("utf-8")))
        else:
            found = Damage(kind, name, new, FAILS, line_of(new, position), in_reason="BOM")
    elif kind == "utf16":
        new = data.decode("utf-8").encode("utf-16")
        found = Damage(kind, name, new, FAILS, 1, in_reason="UTF-16")
    else:  # empty
        new = b""
        if json_lines or fmt == "conll":
            found = Damage(kind, name, new, OK, documents=[])
        elif is_text:
            found = Damage(kind, name, new, OK, documents=text_documents(""))
        elif fmt == "label-studio-json":
            found = Damage(kind, name, new, FAILS, 1)
        elif brat_ann:
            emptied = name.removesuffix(".ann")
            found = Damage(
                kind,
                name,
                new,
                OK,
                documents=[(i, t, s if i != emptied else ()) for i, t, s in same],
            )
        else:
            found = Damage(kind, name, new, EITHER)
    return {**files, name: found.data}, found


def text_documents(text: str) -> list[Stored]:
    return [(text_hash(text), text, ())]


def check(outcome: Outcome, path: Path, fmt: str, found: Damage) -> None:
    where = path / found.file if fmt == "brat" else path
    if outcome.error is not None:
        assert outcome.unchanged, f"the failed import changed the database: {outcome.error}"
        assert found.expect != OK, f"{found.kind}: should import, got {outcome.error}"
        if found.expect == FAILS:
            assert outcome.error.path == str(where), outcome.error
            if found.line is not None:
                assert outcome.error.line == found.line, (found.kind, str(outcome.error))
            assert found.in_reason in outcome.error.reason, outcome.error
        return
    assert found.expect != FAILS, f"{found.kind}: should fail on line {found.line}, imported"
    if found.expect == OK:
        assert outcome.documents == found.documents, found.kind
    else:
        assert outcome.documents is not None
        for _, text, spans in outcome.documents:
            assert all(0 <= start < end <= len(text) for _, start, end, _ in spans)


# ------------------------------------------------------------------------ tests


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@PROPERTY
@given(data=st.data())
def test_damaged_bytes_import_correctly_or_fail_cleanly(
    template: Path, fmt: str, data: st.DataObject
) -> None:
    corpus = data.draw(docs(nested=fmt != "conll"))
    files, found = damage(data.draw, fmt, corpus)
    outcome, path = attempt(template, fmt, files)
    check(outcome, path, fmt, found)


def mutate(fmt: str, corpus: list[Doc], draw: st.DrawFn) -> tuple[bytes, int, str]:
    """Break one value of one record; returns the file, the record's line, what was done."""
    items = records(fmt, corpus)
    index = draw(st.integers(0, len(items) - 1))
    item = items[index]
    kind = draw(st.sampled_from(["wrong-type", "reversed", "out-of-range"]))
    spans = span_paths(fmt, item)
    if kind != "wrong-type" and spans:
        span = get(item, draw(st.sampled_from(spans)))
        start_key, end_key = OFFSET_FIELDS[fmt]
        start, end = span[start_key], span[end_key]
        if kind == "reversed":
            span[start_key], span[end_key] = end, start
        elif draw(st.booleans()):
            span[end_key] = len(corpus[index].text) + draw(st.integers(1, 10**12))
        else:
            span[start_key] = -draw(st.integers(1, 10**12))
        return serialise(fmt, items), record_line(fmt, index), kind
    path = draw(st.sampled_from(strict_paths(fmt, item)))
    old = get(item, path)
    value = draw(st.sampled_from([v for v in OTHER_VALUES if json_type(v) != json_type(old)]))
    put(item, path, value)
    return serialise(fmt, items), record_line(fmt, index), f"{path} = {value!r}"


@pytest.mark.parametrize("fmt", JSON_FORMATS)
@PROPERTY
@given(data=st.data())
def test_wrong_types_and_bad_offsets_name_the_record(
    template: Path, fmt: str, data: st.DataObject
) -> None:
    corpus = data.draw(docs())
    content, line, what = mutate(fmt, corpus, data.draw)
    outcome, _ = attempt(template, fmt, {FORMATS[fmt][1]: content})
    assert outcome.error is not None, f"{what}: imported"
    assert outcome.unchanged
    assert outcome.error.line == line, (what, str(outcome.error))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=5, deadline=None)
@given(corpus=docs(nested=False))
def test_undamaged_files_import_exactly(template: Path, fmt: str, corpus: list[Doc]) -> None:
    """The baseline of the damage tests: the generated files are valid as written."""
    outcome, _ = attempt(template, fmt, files_of(fmt, corpus))
    assert outcome.error is None, outcome.error
    assert outcome.documents == expected(fmt, corpus)


# --------------------------------------------------------------- huge lines

HUGE_PIECE = "Kyiv東京🕊️\x1b[31m[bold]\u202e"
HUGE_REPEAT = 100_000  # one token of 3 MB: a line of megabytes in every format


@pytest.fixture(scope="module")
def huge_doc() -> Doc:
    big = HUGE_PIECE * HUGE_REPEAT
    return Doc("huge", (("doc0", "Kyiv", big, "said"),), ((0, 1, 2, "demand"), (0, 2, 3, "quote")))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_line_of_megabytes_imports_whole(template: Path, fmt: str, huge_doc: Doc) -> None:
    outcome, _ = attempt(template, fmt, files_of(fmt, [huge_doc]))
    assert outcome.error is None, outcome.error
    assert outcome.documents == expected(fmt, [huge_doc])


# ------------------------------------------------------------- known breakers

BREAKERS: list[tuple[str, bytes, int, str]] = [
    # (format, file content, line, words of the reason): each one was a traceback once
    ("jsonl", b'{"text": "a"}\n{"text": "b", "meta": ' + b"[" * 100_000 + b"\n", 2, "nested"),
    ("prodigy", b"[" * 100_000 + b"\n", 1, "nested too deeply"),
    ("label-studio-json", b"[" + b"[" * 100_000, 1, "nested too deeply"),
    ("jsonl", b'{"text": "a", "meta": {"n": 1' + b"0" * 5000 + b"}}\n", 1, "number too long"),
    ("doccano", b'{"text": "ab", "label": [[0, 1' + b"0" * 5000 + b', "x"]]}\n', 1, "too long"),
    ("jsonl", b'{"text": "a"}\n{"text": "b", "id": "\\ud800"}\n', 2, "id '\\ud800' is not valid"),
    ("jsonl", b'{"text": "a", "source": "\\udfff"}\n', 1, "source '\\udfff' is not valid"),
    ("jsonl", b'{"text": "a", "meta": {"k": "\\ud800"}}\n', 1, "meta holds a lone surrogate"),
    ("doccano", b'{"text": "a", "label": [], "x": "\\ud800"}\n', 1, "lone surrogate"),
    ("prodigy", b'{"text": "a", "meta": {"id": "\\ud800"}}\n', 1, "not valid Unicode"),
    ("label-studio-jsonl", b'{"data": {"text": "a", "x": "\\udc00"}}\n', 1, "lone surrogate"),
    ("doccano-entities", b'{"text": "ab", "entities": 5}\n', 1, "'entities' must be a list"),
    ("doccano-entities", b'{"text": "ab", "relations": 5}\n', 1, "'relations' must be a list"),
    ("prodigy", b'{"text": "ab", "spans": {}}\n', 1, "'spans' must be a list"),
    ("prodigy", b'{"text": "ab", "meta": []}\n', 1, "'meta' must be an object"),
    ("label-studio-jsonl", b'{"data": {"text": "a"}, "predictions": {}}\n', 1, "must be a list"),
    (
        "label-studio-jsonl",
        b'{"data": {"text": "a"}, "annotations": [{"result": {}}]}\n',
        1,
        "result must be a list",
    ),
    ("label-studio-json", b'[{"data": {"text": "a"}}]\n[{"data": {"text": "b"}}]', 2, "after"),
    ("label-studio-json", b'{"data": {"text": "a"}} {"data": {"text": "b"}}', 1, "after the"),
    ("conll", b"Kyiv\tB-demand\n\tI-demand\n", 2, "empty token"),
    ("conll", b"1-2\tdon't\tO\n", 1, "without tokens"),
    ("jsonl", b'{"text": "a\x00"}\n', 1, "Invalid control character at column"),
]


@pytest.mark.parametrize(("fmt", "content", "line", "reason"), BREAKERS)
def test_inputs_that_once_broke_an_importer(
    template: Path, fmt: str, content: bytes, line: int, reason: str
) -> None:
    outcome, _ = attempt(template, fmt, {FORMATS[fmt][1]: content})
    assert outcome.error is not None
    assert outcome.unchanged
    assert (outcome.error.line, reason in outcome.error.reason) == (line, True), outcome.error
    assert "at at" not in outcome.error.reason


def test_brat_offsets_of_thousands_of_digits_are_refused(template: Path) -> None:
    files = {"a.txt": b"Kyiv", "a.ann": b"T1\tdemand 0 4\tKyiv\nT2\tdemand 0 " + b"9" * 5000}
    outcome, _ = attempt(template, "brat", files)
    assert outcome.error is not None and outcome.unchanged
    assert (Path(outcome.error.path).name, outcome.error.line) == ("a.ann", 2)
    assert "expected 'Label start end" in outcome.error.reason


def test_brat_unknown_label_names_the_document(template: Path) -> None:
    outcome, _ = attempt(template, "brat", {"a.txt": b"Kyiv", "a.ann": b"T1\tnope 0 4\tKyiv\n"})
    assert outcome.error is not None and outcome.unchanged
    assert (Path(outcome.error.path).name, outcome.error.line) == ("a.ann", 1)
    assert "unknown label 'nope'" in outcome.error.reason
    files = {"a.txt": b"Kyiv", "a.ann": b"", "b.txt": b"Kyiv", "b.ann": b"T1\tx 0 4\nT2\ty 0 4\n"}
    outcome, _ = attempt(template, "brat", files)
    assert outcome.error is not None and outcome.unchanged
    assert (Path(outcome.error.path).name, outcome.error.line) == ("b.ann", 1)
    assert "2 unknown labels: 'x' (b.ann line 1), 'y' (b.ann line 2)" in outcome.error.reason


def test_a_utf16_file_gets_a_hint_in_every_format(template: Path) -> None:
    for fmt in FORMATS:
        files = {
            name: data.decode("utf-8").encode("utf-16")
            for name, data in files_of(fmt, [Doc("d0", (("doc0", "Kyiv"),), ())]).items()
        }
        outcome, _ = attempt(template, fmt, files)
        assert outcome.error is not None, fmt
        assert outcome.error.line == 1 and "looks like UTF-16" in outcome.error.reason, fmt
