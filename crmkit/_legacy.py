"""Import paths of the flat layout (before the sub-packages), kept for one release.

``import crmkit.value`` or ``from crmkit.summary import load_targets`` still
work: each old name is an alias of the module at its new home (the same module
object, so attributes and patches are shared) and importing it under the old
name emits a :class:`DeprecationWarning` naming the new path.  The indicator
modules stay reachable as ``crmkit.value`` attributes (``from crmkit import
value``) without a warning: that is the curated public API.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

__all__ = ["LEGACY_PATHS", "install", "legacy_module"]

#: old flat module -> new home
LEGACY_PATHS: dict[str, str] = {
    "crmkit.tables": "crmkit.contract.tables",
    "crmkit.mapping": "crmkit.contract.mapping",
    "crmkit.coerce": "crmkit.contract.coerce",
    "crmkit.schemas": "crmkit.contract.schemas",
    "crmkit.ingest_sql": "crmkit.ingest.duck",
    "crmkit.sources": "crmkit.ingest.sources",
    "crmkit.data": "crmkit.store.data",
    "crmkit.sql": "crmkit.store.sql",
    **{f"crmkit.{m}": f"crmkit.indicators.{m}" for m in (
        "customer_base", "satisfaction", "loyalty", "churn", "value", "service", "marketing", "channels",
        "cost", "maturity", "feedback", "team", "market", "risk", "quality")},
    "crmkit.summary": "crmkit.evaluation.summary",
    "crmkit.due_diligence": "crmkit.evaluation.due_diligence",
    "crmkit.weights_config": "crmkit.evaluation.weights",
    "crmkit.metrics": "crmkit.evaluation.metrics",
    "crmkit.display": "crmkit.reports.display",
    "crmkit.plotting": "crmkit.reports.plotting",
    "crmkit.notebook": "crmkit.reports.session",
    "crmkit.params": "crmkit.reports.params",
    "crmkit.runner": "crmkit.reports.runner",
    "crmkit.render": "crmkit.reports.render",
    "crmkit.index": "crmkit.reports.index",
    "crmkit.demo_store": "crmkit.demo.build",
}


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} moved to {new}; the old path is kept for one release", DeprecationWarning, stacklevel=3)


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:  # already executed under its new name
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):  # noqa: D102 - importlib protocol
        new = LEGACY_PATHS.get(fullname)
        if new is None:
            return None
        _warn(fullname, new)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new))


_FINDER = _AliasFinder()


def install() -> None:
    """Put the alias finder on :data:`sys.meta_path` (once)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)


def legacy_module(name: str) -> ModuleType | None:
    """``crmkit.<name>`` attribute access for an old flat module name, or None."""
    new = LEGACY_PATHS.get(f"crmkit.{name}")
    if new is None:
        return None
    _warn(f"crmkit.{name}", new)
    return importlib.import_module(new)
