"""Evaluation: from the reports' saved metrics to a scored, explained verdict.

- :mod:`~crmkit.evaluation.metrics`: the headline metrics a report saves and the summary reads.
- :mod:`~crmkit.evaluation.weights`: the ``weights`` parameter (presets, manual, AHP).
- :mod:`~crmkit.evaluation.summary`: targets, scorecard, peers, trend, rules (``99_summary``).
- :mod:`~crmkit.evaluation.due_diligence`: red flags and peers (``98_due_diligence``).
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {"metrics": "metrics", "weights": "weights", "summary": "summary", "due_diligence": "due_diligence",
            "MetricSet": "metrics", "load_all": "metrics"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
