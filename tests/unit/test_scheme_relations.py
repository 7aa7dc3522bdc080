"""Relations in schemes: the v2 default declares them, and every mistake names the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.errors import SchemeError
from annotator.models import RESERVED_KEYS
from annotator.scheme import BUILTIN_SCHEMES, builtin_scheme_path, load_scheme

TINY = """
name = "tiny"
version = 1

[[labels]]
name = "demand"
key = "d"
color = "#ff0000"

[[labels]]
name = "guarantor"
key = "g"
color = "#00ff00"

[[labels]]
name = "attribution"
key = "a"
color = "#0000ff"

[[relations]]
name = "says"
key = "a"
color = "#112233"
heads = ["attribution"]
children = ["demand"]

[[relations]]
name = "guarantees"
key = "g"
color = "#445566"
heads = ["guarantor"]
children = ["demand"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_v2_declares_says_and_guarantees_over_the_v1_labels() -> None:
    v2, _ = load_scheme()
    v1, _ = load_scheme("builtin:negotiation-v1")
    assert v2.qualified_name == "negotiation-v2"
    assert v2.labels == v1.labels  # the same labels, keys, colours and guidelines
    assert v1.relations == []
    says, guarantees = v2.relations
    assert (says.name, says.heads, says.children) == (
        "says",
        ["attribution"],
        ["quote", "demand", "opinion"],
    )
    assert (guarantees.name, guarantees.heads, guarantees.children) == (
        "guarantees",
        ["guarantor"],
        ["demand"],
    )
    # Each relation is pressed with its head label's key (link mode binds no label key).
    assert says.key == v2.label("attribution").key
    assert guarantees.key == v2.label("guarantor").key
    for relation in v2.relations:
        assert relation.definition and relation.examples and relation.counter_examples
    assert [r.name for r in v2.relations_between("attribution", "quote")] == ["says"]
    assert [r.name for r in v2.relations_between("guarantor", "demand")] == ["guarantees"]
    assert v2.relations_between("demand", "attribution") == []


def test_relation_examples_link_spans_of_the_seed_article(seed_text: str) -> None:
    """An example is `‹head› NAME ‹child›`: both ends are words of the seed article."""
    scheme, _ = load_scheme()
    for relation in scheme.relations:
        for example in relation.examples:
            found = re.fullmatch(r"‹(.+)› (\S+) ‹(.+)›", example)
            assert found is not None, example
            head, name, child = found.groups()
            assert name == relation.name
            for end in (head, child):
                for fragment in end.split("…"):
                    assert fragment.strip() in seed_text, (relation.name, fragment)


def test_every_builtin_scheme_loads_by_name() -> None:
    for name in BUILTIN_SCHEMES:
        scheme, text = load_scheme(f"builtin:{name}")
        assert scheme.qualified_name == name
        assert builtin_scheme_path(name).read_text(encoding="utf-8") == text
    with pytest.raises(SchemeError, match="builtin:nope: no such built-in scheme"):
        load_scheme("builtin:nope")


def test_a_relation_may_share_a_label_key_and_fits_its_ends(tmp_path: Path) -> None:
    scheme, _ = load_scheme(write(tmp_path, TINY))
    assert scheme.relation_names == ["says", "guarantees"]
    assert scheme.relation("says").fits("attribution", "demand")
    assert not scheme.relation("says").fits("demand", "attribution")
    assert scheme.relation("says").misfit("guarantor", "demand") == (
        "a says relation starts on attribution, not on guarantor"
    )
    assert scheme.relation("guarantees").misfit("guarantor", "guarantor") == (
        "a guarantees relation ends on demand, not on guarantor"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('name = "guarantees"', 'name = "says"'), "relations[1].name: duplicate relation name"),
        (('name = "guarantees"', 'name = "demand"'), "relations[1].name: 'demand' is already a"),
        (('key = "g"\ncolor = "#445566"', 'key = "A"\ncolor = "#445566"'),
         "relations[1].key: key 'A' of 'guarantees' is already the key of relation 'says'"),
        (('key = "g"\ncolor = "#445566"', 'key = "j"\ncolor = "#445566"'),
         "relations[1].key: key 'j' is bound by the annotation screen"),
        (('heads = ["guarantor"]', 'heads = ["guarantors"]'),
         "relations[1].heads: 'guarantors' is not a label of this scheme"),
        (('children = ["demand"]\n\n', 'children = ["quote"]\n\n'),
         "relations[0].children: 'quote' is not a label"),
        (('heads = ["guarantor"]', "heads = []"),
         "relations[1].heads: List should have at least 1"),
        (('heads = ["guarantor"]', 'heads = ["guarantor", "guarantor"]'),
         "relations[1].heads: a label is listed twice"),
        (('color = "#445566"', 'color = "grey"'), "relations[1].color: colour 'grey'"),
        (('name = "says"', 'name = "says it"'), "relations[0].name: relation name 'says it'"),
        (('heads = ["guarantor"]', 'heads = ["guarantor"]\narrows = true'),
         "relations[1].arrows: unknown field"),
    ],
)  # fmt: skip
def test_relation_errors_name_the_file_and_the_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert change[0] in TINY
    path = write(tmp_path, TINY.replace(*change, 1))
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_no_relation_key_is_reserved() -> None:
    scheme, _ = load_scheme()
    assert not {relation.key.lower() for relation in scheme.relations} & RESERVED_KEYS
