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

from crmkit.evaluation import actions, peers, scorecard, targets, trend
from crmkit.evaluation.actions import *  # noqa: F403
from crmkit.evaluation.peers import *  # noqa: F403
from crmkit.evaluation.scorecard import *  # noqa: F403
from crmkit.evaluation.targets import *  # noqa: F403
from crmkit.evaluation.trend import *  # noqa: F403

# Exactly the public names of the concern modules (each module's __all__ is the one list).
__all__ = [*targets.__all__, *scorecard.__all__, *peers.__all__, *trend.__all__, *actions.__all__]
