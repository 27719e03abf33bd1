"""Composite evaluation of one company-period (the ``99_summary`` report): one import for the notebooks.

The functions live in one module per concern and are re-exported here, so a
notebook writes ``summary.build_scorecard(...)``:

* :mod:`crmkit.evaluation.targets`: :func:`load_targets` reads and validates
  ``parameters/targets.yaml`` against the metric registry;
* :mod:`crmkit.evaluation.scorecard`: :func:`read_metrics`,
  :func:`split_metrics` and :func:`build_scorecard` score the saved metrics
  against targets and weights; :func:`scorecard_payload`,
  :func:`validate_scorecard`, :func:`write_scorecard` and
  :func:`recompute_composite` produce and check ``scorecard.json``;
* :mod:`crmkit.evaluation.peers`: :func:`peer_metrics`,
  :func:`peer_scorecards` and :func:`rank_sensitivity` compare the company
  with the other companies of the same period;
* :mod:`crmkit.evaluation.trend`: :func:`previous_period`,
  :func:`load_previous_scorecard` and :func:`indicator_trend` give the trend
  vs the previous period;
* :mod:`crmkit.evaluation.actions`: :func:`strengths_weaknesses`,
  :func:`load_rules`, :func:`recommended_actions`, :func:`alerts` and
  :func:`describer` turn the scores into readings driven by the bilingual
  rule table ``parameters/actions.yaml``.

Method: OECD/JRC *Handbook on Constructing Composite Indicators* (2008).
"""

from __future__ import annotations

from crmkit.evaluation.actions import Rules, alerts, describer, load_rules, recommended_actions, strengths_weaknesses
from crmkit.evaluation.peers import (SENSITIVITY_DRAWS, SENSITIVITY_INTERVAL, SENSITIVITY_SEED, peer_metrics,
                                     peer_scorecards, rank_sensitivity)
from crmkit.evaluation.scorecard import (LIGHT_TEXT, METRIC_COLUMNS, SCHEMA_PATH, SCHEMA_VERSION, STATUS_TEXT,
                                         SUMMARY_NOTEBOOK, build_scorecard, grade_robust, metric_labels,
                                         read_metrics, recompute_composite, scorecard_payload, split_metrics,
                                         validate_scorecard, write_scorecard)
from crmkit.evaluation.targets import TargetsConfig, default_targets_path, load_targets
from crmkit.evaluation.trend import indicator_trend, load_previous_scorecard, previous_period

__all__ = [
    "SUMMARY_NOTEBOOK",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "METRIC_COLUMNS",
    "SENSITIVITY_SEED",
    "SENSITIVITY_DRAWS",
    "SENSITIVITY_INTERVAL",
    "TargetsConfig",
    "default_targets_path",
    "load_targets",
    "read_metrics",
    "split_metrics",
    "build_scorecard",
    "peer_metrics",
    "peer_scorecards",
    "rank_sensitivity",
    "previous_period",
    "load_previous_scorecard",
    "indicator_trend",
    "strengths_weaknesses",
    "Rules",
    "load_rules",
    "recommended_actions",
    "alerts",
    "scorecard_payload",
    "recompute_composite",
    "validate_scorecard",
    "write_scorecard",
    "STATUS_TEXT",
    "LIGHT_TEXT",
    "metric_labels",
    "describer",
    "grade_robust",
]
