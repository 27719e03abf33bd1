"""Lazy re-exports for the sub-packages' ``__init__`` modules.

A sub-package names its public objects once, as ``{name: module}``; they are
imported on first access, so ``import crmkit.reports`` does not pull in
matplotlib and an ``__init__`` never creates an import cycle.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` serving ``exports`` (name -> module, relative to ``package``)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        target = importlib.import_module(f"{package}.{module}")
        return target if module == name else getattr(target, name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
