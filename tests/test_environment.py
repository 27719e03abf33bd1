"""pyproject.toml and environment.yml must declare the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name where they differ
CONDA_NAMES = {"duckdb": "python-duckdb", "psycopg[binary]": "psycopg", "mkdocstrings[python]": "mkdocstrings-python"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req.strip())
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_matches_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in py["project"]["dependencies"] + py["project"]["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pipdep in dep["pip"]:
                have.update([_split(pipdep)])
        else:
            have.update([_split(dep)])
    for name, spec in wanted.items():
        conda = CONDA_NAMES.get(name, name)
        assert conda in have or name in have, f"{name} missing from environment.yml"
        assert have.get(conda, have.get(name)) == spec, f"{name}: pyproject says {spec!r}, environment.yml {have.get(conda)!r}"
    extra = set(have) - {CONDA_NAMES.get(n, n) for n in wanted} - {"python", "pip"}
    assert not extra, f"environment.yml lists packages pyproject does not: {sorted(extra)}"
