"""Entropy weights: indicators that discriminate more between units weigh more.

The entropy weight method (Shannon entropy applied to multi-criteria
weighting; Zeleny 1982, *Multiple Criteria Decision Making*; Hwang & Yoon
1981, *Multiple Attribute Decision Making*, section 4.2) as used with the
OECD/JRC *Handbook on Constructing Composite Indicators* (2008) data-driven
weighting.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, DataError
from crmkit.scoring.normalise import orient_columns

__all__ = ["entropy_weights"]


def entropy_weights(
    frame: pd.DataFrame, directions: Mapping[str, str] | None = None
) -> pd.Series:
    """Entropy weights of the indicators (columns) of ``frame``.

    With *m* units (rows) and non-negative values :math:`x_{ij}`:

    .. math::

        p_{ij} = \\frac{x_{ij}}{\\sum_i x_{ij}}, \\quad
        e_j = -\\frac{1}{\\ln m} \\sum_i p_{ij} \\ln p_{ij}, \\quad
        d_j = 1 - e_j, \\quad
        w_j = \\frac{d_j}{\\sum_k d_k}

    with :math:`0 \\ln 0 = 0`. A column that is constant (or all zero)
    carries no information: :math:`e_j = 1`, :math:`w_j = 0`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows are companies or periods (m ≥ 2), columns are indicators. Values
        must be non-negative; pass normalised 0-100 scores when raw values
        can be negative or when a lower value is better.
    directions : mapping, optional
        Indicator → ``"higher"`` / ``"lower"``. When given, each column is
        first min-max rescaled across units to [0, 1] in its direction
        (best unit 1, worst 0), the usual preprocessing of the method.

    Returns
    -------
    pandas.Series
        Weights summing to 1, indexed by indicator.

    Raises
    ------
    crmkit.errors.DataError
        Missing or negative values, or fewer than two rows.
    crmkit.errors.ConfigError
        Every indicator is constant, so no weight can be derived.

    Examples
    --------
    >>> import pandas as pd
    >>> entropy_weights(pd.DataFrame({"a": [1.0, 0.0], "b": [1.0, 1.0]})).tolist()
    [1.0, 0.0]
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise DataError("entropy_weights needs a non-empty DataFrame (rows = units, columns = indicators).")
    values = frame.astype("float64")
    if values.isna().any().any():
        cols = list(values.columns[values.isna().any()])
        raise DataError(
            f"entropy_weights: missing values in {', '.join(map(str, cols))}; impute or drop "
            "those units or indicators first.",
            failure_cases=frame[frame.isna().any(axis=1)],
        )
    m = values.shape[0]
    if m < 2:
        raise DataError("entropy_weights needs at least two units (rows) to compare.")
    if directions is not None:
        oriented = orient_columns(values, directions)
        low, high = oriented.min(), oriented.max()
        span = (high - low).where(high > low, 1.0)
        values = (oriented - low) / span
    negative = values.columns[(values < 0).any()]
    if len(negative):
        raise DataError(
            f"entropy_weights: negative values in {', '.join(map(str, negative))}; normalise "
            "to a non-negative scale first (or pass directions to min-max rescale).",
            failure_cases=frame[(values < 0).any(axis=1)],
        )
    x = values.to_numpy()
    totals = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(totals > 0, x / np.where(totals > 0, totals, 1.0), 1.0 / m)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    d = np.clip(1.0 - e, 0.0, None)
    d[np.abs(d) < 1e-12] = 0.0
    if d.sum() <= 0:
        raise ConfigError(
            "entropy_weights: every indicator has the same value for all units, so entropy "
            "weights are undefined; use manual or AHP weights."
        )
    return pd.Series(d / d.sum(), index=frame.columns, name="weight")
