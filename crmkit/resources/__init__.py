"""Files shipped with crmkit: code lists, lexicons, templates, JSON schemas.

:func:`path` gives a shipped file; :data:`PROJECT_DIR` is the folder above
the package (a source checkout's root, where ``parameters/`` and
``notebooks/`` live).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["RESOURCES_DIR", "PROJECT_DIR", "path"]

RESOURCES_DIR = Path(__file__).resolve().parent
PROJECT_DIR = RESOURCES_DIR.parent.parent


def path(*parts: str) -> Path:
    """The shipped file ``crmkit/resources/<parts>``."""
    return RESOURCES_DIR.joinpath(*parts)
