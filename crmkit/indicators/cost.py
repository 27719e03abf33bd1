"""Maintenance cost (维护成本): cost to serve, CRM cost ratio, churn cost.

Indicator definitions follow docs/indicators.md, section "Maintenance cost".  Costs
come from the canonical ``costs`` table (one row per period, category and
optionally channel) and belong to a window by ``period_start``.  Active
customers are those with a purchase (:func:`crmkit.indicators.frames.purchases_sql`).
Churn cost is :func:`crmkit.indicators.churn.churn_cost` (the one definition
of churn and of its cost); its ratio (:func:`churn_cost_ratio`) puts the same
twelve months on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.estimate import Estimate
from crmkit.store.sql import query
from crmkit.contract.tables import COST_CATEGORIES
from crmkit.indicators.frames import order_lines, purchases_sql, ratio
from crmkit.indicators.loyalty import active_customers as _active_ids
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
    "retention_vs_acquisition",
    "monthly_trend",
    "headline",
    "recent_trend",
    "churn_cost_ratio",
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
    """Customers with a purchase in the window (:func:`crmkit.indicators.loyalty.active_customers`)."""
    return len(_active_ids(orders, start, end))


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
      customers (a purchase in the window, signed up before it);
    * acquisition: CAC from :func:`crmkit.indicators.value.cac` (acquisition cost / new
      customers).

    Returns
    -------
    DataFrame
        ``kind (retention | acquisition), cost, customers, cost_per_customer``.
    """
    lo, _ = window_bounds(start, end)
    active = _active_ids(orders, start, end)
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
        ``revenue``, ``active_customers`` (customers with a purchase in the
        month), ``crm_cost_ratio`` (CRM categories
        / revenue) and ``cost_to_serve``.
    """
    c = _costs(costs, start, end)
    c = c.assign(month=c["period_start"].dt.to_period("M").dt.to_timestamp(), category=c["category"].astype("str"))
    wide = c.pivot_table(index="month", columns="category", values="amount", aggfunc="sum", fill_value=0.0)
    wide.columns = [str(x) for x in wide.columns]
    lo, hi = window_bounds(start, end)
    o = rows_between(orders, "order_date", start, end)
    rev = o.groupby(o["order_date"].dt.to_period("M").dt.to_timestamp())["amount"].sum()
    act = query(f"SELECT CAST(date_trunc('month', day) AS TIMESTAMP) AS month, count(DISTINCT customer_id) AS n "
                f"FROM ({purchases_sql('o', lo, hi)}) GROUP BY 1", o=order_lines(orders))
    act = pd.Series(act["n"].to_numpy(), index=pd.DatetimeIndex(act["month"]).astype("datetime64[ns]"))
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


def churn_cost_ratio(panel: pd.DataFrame, orders, end, *, days: int = 365) -> dict:
    """Churn cost and the churn cost ratio, both sides over the same trailing *days* (default 12 months).

    Formula (docs/indicators.md, Maintenance cost)::

        churn cost ratio = Σ_churned revenue in the `days` up to their churn date
                           / Σ_all customers revenue in the `days` up to the window end

    The numerator is :func:`crmkit.indicators.churn.churn_cost` (the
    trailing revenue lost with the customers of *panel* who churned in the
    window), the denominator the trailing revenue of all customers at *end*
    (:func:`crmkit.indicators.churn.trailing_revenue`), both net of
    returns: the share of a year's revenue that left with the churned
    customers.  A quarter's revenue in the denominator would overstate it
    about fourfold.

    Returns
    -------
    dict
        The keys of :func:`~crmkit.indicators.churn.churn_cost` (``cost``,
        ``customers``, ``mean``) plus ``revenue`` (the denominator), ``days``
        and ``share`` (NaN when that revenue is not positive).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [100.0, 50.0, 250.0],
    ...                   "order_date": pd.to_datetime(["2025-01-10", "2025-06-01", "2025-11-20"])})
    >>> p = pd.DataFrame({"customer_id": ["a"], "churned": [True], "churn_date": pd.to_datetime(["2025-10-15"])})
    >>> r = churn_cost_ratio(p, o, "2025-12-31")
    >>> r["cost"], r["revenue"], r["share"]
    (150.0, 400.0, 0.375)
    """
    from crmkit.indicators.churn import churn_cost, trailing_revenue

    cc = churn_cost(panel, orders, days=days)
    base = float(trailing_revenue(orders, end, days=days).sum())
    return {**cc, "revenue": base, "days": int(days), "share": cc["cost"] / base if base > 0 else float("nan")}


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
