"""Tokenizer and offset conversions: explicit, exact, and checked against the encoders."""

from __future__ import annotations

import pytest

from annotator.offsets import (
    cell_width,
    codepoint_to_utf8,
    codepoint_to_utf16,
    utf8_to_codepoint,
    utf16_to_codepoint,
)
from annotator.tokenize import TokenIndex, token_spans

TEXT = "Ukraine’s non-nuclear status, 東京 🕊️ talks."


def test_tokens_keep_inner_apostrophes_and_hyphens() -> None:
    tokens = [TEXT[s:e] for s, e in token_spans(TEXT)]
    assert tokens == ["Ukraine’s", "non-nuclear", "status", ",", "東京", "🕊️", "talks", "."]
    family = "a 👩‍👩‍👧 café e\u0301t\u00e9 👍🏽!"
    assert [family[s:e] for s, e in token_spans(family)] == [
        "a",
        "👩‍👩‍👧",
        "café",
        "e\u0301t\u00e9",
        "👍🏽",
        "!",
    ]


def test_token_index_moves_and_snaps() -> None:
    index = TokenIndex(TEXT)
    assert index.token_at(3) == 0
    assert index.token_at(9) is None  # the space after "Ukraine’s"
    assert index.next_start(0) == 10
    assert index.previous_start(10) == 0
    assert index.next_end(0) == 9
    assert index.snap(2, 12) == (0, 21)
    assert index.snap(9, 10) == (9, 10)  # whitespace only: kept as is
    assert index.covering(0, 21) == (0, 2)


@pytest.mark.parametrize("offset", range(len(TEXT) + 1))
def test_utf16_and_utf8_round_trip(offset: int) -> None:
    units16 = codepoint_to_utf16(TEXT, offset)
    assert units16 == len(TEXT[:offset].encode("utf-16-le")) // 2
    assert utf16_to_codepoint(TEXT, units16) == offset
    units8 = codepoint_to_utf8(TEXT, offset)
    assert units8 == len(TEXT[:offset].encode("utf-8"))
    assert utf8_to_codepoint(TEXT, units8) == offset


def test_offsets_inside_a_character_are_refused() -> None:
    bird = TEXT.index("🕊")
    with pytest.raises(ValueError, match="splits"):
        utf16_to_codepoint(TEXT, codepoint_to_utf16(TEXT, bird) + 1)
    with pytest.raises(ValueError, match="splits"):
        utf8_to_codepoint(TEXT, codepoint_to_utf8(TEXT, bird) + 1)


def test_cells() -> None:
    assert cell_width("abc") == 3
    assert cell_width("東京") == 4
    assert cell_width("e\u0301") == 1
