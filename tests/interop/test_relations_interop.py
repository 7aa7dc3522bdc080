"""Relations through every text format that holds them, read as each tool reads them.

Each export is checked against its tool's own rules (brat's `R` lines against its
annotation.conf, Label Studio's annotations by label-studio-sdk against the config),
imported into a new project and compared with the relations stored; the interop samples
with relations (brat's news tutorial, doccano's relation example, flair's CoNLL-U Plus)
import with theirs.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import export, import_linked, stored_relations

from annotator.ingest import import_file
from annotator.store import NewDocument, Store

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "interop-samples"


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
    sample = SAMPLES / "brat"
    if not sample.is_dir():
        pytest.skip("the interop samples are not beside the project")
    with Store.create(tmp_path / "news.db", _scheme(NEWS_SCHEME, NEWS_LABELS), "t") as news:
        result = import_file(news, sample)
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
