"""Names that reach the file system or SQL cannot escape the output folder or change a query.

Document ids, annotator names, label names and `-o` paths are given `../`, absolute paths,
quotes, semicolons, `--`, NUL and `DROP TABLE`. Each one is either stored verbatim (ids:
they are data) or refused with a clear message (names: they become layers, columns and
file names); exports write only inside their output; the project keeps every table.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import SchemeError
from annotator.scheme import load_scheme, parse_scheme
from annotator.store import Store

runner = CliRunner()
IDS = [
    "../../escape",
    "/etc/passwd",
    "..",
    ".",
    "a/b/../../c",
    "C:\\Windows\\x",
    "x'; DROP TABLE documents; --",
    'q"uote',
    "semi;colon",
    "-- comment",
    "DROP TABLE spans",
    "nul\x00id",
    ".hidden",
    "con",
    "%",
    "_",
    "x" * 300,
]
BAD_NAMES = ["../x", "/abs", "x'; DROP TABLE spans; --", 'q"x', "a;b", "--", "nul\x00", ".x"]
SAFE_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,110}$")


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout, result.stderr


def schema_of(db: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return connection.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
    finally:
        connection.close()


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Every hostile id, each with a span; ann1 and ann2 assigned."""
    db = tmp_path / "work" / "p.db"
    db.parent.mkdir()
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "".join(
            json.dumps(
                {
                    "id": doc_id,
                    "text": f"Text {n}: Kyiv must stay neutral.",
                    "spans": [{"start": 0, "end": 4, "label": "demand"}],
                }
            )
            + "\n"
            for n, doc_id in enumerate(IDS)
        ),
        "utf-8",
    )
    run("import", source, "--db", db)
    run("assign", "--db", db, "--annotators", "ann1,ann2")
    return db


def test_ids_are_data_stored_verbatim_and_queries_stay_queries(project: Path) -> None:
    tables = schema_of(project)
    with Store.open(project) as store:
        assert sorted(store.document_ids()) == sorted(IDS)
        for doc_id in IDS:
            assert store.document(doc_id).id == doc_id
            assert store.spans(doc_id)[0].label == "demand"
        # Searching is matching, never SQL: wildcards and quotes match themselves.
        assert [i.doc_id for i in store.queue("ann1", search="%")] in ([], ["%"])
        assert [i.doc_id for i in store.queue("ann1", search="_")] in ([], ["_"])
        assert store.queue("ann1", search="'; DROP TABLE documents; --") == []
        assert store.queue_count("ann1") + store.queue_count("ann2") >= len(IDS)
    out, _ = run("stats", "--db", project, "--json")
    assert json.loads(out)["documents"] == len(IDS)
    assert schema_of(project) == tables


@pytest.mark.parametrize("split", [None, "0.5,0.5"])
def test_brat_files_stay_inside_the_output_folder(
    project: Path, tmp_path: Path, split: str | None
) -> None:
    before = files_under(tmp_path)
    out = tmp_path / "out" / "brat"
    run("export", "brat", "--db", project, "-o", out, *(["--split", split] if split else []))
    written = files_under(tmp_path) - before
    assert written and all(out in path.parents for path in written)
    documents = [p for p in written if p.suffix in (".txt", ".ann")]
    assert len(documents) == 2 * len(IDS)  # nothing merged, nothing lost
    assert all(SAFE_FILE.match(path.name) for path in documents), sorted(documents)
    assert len({p.stem.lower() for p in documents}) == len(IDS)  # unique, even case-folded


