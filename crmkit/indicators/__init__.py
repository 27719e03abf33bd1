"""Indicators: one module per evaluation dimension.

Each module holds plain, typed functions (frames or stored tables in; frames,
Series or :class:`~crmkit.estimate.Estimate` out) with the formula and its
source in the docstring.  The modules are also reachable at the package root
(``from crmkit import value``).
"""

from crmkit._lazy import lazy_exports

MODULES = ("customer_base", "satisfaction", "loyalty", "churn", "value", "service", "marketing", "channels",
           "cost", "maturity", "feedback", "team", "market", "risk", "quality")
_EXPORTS = {m: m for m in MODULES}
__all__ = list(MODULES)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
