"""The label and relation names a file uses, against the project's scheme.

A file is checked whole before anything is written: every name the scheme lacks is
listed at once, each with the file and line where it first appears, so one correction
fixes them all. Missing labels may be added (`--add-labels`); missing relations never
are, since declaring a relation means saying which labels it starts and ends on, which
no file tells. Relations are checked here for documents that have no line of their own
(brat: the place is the `R` line); in the others the store's check names the record's
line.
"""

from __future__ import annotations

from pathlib import Path

from annotator.errors import InputError
from annotator.store import Store

Places = dict[str, tuple[str, int | None]]
"""label (or relation) -> `(file, line)` where it first appears"""


def _where(path: Path, file: str, line: int | None) -> str:
    """` (line 3)`, or ` (b.ann line 3)` when another file than the one imported."""
    name = "" if file == str(path) else f"{Path(file).name} "
    return f" ({name}line {line})" if line is not None else ""


def missing_labels(store: Store, places: Places) -> Places:
    """The labels (with where they first appear) that the project's scheme lacks."""
    known = set(store.scheme.label_names)
    return {label: where for label, where in places.items() if label not in known}


def unknown_labels_message(unknown: Places, path: Path, store: Store) -> str:
    """Every label the scheme lacks, with the line (and file) where each first appears."""
    scheme = store.scheme
    if len(unknown) == 1:
        listed = f"unknown label {next(iter(unknown))!r}"
    else:
        listed = f"{len(unknown)} unknown labels: " + ", ".join(
            f"{label!r}{_where(path, *place)}" for label, place in unknown.items()
        )
    return (
        f"{listed} (scheme {scheme.qualified_name} has {', '.join(scheme.label_names)}); "
        "add them with --add-labels, or rename them in the file"
    )


def refuse_undeclared(store: Store, relations: Places, path: Path) -> None:
    """Stop at the relations the scheme does not declare, naming all of them.

    Raises:
        InputError: at the first one's file and line.
    """
    scheme = store.scheme
    known = scheme.relation_names
    unknown = {name: where for name, where in relations.items() if name not in known}
    if not unknown:
        return
    listed = ", ".join(f"{name!r}{_where(path, *place)}" for name, place in unknown.items())
    file, line = next(iter(unknown.values()))
    raise InputError(
        file,
        line,
        f"{'relation' if len(unknown) == 1 else 'relations'} the scheme does not declare: "
        f"{listed} (scheme {scheme.qualified_name} has {', '.join(known) or 'no relations'}); "
        "declare them under [[relations]] in a scheme file and switch the project to it "
        "with 'annotator schema migrate FILE'",
    )


def extend_scheme_with(store: Store, places: Places, actor: str) -> None:
    """Add the labels (each with where it appears, for the error) to the project's scheme."""
    from annotator.errors import SchemeError
    from annotator.models import check_name
    from annotator.scheme import extend_scheme

    for name, (file, line) in places.items():
        try:
            check_name(name, "label name")
        except ValueError as exc:
            raise InputError(file, line, f"cannot add label: {exc}") from exc
    source = store.meta("scheme_source") or "project"
    try:
        text = extend_scheme(store.scheme_text, store.scheme, list(places), source)
    except SchemeError as exc:
        raise InputError(*next(iter(places.values())), str(exc)) from exc
    store.update_scheme(text, source, actor=actor)
