"""Relations through every text format that holds them, read as each tool reads them.

Each export is checked against its tool's own rules (brat's `R` lines against its
annotation.conf, Label Studio's annotations by label-studio-sdk against the config),
imported into a new project and compared with the relations stored. Files with relations
written by the tools' own projects (brat's news tutorial, doccano's relation example,
flair's CoNLL-U Plus fixture) are not shipped here: the sample tests read them from the
folder ANNOTATOR_INTEROP_SAMPLES names (brat/, doccano/, conllu/), and skip without it.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import export, import_linked, stored_relations

from annotator.ingest import import_file
from annotator.store import NewDocument, Store


def sample(name: str) -> Path:
    """A tool-written sample file or folder; the test is skipped when it is not there."""
    folder = os.environ.get("ANNOTATOR_INTEROP_SAMPLES")
    path = Path(folder) / name if folder else None
    if path is None or not path.exists():
        pytest.skip(f"set ANNOTATOR_INTEROP_SAMPLES to a folder holding {name}")
    return path


def fresh(tmp_path: Path, store: Store, name: str = "back.db") -> Store:
    return Store.create(tmp_path / name, store.scheme_text, "test")


# ------------------------------------------------------------------------ brat

R_LINE = re.compile(r"^R(\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)\t$")


def _conf_relations(conf: str) -> dict[str, tuple[set[str], set[str]]]:
    """annotation.conf's [relations]: name -> (Arg1 types, Arg2 types)."""
    section = conf.split("[relations]\n", 1)[1].split("\n[", 1)[0]
    found = {}
    for line in filter(None, section.split("\n")):
        name, args = line.split("\t")
        first, second = (part.split(":", 1)[1] for part in args.split(", "))
        found[name] = (set(first.split("|")), set(second.split("|")))
    return found


def test_brat_r_lines_link_t_lines_as_annotation_conf_declares(
    store: Store, tmp_path: Path
) -> None:
    expected = import_linked(store)
    report = export(store, "brat", Path("brat"))
    assert report.relations == 5 and not report.lossy
    declared = _conf_relations(Path("brat/annotation.conf").read_text("utf-8"))
    assert declared == {
        "says": ({"attribution"}, {"quote", "demand", "opinion"}),
        "guarantees": ({"guarantor"}, {"demand"}),
    }
    visual = Path("brat/visual.conf").read_text("utf-8").splitlines()
    assert "says\tcolor:#6cb6ff" in visual
    count = 0
    for doc_id in ("d1", "d2"):
        lines = Path(f"brat/{doc_id}.ann").read_text("utf-8").splitlines()
        types = {line.split("\t")[0]: line.split("\t")[1].split(" ")[0] for line in lines}
        relations = [line for line in lines if line.startswith("R")]
        assert [R_LINE.match(line)[1] for line in relations] == [  # type: ignore[index]
            str(n) for n in range(1, len(relations) + 1)
        ]
        for line in relations:
            match = R_LINE.match(line)
            assert match is not None, line
            _, name, head, child = match.groups()
            heads, children = declared[name]
            assert types[head] in heads and types[child] in children, line
            count += 1
    assert count == 5
    with fresh(tmp_path, store) as back:
        result = import_file(back, Path("brat"))
        assert result.counts.relations == 5
        assert stored_relations(back) == {r for r in expected if r[1] == "gold"}


def test_brat_reports_a_relation_whose_span_it_cannot_write(store: Store) -> None:
    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text="Lavrov said\n\nnothing.",
                    id="gap",
                    spans=[("gold", 0, 11, "attribution"), ("gold", 11, 13, "quote")],
                    relations=[(0, 1, "says")],
                )
            ]
        )
    report = export(store, "brat", Path("brat"))
    assert report.relations == 0 and report.lossy
    (line,) = report.dropped_relations
    assert line.startswith("gap gold relation says: 0-11 attribution 'Lavrov said' -> 11-13")
    assert "not representable in brat" in line
    assert "R1" not in Path("brat/gap.ann").read_text("utf-8")


NEWS_SCHEME = """
name = "news"
version = 1
{labels}
[[relations]]
name = "Origin"
key = "o"
color = "#aa0000"
heads = ["Organization"]
children = ["GPE"]

[[relations]]
name = "Family"
key = "a"
color = "#00aa00"
heads = ["Person"]
children = ["Person"]
"""
NEWS_LABELS = {"Organization": "o", "Money": "m", "Transfer-money": "t", "Person": "e"}
NEWS_LABELS |= {"GPE": "g"}


