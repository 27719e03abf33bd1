"""Customer base and segmentation (客户基础与细分).

Counts of total, active, new and returning customers in a window, their
growth against the previous period and the same period last year, customer
types, and segmentation by age band, gender, occupation, income band,
region and acquisition channel with the customer count and revenue share of
every segment; market share when a market size is given.

All functions are pure: canonical frames (column names as in
:mod:`crmkit.contract.tables`) plus a window ``[start, end]`` whose ``end`` is the
last *day* included.  Per-customer aggregation runs as SQL in DuckDB
(:func:`crmkit.store.sql.query`).

Definitions
-----------
* A customer is *active* in a window when they made at least one
  purchase in it (a purchase is a customer's distinct calendar day with a
  non-return order, :func:`crmkit.indicators.frames.purchases_sql`).
* *New* customers are active customers whose first purchase ever lies in
  the window; *returning* customers are active customers who had bought
  before the window.  (Sign-ups without an order are counted
  separately as ``signups``.)
* *Total* customers are customers whose ``signup_date`` is on or before the
  end of the window.
* In a *contractual* business (:mod:`crmkit.indicators.business_model`) a
  customer is a *subscriber* at a date when they had signed up by then and
  were not cancelled by it (:func:`subscription_status`); the subscriber
  flows of a window are :func:`subscriber_counts`.  Churn
  (:func:`crmkit.indicators.churn.churn_panel`) and retention
  (:mod:`crmkit.indicators.loyalty`) of contractual businesses use the same
  rule.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from crmkit.store.data import as_timestamp, rows_between, window_bounds
from crmkit.estimate import MIN_N, Estimate, proportion
from crmkit.indicators.frames import UNKNOWN, growth_rate, label, order_lines, previous_window, purchases_sql
from crmkit.sqltext import timestamp_literal as _ts
from crmkit.store.sql import query

__all__ = [
    "SEGMENT_DIMENSIONS",
    "AGE_BANDS",
    "customer_activity",
    "customer_counts",
    "customer_growth",
    "monthly_customers",
    "age_band",
    "segment_table",
    "segmentation",
    "customer_types",
    "market_share",
    "period_windows",
    "GROWTH_MEASURES",
    "growth_table",
    "returning_share",
    "monthly_summary",
    "top_revenue_segment",
    "segment_highlights",
    "window_sales",
    "headline_metrics",
    "by_construction",
    "subscription_status",
    "subscriber_counts",
    "subscriber_metrics",
]

#: Customer attributes used for segmentation (``age_band`` is derived from ``birth_year``).
SEGMENT_DIMENSIONS: tuple[str, ...] = (
    "customer_type", "age_band", "gender", "occupation", "income_band", "region", "acquisition_channel",
)

#: Age bands as ``(label, lowest age, highest age)``; ages are years at the window end.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("<25", 0, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, 200),
)


# -- activity -------------------------------------------------------------------
_ACTIVITY_SQL = """
WITH p AS ({purchases})
SELECT customer_id,
       MIN(first_at) AS first_order,
       MAX(CASE WHEN first_at < {lo} THEN last_at END) AS last_order_before,
       COALESCE(SUM(orders) FILTER (WHERE first_at >= {lo}), 0) AS orders,
       COUNT(*) FILTER (WHERE first_at >= {lo}) AS purchases,
       MAX(last_at) AS last_order
