"""`annotator import` on a broken file: exit 1, one `file:line: reason` line, no traceback.

What the user sees is the contract here: stderr carries exactly one error line for the
file, in the `error: FILE:LINE: REASON` shape editors and CI logs link to, the project is
unchanged, and no Python traceback (or exception repr) leaks out.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from corpus_files import (
    FORMATS,
    JSON_FORMATS,
    OFFSET_FIELDS,
    docs,
    files_of,
    get,
    records as make_records,
    serialise,
    span_paths,
    write,
)
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from annotator.cli import app
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

runner = CliRunner()
ERROR_LINE = re.compile(r"^error: (?P<file>.+):(?P<line>\d+): (?P<reason>.+)$")


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-template") / "p.db"
    with Store.create(path, load_scheme()[1], "test") as store, store.transaction():
        store.import_documents([NewDocument(text="Already here.", id="before")])
    return path


def broken(fmt: str, draw: st.DrawFn) -> tuple[dict[str, bytes], str, int]:
    """A file that must fail: a bad byte anywhere, or (JSON) reversed offsets of a span."""
    corpus = draw(docs(nested=fmt != "conll"))
    if fmt in JSON_FORMATS and draw(st.booleans()):
        items = make_records(fmt, corpus)
        with_spans = [i for i, item in enumerate(items) if span_paths(fmt, item)]
        if with_spans:
            index = draw(st.sampled_from(with_spans))
            span = get(items[index], draw(st.sampled_from(span_paths(fmt, items[index]))))
            first, last = OFFSET_FIELDS[fmt]
            span[first], span[last] = span[last], span[first]
            line = index + 2 if fmt == "label-studio-json" else index + 1
            return {FORMATS[fmt][1]: serialise(fmt, items)}, FORMATS[fmt][1], line
    files = files_of(fmt, corpus)
    name = draw(st.sampled_from(sorted(files)))
    position = draw(st.integers(0, len(files[name])))
    data = files[name]
    files[name] = data[:position] + b"\xff" + data[position:]
    return files, name, data.count(b"\n", 0, position) + 1


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_error_line_per_broken_file(template: Path, fmt: str, data: st.DataObject) -> None:
    files, name, line = broken(fmt, data.draw)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = write(root, fmt, files)
        db = root / "p.db"
        shutil.copyfile(template, db)
        before = dump(db)
        result = runner.invoke(
            app, ["import", str(path), "--db", str(db), "--format", FORMATS[fmt][0]]
        )
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert isinstance(result.exception, SystemExit)
        output = result.stdout + result.stderr
        assert "Traceback" not in output and "Error(" not in output
        errors = [ERROR_LINE.match(text) for text in result.stderr.splitlines()]
        found = [m for m in errors if m is not None]
        assert len(found) == 1, result.stderr
        where = path / name if fmt == "brat" else path
        assert (found[0]["file"], int(found[0]["line"])) == (str(where), line), result.stderr
        assert f"{path}: nothing imported from this file" in result.stderr
        assert "1 file(s) failed" in result.stderr
        assert result.stdout.startswith("imported 0 documents")
        assert dump(db) == before
