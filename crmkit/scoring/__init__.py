"""Composite evaluation: normalisation, weights, aggregation and sensitivity.

Follows the OECD/JRC *Handbook on Constructing Composite Indicators:
Methodology and User Guide* (OECD, 2008):

* normalisation to 0-100 (:func:`minmax_target`, :func:`zscore_scores`,
  :func:`percentile_scores`, :func:`normalise`);
* weights: manual (:func:`manual_weights`, :func:`hierarchical_weights`),
  AHP (:func:`ahp_weights`) and entropy (:func:`entropy_weights`);
* aggregation indicator → dimension → index (:func:`aggregate`,
  :func:`composite`, :func:`grade`) and the :class:`Scorecard` builder;
* uncertainty: :func:`sensitivity`;
* alternative evaluations: :func:`topsis`, :func:`fuzzy_evaluation`.
"""

from crmkit.scoring.aggregate import (
    DEFAULT_BANDS,
    AggregateResult,
    CompositeResult,
    aggregate,
    composite,
    grade,
)
from crmkit.scoring.ahp import RANDOM_INDEX, AHPResult, ahp_matrix, ahp_weights, load_ahp_matrix
from crmkit.scoring.entropy import entropy_weights
from crmkit.scoring.fuzzy import FuzzyResult, fuzzy_evaluation, membership_matrix
from crmkit.scoring.normalise import (
    minmax_target,
    normalise,
    percentile_scores,
    targets_frame,
    zscore_scores,
)
from crmkit.scoring.scorecard import (
    DEFAULT_TRAFFIC_LIGHTS,
    Scorecard,
    scorecard,
    traffic_light,
)
from crmkit.scoring.sensitivity import SensitivityResult, sensitivity
from crmkit.scoring.topsis import topsis
from crmkit.scoring.weights import (
    HierarchicalWeights,
    equal_weights,
    hierarchical_weights,
    manual_weights,
)

__all__ = [
    # normalisation
    "minmax_target",
    "zscore_scores",
    "percentile_scores",
    "normalise",
    "targets_frame",
    # weights
    "manual_weights",
    "equal_weights",
    "hierarchical_weights",
    "HierarchicalWeights",
    "ahp_weights",
    "ahp_matrix",
    "load_ahp_matrix",
    "AHPResult",
    "RANDOM_INDEX",
    "entropy_weights",
    # aggregation
    "aggregate",
    "AggregateResult",
    "composite",
    "CompositeResult",
    "grade",
    "DEFAULT_BANDS",
    "Scorecard",
    "scorecard",
    "traffic_light",
    "DEFAULT_TRAFFIC_LIGHTS",
    # uncertainty and alternatives
    "sensitivity",
    "SensitivityResult",
    "topsis",
    "fuzzy_evaluation",
    "membership_matrix",
    "FuzzyResult",
]
