"""Customer value (客户价值): revenue, RFM, historical CLV, concentration, CAC.

Indicator definitions follow docs/indicators.md, section "Customer value".  All
functions are pure: canonical frames (column names as in
:mod:`crmkit.contract.tables`) plus a window ``[start, end]`` whose ``end`` is the
last *day* included.  Per-customer aggregation over the whole order history
runs as plain SQL in DuckDB (:func:`crmkit.store.sql.query`), so the same statement
can later run directly against the store or another SQL engine.

Conventions
-----------
Orders are read as the order lines of :func:`crmkit.indicators.frames.order_lines`:

* returns are rows with ``is_return`` true or a negative ``amount``; they
  reduce revenue but are not counted as orders;
* an *order* is a non-return order line (average order value, orders);
  a *purchase* is a customer's distinct calendar day with at least one
  order (:func:`crmkit.indicators.frames.purchases_sql`), which RFM
  frequency counts;
* margin is ``gross_margin`` where present, otherwise ``amount × margin_rate``.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from crmkit.estimate import MIN_N, Estimate, mean
from crmkit.indicators.frames import (between_sql, canonical_orders, order_lines, margin_error, order_lines_sql,
                                      purchases_sql, ratio, require_margin)
from crmkit.indicators.frames import previous_window as _comparison_window
from crmkit.sqltext import timestamp_literal
from crmkit.store.data import as_timestamp, rows_between, window_bounds
from crmkit.store.sql import query

__all__ = [
    "SEGMENTS",
    "SEGMENT_LABELS",
    "TIER_LABELS",
    "revenue_summary",
    "aov",
    "monthly_revenue",
    "growth",
    "previous_window",
    "customer_summary",
    "rfm_scores",
    "rfm_segment",
    "rfm_segments",
    "value_tiers",
    "tier_summary",
    "top_share",
    "gini",
    "lorenz_curve",
    "new_customers",
    "acquisition_cost",
    "cac",
    "cac_by_channel",
    "clv_cac_ratio",
    "new_customer_monthly_margin",
    "payback_months",
]

DAYS_PER_MONTH = 365.25 / 12

# R-F segment map (docs/indicators.md, "RFM"): (segment, R scores, F scores).
SEGMENTS: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cant_lose_them", (1, 2), (5,)),
    ("hibernating", (1, 2), (1, 2)),
)

SEGMENT_LABELS: dict[str, tuple[str, str]] = {
    "champions": ("Champions", "重要价值客户"),
    "loyal": ("Loyal", "忠诚客户"),
    "potential_loyalists": ("Potential loyalists", "潜力客户"),
    "new": ("New", "新客户"),
    "promising": ("Promising", "有前景客户"),
    "need_attention": ("Need attention", "需要关注"),
    "about_to_sleep": ("About to sleep", "即将沉睡"),
    "at_risk": ("At risk", "流失风险"),
    "cant_lose_them": ("Can't lose them", "不能失去"),
    "hibernating": ("Hibernating", "沉睡客户"),
}

TIER_LABELS: dict[str, tuple[str, str]] = {
    "high": ("High value", "高价值"),
    "medium": ("Medium value", "中价值"),
    "low": ("Low value", "低价值"),
}


# -- revenue, orders, AOV -------------------------------------------------------
def revenue_summary(orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Revenue, orders, customers, AOV and revenue per customer in a window.

    Formulas (docs/indicators.md, Customer value):
    ``revenue`` = Σ amount (returns negative, so net of returns);
    ``gross_sales`` = Σ amount of non-return orders; ``returns`` = −Σ amount of returns;
    ``orders`` = number of non-return orders; ``customers`` = distinct ordering customers;
    ``aov`` = gross_sales / orders; ``revenue_per_customer`` = revenue / customers.

    Parameters
    ----------
    orders : DataFrame
        Canonical ``orders`` (customer_id, order_date, amount[, is_return]).
    start, end : date-like
        Window, ``end`` inclusive.

    Returns
    -------
    DataFrame
        One row with the columns above.

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "a", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-01-05", "2025-01-09"]),
    ...                   "amount": [100.0, 50.0, 30.0]})
    >>> r = revenue_summary(o, "2025-01-01", "2025-01-31").iloc[0]
    >>> float(r["revenue"]), int(r["orders"]), float(r["aov"]), float(r["revenue_per_customer"])
    (180.0, 3, 60.0, 90.0)
    """
    lo, hi = window_bounds(start, end)
    r = query(f"""
        SELECT coalesce(sum(amount), 0) AS revenue,
               coalesce(sum(amount) FILTER (WHERE NOT is_return), 0) AS gross,
               coalesce(sum(amount) FILTER (WHERE is_return), 0) AS returned,
               count(*) FILTER (WHERE NOT is_return) AS orders,
               count(DISTINCT customer_id) AS customers
        FROM o WHERE {between_sql("order_date", lo, hi)}""", o=order_lines(orders)).iloc[0]
    gross, revenue = float(r["gross"]), float(r["revenue"])
    n_orders, n_customers = int(r["orders"]), int(r["customers"])
    return pd.DataFrame(
        [{
            "revenue": revenue, "gross_sales": gross, "returns": -float(r["returned"]), "orders": n_orders,
            "customers": n_customers, "aov": ratio(gross, n_orders),
            "revenue_per_customer": ratio(revenue, n_customers),
        }]
    )


