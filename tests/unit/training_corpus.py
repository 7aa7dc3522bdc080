"""A generated corpus with two regular, learnable labels, for training tests and bench/train.py.

Each document has a sentence naming guarantors (`guarantor` on the list of countries), a
quoted sentence (`quote` on the quotation with its marks) and a distractor naming a
country that is no guarantor. Deterministic for a seed.
"""

from __future__ import annotations

import random

from annotator.models import NewDocument

COUNTRIES = [
    "France", "Germany", "Italy", "Turkey", "China", "Britain", "Russia", "Spain",
    "Poland", "Japan", "Canada", "Brazil", "India", "Egypt", "Norway", "Austria",
]  # fmt: skip
OPENINGS = [
    "The deal would be guaranteed by ",
    "Security would rest with ",
    "Guarantees could come from ",
    "The draft names as guarantors ",
]
CLOSINGS = [", officials said.", " under the plan.", ", according to the draft.", "."]
SPEAKERS = ["The minister", "An envoy", "Her spokesman", "The delegate"]
WORDS = "we will not accept any deal that leaves the border open to new attacks".split()
DAYS = ["Monday", "Tuesday", "Friday", "Sunday"]


def guarantor_list(rng: random.Random) -> str:
    names = rng.sample(COUNTRIES, rng.randint(2, 4))
    return ", ".join(names[:-1]) + " and " + names[-1]


def document(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """One text and its spans `(start, end, label)`."""
    opening = rng.choice(OPENINGS)
    names = guarantor_list(rng)
    text = opening + names + rng.choice(CLOSINGS)
    spans = [(len(opening), len(opening) + len(names), "guarantor")]
    words = rng.sample(WORDS, rng.randint(4, 8))
    quote = "“" + " ".join(words).capitalize() + ".”"
    said = f" {rng.choice(SPEAKERS)} said: "
    spans.append((len(text) + len(said), len(text) + len(said) + len(quote), "quote"))
    text += said + quote
    text += f" Talks in {rng.choice(COUNTRIES)} continued on {rng.choice(DAYS)}."
    return text, spans


def corpus(count: int, layer: str = "gold", seed: int = 7) -> list[NewDocument]:
    """`count` documents, each with its spans in `layer`."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        text, spans = document(rng)
        made.append(
            NewDocument(
                text=text,
                id=f"doc-{index:04d}",
                spans=[(layer, start, end, label) for start, end, label in spans],
            )
        )
    return made
