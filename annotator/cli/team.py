"""`annotator assign`: split the corpus among annotators, with overlap for agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, reports_errors, table


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)


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
) -> None:
    """Assign every unassigned document; existing assignments are kept as they are."""
    from annotator.assign import plan_assignments
    from annotator.errors import AnnotatorError
    from annotator.models import check_name

    names = [name.strip() for name in annotators.split(",") if name.strip()]
    try:
        for name in names:
            check_name(name, "annotator name")
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
            counts = store.assignment_counts()
            shared = store.shared_documents()
    except ValueError as exc:
        raise AnnotatorError(str(exc)) from exc
    info(
        f"assigned {len(new_docs)} new documents ({plan.overlapping} to {per_doc} annotators, "
        f"{plan.single} to one): {added} assignments"
    )
    typer.echo(
        table([[n, str(counts.get(n, 0))] for n in sorted(counts)], ["annotator", "documents"])
    )
    if shared:
        typer.echo("")
        typer.echo(
            table([[a, b, str(c)] for (a, b), c in shared.items()], ["annotator", "with", "shared"])
        )
