"""Scheme files: the default is valid, and every kind of mistake names the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import SchemeError
from annotator.scheme import default_scheme_path, load_scheme

VALID = """
name = "tiny"
version = 2
allow_overlap = false
snap_to_tokens = false

[[labels]]
name = "demand"
key = "d"
color = "#ff0000"
definition = "what one party requires"

[[labels]]
name = "guarantor"
key = "g"
color = "#00FF00"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_scheme_has_the_five_labels_in_order() -> None:
    scheme, text = load_scheme()
    assert default_scheme_path().name == "negotiation-v2.toml"
    assert scheme.qualified_name == "negotiation-v2"
    assert scheme.label_names == ["demand", "guarantor", "quote", "attribution", "opinion"]
    assert scheme.allow_overlap and scheme.snap_to_tokens
    for label in scheme.labels:
        assert len(label.key) == 1
        assert label.definition and label.examples and label.counter_examples
    assert 'name = "negotiation"' in text


def test_default_examples_come_from_the_seed_article(seed_text: str) -> None:
    scheme, _ = load_scheme()
    for label in scheme.labels:
        for example in label.examples:
            fragment = example.split("…")[0].strip()
            assert fragment in seed_text, (label.name, example)


def test_valid_scheme_settings(tmp_path: Path) -> None:
    scheme, _ = load_scheme(write(tmp_path, VALID))
    assert scheme.qualified_name == "tiny-v2"
    assert not scheme.allow_overlap
    assert not scheme.snap_to_tokens
    assert scheme.label("guarantor").color == "#00ff00"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('name = "guarantor"', 'name = "demand"'),
            "labels: Value error, labels[1].name: duplicate",
        ),
        (('key = "g"', 'key = "D"'), "labels[1].key: key 'D' of 'guarantor' is already the key"),
        (
            ('color = "#ff0000"', 'color = "red"'),
            "labels[0].color: colour 'red' is not of the form",
        ),
        (('color = "#00FF00"', 'color = "#00FF0"'), "labels[1].color: colour '#00FF0'"),
        (('key = "d"', 'key = "q"'), "labels[0].key: key 'q' is bound by the annotation screen"),
        (('key = "d"', 'key = "dd"'), "labels[0].key: key 'dd' must be exactly one"),
        (("version = 2", "version = 0"), "version: Input should be greater than or equal to 1"),
        (("snap_to_tokens = false", "snap_to_tokens = false\nsnap = 1"), "snap: unknown field"),
        (
            ('definition = "', 'colour = "#000000"\ndefinition = "'),
            "labels[0].colour: unknown field",
        ),
        (('name = "tiny"', 'name = "a b"'), "name: scheme name 'a b' must be"),
    ],
)
def test_errors_name_the_file_and_the_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = write(tmp_path, VALID.replace(*change, 1))
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected.replace("labels: Value error, ", "") in message.replace("labels: ", "")


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "[[labels]\n")
    broken_line = VALID.count("\n") + 1
    with pytest.raises(SchemeError, match=rf"scheme\.toml: invalid TOML: .*line {broken_line},"):
        load_scheme(path)


def test_missing_labels_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="labels: Field required"):
        load_scheme(write(tmp_path, 'name = "x"\nversion = 1\n'))
    with pytest.raises(SchemeError, match=r"nope\.toml: cannot read"):
        load_scheme(tmp_path / "nope.toml")
