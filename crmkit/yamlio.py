"""Reading YAML files the same safe way everywhere.

Every YAML crmkit reads (mappings, parameters, targets, weights, rules,
market files, lexicons) goes through :func:`read_yaml`: the safe loader only,
UTF-8 with or without BOM, and errors that name the file, the line and the
fix instead of a parser traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from crmkit.errors import ConfigError, CRMKitError

__all__ = ["read_yaml"]


def read_yaml(
    path: str | os.PathLike,
    what: str = "file",
    *,
    missing_hint: str = "",
    expect: str | None = "a YAML mapping",
    error: type[CRMKitError] = ConfigError,
) -> Any:
    """Safe-load the YAML file *path*.

    Parameters
    ----------
    what : str
        What the file is, for messages (``"mapping file"``, ``"targets file"``).
    missing_hint : str
        Sentence added when the file does not exist (what to do instead).
    expect : str or None
        When given, the document must be a mapping (an empty file reads as
        ``{}``); the text completes "must be ...".
    error : type
        Exception class raised (a :class:`crmkit.errors.CRMKitError`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = f.write_text("a: 1\\nb: [1, 2\\n")
    >>> try:
    ...     read_yaml(f, "test file")
    ... except ConfigError as e:
    ...     print(str(e).split(":")[0].endswith("x.yaml is not valid YAML at line 3, column 1"))
    True
    """
    p = Path(path)
    if not p.is_file():
        raise error(f"{what[:1].upper()}{what[1:]} not found: {p}.{' ' + missing_hint if missing_hint else ''}")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{what} {p} is not UTF-8 text; save it as UTF-8.") from None
    except OSError as e:
        raise error(f"Cannot read {what} {p}: {e.strerror}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(
            f"{what} {p} is not valid YAML{at}: {getattr(e, 'problem', None) or e}. "
            "Check the indentation, and quote text that contains ':' or '#'."
        ) from None
    if expect is not None:
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise error(f"{what} {p} must be {expect}.")
    return data
