"""Maintenance cost (维护成本): cost to serve, CRM cost ratio, churn cost.

Indicator definitions follow docs/indicators.md, section "Maintenance cost".  Costs
come from the canonical ``costs`` table (one row per period, category and
optionally channel) and belong to a window by ``period_start``.  Churn cost
aggregates orders per churned customer in SQL (DuckDB).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmkit.estimate import Estimate
from crmkit.store.sql import query
from crmkit.contract.tables import COST_CATEGORIES
from crmkit.indicators.frames import flag, ratio, with_columns
from crmkit.indicators.value import cac, new_customers
from crmkit.store.data import window_bounds, rows_between

__all__ = [
    "SERVE_CATEGORIES",
    "CRM_CATEGORIES",
    "RETENTION_CATEGORIES",
    "cost_by_category",
    "active_customers",
    "cost_to_serve",
    "crm_cost_ratio",
    "default_inactivity_days",
    "churned_customers",
    "churn_cost",
    "retention_vs_acquisition",
    "monthly_trend",
    "headline",
    "recent_trend",
    "churn_cost_share",
    "lost_per_month",
    "acquisition_to_retention",
]

#: Categories of the cost to serve (docs/indicators.md).
SERVE_CATEGORIES = ("service", "loyalty_rewards", "crm_tools", "complaint_handling")
#: CRM-related categories of the CRM cost ratio: every relationship cost except "other".
CRM_CATEGORIES = tuple(c for c in COST_CATEGORIES if c != "other")
#: Spending on keeping existing customers (retention side of retention vs acquisition).
RETENTION_CATEGORIES = ("service", "marketing", "loyalty_rewards", "complaint_handling")


def _costs(costs: pd.DataFrame, start, end) -> pd.DataFrame:
    return rows_between(costs, "period_start", start, end)


def cost_by_category(costs: pd.DataFrame, start, end) -> pd.DataFrame:
    """Cost per category in the window and its share of the total.

    Returns
    -------
    DataFrame
        ``category, amount, share`` sorted by amount.

    Examples
    --------
    >>> c = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"] * 2), "category": ["service", "crm_tools"],
    ...                   "amount": [300.0, 100.0]})
    >>> cost_by_category(c, "2025-01-01", "2025-01-31").values.tolist()
    [['service', 300.0, 0.75], ['crm_tools', 100.0, 0.25]]
    """
    c = _costs(costs, start, end)
    g = c.groupby(c["category"].astype("str"))["amount"].sum().rename("amount")
    total = g.sum()
    out = g.rename_axis("category").reset_index()
    out["share"] = out["amount"] / total if total else np.nan
    return out.sort_values("amount", ascending=False, kind="stable").reset_index(drop=True)


def active_customers(orders: pd.DataFrame, start, end) -> int:
    """Distinct customers with at least one non-return order in the window."""
    o = with_columns(rows_between(orders, "order_date", start, end), {"is_return": "boolean"})
    return int(o.loc[~flag(o["is_return"]), "customer_id"].nunique())


def _sum(costs: pd.DataFrame, start, end, categories) -> float:
    c = _costs(costs, start, end)
    return float(c.loc[c["category"].isin(list(categories)), "amount"].sum())


def cost_to_serve(costs: pd.DataFrame, orders: pd.DataFrame, start, end,
                  categories=SERVE_CATEGORIES) -> Estimate:
    """Cost to serve per active customer (↓).

    Formula (docs/indicators.md): (service + loyalty_rewards + crm_tools +
    complaint_handling cost) / active customers, both in the window.  ``n`` =
    active customers.

    Examples
    --------
    >>> c = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"] * 3),
    ...                   "category": ["service", "crm_tools", "marketing"], "amount": [300.0, 100.0, 999.0]})
    >>> o = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2025-01-02"] * 2), "amount": [1.0, 2.0]})
    >>> cost_to_serve(c, o, "2025-01-01", "2025-01-31").value
    200.0
    """
    n = active_customers(orders, start, end)
    return Estimate(_sum(costs, start, end, categories) / n if n else float("nan"), n=n)


def crm_cost_ratio(costs: pd.DataFrame, orders: pd.DataFrame, start, end, categories=CRM_CATEGORIES) -> float:
    """CRM cost ratio (↓) = CRM-related cost / revenue in the window.

    CRM-related cost is every category except ``other`` by default; revenue
    is Σ ``orders.amount`` (net of returns).  NaN when revenue ≤ 0.

    Examples
    --------
    >>> c = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"]), "category": ["service"], "amount": [50.0]})
    >>> o = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2025-01-02"]), "amount": [1000.0]})
    >>> crm_cost_ratio(c, o, "2025-01-01", "2025-01-31")
    0.05
    """
    revenue = float(rows_between(orders, "order_date", start, end)["amount"].sum())
    return _sum(costs, start, end, categories) / revenue if revenue > 0 else float("nan")


def default_inactivity_days(orders: pd.DataFrame, end, q: float = 0.9) -> float:
    """Inactivity threshold for inferred churn: the *q* quantile of inter-purchase days (docs/indicators.md, Churn).

    Inter-purchase times are the gaps between consecutive non-return orders
    of the same customer up to *end* (SQL ``LAG``).  NaN when nobody bought twice.
    """
    _, hi = window_bounds(end, end)
    o = with_columns(orders[orders["order_date"] < hi], {"is_return": "boolean"})
    o = pd.DataFrame({"customer_id": o["customer_id"].astype("str"), "order_date": o["order_date"],
                      "is_ret": flag(o["is_return"])})
    gaps = query(
        """
        SELECT order_date - LAG(order_date) OVER (PARTITION BY customer_id ORDER BY order_date) AS gap
        FROM o WHERE NOT is_ret
        """,
        o=o,
    )["gap"].dropna()
    if gaps.empty:
        return float("nan")
    return float(np.ceil((gaps / pd.Timedelta(days=1)).quantile(q)))


def churned_customers(
    orders: pd.DataFrame,
    start,
    end,
    *,
    churn_events: pd.DataFrame | None = None,
    inactivity_days: float | None = None,
) -> pd.DataFrame:
    """Customers who churned in the window, with the churn date.

    Explicit churn (``churn_events`` with rows in the window) is used when
    supplied; otherwise churn is inferred: a customer churns on
    ``last order + inactivity_days`` when that date falls in the window
    (docs/indicators.md, Churn).  *inactivity_days* defaults to
    :func:`default_inactivity_days`.

    Returns
    -------
    DataFrame
        ``customer_id, churned_at, source`` (explicit | inferred).
    """
    if churn_events is not None and len(churn_events):
        ev = rows_between(churn_events, "churned_at", start, end)
        ev = ev.sort_values("churned_at").drop_duplicates("customer_id", keep="last")
        return pd.DataFrame({"customer_id": ev["customer_id"].astype("str").to_numpy(),
                             "churned_at": ev["churned_at"].to_numpy(), "source": "explicit"})
    lo, hi = window_bounds(start, end)
    days = default_inactivity_days(orders, end) if inactivity_days is None else float(inactivity_days)
    if math.isnan(days):
        return pd.DataFrame({"customer_id": pd.Series(dtype="str"), "churned_at": pd.Series(dtype="datetime64[ns]"),
                             "source": pd.Series(dtype="str")})
    o = with_columns(orders[orders["order_date"] < hi], {"is_return": "boolean"})
    last = o.loc[~flag(o["is_return"])].groupby(o["customer_id"].astype("str"))["order_date"].max()
    churn_at = last.dt.normalize() + pd.Timedelta(days=days)
    sel = churn_at[(churn_at >= lo) & (churn_at < hi)]
    return pd.DataFrame({"customer_id": sel.index.to_numpy(), "churned_at": sel.to_numpy(), "source": "inferred"})


_CHURN_COST_SQL = """
SELECT c.customer_id,
       c.churned_at,
       COALESCE(SUM(o.amount), 0) AS lost_revenue,
       COUNT(o.amount) AS orders