def _scheme(template: str, labels: dict[str, str]) -> str:
    blocks = "".join(
        f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolor = "#888888"\n\n'
        for name, key in labels.items()
    )
    return template.format(labels=blocks)


def test_brat_sample_relations_import(tmp_path: Path) -> None:
    """brat's news tutorial: R lines with a trailing tab, an event and notes beside them."""
    corpus = sample("brat")
    with Store.create(tmp_path / "news.db", _scheme(NEWS_SCHEME, NEWS_LABELS), "t") as news:
        result = import_file(news, corpus)
        assert result.counts.relations == 2
        assert stored_relations(news) == {
            (
                "000-introduction",
                "gold",
                (473, 496, "Person"),
                (511, 535, "Person"),
                "Family",
            ),
            ("000-introduction", "gold", (540, 545, "Organization"), (549, 560, "GPE"), "Origin"),
        }
        assert any("1 events" in note for note in result.notes), result.notes


def test_brat_relation_the_scheme_lacks_stops_the_import_naming_its_line(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Lavrov said it.", "utf-8")
    (folder / "a.ann").write_text(
        "T1\tattribution 0 11\tLavrov said\nT2\tquote 12 14\tit\nR1\tcites Arg1:T1 Arg2:T2\t\n",
        "utf-8",
    )
    with pytest.raises(Exception, match=r"'cites' \(a.ann line 3\).*has says, guarantees"):
        import_file(store, folder)
    assert store.document_count() == 0


# ---------------------------------------------------------------- Label Studio


def test_label_studio_relations_validate_against_the_config(store: Store, tmp_path: Path) -> None:
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    expected = import_linked(store)
    report = export(store, "label-studio", Path("ls"))
    assert report.relations == len(expected) == 6 and not report.lossy
    config = Path("ls/config.xml").read_text("utf-8")
    interface = interface_module.LabelInterface(config)
    interface.validate()
    declared = {tag.get("value") for tag in ET.fromstring(config).iter("Relation")}
    assert declared == {"says", "guarantees"}
    found = 0
    for task in json.loads(Path("ls/tasks.json").read_text("utf-8")):
        for annotation in task["annotations"]:
            assert interface.validate_annotation(annotation), annotation
            for link in annotation["result"]:
                if link["type"] == "relation":
                    assert link["direction"] == "right" and set(link["labels"]) <= declared
                    found += 1
    assert found == 6
    with fresh(tmp_path, store) as back:
        assert import_file(back, Path("ls/tasks.json")).counts.relations == 6
        assert stored_relations(back) == expected


def test_label_studio_validation_has_teeth_for_relations(store: Store) -> None:
    """A relation to a region the annotation lacks fails the SDK's validation."""
    interface_module = pytest.importorskip("label_studio_sdk.label_interface")
    import_linked(store)
    export(store, "label-studio", Path("ls"))
    interface = interface_module.LabelInterface(Path("ls/config.xml").read_text("utf-8"))
    annotation = json.loads(Path("ls/tasks.json").read_text("utf-8"))[0]["annotations"][0]
    link = next(r for r in annotation["result"] if r["type"] == "relation")
    link["to_id"] = "nowhere"
    assert not interface.validate_annotation(annotation)


def test_label_studio_import_reads_directions_and_names_what_it_cannot_keep(
    store: Store, tmp_path: Path
) -> None:
    text = "Lavrov said Kyiv must be neutral."

    def region(ident: str, start: int, end: int, label: str) -> dict[str, object]:
        value = {"start": start, "end": end, "text": text[start:end], "labels": [label]}
        return {"id": ident, "type": "labels", "from_name": "l", "to_name": "t", "value": value}

    def link(head: str, child: str, **extra: object) -> dict[str, object]:
        return {"from_id": head, "to_id": child, "type": "relation", **extra}

    result = [
        link("q", "a", direction="left", labels=["says"]),  # before its regions
        region("a", 0, 11, "attribution"),
        region("q", 12, 32, "demand"),
        link("a", "q", direction="bi", labels=["says"]),
        link("a", "q", direction="right", labels=[]),
        link("a", "gone", direction="right", labels=["says"]),
    ]
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": result}]}]))
    imported = import_file(store, tasks)
    assert imported.counts.relations == 1
    (doc,) = store.iter_documents()
    assert stored_relations(store) == {
        (doc.id, "gold", (0, 11, "attribution"), (12, 32, "demand"), "says")
    }
    dropped = [note for note in imported.notes if "relation dropped" in note]
    assert len(dropped) == 3, imported.notes
    assert "direction 'bi'" in dropped[0] and "no name" in dropped[1]
    assert "'gone' names no stored labels region" in dropped[2]


# ---------------------------------------------------------------------- doccano


def test_doccano_writes_its_relation_shape_and_reads_it_back(store: Store, tmp_path: Path) -> None:
    expected = {r for r in import_linked(store) if r[1] == "gold"}
    report = export(store, "doccano", Path("d.jsonl"), offsets="utf16")
    assert report.relations == 5 and not report.lossy
    assert any("relation shape" in note for note in report.notes)
    for line in Path("d.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        assert set(record) == {"id", "text", "entities", "relations"}
        ids = {entity["id"] for entity in record["entities"]}
        assert all(
            set(e) == {"id", "start_offset", "end_offset", "label"} for e in record["entities"]
        )
        for link in record["relations"]:
            assert set(link) == {"id", "from_id", "to_id", "type"}
            assert {link["from_id"], link["to_id"]} <= ids
    with fresh(tmp_path, store) as back:
        result = import_file(back, Path("d.jsonl"), format="doccano", offsets="utf16")
        assert result.counts.relations == 5
        assert stored_relations(back) == expected


def test_doccano_without_relations_keeps_its_label_shape(store: Store) -> None:
    with store.transaction():
        store.import_documents(
            [NewDocument(text="Kyiv refused.", spans=[("gold", 0, 4, "demand")])]
        )
    export(store, "doccano", Path("d.jsonl"))
    assert set(json.loads(Path("d.jsonl").read_text("utf-8"))) == {"id", "text", "label"}


def test_doccano_shape_follows_the_exported_layer_only(store: Store) -> None:
    """alice's relations do not change how gold is written (nor do they survive in it)."""
    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text="Lavrov said Kyiv refused.",
                    spans=[
                        ("alice", 0, 11, "attribution"),
                        ("alice", 12, 16, "demand"),
                        ("gold", 12, 16, "demand"),
                    ],
                    relations=[(0, 1, "says")],
                )
            ]
        )
    assert not export(store, "doccano", Path("gold.jsonl")).lossy
    assert set(json.loads(Path("gold.jsonl").read_text("utf-8"))) == {"id", "text", "label"}
    export(store, "doccano", Path("alice.jsonl"), layers=["alice"])
    assert "relations" in json.loads(Path("alice.jsonl").read_text("utf-8"))


