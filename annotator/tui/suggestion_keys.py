"""The suggestion keys, and what the workbench keeps about suggestions for a whole run.

None of these keys can be a label's key, so no scheme loses one to them: `<` and `>` are
reserved keys, and `Y` and `N` are capitals of reserved ones (a label key is refused when
its lower case is reserved); `ctrl+y` and `ctrl+g` are not printable. The annotate screen
binds them (`SuggestingScreen`); the help lists them in a section of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    import subprocess

ACCEPT_ALL = "ctrl+y"
TOGGLE = "ctrl+g"

SUGGESTION_BINDINGS: list[BindingType] = [
    Binding(
        "greater_than_sign",
        "suggestion(1)",
        "Next suggestion",
        key_display=">",
        show=False,
        tooltip="Select the next suggestion (italic text, ? in the margin). Correct its "
        "edges with the usual motions first if needed: it is then accepted as edited.",
    ),
    Binding("less_than_sign", "suggestion(-1)", "Previous suggestion", key_display="<", show=False),
    Binding(
        "Y",
        "accept",
        "Accept suggestion",
        show=False,
        tooltip="Accept the suggestion under the cursor, or the one selected with > over the "
        "selection as it is now; a label key accepts it as that label instead. u undoes.",
    ),
    Binding(
        "N",
        "reject",
        "Reject suggestion",
        show=False,
        tooltip="Turn down the suggestion under the cursor: it is not suggested to you on "
        "this document again.",
    ),
    Binding(
        ACCEPT_ALL,
        "accept_all",
        "Accept all suggestions",
        show=False,
        tooltip=f"Accept every suggestion left in the document: asks first, {ACCEPT_ALL} "
        "again confirms. u undoes them one at a time.",
    ),
    Binding(
        TOGGLE,
        "toggle_suggestions",
        "Show/hide suggestions",
        show=False,
        tooltip="Hide the suggestions (or show them again), in every document of this run.",
    ),
]
"""The keys of the suggestions (the annotate screen binds them)."""


@dataclass
class Suggesting:
    """What the workbench keeps about suggestions for a whole run, across its screens."""

    compute: bool = False
    """Compute the quick sources for a document opened without suggestions, and retrain
    the model in the background after `s` (the CLI asks for it; tests may)."""
    shown: bool = True
    """Ghosts drawn (`ctrl+g`)."""
    said: set[str] = field(default_factory=set)
    """Notes already given (each is said once)."""
    retrain_every: int = 10
    """Documents marked done (by anyone) between two background trainings."""
    training: subprocess.Popen[bytes] | None = None
    """The last background training this run started (it runs on after the app quits)."""