def aov(orders: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """Average order value of non-return orders, with a t interval.

    Formula: mean of ``amount`` over non-return orders in ``[start, end]``.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2025-01-02", "2025-01-03"]),
    ...                   "amount": [10.0, 30.0]})
    >>> aov(o, "2025-01-01", "2025-01-31").value
    20.0
    """
    lo, hi = window_bounds(start, end)
    o = query(f"SELECT amount FROM o WHERE NOT is_return AND {between_sql('order_date', lo, hi)}", o=order_lines(orders))
    return mean(o["amount"], min_n=min_n)


def monthly_revenue(orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Revenue, orders, customers and AOV per calendar month in ``[start, end]``.

    Same definitions as :func:`revenue_summary`, per month of ``order_date``.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``revenue, orders, customers, aov``.
    """
    lo, hi = window_bounds(start, end)
    out = query(f"""
        SELECT CAST(date_trunc('month', order_date) AS TIMESTAMP) AS month,
               sum(amount) AS revenue,
               count(*) FILTER (WHERE NOT is_return) AS orders,
               count(DISTINCT customer_id) AS customers,
               coalesce(sum(amount) FILTER (WHERE NOT is_return), 0) AS gross
        FROM o WHERE {between_sql("order_date", lo, hi)}
        GROUP BY 1 ORDER BY 1""", o=order_lines(orders))
    out["month"] = out["month"].astype("datetime64[ns]")
    out["revenue"] = out["revenue"].astype("float64").fillna(0.0)
    out["orders"] = out["orders"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    out["aov"] = out["gross"] / out["orders"].where(out["orders"] > 0)
    return out[["month", "revenue", "orders", "customers", "aov"]]


def previous_window(start, end, kind: str = "period") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Comparison window: the equal-length window before (``"period"``) or a year earlier (``"year"``).

    Same rule as :meth:`crmkit.store.data.CRMData.previous_window` (whole months stay whole months).

    Examples
    --------
    >>> [str(t.date()) for t in previous_window("2025-10-01", "2025-12-31")]
    ['2025-07-01', '2025-09-30']
    """
    return _comparison_window(start, end, kind)


def growth(orders: pd.DataFrame, start, end, kind: str = "period") -> pd.DataFrame:
    """Growth of revenue, orders, customers, AOV and revenue per customer.

    Formula: growth = current / previous − 1 (NaN when the previous value is 0
    or the comparison window has no orders), against the previous equal-length
    window (``kind="period"``) or the same window one year earlier (``"year"``).

    Returns
    -------
    DataFrame
        Columns ``metric, current, previous, growth`` (one row per metric).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a"], "order_date": pd.to_datetime(["2025-01-15", "2025-02-15"]),
    ...                   "amount": [100.0, 150.0]})
    >>> g = growth(o, "2025-02-01", "2025-02-28").set_index("metric")
    >>> float(g.loc["revenue", "growth"])
    0.5
    """
    ps, pe = previous_window(start, end, kind)
    cur = revenue_summary(orders, start, end).iloc[0]
    prev = revenue_summary(orders, ps, pe).iloc[0]
    rows = []
    for m in ("revenue", "orders", "customers", "aov", "revenue_per_customer"):
        c, p = float(cur[m]), float(prev[m])
        g = c / p - 1 if p and not math.isnan(p) and p > 0 else float("nan")
        rows.append({"metric": m, "current": c, "previous": p, "growth": g})
    out = pd.DataFrame(rows)
    out.attrs["previous_start"], out.attrs["previous_end"] = ps, pe
    return out


# -- per-customer summary and RFM (SQL) ---------------------------------------
_SUMMARY_SQL = """
WITH lines AS ({lines}),
o AS (SELECT customer_id, amount, margin FROM lines WHERE order_date < {end_exclusive} {since_clause}),
p AS ({purchases}),
f AS (
    SELECT customer_id, MIN(first_at) AS first_order, MAX(last_at) AS last_order, COUNT(*) AS frequency
    FROM p GROUP BY customer_id
),
m AS (SELECT customer_id, SUM(amount) AS monetary, SUM(margin) AS clv FROM o GROUP BY customer_id),
c AS (SELECT f.customer_id, first_order, last_order, frequency, monetary, clv FROM f JOIN m USING (customer_id))
SELECT customer_id, first_order, last_order, frequency, monetary, clv,
       1 + FLOOR(5.0 * (RANK() OVER (ORDER BY CAST(last_order AS DATE)) - 1) / COUNT(*) OVER ()) AS r_score,
       1 + FLOOR(5.0 * (RANK() OVER (ORDER BY frequency) - 1) / COUNT(*) OVER ()) AS f_score,
       1 + FLOOR(5.0 * (RANK() OVER (ORDER BY monetary) - 1) / COUNT(*) OVER ()) AS m_score
FROM c
ORDER BY customer_id
"""


def customer_summary_sql(end, *, margin_rate: float | None = None, since=None, table: str = "orders") -> str:
    """The SQL behind :func:`customer_summary` (plain SQL over a table named *table*)."""
    end_exclusive = window_bounds(end, end)[1]
    lo = None if since is None else as_timestamp(since).normalize()
    since_clause = "" if lo is None else f"AND order_date >= {timestamp_literal(lo)}"
    return _SUMMARY_SQL.format(lines=order_lines_sql(table, margin_rate=margin_rate),
                               purchases=purchases_sql("lines", lo, end_exclusive),
                               end_exclusive=timestamp_literal(end_exclusive), since_clause=since_clause)


def customer_summary(
    orders: pd.DataFrame,
    end,
    *,
    margin_rate: float | None = None,
    since=None,
) -> pd.DataFrame:
    """Per-customer summary over the whole order history up to *end*, with RFM scores.

    Runs as one SQL statement in DuckDB (GROUP BY customer plus window
    functions), not as a Python loop.

    Formulas (docs/indicators.md, Customer value):

    * ``frequency`` = number of purchases (distinct days with a non-return
      order, :func:`crmkit.indicators.frames.purchases_sql`: two orders on
      one day are one purchase); ``monetary`` = Σ amount (net of returns);
      ``clv`` (historical CLV) = Σ gross_margin, where a missing gross
      margin is ``amount × margin_rate``;
    * ``recency_days`` = days from the last purchase to the end of *end*;
    * quintile scores 1-5 with ties by rank: ``s = 1 + ⌊5 (r − 1) / n⌋`` where
      ``r`` is the SQL ``RANK()`` (smallest rank among ties) of last order date
      (R: more recent is higher), frequency (F) or monetary (M), and ``n`` the
      number of customers, so tied customers share a score and each score
      holds about a fifth of the customers.

    Customers with no purchase before *end* are left out.

    Parameters
    ----------
    orders : DataFrame
        Canonical ``orders``; ``is_return`` and ``gross_margin`` are optional.
    end : date-like
        Last day included.
    margin_rate : float, optional
        Margin share used where ``gross_margin`` is missing; required when it is.
    since : date-like, optional
        Only orders on or after this day (default: whole history).

    Returns
    -------
    DataFrame
        ``customer_id, first_order, last_order, frequency, monetary, clv,
        recency_days, r_score, f_score, m_score, rfm_segment``.

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": list("1234"), "customer_id": ["a", "a", "a", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-03-01", "2025-03-01", "2025-02-01"]),
    ...                   "amount": [100.0, 50.0, 20.0, 30.0]})
    >>> s = customer_summary(o, "2025-03-31", margin_rate=0.3)
    >>> s[["customer_id", "frequency", "monetary", "recency_days"]].values.tolist()
    [['a', 2, 170.0, 30], ['b', 1, 30.0, 58]]
    """
    require_margin(orders, margin_rate)
    out = query(customer_summary_sql(end, margin_rate=margin_rate, since=since), orders=canonical_orders(orders))
    return _finish_summary(out, end)


def _finish_summary(out: pd.DataFrame, end) -> pd.DataFrame:
    end_exclusive = window_bounds(end, end)[1]
    out["frequency"] = out["frequency"].astype("int64")
    for c in ("r_score", "f_score", "m_score"):
        out[c] = out[c].astype("int64")
    out["recency_days"] = ((end_exclusive - out["last_order"].dt.normalize()).dt.days - 1).astype("int64")
    out["rfm_segment"] = rfm_segments(out["r_score"], out["f_score"])
    cols = ["customer_id", "first_order", "last_order", "frequency", "monetary", "clv", "recency_days",
            "r_score", "f_score", "m_score", "rfm_segment"]
    return out[cols]


def rfm_scores(values: pd.Series | Iterable[float], *, higher_is_better: bool = True) -> pd.Series:
    """Quintile scores 1-5 of *values* with ties by rank (pandas reference).

    Formula: ``s = 1 + ⌊5 (r − 1) / n⌋`` with ``r`` the minimum rank among ties
    (``rank(method="min")``); with ``higher_is_better=False`` (e.g. recency in
    days) the ranking is reversed.  Same rule as the SQL in
    :func:`customer_summary`.

    Examples
    --------
    >>> rfm_scores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).tolist()
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    >>> rfm_scores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    """
    s = pd.Series(values, dtype="float64")
    r = (s if higher_is_better else -s).rank(method="min")
    n = int(s.notna().sum())
    return (1 + np.floor(5.0 * (r - 1) / n)).astype("Int64") if n else pd.Series(dtype="Int64")


def rfm_segment(r: int, f: int) -> str:
    """Segment of one R-F score pair on the standard map (docs/indicators.md).

    Champions R5 F4-5; Loyal R3-4 F4-5; Potential loyalists R4-5 F2-3; New R5 F1;
    Promising R4 F1; Need attention R3 F3; About to sleep R3 F1-2; At risk
    R1-2 F3-4; Can't lose them R1-2 F5; Hibernating R1-2 F1-2.

    Examples
    --------
    >>> rfm_segment(5, 5), rfm_segment(2, 5), rfm_segment(4, 1)
    ('champions', 'cant_lose_them', 'promising')
    """
    for name, rs, fs in SEGMENTS:
        if int(r) in rs and int(f) in fs:
            return name
    raise ValueError(f"R={r}, F={f} outside the 1-5 score range")


_SEGMENT_GRID = {(r, f): rfm_segment(r, f) for r in range(1, 6) for f in range(1, 6)}


def rfm_segments(r: pd.Series, f: pd.Series) -> pd.Series:
    """Vectorised :func:`rfm_segment` over score columns."""
    keys = list(zip(pd.Series(r).astype(int), pd.Series(f).astype(int)))
    return pd.Series([_SEGMENT_GRID[k] for k in keys], index=pd.Series(r).index, dtype="str")


def segment_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Customers, share, mean recency/frequency, monetary and CLV per RFM segment.

    Rows follow the order of :data:`SEGMENTS`; empty segments show 0 customers.
    """
    g = summary.groupby("rfm_segment")
    agg = pd.DataFrame({
        "customers": g.size(),
        "recency_days": g["recency_days"].mean(),
        "frequency": g["frequency"].mean(),
        "monetary": g["monetary"].sum(),
        "clv_mean": g["clv"].mean(),
    })
    order = [s[0] for s in SEGMENTS]
    agg = agg.reindex(order)
    agg["customers"] = agg["customers"].fillna(0).astype("int64")
    n = max(int(agg["customers"].sum()), 1)
    agg["share"] = agg["customers"] / n
    total = summary["monetary"].sum()
    agg["monetary_share"] = agg["monetary"].fillna(0) / total if total else np.nan
    return agg.rename_axis("segment").reset_index()[
        ["segment", "customers", "share", "recency_days", "frequency", "monetary", "monetary_share", "clv_mean"]
    ]


__all__.append("segment_summary")
__all__.append("customer_summary_sql")


# -- value tiers and concentration ----------------------------------------------
def value_tiers(clv: pd.Series, *, high: float = 0.8, low: float = 0.5) -> pd.Series:
    """High / medium / low value tier by CLV quantiles.

    Formula: ``high`` if CLV > q(high), ``low`` if CLV ≤ q(low), else
    ``medium``, with q the empirical quantile (default: top 20 % high, next
    30 % medium, bottom 50 % low).

    Examples
    --------
    >>> value_tiers(pd.Series(range(1, 11), dtype=float)).tolist()
    ['low', 'low', 'low', 'low', 'low', 'medium', 'medium', 'medium', 'high', 'high']
    """
    if not 0 < low < high < 1:
        raise ValueError("need 0 < low < high < 1")
    s = pd.Series(clv, dtype="float64")
    q_low, q_high = s.quantile(low), s.quantile(high)
    tier = np.where(s > q_high, "high", np.where(s <= q_low, "low", "medium"))
    return pd.Series(tier, index=s.index, dtype="str")


def tier_summary(clv: pd.Series, tiers: pd.Series) -> pd.DataFrame:
    """Customers, share of customers, total and mean CLV and share of CLV per tier."""
    df = pd.DataFrame({"clv": pd.Series(clv, dtype="float64").to_numpy(), "tier": pd.Series(tiers).to_numpy()})
    g = df.groupby("tier")["clv"]
    out = pd.DataFrame({"customers": g.size(), "clv_total": g.sum(), "clv_mean": g.mean()}).reindex(["high", "medium", "low"])
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["customer_share"] = out["customers"] / max(len(df), 1)
    total = df["clv"].sum()
    out["clv_share"] = out["clv_total"] / total if total else np.nan
    return out.rename_axis("tier").reset_index()[["tier", "customers", "customer_share", "clv_total", "clv_share", "clv_mean"]]


__all__.append("tier_summary")


def _nonneg_sorted(values) -> np.ndarray:
    x = pd.Series(values, dtype="float64").dropna().to_numpy()
    return np.sort(np.clip(x, 0, None))


def top_share(values, top: float = 0.2) -> float:
    """Share of the total held by the top ``top`` fraction of customers.

    Formula: Σ of the ⌈top·n⌉ largest values / Σ of all values (negative
    values, e.g. net returns, count as 0).

    Examples
    --------
    >>> top_share([1, 1, 1, 1, 6, 0, 0, 0, 0, 0])
    0.7
    """
    x = _nonneg_sorted(values)
    total = x.sum()
    if x.size == 0 or total <= 0:
        return float("nan")
    k = max(1, math.ceil(top * x.size - 1e-9))
    return float(x[-k:].sum() / total)


def gini(values) -> float:
    """Gini coefficient of a non-negative distribution (0 equal, → 1 concentrated).

    Formula: ``G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1) / n`` with values sorted
    ascending and ``i = 1..n`` (sample Gini; equals twice the area between the
    Lorenz curve and the diagonal).  Negative values count as 0.

    Examples
    --------
    >>> gini([5, 5, 5, 5])
    0.0
    >>> gini([0, 0, 0, 10])
    0.75
    """
    x = _nonneg_sorted(values)
    n, total = x.size, x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(2 * np.sum(i * x) / (n * total) - (n + 1) / n)


def lorenz_curve(values, points: int | None = 101) -> pd.DataFrame:
    """Lorenz curve points: cumulative share of customers vs cumulative share of value.

    Customers are sorted from lowest to highest value; the curve starts at
    (0, 0) and ends at (1, 1).  With *points* set, the curve is sampled at that
    many evenly spaced customer shares (enough for a chart of a million
    customers); ``None`` returns every customer.

    Examples
    --------
    >>> lorenz_curve([1, 1, 2], points=None).round(3).values.tolist()
    [[0.0, 0.0], [0.333, 0.25], [0.667, 0.5], [1.0, 1.0]]
    """
    x = _nonneg_sorted(values)
    if x.size == 0 or x.sum() <= 0:
        return pd.DataFrame({"customer_share": [0.0, 1.0], "value_share": [0.0, 1.0]})
    cx = np.concatenate([[0.0], np.arange(1, x.size + 1) / x.size])
    cy = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    if points is not None and x.size + 1 > points:
        grid = np.linspace(0, 1, points)
        cy = np.interp(grid, cx, cy)
        cx = grid
    return pd.DataFrame({"customer_share": cx, "value_share": cy})


# -- acquisition: CAC, CLV:CAC, payback -----------------------------------------
def new_customers(customers: pd.DataFrame, start, end) -> pd.DataFrame:
    """Customers whose ``signup_date`` lies in ``[start, end]``."""
    return rows_between(customers, "signup_date", start, end)


ACQUISITION_CAMPAIGN_WORDS = ("acquisition", "acquire", "new customer", "拉新", "获客", "新客")


def _acquisition_campaigns(campaigns: pd.DataFrame | None, start, end, campaign_ids: Iterable[str] | None) -> pd.DataFrame:
    if campaigns is None or campaigns.empty:
        return pd.DataFrame(columns=["campaign_id", "cost", "channel"])
    c = campaigns
    if campaign_ids is not None:
        c = c[c["campaign_id"].isin(list(campaign_ids))]
    else:
        name = c["name"].astype("str").str.lower() if "name" in c else pd.Series("", index=c.index)
        c = c[name.apply(lambda s: any(w in s for w in ACQUISITION_CAMPAIGN_WORDS))]
    if "start_date" in c and c["start_date"].notna().any():
        c = rows_between(c, "start_date", start, end)
    return c


def acquisition_cost(
    customers: pd.DataFrame,
    costs: pd.DataFrame | None,
    campaigns: pd.DataFrame | None,
    start,
    end,
    *,
    acquisition_campaign_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Acquisition spend in the window, by acquisition channel, with its source.

    Formula (docs/indicators.md, CAC numerator): Σ ``costs.amount`` with
    ``category = "acquisition"`` and ``period_start`` in the window, plus the
    cost of acquisition campaigns starting in the window.  Acquisition
    campaigns are *acquisition_campaign_ids* when given, otherwise campaigns
    whose name mentions acquisition (拉新 / 获客).  When the costs table holds
    no acquisition rows, the per-customer ``customers.acquisition_cost`` of the
    new customers is used instead (``source = "customers"``).

    Returns
    -------
    DataFrame
        ``channel, acquisition_cost, source``; ``channel`` is ``costs.channel``
        (``"unassigned"`` when missing), ``customers.acquisition_channel``, or
        ``"campaigns"`` for acquisition campaigns.
    """
    rows = []
    acq = pd.DataFrame()
    if costs is not None and not costs.empty:
        acq = rows_between(costs, "period_start", start, end)
        acq = acq[acq["category"] == "acquisition"]
    if len(acq):
        ch = acq["channel"].astype("str").where(acq["channel"].notna(), "unassigned") if "channel" in acq else "unassigned"
        g = acq.assign(channel=ch).groupby("channel")["amount"].sum()
        rows += [{"channel": k, "acquisition_cost": float(v), "source": "costs"} for k, v in g.items()]
    else:
        new = new_customers(customers, start, end)
        if "acquisition_cost" in new and new["acquisition_cost"].notna().any():
            ch = new["acquisition_channel"].astype("str").where(new["acquisition_channel"].notna(), "unassigned") \
                if "acquisition_channel" in new else "unassigned"
            g = new.assign(channel=ch).groupby("channel")["acquisition_cost"].sum()
            rows += [{"channel": k, "acquisition_cost": float(v), "source": "customers"} for k, v in g.items()]
    camp = _acquisition_campaigns(campaigns, start, end, acquisition_campaign_ids)
    if len(camp):
        rows.append({"channel": "campaigns", "acquisition_cost": float(camp["cost"].sum()), "source": "campaigns"})
    return pd.DataFrame(rows, columns=["channel", "acquisition_cost", "source"])


def cac(
    customers: pd.DataFrame,
    costs: pd.DataFrame | None,
    campaigns: pd.DataFrame | None,
    start,
    end,
    *,
    acquisition_campaign_ids: Iterable[str] | None = None,
) -> Estimate:
    """Customer acquisition cost (↓).

    Formula (docs/indicators.md): CAC = acquisition cost (costs.category =
    acquisition + acquisition campaigns, see :func:`acquisition_cost`) / new
    customers (``signup_date`` in the window).  NaN when there are no new
    customers or no acquisition cost data; ``n`` = new customers.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": ["a", "b"], "signup_date": pd.to_datetime(["2025-01-03", "2025-01-09"])})
    >>> co = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"]), "category": ["acquisition"],
    ...                    "amount": [300.0], "channel": [None]})
    >>> cac(cu, co, None, "2025-01-01", "2025-01-31").value
    150.0
    """
    spend = acquisition_cost(customers, costs, campaigns, start, end, acquisition_campaign_ids=acquisition_campaign_ids)
    n = len(new_customers(customers, start, end))
    value = float(spend["acquisition_cost"].sum()) / n if n and len(spend) else float("nan")
    return Estimate(value, n=n)


def cac_by_channel(
    customers: pd.DataFrame,
    costs: pd.DataFrame | None,
    campaigns: pd.DataFrame | None,
    start,
    end,
    *,
    acquisition_campaign_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """CAC per acquisition channel: channel spend / new customers acquired through it.

    Spend comes from :func:`acquisition_cost` (``costs.channel`` or the
    customers' own acquisition cost); new customers are grouped by
    ``customers.acquisition_channel``.  Channels with spend but no customers
    (e.g. ``campaigns``, ``unassigned``) show NaN CAC; a final ``total`` row
    gives the overall CAC.

    Returns
    -------
    DataFrame
        ``channel, new_customers, acquisition_cost, cac``.
    """
    spend = acquisition_cost(customers, costs, campaigns, start, end, acquisition_campaign_ids=acquisition_campaign_ids)
    new = new_customers(customers, start, end)
    ch = new["acquisition_channel"].astype("str").where(new["acquisition_channel"].notna(), "unassigned") \
        if "acquisition_channel" in new else pd.Series("unassigned", index=new.index)
    counts = ch.value_counts().rename("new_customers")
    sp = spend.groupby("channel")["acquisition_cost"].sum()
    out = pd.concat([counts, sp], axis=1).fillna({"new_customers": 0})
    out["new_customers"] = out["new_customers"].astype("int64")
    out["acquisition_cost"] = out["acquisition_cost"].astype("float64")
    out["cac"] = np.where(out["new_customers"] > 0, out["acquisition_cost"] / out["new_customers"].where(out["new_customers"] > 0), np.nan)
    out = out.rename_axis("channel").reset_index().sort_values("new_customers", ascending=False)
    total_cost = float(spend["acquisition_cost"].sum()) if len(spend) else float("nan")
    total = {"channel": "total", "new_customers": len(new), "acquisition_cost": total_cost,
             "cac": total_cost / len(new) if len(new) else float("nan")}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def clv_cac_ratio(clv: float | Estimate, cac_value: float | Estimate) -> float:
    """CLV:CAC (≥ 3 is commonly considered healthy).

    Formula: CLV / CAC; NaN when CAC is missing or not positive.

    Examples
    --------
    >>> clv_cac_ratio(900.0, 300.0)
    3.0
    """
    c, k = float(clv), float(cac_value)
    return c / k if k > 0 and not math.isnan(k) else float("nan")


def new_customer_monthly_margin(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    start,
    end,
    *,
    margin_rate: float | None = None,
) -> Estimate:
    """Monthly margin per new customer (denominator of the payback period).

    Formula: Σ margin of orders placed in ``[signup, end]`` by customers who
    signed up in ``[start, end]`` / Σ their months of exposure
    ``(end + 1 day − signup) / 30.44``: an exposure-weighted margin per
    customer-month, so customers acquired late in the window count for less.
    ``n`` = new customers.
    """
    new = new_customers(customers, start, end)[["customer_id", "signup_date"]]
    if new.empty:
        return Estimate(float("nan"), n=0)
    lo, hi = window_bounds(start, end)
    o = query(f"SELECT customer_id, order_date, margin FROM o WHERE {between_sql('order_date', lo, hi)}",
              o=order_lines(orders, margin_rate=margin_rate))
    o = o[o["customer_id"].isin(new["customer_id"].astype("str"))]
    if o["margin"].isna().any():
        raise margin_error()
    new = new.assign(customer_id=new["customer_id"].astype("str"))
    o = o.merge(new, on="customer_id")
    margin = float(o.loc[o["order_date"] >= o["signup_date"].dt.normalize(), "margin"].sum())
    exposure = float(((hi - new["signup_date"].dt.normalize()).dt.days / DAYS_PER_MONTH).sum())
    return Estimate(margin / exposure if exposure > 0 else float("nan"), n=len(new))


def payback_months(cac_value: float | Estimate, monthly_margin: float | Estimate) -> float:
    """Months for a new customer's margin to repay its acquisition cost (↓).

    Formula (docs/indicators.md): payback = CAC / monthly margin per new customer;
    NaN when the monthly margin is not positive (never pays back at that rate).

    Examples
    --------
    >>> payback_months(120.0, 40.0)
    3.0
    """
    c, m = float(cac_value), float(monthly_margin)
    return c / m if m > 0 and not math.isnan(m) and not math.isnan(c) else float("nan")


# -- report read-outs ------------------------------------------------------------------
def rfm_grid(summary: pd.DataFrame) -> pd.DataFrame:
    """Customers per recency score (rows 5 → 1) and frequency score (columns 1 → 5) of :func:`customer_summary`."""
    grid = summary.pivot_table(index="r_score", columns="f_score", values="customer_id", aggfunc="count", fill_value=0)
    return grid.reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0).astype("int64")


def segment_highlights(segments: pd.DataFrame) -> dict[str, float | str | int]:
    """The figures the RFM reading quotes, from :func:`segment_summary`.

    Returns
    -------
    dict
        ``largest`` (segment with most customers), ``largest_share``,
        ``champions``, ``champions_share``, ``champions_revenue_share`` and,
        for the lapsed frequent buyers (``at_risk`` + ``cant_lose_them``),
        ``lapsed_share`` and ``lapsed_revenue_share``.
    """
    by = segments.set_index("segment")
    lapsed = by.loc[["at_risk", "cant_lose_them"]]
    largest = by["share"].idxmax()
    return {
        "largest": largest, "largest_share": float(by.loc[largest, "share"]),
        "champions": int(by.loc["champions", "customers"]), "champions_share": float(by.loc["champions", "share"]),
        "champions_revenue_share": float(by.loc["champions", "monetary_share"]),
        "lapsed_share": float(lapsed["share"].sum()), "lapsed_revenue_share": float(lapsed["monetary_share"].sum()),
    }


def margins_recorded(orders) -> bool:
    """True when every order has a recorded ``gross_margin`` (False with no such column or any missing)."""
    if isinstance(orders, pd.DataFrame):
        return "gross_margin" in orders and bool(orders["gross_margin"].notna().all())
    return bool(query("SELECT count(*) = count(gross_margin) AS ok FROM orders", orders=orders)["ok"].iloc[0])


def concentration_level(gini_value: float) -> str:
    """``"high"`` (Gini ≥ 0.6), ``"moderate"`` (≥ 0.4) or ``"low"``; ``"unknown"`` when missing."""
    if gini_value is None or gini_value != gini_value:
        return "unknown"
    return "high" if gini_value >= 0.6 else "moderate" if gini_value >= 0.4 else "low"


def channel_cac(by_channel: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cac_by_channel` with a CAC, cheapest first, without the ``total`` row."""
    chans = by_channel[(by_channel["channel"] != "total") & by_channel["cac"].notna()]
    return chans.sort_values("cac", kind="stable").reset_index(drop=True)


def tracking_gap(tracking: pd.DataFrame) -> float:
    """Relative gap of expected to actual cumulative repeat purchases at the last period.

    ``predicted_cumulative / actual_cumulative − 1`` of the last row of a
    tracking table (:func:`crmkit.clv.diagnostics.tracking_transactions`);
    NaN when no purchase was recorded or the table is empty.
    """
    if tracking.empty:
        return float("nan")
    last = tracking.iloc[-1]
    a = float(last["actual_cumulative"])
    return float(last["predicted_cumulative"]) / a - 1 if a else float("nan")


def no_repeat_share(clv_customers: pd.DataFrame) -> float:
    """Share of customers without a repeat purchase (``frequency == 0``) in a predictive-CLV customer table."""
    return float((clv_customers["frequency"] == 0).mean()) if len(clv_customers) else float("nan")


def new_customer_predicted_clv(prediction, customers: pd.DataFrame, start, end) -> tuple[float, int]:
    """Mean predicted CLV of the customers acquired in ``[start, end]``.

    *prediction* is a fitted :class:`crmkit.clv.workflow.PredictiveCLV` or a
    :class:`crmkit.clv.contractual.ContractualCLV` (anything with
    ``mean_clv(ids)``). When none of the new customers has a prediction
    (no purchase yet, or no signup in the window), the mean over all
    customers (``mean_clv()``) is returned with ``n = 0``.

    Returns
    -------
    (float, int)
        Mean predicted CLV and the number of new customers it averages (0: all customers).
    """
    clv, n = prediction.mean_clv(new_customers(customers, start, end)["customer_id"])
    return (clv, n) if n else (float(prediction.mean_clv()[0]), 0)


__all__ += ["rfm_grid", "segment_highlights", "margins_recorded", "concentration_level", "channel_cac", "tracking_gap",
            "no_repeat_share", "new_customer_predicted_clv"]


def prediction_headlines(prediction) -> tuple[dict[str, object], dict[str, int]]:
    """Headline metrics of a fitted predictive-CLV result and their sample sizes, for ``MetricSet.add_all``.

    Returns
    -------
    (dict, dict)
        ``predicted_clv_mean, predicted_clv_top_decile_share, share_customers_alive,
        expected_transactions_total`` and, when validated, ``clv_holdout_error``
        (the chosen model's WAPE); the second dict holds the n of those
        that are not an :class:`~crmkit.estimate.Estimate`.
    """
    p, n = prediction, len(prediction.customers)
    values = {"predicted_clv_mean": p.clv_mean_estimate, "predicted_clv_top_decile_share": p.totals["top_decile_share"],
              "share_customers_alive": p.totals["share_alive"], "expected_transactions_total": p.transactions_total_estimate}
    sizes = {"predicted_clv_top_decile_share": n, "share_customers_alive": n}
    if p.status == "ok":
        values["clv_holdout_error"] = p.holdout_errors.loc[p.model, "wape"]
        sizes["clv_holdout_error"] = int(p.holdout_errors.loc[p.model, "n_customers"])
    return values, sizes


__all__.append("prediction_headlines")


def contract_headlines(contract) -> tuple[dict[str, object], dict[str, int]]:
    """Headline metrics of contract value and their sample sizes, for ``MetricSet.add_all``.

    *contract* is a :class:`crmkit.clv.contractual.ContractualCLV`.

    Returns
    -------
    (dict, dict)
        ``residual_clv_mean, residual_clv_total`` (Estimates over the active
        customers), ``residual_lifetime_months`` (mean DERL × months per
        period) and ``next_renewal_rate``; the second dict holds the n of
        those that are not an Estimate.
    """
    tot = contract.totals
    n = int(tot["n"])
    months = {"M": 1, "Q": 3}[contract.period]
    values = {"residual_clv_mean": contract.residual_clv_mean_estimate,
              "residual_clv_total": contract.residual_clv_total_estimate,
              "residual_lifetime_months": tot["mean_derl"] * months, "next_renewal_rate": tot["next_renewal_rate"]}
    return values, {"residual_lifetime_months": n, "next_renewal_rate": n}


__all__.append("contract_headlines")
