"""Customer loyalty (客户忠诚度): repeat purchase, retention, cohorts, engagement, referrals, programme.

Indicator definitions follow docs/indicators.md, section "Loyalty".  Functions
take canonical frames (``orders``, ``customers``, ``interactions``,
``loyalty_ledger``) and a window ``[start, end]`` (``end`` inclusive, in
days).  Transaction-level aggregation (per-customer counts, purchase gaps,
cohort matrices) runs as SQL in DuckDB (:func:`crmkit.store.sql.query`).

A **purchase** is a customer's distinct calendar day with at least one
non-return order (:func:`crmkit.indicators.frames.purchases_sql`, the one
definition): two orders on the same day are one purchase and a day with only
returns is none.  Repeat purchases, purchase frequency and the days between
purchases count purchases; a customer is *active* in a window when they made
a purchase in it.

Retention depends on the business model
(:mod:`crmkit.indicators.business_model`): in a non-contractual business a
customer is retained when they buy again; in a contractual one when they are
still a subscriber (signed up and not cancelled,
:func:`crmkit.indicators.customer_base.subscription_status`), so retention
and cohort retention come from the cancellations (``churn_events``) and
period retention is 1 − the churn rate of
:func:`crmkit.indicators.churn.churn_panel`.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.indicators.business_model import BusinessModel, resolve_business_model
from crmkit.indicators.customer_base import customer_activity, subscription_status
from crmkit.indicators.frames import order_lines, previous_window, purchases_sql
from crmkit.sqltext import timestamp_literal as _ts
from crmkit.store.data import window_bounds, rows_between
from crmkit.estimate import MIN_N, Estimate, mean, proportion
from crmkit.store.sql import query

__all__ = [
    "repeat_purchase_rate",
    "purchase_frequency",
    "inter_purchase_days",
    "inter_purchase_time",
    "active_customers",
    "period_retention",
    "customer_retention_rate",
    "retention_trend",
    "cohort_counts",
    "cohort_retention",
    "engagement",
    "referral_rate",
    "referral_comparison",
    "is_member",
    "redemption_rate",
    "programme_comparison",
    "diff_proportions",
    "diff_means",
    "weighted_cohort_retention",
    "inter_purchase_quantile",
    "records_referrals",
    "has_programme",
    "excludes_zero",
    "programme_table",
    "loyalty_headline",
    "is_contractual",
    "subscribers_at",
    "retention_sets",
    "subscription_cohorts",
    "retention_cohorts",
]


# -- interval helpers -----------------------------------------------------------------
def diff_proportions(k1: int, n1: int, k2: int, n2: int, *, min_n: int = MIN_N) -> Estimate:
    """Difference of two proportions p1 − p2 with Newcombe's hybrid score interval.

    Newcombe, R. G. (1998), "Interval estimation for the difference between
    independent proportions", *Statistics in Medicine* 17, method 10: with
    Wilson intervals (l_i, u_i) of each proportion,
    ``low = d − √((p1 − l1)² + (u2 − p2)²)``, ``high = d + √((u1 − p1)² + (p2 − l2)²)``.
    ``se`` is the unpooled Wald standard error; ``n = min(n1, n2)`` (the
    smaller group decides whether the comparison is reliable).

    Examples
    --------
    >>> e = diff_proportions(56, 70, 48, 80)
    >>> round(e.value, 3), round(e.ci_low, 4), round(e.ci_high, 4)
    (0.2, 0.0524, 0.3339)
    """
    if n1 <= 0 or n2 <= 0:
        return Estimate(float("nan"), n=0, min_n=min_n)
    a, b = proportion(k1, n1), proportion(k2, n2)
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.ci_low) ** 2 + (b.ci_high - b.value) ** 2)
    high = d + math.sqrt((a.ci_high - a.value) ** 2 + (b.value - b.ci_low) ** 2)
    se = math.sqrt(a.se**2 + b.se**2)
    return Estimate(d, se, low, high, min(int(n1), int(n2)), min_n)


def diff_means(x1: Iterable[float], x2: Iterable[float], *, min_n: int = MIN_N) -> Estimate:
    """Difference of two means x̄1 − x̄2 with Welch's t interval.

    ``se = √(s1²/n1 + s2²/n2)``, degrees of freedom by Welch–Satterthwaite;
    ``n = min(n1, n2)``.

    Examples
    --------
    >>> e = diff_means([1, 2, 3, 4], [1, 1, 1, 2])
    >>> e.value, round(e.se, 4)
    (1.25, 0.6922)
    """
    a = pd.to_numeric(pd.Series(x1, dtype="float64"), errors="coerce").dropna().to_numpy()
    b = pd.to_numeric(pd.Series(x2, dtype="float64"), errors="coerce").dropna().to_numpy()
    if a.size < 2 or b.size < 2:
        return Estimate(float("nan"), n=int(min(a.size, b.size)), min_n=min_n)
    v1, v2 = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    d = float(a.mean() - b.mean())
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Estimate(d, 0.0, d, d, int(min(a.size, b.size)), min_n)
    df = (v1 + v2) ** 2 / (v1**2 / (a.size - 1) + v2**2 / (b.size - 1))
    t = float(stats.t.ppf(0.975, df))
    return Estimate(d, se, d - t * se, d + t * se, int(min(a.size, b.size)), min_n)


# -- repeat purchase and frequency ----------------------------------------------------------
def repeat_purchase_rate(orders: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """Repeat purchase rate in a window.

    Formula (docs/indicators.md, Loyalty): customers with ≥ 2 purchases
    (distinct days with a non-return order, :func:`crmkit.indicators.frames.purchases_sql`)
    in the window / customers with ≥ 1; Wilson interval, n = active customers.
    Two orders on the same day are one purchase.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "amount": [1.0, 2.0, 3.0, 1.0, 4.0],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-01-09", "2025-01-05", "2025-01-05", "2025-01-07"])})
    >>> e = repeat_purchase_rate(o, "2025-01-01", "2025-01-31")
    >>> round(e.value, 4), e.n
    (0.3333, 3)
    """
    act = customer_activity(orders, start, end)
    act = act[act["active"]]
    return proportion(int((act["purchases"] >= 2).sum()), len(act), min_n=min_n)


def purchase_frequency(orders: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """Purchase frequency: mean purchases per active customer in the window (t interval).

    A purchase is a customer's distinct day with a non-return order
    (:func:`crmkit.indicators.frames.purchases_sql`), so two orders on the
    same day count once; the orders themselves are counted by
    :func:`crmkit.indicators.value.revenue_summary`.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [1.0, 2.0, 5.0, 3.0],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-01-09", "2025-01-09", "2025-01-05"])})
    >>> purchase_frequency(o, "2025-01-01", "2025-01-31").value
    1.5
    """
    act = customer_activity(orders, start, end)
    return mean(act.loc[act["active"], "purchases"], min_n=min_n)


_GAPS_SQL = """
WITH d AS ({purchases}),
g AS (
    SELECT customer_id, day, day - LAG(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap
    FROM d
)
SELECT customer_id, day, gap FROM g WHERE gap IS NOT NULL {since}
"""


def inter_purchase_days(orders: pd.DataFrame, end, start=None) -> pd.DataFrame:
    """Days between consecutive purchases of each customer (SQL window function).

    Purchases are those of :func:`crmkit.indicators.frames.purchases_sql`:
    orders on the same calendar day are one purchase (as in the BTYD
    literature) and return-only days are none.  Only gaps ending on or before *end*
    (and, with *start*, on or after *start*) are returned.

    Returns
    -------
    DataFrame
        ``customer_id, day`` (the later purchase day), ``gap`` (days, int).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [1.0] * 4,
    ...                   "order_date": pd.to_datetime(["2025-01-01 00:00:00", "2025-01-01 18:00:00", "2025-01-11 00:00:00", "2025-01-05 00:00:00"])})
    >>> inter_purchase_days(o, "2025-01-31")["gap"].tolist()
    [10]
    """
    _, hi = window_bounds(end, end)
    since = "" if start is None else f"AND day >= CAST({_ts(window_bounds(start, end)[0])} AS DATE)"
    out = query(_GAPS_SQL.format(purchases=purchases_sql("o", hi=hi), since=since), o=order_lines(orders))
    out["gap"] = out["gap"].astype("int64")
    out["day"] = pd.to_datetime(out["day"])
    return out.sort_values(["customer_id", "day"]).reset_index(drop=True)


def inter_purchase_time(orders: pd.DataFrame, start, end, q: float = 0.5, *, min_n: int = MIN_N) -> Estimate:
    """Quantile *q* (default median) of inter-purchase days for gaps ending in the window.

    Interval: distribution-free, from order statistics
    (:func:`crmkit.indicators.service.quantile_estimate`).
    """
    from crmkit.indicators.service import quantile_estimate

    gaps = inter_purchase_days(orders, end, start)["gap"]
    return quantile_estimate(gaps, q, min_n=min_n)


# -- retention -------------------------------------------------------------------------
def active_customers(orders: pd.DataFrame, start, end) -> set[str]:
    """Ids of customers with a purchase in ``[start, end]`` (:func:`crmkit.indicators.frames.purchases_sql`)."""
    lo, hi = window_bounds(start, end)
    ids = query(f"SELECT DISTINCT customer_id FROM ({purchases_sql('o', lo, hi)})", o=order_lines(orders))
    return set(ids["customer_id"].astype("str"))


def is_contractual(business_model: BusinessModel | None, churn_events, start, end) -> bool:
    """Whether retention is read from cancellations: *business_model* when given, else the ``auto`` rule
    (:func:`crmkit.indicators.business_model.resolve_business_model`) when churn events are given, else False."""
    if business_model is not None:
        return business_model.contractual
    if churn_events is None:
        return False
    return resolve_business_model("auto", churn_events, start, end).contractual


def subscribers_at(customers: pd.DataFrame, churn_events: pd.DataFrame | None, at, orders=None) -> set[str]:
    """Ids of the subscribers at the end of day *at* (:func:`crmkit.indicators.customer_base.subscription_status`)."""
    st = subscription_status(customers, churn_events, at, orders=orders)
    return set(st.loc[st["subscribed"], "customer_id"])


def retention_sets(orders: pd.DataFrame, start, end, kind: str = "period", *, contractual: bool = False,
                   customers: pd.DataFrame | None = None, churn_events: pd.DataFrame | None = None) -> tuple[set, set]:
    """The customers a retention rate starts from and those of them retained, as ``(base, retained)``.

    * non-contractual: base = customers active in the comparison window
      (``kind="period"``: the previous window of equal length; ``"year"``: the
      same window one year earlier), retained = those also active in
      ``[start, end]``;
    * contractual: base = subscribers at the start of the window (the day
      before *start*; ``"year"``: at the end of the same window one year
      earlier), retained = those still subscribed at the end of *end*.
    """
    if contractual:
        if customers is None or churn_events is None:
            raise ValueError("contractual retention needs customers and churn_events")
        lo, _ = window_bounds(start, end)
        at = lo - pd.Timedelta(days=1) if kind == "period" else previous_window(start, end, kind)[1]
        base = subscribers_at(customers, churn_events, at, orders)
        return base, base & subscribers_at(customers, churn_events, end, orders)
    ps, pe = previous_window(start, end, kind)
    prev = active_customers(orders, ps, pe)
    return prev, prev & active_customers(orders, start, end)


def period_retention(orders: pd.DataFrame, start, end, kind: str = "period", *, min_n: int = MIN_N,
                     business_model: BusinessModel | None = None, customers: pd.DataFrame | None = None,
                     churn_events: pd.DataFrame | None = None) -> Estimate:
    """Period retention rate.

    Formula (docs/indicators.md): customers active in both the previous period
    (t − 1) and this window (t) / customers active in t − 1; Wilson interval,
    n = customers active in t − 1.  ``kind="period"``: the previous window of
    equal length; ``"year"``: the same window one year earlier.

    Contractual business (*business_model*, :func:`is_contractual`):
    subscribers at the start of the window still subscribed at its end /
    subscribers at the start (``"year"``: subscribers at the end of the same
    window last year still subscribed at the end of this one), from
    :func:`retention_sets`; this is 1 − the period churn rate.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "d"], "amount": [1.0] * 5,
    ...                   "order_date": pd.to_datetime(["2024-12-03", "2024-12-05", "2024-12-07",
    ...                                                 "2025-01-04", "2025-01-05"])})
    >>> e = period_retention(o, "2025-01-01", "2025-01-31")
    >>> round(e.value, 4), e.n
    (0.3333, 3)
    """
    base, kept = retention_sets(orders, start, end, kind, customers=customers, churn_events=churn_events,
                                contractual=is_contractual(business_model, churn_events, start, end))
    return proportion(len(kept), len(base), min_n=min_n)


def customer_retention_rate(orders: pd.DataFrame, start, end, *, lookback_days: int = 365,
                            min_n: int = MIN_N, business_model: BusinessModel | None = None,
                            customers: pd.DataFrame | None = None,
                            churn_events: pd.DataFrame | None = None) -> Estimate:
    """Customer retention rate CRR = (E − N) / S.

    Formula (docs/indicators.md, Loyalty): S = customers at the start, E =
    customers at the end, N = customers gained during the window.  For a
    non-contractual business "a customer at date t" is one with a purchase in
    the *lookback_days* up to t (default the trailing 12 months), so
    S = buyers in ``(start − L, start)``, E = buyers in ``(end − L, end]``,
    N = members of E not in S (new or won back), hence E − N = |E ∩ S| and
    CRR lies in [0, 1]; Wilson interval with n = S.  In a contractual
    business "a customer at date t" is a subscriber at t (S at the start of the
    window, E at its end, N the members of E who were not in S), so CRR equals
    the subscriber retention of :func:`period_retention`.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a", "c"], "amount": [1.0] * 4,
    ...                   "order_date": pd.to_datetime(["2024-06-01", "2024-02-01", "2025-03-01", "2025-03-02"])})
    >>> e = customer_retention_rate(o, "2025-01-01", "2025-03-31")
    >>> e.value, e.n
    (0.5, 2)
    """
    if is_contractual(business_model, churn_events, start, end):
        return period_retention(orders, start, end, min_n=min_n, business_model=business_model, customers=customers,
                                churn_events=churn_events)
    lo, hi = window_bounds(start, end)
    L = pd.Timedelta(days=int(lookback_days))
    s_ids = active_customers(orders, lo - L, lo - pd.Timedelta(days=1))
    e_ids = active_customers(orders, hi - L, hi - pd.Timedelta(days=1))
    n_new = len(e_ids - s_ids)
    return proportion(len(e_ids) - n_new, len(s_ids), min_n=min_n)


def retention_trend(orders: pd.DataFrame, start, end, periods: int = 4, *, min_n: int = MIN_N,
                    business_model: BusinessModel | None = None, customers: pd.DataFrame | None = None,
                    churn_events: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`period_retention` of the window and the *periods* − 1 windows before it.

    The business model is decided once, for ``[start, end]``.

    Returns
    -------
    DataFrame
        ``start, end, retention, ci_low, ci_high, n``, oldest first.
    """
    from crmkit.indicators.customer_base import period_windows

    contractual = is_contractual(business_model, churn_events, start, end)
    rows = []
    for a, b in period_windows(start, end, periods):
        base, kept = retention_sets(orders, a, b, contractual=contractual, customers=customers, churn_events=churn_events)
        e = proportion(len(kept), len(base), min_n=min_n)
        rows.append({"start": a, "end": b, "retention": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n})
    return pd.DataFrame(rows)


