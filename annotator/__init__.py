"""annotator: label text spans fast in the terminal, measure agreement, export training data.

Importing the package loads nothing heavy: the version only. Submodules are imported
where they are used, so that `annotator --help` stays fast and never imports Textual.

Architecture (each part has one job; arrows point down only, checked by
tests/unit/test_layering.py):

- `models`: the shapes every layer shares (Scheme, Document, Span, SpanKey and the one
  `reading_order`, EventAction, NewDocument/ImportCounts); the ones that need no
  validation live in `shapes` (no pydantic) and are re-exported. `scheme` loads scheme
  files.
- `offsets` converts code points to and from other units (UTF-16); `tokenize` is the one
  tokenizer and the one snapping rule; `printable` the one table of stand-in glyphs;
  `last_made` keeps what was built last from a document (its token index, layout, span
  index) for the screen that builds it again next.
- `store/`: the only package that speaks SQL. `Store` is a thin facade over `connection`
  (pragmas, busy retry, nesting transactions, `refused()`: sqlite3.Error -> StoreError),
  `guard` (every public method wrapped by it), `migrations`, `project` (settings,
  scheme), `documents`, `spans`, `history` (event log, undo/redo in one replay), `queue`
  (assignments, status, paging), `interchange` (export streams), `merge_io` and
  `merge_checks`, `backup`, `check` (`annotator check`), `tokens` (serve access),
  `suggestions` + `suggestion_reads` (machine proposals and the decisions on them,
  as `store.suggestions`), `glance` (what the workbench's first frame shows, read with
  the standard library alone, the scheme from the digest `project` keeps beside its
  text; the facade loads only when asked for).
- `project` creates and opens projects; `sample` the bundled demo project.
- `ingest/`: readers, file -> validated documents, parsed before the write lock.
- `exporters/`: a registry of `Exporter`s declaring folder output, options and what they
  represent; `common` streams documents into parts staged beside the target.
- `outputs` is the one check of every path a command writes (never the project, never
  replace a device); `atomic` writes a single file atomically through it.
- `agreement/` (pure statistics), `agreement_units`, `agreement_report` (the report),
  `agreement_table` (its tables, drawn alike by the CLI, the TUI and `report_html`).
- `adjudicate` (candidates, majority into gold), `assign`, `merge` (the pure merge plan),
  `split` (train/dev/test by document).
- `suggest/`: the sources of suggestions (`patterns`: spaCy pattern files through the
  SpanRuler; `lexicon`: what people labelled; `model`), `run` (a suggest run, streamed
  into the store) and `report` (how good they are); spaCy only inside the sources.
- `cli/`: typer commands, thin; only `annotate`/`demo`/`review` import the TUI, only
  `serve` imports the web server. `main` runs a plain `annotate` without typer.
- `tui/`: `make_app` builds the one App (`workbench_app` from a project's path: the
  `screens/glance` first frame, the garbage collector paused till then, then the
  store); `screens/editing` is the EditingScreen that the annotate and review screens
  share, writing through a `span_writer` (own layer or gold); `reads` runs background
  reads; `widgets/` draw and never touch the store.
- `serve/`: the workbench in a browser (textual-serve), one session process per person.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