FROM p
GROUP BY customer_id
"""


def customer_activity(orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Per-customer activity in ``[start, end]`` from the whole order history (SQL).

    Returns
    -------
    DataFrame
        One row per customer with a purchase on or before *end*:
        ``customer_id, first_order, last_order_before`` (last non-return
        order before the window, NaT if none), ``last_order``, ``orders``
        (non-return orders in the window),
        ``purchases`` (purchases in the window: distinct days with a
        non-return order, :func:`crmkit.indicators.frames.purchases_sql`),
        ``revenue`` (Σ amount in the window, net of returns), ``active``
        (purchases ≥ 1), ``new`` (active and first purchase in the window),
        ``returning`` (active and not new).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 20.0, 4.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2024-12-01", "2025-01-05", "2025-01-05", "2025-01-09"])})
    >>> a = customer_activity(o, "2025-01-01", "2025-01-31")
    >>> a[["customer_id", "orders", "purchases", "new", "returning"]].values.tolist()
    [['a', 2, 1, False, True], ['b', 1, 1, True, False]]
    """
    lo, hi = window_bounds(start, end)
    o = order_lines(orders)
    act = query(_ACTIVITY_SQL.format(purchases=purchases_sql("o", hi=hi), lo=_ts(lo)), o=o)
    rev = query(
        f"SELECT customer_id, SUM(amount) AS revenue FROM o WHERE order_date >= {_ts(lo)} AND order_date < {_ts(hi)} "
        "GROUP BY customer_id",
        o=o,
    )
    act = act.merge(rev, on="customer_id", how="left")
    act["revenue"] = act["revenue"].fillna(0.0).astype("float64")
    act["orders"] = act["orders"].astype("int64")
    act["purchases"] = act["purchases"].astype("int64")
    act["active"] = act["purchases"] > 0
    act["new"] = act["active"] & (act["first_order"] >= lo)
    act["returning"] = act["active"] & ~act["new"]
    return act.sort_values("customer_id").reset_index(drop=True)[
        ["customer_id", "first_order", "last_order_before", "last_order", "orders", "purchases", "revenue", "active",
         "new", "returning"]
    ]


def customer_counts(customers: pd.DataFrame, orders: pd.DataFrame, start, end) -> dict[str, int]:
    """Total, active, new and returning customers and sign-ups in a window.

    Formulas (docs/indicators.md, customer base): ``total`` = customers
    with ``signup_date`` ≤ end; ``active`` = customers with ≥ 1 non-return
    order in the window; ``new`` = active customers whose first order ever is
    in the window; ``returning`` = active − new; ``signups`` = customers whose
    ``signup_date`` is in the window.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": ["a", "b", "c"],
    ...                    "signup_date": pd.to_datetime(["2024-01-01", "2025-01-02", "2025-01-20"])})
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2024-12-01", "2025-01-05", "2025-01-09"])})
    >>> customer_counts(cu, o, "2025-01-01", "2025-01-31")
    {'total': 3, 'active': 2, 'new': 1, 'returning': 1, 'signups': 2}
    """
    _, hi = window_bounds(start, end)
    act = customer_activity(orders, start, end)
    total = int((pd.to_datetime(customers["signup_date"]) < hi).sum())
    return {
        "total": total,
        "active": int(act["active"].sum()),
        "new": int(act["new"].sum()),
        "returning": int(act["returning"].sum()),
        "signups": int(len(rows_between(customers, "signup_date", start, end))),
    }


