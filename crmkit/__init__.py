"""crmkit: reproducible evaluation of customer relationship management.

The package is layered along the data flow; each layer imports only the
layers before it::

    errors, estimate, yamlio, i18n   foundation
    contract/    canonical tables, mappings, coercion, validation rules
    ingest/      raw exports -> validated canonical frames -> store
    store/       DuckDB store, CRMData bundle, SQL over frames or the store
    indicators/  one module per evaluation dimension
    clv/         predictive customer-lifetime-value models
    scoring/     normalisation, weights, aggregation, sensitivity
    evaluation/  metrics, targets, scorecard, weights, due diligence
    reports/     notebook session, display, plots, parameters, runner, HTML
    demo/        seeded demo companies and their raw exports
    cli/         the ``crmkit`` command

The public namespace is curated: data access (:class:`Store`,
:class:`CRMData`), errors, the indicator modules and the sub-packages, all
imported lazily so that ``import crmkit`` stays fast in every notebook.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from crmkit import errors  # noqa: E402
from crmkit._legacy import install as _install_legacy_paths  # noqa: E402
from crmkit.estimate import Estimate  # noqa: E402

_install_legacy_paths()

_LAZY_CLASSES = {"Store": "crmkit.store.database", "CRMData": "crmkit.store.data"}
SUBPACKAGES = ("contract", "ingest", "store", "indicators", "clv", "scoring", "evaluation", "reports", "demo",
               "resources", "estimate", "i18n", "yamlio", "cli")
INDICATOR_MODULES = ("customer_base", "satisfaction", "loyalty", "churn", "value", "service", "marketing",
                     "channels", "cost", "maturity", "feedback", "team", "market", "risk", "quality")

__all__ = ["__version__", "errors", "CRMData", "Estimate", "Store", *SUBPACKAGES, *INDICATOR_MODULES]


def __getattr__(name: str) -> Any:
    if name in _LAZY_CLASSES:
        return getattr(importlib.import_module(_LAZY_CLASSES[name]), name)
    if name in SUBPACKAGES:
        return importlib.import_module(f"crmkit.{name}")
    if name in INDICATOR_MODULES:
        return importlib.import_module(f"crmkit.indicators.{name}")
    from crmkit._legacy import legacy_module

    module = legacy_module(name)
    if module is not None:
        return module
    raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