DOCCANO_SCHEME = """
name = "founders"
version = 1
{labels}
[[relations]]
name = "foundedAt"
key = "a"
color = "#aa0000"
heads = ["ORG"]
children = ["DATE"]

[[relations]]
name = "foundedBy"
key = "o"
color = "#00aa00"
heads = ["ORG"]
children = ["PERSON"]
"""


def test_doccano_sample_relations_import(tmp_path: Path) -> None:
    example = sample("doccano/relation_extraction_import_example.jsonl")
    scheme = _scheme(DOCCANO_SCHEME, {"ORG": "o", "DATE": "d", "PERSON": "e"})
    with Store.create(tmp_path / "f.db", scheme, "t") as founders:
        assert import_file(founders, example, format="doccano").counts.relations == 3
        ((doc_id, *_),) = {r[:1] for r in stored_relations(founders)}
        assert stored_relations(founders) == {
            (doc_id, "gold", (0, 6, "ORG"), (22, 39, "DATE"), "foundedAt"),
            (doc_id, "gold", (0, 6, "ORG"), (44, 54, "PERSON"), "foundedBy"),
            (doc_id, "gold", (0, 6, "ORG"), (59, 70, "PERSON"), "foundedBy"),
        }


def test_doccano_relation_to_an_unknown_entity_names_the_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    entities = [{"id": 1, "start_offset": 0, "end_offset": 6, "label": "attribution"}]
    record = {"text": "Lavrov said.", "entities": entities}
    record["relations"] = [{"from_id": 1, "to_id": 9, "type": "says"}]
    path.write_text(json.dumps(record) + "\n", "utf-8")
    with pytest.raises(Exception, match=r"bad.jsonl:1: relations\[0\]: to_id 9 is the id of no"):
        import_file(store, path, format="doccano")


