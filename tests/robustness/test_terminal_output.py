"""What the CLI writes to the terminal holds no active character, whatever the data says.

Document ids, texts, titles and meta, the scheme's description and definitions and the
file names of inputs carry Rich markup, ANSI CSI and OSC sequences, BEL, NUL, C1 controls
and bidi overrides. Every command that echoes them (`stats`, `import` errors, `export`
loss reports, `agreement` tables and JSON, `schema show`, `assign`) must write them as
visible stand-ins (markup as its brackets), and exports must keep them byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.models import Status
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

runner = CliRunner()
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
HOSTILE = (
    "[bold red]x[/] [link=http://x]y[/link] \x1b[31mred\x1b[0m \x1b]8;;http://x\x07a\x1b]8;;\x07"
    " \x1b]0;title\x07 \u202eevil\u202c \u2066iso\u2069 \x00nul \x07bell \x9bcsi \x7fdel"
)
DOC_ID = "doc\x1b]0;pwned\x07[bold]id[/]\u202e"


def active(text: str) -> list[str]:
    """Characters a terminal would act on (line breaks and tabs are layout, not attacks)."""
    return [
        c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 or c in BIDI
    ]


def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    assert not active(result.stdout), result.stdout
    assert not active(result.stderr), result.stderr
    return result.stdout, result.stderr


def hostile_scheme() -> str:
    """The default scheme with escapes (TOML `\\u` ones) and a raw bidi override in it."""
    text = load_scheme()[1]
    start = text.index('description = "')
    end = text.index("\n", start)
    text = (
        text[:start]
        + 'description = "\\u001b]0;title\\u0007 [bold]d[/] \u202eraw bidi\u202c"'
        + text[end:]
    )
    start = text.index('definition = """A condition')
    end = text.index('"""', start + 20) + 3
    return (
        text[:start]
        + 'definition = "\\u001b[31mred\\u001b[0m [link=http://x]y[/link]"'
        + text[end:]
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two annotators finished a hostile document; the gold layer has overlapping spans."""
    db = tmp_path / "p.db"
    with Store.create(db, hostile_scheme(), "test") as store:
        text = f"{HOSTILE}\nSecond line {HOSTILE}"
        with store.transaction():
            store.import_documents(
                [NewDocument(text=text, id=DOC_ID, meta={"note": HOSTILE, HOSTILE: 1})]
            )
        red = text.index("red")
        for name, label in (("ann1", "demand"), ("ann2", "quote")):
            store.add_span(DOC_ID, name, red, red + 3, label)
            store.set_status(DOC_ID, name, Status.DONE)
        store.add_span(DOC_ID, "gold", 0, 20, "demand")
        # starts inside a token ("b|old"): CoNLL must move it, a loss the report lists
        store.add_span(DOC_ID, "gold", 2, 30, "quote")
    return db


def test_stats_and_its_json(project: Path) -> None:
    out, _ = run("stats", "--db", project)
    assert "documents 1" in out and "ann1" in out
    out, _ = run("stats", "--db", project, "--json")
    assert json.loads(out)["documents"] == 1


def test_import_errors_quote_file_names_inertly(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b]0;x\x07[bold]name[b]\u202e.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "x", "spans": [{"start": 0}]}\n', "utf-8")
    _, err = run("import", "--db", project, bad, code=1)
    assert "bad␛]0;x␇[bold]name[b]�.jsonl:2: spans[0]: 'end' must be an integer" in err
    unknown = tmp_path / "labels.jsonl"
    unknown.write_text(
        json.dumps({"text": "x", "spans": [{"start": 0, "end": 1, "label": HOSTILE}]}) + "\n",
        "utf-8",
    )
    _, err = run("import", "--db", project, unknown, code=1)
    assert "labels.jsonl:1: unknown label '[bold red]x[/]" in err


def test_export_loss_report_quotes_ids_inertly(project: Path, tmp_path: Path) -> None:
    _, err = run("export", "conll", "--db", project, "-o", tmp_path / "out.conll", code=1)
    assert "the export is lossy" in err
    assert "doc␛]0;pwned␇[bold]id[/]� gold" in err


def test_agreement_tables_and_json(project: Path) -> None:
    out, _ = run("agreement", "--db", project)
    assert "ann1 / ann2" in out
    assert "doc␛]0;pwned␇[bold]id[/]" in out  # the worst documents list
    out, _ = run("agreement", "--db", project, "--json")
    report = json.loads(out)
    assert report["per_document"][0]["id"] == DOC_ID  # the same data, escaped as JSON
    assert "\\u202e" in out


def test_schema_show(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = run("schema", "show", "--db", project)
    assert "negotiation-v2: ␛]0;title␇ [bold]d[/] �raw bidi�" in out
    assert "␛[31mred␛[0m [link=http://x]y[/link]" in out
    # --toml: as stored when redirected (a file must stay the file) ...
    result = runner.invoke(app, ["schema", "show", "--db", str(project), "--toml"])
    assert result.stdout == hostile_scheme()
    # ... and inert on a terminal.
    monkeypatch.setattr("annotator.cli.schema.stdout_is_terminal", lambda: True)
    out, _ = run("schema", "show", "--db", project, "--toml")
    assert "�raw bidi�" in out


def test_assign_refuses_names_with_controls_or_markup(project: Path) -> None:
    _, err = run("assign", "--db", project, "--annotators", "ann1,\x1b[31mevil", code=1)
    assert "annotator name '\\x1b[31mevil' must be" in err
    _, err = run("assign", "--db", project, "--annotators", "ann1,[bold]x[/]", code=1)
    assert "annotator name '[bold]x[/]' must be" in err
    out, _ = run("assign", "--db", project, "--annotators", "ann1,ann2")
    assert "annotator" in out


def test_annotate_refuses_a_bad_name_with_a_message(project: Path) -> None:
    _, err = run("annotate", "--db", project, "--as", "../\x1b]0;x\x07", code=1)
    assert err.startswith("error: --as: annotator name '../\\x1b]0;x\\x07' must be")


def test_jsonl_export_keeps_hostile_text_byte_for_byte(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    run("export", "jsonl", "--db", project, "-o", first)
    (record,) = [json.loads(line) for line in first.read_text("utf-8").splitlines()]
    assert record["id"] == DOC_ID
    assert record["text"] == f"{HOSTILE}\nSecond line {HOSTILE}"
    assert record["meta"] == {"note": HOSTILE, HOSTILE: 1}
    run("import", "--db", tmp_path / "copy.db", first)
    run("export", "jsonl", "--db", tmp_path / "copy.db", "-o", second)
    assert second.read_bytes() == first.read_bytes()
