"""Shared type aliases and small validation helpers of :mod:`crmkit.scoring`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Union

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError

Direction = Literal["higher", "lower"]
"""Whether a higher or a lower raw value of an indicator is better."""

Aggregation = Literal["arithmetic", "geometric"]
"""Aggregation rule: weighted arithmetic or weighted geometric mean."""

Normalisation = Literal["target", "zscore", "percentile"]
"""Normalisation: min-max to target/floor, z-score or percentile across units."""

WeightsLike = Union[Mapping[str, float], pd.Series]
"""Weights keyed by indicator or dimension name."""

DIRECTIONS: tuple[str, ...] = ("higher", "lower")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
NORMALISATIONS: tuple[str, ...] = ("target", "zscore", "percentile")


def check_direction(direction: object, name: str = "indicator") -> str:
    """Return ``direction`` if it is ``"higher"`` or ``"lower"``, else raise."""
    if direction not in DIRECTIONS:
        raise ConfigError(
            f"direction of {name!r} is {direction!r}; use 'higher' (higher is better) "
            "or 'lower' (lower is better)."
        )
    return str(direction)


def check_aggregation(method: object) -> str:
    """Return ``method`` if it is a known aggregation rule, else raise."""
    if method not in AGGREGATIONS:
        raise ConfigError(
            f"unknown aggregation {method!r}; use one of {', '.join(AGGREGATIONS)}."
        )
    return str(method)


def as_float_series(values: WeightsLike, what: str = "weights") -> pd.Series:
    """Convert a mapping or Series to a float Series with string labels."""
    if isinstance(values, pd.Series):
        series = values.copy()
    elif isinstance(values, Mapping):
        series = pd.Series(dict(values), dtype=object)
    else:
        raise ConfigError(
            f"{what} must be a mapping or a pandas Series, got {type(values).__name__}."
        )
    try:
        series = series.astype("float64")
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{what} must be numbers: {exc}") from exc
    series.index = series.index.map(str)
    if series.index.has_duplicates:
        dup = sorted(set(series.index[series.index.duplicated()]))
        raise ConfigError(f"{what} name(s) repeated: {', '.join(dup)}.")
    return series


def finite(x: float) -> bool:
    """True when ``x`` is a finite number."""
    return bool(np.isfinite(x))
