"""Importers trust nothing: hostile sizes, every line ending, files written by other tools.

Each test here was written against a defect and failed before its fix.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.ingest import ReadOptions, import_file, plan_imports
from annotator.ingest.conll import read_conll
from annotator.store import Store

runner = CliRunner()


def spans_of(store: Store) -> list[tuple[str, str, str]]:
    """`(layer, covered text, label)` of every stored span, sorted."""
    found = []
    for document in store.iter_documents():
        for span in store.spans(document.id):
            found.append((span.layer, document.text[span.start : span.end], span.label))
    return sorted(found)


# ------------------------------------------------------------------------------ CoNLL


@pytest.mark.parametrize("tag", ["O", "B-demand"])
def test_a_conll_line_of_100000_columns_is_read_in_linear_time(
    store: Store, tmp_path: Path, tag: str
) -> None:
    path = tmp_path / "wide.conll"
    path.write_text("Kyiv " + " ".join([tag] * 100_000) + "\nrefused " + "O " * 100_000 + "\n")
    started = time.perf_counter()
    documents = list(read_conll(path, ReadOptions(), None))
    assert time.perf_counter() - started < 3.0
    assert [d.text for d in documents] == ["Kyiv refused"]
    started = time.perf_counter()
    import_file(store, path)
    assert time.perf_counter() - started < 5.0
    expected = [("gold", "Kyiv", "demand")] if tag != "O" else []
    assert spans_of(store) == expected


CONLL = "Lavrov B-guarantor\nsaid O\n\nKyiv B-demand\nrefused O\nagain O\n"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_conll_reads_alike_with_every_line_ending(
    store: Store, tmp_path: Path, ending: str
) -> None:
    path = tmp_path / "x.conll"
    path.write_bytes(CONLL.replace("\n", ending).encode())
    result = import_file(store, path)
    assert result.counts.documents == 2
    assert sorted(d.text for d in store.iter_documents()) == ["Kyiv refused again", "Lavrov said"]
    assert spans_of(store) == [("gold", "Kyiv", "demand"), ("gold", "Lavrov", "guarantor")]


def test_conll_errors_count_lines_in_cr_only_files(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_bytes(b"Kyiv B-demand\rrefused O\r\rLavrov X-guarantor\r")
    with pytest.raises(InputError, match=r"bad.conll:4: column 2: 'X-guarantor' is not a tag"):
        import_file(store, path)


CONLLEVAL = "Lavrov B-guarantor B-guarantor\nsaid O B-demand\nKyiv B-demand O\nrefused O O\n"


def test_conlleval_gold_and_predicted_columns_go_to_separate_layers(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "eval.conll"
    path.write_text(CONLLEVAL, "utf-8")
    result = import_file(store, path)
    assert spans_of(store) == [
        ("column-3", "Lavrov", "guarantor"),
        ("column-3", "said", "demand"),
        ("gold", "Kyiv", "demand"),
        ("gold", "Lavrov", "guarantor"),
    ]
    note = " ".join(result.notes)
    assert "column 3" in note and "layer column-3" in note and "--tag-columns" in note


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("2", [("gold", "Kyiv", "demand"), ("gold", "Lavrov", "guarantor")]),
        ("3", [("gold", "Lavrov", "guarantor"), ("gold", "said", "demand")]),
        (
            "2,3=predicted",
            [
                ("gold", "Kyiv", "demand"),
                ("gold", "Lavrov", "guarantor"),
                ("predicted", "Lavrov", "guarantor"),
                ("predicted", "said", "demand"),
            ],
        ),
        (
            "2,3",  # both into the import's layer: identical spans are stored once
            [
                ("gold", "Kyiv", "demand"),
                ("gold", "Lavrov", "guarantor"),
                ("gold", "said", "demand"),
            ],
        ),
    ],
)
def test_tag_columns_choose_what_is_read_and_where(
    store: Store, tmp_path: Path, choice: str, expected: list[tuple[str, str, str]]
) -> None:
    path = tmp_path / "eval.conll"
    path.write_text(CONLLEVAL, "utf-8")
    import_file(store, path, tag_columns=choice)
    assert spans_of(store) == expected


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("1", "column 1 holds the tokens"),
        ("4", "no column 4"),
        ("x", "--tag-columns"),
        ("2=bad name", "bad name"),
    ],
)
def test_bad_tag_columns_are_refused_clearly(
    store: Store, tmp_path: Path, choice: str, message: str
) -> None:
    path = tmp_path / "eval.conll"
    path.write_text(CONLLEVAL, "utf-8")
    with pytest.raises(InputError, match=message):
        import_file(store, path, tag_columns=choice)
    assert spans_of(store) == []


def test_one_label_per_column_files_still_read_into_one_layer(store: Store, tmp_path: Path) -> None:
    """Our own export (and nested-NER files) give every label its own column: one layer."""
    path = tmp_path / "ours.conll"
    path.write_text(
        "-DOCSTART- O O\n\nLavrov B-guarantor B-quote\nsaid O I-quote\n\nKyiv O O\n", "utf-8"
    )
    result = import_file(store, path)
    assert spans_of(store) == [("gold", "Lavrov", "guarantor"), ("gold", "Lavrov said", "quote")]
    assert not any("--tag-columns" in note for note in result.notes)


def test_the_import_command_takes_tag_columns(tmp_path: Path) -> None:
    path = tmp_path / "eval.conll"
    path.write_text(CONLLEVAL, "utf-8")
    db = tmp_path / "p.db"
    bad = runner.invoke(app, ["import", str(path), "--db", str(db), "--tag-columns", "2=no way"])
    assert bad.exit_code == 2 and "--tag-columns" in bad.output
    done = runner.invoke(app, ["import", str(path), "--db", str(db), "--tag-columns", "3=pred"])
    assert done.exit_code == 0, done.output
    with Store.open(db) as store:
        assert spans_of(store) == [("pred", "Lavrov", "guarantor"), ("pred", "said", "demand")]
    again = runner.invoke(app, ["import", str(path), "--db", str(tmp_path / "q.db")])
    assert again.exit_code == 0 and "layer column-3" in again.output


# ----------------------------------------------------------------- the write lock


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "txt"])
def test_other_writers_are_not_locked_out_while_a_file_is_parsed(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    """The lock is for inserting only: parsing a large file must not freeze annotators."""
    if fmt == "jsonl":
        path = tmp_path / "many.jsonl"
        path.write_text("".join(f'{{"text": "Document {n}."}}\n' for n in range(600)), "utf-8")
    elif fmt == "conll":
        path = tmp_path / "many.conll"
        path.write_text("".join(f"Kyiv B-demand\nsaid{n} O\n\n" for n in range(1500)), "utf-8")
    else:
        path = tmp_path / "one.txt"
        path.write_text("Kyiv refused.\n" * 10_000, "utf-8")
    writes: list[str] = []

    def write_elsewhere(done: int) -> None:
        """Called by the reader mid-parse: a second connection takes the write lock."""
        other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the import holds the lock
            other.execute("ROLLBACK")
            writes.append("ok")
        except sqlite3.OperationalError as exc:
            writes.append(str(exc))
        finally:
            other.close()

    result = import_file(store, path, progress=write_elsewhere)
    assert writes and set(writes) == {"ok"}
    assert result.counts.documents == store.document_count() > 0


# ------------------------------------------------------------------------ Label Studio

LS_TEXT = "Lavrov met Blinken in Geneva."


def ls_region(label: str | None, start: object, end: object) -> dict[str, object]:
    text = LS_TEXT[start:end] if isinstance(start, int) and isinstance(end, int) else "x"
    labels = [label] if label else []
    return {"type": "labels", "value": {"start": start, "end": end, "text": text, "labels": labels}}


def write_tasks(path: Path, *tasks: dict[str, object]) -> Path:
    path.write_text(json.dumps(list(tasks)), "utf-8")
    return path


def test_label_studio_layers_are_unique_per_person(store: Store, tmp_path: Path) -> None:
    path = write_tasks(
        tmp_path / "tasks.json",
        {
            "data": {"text": LS_TEXT},
            "annotations": [
                {"created_username": " bob@one.org, 3", "result": [ls_region("guarantor", 0, 6)]},
                {"completed_by": {"email": "bob@two.org"}, "result": [ls_region("demand", 0, 6)]},
            ],
        },
    )
    import_file(store, path)
    assert spans_of(store) == [
        ("bob_at_one.org", "Lavrov", "guarantor"),
        ("bob_at_two.org", "Lavrov", "demand"),
    ]


def test_label_studio_names_that_would_merge_are_refused(store: Store, tmp_path: Path) -> None:
    path = write_tasks(
        tmp_path / "tasks.json",
        {
            "data": {"text": LS_TEXT},
            "annotations": [
                {"created_username": "bob smith", "result": [ls_region("guarantor", 0, 6)]},
                {"created_username": "bob/smith", "result": [ls_region("demand", 0, 6)]},
            ],
        },
    )
    with pytest.raises(InputError, match=r"'bob smith' and 'bob/smith' .*layer bob-smith"):
        import_file(store, path)
    assert store.document_count() == 0


def test_label_studio_gold_comes_only_from_ground_truth(store: Store, tmp_path: Path) -> None:
    path = write_tasks(
        tmp_path / "tasks.json",
        {
            "data": {"text": LS_TEXT},
            "annotations": [
                {"created_username": "gold", "result": [ls_region("guarantor", 0, 6)]},
                {
                    "created_username": "ann@x.org",
                    "ground_truth": True,
                    "result": [ls_region("demand", 11, 18)],
                },
                {"created_username": "predictions", "result": [ls_region("opinion", 22, 28)]},
            ],
        },
    )
    result = import_file(store, path)
    assert spans_of(store) == [
        ("gold", "Blinken", "demand"),
        ("user-gold", "Lavrov", "guarantor"),
        ("user-predictions", "Geneva", "opinion"),
    ]
    assert any("user-gold" in note for note in result.notes)


def test_label_studio_predictions_given_as_ids_are_skipped_with_a_note(
    store: Store, tmp_path: Path
) -> None:
    path = write_tasks(
        tmp_path / "tasks.json",
        {
            "data": {"text": LS_TEXT},
            "annotations": [{"completed_by": 1, "result": [ls_region("guarantor", 0, 6)]}],
            "predictions": [4, 5],
        },
    )
    result = import_file(store, path)
    assert spans_of(store) == [("user1", "Lavrov", "guarantor")]
    assert any("2 predictions given as ids" in note for note in result.notes)


def test_label_studio_every_dropped_region_is_reported(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(
        "[\n"
        + json.dumps(
            {"data": {"text": LS_TEXT}, "annotations": [{"result": [ls_region("guarantor", 0, 6)]}]}
        )
        + ",\n"
        + json.dumps(
            {
                "data": {"text": LS_TEXT},
                "annotations": [
                    {"result": [ls_region("demand", "0", "6"), ls_region(None, 11, 18)]},
                    {"result": [{"type": "labels", "value": {"labels": ["quote"]}}]},
                ],
            }
        )
        + "\n]\n",
        "utf-8",
    )
    result = import_file(store, path)
    assert spans_of(store) == [("gold", "Lavrov", "guarantor")]
    dropped = [note for note in result.notes if "dropped" in note]
    assert len(dropped) == 3
    assert f"{path}:3: annotations[0].result[0]" in dropped[0] and "'0'" in dropped[0]
    assert f"{path}:3: annotations[0].result[1]" in dropped[1] and "no labels" in dropped[1]
    assert f"{path}:3: annotations[1].result[0]" in dropped[2] and "offsets" in dropped[2]


# ------------------------------------------------------------------------------- brat


def brat_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Lavrov spoke.", "utf-8")
    (folder / "a.ann").write_text("T1\tguarantor 0 6\tLavrov\n", "utf-8")
    return folder


def test_brat_texts_without_ann_are_reported(store: Store, tmp_path: Path) -> None:
    folder = brat_folder(tmp_path)
    (folder / "b.txt").write_text("Kyiv refused.", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "c.txt").write_text("Nobody annotated me.", "utf-8")
    result = import_file(store, folder, format="brat")
    assert result.counts.documents == 1
    note = " ".join(result.notes)
    assert "2 .txt files without .ann" in note and "b.txt" in note and "sub/c.txt" in note


@pytest.mark.parametrize("link", ["a.txt", "a.ann"])
def test_brat_links_out_of_the_folder_are_refused(store: Store, tmp_path: Path, link: str) -> None:
    folder = brat_folder(tmp_path)
    secret = tmp_path / "secret"
    secret.write_bytes((folder / link).read_bytes())
    (folder / link).unlink()
    (folder / link).symlink_to(secret)
    with pytest.raises(InputError, match=rf"{link}: .*outside .*name the file itself"):
        import_file(store, folder, format="brat")
    assert store.document_count() == 0


def test_links_out_of_an_imported_folder_are_refused_unless_named(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text("Kyiv refused.", "utf-8")
    secret = tmp_path / "passwd.txt"
    secret.write_text("root:x:0:0", "utf-8")
    (folder / "two.txt").symlink_to(secret)
    (folder / "three.txt").symlink_to(folder / "one.txt")  # inside: fine
    with pytest.raises(InputError, match=r"two.txt: .*outside"):
        plan_imports([folder])
    assert import_file(store, folder / "two.txt").counts.documents == 1  # named: read
    assert [d.text for d in store.iter_documents()] == ["root:x:0:0"]


# ----------------------------------------------------------------------------- doccano

EMOJI = "😀 Lavrov met Blinken in Geneva. 🇺🇦 Kyiv refused."


def doccano_line(unit: str) -> str:
    spans = []
    for word, label in (("Lavrov", "guarantor"), ("Geneva", "guarantor"), ("Kyiv", "demand")):
        start = EMOJI.index(word)
        if unit == "utf16":
            start = len(EMOJI[:start].encode("utf-16-le")) // 2
        spans.append([start, start + len(word), label])
    return json.dumps({"text": EMOJI, "label": spans}) + "\n"


def test_doccano_utf16_offsets_read_as_code_points_are_pointed_out(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(doccano_line("utf16") + json.dumps({"text": "plain", "label": []}) + "\n")
    result = import_file(store, path, format="doccano")
    note = " ".join(result.notes)
    assert "1 document" in note and "outside the BMP" in note
    assert "fit --offsets utf16 better" in note


def test_doccano_code_points_that_fit_get_no_suggestion(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(doccano_line("codepoint"))
    result = import_file(store, path, format="doccano")
    assert spans_of(store) == [
        ("gold", "Geneva", "guarantor"),
        ("gold", "Kyiv", "demand"),
        ("gold", "Lavrov", "guarantor"),
    ]
    note = " ".join(result.notes)
    assert "outside the BMP" in note and "better" not in note


def test_doccano_utf16_import_fits_and_says_nothing_more(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(doccano_line("utf16"))
    result = import_file(store, path, format="doccano", offsets="utf16")
    assert [label for _, _, label in spans_of(store)] == ["guarantor", "demand", "guarantor"]
    assert not any("better" in note for note in result.notes)
