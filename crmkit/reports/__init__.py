"""Reports: running the notebooks and presenting their results.

- :mod:`~crmkit.reports.session`: what a notebook does first and last (:func:`setup`).
- :mod:`~crmkit.reports.display`: headings, readings, tables and KPI tiles, escaped.
- :mod:`~crmkit.reports.plotting`: the chart theme and CJK font.
- :mod:`~crmkit.reports.params`: validated run parameters.
- :mod:`~crmkit.reports.runner`: papermill execution of one or many company-periods.
- :mod:`~crmkit.reports.render` and :mod:`~crmkit.reports.index`: offline HTML.
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {
    "setup": "session", "Session": "session", "Report": "display",
    "session": "session", "display": "display", "plotting": "plotting", "params": "params", "runner": "runner",
    "render": "render", "index": "index",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
