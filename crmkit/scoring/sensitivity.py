"""Monte Carlo uncertainty and sensitivity analysis of a composite index.

Following the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008), section 7 (and Saisana, Saltelli & Tarantola 2005, *J. R. Stat. Soc.
A* 168, 307-323): the index is recomputed many times while the weights, the
normalisation method and the aggregation rule vary at random, and each unit's
index interval and rank band are reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.scoring._types import NORMALISATIONS, check_aggregation
from crmkit.scoring.aggregate import hierarchical_scores
from crmkit.scoring.normalise import normalise, targets_frame
from crmkit.scoring.weights import manual_weights

__all__ = ["SensitivityResult", "sensitivity"]


@dataclass(frozen=True)
class SensitivityResult:
    """Result of :func:`sensitivity`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per unit: ``index`` (point estimate with the chosen weights,
        first normalisation and first aggregation rule), ``mean``,
        ``median``, ``low`` and ``high`` (the central ``interval`` of the
        simulated index, default 5 % and 95 %), ``rank`` (point), ``rank_low``
        and ``rank_high`` (same quantiles of the simulated rank, 1 = best),
        ``rank_min`` and ``rank_max``.
    draws : pandas.DataFrame
        Long table: ``draw``, ``unit``, ``normalisation``, ``aggregation``,
        ``index``, ``rank``.
    settings : dict
        The options used (for the report).
    """

    summary: pd.DataFrame
    draws: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)


def _weight_structure(
    weights: Any, dimension_weights: Any, columns: Sequence[str]
) -> tuple[list[str], list[list[str]], pd.Series, list[pd.Series]]:
    """Return dimension names, indicator lists, dimension weights, indicator weights."""
    if isinstance(weights, Mapping) and weights and all(isinstance(v, Mapping) for v in weights.values()):
        dims = [str(d) for d in weights]
        within = [manual_weights(weights[d], what=f"indicator weights of dimension {d!r}") for d in weights]
        if dimension_weights is None:
            dim_w = pd.Series(1.0 / len(dims), index=dims)
        else:
            dim_w = manual_weights(dimension_weights, what="dimension weights")
            absent = [d for d in dims if d not in dim_w.index]
            if absent:
                raise ConfigError(f"no dimension weight for {', '.join(absent)}.")
            dim_w = dim_w.reindex(dims)
            dim_w = dim_w / dim_w.sum()
    else:
        if dimension_weights is not None:
            raise ConfigError("dimension_weights need nested weights {dimension: {indicator: weight}}.")
        dims = ["index"]
        within = [manual_weights(weights)]
        dim_w = pd.Series([1.0], index=dims)
    indicators = [list(w.index) for w in within]
    flat = [i for group in indicators for i in group]
    unknown = [i for i in flat if i not in columns]
    if unknown:
        raise ConfigError(f"weighted indicator(s) {', '.join(unknown)} are not columns of the data.")
    if len(set(flat)) != len(flat):
        raise ConfigError("an indicator is listed under two dimensions; keep one.")
    return dims, indicators, dim_w, within


def _dirichlet(rng: np.random.Generator, mean: np.ndarray, concentration: float, size: int) -> np.ndarray:
    """Dirichlet(c · mean) draws; zero-weight components stay zero."""
    out = np.zeros((size, mean.size))
    positive = mean > 0
    if positive.sum() == 1:
        out[:, positive] = 1.0
    else:
        out[:, positive] = rng.dirichlet(concentration * mean[positive], size=size)
    return out


def sensitivity(
    data: pd.DataFrame | pd.Series,
    weights: Any,
    *,
    dimension_weights: Any = None,
    targets: Any = None,
    directions: Mapping[str, str] | None = None,
    normalisations: Sequence[str] | None = None,
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    n_draws: int = 1000,
    concentration: float = 50.0,
    interval: float = 0.90,
    seed: int = 0,
) -> SensitivityResult:
    """Monte Carlo interval and rank band of a composite index per unit.

    Each draw *r* (seeded, reproducible):

    1. weights ~ Dirichlet(c · w) around the chosen weights *w* (mean *w*,
       variance :math:`w_j(1-w_j)/(c+1)`), drawn separately for the
       dimension weights and for the indicator weights within each
       dimension when weights are nested;
    2. a normalisation chosen uniformly from ``normalisations``;
    3. an aggregation rule chosen uniformly from ``aggregations``;

    then every unit's index is recomputed (indicator → dimension → index,
    missing indicators re-weighted as in :func:`crmkit.scoring.composite`)
    and units are ranked (1 = best). OECD/JRC Handbook (2008), section 7.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Raw indicator values: rows are units (companies or periods),
        columns are indicators; a Series is one unit.
    weights : mapping
        Flat ``{indicator: weight}`` or nested ``{dimension: {indicator: weight}}``.
    dimension_weights : mapping, optional
        With nested weights; default equal.
    targets : mapping or DataFrame, optional
        Target/floor/direction per indicator, needed for ``"target"``.
    directions : mapping, optional
        Indicator → direction for the peer normalisations; default from
        ``targets``.
    normalisations : sequence of {"target", "zscore", "percentile"}, optional
        Default: ``"target"`` when targets are given, plus ``"zscore"`` and
        ``"percentile"`` when there are at least two units with a value on
        every indicator. The first one gives the point estimate.
    aggregations : sequence of {"arithmetic", "geometric"}
        The first one gives the point estimate.
    n_draws : int, default 1000
    concentration : float, default 50
        Dirichlet concentration *c*; larger means weights closer to *w*.
    interval : float, default 0.90
        Central probability of the reported interval (0.90 → 5 %-95 %).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"nps": [40.0, 20.0], "csat": [0.9, 0.7]}, index=["a", "b"])
    >>> targets = {"nps": {"target": 50, "floor": 0}, "csat": {"target": 1.0, "floor": 0.5}}
    >>> res = sensitivity(data, {"nps": 1, "csat": 1}, targets=targets, n_draws=200, seed=1)
    >>> res.summary["rank"].tolist()
    [1, 2]
    """
    if isinstance(data, pd.Series):
        data = data.to_frame().T
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ConfigError("sensitivity needs a DataFrame with units as rows and indicators as columns.")
    if n_draws < 1:
        raise ConfigError(f"n_draws must be at least 1, got {n_draws}.")
    if not concentration > 0:
        raise ConfigError(f"concentration must be positive, got {concentration}.")
    if not 0 < interval < 1:
        raise ConfigError(f"interval must lie strictly between 0 and 1, got {interval}.")
    frame = data.copy()
    frame.columns = frame.columns.map(str)
    dims, indicators, dim_w, within = _weight_structure(weights, dimension_weights, list(frame.columns))
    flat = [i for group in indicators for i in group]
    frame = frame[flat].astype("float64")
    table = targets_frame(targets) if targets is not None else None
    if directions is None and table is not None:
        directions = {k: v for k, v in table["direction"].items() if k in flat}
    if normalisations is None:
        normalisations = ["target"] if table is not None else []
        if (frame.notna().sum() >= 2).all():
            normalisations += ["zscore", "percentile"]
        if not normalisations:
            raise ConfigError(
                "sensitivity: give targets (for min-max to target) or at least two units with a value "
                "on every indicator (for z-score and percentile normalisation)."
            )
    normalisations = list(normalisations)
    for method in normalisations:
        if method not in NORMALISATIONS:
            raise ConfigError(f"unknown normalisation {method!r}; use one of {', '.join(NORMALISATIONS)}.")
    aggregations = [check_aggregation(a) for a in aggregations]
    if not aggregations:
        raise ConfigError("sensitivity needs at least one aggregation rule.")
    scores = [
        normalise(frame, m, targets=table, directions=directions).to_numpy(dtype="float64")
        for m in normalisations
    ]
    positions = {name: k for k, name in enumerate(flat)}
    groups = [np.array([positions[i] for i in group]) for group in indicators]
    w_point = np.concatenate([w.to_numpy() for w in within])
    v_point = dim_w.to_numpy()

    rng = np.random.default_rng(seed)
    v_draws = _dirichlet(rng, v_point, concentration, n_draws) if len(dims) > 1 else np.ones((n_draws, 1))
    w_draws = np.concatenate([_dirichlet(rng, w.to_numpy(), concentration, n_draws) for w in within], axis=1)
    norm_pick = rng.integers(len(normalisations), size=n_draws)
    agg_pick = rng.integers(len(aggregations), size=n_draws)

    units = frame.shape[0]
    index = np.full((n_draws, units), np.nan)
    for ni in range(len(normalisations)):
        for ai, method in enumerate(aggregations):
            chosen = (norm_pick == ni) & (agg_pick == ai)
            if chosen.any():
                _, idx = hierarchical_scores(
                    scores[ni][None, :, :], w_draws[chosen][:, None, :], groups,
                    v_draws[chosen][:, None, :], method,
                )
                index[chosen] = idx
    _, point = hierarchical_scores(scores[0], w_point, groups, v_point, aggregations[0])

    ranks = pd.DataFrame(index).rank(axis=1, ascending=False, method="min").to_numpy()
    point_rank = pd.Series(point).rank(ascending=False, method="min").to_numpy()
    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    with np.errstate(all="ignore"):
        summary = pd.DataFrame(
            {
                "index": point,
                "mean": np.nanmean(index, axis=0),
                "median": np.nanmedian(index, axis=0),
                "low": np.nanquantile(index, lo_q, axis=0),
                "high": np.nanquantile(index, hi_q, axis=0),
                "rank": point_rank,
                "rank_low": np.nanquantile(ranks, lo_q, axis=0, method="inverted_cdf"),
                "rank_high": np.nanquantile(ranks, hi_q, axis=0, method="inverted_cdf"),
                "rank_min": np.nanmin(ranks, axis=0),
                "rank_max": np.nanmax(ranks, axis=0),
            },
            index=frame.index,
        )
    for column in ("rank", "rank_low", "rank_high", "rank_min", "rank_max"):
        if summary[column].notna().all():
            summary[column] = summary[column].astype("int64")
    draws = pd.DataFrame(
        {
            "draw": np.repeat(np.arange(n_draws), units),
            "unit": np.tile(frame.index.to_numpy(), n_draws),
            "normalisation": np.repeat(np.array(normalisations, dtype=object)[norm_pick], units),
            "aggregation": np.repeat(np.array(aggregations, dtype=object)[agg_pick], units),
            "index": index.ravel(),
            "rank": ranks.ravel(),
        }
    )
    settings = {
        "n_draws": n_draws,
        "concentration": concentration,
        "interval": interval,
        "seed": seed,
        "normalisations": normalisations,
        "aggregations": aggregations,
    }
    return SensitivityResult(summary, draws, settings)
