"""Evaluation: from the reports' saved metrics to a scored, explained verdict.

- :mod:`~crmkit.evaluation.registry`: one declaration per headline metric (``crmkit/resources/metrics.yaml``).
- :mod:`~crmkit.evaluation.metrics`: the headline metrics a report saves and the summary reads.
- :mod:`~crmkit.evaluation.weights`: the ``weights`` parameter (presets, manual, AHP).
- :mod:`~crmkit.evaluation.targets`: targets and floors of the scored metrics (``parameters/targets.yaml``).
- :mod:`~crmkit.evaluation.scorecard`: the scorecard and ``scorecard.json``.
- :mod:`~crmkit.evaluation.peers`, :mod:`~crmkit.evaluation.trend`, :mod:`~crmkit.evaluation.actions`:
  comparison with peers, trend vs the previous period, strengths, actions and alerts.
- :mod:`~crmkit.evaluation.summary`: all of the above for the ``99_summary`` notebook.
- :mod:`~crmkit.evaluation.due_diligence`: red flags and peers (``98_due_diligence``).
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {"metrics": "metrics", "weights": "weights", "summary": "summary", "due_diligence": "due_diligence",
            "registry": "registry", "targets": "targets", "scorecard": "scorecard", "peers": "peers",
            "trend": "trend", "actions": "actions",
            "MetricSet": "metrics", "load_all": "metrics", "metric": "registry"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