def period_windows(start, end, periods: int = 4) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The window and the *periods* − 1 equal-length windows before it, oldest first.

    Examples
    --------
    >>> [(str(a.date()), str(b.date())) for a, b in period_windows("2025-10-01", "2025-12-31", 2)]
    [('2025-07-01', '2025-09-30'), ('2025-10-01', '2025-12-31')]
    """
    lo, hi = window_bounds(start, end)
    out = [(lo, hi - pd.Timedelta(days=1))]
    for _ in range(int(periods) - 1):
        out.append(previous_window(*out[-1], "period"))
    return out[::-1]


def customer_growth(customers: pd.DataFrame, orders: pd.DataFrame, start, end, kind: str = "period") -> pd.DataFrame:
    """Growth of total, active, new and returning customers and sign-ups.

    Formula: growth = current / previous − 1 against the previous window of
    equal length (``kind="period"``, whole months stay whole months, as
    :meth:`crmkit.store.data.CRMData.previous_window`) or the same window one year
    earlier (``kind="year"``); NaN when the previous count is 0.

    Returns
    -------
    DataFrame
        ``metric, current, previous, growth``.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": ["a", "b"], "signup_date": pd.to_datetime(["2024-12-01", "2025-01-09"])})
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2024-12-01", "2025-01-05", "2025-01-09"])})
    >>> g = customer_growth(cu, o, "2025-01-01", "2025-01-31").set_index("metric")
    >>> float(g.loc["active", "growth"]), float(g.loc["total", "growth"])
    (1.0, 1.0)
    """
    ps, pe = previous_window(start, end, kind)
    cur = customer_counts(customers, orders, start, end)
    prev = customer_counts(customers, orders, ps, pe)
    rows = [
        {"metric": k, "current": float(cur[k]), "previous": float(prev[k]), "growth": growth_rate(cur[k], prev[k])}
        for k in ("total", "active", "new", "returning", "signups")
    ]
    out = pd.DataFrame(rows)
    out.attrs["previous_start"], out.attrs["previous_end"] = ps, pe
    return out


_MONTHLY_SQL = """
WITH p AS ({purchases}),
f AS (SELECT customer_id, DATE_TRUNC('month', MIN(day)) AS first_month FROM p GROUP BY customer_id),
m AS (
    SELECT DISTINCT p.customer_id, DATE_TRUNC('month', p.day) AS month
    FROM p WHERE p.day >= CAST({lo} AS DATE)
)
SELECT m.month,
       COUNT(*) AS active,
       COUNT(*) FILTER (WHERE f.first_month = m.month) AS new,
       COUNT(*) FILTER (WHERE f.first_month < m.month) AS returning
FROM m JOIN f USING (customer_id)
GROUP BY m.month ORDER BY m.month
"""


def monthly_customers(orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Active, new and returning customers per calendar month (SQL).

    ``new`` in a month = first order ever in that month; ``returning`` =
    active in the month with an earlier first order.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2025-01-03", "2025-02-05", "2025-02-09"])})
    >>> monthly_customers(o, "2025-01-01", "2025-02-28")[["active", "new", "returning"]].values.tolist()
    [[1, 1, 0], [2, 1, 1]]
    """
    lo, hi = window_bounds(start, end)
    out = query(_MONTHLY_SQL.format(purchases=purchases_sql("orders", hi=hi), lo=_ts(lo)), orders=order_lines(orders))
    for c in ("active", "new", "returning"):
        out[c] = out[c].astype("int64")
    out["month"] = pd.to_datetime(out["month"])
    return out


# -- segmentation -----------------------------------------------------------------
def age_band(birth_year: pd.Series, at, bands: Sequence[tuple[str, int, int]] = AGE_BANDS) -> pd.Series:
    """Age band of each customer at date *at* (age = year of *at* − birth year).

    Missing or implausible birth years (age < 0 or > 120) give ``unknown``.

    Examples
    --------
    >>> age_band(pd.Series([2001, 1990, None, 1950], dtype="Int64"), "2025-12-31").tolist()
    ['<25', '35-44', 'unknown', '65+']
    """
    year = as_timestamp(at).year
    age = year - pd.to_numeric(pd.Series(birth_year), errors="coerce").astype("float64")
    out = pd.Series(UNKNOWN, index=age.index, dtype="str")
    for label, lo, hi in bands:
        out[(age >= lo) & (age <= hi) & (age <= 120)] = label
    return out


def _segment_values(customers: pd.DataFrame, by: str, end) -> pd.Series:
    if by == "age_band":
        col = customers["birth_year"] if "birth_year" in customers else pd.Series(np.nan, index=customers.index)
        return age_band(col, end)
    if by not in customers:
        return pd.Series(UNKNOWN, index=customers.index, dtype="str")
    return label(customers[by])


