"""Tokenizer and offset conversions: explicit, exact, and checked against the encoders."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, strategies as st

from annotator.offsets import (
    codepoint_to_utf16,
    from_codepoints,
    to_codepoints,
    utf16_length,
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


def test_an_index_is_given_again_for_the_same_text_and_made_anew_for_another() -> None:
    """The workbench's first frame and its annotate screen share one index of a text."""
    text = "Kyiv must abandon its ambitions. " * 50
    first = TokenIndex.of(text)
    assert TokenIndex.of("".join(list(text))) is first  # equal text, another string
    assert list(first.starts) == list(TokenIndex(text).starts)
    other = TokenIndex.of(text + "Again.")
    assert other is not first and len(other) == len(first) + 2
    assert TokenIndex.of(text) is not first  # one kept: the last one made


@pytest.mark.parametrize("offset", range(len(TEXT) + 1))
def test_utf16_round_trip(offset: int) -> None:
    units16 = codepoint_to_utf16(TEXT, offset)
    assert units16 == len(TEXT[:offset].encode("utf-16-le")) // 2
    assert utf16_to_codepoint(TEXT, units16) == offset
    assert from_codepoints(TEXT, offset, "utf16") == units16
    assert from_codepoints(TEXT, offset, "codepoint") == offset


def test_offsets_inside_a_character_are_refused() -> None:
    bird = TEXT.index("🕊")
    with pytest.raises(ValueError, match="splits"):
        utf16_to_codepoint(TEXT, codepoint_to_utf16(TEXT, bird) + 1)
    with pytest.raises(ValueError, match=r"^label\[0\]: UTF-16 offset \d+ splits"):
        to_codepoints(TEXT, 0, codepoint_to_utf16(TEXT, bird) + 1, "utf16", "label[0]")


def test_span_offsets_in_either_unit_become_code_points() -> None:
    bird = TEXT.index("🕊")
    after = bird + 1  # the variation selector after the astral dove
    units = codepoint_to_utf16(TEXT, after)
    assert units == after + 1
    assert to_codepoints(TEXT, bird, after, "codepoint", "x") == (bird, after)
    assert to_codepoints(TEXT, units - 2, units, "utf16", "x") == (bird, after)
    assert to_codepoints("plain", 0, 5, "utf16", "x") == (0, 5)  # no astral: same units
    length = utf16_length(TEXT)
    assert length == len(TEXT) + 1
    with pytest.raises(ValueError, match=rf"x: offsets 0-{length + 1} out of range .* UTF-16"):
        to_codepoints(TEXT, 0, length + 1, "utf16", "x")
    with pytest.raises(ValueError, match="out of range for a text of 5 characters"):
        to_codepoints("plain", 3, 3, "codepoint", "x")
    with pytest.raises(ValueError, match="must be integers"):
        to_codepoints("plain", True, 3, "codepoint", "x")


@given(st.text(alphabet=st.sampled_from("ab é中😀𝄞🕊\ufe0f"), max_size=40))
def test_conversions_agree_with_the_utf16_encoder(text: str) -> None:
    encoded = text.encode("utf-16-le")
    assert utf16_length(text) == len(encoded) // 2
    unit_of = {codepoint_to_utf16(text, i): i for i in range(len(text) + 1)}
    for offset in range(len(text) + 1):
        assert codepoint_to_utf16(text, offset) == len(text[:offset].encode("utf-16-le")) // 2
    for units in range(len(encoded) // 2 + 2):
        if units in unit_of:
            assert utf16_to_codepoint(text, units) == unit_of[units]
            assert encoded[: 2 * units].decode("utf-16-le") == text[: unit_of[units]]
        else:  # inside a surrogate pair, or past the end
            with pytest.raises(ValueError, match=r"splits|past the end"):
                utf16_to_codepoint(text, units)


def test_converting_every_span_of_a_long_document_stays_linear() -> None:
    # 10,000 spans over 1.2 MB with an emoji every 8 characters: each conversion used to
    # walk the text (45 s for 1,000 spans); a few hundred milliseconds is the budget now.
    text = "word 😀 " * 150_000
    started = time.process_time()
    for offset in range(0, len(text), len(text) // 10_000):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, offset)) == offset
    assert time.process_time() - started < 2.0
