"""The keys a scheme's labels take in the annotate screen, and taking up a new scheme.

A label is bound to its own key and to its number (1..9, scheme order). The bindings
are made from the scheme the project holds now: a screen class per scheme for the
screens still to open, and a fresh bindings map for a screen already open when another
process stored a new scheme (`schema migrate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingsMap, BindingType

from annotator.shapes import MOTION_KEYS

if TYPE_CHECKING:
    from annotator.models import Scheme


def label_bindings(scheme: Scheme) -> list[BindingType]:
    """A binding per label: its shortcut key and its number (1..9, scheme order)."""
    bindings: list[BindingType] = []
    for number, label in enumerate(scheme.labels, 1):
        # A label an older project put on a key the motions now use keeps its number.
        own = [] if label.key.lower() in MOTION_KEYS else [label.key]
        keys = ",".join(own + ([str(number)] if number <= 9 else []))
        if not keys:
            continue
        bindings.append(
            Binding(
                keys,
                f"label({label.name!r})",
                f"Label {label.name}",
                show=False,
            )
        )
    return bindings


def with_labels(base: BindingsMap | None, scheme: Scheme) -> BindingsMap:
    """The screen's own bindings (`base`) plus the label keys of `scheme`."""
    bindings = (base or BindingsMap()).copy()
    for binding in Binding.make_bindings(label_bindings(scheme)):
        bindings._add_binding(binding)  # textual 8.2 (pinned), as the app's key order
    return bindings


def motion_key_notices(scheme: Scheme) -> list[str]:
    """A notice per label whose key a motion now takes (projects made before 0.2)."""
    return [
        f"Label {label.name}: its key {label.key!r} now starts a motion; press "
        f"{number if number <= 9 else 'its legend entry'} instead, or give it "
        "another key in a new scheme version (annotator schema migrate)."
        for number, label in enumerate(scheme.labels, 1)
        if label.key.lower() in MOTION_KEYS
    ]
