"""Per-customer RFM summaries (frequency, recency, T, monetary value).

The definitions are exactly those of the ``lifetimes`` package
(``lifetimes.utils``, version 0.11.3) and of the BTYD literature, so that
analysts moving from ``lifetimes`` get identical inputs for the fitters:

* every timestamp is mapped to its ``freq`` period (``Timestamp.to_period``);
  purchases of one customer in the same period are merged into one
  (their monetary values summed);
* ``frequency`` = number of purchase periods after the first one (repeat
  purchases);
* ``recency`` = last purchase period − first purchase period;
* ``T`` = period of ``observation_period_end`` − first purchase period;
* recency and T are in ``freq`` units divided by ``freq_multiplier``
  (``freq="D", freq_multiplier=7`` gives exact weeks);
* ``monetary_value`` = mean of the (period-merged) repeat purchase values,
  0 for customers without a repeat purchase.

With ``freq="D"`` (what :func:`crmkit.clv.workflow.predictive_clv` uses in
either time unit, passing the non-return order lines) a period is exactly a
purchase of :func:`crmkit.indicators.frames.purchases_sql`: a customer's
distinct calendar day with at least one order that is not a return, so
``frequency`` is the number of purchases after the first, as the repeat
purchase rate, purchase frequency and RFM frequency of the reports count
them.

The observation end is treated as lifetimes does: it is truncated to the
start of its period, and every transaction in a period up to and including
that period is kept (so with ``freq="W"`` a purchase later in the week of the
observation end still counts).

Heavy work is vectorised: periods are integer ordinals computed with NumPy
and the per-customer aggregation is one DuckDB ``GROUP BY``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from crmkit.errors import DataError

__all__ = ["summary_data_from_transaction_data", "calibration_and_holdout_data"]

# NumPy datetime units that match pandas period frequencies one to one.
_NUMPY_UNITS = {"D": "D", "h": "h", "H": "h", "min": "m", "T": "m", "s": "s", "S": "s", "M": "M", "Y": "Y", "A": "Y"}


def to_naive_datetime(values: Any, datetime_format: str | None) -> pd.Series:
    s = pd.to_datetime(values, format=datetime_format)
    if isinstance(s, pd.Series) and isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)  # to_period uses wall-clock time
    return s


def period_ordinals(values: pd.Series | pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Integer period ordinals of timestamps, ``Timestamp.to_period(freq)`` semantics."""
    arr = np.asarray(values, dtype="datetime64[ns]")
    if np.isnat(arr).any():
        raise DataError("The datetime column contains missing or unparseable dates; drop or fix those rows.")
    if freq in _NUMPY_UNITS:
        return arr.astype(f"datetime64[{_NUMPY_UNITS[freq]}]").view("int64")
    if freq in ("W", "W-SUN"):  # weeks Monday..Sunday; 1970-01-01 is a Thursday
        days = arr.astype("datetime64[D]").view("int64")
        return (days + 10) // 7  # pandas' weekly ordinal (week of 1969-12-29 is 1)
    try:
        return pd.PeriodIndex(pd.DatetimeIndex(arr), freq=freq).asi8
    except (ValueError, TypeError) as exc:
        raise DataError(f"freq={freq!r} is not a pandas period frequency (use e.g. 'D', 'W', 'M', 'h').") from exc


def _scalar_ordinal(ts: Any, freq: str, datetime_format: str | None) -> int:
    t = pd.to_datetime(ts, format=datetime_format)
    if getattr(t, "tzinfo", None) is not None:
        t = t.tz_localize(None)
    return int(period_ordinals(pd.DatetimeIndex([t]), freq)[0])


_DB: duckdb.DuckDBPyConnection | None = None


def query_columns(sql: str, table: pd.DataFrame, params: dict | None = None) -> dict[str, np.ndarray]:
    """Run ``sql`` against ``table`` (registered as ``t``) on a shared in-memory DuckDB; columns as arrays."""
    global _DB
    if _DB is None:
        from crmkit.store.sql import connect

        _DB = connect()  # bounded memory, spills to the temporary folder
    cur = _DB.cursor()  # one cursor per call: safe across threads, shares the warm database
    try:
        cur.register("t", table)
        return cur.execute(sql, params or {}).fetchnumpy()
    finally:
        cur.close()


