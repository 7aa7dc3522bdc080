"""`annotator annotate` read without typer: the same options, the same errors, or typer.

The workbench paints before typer (and the pydantic it builds parameters with) is
imported, so `main` reads `annotate`'s plain arguments itself. These tests keep that
reading in step with the typer command and check that anything else still goes to typer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from annotator.cli import DB_ENVVAR, DEFAULT_DB, app
from annotator.cli.plain import ANNOTATE_OPTIONS, plain_annotate_arguments


def annotate_command() -> Any:
    """typer's own command object (its vendored click's, so not typed here)."""
    group: Any = typer.main.get_command(app)
    return group.commands["annotate"]


def test_the_plain_reading_takes_exactly_the_options_of_the_typer_command() -> None:
    params = annotate_command().params
    long_names = {name for param in params for name in param.opts if name.startswith("--")}
    assert long_names == ANNOTATE_OPTIONS
    db = next(param for param in params if "--db" in param.opts)
    assert db.envvar == DB_ENVVAR
    assert str(db.default) == DEFAULT_DB
    assert [param.opts for param in params if param.required] == [["--as"]]


@pytest.mark.parametrize(
    ("argv", "read"),
    [
        (["annotate", "--as", "alice"], {"--as": "alice"}),
        (
            ["annotate", "--db", "p.db", "--as=alice", "--doc", "abc"],
            {"--db": "p.db", "--as": "alice", "--doc": "abc"},
        ),
        (["annotate", "--doc=x=y", "--as", "bob"], {"--doc": "x=y", "--as": "bob"}),
    ],
)
def test_plain_arguments_are_read(argv: list[str], read: dict[str, str]) -> None:
    assert plain_annotate_arguments(argv) == read


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["demo"],
        ["stats", "--as", "alice"],
        ["annotate"],  # --as missing: typer says so
        ["annotate", "--help"],
        ["annotate", "--as", "alice", "--help"],
        ["annotate", "--as"],
        ["annotate", "--as", "alice", "--as", "bob"],
        ["annotate", "--as", "alice", "--unknown", "x"],
        ["annotate", "--as", "alice", "extra"],
        ["annotate", "--as", "--db"],
        ["annotate", "--as", ""],
        ["annotate", "--as=", "--db", "p.db"],
        ["annotate", "-h"],
    ],
)
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert plain_annotate_arguments(argv) is None


def run_main(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    environment = {key: value for key, value in os.environ.items() if key != DB_ENVVAR}
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )
    return result.returncode, result.stderr


def typer_says(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.delenv(DB_ENVVAR, raising=False)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("annotate", "--as", "not a name", "--db", "p.db"),
        ("annotate", "--as", "alice", "--db", "missing.db"),
        ("annotate", "--as", "alice"),
    ],
)
def test_plain_errors_are_typer_s_errors(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = run_main(*args, cwd=tmp_path)
    assert plain == typer_says(*args, cwd=tmp_path, monkeypatch=monkeypatch)
    code, stderr = plain
    assert code == 1 and stderr.startswith("error: ") and stderr.count("\n") == 1


def test_the_project_named_by_the_environment_is_used(tmp_path: Path) -> None:
    code, stderr = run_main("annotate", "--as", "alice", cwd=tmp_path, env={DB_ENVVAR: "e.db"})
    assert (
        code == 1 and stderr == "error: e.db: no project here (create one with `annotator init`)\n"
    )
    assert not (tmp_path / "e.db").exists()
