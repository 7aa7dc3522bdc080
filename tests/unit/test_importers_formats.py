"""Interchange importers: what they read, how they detect; every refusal leaves the DB as it was.

Fixtures are written here, in the shapes the tools write (not copies of their files).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.ingest import detect_format, import_file, plan_imports
from annotator.models import RESERVED_KEYS
from annotator.store import Store

Dump = Callable[[Path], list[str]]
EMOJI_TEXT = "Peace 🕊️ talks in Geneva with Lavrov."
# 🕊️ is U+1F54A U+FE0F: one astral code point, so UTF-16 offsets after it are 1 higher.


def lines(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def spans_of(store: Store) -> list[tuple[str, str, str]]:
    return [
        (span.layer, document.text[span.start : span.end], span.label)
        for document, spans in store.iter_documents_with_spans()
        for span in spans
    ]


def test_detection_by_suffix_and_first_record(tmp_path: Path) -> None:
    cases = {
        "a.jsonl": {"text": "x", "spans": []},
        "b.jsonl": {"text": "x", "label": [[0, 1, "demand"]]},
        "c.jsonl": {"text": "x", "entities": []},
        "d.jsonl": {"text": "x", "tokens": [], "spans": [], "_input_hash": 1},
        "e.jsonl": {"data": {"text": "x"}, "annotations": []},
    }
    for name, record in cases.items():
        lines(tmp_path / name, record)
    detected = [detect_format(tmp_path / name) for name in sorted(cases)]
    assert detected == ["jsonl", "doccano", "doccano", "prodigy", "label-studio"]
    for name, expected in [("f.conll", "conll"), ("g.json", "label-studio"), ("h.ann", "brat")]:
        (tmp_path / name).write_text("", "utf-8")
        assert detect_format(tmp_path / name) == expected
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "x.ann").write_text("", "utf-8")
    assert plan_imports([tmp_path / "brat"]) == [(tmp_path / "brat", "brat")]
    with pytest.raises(InputError, match="unknown format"):
        plan_imports([tmp_path / "a.jsonl"], "excel")


def test_doccano_both_shapes_and_utf16_offsets(store: Store, tmp_path: Path) -> None:
    start = EMOJI_TEXT.index("Geneva")
    path = lines(
        tmp_path / "doccano.jsonl",
        {
            "id": "g1",
            "text": EMOJI_TEXT,
            "label": [[start + 1, start + 7, "guarantor"]],
            "batch": 3,
        },
        {
            "text": "Lavrov said Kyiv refused.",
            "entities": [
                {"id": 7, "start_offset": 12, "end_offset": 16, "label": "demand"},
                {"id": 3, "start_offset": 0, "end_offset": 11, "label": "attribution"},
            ],
            "relations": [{"id": 0, "from_id": 3, "to_id": 7, "type": "says"}],
        },
    )
    result = import_file(store, path, offsets="utf16")
    assert result.format == "doccano" and result.counts.spans == 3
    assert result.counts.relations == 1  # relations link entities by their ids
    assert spans_of(store) == [
        ("gold", "Geneva", "guarantor"),
        ("gold", "Lavrov said", "attribution"),
        ("gold", "Kyiv", "demand"),
    ]
    assert store.document("g1").meta == {"batch": 3}


def test_utf16_offsets_that_split_an_emoji_name_the_line(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    before = dump_db(store.path)
    path = lines(
        tmp_path / "d.jsonl",
        {"text": "ok", "label": []},
        {"text": EMOJI_TEXT, "label": [[7, 9, "demand"]]},
    )
    with pytest.raises(InputError) as caught:
        import_file(store, path, offsets="utf16")
    assert str(caught.value).startswith(f"{path}:2: label[0]: UTF-16 offset 7 splits")
    assert dump_db(store.path) == before


def test_label_studio_annotations_completions_and_predictions(store: Store, tmp_path: Path) -> None:
    start = EMOJI_TEXT.index("Geneva")

    def region(label: str, a: int, b: int) -> dict:
        value = {"start": a, "end": b, "text": EMOJI_TEXT[a:b], "labels": [label]}
        return {
            "id": "r",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": value,
        }

    tasks = [
        {
            "id": 1,
            "data": {"text": EMOJI_TEXT, "outlet": "wire"},
            "annotations": [
                {
                    "completed_by": {"email": "alice@example.org"},
                    "result": [
                        region("guarantor", start, start + 6),
                        {"type": "choices", "value": {"choices": ["x"]}},
                    ],
                },
                {"was_cancelled": True, "result": [region("demand", 0, 5)]},
            ],
            "predictions": [{"model_version": "v1", "result": [region("opinion", 0, 5)]}],
        },
        {
            "data": {"body": "Lavrov spoke."},
            "completions": [
                {
                    "completed_by": 7,
                    "result": [
                        {
                            "type": "labels",
                            "value": {
                                "start": 0,
                                "end": 6,
                                "text": "Lavrov",
                                "labels": ["attribution", "quote"],
                            },
                        }
                    ],
                }
            ],
        },
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), "utf-8")
    result = import_file(store, path)
    assert sorted(spans_of(store)) == [
        ("alice_at_example.org", "Geneva", "guarantor"),  # the whole e-mail: one per person
        ("predictions", "Peace", "opinion"),
        ("user7", "Lavrov", "attribution"),
        ("user7", "Lavrov", "quote"),
    ]
    assert "1 cancelled annotations" in result.notes[0] and "1 choices results" in result.notes[0]


def test_label_studio_utf16_shift_is_caught_with_a_hint(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    start = EMOJI_TEXT.index("Geneva") + 1  # what a UTF-16 counting tool writes
    task = {
        "data": {"text": EMOJI_TEXT},
        "annotations": [
            {
                "result": [
                    {
                        "type": "labels",
                        "value": {
                            "start": start,
                            "end": start + 6,
                            "text": "Geneva",
                            "labels": ["guarantor"],
                        },
                    }
                ]
            }
        ],
    }
    path = tmp_path / "t.json"
    path.write_text(
        "[\n" + json.dumps({"data": {"text": "fine"}}) + ",\n" + json.dumps(task) + "\n]", "utf-8"
    )
    before = dump_db(store.path)
    with pytest.raises(InputError) as caught:
        import_file(store, path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: annotations[0].result[0]: span text 'Geneva'")
    assert "import with --offsets utf16" in message
    assert dump_db(store.path) == before
    assert import_file(store, path, offsets="utf16").counts.spans == 1


def test_prodigy_tokens_and_answers(store: Store, tmp_path: Path) -> None:
    text = "Uber’s Lesson: Silicon Valley"
    tokens = [
        {"text": "Uber", "start": 0, "end": 4, "id": 0},
        {"text": "’s", "start": 4, "end": 6, "id": 1},
        {"text": "Silicon", "start": 15, "end": 22, "id": 3},
        {"text": "Valley", "start": 23, "end": 29, "id": 4},
    ]
    good = {
        "text": text,
        "meta": {"id": "p1", "source": "NYT", "day": 2},
        "tokens": tokens,
        "spans": [{"start": 15, "end": 29, "token_start": 2, "token_end": 3, "label": "guarantor"}],
        "answer": "accept",
    }
    path = lines(
        tmp_path / "p.jsonl",
        good,
        {**good, "text": "Rejected one", "tokens": [], "spans": [], "answer": "reject"},
    )
    result = import_file(store, path)
    assert spans_of(store) == [("gold", "Silicon Valley", "guarantor")]
    document = store.document("p1")
    assert (document.source, document.meta) == ("NYT", {"day": 2})
    assert "1 reject" in result.notes[0]
    shifted = {**good, "meta": {}, "text": "X" + text}
    with pytest.raises(
        InputError, match=r":1: tokens\[0\]: span text 'Uber' does not match 'XUbe'"
    ):
        import_file(store, lines(tmp_path / "bad.jsonl", shifted))


def test_brat_folder_is_one_unit_and_checks_every_t_line(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    folder = tmp_path / "brat"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Lavrov met\nBlinken in Geneva.", "utf-8")
    (folder / "a.ann").write_text(
        "T1\tguarantor 0 6\tLavrov\nT2\tquote 7 10;11 18\tmet Blinken\nR1\tsays Arg1:T3 Arg2:T2\t\n"
        "#1\tAnnotatorNotes T1\tnote\nT3\tattribution 22 28\tGeneva\n",
        "utf-8",
    )
    (folder / "sub" / "b.txt").write_text("Kyiv refused.", "utf-8")
    (folder / "sub" / "b.ann").write_text("T1\tdemand 0 4\tKyiv\n", "utf-8")
    result = import_file(store, folder)
    assert result.format == "brat" and result.counts.documents == 2
    assert spans_of(store) == [
        ("gold", "Lavrov", "guarantor"),
        ("gold", "met\nBlinken", "quote"),
        ("gold", "Geneva", "attribution"),
        ("gold", "Kyiv", "demand"),
    ]
    assert store.document("sub/b").source == "sub/b.txt"
    assert result.counts.relations == 1  # R lines may name a T line further down
    assert "not imported (spans and relations only): 1 notes" in result.notes[0]
    (folder / "sub" / "b.ann").write_text(
        "T1\tdemand 0 4\tKyiv\nT2\tdemand 5 12\trefuse\n", "utf-8"
    )
    (folder / "a.txt").write_text("Other text", "utf-8")
    before = dump_db(store.path)
    with pytest.raises(InputError) as caught:
        import_file(store, folder)
    assert str(caught.value).startswith(f"{folder / 'a.ann'}:1: T1 guarantor: text 'Lavrov'")
    assert dump_db(store.path) == before


def test_brat_discontinuous_span_with_words_between_is_refused(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "d.txt").write_text("one two three", "utf-8")
    (tmp_path / "d.ann").write_text("T1\tquote 0 3;8 13\tone three\n", "utf-8")
    with pytest.raises(
        InputError, match=r"d.ann:1: T1 quote: discontinuous span with text between"
    ):
        import_file(store, tmp_path / "d.ann")


def test_conll_iob1_bioes_index_columns_and_comments(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(
        "#\tsource line\n1\tLavrov\tNNP\tI-guarantor\tO\n2\tand\tCC\tO\tO\n"
        "3\tBlinken\tNNP\tS-guarantor\tB-quote\n"
        "4\tmet\tVBD\tO\tE-quote\n\n-DOCSTART-\t-X-\t-X-\tO\tO\n\n1\tKyiv\tNNP\tB-demand\tO\n",
        "utf-8",
    )
    result = import_file(store, path)
    assert result.counts.documents == 2  # -DOCSTART- splits; the first part is a document too
    assert sorted(spans_of(store)) == sorted(
        [
            ("gold", "Lavrov", "guarantor"),
            ("gold", "Blinken", "guarantor"),
            ("gold", "Blinken met", "quote"),
            ("gold", "Kyiv", "demand"),
        ]
    )
    assert "column(s) 3 hold no tags" in result.notes[0]
    first = next(iter(store.iter_documents()))
    assert first.text == "Lavrov and Blinken met" and first.meta == {"comments": ["source line"]}


def test_conll_bad_lines_name_file_and_line(store: Store, tmp_path: Path, dump_db: Dump) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Kyiv B-demand\nrefused O\n\nLavrov X-guarantor\n", "utf-8")
    before = dump_db(store.path)
    with pytest.raises(InputError, match=r"bad.conll:4: column 2: 'X-guarantor' is not a tag"):
        import_file(store, path)
    path.write_text("Kyiv B-demand\nrefused O extra\n", "utf-8")
    with pytest.raises(InputError, match=r"bad.conll:2: 3 columns where the first line has 2"):
        import_file(store, path)
    assert dump_db(store.path) == before


def test_unknown_labels_are_all_listed_and_nothing_is_kept(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    path = lines(
        tmp_path / "d.jsonl",
        {"text": "Kyiv", "label": [[0, 4, "LOC"]]},
        {"text": "Lavrov", "label": [[0, 6, "PER"], [0, 6, "demand"]]},
        {"text": "Geneva", "label": [[0, 6, "LOC"]]},
    )
    before = dump_db(store.path)
    with pytest.raises(InputError) as caught:
        import_file(store, path)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: 2 unknown labels: 'LOC' (line 1), 'PER' (line 2)")
    assert "--add-labels" in message
    assert dump_db(store.path) == before


def test_add_labels_extends_the_scheme_with_free_keys_and_colours(
    store: Store, tmp_path: Path
) -> None:
    path = lines(
        tmp_path / "d.jsonl", {"text": "Kyiv and Lavrov", "label": [[0, 4, "LOC"], [9, 15, "PER"]]}
    )
    result = import_file(store, path, add_labels=True)
    assert result.added_labels == ["LOC", "PER"]
    scheme = store.scheme
    assert scheme.label_names[-2:] == ["LOC", "PER"]
    keys = [label.key.lower() for label in scheme.labels]
    assert len(set(keys)) == len(keys) and not set(keys) & RESERVED_KEYS
    colours = [label.color for label in scheme.labels]
    assert len(set(colours)) == len(colours)
    assert store.scheme_text.startswith("# The default label scheme")  # comments kept
    reopened = Store.open(store.path)
    assert reopened.scheme.label_names == scheme.label_names
    reopened.close()


def test_added_labels_roll_back_with_a_failed_file(
    store: Store, tmp_path: Path, dump_db: Dump
) -> None:
    path = lines(tmp_path / "d.jsonl", {"text": "Kyiv", "label": [[0, 4, "LOC"]]}, {"text": 5})
    before = dump_db(store.path)
    with pytest.raises(InputError, match=":2: text must be a string"):
        import_file(store, path, add_labels=True)
    assert dump_db(store.path) == before
    assert "LOC" not in store.scheme.label_names
