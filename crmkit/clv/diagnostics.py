"""Model checks for the transaction models, as tidy DataFrames.

* :func:`calibration_holdout_table` – mean predicted vs actual holdout
  transactions by calibration frequency (Fader, Hardie & Lee 2005, fig. 4).
* :func:`tracking_transactions` – expected vs actual repeat transactions per
  period and cumulatively, given the customers' first-purchase dates
  (FHL 2005, fig. 2-3; lifetimes ``expected_cumulative_transactions``).
* :func:`holdout_error` – per-customer MAE / RMSE and aggregate % error of
  one or more models on the holdout period, to choose and justify a model.

Plot them with :mod:`crmkit.clv.plotting`.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.clv.summary import check_columns, period_ordinals, query_columns, to_naive_datetime

__all__ = ["calibration_holdout_table", "holdout_predictions", "holdout_error", "tracking_transactions"]

_CH_COLS = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]


def _check_ch(calibration_holdout: pd.DataFrame) -> None:
    missing = [c for c in _CH_COLS if c not in calibration_holdout.columns]
    if missing:
        raise DataError(f"calibration_holdout lacks {missing}; build it with calibration_and_holdout_data().")


def holdout_predictions(models: Mapping[str, Any], calibration_holdout: pd.DataFrame) -> pd.DataFrame:
    """Per-customer actual and predicted holdout transactions.

    Parameters
    ----------
    models : mapping of str to fitted model
        E.g. ``{"BG/NBD": bgf, "Pareto/NBD": pnbd}``, fitted on the calibration columns.
    calibration_holdout : pandas.DataFrame
        Output of :func:`~crmkit.clv.calibration_and_holdout_data`.

    Returns
    -------
    pandas.DataFrame
        Index as ``calibration_holdout``; columns ``frequency_cal, actual`` and one
        column of predictions per model.
    """
    _check_ch(calibration_holdout)
    ch = calibration_holdout
    out = pd.DataFrame({"frequency_cal": ch["frequency_cal"], "actual": ch["frequency_holdout"]}, index=ch.index)
    for name, model in models.items():
        out[name] = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(
            ch["duration_holdout"].to_numpy(), ch["frequency_cal"].to_numpy(), ch["recency_cal"].to_numpy(),
            ch["T_cal"].to_numpy()), dtype=float)
    return out


def calibration_holdout_table(model: Any, calibration_holdout: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Mean actual vs predicted holdout transactions grouped by calibration frequency.

    Customers with ``frequency_cal >= max_frequency`` are pooled into one group
    (labelled ``"7+"`` by default).

    Parameters
    ----------
    model : fitted transaction model
        Fitted on ``frequency_cal, recency_cal, T_cal``.
    calibration_holdout : pandas.DataFrame
        Output of :func:`~crmkit.clv.calibration_and_holdout_data`.
    max_frequency : int, default 7
        Cap of the grouping.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``frequency_cal`` (capped int), ``label``, ``n_customers``,
        ``actual`` and ``predicted`` (means per customer).

    Examples
    --------
    >>> table = calibration_holdout_table(bgf, ch)  # doctest: +SKIP
    >>> plotting.plot_calibration_holdout(table)  # doctest: +SKIP
    """
    pred = holdout_predictions({"predicted": model}, calibration_holdout)
    pred["frequency_cal"] = np.minimum(pred["frequency_cal"], max_frequency).astype(int)
    g = pred.groupby("frequency_cal", sort=True)
    out = pd.DataFrame({"n_customers": g.size(), "actual": g["actual"].mean(), "predicted": g["predicted"].mean()})
    out = out.reset_index()
    out.insert(1, "label", [f"{k}+" if k == max_frequency else str(k) for k in out["frequency_cal"]])
    return out