FROM churned c
LEFT JOIN o ON o.customer_id = c.customer_id
           AND o.order_date <= c.churned_at
           AND o.order_date > c.lookback_start
GROUP BY c.customer_id, c.churned_at
ORDER BY c.customer_id
"""


def churn_cost(orders: pd.DataFrame, churned: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Revenue lost with churned customers: their trailing *months* revenue before churn.

    Formula (docs/indicators.md, Churn cost): for each churned customer, Σ amount
    of orders in ``(churned_at − months, churned_at]``; the churn cost is the
    sum over churned customers.  Runs as a SQL join in DuckDB.

    Returns
    -------
    DataFrame
        ``customer_id, churned_at, lost_revenue, orders``.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_date": pd.to_datetime(["2024-01-05", "2024-11-01", "2024-12-01"]),
    ...                   "amount": [70.0, 100.0, 40.0]})
    >>> ch = pd.DataFrame({"customer_id": ["a"], "churned_at": pd.to_datetime(["2025-03-01"])})
    >>> float(churn_cost(o, ch)["lost_revenue"].sum())
    100.0
    """
    c = pd.DataFrame({"customer_id": churned["customer_id"].astype("str"), "churned_at": churned["churned_at"]})
    c["lookback_start"] = c["churned_at"] - pd.DateOffset(months=months)
    o = pd.DataFrame({"customer_id": orders["customer_id"].astype("str"), "order_date": orders["order_date"],
                      "amount": orders["amount"].astype("float64")})
    out = query(_CHURN_COST_SQL, churned=c, o=o)
    out["orders"] = out["orders"].astype("int64")
    return out