def check_columns(transactions: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in transactions.columns]
    if missing:
        raise DataError(
            f"Column(s) {missing} not found in the transactions frame (columns: {list(transactions.columns)}); "
            "pass the right customer_id_col / datetime_col / monetary_value_col."
        )


def _frame(transactions: pd.DataFrame, customer_id_col: str, per: np.ndarray, monetary_value_col: str | None):
    data = {"cid": transactions[customer_id_col].to_numpy(), "per": per}
    if monetary_value_col:
        data["v"] = pd.to_numeric(transactions[monetary_value_col]).fillna(0.0).to_numpy(dtype="float64")
    return pd.DataFrame(data, copy=False)


def _values(a: np.ndarray) -> np.ndarray:
    """Plain values from a DuckDB result column (masked arrays when NULLs are possible)."""
    return a.filled() if isinstance(a, np.ma.MaskedArray) else a


_SUMMARY_SQL = """
WITH p AS (
    SELECT cid, per{v_sum} FROM t WHERE per <= $end GROUP BY cid, per
)
SELECT cid, min(per) AS first, max(per) AS last, count(*) AS n{v_agg}
FROM p GROUP BY cid ORDER BY cid
"""


def summary_data_from_transaction_data(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """Summarise a transaction log into one row per customer.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction.
    customer_id_col, datetime_col : str
        Customer identifier and purchase timestamp columns.
    monetary_value_col : str, optional
        Transaction value; adds the ``monetary_value`` column.
    observation_period_end : str or datetime-like, optional
        End of the observation; transactions in later periods are ignored.
        Defaults to the latest transaction.
    freq : str, default "D"
        Period used to merge purchases and to measure time ("D", "W", "M", "h", ...).
    freq_multiplier : float, default 1
        Divisor applied to recency and T (``freq="D", freq_multiplier=7`` gives weeks).
    datetime_format : str, optional
        Format passed to :func:`pandas.to_datetime`.
    include_first_transaction : bool, default False
        Count the first purchase in ``frequency`` and ``monetary_value`` (never do
        this for the BTYD fitters).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (sorted), float columns ``frequency, recency, T``
        and, with ``monetary_value_col``, ``monetary_value``.

    Examples
    --------
    >>> tx = pd.DataFrame({"id": [1, 1, 1, 2], "date": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-03"]), "amount": [5, 5, 20, 7]})
    >>> summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-01-10")
        frequency  recency     T  monetary_value
    id
    1         1.0      4.0   9.0            20.0
    2         0.0      0.0   7.0             0.0
    """
    cols = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    check_columns(transactions, cols)
    dt = to_naive_datetime(transactions[datetime_col], datetime_format)
    per = period_ordinals(dt, freq)
    if observation_period_end is None:
        if len(per) == 0:
            raise DataError("The transactions frame is empty; nothing to summarise.")
        end = int(per.max())
    else:
        end = _scalar_ordinal(observation_period_end, freq, datetime_format)
    t = _frame(transactions, customer_id_col, per, monetary_value_col)
    money = bool(monetary_value_col)
    sql = _SUMMARY_SQL.format(
        v_sum=", sum(v) AS v" if money else "",
        v_agg=", sum(v) AS total, arg_min(v, per) AS first_v" if money else "",
    )
    agg = query_columns(sql, t, {"end": end})
    n = np.asarray(_values(agg["n"]), dtype="float64")
    first = np.asarray(_values(agg["first"]), dtype="float64")
    out = pd.DataFrame(
        {
            "frequency": n if include_first_transaction else n - 1.0,
            "recency": (np.asarray(_values(agg["last"]), dtype="float64") - first) / freq_multiplier,
            "T": (end - first) / freq_multiplier,
        },
        index=pd.Index(_values(agg["cid"]), name=customer_id_col),
    )
    if money:
        total = np.asarray(_values(agg["total"]), dtype="float64")
        if include_first_transaction:
            out["monetary_value"] = total / n
        else:
            repeat = n - 1.0
            with np.errstate(invalid="ignore", divide="ignore"):
                mv = (total - np.asarray(_values(agg["first_v"]), dtype="float64")) / repeat
            out["monetary_value"] = np.where(repeat > 0, mv, 0.0)
    return out


_HOLDOUT_SQL = """
SELECT cid, count(DISTINCT per) AS frequency_holdout{v_agg} FROM t GROUP BY cid
"""


def calibration_and_holdout_data(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    calibration_period_end: Any,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
    monetary_value_col: str | None = None,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """Summarise a calibration period and count purchases in the following holdout.

    Same definitions as ``lifetimes.utils.calibration_and_holdout_data``:
    calibration transactions are those with timestamp ``<= calibration_period_end``
    and are summarised with :func:`summary_data_from_transaction_data`
    (observation end = calibration end); holdout transactions have
    ``calibration_period_end < timestamp <= observation_period_end`` (raw
    timestamps). ``frequency_holdout`` counts distinct ``freq`` periods with a
    purchase, ``monetary_value_holdout`` is the plain mean of the holdout
    transaction values (not period-merged, as in lifetimes), and
    ``duration_holdout`` = (period of observation end − period of calibration
    end) / ``freq_multiplier``. Only customers seen in the calibration period are
    returned; holdout values are 0 for customers without holdout purchases.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction.
    customer_id_col, datetime_col : str
        Customer identifier and purchase timestamp columns.
    calibration_period_end : str or datetime-like
        Last moment of the calibration period (inclusive).
    observation_period_end : str or datetime-like, optional
        Last moment of the holdout period (inclusive); defaults to the latest
        transaction.
    freq, freq_multiplier, datetime_format, include_first_transaction
        As in :func:`summary_data_from_transaction_data`.
    monetary_value_col : str, optional
        Transaction value; adds ``monetary_value_cal`` and ``monetary_value_holdout``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id with ``frequency_cal, recency_cal, T_cal
        [, monetary_value_cal], frequency_holdout [, monetary_value_holdout],
        duration_holdout``.
    """
    cols = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    check_columns(transactions, cols)
    dt = to_naive_datetime(transactions[datetime_col], datetime_format)
    cal_end = pd.to_datetime(calibration_period_end, format=datetime_format)
    obs_end = dt.max() if observation_period_end is None else pd.to_datetime(observation_period_end, format=datetime_format)
    if getattr(cal_end, "tzinfo", None) is not None:
        cal_end = cal_end.tz_localize(None)
    if getattr(obs_end, "tzinfo", None) is not None:
        obs_end = obs_end.tz_localize(None)

    in_cal = (dt <= cal_end).to_numpy()
    tx = transactions[cols].copy()
    tx[datetime_col] = dt
    cal = summary_data_from_transaction_data(
        tx.loc[in_cal], customer_id_col, datetime_col, monetary_value_col,
        observation_period_end=cal_end, freq=freq, freq_multiplier=freq_multiplier,
        include_first_transaction=include_first_transaction,
    )
    cal.columns = [f"{c}_cal" for c in cal.columns]

    in_hold = ((dt > cal_end) & (dt <= obs_end)).to_numpy()
    if not in_hold.any():
        raise DataError(
            "There are no transactions in the holdout period; check calibration_period_end "
            f"({cal_end}) and observation_period_end ({obs_end}) against the transaction dates."
        )
    hold_tx = tx.loc[in_hold]
    t = _frame(hold_tx, customer_id_col, period_ordinals(hold_tx[datetime_col], freq), monetary_value_col)
    if monetary_value_col:  # lifetimes averages raw holdout values (NaN ignored)
        t["v"] = pd.to_numeric(hold_tx[monetary_value_col]).to_numpy(dtype="float64")
    cols = query_columns(_HOLDOUT_SQL.format(v_agg=", avg(v) AS monetary_value_holdout" if monetary_value_col else ""), t)
    hold = pd.DataFrame({k: v for k, v in cols.items() if k != "cid"}, index=_values(cols["cid"]))
    hold.index.name = customer_id_col
    out = cal.join(hold, how="left")
    out = out.fillna(0.0)
    out["frequency_holdout"] = out["frequency_holdout"].astype("float64")
    out["duration_holdout"] = (
        _scalar_ordinal(obs_end, freq, None) - _scalar_ordinal(cal_end, freq, None)
    ) / freq_multiplier
    return out