def holdout_error(models: Mapping[str, Any], calibration_holdout: pd.DataFrame) -> pd.DataFrame:
    """Holdout accuracy of each model.

    ``mae`` and ``rmse`` are per-customer errors of predicted vs actual holdout
    transactions; ``pct_error`` = (Σ predicted − Σ actual) / Σ actual × 100.

    Parameters
    ----------
    models : mapping of str to fitted model
    calibration_holdout : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        Indexed by model name: ``n_customers, actual_total, predicted_total,
        pct_error, mae, rmse``.
    """
    pred = holdout_predictions(models, calibration_holdout)
    actual = pred["actual"].to_numpy()
    rows = {}
    for name in models:
        p = pred[name].to_numpy()
        err = p - actual
        rows[name] = {
            "n_customers": len(p), "actual_total": actual.sum(), "predicted_total": p.sum(),
            "pct_error": 100 * (p.sum() - actual.sum()) / actual.sum() if actual.sum() > 0 else np.nan,
            "mae": np.abs(err).mean(), "rmse": np.sqrt((err**2).mean()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out


def tracking_transactions(
    model: Any,
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    t: int,
    freq: str = "D",
    freq_multiplier: int = 1,
) -> pd.DataFrame:
    """Expected vs actual repeat transactions over time (cumulative and per period).

    Time starts at the period of the first transaction in the data. For
    period boundary i (i = m, 2m, ... with m = ``freq_multiplier``), the
    expected cumulative repeat transactions are
    ``Σ_c E[X((i − first_c) / m)]`` over customers whose first purchase period
    ``first_c`` is before i; the actual ones count (period-merged) repeat
    purchases in periods before i, as in lifetimes'
    ``expected_cumulative_transactions``.

    Parameters
    ----------
    model : fitted transaction model
        Fitted with time in units of ``freq × freq_multiplier``.
    transactions : pandas.DataFrame
        Full transaction log (calibration and holdout).
    customer_id_col, datetime_col : str
        Column names.
    t : int
        Number of ``freq`` periods to track.
    freq : str, default "D"
        Period of purchase merging.
    freq_multiplier : int, default 1
        Periods per time unit of the model (``freq="D", freq_multiplier=7`` for weeks).

    Returns
    -------
    pandas.DataFrame
        Indexed by time unit 1..t // freq_multiplier: ``period_start`` (start of the
        last ``freq`` period in the unit), ``actual``, ``predicted`` (per unit) and
        ``actual_cumulative``, ``predicted_cumulative``.
    """
    check_columns(transactions, [customer_id_col, datetime_col])
    per = period_ordinals(to_naive_datetime(transactions[datetime_col], None), freq)
    start = int(per.min())
    frame = pd.DataFrame({"cid": transactions[customer_id_col].to_numpy(), "off": per - start}, copy=False)
    pairs = query_columns("""
            WITH p AS (SELECT DISTINCT cid, off FROM t WHERE off < $t),
                 f AS (SELECT cid, min(off) AS first FROM p GROUP BY cid)
            SELECT p.off, count(*) FILTER (WHERE p.off = f.first) AS n_first,
                          count(*) FILTER (WHERE p.off > f.first) AS n_repeat
            FROM p JOIN f USING (cid) GROUP BY p.off
        """, frame, {"t": int(t)})
    n_first = np.zeros(t)
    n_rep = np.zeros(t)
    off = np.asarray(pairs["off"], dtype=int)
    n_first[off] = np.asarray(pairs["n_first"], dtype=float)
    n_rep[off] = np.asarray(pairs["n_repeat"], dtype=float)
    expected = np.asarray(model.expected_number_of_purchases_up_to_time(np.arange(1, t + 1) / freq_multiplier), dtype=float)
    pred_cum_all = np.convolve(n_first, expected)[:t]  # index i-1 -> boundary i
    act_cum_all = np.cumsum(n_rep)
    units = np.arange(1, t // freq_multiplier + 1)
    idx = units * freq_multiplier - 1
    out = pd.DataFrame(
        {
            "period_start": [pd.Period(ordinal=int(start + i), freq=freq).start_time for i in idx],
            "actual_cumulative": act_cum_all[idx],
            "predicted_cumulative": pred_cum_all[idx],
        },
        index=pd.Index(units, name="t"),
    )
    out["actual"] = np.diff(out["actual_cumulative"].to_numpy(), prepend=0.0)
    out["predicted"] = np.diff(out["predicted_cumulative"].to_numpy(), prepend=0.0)
    return out[["period_start", "actual", "predicted", "actual_cumulative", "predicted_cumulative"]]
