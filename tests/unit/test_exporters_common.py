"""What every exporter shares: layers, splits, atomic replacement, missing extras, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import AnnotatorError
from annotator.exporters import (
    ExportOptions,
    ExportReport,
    available,
    get_exporter,
    options_for,
    run_export,
)
from annotator.exporters.csv import CsvOptions
from annotator.exporters.jsonl import JsonlExporter
from annotator.ingest import import_file
from annotator.split import assign_splits, parse_ratios, split_sizes
from annotator.store import NewDocument, Store

CORPUS = Path(__file__).resolve().parent.parent / "data" / "formats" / "corpus.jsonl"


@pytest.fixture
def corpus(store: Store) -> Store:
    import_file(store, CORPUS)
    return store


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout, result.stderr


def test_every_issue_format_is_registered_native_first() -> None:
    names = available()
    assert names[0] == "jsonl"
    assert set(names) >= {
        "spacy",
        "hf",
        "conll",
        "brat",
        "label-studio",
        "doccano",
        "prodigy",
        "csv",
    }
    for name in names:
        exporter = get_exporter(name)
        assert exporter.name == name
        assert isinstance(exporter.suffix, str)
        assert isinstance(exporter.folder, bool)
        assert exporter.options_model is (CsvOptions if name == "csv" else ExportOptions)
        assert isinstance(exporter.represents_overlap, bool)
        assert isinstance(exporter.represents_nesting, bool)
    assert {name for name in names if get_exporter(name).folder} == {"brat", "hf", "label-studio"}


class _FlatJsonl(JsonlExporter):
    """A format that holds neither overlapping nor nested spans (as some tools' are)."""

    represents_overlap = False
    represents_nesting = False


class _NestingJsonl(JsonlExporter):
    represents_overlap = False


def _spans_of(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    found: dict[str, list[tuple[int, int, str]]] = {}
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        for span in record["spans"]:
            found.setdefault(span["annotator"], []).append(
                (span["start"], span["end"], span["label"])
            )
    return found


def test_declared_capabilities_are_enforced_and_every_drop_reported(store: Store) -> None:
    text = "Kyiv demands guarantees from Moscow."
    spans = [
        ("gold", 0, 22, "demand"),  # kept: the longest
        ("gold", 13, 22, "quote"),  # nested inside it
        ("gold", 18, 35, "opinion"),  # across its end
        ("alice", 13, 22, "quote"),  # another layer: never in the way
    ]
    with store.transaction():
        store.import_documents([NewDocument(text=text, id="d", spans=spans)])
    flat = _FlatJsonl().export(store, Path("flat.jsonl"), None, ExportOptions())
    assert _spans_of(Path("flat.jsonl")) == {
        "alice": [(13, 22, "quote")],
        "gold": [(0, 22, "demand")],
    }
    assert flat.spans == 2 and flat.lossy
    assert sorted(flat.dropped) == [
        "d gold 13-22 quote 'guarantee': nested spans are not representable in jsonl "
        "(it meets 0-22 demand)",
        "d gold 18-35 opinion 'ntees from Moscow': overlapping spans are not representable "
        "in jsonl (it meets 0-22 demand)",
    ]
    nesting = _NestingJsonl().export(store, Path("nesting.jsonl"), None, ExportOptions())
    assert _spans_of(Path("nesting.jsonl"))["gold"] == [(0, 22, "demand"), (13, 22, "quote")]
    assert len(nesting.dropped) == 1 and "overlapping" in nesting.dropped[0]
    full = JsonlExporter().export(store, Path("full.jsonl"), None, ExportOptions())
    assert not full.dropped and full.spans == 4  # the built-in formats hold both


class _NoOptions:
    """A third-party exporter written without options, declaring so."""

    name = "plain"
    suffix = ".txt"
    folder = False
    options_model = None
    represents_overlap = True
    represents_nesting = True

    def export(self, store: Store, target: Path, layers: object) -> ExportReport:
        target.write_text("\n".join(store.document_ids()) + "\n", "utf-8")
        return ExportReport(target, documents=len(store.document_ids()))


def test_an_exporter_is_called_as_it_declares(corpus: Store) -> None:
    report = run_export(_NoOptions(), corpus, Path("ids.txt"), None, ExportOptions())  # type: ignore[arg-type]
    assert report.documents == 6
    assert Path("ids.txt").read_text("utf-8").splitlines() == corpus.document_ids()


def test_format_options_go_to_the_format_that_declares_them() -> None:
    base = ExportOptions(seed=3, offsets="utf16")
    csv_options = options_for(get_exporter("csv"), base, raw_cells=True)
    assert isinstance(csv_options, CsvOptions) and csv_options.raw_cells
    assert (csv_options.seed, csv_options.offsets) == (3, "utf16")
    assert options_for(get_exporter("csv"), base) == CsvOptions(seed=3, offsets="utf16")
    assert type(options_for(get_exporter("conll"), base)) is ExportOptions
    with pytest.raises(AnnotatorError, match="the conll export takes no raw_cells option"):
        options_for(get_exporter("conll"), base, raw_cells=True)
    assert options_for(_NoOptions(), base) == base  # type: ignore[arg-type]


def test_splits_are_exact_deterministic_and_disjoint() -> None:
    ids = [f"doc-{n}" for n in range(101)]
    first = assign_splits(ids, (0.8, 0.1, 0.1), seed=7)
    assert first == assign_splits(list(reversed(ids)), (0.8, 0.1, 0.1), seed=7)
    assert first != assign_splits(ids, (0.8, 0.1, 0.1), seed=8)
    counts = {name: list(first.values()).count(name) for name in ("train", "dev", "test")}
    assert counts == {"train": 81, "dev": 10, "test": 10}
    assert split_sizes(3, (0.5, 0.25, 0.25)) == [1, 1, 1]  # largest remainders
    assert sum(split_sizes(7, (0.34, 0.33, 0.33))) == 7
    assert parse_ratios("80,10,10") == (0.8, 0.1, 0.1)
    assert parse_ratios("0.9,0.1") == (0.9, 0.1)


@pytest.mark.parametrize("text", ["0.8,0.1", "a,b", "1", "0.5,0.5,0.5,-0.5", "0.5,0.2,0.2"])
def test_bad_split_ratios_are_refused(text: str) -> None:
    if text == "0.8,0.1":
        with pytest.raises(AnnotatorError, match="add up to 1"):
            parse_ratios(text)
        return
    with pytest.raises(AnnotatorError, match="--split"):
        parse_ratios(text)


def test_single_layer_formats_default_to_gold_and_refuse_all(corpus: Store) -> None:
    exporter = get_exporter("doccano")
    report = exporter.export(corpus, Path("gold.jsonl"), None, ExportOptions())
    assert report.spans == 22
    with pytest.raises(AnnotatorError, match=r"holds one layer.*gold \(22\)"):
        exporter.export(corpus, Path("x.jsonl"), ["all"], ExportOptions())
    with pytest.raises(AnnotatorError, match="holds one layer"):
        exporter.export(corpus, Path("x.jsonl"), ["gold", "alice"], ExportOptions())
    report = exporter.export(corpus, Path("nobody.jsonl"), ["carol"], ExportOptions())
    assert report.spans == 0 and "has no spans" in report.notes[0]
    assert not Path("x.jsonl").exists()


def test_a_failed_export_leaves_the_previous_output(
    corpus: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    exporter = get_exporter("conll")
    exporter.export(corpus, Path("out.conll"), None, ExportOptions())
    before = Path("out.conll").read_bytes()
    from annotator.exporters import conll

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(conll, "bio_tags", broken)
    with pytest.raises(RuntimeError):
        exporter.export(corpus, Path("out.conll"), None, ExportOptions())
    assert Path("out.conll").read_bytes() == before
    assert not [p for p in Path().iterdir() if p.name.startswith(".out.conll")]  # no staging


def test_folders_are_replaced_only_when_an_export_wrote_them(corpus: Store) -> None:
    exporter = get_exporter("brat")
    exporter.export(corpus, Path("brat"), None, ExportOptions())
    (Path("brat") / "stale.txt").write_text("old", "utf-8")
    exporter.export(corpus, Path("brat"), None, ExportOptions())  # an earlier export: replaced
    assert not (Path("brat") / "stale.txt").exists()
    Path("mine").mkdir()
    (Path("mine") / "thesis.tex").write_text("precious", "utf-8")
    with pytest.raises(AnnotatorError, match="holding other files"):
        exporter.export(corpus, Path("mine"), None, ExportOptions())
    assert (Path("mine") / "thesis.tex").read_text("utf-8") == "precious"


@pytest.mark.parametrize(
    ("fmt", "module", "extra"), [("spacy", "spacy", "spacy"), ("hf", "pyarrow", "hf")]
)
def test_a_missing_optional_dependency_names_the_extra(
    corpus: Store, monkeypatch: pytest.MonkeyPatch, fmt: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(AnnotatorError, match=rf"pip install 'annotator\[{extra}\]'"):
        get_exporter(fmt).export(corpus, Path("x"), None, ExportOptions())


EXPORT_WITHOUT = """
import sys
sys.modules[sys.argv[1]] = None  # as if the extra were not installed: import fails
import annotator.exporters.{module}  # the format's own module imports without it
from annotator.cli import app
app(["export", "{fmt}", "--db", sys.argv[2], "-o", sys.argv[3]])
"""


@pytest.mark.parametrize(
    ("fmt", "module", "missing", "extra"),
    [("spacy", "spacy", "spacy", "spacy"), ("hf", "hf", "pyarrow", "hf")],
)
def test_the_cli_names_the_extra_when_it_is_not_installed(
    corpus: Store, tmp_path: Path, fmt: str, module: str, missing: str, extra: str
) -> None:
    target = tmp_path / "out"
    script = EXPORT_WITHOUT.format(module=module, fmt=fmt)
    done = subprocess.run(
        [sys.executable, "-c", script, missing, str(corpus.path), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"the {fmt} export needs the optional dependencies" in done.stderr
    assert f"pip install 'annotator[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()


def test_cli_lists_lossy_spans_and_exits_1_unless_allowed(db_path: Path) -> None:
    with Store.create(db_path, _scheme(), "test") as store, store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text="Ukraine’s neutrality is   demanded.",
                    id="d",
                    spans=[("gold", 0, 3, "demand"), ("gold", 24, 26, "quote")],
                )
            ]
        )
    _, err = run("export", "conll", "--db", db_path, "-o", "out.conll", code=1)
    assert "1 spans were written with other offsets in conll" in err
    assert "d gold 0-3 demand 'Ukr': written as 0-9 'Ukraine’s'" in err
    assert "1 spans could not be represented in conll" in err
    assert "d gold 24-26 quote '  ': covers no whole token" in err
    assert "--allow-lossy" in err
    assert Path("out.conll").exists()  # written, but the exit code says it is lossy
    run("export", "conll", "--db", db_path, "-o", "out.conll", "--allow-lossy")
    _, err = run("export", "spacy", "--db", db_path, "-o", "out.spacy")  # lossless: splits
    assert "tokens split at span boundaries" in err


def test_cli_split_writes_one_file_per_split_and_default_paths(db_path: Path) -> None:
    run("import", "--db", db_path, CORPUS)
    run("export", "doccano", "--db", db_path, "--split", "0.5,0.5", "--seed", "2")
    folder = Path("exports") / "project-doccano"
    ids = {
        name: [
            json.loads(line)["id"]
            for line in (folder / f"{name}.jsonl").open("r", encoding="utf-8")
        ]
        for name in ("train", "test")
    }
    assert len(ids["train"]) == len(ids["test"]) == 3
    assert not set(ids["train"]) & set(ids["test"])
    _, err = run("export", "csv", "--db", db_path, "--layer", "bob")
    assert "wrote 6 documents, 1 spans to exports/project.csv" in err
    _, err = run("export", "doccano", "--db", db_path, "--offsets", "utf8", code=2)


def _scheme() -> str:
    from annotator.scheme import load_scheme

    return load_scheme()[1]
