"""Load and validate label schemes from TOML, with errors that name the file and field.

Schemes are data (`schema/*.toml`), read with the standard library's `tomllib` and
validated by `annotator.models.Scheme`. The default scheme also ships inside the wheel,
so a bare install can create a project without the repository.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from annotator.errors import SchemeError
from annotator.models import Scheme

DEFAULT_SCHEME_FILE = "negotiation-v2.toml"
BUILTIN = "builtin:"
"""How a shipped scheme is named instead of a path (`builtin:negotiation-v1`): the source
a project records, and what `schema migrate` and `init --scheme` accept."""
BUILTIN_SCHEMES = ("negotiation-v1", "negotiation-v2")
"""Every shipped scheme stays loadable: projects made with an older default keep it."""


def default_scheme_path() -> Path:
    """The shipped default: inside the installed wheel, else the repository's `schema/`."""
    return _shipped(DEFAULT_SCHEME_FILE)


def builtin_scheme_path(name: str) -> Path:
    """A shipped scheme by its qualified name (`negotiation-v1`), with or without `builtin:`."""
    name = name.removeprefix(BUILTIN)
    if name not in BUILTIN_SCHEMES:
        raise SchemeError(
            f"{BUILTIN}{name}: no such built-in scheme (built in: "
            + ", ".join(BUILTIN + known for known in BUILTIN_SCHEMES)
            + ")"
        )
    return _shipped(f"{name}.toml")


def _shipped(file_name: str) -> Path:
    package_dir = Path(__file__).resolve().parent
    for candidate in (
        package_dir / "_data" / file_name,
        package_dir.parent / "schema" / file_name,
    ):
        if candidate.is_file():
            return candidate
    raise SchemeError(f"the scheme {file_name} is missing from the install")


def format_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem, `file: field.path: message`, in the TOML's own terms."""
    lines = []
    for problem in error.errors():
        field = _dotted(problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{source}: {field or '(top level)'}: {message}")
    return "\n".join(lines)


def _dotted(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def kept_motion_keys(scheme: Scheme) -> frozenset[str]:
    """The motion keys `scheme` already gives labels (an update may keep them)."""
    from annotator.models import MOTION_KEYS

    return frozenset(label.key.lower() for label in scheme.labels) & MOTION_KEYS


def parse_scheme(text: str, source: str, *, kept_keys: frozenset[str] = frozenset()) -> Scheme:
    """Validate scheme TOML text; `source` names it in errors (a path, or `project`).

    `kept_keys`: reserved keys a label may still have because the project had them before
    they were reserved (`MOTION_KEYS` for a stored scheme; the project's own for an
    update), so that a new version of the program still opens an old project.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{source}: invalid TOML: {exc}") from exc
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise SchemeError(f"{source}: invalid TOML: nested too deeply") from None
    try:
        return Scheme.model_validate(data, context={"kept_keys": kept_keys})
    except ValidationError as exc:
        raise SchemeError(format_validation_error(source, exc)) from exc
    except RecursionError:  # nesting tomllib still read may be too deep to validate
        raise SchemeError(f"{source}: invalid scheme: nested too deeply") from None


def load_scheme(path: str | Path | None = None) -> tuple[Scheme, str]:
    """Read a scheme file (the default when `path` is None); returns it with its TOML text.

    `path` may name a shipped scheme as `builtin:NAME` (unless a file has that name). The
    text is kept so that the project database stores exactly what the user wrote.
    """
    if path is None:
        scheme_path = default_scheme_path()
    elif str(path).startswith(BUILTIN) and not Path(path).exists():
        scheme_path = builtin_scheme_path(str(path))
    else:
        scheme_path = Path(path)
    try:
        raw = scheme_path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"{scheme_path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{scheme_path}: not UTF-8 (byte {exc.start})") from exc
    return parse_scheme(text, str(scheme_path)), text


# ------------------------------------------------------------ extending a scheme

# Distinct, readable on dark and light terminals; used in order for labels added on import.
PALETTE = (
    "#f47067", "#6cb6ff", "#8ddb8c", "#dcbdfb", "#f69d50", "#96d0ff", "#e0823d", "#b083f0",
    "#57ab5a", "#c69026", "#fc8dc7", "#39c5cf", "#986ee2", "#ae7c14", "#e5534b", "#316dca",
)  # fmt: skip
# Keys tried after the letters of the label's own name: free letters, then punctuation.
SPARE_KEYS = "abcdefghijklmnopqrstuvwxyz!@#$%^&*()-=+;:',.\"~`|\\_"


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that DEL must be escaped too."""
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def free_key(name: str, taken: set[str]) -> str | None:
    """A shortcut for a new label: a letter of its name if free, else any free key."""
    from annotator.models import RESERVED_KEYS

    own_letters = [char for char in name.lower() if char.isascii() and char.isalpha()]
    candidates: list[str] = [*own_letters, *SPARE_KEYS]
    for key in candidates:
        if key not in RESERVED_KEYS and key.lower() not in taken and key.isprintable():
            return key
    return None


def extend_scheme(text: str, scheme: Scheme, names: list[str], source: str) -> str:
    """The scheme's TOML with a `[[labels]]` table appended for each new label.

    Appending keeps the user's file exactly, comments included; each new label gets a
    free shortcut key (never a reserved one) and the next unused palette colour. The
    result is validated, so a scheme that cannot take more labels fails here, by name.
    """
    taken_keys = {label.key.lower() for label in scheme.labels}
    used_colours = {label.color.lower() for label in scheme.labels}
    tables = []
    for name in names:
        key = free_key(name, taken_keys)
        if key is None:
            raise SchemeError(f"{source}: no free shortcut key left for label {name!r}")
        taken_keys.add(key.lower())
        colour = next((c for c in PALETTE if c not in used_colours), None)
        if colour is None:
            import hashlib

            colour = "#" + hashlib.sha256(name.encode()).hexdigest()[:6]
        used_colours.add(colour)
        tables.append(
            "\n[[labels]]\n"
            f"name = {toml_string(name)}\n"
            f"key = {toml_string(key)}\n"
            f"color = {toml_string(colour)}\n"
            f"definition = {toml_string('Added on import; describe it before labelling.')}\n"
        )
    extended = text.rstrip("\n") + "\n" + "".join(tables)
    parse_scheme(extended, source, kept_keys=kept_motion_keys(scheme))
    return extended
