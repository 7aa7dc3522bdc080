"""`annotator assign`, `adjudicate` and `review`: the project lead's commands.

`review` is a TUI: it imports Textual inside the command, so `annotator --help` and the
headless commands never load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DB,
    DbOption,
    info,
    open_store,
    out,
    reports_errors,
    table,
)


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)
    app.command("adjudicate")(adjudicate)
    app.command("review")(review)


@reports_errors
def assign(
    annotators: Annotated[
        str, typer.Option(help="Comma-separated annotator names, e.g. ann1,ann2,ann3.")
    ],
    db: DbOption = Path(DEFAULT_DB),
    overlap: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Fraction of documents labelled by several.")
    ] = 0.2,
    per_doc: Annotated[int, typer.Option(min=2, help="Annotators per overlapping document.")] = 2,
    seed: Annotated[int, typer.Option(help="Same seed, same split.")] = 0,
    blind_overlap: Annotated[
        bool | None,
        typer.Option(
            "--blind-overlap/--no-blind-overlap",
            help="Hide suggestions on documents several annotators share, so that agreement "
            "measures people, not the suggestions (a project setting; kept until changed).",
        ),
    ] = None,
) -> None:
    """Assign every unassigned document; existing assignments are kept as they are."""
    from annotator.assign import plan_assignments
    from annotator.errors import AnnotatorError
    from annotator.models import check_annotator

    names = [name.strip() for name in annotators.split(",") if name.strip()]
    try:
        for name in names:
            check_annotator(name)
        with open_store(db) as store:
            new_docs = store.unassigned_documents()
            plan = plan_assignments(
                new_docs,
                names,
                overlap=overlap,
                per_doc=per_doc,
                seed=seed,
                current_load=store.assignment_counts(),
            )
            added = store.assign_many(plan.pairs, actor="assign")
            if blind_overlap is not None:
                store.suggestions.set_blind_overlap(blind_overlap)
            counts = store.assignment_counts()
            shared = store.shared_documents()
    except ValueError as exc:
        raise AnnotatorError(str(exc)) from exc
    info(
        f"assigned {len(new_docs)} new documents ({plan.overlapping} to {per_doc} annotators, "
        f"{plan.single} to one): {added} assignments"
    )
    if blind_overlap is not None:
        info(
            "suggestions are hidden on documents several annotators share"
            if blind_overlap
            else "suggestions are shown on every document"
        )
    out(table([[n, str(counts.get(n, 0))] for n in sorted(counts)], ["annotator", "documents"]))
    if shared:
        out()
        out(
            table([[a, b, str(c)] for (a, b), c in shared.items()], ["annotator", "with", "shared"])
        )


@reports_errors
def adjudicate(
    auto: Annotated[str, typer.Option(help="Merge policy; `majority` is the one there is.")],
    db: DbOption = Path(DEFAULT_DB),
    overwrite: Annotated[
        bool, typer.Option(help="Redo documents that already have gold spans.")
    ] = False,
) -> None:
    """Write gold spans for every document two or more annotators finished, by a policy."""
    from annotator.adjudicate import majority_into_gold
    from annotator.errors import AnnotatorError
    from annotator.models import GOLD

    if auto != "majority":
        raise AnnotatorError(f"--auto {auto!r}: the available policy is majority")
    written = kept = documents = linked = 0
    with open_store(db) as store:
        finished = store.finished_by()
        for doc_id, names in finished.items():
            if store.spans(doc_id, GOLD) and not overwrite:
                kept += 1
                continue
            decided = majority_into_gold(store, doc_id, names, "adjudicate:majority", replace=True)
            documents += 1
            written += len(decided)
            linked += len(store.relation_rows(doc_id, GOLD))  # gold was replaced: all new
    relations = f" and {linked} relations" if linked else ""
    out(f"gold: {written} spans{relations} written for {documents} documents")
    if kept:
        info(f"{kept} documents already had gold spans and were left alone (use --overwrite)")


@reports_errors
def review(
    as_: Annotated[
        str, typer.Option("--as", help="Your name: the actor of every gold decision in the log.")
    ],
    db: DbOption = Path(DEFAULT_DB),
    doc: Annotated[
        str | None, typer.Option(help="Start with this document of the review queue.")
    ] = None,
) -> None:
    """Adjudicate in the terminal: disputed documents, worst agreement first, into gold."""
    from annotator.errors import AnnotatorError
    from annotator.models import check_name
    from annotator.store import Store

    try:
        check_name(as_, "lead name")
    except ValueError as exc:
        raise AnnotatorError(str(exc)) from exc
    store = Store.open(db)
    try:
        if not store.finished_by():
            info(
                "nothing to review: no document has been marked done by two or more "
                "annotators yet (see `annotator stats`)"
            )
            return
        from annotator.tui import make_app, run_app

        run_app(make_app(store, as_, open_doc=doc, review=True))
    finally:
        store.close()
