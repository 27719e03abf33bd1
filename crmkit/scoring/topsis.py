"""TOPSIS ranking of units (companies or periods) on several indicators.

Technique for Order of Preference by Similarity to Ideal Solution: Hwang, C.-L.
& Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer, section
2.3.4.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, DataError
from crmkit.scoring._types import WeightsLike, check_direction
from crmkit.scoring.weights import manual_weights

__all__ = ["topsis"]


def topsis(
    frame: pd.DataFrame,
    weights: WeightsLike | None = None,
    directions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rank units by relative closeness to the ideal solution (TOPSIS).

    .. math::

        r_{ij} = \\frac{x_{ij}}{\\sqrt{\\sum_i x_{ij}^2}}, \\quad v_{ij} = w_j r_{ij},

        A^+_j = \\max_i v_{ij} \\text{ (benefit) or } \\min_i v_{ij} \\text{ (cost)}, \\quad
        A^-_j = \\text{the opposite},

        D^\\pm_i = \\sqrt{\\sum_j (v_{ij} - A^\\pm_j)^2}, \\quad
        C_i = \\frac{D^-_i}{D^+_i + D^-_i}

    Units are ranked by :math:`C_i` descending (rank 1 best; ties share the
    lowest rank). Hwang & Yoon (1981).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows are units, columns are indicators (raw values, no missing).
    weights : mapping or pandas.Series, optional
        Indicator → weight (normalised to sum 1); default equal.
    directions : mapping, optional
        Indicator → ``"higher"`` (benefit) or ``"lower"`` (cost); default
        ``"higher"``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``frame``: ``d_plus``, ``d_minus``, ``closeness``, ``rank``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [3.0, 4.0]}, index=["a", "b"])
    >>> topsis(df)["rank"].tolist()
    [2, 1]
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise DataError("topsis needs a non-empty DataFrame (rows = units, columns = indicators).")
    x = frame.astype("float64")
    if x.isna().any().any():
        cols = list(x.columns[x.isna().any()])
        raise DataError(
            f"topsis: missing values in {', '.join(map(str, cols))}; impute or drop them first.",
            failure_cases=frame[frame.isna().any(axis=1)],
        )
    if weights is None:
        w = pd.Series(1.0 / x.shape[1], index=x.columns)
    else:
        w = manual_weights(weights)
        missing = [c for c in x.columns if str(c) not in w.index]
        if missing:
            raise ConfigError(f"topsis: no weight for {', '.join(map(str, missing))}.")
        w = w.reindex([str(c) for c in x.columns])
        w = w / w.sum()
    norms = np.sqrt((x**2).sum())
    zero = list(norms.index[norms == 0])
    if zero:
        raise DataError(f"topsis: indicator(s) {', '.join(map(str, zero))} are zero for every unit; drop them.")
    v = (x / norms).to_numpy() * w.to_numpy()
    lower = np.array(
        [check_direction((directions or {}).get(c, "higher"), str(c)) == "lower" for c in x.columns]
    )
    best = np.where(lower, v.min(axis=0), v.max(axis=0))
    worst = np.where(lower, v.max(axis=0), v.min(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    out = pd.DataFrame({"d_plus": d_plus, "d_minus": d_minus, "closeness": closeness}, index=frame.index)
    out["rank"] = out["closeness"].rank(ascending=False, method="min").astype("int64")
    return out
