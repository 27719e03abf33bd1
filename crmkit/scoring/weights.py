"""Manual weights and the two-level (dimension → indicator) weight structure.

Weights follow the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008), section 6: non-negative, normalised to sum to one within each level.
Data-driven weights live in :mod:`crmkit.scoring.ahp` (analytic hierarchy
process) and :mod:`crmkit.scoring.entropy` (entropy method).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.scoring._types import WeightsLike, as_float_series

__all__ = ["manual_weights", "equal_weights", "HierarchicalWeights", "hierarchical_weights"]


def manual_weights(weights: WeightsLike, *, what: str = "weights") -> pd.Series:
    """Validate manual weights and normalise them to sum to 1.

    .. math:: w_j = \\frac{v_j}{\\sum_k v_k}

    Parameters
    ----------
    weights : mapping or pandas.Series
        Name → non-negative number (any scale, e.g. points out of 100).
    what : str
        Label used in error messages (e.g. ``"dimension weights"``).

    Returns
    -------
    pandas.Series
        Float weights summing to 1, in the given order.

    Raises
    ------
    crmkit.errors.ConfigError
        When a weight is negative, missing, infinite, or all are zero.

    Examples
    --------
    >>> manual_weights({"churn": 2, "value": 1, "satisfaction": 1}).tolist()
    [0.5, 0.25, 0.25]
    """
    series = as_float_series(weights, what)
    if series.empty:
        raise ConfigError(f"{what} are empty; give at least one positive weight.")
    bad = series.index[~np.isfinite(series.to_numpy())]
    if len(bad):
        raise ConfigError(f"{what} for {', '.join(bad)} missing or not finite; give a number >= 0.")
    negative = series[series < 0]
    if len(negative):
        listed = ", ".join(f"{k}={v:g}" for k, v in negative.items())
        raise ConfigError(f"{what} must not be negative: {listed}.")
    total = float(series.sum())
    if total <= 0:
        raise ConfigError(f"{what} are all zero; give at least one positive weight.")
    return series / total


def equal_weights(names: Iterable[str]) -> pd.Series:
    """Equal weights 1/n over ``names``.

    Examples
    --------
    >>> equal_weights(["a", "b"]).tolist()
    [0.5, 0.5]
    """
    names = [str(n) for n in names]
    if not names:
        raise ConfigError("cannot build equal weights over no names.")
    return pd.Series(1.0 / len(names), index=names, dtype="float64")


@dataclass(frozen=True)
class HierarchicalWeights:
    """Two-level weights: dimensions, and indicators within each dimension.

    Attributes
    ----------
    dimensions : pandas.Series
        Dimension → weight, summing to 1; empty when not configured (then
        dimensions are weighted equally).
    indicators : dict of str to pandas.Series
        Dimension → (indicator → weight summing to 1). A dimension absent
        here weights its indicators equally.
    """

    dimensions: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    indicators: dict[str, pd.Series] = field(default_factory=dict)

    def dimension_of(self) -> dict[str, str]:
        """Indicator → dimension for every indicator named in :attr:`indicators`."""
        out: dict[str, str] = {}
        for dimension, series in self.indicators.items():
            for indicator in series.index:
                if indicator in out and out[indicator] != dimension:
                    raise ConfigError(
                        f"indicator {indicator!r} is weighted under two dimensions "
                        f"({out[indicator]!r} and {dimension!r}); keep one."
                    )
                out[indicator] = dimension
        return out


def hierarchical_weights(spec: Any = None) -> HierarchicalWeights:
    """Parse a weight specification into :class:`HierarchicalWeights`.

    Accepted layouts (e.g. from ``parameters/weights/*.yaml``)::

        # 1. explicit levels
        dimensions: {satisfaction: 2, churn: 1}
        indicators:
          satisfaction: {nps: 1, csat: 1}
          churn: {churn_rate: 1}

        # 2. per dimension
        satisfaction: {weight: 2, indicators: {nps: 1, csat: 1}}
        churn: {weight: 1}

        # 3. dimension weights only (indicators equal within a dimension)
        satisfaction: 2
        churn: 1

    Each level is normalised to sum to 1 (see :func:`manual_weights`).

    Parameters
    ----------
    spec : mapping, HierarchicalWeights or None
        ``None`` means equal weights everywhere.

    Returns
    -------
    HierarchicalWeights
    """
    if spec is None:
        return HierarchicalWeights()
    if isinstance(spec, HierarchicalWeights):
        return spec
    if not isinstance(spec, Mapping):
        raise ConfigError(f"weights must be a mapping, got {type(spec).__name__}.")
    if set(spec) <= {"dimensions", "indicators"}:
        dims = spec.get("dimensions")
        inds = spec.get("indicators") or {}
    else:
        dims, inds = {}, {}
        for name, value in spec.items():
            if isinstance(value, Mapping):
                unknown = set(value) - {"weight", "indicators"}
                if unknown:
                    raise ConfigError(
                        f"weights of dimension {name!r} have unknown key(s) {sorted(unknown)}; "
                        "use 'weight' and 'indicators'."
                    )
                dims[name] = value.get("weight", 1.0)
                if value.get("indicators"):
                    inds[name] = value["indicators"]
            else:
                dims[name] = value
    dimensions = (
        manual_weights(dims, what="dimension weights") if dims else pd.Series(dtype="float64")
    )
    if not isinstance(inds, Mapping):
        raise ConfigError("'indicators' weights must map each dimension to {indicator: weight}.")
    indicators = {
        str(dim): manual_weights(w, what=f"indicator weights of dimension {dim!r}")
        for dim, w in inds.items()
    }
    result = HierarchicalWeights(dimensions=dimensions, indicators=indicators)
    result.dimension_of()  # refuse an indicator listed under two dimensions
    return result
