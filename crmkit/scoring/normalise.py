"""Normalisation of raw indicator values onto a common 0-100 scale.

Three transformations from the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008), section 5:

* **min-max to target** (``"target"``): 0 at the floor, 100 at the target,
  linear in between, clipped to [0, 100]; works for one company alone.
* **z-score** (``"zscore"``): standardised across units (companies or
  periods), mapped to 0-100 by the standard normal distribution function.
* **percentile** (``"percentile"``): rank across units mapped to 0-100.

Every score is oriented so that 100 is best: for a ``"lower"`` indicator the
sign of the raw value is reversed before standardising or ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.errors import ConfigError
from crmkit.scoring._types import NORMALISATIONS, Direction, check_direction

__all__ = [
    "minmax_target",
    "zscore_scores",
    "percentile_scores",
    "normalise",
    "targets_frame",
]


def minmax_target(
    value: Any,
    target: float,
    floor: float,
    direction: Direction = "higher",
    *,
    clip: bool = True,
    name: str = "indicator",
) -> Any:
    """Min-max normalisation of a raw value against its target and floor.

    .. math:: s = 100 \\cdot \\frac{x - \\text{floor}}{\\text{target} - \\text{floor}}

    clipped to [0, 100] (OECD/JRC Handbook 2008, section 5, "min-max" with the
    observed minimum and maximum replaced by a floor and a target). The same
    formula serves both directions: for a ``"higher"`` indicator the target
    lies above the floor, for a ``"lower"`` indicator (e.g. complaint rate) it
    lies below, and the score still rises towards the target.

    Parameters
    ----------
    value : float, array-like or pandas.Series
        Raw indicator value(s); NaN stays NaN.
    target : float
        Raw value that scores 100.
    floor : float
        Raw value that scores 0.
    direction : {"higher", "lower"}
        Whether higher raw values are better. Must agree with the order of
        ``target`` and ``floor``.
    clip : bool, default True
        Clip to [0, 100].
    name : str
        Indicator name used in error messages.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Same shape as ``value``.

    Raises
    ------
    crmkit.errors.ConfigError
        When target equals floor, or their order contradicts ``direction``.

    Examples
    --------
    >>> minmax_target(40.0, target=50.0, floor=0.0)
    80.0
    >>> minmax_target(4.0, target=2.0, floor=10.0, direction="lower")
    75.0
    """
    direction = check_direction(direction, name)
    target = float(target)
    floor = float(floor)
    if not (np.isfinite(target) and np.isfinite(floor)):
        raise ConfigError(f"target and floor of {name!r} must be finite numbers.")
    if target == floor:
        raise ConfigError(
            f"target and floor of {name!r} are both {target}; give a floor that scores 0 "
            "different from the target that scores 100."
        )
    if direction == "higher" and target < floor:
        raise ConfigError(
            f"{name!r} is 'higher is better' but its target {target} is below its floor "
            f"{floor}; swap them or set direction: lower."
        )
    if direction == "lower" and target > floor:
        raise ConfigError(
            f"{name!r} is 'lower is better' but its target {target} is above its floor "
            f"{floor}; swap them or set direction: higher."
        )
    if isinstance(value, pd.Series):
        raw = value.astype("float64")
    else:
        raw = np.asarray(value, dtype="float64")
    score = 100.0 * (raw - floor) / (target - floor)
    if clip:
        score = score.clip(0.0, 100.0) if isinstance(score, pd.Series) else np.clip(score, 0.0, 100.0)
    if not isinstance(score, pd.Series) and np.ndim(score) == 0:
        return float(score)
    return score


def orient_columns(frame: pd.DataFrame, directions: Mapping[str, str] | None) -> pd.DataFrame:
    """Return a float copy of ``frame`` with 'lower' columns negated."""
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError("expected a DataFrame with units as rows and indicators as columns.")
    out = frame.astype("float64").copy()
    for column in out.columns:
        direction = (directions or {}).get(column, "higher")
        if check_direction(direction, str(column)) == "lower":
            out[column] = -out[column]
    return out


def _need_units(frame: pd.DataFrame, method: str) -> None:
    counts = frame.notna().sum()
    few = counts[counts < 2]
    if len(few):
        raise ConfigError(
            f"{method} normalisation compares units, but indicator(s) "
            f"{', '.join(map(str, few.index))} have fewer than 2 non-missing values; "
            "give several companies or periods, or use min-max to target."
        )


def zscore_scores(
    frame: pd.DataFrame, directions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Z-score normalisation across units, rescaled to 0-100.

    .. math:: z_{ij} = \\frac{x_{ij} - \\bar x_j}{s_j}, \\qquad
              s_{ij} = 100 \\cdot \\Phi(z_{ij})

    with the sample standard deviation :math:`s_j` (ddof = 1) and
    :math:`\\Phi` the standard normal distribution function, so 50 is the
    peer average (OECD/JRC Handbook 2008, section 5, "standardisation").
    A constant indicator scores 50 for every unit. ``"lower"`` indicators
    are negated first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows are units (companies or periods), columns are indicators; NaN
        marks a missing value and stays NaN.
    directions : mapping, optional
        Indicator → ``"higher"`` / ``"lower"``; default ``"higher"``.

    Returns
    -------
    pandas.DataFrame
        Same shape, values in [0, 100].

    Examples
    --------
    >>> import pandas as pd
    >>> zscore_scores(pd.DataFrame({"nps": [10.0, 20.0, 30.0]}))["nps"].round(2).tolist()
    [15.87, 50.0, 84.13]
    """
    oriented = orient_columns(frame, directions)
    _need_units(oriented, "z-score")
    values = oriented.to_numpy(dtype="float64")
    mean = np.nanmean(values, axis=0)
    sd = np.nanstd(values, axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sd > 0, (values - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    z = np.where(np.isnan(values), np.nan, z)
    return pd.DataFrame(100.0 * stats.norm.cdf(z), index=frame.index, columns=frame.columns)


def percentile_scores(
    frame: pd.DataFrame, directions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Percentile-rank normalisation across units on 0-100.

    .. math:: s_{ij} = 100 \\cdot \\frac{r_{ij} - 1}{m_j - 1}

    where :math:`r_{ij}` is the rank of unit *i* on indicator *j* (1 = worst,
    ties get their average rank) among the :math:`m_j` units with a value
    (OECD/JRC Handbook 2008, section 5, "ranking"/"percentiles"). The worst
    unit scores 0, the best 100; a constant indicator scores 50.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows are units, columns are indicators; NaN stays NaN.
    directions : mapping, optional
        Indicator → ``"higher"`` / ``"lower"``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> percentile_scores(pd.DataFrame({"x": [3.0, 1.0, 2.0]}))["x"].tolist()
    [100.0, 0.0, 50.0]
    """
    oriented = orient_columns(frame, directions)
    _need_units(oriented, "percentile")
    ranks = oriented.rank(method="average", ascending=True)
    m = oriented.notna().sum()
    return 100.0 * (ranks - 1.0) / (m - 1.0)


def targets_frame(targets: Any) -> pd.DataFrame:
    """Parse targets into a DataFrame indexed by indicator.

    Parameters
    ----------
    targets : mapping or pandas.DataFrame
        ``{indicator: {"target": t, "floor": f, "direction": "higher"}}`` (the
        layout of ``parameters/targets.yaml``) or a DataFrame with those
        columns indexed by indicator (or with an ``indicator`` column).
        Extra keys (e.g. ``dimension``, ``unit``) are kept.

    Returns
    -------
    pandas.DataFrame
        Columns ``target``, ``floor``, ``direction`` plus any extra keys.
        A missing direction is inferred from the order: ``"higher"`` when
        target ≥ floor, else ``"lower"``.
    """
    if targets is None:
        return pd.DataFrame(columns=["target", "floor", "direction"], dtype="object")
    if isinstance(targets, pd.DataFrame):
        frame = targets.copy()
        if "indicator" in frame.columns:
            frame = frame.set_index("indicator")
    elif isinstance(targets, Mapping):
        rows = {}
        for name, spec in targets.items():
            if not isinstance(spec, Mapping):
                raise ConfigError(
                    f"target of {name!r} must be a mapping with target, floor and direction, "
                    f"got {spec!r}."
                )
            rows[str(name)] = dict(spec)
        frame = pd.DataFrame.from_dict(rows, orient="index")
    else:
        raise ConfigError(f"targets must be a mapping or DataFrame, got {type(targets).__name__}.")
    frame.index = frame.index.map(str)
    for column in ("target", "floor"):
        if column not in frame.columns:
            raise ConfigError(f"targets lack the {column!r} key; every indicator needs target and floor.")
        bad = frame.index[pd.to_numeric(frame[column], errors="coerce").isna()]
        if len(bad):
            raise ConfigError(
                f"{column} of indicator(s) {', '.join(bad)} is missing or not a number."
            )
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    inferred = pd.Series(
        np.where(frame["target"] >= frame["floor"], "higher", "lower"), index=frame.index, dtype=object
    )
    if "direction" not in frame.columns:
        frame["direction"] = inferred
    frame["direction"] = frame["direction"].astype(object).where(frame["direction"].notna(), inferred)
    for name, direction in frame["direction"].items():
        check_direction(direction, name)
    return frame


def normalise(
    frame: pd.DataFrame,
    method: str = "target",
    *,
    targets: Any = None,
    directions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Normalise a units × indicators frame to 0-100 by the chosen method.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw indicator values; rows are units (companies or periods).
    method : {"target", "zscore", "percentile"}
        See :func:`minmax_target`, :func:`zscore_scores`, :func:`percentile_scores`.
    targets : mapping or DataFrame, optional
        Required for ``"target"``; see :func:`targets_frame`. Its directions
        are used unless ``directions`` is given.
    directions : mapping, optional
        Indicator → ``"higher"`` / ``"lower"``.

    Returns
    -------
    pandas.DataFrame
        Scores in [0, 100], NaN where the raw value is missing.
    """
    if method not in NORMALISATIONS:
        raise ConfigError(f"unknown normalisation {method!r}; use one of {', '.join(NORMALISATIONS)}.")
    table = targets_frame(targets) if targets is not None else None
    if directions is None and table is not None:
        directions = table["direction"].to_dict()
    if method == "zscore":
        return zscore_scores(frame, directions)
    if method == "percentile":
        return percentile_scores(frame, directions)
    if table is None:
        raise ConfigError("min-max-to-target normalisation needs targets (target and floor per indicator).")
    missing = [c for c in frame.columns if c not in table.index]
    if missing:
        raise ConfigError(f"no target/floor for indicator(s) {', '.join(map(str, missing))}; add them to targets.")
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        row = table.loc[str(column)]
        direction = (directions or {}).get(column, row["direction"])
        out[column] = minmax_target(
            frame[column], row["target"], row["floor"], direction, name=str(column)
        )
    return out
