"""The patterns source: pattern files in spaCy's format, matched by spaCy's SpanRuler.

Expectations are written by hand, offsets counted in code points (the texts hold emoji
and CJK before the matches, so a unit slip would show).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import InputError
from annotator.suggest import Proposal, Source
from annotator.suggest.patterns import (
    PatternMatcher,
    check_labels,
    default_patterns_path,
    load_patterns,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "schema" / "negotiation-v1.patterns.jsonl"


def write(path: Path, *records: Any) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
        encoding="utf-8",
    )
    return path


def found(matcher: PatternMatcher, text: str) -> list[tuple[str, str]]:
    return [(p.label, text[p.start : p.end]) for p in matcher(text)]


# ------------------------------------------------------------------ loading


def test_both_kinds_of_pattern_load_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        {"label": "guarantor", "pattern": "Germany and Turkey", "id": "pair"},
        "",
        {"label": "attribution", "pattern": [{"LOWER": "according"}, {"LOWER": "to"}]},
    )
    loaded = load_patterns(path)
    assert [(p.line, p.label, p.id) for p in loaded] == [
        (1, "guarantor", "pair"),
        (3, "attribution", ""),
    ]
    assert loaded[1].pattern == [{"LOWER": "according"}, {"LOWER": "to"}]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"label": "quote", "pattern": "x"', "invalid JSON"),
        ('["quote", "x"]', "expected a JSON object"),
        ('{"pattern": "x"}', "'label' must be a non-empty string"),
        ('{"label": "quote", "pattern": "x", "kind": "phrase"}', "unknown field 'kind'"),
        ('{"label": "quote", "pattern": "  "}', "empty phrase"),
        ('{"label": "quote", "pattern": []}', "non-empty list of token dicts"),
        ('{"label": "quote", "pattern": ["said"]}', r"'pattern'\[0\] must be an object"),
        ('{"label": "quote", "pattern": "x", "id": 3}', "'id' must be a string"),
        ('{"label": "quote", "pattern": [{"LOWR": "said"}]}', "LOWR"),
        ('{"label": "quote", "pattern": [{"LOWER": "said", "OP": "++"}]}', "OP"),
    ],
)
def test_a_bad_line_is_named_with_its_reason(tmp_path: Path, line: str, reason: str) -> None:
    path = write(tmp_path / "p.jsonl", {"label": "quote", "pattern": "fine"}, line)
    with pytest.raises(InputError, match=rf"p\.jsonl:2: .*{reason}"):
        load_patterns(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no patterns"):
        load_patterns(write(tmp_path / "p.jsonl", ""))


def test_a_label_outside_the_scheme_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        {"label": "quote", "pattern": "x"},
        {"label": "PERSON", "pattern": "y"},
    )
    with pytest.raises(InputError, match=r"p\.jsonl:2: unknown label 'PERSON'"):
        check_labels(load_patterns(path), ["quote", "attribution"], path)


# ------------------------------------------------------------------ matching


def test_phrase_and_token_patterns_match_in_code_points(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        {"label": "guarantor", "pattern": "Germany and Turkey"},
        {"label": "attribution", "pattern": [{"LOWER": "lavrov"}, {"LOWER": "said"}]},
        {"label": "opinion", "pattern": [{"LOWER": "lavrov"}, {"LOWER": "said"}]},
    )
    matcher = PatternMatcher(load_patterns(path))
    text = "🕊️ 东京 Lavrov said Germany and Turkey could help. LAVROV SAID so."
    proposals = matcher(text)
    assert proposals == [
        Proposal(6, 17, "attribution", Source.PATTERNS, 1.0),
        Proposal(6, 17, "opinion", Source.PATTERNS, 1.0),  # overlaps are kept
        Proposal(18, 36, "guarantor", Source.PATTERNS, 1.0),
        Proposal(49, 60, "attribution", Source.PATTERNS, 1.0),
        Proposal(49, 60, "opinion", Source.PATTERNS, 1.0),
    ]
    assert text[6:17] == "Lavrov said" and text[18:36] == "Germany and Turkey"


def test_a_quantifier_proposes_its_longest_reading(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        {
            "label": "attribution",
            "pattern": [
                {"LOWER": "according"},
                {"LOWER": "to"},
                {"IS_PUNCT": False, "OP": "+"},
            ],
        },
    )
    matcher = PatternMatcher(load_patterns(path))
    text = "According to a statement from the ministry, talks resume."
    assert found(matcher, text) == [("attribution", "According to a statement from the ministry")]


def test_a_quotation_inside_a_quotation_is_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.jsonl",
        {
            "label": "quote",
            "pattern": [{"ORTH": "“"}, {"ORTH": {"NOT_IN": ["“", "”"]}, "OP": "+"}, {"ORTH": "”"}],
        },
        {
            "label": "quote",
            "pattern": [{"ORTH": "‘"}, {"ORTH": {"NOT_IN": ["‘", "’"]}, "OP": "+"}, {"ORTH": "’"}],
        },
    )
    matcher = PatternMatcher(load_patterns(path))
    text = "He said “they told us ‘never’ twice” and left."
    assert found(matcher, text) == [
        ("quote", "“they told us ‘never’ twice”"),
        ("quote", "‘never’"),
    ]


def test_pipe_streams_one_list_per_text_in_order(tmp_path: Path) -> None:
    path = write(tmp_path / "p.jsonl", {"label": "guarantor", "pattern": "Turkey"})
    matcher = PatternMatcher(load_patterns(path))
    texts = (text for text in ["Turkey.", "", "No match here.", "Turkey and Turkey"])
    assert [[(p.start, p.end) for p in found] for found in matcher.pipe(texts, batch_size=2)] == [
        [(0, 6)],
        [],
        [],
        [(0, 6), (11, 17)],
    ]


# ------------------------------------------------------------------ the default patterns


@pytest.fixture(scope="module")
def default() -> PatternMatcher:
    return PatternMatcher(load_patterns(DEFAULT))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“There is no deal yet,” the Swiss mediator said on Friday.",
            [
                ("quote", "“There is no deal yet,”"),
                ("attribution", "the Swiss mediator said on Friday"),
            ],
        ),
        (
            'Officials said the plan "would not work" without monitors.',
            [("attribution", "Officials said"), ("quote", '"would not work"')],
        ),
        (
            '"We are ready," she said. "They are not," he added.',
            [
                ("quote", '"We are ready,"'),
                ("attribution", "she said"),
                ("quote", '"They are not,"'),
                ("attribution", "he added"),
            ],
        ),
        (
            "According to diplomats in Vienna, the draft is finished.",
            [("attribution", "According to diplomats in Vienna")],
        ),
        (
            "Prime Minister Jonas Berg told the BBC that talks would resume.",
            [("attribution", "Prime Minister Jonas Berg told the BBC")],
        ),
        (
            "The minister wrote on social media that nothing was agreed.",
            [("attribution", "The minister wrote on social media")],
        ),
        (
            "« Nous ne céderons pas », a déclaré le ministre.",
            [("quote", "« Nous ne céderons pas »")],
        ),
        # no quotation marks, no reporting cue: nothing
        ("The United States and Britain met in Geneva on Monday.", []),
    ],
)
def test_the_default_patterns_on_sentences_they_were_not_written_from(
    default: PatternMatcher, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(default, text) == expected


def test_the_default_patterns_use_only_the_default_schemes_labels() -> None:
    from annotator.scheme import load_scheme

    scheme, _ = load_scheme(REPO / "schema" / "negotiation-v1.toml")
    check_labels(load_patterns(DEFAULT), scheme.label_names, DEFAULT)
    assert {p.label for p in load_patterns(DEFAULT)} == {"quote", "attribution"}


# ------------------------------------------------------------------ where they are found


def test_the_bundled_scheme_finds_its_patterns() -> None:
    assert default_patterns_path("builtin:negotiation-v1", "negotiation-v1") == DEFAULT


def test_a_later_version_without_patterns_takes_the_latest_earlier_ones(tmp_path: Path) -> None:
    scheme = tmp_path / "talks-v3.toml"
    scheme.write_text("", encoding="utf-8")
    assert default_patterns_path(str(scheme), "negotiation-v3") == DEFAULT
    write(tmp_path / "negotiation-v2.patterns.jsonl", {"label": "quote", "pattern": "x"})
    assert default_patterns_path(str(scheme), "negotiation-v3") == (
        tmp_path / "negotiation-v2.patterns.jsonl"
    )
    mine = write(tmp_path / "talks-v3.patterns.jsonl", {"label": "quote", "pattern": "y"})
    assert default_patterns_path(str(scheme), "negotiation-v3") == mine


def test_a_scheme_of_another_name_has_no_default_patterns(tmp_path: Path) -> None:
    assert default_patterns_path(str(tmp_path / "ner.toml"), "ner-v1") is None


def test_without_spacy_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from annotator.errors import AnnotatorError

    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` now fails
    with pytest.raises(AnnotatorError, match=r"pip install 'annotator\[suggest\]'"):
        PatternMatcher(load_patterns(DEFAULT))
