"""Aggregation of normalised indicator scores into dimension scores and an index.

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section 6.2:
weighted arithmetic mean (linear, fully compensatory; default) or weighted
geometric mean (partially compensatory). Missing indicators are left out
and the weights of the remaining ones re-normalised ("re-weighting"), and
every re-weighting is listed in the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.scoring._types import WeightsLike, as_float_series, check_aggregation
from crmkit.scoring.weights import manual_weights

__all__ = [
    "DEFAULT_BANDS",
    "grade",
    "AggregateResult",
    "aggregate",
    "CompositeResult",
    "composite",
]

DEFAULT_BANDS: tuple[tuple[str, float], ...] = (("A", 85.0), ("B", 70.0), ("C", 55.0), ("D", float("-inf")))
"""Grade bands as (label, lower bound inclusive), best first: A ≥ 85, B ≥ 70, C ≥ 55, D below."""


def resolve_bands(bands: Any) -> tuple[tuple[str, float], ...]:
    if bands is None:
        return DEFAULT_BANDS
    items = list(bands.items()) if isinstance(bands, Mapping) else [tuple(b) for b in bands]
    if not items:
        raise ConfigError("grade bands are empty; give e.g. {A: 85, B: 70, C: 55, D: 0}.")
    items = sorted(((str(k), float(v)) for k, v in items), key=lambda kv: -kv[1])
    return tuple(items)


def grade(score: float | None, bands: Any = None) -> str | None:
    """Grade band of a 0-100 score.

    Parameters
    ----------
    score : float or None
        Index value; NaN or None gives None.
    bands : mapping or sequence of (label, lower bound), optional
        Default :data:`DEFAULT_BANDS` (A ≥ 85, B ≥ 70, C ≥ 55, D below). A
        score below every bound gets the lowest band.

    Returns
    -------
    str or None

    Examples
    --------
    >>> grade(85.0), grade(84.9), grade(10.0), grade(float("nan"))
    ('A', 'B', 'D', None)
    >>> grade(60, {"pass": 60, "fail": 0})
    'pass'
    """
    if score is None or not np.isfinite(score):
        return None
    table = resolve_bands(bands)
    for label, lower in table:
        if score >= lower:
            return label
    return table[-1][0]


def _combine(values: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Weighted mean over the last axis, skipping NaN values (re-weighting).

    Arithmetic: ``Σ w s / Σ w``; geometric: ``exp(Σ w ln s / Σ w)``, which
    is 0 when any available score with positive weight is 0. NaN when no
    available value carries weight.
    """
    available = ~np.isnan(values)
    w = np.where(available, weights, 0.0)
    total = w.sum(axis=-1)
    safe_total = np.where(total > 0, total, 1.0)
    if method == "arithmetic":
        out = (w * np.where(available, values, 0.0)).sum(axis=-1) / safe_total
    else:
        v = np.where(available, values, 1.0)
        zero = ((v <= 0) & (w > 0)).any(axis=-1)
        logs = np.log(np.where(v > 0, v, 1.0))
        out = np.where(zero, 0.0, np.exp((w * logs).sum(axis=-1) / safe_total))
    return np.where(total > 0, out, np.nan)


