"""crmkit: reproducible evaluation of customer relationship management.

The public namespace is curated: data access (:class:`Store`,
:class:`CRMData`), errors, and the indicator modules, which are imported
lazily so that ``import crmkit`` stays fast in every notebook.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from . import errors  # noqa: E402
from .data import CRMData  # noqa: E402
from .estimate import Estimate  # noqa: E402

_LAZY_CLASSES = {"Store": "store"}
_LAZY_MODULES = (
    "store", "ingest", "mapping", "schemas", "tables", "coerce", "sql", "display", "i18n", "metrics",
    "plotting", "notebook", "params", "runner", "render", "demo", "customer_base", "satisfaction",
    "loyalty", "churn", "value", "service", "marketing", "channels", "cost", "maturity", "scoring", "clv",
    "feedback", "index", "team", "market", "risk", "quality", "summary", "weights_config", "demo_store", "due_diligence", "yamlio",
)

__all__ = ["__version__", "errors", "CRMData", "Estimate", "Store", *_LAZY_MODULES]


def __getattr__(name: str) -> Any:
    if name in _LAZY_CLASSES:
        return getattr(importlib.import_module(f".{_LAZY_CLASSES[name]}", __name__), name)
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