_COHORT_SQL = """
WITH o AS (
    SELECT customer_id, DATE_TRUNC('{unit}', day) AS p FROM ({purchases})
),
f AS (SELECT customer_id, MIN(p) AS cohort FROM o GROUP BY customer_id),
a AS (
    SELECT DISTINCT o.customer_id, f.cohort, DATE_DIFF('{unit}', f.cohort, o.p) AS period
    FROM o JOIN f USING (customer_id)
)
SELECT cohort, period, COUNT(*) AS active FROM a {since} GROUP BY cohort, period ORDER BY cohort, period
"""


def _unit(freq: str) -> tuple[str, int]:
    f = freq.upper()
    if f in ("M", "MS", "MONTH"):
        return "month", 1
    if f in ("Q", "QS", "QUARTER"):
        return "quarter", 3
    raise ValueError(f"freq must be 'M' (month) or 'Q' (quarter), not {freq!r}")


def cohort_counts(orders: pd.DataFrame, end, *, freq: str = "M", since=None) -> pd.DataFrame:
    """Cohort activity counts (SQL): cohort = month/quarter of a customer's first purchase.

    Returns
    -------
    DataFrame
        Tidy, one row per cohort and period k = 0, 1, … up to the last period
        that starts on or before *end*: ``cohort`` (period start), ``period``
        (k), ``cohort_size``, ``active`` (cohort members with a purchase in
        period cohort + k), ``retention`` = active / cohort_size, and
        ``observable`` (period cohort + k ends on or before *end*).  Cells
        that are not observable have NaN retention, never 0.
    """
    unit, months = _unit(freq)
    lo_end, hi = window_bounds(end, end)
    since_sql = "" if since is None else f"WHERE cohort >= DATE_TRUNC('{unit}', {_ts(window_bounds(since, end)[0])})"
    c = query(_COHORT_SQL.format(unit=unit, purchases=purchases_sql("orders", hi=hi), since=since_sql),
              orders=order_lines(orders))
    cols = ["cohort", "period", "cohort_size", "active", "retention", "observable"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    c["cohort"] = pd.to_datetime(c["cohort"])
    c["period"] = c["period"].astype("int64")
    last_start = lo_end.to_period("M").start_time
    last_start = pd.Timestamp(year=last_start.year, month=((last_start.month - 1) // months) * months + 1, day=1)
    rows = []
    sizes = c[c["period"] == 0].set_index("cohort")["active"]
    counts = c.set_index(["cohort", "period"])["active"]
    for cohort, size in sizes.items():
        k_max = ((last_start.year - cohort.year) * 12 + last_start.month - cohort.month) // months
        for k in range(k_max + 1):
            p_start = cohort + pd.DateOffset(months=k * months)
            p_end_excl = p_start + pd.DateOffset(months=months)
            observable = bool(p_end_excl <= hi)
            active = int(counts.get((cohort, k), 0))
            rows.append({"cohort": cohort, "period": k, "cohort_size": int(size), "active": active,
                         "retention": (active / size) if (observable or k == 0) else np.nan,
                         "observable": observable or k == 0})
    return pd.DataFrame(rows, columns=cols)


def cohort_retention(orders: pd.DataFrame, end, *, freq: str = "M", since=None,
                     max_periods: int | None = None) -> pd.DataFrame:
    """Cohort retention matrix (docs/indicators.md, Loyalty).

    Rows: cohorts (month or quarter of first purchase, labelled ``2025-03``
    or ``2025Q1``); columns: periods k = 0, 1, …; cell = share of the cohort
    with a purchase k periods after its first period.  Period 0 is 100 % by
    construction; cells not yet observable at *end* are NaN (masked), not 0.
    ``attrs["sizes"]`` holds the cohort sizes.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a", "c"], "amount": [1.0] * 4,
    ...                   "order_date": pd.to_datetime(["2025-01-05", "2025-01-09", "2025-02-03", "2025-02-10"])})
    >>> cohort_retention(o, "2025-02-28").values.tolist()
    [[1.0, 0.5], [1.0, nan]]
    """
    tidy = cohort_counts(orders, end, freq=freq, since=since)
    if tidy.empty:
        out = pd.DataFrame()
        out.attrs["sizes"] = pd.Series(dtype="int64")
        return out
    if max_periods is not None:
        tidy = tidy[tidy["period"] <= max_periods]
    label = tidy["cohort"].dt.to_period("M" if _unit(freq)[0] == "month" else "Q").astype("str")
    m = tidy.assign(label=label).pivot(index="label", columns="period", values="retention")
    m.index.name, m.columns.name = "cohort", "period"
    m = m.astype("float64")
    m.attrs["sizes"] = tidy.assign(label=label).drop_duplicates("label").set_index("label")["cohort_size"]
    return m


def subscription_cohorts(customers: pd.DataFrame, churn_events: pd.DataFrame | None, end, *, orders=None,
                         since=None, max_periods: int | None = None) -> pd.DataFrame:
    """Cohort retention from cancellations (contractual businesses).

    Rows: monthly sign-up cohorts (month of the relationship's start,
    :func:`crmkit.indicators.customer_base.subscription_status`); columns:
    k = 0, 1, … months; cell = share of the cohort still subscribed (signed up
    and not cancelled, or won back) at the end of calendar month cohort + k.
    Unlike purchase cohorts, month 0 is below 100 % when members cancel in
    their first month.  Cells whose month ends after *end* are NaN (not yet
    observable); cohorts without an observable cell are left out.
    ``attrs["sizes"]`` holds the cohort sizes, so
    :func:`weighted_cohort_retention` applies unchanged.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abcd"), "signup_date": pd.to_datetime(
    ...     ["2025-01-05", "2025-01-20", "2025-01-25", "2025-02-03"])})
    >>> ev = pd.DataFrame({"customer_id": ["a", "b"], "churned_at": pd.to_datetime(["2025-01-28", "2025-02-10"])})
    >>> subscription_cohorts(cu, ev, "2025-02-28").values.tolist()
    [[0.6666666666666666, 0.3333333333333333], [1.0, nan]]
    """
    _, hi = window_bounds(end, end)
    last_day = hi - pd.Timedelta(days=1)
    st = subscription_status(customers, churn_events, last_day, orders=orders)
    month = st["start"].dt.to_period("M")
    if since is not None:
        month = month[month >= pd.Timestamp(since).to_period("M")]
    if month.empty:
        out = pd.DataFrame()
        out.attrs["sizes"] = pd.Series(dtype="int64")
        return out
    members = {c: set(st.loc[idx, "customer_id"]) for c, idx in month.groupby(month).groups.items()}
    status: dict = {}
    m = month.min()
    while m.end_time.normalize() <= last_day:
        status[m] = subscribers_at(customers, churn_events, m.end_time.normalize(), orders)
        m += 1
    rows = []
    for c, ids in sorted(members.items()):
        for k in range(0, (last_day.to_period("M") - c).n + 1):
            if max_periods is not None and k > max_periods:
                break
            kept = status.get(c + k)
            rows.append({"cohort": str(c), "period": k, "size": len(ids),
                         "retention": len(ids & kept) / len(ids) if kept is not None else np.nan})
    tidy = pd.DataFrame(rows)
    matrix = tidy.pivot(index="cohort", columns="period", values="retention").astype("float64")
    matrix = matrix[matrix.notna().any(axis=1)]
    matrix.index.name, matrix.columns.name = "cohort", "period"
    matrix.attrs["sizes"] = tidy.drop_duplicates("cohort").set_index("cohort")["size"].loc[matrix.index].astype("int64")
    return matrix


def retention_cohorts(orders: pd.DataFrame, end, *, since=None, max_periods: int | None = None,
                      business_model: BusinessModel | None = None, customers: pd.DataFrame | None = None,
                      churn_events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly cohort retention by the business model: :func:`subscription_cohorts` (contractual, from
    cancellations) or :func:`cohort_retention` (repeat purchases); the model is decided for ``[since, end]``."""
    if is_contractual(business_model, churn_events, since if since is not None else end, end):
        return subscription_cohorts(customers, churn_events, end, orders=orders, since=since, max_periods=max_periods)
    return cohort_retention(orders, end, freq="M", since=since, max_periods=max_periods)


# -- engagement ---------------------------------------------------------------------------
def engagement(interactions: pd.DataFrame, orders: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> dict[str, Estimate]:
    """Engagement of active customers (docs/indicators.md, Loyalty).

    * ``interactions_per_active``: interactions in the window linked to
      customers active in the window / active customers (t interval over
      customers, zeros included);
    * ``inbound_share``: share of active customers with any inbound
      interaction in the window (Wilson);
    * ``email_open_rate`` = email opens (type ``email_open``) / emails sent
      (type ``email_sent``); ``email_click_rate`` = clicks on the email
      channel / emails sent (both Wilson, capped at 1).
    """
    act = active_customers(orders, start, end)
    i = rows_between(interactions, "occurred_at", start, end)
    ids = i["customer_id"].astype("str")
    per = ids[ids.isin(act)].value_counts()
    counts = pd.Series(0, index=sorted(act), dtype="float64")
    counts.loc[per.index] = per.to_numpy()
    direction = i["direction"].astype("str") if "direction" in i else pd.Series("", index=i.index)
    inbound_ids = set(ids[(direction == "inbound").to_numpy()])
    typ = i["type"].astype("str") if "type" in i else pd.Series("", index=i.index)
    chan = i["channel"].astype("str")
    sent = int((typ == "email_sent").sum())
    opens = int((typ == "email_open").sum())
    clicks = int(((typ == "click") & (chan == "email")).sum())
    return {
        "interactions_per_active": mean(counts, min_n=min_n),
        "inbound_share": proportion(len(act & inbound_ids), len(act), min_n=min_n),
        "email_open_rate": proportion(min(opens, sent), sent, min_n=min_n),
        "email_click_rate": proportion(min(clicks, sent), sent, min_n=min_n),
    }


# -- referrals ------------------------------------------------------------------------------
def _referred(customers: pd.DataFrame) -> pd.Series:
    if "referred_by" not in customers:
        return pd.Series(False, index=customers.index)
    r = customers["referred_by"]
    return r.notna() & (r.astype("str").str.strip() != "")


def referral_rate(customers: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """Referral rate = new customers with ``referred_by`` / new customers.

    New customers are those whose ``signup_date`` is in the window
    (docs/indicators.md, "Word of mouth / referrals"); Wilson interval.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abcd"), "referred_by": [None, "a", None, "b"],
    ...                    "signup_date": pd.to_datetime(["2024-05-01", "2025-01-02", "2025-01-05", "2025-01-09"])})
    >>> e = referral_rate(cu, "2025-01-01", "2025-01-31"); round(e.value, 4), e.n
    (0.6667, 3)
    """
    new = rows_between(customers, "signup_date", start, end)
    return proportion(int(_referred(new).sum()), len(new), min_n=min_n)


def referral_comparison(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *,
                        acquired_days: int = 365, min_n: int = MIN_N, business_model: BusinessModel | None = None,
                        churn_events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Retention and value of referred vs other customers acquired in the year before the window.

    Customers who signed up in ``[start − acquired_days, start)`` are split
    by ``referred_by``; for each group: ``retention`` = share active in the
    window (contractual business: share still subscribed at its end; Wilson),
    ``value`` = mean revenue in the window per customer
    (zeros included, t interval).  A third row ``difference`` holds referred −
    other (Newcombe and Welch intervals).  Association only: referred
    customers may differ in other ways.

    Returns
    -------
    DataFrame
        ``group, customers, retention, retention_low, retention_high, value,
        value_low, value_high``.
    """
    lo, _ = window_bounds(start, end)
    cohort = rows_between(customers, "signup_date", lo - pd.Timedelta(days=acquired_days), lo - pd.Timedelta(days=1))
    kept = (subscribers_at(customers, churn_events, end, orders)
            if is_contractual(business_model, churn_events, start, end) else None)
    return _compare_groups(cohort, _referred(cohort), orders, start, end, ("referred", "other"), min_n, kept)


def _compare_groups(cohort: pd.DataFrame, flag: pd.Series, orders: pd.DataFrame, start, end,
                    names: tuple[str, str], min_n: int, kept: set | None = None) -> pd.DataFrame:
    act = customer_activity(orders, start, end).set_index("customer_id")
    ids = cohort["customer_id"].astype("str")
    if kept is None:
        active = ids.map(act["active"]).astype("boolean").fillna(False).astype(bool).to_numpy()
    else:
        active = ids.isin(kept).to_numpy()
    revenue = ids.map(act["revenue"]).astype("float64").fillna(0.0).to_numpy()
    f = np.asarray(flag, dtype=bool)
    rows = []
    for name, sel in ((names[0], f), (names[1], ~f)):
        r = proportion(int(active[sel].sum()), int(sel.sum()), min_n=min_n)
        v = mean(revenue[sel], min_n=min_n)
        rows.append({"group": name, "customers": int(sel.sum()), "retention": r.value, "retention_low": r.ci_low,
                     "retention_high": r.ci_high, "value": v.value, "value_low": v.ci_low, "value_high": v.ci_high})
    dr = diff_proportions(int(active[f].sum()), int(f.sum()), int(active[~f].sum()), int((~f).sum()), min_n=min_n)
    dv = diff_means(revenue[f], revenue[~f], min_n=min_n)
    rows.append({"group": "difference", "customers": min(int(f.sum()), int((~f).sum())), "retention": dr.value,
                 "retention_low": dr.ci_low, "retention_high": dr.ci_high, "value": dv.value,
                 "value_low": dv.ci_low, "value_high": dv.ci_high})
    return pd.DataFrame(rows)


# -- loyalty programme --------------------------------------------------------------------------
def is_member(customers: pd.DataFrame, at) -> pd.Series:
    """Loyalty-programme membership at date *at*.

    A member has a ``loyalty_joined_at`` on or before *at*, or (when the join
    date is unknown) a ``loyalty_tier``.
    """
    _, hi = window_bounds(at, at)
    joined = pd.to_datetime(customers["loyalty_joined_at"]) if "loyalty_joined_at" in customers else pd.Series(pd.NaT, index=customers.index)
    tier = customers["loyalty_tier"].notna() if "loyalty_tier" in customers else pd.Series(False, index=customers.index)
    return ((joined < hi) | (joined.isna() & tier)).fillna(False).astype(bool)


def redemption_rate(ledger: pd.DataFrame, start, end) -> float:
    """Points redemption rate = Σ points redeemed / Σ points earned in the window.

    Formula (docs/indicators.md, Loyalty programme).  NaN when no points were
    earned; may exceed 1 when members redeem points earned earlier.

    Examples
    --------
    >>> led = pd.DataFrame({"customer_id": ["a", "a"], "occurred_at": pd.to_datetime(["2025-01-02", "2025-01-20"]),
    ...                     "points_earned": [200.0, 0.0], "points_redeemed": [0.0, 50.0]})
    >>> redemption_rate(led, "2025-01-01", "2025-01-31")
    0.25
    """
    w = rows_between(ledger, "occurred_at", start, end)
    earned = float(pd.to_numeric(w.get("points_earned"), errors="coerce").sum()) if "points_earned" in w else 0.0
    redeemed = float(pd.to_numeric(w.get("points_redeemed"), errors="coerce").sum()) if "points_redeemed" in w else 0.0
    return redeemed / earned if earned > 0 else float("nan")


def programme_comparison(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *, min_n: int = MIN_N,
                         business_model: BusinessModel | None = None, churn_events: pd.DataFrame | None = None) -> dict:
    """Loyalty-programme members vs non-members (association, not causal effect).

    * ``member_share``: members at the window end / customers signed up by
      then (Wilson);
    * ``spend``: members vs non-members among customers active in the window,
      mean revenue per active customer (``members``, ``others`` as t-interval
      Estimates, ``difference`` with Welch interval);
    * ``retention``: among customers active in the previous period, share
      active again in this window (contractual business: among subscribers at
      the start, share still subscribed at the end; :func:`retention_sets`)
      (``members``, ``others``, ``difference`` with Newcombe interval).

    Members and non-members differ in more than membership (keen customers
    join), so these differences describe association, not the programme's
    causal effect.
    """
    _, hi = window_bounds(start, end)
    cu = customers[pd.to_datetime(customers["signup_date"]) < hi]
    member = is_member(cu, end)
    ids = cu["customer_id"].astype("str")
    member_ids = set(ids[member.to_numpy()])
    act = customer_activity(orders, start, end)
    a = act[act["active"]]
    in_m = a["customer_id"].isin(member_ids).to_numpy()
    rev = a["revenue"].to_numpy()
    prev, cur = retention_sets(orders, start, end, customers=customers, churn_events=churn_events,
                               contractual=is_contractual(business_model, churn_events, start, end))
    prev_m = [c in member_ids for c in sorted(prev)]
    prev_sorted = sorted(prev)
    k_m = sum(1 for c, m in zip(prev_sorted, prev_m) if m and c in cur)
    n_m = sum(prev_m)
    k_o = sum(1 for c, m in zip(prev_sorted, prev_m) if not m and c in cur)
    n_o = len(prev_sorted) - n_m
    return {
        "member_share": proportion(int(member.sum()), len(cu), min_n=min_n),
        "spend": {"members": mean(rev[in_m], min_n=min_n), "others": mean(rev[~in_m], min_n=min_n),
                  "difference": diff_means(rev[in_m], rev[~in_m], min_n=min_n)},
        "retention": {"members": proportion(k_m, n_m, min_n=min_n), "others": proportion(k_o, n_o, min_n=min_n),
                      "difference": diff_proportions(k_m, n_m, k_o, n_o, min_n=min_n)},
    }


# -- readings of the loyalty tables ---------------------------------------------------------
def weighted_cohort_retention(matrix: pd.DataFrame, k: int) -> tuple[float, int]:
    """Retention *k* periods after the first purchase over every observable cohort, weighted by cohort size.

    Formula: ``Σ_c size_c · r_c,k / Σ_c size_c`` over the cohorts ``c`` of
    :func:`cohort_retention` whose cell ``k`` is observable (sizes in
    ``matrix.attrs["sizes"]``); the cohort-size weighting pools the customers
    of every cohort (Fader & Hardie 2010, on cohort-level retention).

    Returns
    -------
    (float, int)
        The weighted rate (NaN when no cohort reaches *k*) and the customers behind it.

    Examples
    --------
    >>> m = pd.DataFrame({0: [1.0, 1.0], 1: [0.5, float("nan")]}, index=["2025-01", "2025-02"])
    >>> m.attrs["sizes"] = pd.Series([10, 30], index=m.index)
    >>> weighted_cohort_retention(m, 1), weighted_cohort_retention(m, 0)
    ((0.5, 10), (1.0, 40))
    """
    if k not in matrix:
        return float("nan"), 0
    cells = matrix[k].dropna()
    if not len(cells):
        return float("nan"), 0
    sizes = matrix.attrs["sizes"].loc[cells.index]
    return float(np.average(cells, weights=sizes)), int(sizes.sum())


def inter_purchase_quantile(gaps: pd.DataFrame, q: float) -> float:
    """Quantile *q* of the days between purchases of :func:`inter_purchase_days` (NaN when there are none)."""
    return float(gaps["gap"].quantile(q)) if len(gaps) else float("nan")


def records_referrals(customers: pd.DataFrame) -> bool:
    """True when the company records who referred a customer (some ``referred_by`` is set)."""
    return "referred_by" in customers and bool(customers["referred_by"].notna().any())


def has_programme(customers: pd.DataFrame) -> bool:
    """True when a loyalty programme is recorded (some loyalty tier or join date)."""
    return any(c in customers and bool(customers[c].notna().any()) for c in ("loyalty_tier", "loyalty_joined_at"))


def excludes_zero(low: float, high: float) -> bool:
    """True when the interval ``[low, high]`` of a difference lies entirely above or below zero.

    Examples
    --------
    >>> excludes_zero(0.01, 0.2), excludes_zero(-0.1, 0.2), excludes_zero(-0.3, -0.1)
    (True, False, True)
    """
    return bool(low > 0 or high < 0)


def programme_table(comparison: dict) -> pd.DataFrame:
    """Members against non-members of :func:`programme_comparison` as rows for a chart.

    Returns
    -------
    DataFrame
        ``measure`` (``spend``, ``retention``), ``group`` (``members``, ``others``),
        ``value, low, high`` (the estimate and its 95 % interval) and ``unit``
        (``currency``, ``ratio``).
    """
    rows = []
    for measure, unit in (("spend", "currency"), ("retention", "ratio")):
        for group in ("members", "others"):
            est = comparison[measure][group]
            rows.append({"measure": measure, "group": group, "value": est.value, "low": est.ci_low, "high": est.ci_high,
                         "unit": unit})
    return pd.DataFrame(rows)


def loyalty_headline(orders: pd.DataFrame, start, end, *, min_n: int = MIN_N,
                     business_model: BusinessModel | None = None, customers: pd.DataFrame | None = None,
                     churn_events: pd.DataFrame | None = None) -> dict[str, Estimate]:
    """The loyalty headline metrics by registry name.

    ``repeat_purchase_rate`` (:func:`repeat_purchase_rate`), ``purchase_frequency``
    (:func:`purchase_frequency`), ``inter_purchase_days_median``
    (:func:`inter_purchase_time`), ``retention_rate`` and ``retention_rate_yoy``
    (:func:`period_retention` against the previous period and the same period
    last year) and ``customer_retention_rate`` (:func:`customer_retention_rate`);
    the retention rates follow the business model (contractual: from
    cancellations).
    """
    sub = dict(business_model=business_model, customers=customers, churn_events=churn_events)
    return {
        "repeat_purchase_rate": repeat_purchase_rate(orders, start, end, min_n=min_n),
        "purchase_frequency": purchase_frequency(orders, start, end, min_n=min_n),
        "inter_purchase_days_median": inter_purchase_time(orders, start, end, min_n=min_n),
        "retention_rate": period_retention(orders, start, end, min_n=min_n, **sub),
        "retention_rate_yoy": period_retention(orders, start, end, "year", min_n=min_n, **sub),
        "customer_retention_rate": customer_retention_rate(orders, start, end, min_n=min_n, **sub),
    }