def hierarchical_scores(
    scores: np.ndarray,
    indicator_weights: np.ndarray,
    groups: Sequence[np.ndarray],
    dimension_weights: np.ndarray,
    method: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Two-level aggregation on arrays (broadcast over leading axes).

    Parameters
    ----------
    scores : array (..., k)
        Normalised scores, NaN = missing.
    indicator_weights : array (..., k)
        Indicator weights (any scale within a dimension).
    groups : list of D integer arrays
        Column positions of the indicators of each dimension.
    dimension_weights : array (..., D)
    method : {"arithmetic", "geometric"}

    Returns
    -------
    (dimension_scores (..., D), index (...))
    """
    scores, indicator_weights = np.broadcast_arrays(scores, indicator_weights)
    dims = np.stack([_combine(scores[..., g], indicator_weights[..., g], method) for g in groups], axis=-1)
    dims_b, dim_w = np.broadcast_arrays(dims, dimension_weights)
    return dims, _combine(dims_b, dim_w, method)


@dataclass(frozen=True)
class AggregateResult:
    """Result of :func:`aggregate`.

    Attributes
    ----------
    value : float
        Aggregate score (NaN when nothing is available).
    weights : pandas.Series
        Weights actually used, re-normalised over the available scores.
    missing : list of str
        Names that had a weight but no score.
    """

    value: float
    weights: pd.Series
    missing: list[str] = field(default_factory=list)


def aggregate(scores: WeightsLike, weights: WeightsLike, method: str = "arithmetic") -> AggregateResult:
    """Weighted arithmetic or geometric mean of 0-100 scores with re-weighting.

    .. math::

        \\text{arithmetic: } I = \\frac{\\sum_{j \\in A} w_j s_j}{\\sum_{j \\in A} w_j}, \\qquad
        \\text{geometric: } I = \\prod_{j \\in A} s_j^{w_j / \\sum_{k \\in A} w_k}

    where *A* is the set of indicators with a score (OECD/JRC Handbook 2008,
    section 6.2). Indicators with a weight but a missing (NaN or absent)
    score are listed in ``missing``.

    Parameters
    ----------
    scores : mapping or pandas.Series
        Name → normalised score in [0, 100]; NaN = missing.
    weights : mapping or pandas.Series
        Name → weight ≥ 0 (normalised internally).
    method : {"arithmetic", "geometric"}

    Returns
    -------
    AggregateResult

    Examples
    --------
    >>> r = aggregate({"a": 80.0, "b": float("nan"), "c": 50.0}, {"a": 0.5, "b": 0.25, "c": 0.25})
    >>> round(r.value, 6), r.missing, r.weights.round(4).tolist()
    (70.0, ['b'], [0.6667, 0.3333])
    """
    method = check_aggregation(method)
    s = as_float_series(scores, "scores")
    w = manual_weights(weights)
    unknown = [name for name in s.index if name not in w.index]
    if unknown:
        raise ConfigError(f"no weight for scored indicator(s) {', '.join(unknown)}; add them to the weights.")
    s = s.reindex(w.index)
    missing = list(s.index[s.isna()])
    value = float(_combine(s.to_numpy()[None, :], w.to_numpy()[None, :], method)[0])
    used = w[s.notna()]
    used = used / used.sum() if used.sum() > 0 else used
    return AggregateResult(value, used, missing)


@dataclass(frozen=True)
class CompositeResult:
    """Result of :func:`composite`.

    Attributes
    ----------
    index : float
        Overall 0-100 index.
    grade : str or None
        Grade band of ``index``.
    dimension_scores : pandas.Series
        Dimension → 0-100 score (NaN when the dimension has no indicator).
    weights : pandas.DataFrame
        One row per indicator: ``dimension``, ``score``, ``weight`` (within
        its dimension, as configured and normalised), ``dimension_weight``
        (configured), ``weight_used`` (effective weight in the index after
        re-weighting; 0 when missing).
    missing_indicators : list of str
        Indicators with a weight but no score.
    missing_dimensions : list of str
        Dimensions without any scored indicator.
    method : str
        Aggregation rule used.
    """

    index: float
    grade: str | None
    dimension_scores: pd.Series
    weights: pd.DataFrame
    missing_indicators: list[str]
    missing_dimensions: list[str]
    method: str = "arithmetic"


def _structure(
    indicator_weights: Mapping[str, WeightsLike], dimension_weights: WeightsLike | None
) -> tuple[list[str], dict[str, pd.Series], pd.Series]:
    if not isinstance(indicator_weights, Mapping) or not indicator_weights:
        raise ConfigError("indicator weights must map each dimension to {indicator: weight}.")
    within = {
        str(d): manual_weights(w, what=f"indicator weights of dimension {d!r}")
        for d, w in indicator_weights.items()
    }
    names = list(within)
    if dimension_weights is None:
        dim_w = pd.Series(1.0 / len(names), index=names)
    else:
        dim_w = manual_weights(dimension_weights, what="dimension weights")
        extra = sorted(set(dim_w.index) - set(names))
        if extra:
            raise ConfigError(f"dimension weights name dimension(s) without indicators: {', '.join(extra)}.")
        absent = [d for d in names if d not in dim_w.index]
        if absent:
            raise ConfigError(f"no dimension weight for {', '.join(absent)}; add them or drop their indicators.")
        dim_w = dim_w.reindex(names)
    return names, within, dim_w


def composite(
    scores: WeightsLike,
    indicator_weights: Mapping[str, WeightsLike],
    dimension_weights: WeightsLike | None = None,
    *,
    method: str = "arithmetic",
    bands: Any = None,
) -> CompositeResult:
    """Indicator → dimension → overall 0-100 index with re-weighting of gaps.

    Each dimension score is the weighted mean (see :func:`aggregate`) of its
    available indicator scores; the index is the weighted mean of the
    available dimension scores, with the same rule (arithmetic or
    geometric). A dimension without any score drops out and the remaining
    dimension weights are re-normalised (OECD/JRC Handbook 2008, sections
    6.2 and 4 on missing data).

    Parameters
    ----------
    scores : mapping or pandas.Series
        Indicator → normalised score in [0, 100]; NaN or absent = missing.
    indicator_weights : mapping
        Dimension → {indicator: weight} (normalised within each dimension).
    dimension_weights : mapping, optional
        Dimension → weight; default equal.
    method : {"arithmetic", "geometric"}
    bands : optional
        Grade bands, see :func:`grade`.

    Returns
    -------
    CompositeResult

    Examples
    --------
    >>> r = composite({"nps": 60.0, "csat": 80.0, "churn": 40.0},
    ...               {"satisfaction": {"nps": 1, "csat": 1}, "churn": {"churn": 1}},
    ...               {"satisfaction": 0.75, "churn": 0.25})
    >>> r.dimension_scores.tolist(), r.index, r.grade
    ([70.0, 40.0], 62.5, 'C')
    """
    method = check_aggregation(method)
    names, within, dim_w = _structure(indicator_weights, dimension_weights)
    s = as_float_series(scores, "scores")
    order = [(d, i) for d in names for i in within[d].index]
    seen: dict[str, str] = {}
    for d, i in order:
        if i in seen:
            raise ConfigError(f"indicator {i!r} is listed under dimensions {seen[i]!r} and {d!r}; keep one.")
        seen[i] = d
    unknown = [name for name in s.index if name not in seen and np.isfinite(s[name])]
    if unknown:
        raise ConfigError(f"no weight for scored indicator(s) {', '.join(unknown)}; add them to a dimension.")
    indicators = [i for _, i in order]
    values = s.reindex(indicators).to_numpy(dtype="float64")
    w = np.array([within[d][i] for d, i in order])
    positions = {i: k for k, i in enumerate(indicators)}
    groups = [np.array([positions[i] for i in within[d].index]) for d in names]
    dims, index = hierarchical_scores(values, w, groups, dim_w.to_numpy(), method)
    dim_scores = pd.Series(dims, index=names, name="score")
    available_dims = dim_scores.notna()
    dim_used = dim_w.where(available_dims, 0.0)
    dim_used = dim_used / dim_used.sum() if dim_used.sum() > 0 else dim_used
    rows = []
    for d, i in order:
        present = [j for j in within[d].index if np.isfinite(s.get(j, np.nan))]
        within_total = within[d][present].sum() if present else 0.0
        used = dim_used[d] * within[d][i] / within_total if i in present and within_total > 0 else 0.0
        rows.append((i, d, s.get(i, np.nan), within[d][i], dim_w[d], used))
    table = pd.DataFrame(
        rows, columns=["indicator", "dimension", "score", "weight", "dimension_weight", "weight_used"]
    ).set_index("indicator")
    missing_ind = [i for i in indicators if not np.isfinite(s.get(i, np.nan))]
    missing_dim = list(dim_scores.index[dim_scores.isna()])
    index = float(index)
    return CompositeResult(index, grade(index, bands), dim_scores, table, missing_ind, missing_dim, method)