def segment_table(customers: pd.DataFrame, orders: pd.DataFrame, start, end, by: str,
                  *, activity: pd.DataFrame | None = None) -> pd.DataFrame:
    """Customers, active customers and revenue per segment of one attribute.

    Formulas: ``customer_share`` = customers in segment / all customers (sign-up
    on or before end); ``active_share`` = active customers in segment / all
    active customers; ``revenue_share`` = segment revenue in the window / total
    revenue in the window (net of returns); ``revenue_per_active`` = segment
    revenue / active customers in the segment.  Missing attribute values form
    the segment ``unknown``.

    Parameters
    ----------
    by : str
        A customers column (e.g. ``region``) or ``age_band`` (from ``birth_year``).
    activity : DataFrame, optional
        :func:`customer_activity` of the same window, to avoid recomputing it.

    Returns
    -------
    DataFrame
        ``segment, customers, customer_share, active_customers, active_share,
        new_customers, revenue, revenue_share, revenue_per_active``, largest
        segment first (``unknown`` last).

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": ["a", "b", "c"], "region": ["east", "east", None],
    ...                    "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> o = pd.DataFrame({"customer_id": ["a", "c"], "amount": [30.0, 10.0],
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-01-09"])})
    >>> t = segment_table(cu, o, "2025-01-01", "2025-01-31", "region")
    >>> t[["segment", "customers", "revenue_share"]].values.tolist()
    [['east', 2, 0.75], ['unknown', 1, 0.25]]
    """
    _, hi = window_bounds(start, end)
    cu = customers[pd.to_datetime(customers["signup_date"]) < hi]
    seg = pd.DataFrame({"customer_id": cu["customer_id"].astype("str").to_numpy(),
                        "segment": _segment_values(cu, by, end).to_numpy()})
    act = customer_activity(orders, start, end) if activity is None else activity
    act = act[act["active"] | (act["revenue"] != 0)]
    m = seg.merge(act[["customer_id", "active", "new", "revenue"]], on="customer_id", how="left")
    m["active"] = m["active"].astype("boolean").fillna(False).astype(bool)
    m["new"] = m["new"].astype("boolean").fillna(False).astype(bool)
    m["revenue"] = m["revenue"].fillna(0.0)
    g = m.groupby("segment")
    out = pd.DataFrame({
        "customers": g.size(), "active_customers": g["active"].sum(), "new_customers": g["new"].sum(),
        "revenue": g["revenue"].sum(),
    })
    for c in ("customers", "active_customers", "new_customers"):
        out[c] = out[c].astype("int64")
    n_c, n_a, rev = out["customers"].sum(), out["active_customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n_c if n_c else np.nan
    out["active_share"] = out["active_customers"] / n_a if n_a else np.nan
    out["revenue_share"] = out["revenue"] / rev if rev else np.nan
    out["revenue_per_active"] = out["revenue"] / out["active_customers"].where(out["active_customers"] > 0)
    out = out.rename_axis("segment").reset_index()
    out["_unknown"] = out["segment"] == UNKNOWN
    out = out.sort_values(["_unknown", "customers", "segment"], ascending=[True, False, True]).drop(columns="_unknown")
    return out.reset_index(drop=True)[
        ["segment", "customers", "customer_share", "active_customers", "active_share", "new_customers",
         "revenue", "revenue_share", "revenue_per_active"]
    ]


def segmentation(customers: pd.DataFrame, orders: pd.DataFrame, start, end,
                 dimensions: Iterable[str] = SEGMENT_DIMENSIONS) -> pd.DataFrame:
    """:func:`segment_table` for several attributes as one tidy frame.

    Attributes that are entirely missing for the company (every value
    ``unknown``) are left out.

    Returns
    -------
    DataFrame
        ``dimension`` followed by the columns of :func:`segment_table`.
    """
    act = customer_activity(orders, start, end)
    parts = []
    for dim in dimensions:
        t = segment_table(customers, orders, start, end, dim, activity=act)
        if len(t) and not (t["segment"] == UNKNOWN).all():
            parts.append(t.assign(dimension=dim))
    if not parts:
        return pd.DataFrame(columns=["dimension", "segment", "customers", "customer_share", "active_customers",
                                     "active_share", "new_customers", "revenue", "revenue_share", "revenue_per_active"])
    out = pd.concat(parts, ignore_index=True)
    return out[["dimension"] + [c for c in out.columns if c != "dimension"]]


def customer_types(customers: pd.DataFrame, orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Segment table by ``customer_type`` (individual, sme, enterprise)."""
    return segment_table(customers, orders, start, end, "customer_type")


def market_share(value: float, market_size: float, *, basis: str = "revenue", n: int = 0,
                 min_n: int = MIN_N) -> Estimate:
    """Market share = company value / market size, in [0, 1].

    *value* and *market_size* must be on the same *basis*: ``"revenue"`` (the
    company's sales and the market's sales over the same window, in the
    report currency; no interval, ``n`` = the customers behind the sales) or ``"customers"`` (the company's customers
    and the number of potential customers in the market; Wilson interval with
    n = market size).  NaN when no market size is given (``market_size <= 0``).

    Examples
    --------
    >>> market_share(250.0, 1000.0).value
    0.25
    >>> import math; math.isnan(market_share(10.0, 0).value)
    True
    """
    if basis not in ("revenue", "customers"):
        raise ValueError(f"basis must be 'revenue' or 'customers', not {basis!r}")
    if not market_size or market_size <= 0 or value is None or math.isnan(float(value)):
        return Estimate(float("nan"), n=0, min_n=min_n)
    share = float(value) / float(market_size)
    if share > 1:
        raise ValueError(
            f"the company's {basis} ({value:,.0f}) exceed the market size ({market_size:,.0f}); "
            "check the market_size parameter (it must cover the same window and basis)"
        )
    if basis == "customers":
        return proportion(int(round(value)), int(round(market_size)), min_n=min_n)
    return Estimate(share, n=int(n), min_n=min_n)


# -- readings of the customer-base tables -----------------------------------------------
GROWTH_MEASURES: tuple[str, ...] = ("total", "active", "new", "returning", "signups")


def growth_table(previous: pd.DataFrame, last_year: pd.DataFrame) -> pd.DataFrame:
    """The two :func:`customer_growth` frames side by side.

    Parameters
    ----------
    previous, last_year : DataFrame
        :func:`customer_growth` with ``kind="period"`` and ``kind="year"``
        (indexed by ``metric`` or not).

    Returns
    -------
    DataFrame
        ``metric, current, previous, growth, last_year, yoy`` for the
        measures of :data:`GROWTH_MEASURES`; ``attrs`` keep the bounds of both
        comparison windows (``previous_start, previous_end, year_start, year_end``).
    """
    p = previous.set_index("metric") if "metric" in previous else previous
    y = last_year.set_index("metric") if "metric" in last_year else last_year
    out = pd.DataFrame({"metric": list(GROWTH_MEASURES),
                        "current": p.loc[list(GROWTH_MEASURES), "current"].to_numpy(),
                        "previous": p.loc[list(GROWTH_MEASURES), "previous"].to_numpy(),
                        "growth": p.loc[list(GROWTH_MEASURES), "growth"].to_numpy(),
                        "last_year": y.loc[list(GROWTH_MEASURES), "previous"].to_numpy(),
                        "yoy": y.loc[list(GROWTH_MEASURES), "growth"].to_numpy()})
    out.attrs.update(previous_start=previous.attrs.get("previous_start"), previous_end=previous.attrs.get("previous_end"),
                     year_start=last_year.attrs.get("previous_start"), year_end=last_year.attrs.get("previous_end"))
    return out


def returning_share(counts: dict[str, int]) -> float:
    """Returning buyers / active customers of :func:`customer_counts` (NaN without active customers).

    Examples
    --------
    >>> returning_share({"active": 4, "returning": 3})
    0.75
    """
    return counts["returning"] / counts["active"] if counts["active"] else float("nan")


def monthly_summary(monthly: pd.DataFrame, start) -> dict:
    """Busiest month and the monthly means inside the window, from :func:`monthly_customers`.

    Returns
    -------
    dict
        ``months`` (months shown), ``peak_month`` and ``peak_active`` (the
        month with most active customers, the first one on ties),
        ``mean_active`` and ``mean_new`` (means over the months from *start*
        on; NaN when there are none).

    Examples
    --------
    >>> m = pd.DataFrame({"month": pd.to_datetime(["2025-09-01", "2025-10-01", "2025-11-01"]),
    ...                   "active": [9, 4, 6], "new": [1, 2, 3]})
    >>> s = monthly_summary(m, "2025-10-01")
    >>> s["peak_month"].month, s["peak_active"], s["mean_active"], s["mean_new"]
    (9, 9, 5.0, 2.5)
    """
    peak = monthly.loc[monthly["active"].idxmax()]
    inside = monthly[monthly["month"] >= pd.Timestamp(start)]
    return {"months": int(len(monthly)), "peak_month": pd.Timestamp(peak["month"]), "peak_active": int(peak["active"]),
            "mean_active": float(inside["active"].mean()), "mean_new": float(inside["new"].mean())}


def top_revenue_segment(table: pd.DataFrame) -> pd.Series:
    """The segment of a :func:`segment_table` with the largest share of revenue (the first listed on ties)."""
    return table.sort_values("revenue_share", ascending=False).iloc[0]


def segment_highlights(segments: pd.DataFrame) -> dict:
    """Largest segment of every attribute and the segments most over- and under-represented in revenue.

    Formula: ``gap`` = revenue share − customer share of each known segment
    (``unknown`` left out) of :func:`segmentation`; ``over`` has the largest
    gap, ``under`` the smallest.

    Returns
    -------
    dict
        ``largest`` (DataFrame: one row per attribute, attributes ordered by
        the size of their largest segment), ``over`` and ``under`` (rows).

    Examples
    --------
    >>> s = pd.DataFrame({"dimension": ["region"] * 3, "segment": ["east", "west", "unknown"],
    ...                   "customers": [6, 3, 1], "customer_share": [0.6, 0.3, 0.1], "revenue_share": [0.5, 0.3, 0.2]})
    >>> h = segment_highlights(s)
    >>> h["largest"]["segment"].tolist(), h["over"]["segment"], h["under"]["segment"]
    (['east'], 'west', 'east')
    """
    known = segments[segments["segment"] != UNKNOWN].copy()
    known["gap"] = known["revenue_share"] - known["customer_share"]
    return {"largest": known.sort_values("customers", ascending=False).groupby("dimension").head(1),
            "over": known.loc[known["gap"].idxmax()], "under": known.loc[known["gap"].idxmin()]}


def window_sales(orders, start, end) -> float:
    """Σ amount of every order in ``[start, end]``, returns included (SQL; a store table stays in the store).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [10.0, -4.0, 7.0], "is_return": [False, True, False],
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-01-09", "2025-02-01"])})
    >>> window_sales(o, "2025-01-01", "2025-01-31")
    6.0
    """
    lo, hi = window_bounds(start, end)
    got = query(f"SELECT coalesce(SUM(amount), 0) AS s FROM o WHERE order_date >= {_ts(lo)} AND order_date < {_ts(hi)}",
                o=order_lines(orders))
    return float(got["s"].iloc[0])


def by_construction(counts: dict[str, int]) -> dict[str, str]:
    """Headline metrics that the window makes true by definition, with the reason (saved, not scored).

    When every customer on file is new in the window (a company whose data
    start in it), each of them bought in it, so the active share is 100 %
    whatever the company does.

    Examples
    --------
    >>> by_construction({"total": 40, "active": 40, "new": 40, "returning": 0})
    {'active_customer_share': 'every customer on file is new in this period, so every one is active'}
    >>> by_construction({"total": 40, "active": 30, "new": 10, "returning": 20})
    {}
    """
    if counts["total"] > 0 and counts["new"] == counts["total"]:
        return {"active_customer_share": "every customer on file is new in this period, so every one is active"}
    return {}


def headline_metrics(counts: dict[str, int], active_share: Estimate, growth: pd.DataFrame) -> tuple[dict, dict]:
    """The customer-base headline metrics by registry name, and the n behind each growth rate.

    Parameters
    ----------
    counts : dict
        :func:`customer_counts` of the window.
    active_share : Estimate
        Active / total customers.
    growth : DataFrame
        :func:`growth_table` (``metric`` column or index); a growth rate's n
        is the count it is compared with.

    Returns
    -------
    (dict, dict)
        ``{name: value}`` and ``{name: n}``, as ``MetricSet.add_all(values, n=n)`` takes them.
    """
    g = growth.set_index("metric") if "metric" in growth else growth
    values = {"total_customers": counts["total"], "active_customers": counts["active"], "new_customers": counts["new"],
              "returning_customers": counts["returning"], "active_customer_share": active_share,
              "active_customer_growth": g.loc["active", "growth"], "new_customer_growth": g.loc["new", "growth"],
              "active_customer_growth_yoy": g.loc["active", "yoy"]}
    n = {"active_customer_growth": int(g.loc["active", "previous"]), "new_customer_growth": int(g.loc["new", "previous"]),
         "active_customer_growth_yoy": int(g.loc["active", "last_year"])}
    return values, n


# -- subscribers (contractual businesses) -------------------------------------------------
def subscription_status(customers: pd.DataFrame, churn_events: pd.DataFrame | None, at, *,
                        orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each customer's subscription at the end of day *at*: the one subscriber rule of contractual businesses.

    A customer is a *subscriber* at *at* when

    * their relationship had started by then: ``start`` = the sign-up date, or
      the first purchase when that is earlier (or the customer has no
      ``customers`` row), on or before *at*; and
    * they were not cancelled by then: their latest ``churned_at`` on or
      before *at* is not followed by a purchase on a later day up to *at*
      (a purchase after cancelling wins the customer back, as in
      :func:`crmkit.indicators.churn.churn_panel`).

    Parameters
    ----------
    customers : DataFrame
        ``customer_id, signup_date``.
    churn_events : DataFrame or None
        Canonical ``churn_events`` (``customer_id, churned_at``).
    at : date-like
        The day (inclusive).
    orders : DataFrame or StoreTable, optional
        Non-return purchases start relationships and win customers back.

    Returns
    -------
    DataFrame
        One row per customer whose relationship started by *at*:
        ``customer_id, start`` (day), ``last_order`` (day of the last purchase
        up to *at*, NaT without one), ``cancelled_at`` (day of the cancellation
        in force at *at*, NaT if none) and ``subscribed`` (bool).

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": ["a", "b", "c"], "signup_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2025-02-01"])})
    >>> ev = pd.DataFrame({"customer_id": ["a"], "churned_at": pd.to_datetime(["2024-12-15"])})
    >>> subscription_status(cu, ev, "2024-12-31")[["customer_id", "subscribed"]].values.tolist()
    [['a', False], ['b', True]]
    """
    _, hi = window_bounds(at, at)
    cu = customers[["customer_id", "signup_date"]]
    base = pd.DataFrame({"customer_id": cu["customer_id"].astype("str").to_numpy(),
                         "start": pd.to_datetime(cu["signup_date"]).dt.normalize().to_numpy()})
    if orders is not None:
        act = customer_activity(orders, at, at)
        buys = pd.DataFrame({"customer_id": act["customer_id"].astype("str"),
                             "first_order": pd.to_datetime(act["first_order"]).dt.normalize(),
                             "last_order": pd.to_datetime(act["last_order"]).dt.normalize()})
        base = base.merge(buys, on="customer_id", how="outer")
        base["start"] = base[["start", "first_order"]].min(axis=1)
        base = base.drop(columns="first_order")
    else:
        base["last_order"] = pd.NaT
    base = base[base["start"] < hi].copy()
    latest = pd.DataFrame({"customer_id": pd.Series(dtype="str"), "cancelled_at": pd.Series(dtype="datetime64[ns]")})
    if churn_events is not None and len(churn_events):
        when = pd.to_datetime(churn_events["churned_at"])
        ev = pd.DataFrame({"customer_id": churn_events["customer_id"].astype("str").to_numpy(),
                           "cancelled_at": when.dt.normalize().to_numpy()})[(when < hi).to_numpy()]
        latest = ev.groupby("customer_id", as_index=False)["cancelled_at"].max()
    base = base.merge(latest, on="customer_id", how="left")
    won_back = base["last_order"].notna() & base["cancelled_at"].notna() & (base["last_order"] > base["cancelled_at"])
    base.loc[won_back, "cancelled_at"] = pd.NaT
    base["subscribed"] = base["cancelled_at"].isna()
    return base.sort_values("customer_id").reset_index(drop=True)[
        ["customer_id", "start", "last_order", "cancelled_at", "subscribed"]]


def subscriber_counts(customers: pd.DataFrame, churn_events: pd.DataFrame | None, start, end, *,
                      orders: pd.DataFrame | None = None) -> dict[str, int]:
    """Subscribers at the start and end of a window and the flows between them (contractual businesses).

    With ``S0`` = subscribers at the start (end of the day before *start*)
    and ``S1`` = subscribers at the end of *end* (:func:`subscription_status`):

    * ``new``: relationships that started in the window (sign-ups);
    * ``won_back``: customers who had started before the window, were not
      subscribers at its start and are at its end;
    * ``gross_adds`` = new + won back;
    * ``cancellations``: customers of S0 or added in the window who are not
      subscribers at the end (so a sign-up cancelled inside the window counts
      as an add and a cancellation);
    * ``net_adds`` = S1 − S0 = gross adds − cancellations.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abcd"),
    ...                    "signup_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2025-01-10", "2025-02-01"])})
    >>> ev = pd.DataFrame({"customer_id": ["a", "d"], "churned_at": pd.to_datetime(["2025-01-20", "2025-03-01"])})
    >>> subscriber_counts(cu, ev, "2025-01-01", "2025-03-31")
    {'start': 2, 'end': 2, 'new': 2, 'won_back': 0, 'gross_adds': 2, 'cancellations': 2, 'net_adds': 0}
    """
    lo, _ = window_bounds(start, end)
    s0 = subscription_status(customers, churn_events, lo - pd.Timedelta(days=1), orders=orders)
    s1 = subscription_status(customers, churn_events, end, orders=orders)
    sub0, sub1 = set(s0.loc[s0["subscribed"], "customer_id"]), set(s1.loc[s1["subscribed"], "customer_id"])
    new = set(s1.loc[s1["start"] >= lo, "customer_id"])
    won_back = (sub1 & set(s1.loc[s1["start"] < lo, "customer_id"])) - sub0
    adds = new | won_back
    cancelled = (sub0 | adds) - sub1
    return {"start": len(sub0), "end": len(sub1), "new": len(new), "won_back": len(won_back), "gross_adds": len(adds),
            "cancellations": len(cancelled), "net_adds": len(sub1) - len(sub0)}


def subscriber_metrics(counts: dict[str, int]) -> dict[str, int]:
    """The subscriber headline metrics of :func:`subscriber_counts` by registry name."""
    return {"subscribers_start": counts["start"], "subscribers_end": counts["end"], "gross_adds": counts["gross_adds"],
            "cancellations": counts["cancellations"], "net_adds": counts["net_adds"]}