# ---------------------------------------------------------------------- Prodigy


def test_prodigy_relations_name_the_last_token_of_each_span(store: Store, tmp_path: Path) -> None:
    """As rel.manual writes them and spaCy's relation example reads them: `head`/`child`
    are the `token_end` of spans that `head_span`/`child_span` repeat."""
    expected = {r for r in import_linked(store) if r[1] == "gold"}
    report = export(store, "prodigy", Path("p.jsonl"))
    assert report.relations == 5 and not report.lossy
    for line in Path("p.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        for link in record["relations"]:
            assert link["head_span"] in record["spans"] and link["child_span"] in record["spans"]
            assert link["head"] == link["head_span"]["token_end"]
            assert link["child"] == link["child_span"]["token_end"]
            head = record["tokens"][link["head"]]
            assert (
                head["end"] == link["head_span"]["end"]
                or record["text"][head["end"] : link["head_span"]["end"]].isspace()
            )
    with fresh(tmp_path, store) as back:
        assert import_file(back, Path("p.jsonl")).counts.relations == 5
        assert stored_relations(back) == expected


def test_prodigy_relations_by_token_alone_must_name_one_span(store: Store, tmp_path: Path) -> None:
    text = "Lavrov said Kyiv must be neutral."
    spans = [
        {"start": 0, "end": 11, "token_start": 0, "token_end": 1, "label": "attribution"},
        {"start": 12, "end": 32, "token_start": 2, "token_end": 5, "label": "demand"},
        {"start": 17, "end": 32, "token_start": 3, "token_end": 5, "label": "opinion"},
    ]
    path = tmp_path / "p.jsonl"

    def write(*relations: dict[str, object]) -> Path:
        record = {"text": text, "spans": spans, "relations": list(relations), "answer": "accept"}
        path.write_text(json.dumps(record) + "\n", "utf-8")
        return path

    # token 5 ends both the demand and the opinion: which one is meant?
    with pytest.raises(Exception, match=r"relations\[0\]: child token 5 is the end of several"):
        import_file(store, write({"head": 1, "child": 5, "label": "says"}))
    assert store.document_count() == 0
    # its child_span says which
    link = {"head": 1, "child": 5, "child_span": spans[2], "label": "says"}
    assert import_file(store, write(link)).counts.relations == 1
    (doc,) = store.iter_documents()
    assert stored_relations(store) == {
        (doc.id, "gold", (0, 11, "attribution"), (17, 32, "opinion"), "says")
    }


# ---------------------------------------------------------------------- csv, conll


def test_csv_writes_relations_beside_the_spans_neutralised(store: Store) -> None:
    import csv

    with store.transaction():
        store.import_documents(
            [
                NewDocument(
                    text="=Lavrov said -Kyiv must wait.",
                    id="=d",
                    spans=[("gold", 0, 12, "attribution"), ("gold", 13, 28, "demand")],
                    relations=[(0, 1, "says")],
                )
            ]
        )
    report = export(store, "csv", Path("out.csv"))
    assert report.relations == 1 and not report.lossy
    with Path("out.relations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    head = ["head_label", "head_start", "head_end", "head_text"]
    child = ["child_label", "child_start", "child_end", "child_text"]
    head_cells = ["attribution", "0", "12", "'=Lavrov said"]
    child_cells = ["demand", "13", "28", "'-Kyiv must wait"]
    assert rows == [
        ["document", "layer", "relation", *head, *child],
        ["'=d", "gold", "says", *head_cells, *child_cells],
    ]
    with Path("out.csv").open(encoding="utf-8", newline="") as handle:
        spans = list(csv.reader(handle))
    assert [row[3:5] for row in spans[1:]] == [["0", "12"], ["13", "28"]]  # the same ends


def test_conll_reports_every_relation_as_lossy_like_an_overlap(store: Store) -> None:
    gold = [r for r in import_linked(store) if r[1] == "gold"]  # the layer it exports
    report = export(store, "conll", Path("out.conll"))
    assert report.relations == 0 and report.lossy
    assert len(report.dropped_relations) == len(gold) == 5
    assert all("not representable in conll" in line for line in report.dropped_relations)


def test_conllu_plus_sample_relations_import_as_conllu_reads_them(tmp_path: Path) -> None:
    """flair's `# relations = h_start;h_end;c_start;c_end;label` (token ids from 1, ends
    inclusive): the spans that the ner column marks on those tokens are linked; the
    expected pairs are computed from the file by the `conllu` library."""
    conllu = pytest.importorskip("conllu")
    fixture = sample("conllu/flair_train.conllup")
    expected = set()
    for sentence in conllu.parse(
        fixture.read_text("utf-8"), fields=["id", "form", "upos", "ner", "misc"]
    ):
        words = [token["form"] for token in sentence]
        for item in sentence.metadata["relations"].split("|"):
            h1, h2, c1, c2, label = item.split(";")
            head = " ".join(words[int(h1) - 1 : int(h2)])
            child = " ".join(words[int(c1) - 1 : int(c2)])
            expected.add((sentence.metadata["text"], head, child, label))
    scheme = FLAIR_SCHEME
    with Store.create(tmp_path / "flair.db", scheme, "t") as flair:
        assert import_file(flair, fixture).counts.relations == len(expected) == 7
        found = set()
        for document in flair.iter_documents():
            spans = {s.id: document.text[s.start : s.end] for s in flair.spans(document.id)}
            for relation in flair.relation_rows(document.id):
                found.add(
                    (document.text, spans[relation.head], spans[relation.child], relation.label)
                )
        assert found == expected


FLAIR_SCHEME = _scheme(
    """
name = "flair"
version = 1
{labels}
[[relations]]
name = "founded_by"
key = "o"
color = "#aa0000"
heads = ["ORG"]
children = ["PER"]

[[relations]]
name = "place_of_birth"
key = "g"
color = "#00aa00"
heads = ["LOC"]
children = ["PER"]
""",
    {"PER": "e", "ORG": "o", "LOC": "g", "DATE": "d"},
)


def test_conllu_relations_link_multi_token_spans_and_note_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "r.conllup"
    path.write_text(
        "# global.columns = ID FORM NER MISC\n"
        "# relations = 4;4;1;2;founded_by|4;4;3;3;founded_by\n"
        "1\tLarry\tB-PER\t_\n2\tPage\tI-PER\t_\n3\tfounded\tO\t_\n"
        "4\tGoogle\tB-ORG\tSpaceAfter=No\n5\t.\tO\t_\n",
        "utf-8",
    )
    with Store.create(tmp_path / "flair.db", FLAIR_SCHEME, "t") as flair:
        result = import_file(flair, path)
        assert result.counts.relations == 1
        (doc,) = flair.iter_documents()
        assert doc.text == "Larry Page founded Google."
        assert stored_relations(flair) == {
            (doc.id, "gold", (19, 25, "ORG"), (0, 10, "PER"), "founded_by")
        }
        # "founded" is no span: that relation is counted, not imported
        assert any("1 relations not imported" in note for note in result.notes), result.notes


def test_brat_relation_naming_an_event_is_counted_not_imported(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "e.txt").write_text("Lavrov said Kyiv must wait.", "utf-8")
    (tmp_path / "e.ann").write_text(
        "T1\tattribution 0 11\tLavrov said\nT2\tdemand 12 26\tKyiv must wait\n"
        "E1\tdemand:T2\nR1\tsays Arg1:T1 Arg2:T2\t\nR2\tsays Arg1:T1 Arg2:E1\t\n",
        "utf-8",
    )
    result = import_file(store, tmp_path / "e.ann")
    assert result.counts.relations == 1
    assert "1 events, 1 relations of events or of missing T lines" in result.notes[0]


def test_export_command_lists_relations_a_format_drops_and_exits_1(store: Store) -> None:
    from typer.testing import CliRunner

    from annotator.cli import app

    import_linked(store)
    store.close()
    runner = CliRunner()
    args = ["export", "conll", "--db", str(store.path), "-o", "out.conll"]
    lossy = runner.invoke(app, args)
    assert lossy.exit_code == 1
    assert "5 relations could not be represented in conll" in lossy.output
    assert "d2 gold relation says: 26-37 attribution 'Lavrov said' -> 0-25 quote" in lossy.output
    assert runner.invoke(app, [*args, "--allow-lossy"]).exit_code == 0
    kept = runner.invoke(app, ["export", "brat", "--db", str(store.path), "-o", "brat"])
    assert kept.exit_code == 0 and "5 relations" in kept.output
