"""The training config: spaCy's `init config` defaults for spancat, made small for CPU.

Sizes were chosen so that a few hundred short documents train in well under a minute on
two CPUs (see bench/train.py): a 64-wide, two-layer tok2vec and a 64-unit reducer; the
suggester proposes every n-gram from one token up to the longest span kept (quotes are
long), capped at `MAX_NGRAM`; the learning rate is 5x spaCy's default, since a run is a
few hundred steps, not twenty thousand. The held-out documents are the `dev` corpus: the
loop reports their F as it goes, but with `patience = 0` they never stop the training,
and the last step is kept, not the best one on them.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.suggest.training_data import SPANS_KEY

LANG = "en"
"""Schemes name no language yet: spaCy's blank English tokenizer (rules, no download)."""

MAX_NGRAM = 32
"""Longest span (in tokens) the suggester proposes: the candidates grow with it."""

LOGGER = "annotator.TrainingProgress.v1"
"""The progress logger `training` registers: spaCy finds loggers by name only."""


def spancat_config(train: Path, held_out: Path, *, max_ngram: int, seed: int, steps: int) -> str:
    """The training config (spaCy's format), `init config`'s spancat defaults made small."""
    every = max(steps // 5, 1)
    return f"""\
[paths]
train = {json.dumps(str(train))}
dev = {json.dumps(str(held_out))}

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "{LANG}"
pipeline = ["tok2vec", "spancat"]
batch_size = 256

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${{components.tok2vec.model.encode.width}}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [5000, 1000, 2500, 2500]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
depth = 2
window_size = 1
maxout_pieces = 3

[components.spancat]
factory = "spancat"
spans_key = "{SPANS_KEY}"
threshold = 0.5
max_positive = null

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 64

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.spancat.suggester]
@misc = "spacy.ngram_range_suggester.v1"
min_size = 1
max_size = {max_ngram}

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}

[training]
seed = ${{system.seed}}
gpu_allocator = null
dropout = 0.1
max_steps = {steps}
max_epochs = 0
patience = 0
eval_frequency = {every}

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.005

[training.logger]
@loggers = "{LOGGER}"

[training.score_weights]
spans_sc_f = 1.0

[initialize]
"""
