"""Inter-annotator agreement: chance-corrected coefficients and span-level F1, in plain Python.

Everything here is a pure function over plain Python values: no I/O, no database, and only the
standard library, so that importing the package stays light (no numpy).

Conventions shared by every function:

* **Undefined is NaN.** Where a coefficient is undefined (no data, no pairable values, zero
  expected disagreement because everybody used one single category, ...) the result is
  ``float("nan")``. A silent 1.0 would report perfect agreement on no evidence and a silent
  0.0 would report chance agreement on no evidence; NaN cannot be mistaken for either and
  propagates through averages unless the caller decides otherwise. Each docstring says which
  situations are undefined.
* **Invalid input raises.** Malformed input (sequences of different lengths, ragged matrices,
  spans outside the continuum, ...) raises ``ValueError`` rather than being guessed at.
* **Exact where cheap.** Counting coefficients (Cohen, Fleiss, unitizing alpha) are computed
  with integers and :class:`fractions.Fraction` and rounded to ``float`` once at the end, so
  that degenerate cases are detected exactly and perfect agreement is exactly 1.0. Krippendorff's
  alpha over arbitrary numbers is computed in floating point.

References for the formulas are given in each function's docstring.

Modules: `kappa` (Cohen, Fleiss), `krippendorff` (alpha for coding), `unitizing` (alpha_u),
`spans` (span F1), `relations` (relation F1), `common` (what they share). Import from the package:
`from annotator.agreement import cohen_kappa`.
"""

from __future__ import annotations

from annotator.agreement.common import NAN, Label, Level, MatchMode
from annotator.agreement.kappa import (
    cohen_kappa,
    cohen_kappa_from_counts,
    fleiss_kappa,
    observed_agreement,
)
from annotator.agreement.krippendorff import krippendorff_alpha, krippendorff_alpha_from_counts
from annotator.agreement.relations import relation_f1, relation_matches
from annotator.agreement.spans import PairScore, SpanF1, nanmean, pair_score, span_f1, span_matches
from annotator.agreement.unitizing import (
    _observed_sum,
    _segment_distance,
    unitizing_alpha,
    unitizing_alpha_by_category,
    unitizing_alpha_grouped,
    unitizing_disagreement,
)

__all__ = [
    "NAN",
    "Label",
    "Level",
    "MatchMode",
    "PairScore",
    "SpanF1",
    "_observed_sum",
    "_segment_distance",
    "cohen_kappa",
    "cohen_kappa_from_counts",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_from_counts",
    "nanmean",
    "observed_agreement",
    "pair_score",
    "relation_f1",
    "relation_matches",
    "span_f1",
    "span_matches",
    "unitizing_alpha",
    "unitizing_alpha_by_category",
    "unitizing_alpha_grouped",
    "unitizing_disagreement",
]