def retention_vs_acquisition(
    costs: pd.DataFrame,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    start,
    end,
    *,
    campaigns: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Retention cost per retained customer vs acquisition cost per new customer.

    * retention: Σ cost of :data:`RETENTION_CATEGORIES` / existing active
      customers (an order in the window, signed up before it);
    * acquisition: CAC from :func:`crmkit.indicators.value.cac` (acquisition cost / new
      customers).

    Returns
    -------
    DataFrame
        ``kind (retention | acquisition), cost, customers, cost_per_customer``.
    """
    lo, _ = window_bounds(start, end)
    o = with_columns(rows_between(orders, "order_date", start, end), {"is_return": "boolean"})
    active = set(o.loc[~flag(o["is_return"]), "customer_id"].astype("str"))
    old = set(customers.loc[customers["signup_date"] < lo, "customer_id"].astype("str"))
    existing = len(active & old)
    ret_cost = _sum(costs, start, end, RETENTION_CATEGORIES)
    acq = cac(customers, costs, campaigns, start, end)
    n_new = len(new_customers(customers, start, end))
    rows = [
        {"kind": "retention", "cost": ret_cost, "customers": existing, "cost_per_customer": ratio(ret_cost, existing)},
        {"kind": "acquisition", "cost": acq.value * n_new if n_new else float("nan"), "customers": n_new,
         "cost_per_customer": acq.value},
    ]
    return pd.DataFrame(rows)


def monthly_trend(costs: pd.DataFrame, orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Monthly cost per category, revenue, CRM cost ratio and cost to serve.

    Returns
    -------
    DataFrame
        ``month``, one column per cost category present, ``total``,
        ``revenue``, ``active_customers``, ``crm_cost_ratio`` (CRM categories
        / revenue) and ``cost_to_serve``.
    """
    c = _costs(costs, start, end)
    c = c.assign(month=c["period_start"].dt.to_period("M").dt.to_timestamp(), category=c["category"].astype("str"))
    wide = c.pivot_table(index="month", columns="category", values="amount", aggfunc="sum", fill_value=0.0)
    wide.columns = [str(x) for x in wide.columns]
    o = with_columns(rows_between(orders, "order_date", start, end), {"is_return": "boolean"})
    o = o.assign(month=o["order_date"].dt.to_period("M").dt.to_timestamp())
    rev = o.groupby("month")["amount"].sum()
    act = o[~flag(o["is_return"])].groupby("month")["customer_id"].nunique()
    months = wide.index.union(rev.index)
    out = wide.reindex(months, fill_value=0.0)
    cats = list(wide.columns)
    out["total"] = out[cats].sum(axis=1) if cats else 0.0
    out["revenue"] = rev.reindex(months).fillna(0.0)
    out["active_customers"] = act.reindex(months).fillna(0).astype("int64")
    crm = out[[k for k in cats if k in CRM_CATEGORIES]].sum(axis=1) if cats else 0.0
    serve = out[[k for k in cats if k in SERVE_CATEGORIES]].sum(axis=1) if cats else 0.0
    out["crm_cost_ratio"] = (crm / out["revenue"].where(out["revenue"] > 0))
    out["cost_to_serve"] = serve / out["active_customers"].where(out["active_customers"] > 0)
    return out.rename_axis("month").reset_index()


# -- figures of the cost report ----------------------------------------------------------------------


def headline(costs: pd.DataFrame, orders, start, end) -> dict:
    """The headline cost figures of the window.

    Keys: ``by_category`` (:func:`cost_by_category`), ``total`` (its sum),
    ``cost_to_serve`` (:func:`cost_to_serve`, an Estimate whose ``n`` is the
    active customers) and ``crm_cost_ratio`` (:func:`crm_cost_ratio`).
    """
    by_category = cost_by_category(costs, start, end)
    return {
        "by_category": by_category,
        "total": float(by_category["amount"].sum()),
        "cost_to_serve": cost_to_serve(costs, orders, start, end),
        "crm_cost_ratio": crm_cost_ratio(costs, orders, start, end),
    }


def recent_trend(costs: pd.DataFrame, orders, end, *, months: int = 12) -> pd.DataFrame:
    """:func:`monthly_trend` over the *months* calendar months ending on *end* (inclusive)."""
    end = pd.Timestamp(end)
    return monthly_trend(costs, orders, end - pd.DateOffset(months=months) + pd.Timedelta(days=1), end)


def churn_cost_share(lost_revenue: float, revenue: float) -> float:
    """Revenue lost with churned customers relative to the window's revenue; NaN without revenue.

    Examples
    --------
    >>> churn_cost_share(2500.0, 10000.0)
    0.25
    """
    return float(lost_revenue) / float(revenue) if revenue > 0 else float("nan")


def lost_per_month(panel: pd.DataFrame) -> pd.Series:
    """Churned customers of a churn panel per calendar month of ``churn_date`` (index: first day of month)."""
    lost = panel.loc[panel["churned"].astype(bool)]
    month = pd.to_datetime(lost["churn_date"]).dt.to_period("M").dt.to_timestamp()
    return lost.groupby(month).size()


def acquisition_to_retention(rva: pd.DataFrame) -> dict:
    """Cost per retained and per new customer from :func:`retention_vs_acquisition`, and their ratio.

    Keys: ``retention`` and ``acquisition`` (cost per customer),
    ``retained_customers`` and ``times`` = acquisition / retention (NaN when
    either is unknown or retention costs nothing).

    Examples
    --------
    >>> r = pd.DataFrame({"kind": ["retention", "acquisition"], "cost": [100.0, 300.0], "customers": [10, 5],
    ...                   "cost_per_customer": [10.0, 60.0]})
    >>> acquisition_to_retention(r)["times"]
    6.0
    """
    by = rva.set_index("kind")
    keep, win = float(by.loc["retention", "cost_per_customer"]), float(by.loc["acquisition", "cost_per_customer"])
    times = win / keep if keep and keep == keep and win == win else float("nan")
    return {"retention": keep, "acquisition": win, "times": times, "retained_customers": int(by.loc["retention", "customers"])}