def test_hf_split_and_spacy_shards_stay_inside_and_keep_ids(project: Path, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    before = files_under(tmp_path)
    hf = tmp_path / "out" / "hf"
    run("export", "hf", "--db", project, "-o", hf, "--split", "0.5,0.5", "--hf-format", "jsonl")
    spacy = tmp_path / "out" / "spacy"
    run("export", "spacy", "--db", project, "-o", spacy, "--shard-docs", "3")
    written = files_under(tmp_path) - before
    assert all(hf in p.parents or spacy in p.parents for p in written)
    assert len([p for p in written if p.suffix == ".spacy"]) == -(-len(IDS) // 3)
    ids = [
        json.loads(line)["id"]
        for part in hf.rglob("*.jsonl")
        for line in part.read_text("utf-8").splitlines()
    ]
    assert sorted(ids) == sorted(IDS)  # ids are data: kept exactly


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_annotator_names_are_refused_everywhere(
    project: Path, tmp_path: Path, name: str
) -> None:
    tables = schema_of(project)
    shown = repr(name)  # messages quote the name as Python would
    _, err = run("assign", "--db", project, "--annotators", f"ann1,{name}", code=1)
    assert f"annotator name {shown} must be" in err
    _, err = run("annotate", "--db", project, "--as", name, code=1)
    assert f"--as: annotator name {shown} must be" in err
    _, err = run("export", "jsonl", "--db", project, "--layer", name, code=1)
    assert f"--layer: annotator name {shown} must be" in err
    source = tmp_path / "more.jsonl"
    source.write_text('{"text": "More about Kyiv."}\n', "utf-8")
    _, err = run("import", source, "--db", project, "--layer", name, code=1)
    assert f"--layer: annotator name {shown} must be" in err
    span = {"start": 0, "end": 4, "label": "demand", "annotator": name}
    source.write_text(json.dumps({"text": "More about Kyiv.", "spans": [span]}) + "\n", "utf-8")
    _, err = run("import", source, "--db", project, code=1)
    assert f"{source}:1: spans[0]: annotator {shown} must be" in err
    with Store.open(project) as store:
        assert store.document_count() == len(IDS)
        assert sorted(store.span_counts_by_layer()) == ["gold"]
    assert schema_of(project) == tables


def test_tool_user_names_become_safe_layer_names(project: Path, tmp_path: Path) -> None:
    """Label Studio's e-mails and user names are made into names, not refused."""
    tasks = [
        {
            "data": {"text": f"Task {n} about Kyiv."},
            "annotations": [
                {
                    "completed_by": {"email": user},
                    "result": [
                        {"type": "labels", "value": {"start": 0, "end": 4, "labels": ["demand"]}}
                    ],
                }
            ],
        }
        for n, user in enumerate(["../../x@evil", "a'; DROP TABLE spans;--@x", "/etc/passwd"])
    ]
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(tasks), "utf-8")
    run("import", source, "--db", project)
    with Store.open(project) as store:
        layers = sorted(store.span_counts_by_layer())
    assert all(re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", layer) for layer in layers), layers
    assert len(layers) == 4  # gold and one layer per user


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_label_names_are_refused_with_file_and_line(
    project: Path, tmp_path: Path, name: str
) -> None:
    tables = schema_of(project)
    source = tmp_path / "labels.jsonl"
    source.write_text(
        '{"text": "fine"}\n'
        + json.dumps({"text": "Kyiv", "spans": [{"start": 0, "end": 4, "label": name}]})
        + "\n",
        "utf-8",
    )
    _, err = run("import", source, "--db", project, "--add-labels", code=1)
    assert f"error: {source}:2: cannot add label: label name {name!r} must be" in err
    _, err = run("import", source, "--db", project, code=1)
    assert f"error: {source}:2: unknown label {name!r}" in err
    _, err = run("agreement", "--db", project, "--labels", f"demand,{name}", code=1)
    assert "unknown labels:" in err
    scheme = load_scheme()[1].replace('name = "demand"', f"name = {json.dumps(name)}")
    with pytest.raises(SchemeError, match="label name"):
        parse_scheme(scheme, "hostile.toml")
    assert schema_of(project) == tables


@pytest.mark.parametrize("name", ["it's.jsonl", 'say "x".jsonl', "a;b --.jsonl", "DROP TABLE"])
def test_output_paths_are_used_literally(project: Path, tmp_path: Path, name: str) -> None:
    before = files_under(tmp_path)
    target = tmp_path / "out" / name
    run("export", "jsonl", "--db", project, "-o", target)
    assert files_under(tmp_path) - before == {target}


def test_dot_dot_in_an_output_path_goes_exactly_where_it_says(
    project: Path, tmp_path: Path
) -> None:
    before = files_under(tmp_path)
    run("export", "jsonl", "--db", project, "-o", tmp_path / "out" / ".." / "up.jsonl")
    assert files_under(tmp_path) - before == {tmp_path / "up.jsonl"}


def test_an_output_folder_holding_other_files_is_never_replaced(
    project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me", "utf-8")
    for fmt in ("brat", "jsonl"):
        _, err = run("export", fmt, "--db", project, "-o", folder, code=1)
        assert "is a folder holding other files" in err
    assert [p.name for p in folder.iterdir()] == ["precious.txt"]
    _, err = run("export", "brat", "--db", project, "-o", project.parent, code=1)
    assert "is a folder holding other files" in err
    assert project.is_file()
