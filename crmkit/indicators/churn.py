"""Customer churn (客户流失): rates, reasons, survival, hazard ratios, early warning, cost.

Indicator definitions follow docs/indicators.md, section "Churn".

Churn is *explicit* in a contractual business (contracts, subscriptions:
:func:`crmkit.indicators.business_model.resolve_business_model` decides from
the ``business_model`` parameter and the ``churn_events``) and otherwise
*inferred from inactivity*: a
customer has churned once ``inactivity_days`` have passed since their last
purchase without a new one.  The default threshold is the 90th percentile of
the inter-purchase time distribution (:func:`inactivity_threshold`), so
nine in ten normal gaps between purchases are shorter; it is returned so the
report can show it.  Customers observed for less than the threshold cannot
be declared churned: they are censored.

The per-customer :func:`churn_panel` is the base of every other function:
period churn rate, churn by segment, Kaplan–Meier curves (statsmodels
``SurvfuncRight``), Cox hazard ratios (statsmodels ``PHReg``), churn cost and
the early-warning model (:class:`ChurnWarningModel`, statsmodels ``Logit``).
Outputs are aggregates: counts and revenue by segment, never identities.
"""

from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from crmkit.indicators.business_model import BusinessModel, resolve_business_model
from crmkit.indicators.attributes import select_attributes
from crmkit.indicators.customer_base import customer_activity, subscription_status
from crmkit.indicators.frames import label, order_lines
from crmkit.sqltext import timestamp_literal as _ts
from crmkit.store.data import window_bounds
from crmkit.estimate import MIN_N, Z95, Estimate, proportion
from crmkit.indicators.loyalty import inter_purchase_days
from crmkit.store.sql import query

__all__ = [
    "business_model_of",
    "inactivity_threshold",
    "churn_panel",
    "churn_rate",
    "period_churn_rate",
    "churn_by",
    "churn_trend",
    "main_channel",
    "churn_reasons",
    "kaplan_meier",
    "median_lifetime",
    "cox_hazard_ratios",
    "trailing_revenue",
    "churn_cost",
    "churn_features",
    "churn_dataset",
    "auc",
    "top_decile_lift",
    "calibration_table",
    "ChurnWarningModel",
    "risk_by_segment",
    "FEATURES",
]


# -- definition of churn -------------------------------------------------------------
def inactivity_threshold(orders: pd.DataFrame, end, *, quantile: float = 0.9, start=None, min_days: int = 1) -> int:
    """Default churn inactivity threshold in days.

    Formula (docs/indicators.md, Churn): the *quantile* (default 90th percentile)
    of the gaps between consecutive purchase days of the same customer
    (:func:`crmkit.indicators.loyalty.inter_purchase_days`) ending on or before *end*
    (and on or after *start* when given), rounded up to whole days and at
    least *min_days*.  Raises ``ValueError`` when no customer bought twice.

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a"] * 11, "amount": [1.0] * 11,
    ...                   "order_date": pd.Timestamp("2025-01-01") + pd.to_timedelta([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 190], unit="D")})
    >>> inactivity_threshold(o, "2025-12-31")
    19
    """
    if not 0 < quantile < 1:
        raise ValueError("quantile must lie in (0, 1)")
    gaps = inter_purchase_days(orders, end, start)["gap"]
    if gaps.empty:
        raise ValueError("no customer has two purchases before the end of the window; set churn_inactivity_days")
    return max(int(math.ceil(float(np.quantile(gaps.to_numpy(dtype=float), quantile)) - 1e-9)), int(min_days))


def business_model_of(business_model: BusinessModel | None, churn_events, start, end) -> BusinessModel:
    """*business_model* when given, else ``resolve_business_model("auto", churn_events, start, end)``.

    A report resolves the business model once for its window and passes it to
    every churn function, so earlier windows (trend, training windows) use the
    same definition of churn as the report's window.
    """
    if business_model is not None:
        return business_model
    return resolve_business_model("auto", churn_events, start, end)


def churn_panel(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *,
                churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                business_model: BusinessModel | None = None) -> pd.DataFrame:
    """One row per customer: at risk at the start, churned in the window, lifetime.

    The business model (*business_model*, by default resolved from the churn
    events over the window, :func:`business_model_of`) chooses the definition:

    * contractual (explicit churn): a customer is at risk when they are a
      subscriber at the start of the window
      (:func:`crmkit.indicators.customer_base.subscription_status` the day
      before *start*: signed up and not cancelled) and their churn date is the
      cancellation in force at *end* (latest ``churned_at`` on or before *end*
      unless they ordered again afterwards: won back);
    * non-contractual (inferred churn): churn date = last purchase day +
      ``inactivity_days`` (default :func:`inactivity_threshold`) when that is
      on or before *end*.

    Formulas (docs/indicators.md, Churn):

    * ``at_risk``: contractual, a subscriber the day before *start*;
      inferred, first purchase before *start* and last purchase before *start*
      less than the threshold before it;
    * ``churned``: at risk and churn date in ``[start, end]`` (contractual: at
      risk and no longer a subscriber at *end*) → period churn rate = Σ
      churned / Σ at_risk (:func:`churn_rate`);
    * ``event``: churn date on or before *end* (any time, for survival);
      ``duration_days`` = churn date (event) or *end* (censored) −
      ``first_order`` (the first purchase; contractual, the start of the
      relationship: sign-up or first purchase, whichever is earlier);
      ``censored`` = not event.  Customers observed for less than the
      threshold are always censored.

    Returns
    -------
    DataFrame
        ``customer_id, first_order, last_order, churn_date, at_risk, churned,
        event, censored, duration_days, observed_days``; ``attrs`` holds
        ``mode`` (``explicit`` | ``inferred``), ``inactivity_days``, ``start``
        (the window's first day) and ``business_model`` (the kind).

    Raises
    ------
    ValueError
        A contractual business model without churn events.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abc"), "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [1.0] * 4,
    ...                   "order_date": pd.to_datetime(["2024-09-01", "2024-12-20", "2024-11-15", "2025-03-20"])})
    >>> p = churn_panel(cu, o, "2025-01-01", "2025-03-31", inactivity_days=60)
    >>> p[["customer_id", "at_risk", "churned", "censored"]].values.tolist()
    [['a', True, True, False], ['b', True, True, False], ['c', False, False, True]]
    """
    lo, hi = window_bounds(start, end)
    end_day = hi - pd.Timedelta(days=1)
    bm = business_model_of(business_model, churn_events, start, end)
    explicit = bm.contractual
    if explicit:
        if churn_events is None or len(churn_events) == 0:
            raise ValueError("a contractual business model needs the churn_events table (customer_id, churned_at)")
        now = subscription_status(customers, churn_events, end_day, orders=orders)
        before = subscription_status(customers, churn_events, lo - pd.Timedelta(days=1), orders=orders)
        base = now.rename(columns={"start": "first_order", "cancelled_at": "churn_date"})
        at_risk = base["customer_id"].isin(set(before.loc[before["subscribed"], "customer_id"]))
        threshold = None
    else:
        act = customer_activity(orders, start, end)
        first = act["first_order"].dt.normalize()
        last = act["last_order"].dt.normalize()
        last_before = act["last_order_before"].dt.normalize()
        threshold = int(inactivity_days) if inactivity_days else inactivity_threshold(orders, end)
        T = pd.Timedelta(days=threshold)
        base = pd.DataFrame({"customer_id": act["customer_id"], "first_order": first, "last_order": last})
        lapse = last + T
        base["churn_date"] = lapse.where(lapse <= end_day)
        at_risk = (first < lo) & (last_before + T >= lo)
    base["at_risk"] = at_risk.fillna(False).astype(bool).to_numpy()
    base["event"] = base["churn_date"].notna()
    base["churned"] = base["at_risk"] & base["event"] & (base["churn_date"] >= lo)
    base["censored"] = ~base["event"]
    stop = base["churn_date"].where(base["event"], end_day)
    base["duration_days"] = (stop - base["first_order"]).dt.days.clip(lower=0).astype("float64")
    base["observed_days"] = (end_day - base["first_order"]).dt.days.astype("float64")
    out = base[["customer_id", "first_order", "last_order", "churn_date", "at_risk", "churned", "event", "censored",
                "duration_days", "observed_days"]].sort_values("customer_id").reset_index(drop=True)
    out.attrs.update(mode="explicit" if explicit else "inferred", inactivity_days=threshold, start=lo,
                     business_model=bm.kind)
    return out


def churn_rate(panel: pd.DataFrame, *, min_n: int = MIN_N) -> Estimate:
    """Period churn rate = customers churned during the window / customers at risk at its start.

    Formula (docs/indicators.md, Churn); Wilson interval, n = customers at risk.

    Examples
    --------
    >>> p = pd.DataFrame({"at_risk": [True, True, True, False], "churned": [True, False, False, False]})
    >>> round(churn_rate(p).value, 4)
    0.3333
    """
    r = panel[panel["at_risk"]]
    return proportion(int(r["churned"].sum()), len(r), min_n=min_n)


def period_churn_rate(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *,
                      churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                      business_model: BusinessModel | None = None, min_n: int = MIN_N) -> Estimate:
    """The company's churn rate in ``[start, end]``: :func:`churn_rate` of :func:`churn_panel`.

    Customers churned during the window / customers at risk at its start
    (contractual: cancellations of subscribers; otherwise inferred from
    ``inactivity_days`` without a purchase, by default
    :func:`inactivity_threshold`); Wilson interval, n = customers at risk.
    The churn report and the competitor comparison
    (:func:`crmkit.indicators.market.company_benchmarks`) both use it, so the
    company's churn beside a competitor's is the one the churn report shows.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abc"), "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [1.0] * 4,
    ...                   "order_date": pd.to_datetime(["2024-09-01", "2024-12-20", "2024-11-15", "2025-03-20"])})
    >>> period_churn_rate(cu, o, "2025-01-01", "2025-03-31", inactivity_days=60).value
    1.0
    """
    panel = churn_panel(customers, orders, start, end, churn_events=churn_events, inactivity_days=inactivity_days,
                        business_model=business_model)
    return churn_rate(panel, min_n=min_n)


def churn_trend(customers: pd.DataFrame, orders: pd.DataFrame, start, end, periods: int = 4, *,
                churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                business_model: BusinessModel | None = None, min_n: int = MIN_N) -> pd.DataFrame:
    """Period churn rate of the window and the *periods* − 1 equal-length windows before it.

    The same business model (resolved once for ``[start, end]``) and the same
    inactivity threshold (derived once at *end* when not given) are used for
    every window.

    Returns
    -------
    DataFrame
        ``start, end, churn_rate, ci_low, ci_high, at_risk, churned``, oldest first.
    """
    from crmkit.indicators.customer_base import period_windows

    bm = business_model_of(business_model, churn_events, start, end)
    if not bm.contractual and not inactivity_days:
        inactivity_days = inactivity_threshold(orders, end)
    rows = []
    for a, b in period_windows(start, end, periods):
        p = churn_panel(customers, orders, a, b, churn_events=churn_events, inactivity_days=inactivity_days,
                        business_model=bm)
        e = churn_rate(p, min_n=min_n)
        rows.append({"start": a, "end": b, "churn_rate": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high,
                     "at_risk": e.n, "churned": int(p["churned"].sum())})
    return pd.DataFrame(rows)


def main_channel(orders: pd.DataFrame, end) -> pd.Series:
    """Each customer's most frequent order channel up to *end* (ties: alphabetical), SQL."""
    _, hi = window_bounds(end, end)
    o = order_lines(orders)
    r = query(
        f"""SELECT customer_id, channel FROM (
              SELECT customer_id, channel, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY COUNT(*) DESC, channel) AS r
              FROM o WHERE NOT is_return AND order_date < {_ts(hi)} AND channel IS NOT NULL GROUP BY customer_id, channel
            ) WHERE r = 1 ORDER BY customer_id""",
        o=o,
    )
    return r.set_index("customer_id")["channel"]


#: Tenure bands as ``(label, lowest, highest)`` tenure in whole months at the start of the window.
TENURE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-2", 0, 2), ("3-5", 3, 5), ("6-11", 6, 11), ("12-23", 12, 23), ("24+", 24, 100000),
)


def tenure_band(first: pd.Series, at, bands: Sequence[tuple[str, int, int]] = TENURE_BANDS) -> pd.Series:
    """Tenure band of each customer at day *at*: whole months from *first* (first purchase or sign-up) to *at*.

    Months are calendar months completed (a customer who started on
    2025-01-15 has 2 months at 2025-03-15 and 1 at 2025-03-14); customers who
    start after *at* or have no start are ``unknown``.

    Examples
    --------
    >>> tenure_band(pd.Series(pd.to_datetime(["2025-09-15", "2025-07-01", "2024-09-30", None])), "2025-10-01").tolist()
    ['0-2', '3-5', '12-23', 'unknown']
    """
    t = pd.Timestamp(at).normalize()
    f = pd.to_datetime(pd.Series(first)).dt.normalize()
    months = (t.year - f.dt.year) * 12 + (t.month - f.dt.month) - (t.day < f.dt.day).astype("float64")
    out = pd.Series("unknown", index=f.index, dtype="str")
    for lab, lo, hi in bands:
        out[(months >= lo) & (months <= hi)] = lab
    return out


def segment_dimensions(customers: pd.DataFrame, base: Sequence[str] | None = None) -> tuple[str, ...]:
    """The dimensions churn is split by: *base* (default :data:`SEGMENT_DIMENSIONS`, with ``tenure_band``),
    then the customers' ``segment`` column and every ``attr_*`` column present.

    Examples
    --------
    >>> segment_dimensions(pd.DataFrame(columns=["customer_id", "segment", "attr_plan"]))[-3:]
    ('tenure_band', 'segment', 'attr_plan')
    """
    dims = list(SEGMENT_DIMENSIONS if base is None else base)
    extra = [c for c in customers.columns if c == "segment" or str(c).startswith("attr_")]
    return tuple(dims + [c for c in extra if c not in dims])


def _attach(panel: pd.DataFrame, customers: pd.DataFrame, by: str, orders: pd.DataFrame | None, at) -> pd.Series:
    """Segment label of each panel row: a customers column, ``channel``, ``cohort`` or ``tenure_band``."""
    ids = panel["customer_id"].astype("str")
    if by == "tenure_band":
        ref = panel.attrs.get("start", at)
        return pd.Series(tenure_band(panel["first_order"], ref).to_numpy(), index=panel.index)
    if by == "cohort":
        return panel["first_order"].dt.to_period("Q").astype("str").where(panel["first_order"].notna(), "unknown")
    if by == "channel":
        if orders is None:
            raise ValueError("by='channel' needs orders")
        return label(ids.map(main_channel(orders, at)))
    if by == "age_band":
        from crmkit.indicators.customer_base import age_band

        col = customers.set_index(customers["customer_id"].astype("str"))["birth_year"]
        return pd.Series(age_band(ids.map(col), at).to_numpy(), index=panel.index)
    if by not in customers:
        return pd.Series("unknown", index=panel.index)
    col = customers.set_index(customers["customer_id"].astype("str"))[by]
    return label(ids.map(col))


def churn_by(panel: pd.DataFrame, customers: pd.DataFrame, by: str, *, orders: pd.DataFrame | None = None,
             at=None, min_n: int = MIN_N) -> pd.DataFrame:
    """Period churn rate per segment (customer attribute, ``channel``, ``cohort`` or ``tenure_band``).

    ``channel`` is the customer's main order channel (:func:`main_channel`,
    needs *orders*); ``cohort`` the quarter of first purchase; ``tenure_band``
    the customer's tenure at the start of the window (:func:`tenure_band` of
    ``first_order`` at the panel's ``start``), so every customer at risk stays
    in one band for the whole window.  Each rate is churned / at risk *within
    the segment*: the denominator counts only the segment's customers at risk
    at the start (:func:`churn_rate`).

    Returns
    -------
    DataFrame
        ``segment, at_risk, churned, churn_rate, ci_low, ci_high``, most
        customers at risk first.
    """
    at = at if at is not None else panel["first_order"].max()
    seg = _attach(panel, customers, by, orders, at)
    rows = []
    for s, part in panel.assign(_seg=seg.to_numpy()).groupby("_seg"):
        e = churn_rate(part, min_n=min_n)
        if e.n == 0:
            continue
        rows.append({"segment": s, "at_risk": e.n, "churned": int(part.loc[part["at_risk"], "churned"].sum()),
                     "churn_rate": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high})
    out = pd.DataFrame(rows, columns=["segment", "at_risk", "churned", "churn_rate", "ci_low", "ci_high"])
    return out.sort_values(["at_risk", "segment"], ascending=[False, True]).reset_index(drop=True)


def churn_reasons(panel: pd.DataFrame, *, churn_events: pd.DataFrame | None = None,
                  tickets: pd.DataFrame | None = None, lookback_days: int = 180) -> pd.DataFrame:
    """Reasons of customers who churned in the window.

    * ``stated``: ``churn_events.reason`` at the churn date (explicit churn);
    * ``complaint``: complaint reasons (``tickets.complaint_reason`` of
      complaint tickets) in the *lookback_days* before the churn date; each
      customer counts once per reason.

    Returns
    -------
    DataFrame
        ``source, reason, customers, share`` (share of customers churned in
        the window), most frequent first within each source.
    """
    churned = panel[panel["churned"]]
    n = len(churned)
    rows = []
    if churn_events is not None and len(churn_events) and n:
        ev = churn_events.assign(customer_id=churn_events["customer_id"].astype("str"),
                                 day=pd.to_datetime(churn_events["churned_at"]).dt.normalize())
        m = ev.merge(churned[["customer_id", "churn_date"]], on="customer_id")
        m = m[m["day"] == m["churn_date"]].drop_duplicates("customer_id")
        for r, k in label(m["reason"]).value_counts().items():
            rows.append({"source": "stated", "reason": r, "customers": int(k), "share": k / n})
    if tickets is not None and len(tickets) and n and "complaint_reason" in tickets:
        t = tickets[tickets["is_complaint"].astype("boolean").fillna(False).astype(bool)] if "is_complaint" in tickets else tickets
        t = t.assign(customer_id=t["customer_id"].astype("str")).merge(churned[["customer_id", "churn_date"]], on="customer_id")
        t = t[(t["opened_at"] <= t["churn_date"] + pd.Timedelta(days=1))
              & (t["opened_at"] >= t["churn_date"] - pd.Timedelta(days=lookback_days))]
        t = t.assign(reason=label(t["complaint_reason"])).drop_duplicates(["customer_id", "reason"])
        for r, k in t["reason"].value_counts().items():
            rows.append({"source": "complaint", "reason": r, "customers": int(k), "share": k / n})
    return pd.DataFrame(rows, columns=["source", "reason", "customers", "share"])


# -- survival --------------------------------------------------------------------------
def _km_one(duration: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(duration, event.astype(int))
    S, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(-log) transformed pointwise interval (Kalbfleisch & Prentice), Greenwood se
        v = se / (S * np.abs(np.log(S)))
        lo = S ** np.exp(Z95 * v)
        hi = S ** np.exp(-Z95 * v)
    lo = np.where(np.isfinite(lo), lo, S)
    hi = np.where(np.isfinite(hi), hi, S)
    return pd.DataFrame({"time": np.asarray(sf.surv_times, dtype=float), "survival": S, "se": se,
                         "ci_low": lo, "ci_high": hi, "at_risk": np.asarray(sf.n_risk, dtype=int),
                         "events": np.asarray(sf.n_events, dtype=int)})


def kaplan_meier(panel: pd.DataFrame, *, by: str | None = None, customers: pd.DataFrame | None = None,
                 orders: pd.DataFrame | None = None, min_n: int = MIN_N) -> pd.DataFrame:
    """Kaplan–Meier survival curves of customer lifetime (statsmodels ``SurvfuncRight``).

    Lifetime = ``duration_days`` from first purchase to churn (``event``) or
    to the window end (censored), from :func:`churn_panel`.  With *by*, one
    curve per segment with at least *min_n* customers.  Pointwise 95 %
    intervals use the log(−log) transform of Greenwood's standard error.

    Returns
    -------
    DataFrame
        ``group, time, survival, se, ci_low, ci_high, at_risk, events`` (one
        row per distinct event time; group ``all`` without *by*).
    """
    p = panel.dropna(subset=["duration_days"])
    if by is None:
        groups = pd.Series("all", index=p.index)
    else:
        if customers is None:
            raise ValueError("kaplan_meier(by=...) needs customers")
        groups = _attach(p, customers, by, orders, p["first_order"].max())
    parts = []
    for g, part in p.assign(_g=groups.to_numpy()).groupby("_g"):
        if len(part) < min_n or not part["event"].any():
            continue
        parts.append(_km_one(part["duration_days"].to_numpy(float), part["event"].to_numpy(bool)).assign(group=g))
    cols = ["group", "time", "survival", "se", "ci_low", "ci_high", "at_risk", "events"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def median_lifetime(curve: pd.DataFrame) -> float:
    """First time at which a Kaplan–Meier curve drops to 50 % or below (NaN if it never does)."""
    below = curve[curve["survival"] <= 0.5]
    return float(below["time"].iloc[0]) if len(below) else float("nan")


def cox_hazard_ratios(frame: pd.DataFrame, covariates: Sequence[str], *, duration: str = "duration_days",
                      event: str = "event", min_level: int = 10) -> pd.DataFrame:
    """Cox proportional-hazards model (statsmodels ``PHReg``, Breslow ties) with hazard ratios.

    ``h(t | x) = h0(t) exp(β'x)``; hazard ratio ``HR = exp(β)`` with 95 %
    interval ``exp(β ± 1.96 se)``.  Categorical covariates are one-hot coded
    against their most frequent level (levels with fewer than *min_level*
    customers are pooled into ``other``); numeric covariates enter as they are.
    Constant columns and columns that are linear combinations of earlier ones
    (e.g. a ``referred`` flag equal to the ``referral`` acquisition channel)
    are dropped, in covariate order.

    Returns
    -------
    DataFrame
        ``term, coef, se, hazard_ratio, ci_low, ci_high, p_value``; ``attrs``
        holds ``n``, ``events`` and the reference level of each categorical.
    """
    from statsmodels.duration.hazard_regression import PHReg

    X, refs = _design(frame, covariates, min_level)
    keep = X.notna().all(axis=1) & frame[duration].notna()
    X, d, e = X[keep], frame.loc[keep, duration].to_numpy(float), frame.loc[keep, event].to_numpy(bool).astype(int)
    X = X.loc[:, X.std() > 0]
    X = X[_independent(X)]
    fit = PHReg(d, X.to_numpy(float), status=e, ties="breslow").fit(disp=False)
    params, bse = np.asarray(fit.params), np.asarray(fit.bse)
    out = pd.DataFrame({
        "term": list(X.columns), "coef": params, "se": bse, "hazard_ratio": np.exp(params),
        "ci_low": np.exp(params - Z95 * bse), "ci_high": np.exp(params + Z95 * bse), "p_value": np.asarray(fit.pvalues),
    })
    out.attrs.update(n=int(len(X)), events=int(e.sum()), reference=refs)
    return out


def _independent(X: pd.DataFrame) -> list[str]:
    """Columns of *X* kept in order while each one raises the rank (with an intercept)."""
    kept: list[str] = []
    base = np.ones((len(X), 1))
    rank = 1
    for c in X.columns:
        trial = np.column_stack([base, X[kept + [c]].to_numpy(float)])
        r = np.linalg.matrix_rank(trial)
        if r > rank:
            kept.append(c)
            rank = r
    return kept


def _design(frame: pd.DataFrame, covariates: Sequence[str], min_level: int) -> tuple[pd.DataFrame, dict[str, str]]:
    parts, refs = [], {}
    for c in covariates:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or str(col.dtype) == "boolean":
            parts.append(col.astype("float64").rename(c))
        elif pd.api.types.is_numeric_dtype(col):
            parts.append(col.astype("float64").rename(c))
        else:
            lab = label(col)
            counts = lab.value_counts()
            small = counts[counts < min_level].index
            lab = lab.where(~lab.isin(small), "other")
            counts = lab.value_counts()
            ref = str(counts.index[0])
            refs[c] = ref
            for lev in sorted(counts.index):
                if lev != ref:
                    parts.append((lab == lev).astype("float64").rename(f"{c}={lev}"))
    return (pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)), refs


# -- money ------------------------------------------------------------------------------
def trailing_revenue(orders: pd.DataFrame, at, *, days: int = 365) -> pd.Series:
    """Revenue (net of returns) of each customer in the *days* up to and including day *at* (SQL)."""
    _, hi = window_bounds(at, at)
    lo = hi - pd.Timedelta(days=days)
    r = query(f"SELECT customer_id, SUM(amount) AS revenue FROM o WHERE order_date >= {_ts(lo)} AND order_date < {_ts(hi)} "
              "GROUP BY customer_id ORDER BY customer_id", o=order_lines(orders))
    return r.set_index("customer_id")["revenue"].astype("float64")


def churn_cost(panel: pd.DataFrame, orders: pd.DataFrame, *, days: int = 365) -> dict[str, float]:
    """Churn cost = trailing 12-month revenue of the customers who churned in the window.

    Formula (docs/indicators.md, Churn): for each customer churned in the window,
    revenue (net of returns) in the *days* (default 365) before their churn
    date; summed.  Runs one SQL aggregation over the orders joined to the
    churned customers' dates.

    Returns
    -------
    dict
        ``cost`` (sum), ``customers`` (churned), ``mean`` (cost per churned customer).
    """
    ch = panel.loc[panel["churned"], ["customer_id", "churn_date"]]
    if ch.empty:
        return {"cost": 0.0, "customers": 0, "mean": float("nan")}
    ch = ch.assign(churn_date=pd.to_datetime(ch["churn_date"]).astype("datetime64[us]"))
    r = query(
        f"""SELECT SUM(o.amount) AS cost FROM o JOIN ch USING (customer_id)
            WHERE o.order_date < ch.churn_date + INTERVAL 1 DAY
              AND o.order_date >= ch.churn_date + INTERVAL 1 DAY - INTERVAL {int(days)} DAY""",
        o=order_lines(orders), ch=ch,
    )
    cost = float(r["cost"].iloc[0]) if r["cost"].notna().iloc[0] else 0.0
    return {"cost": cost, "customers": int(len(ch)), "mean": cost / len(ch)}


# -- early warning ----------------------------------------------------------------------
#: Features of the early-warning model (RFM, service and satisfaction).
FEATURES: tuple[str, ...] = (
    "recency_days", "orders_365", "revenue_365", "tenure_days", "tickets_180", "complaints_180",
    "satisfaction", "no_survey", "inbound_90",
)
_LOG_FEATURES = ("recency_days", "orders_365", "revenue_365", "tenure_days", "tickets_180", "complaints_180", "inbound_90")

_FEATURES_SQL = """
SELECT customer_id,
       DATE_DIFF('day', MAX(order_date) FILTER (WHERE NOT is_return), {asof}) AS recency_days,
       COUNT(*) FILTER (WHERE NOT is_return AND order_date >= {y1}) AS orders_365,
       COALESCE(SUM(amount) FILTER (WHERE order_date >= {y1}), 0) AS revenue_365,
       DATE_DIFF('day', MIN(order_date) FILTER (WHERE NOT is_return), {asof}) AS tenure_days
FROM o WHERE order_date < {asof}
GROUP BY customer_id
HAVING COUNT(*) FILTER (WHERE NOT is_return) > 0
ORDER BY customer_id
"""


def churn_features(orders: pd.DataFrame, as_of, *, tickets: pd.DataFrame | None = None,
                   surveys: pd.DataFrame | None = None, interactions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-customer early-warning features known at the end of day *as_of* (no look-ahead).

    * RFM (SQL over orders): ``recency_days`` (days since last purchase),
      ``orders_365``, ``revenue_365`` (trailing year), ``tenure_days``;
    * service: ``tickets_180``, ``complaints_180`` (tickets opened in the last
      180 days);
    * satisfaction: ``satisfaction`` = mean survey score / scale maximum over the
      last 365 days (company mean where the customer gave none) and
      ``no_survey`` (1 when imputed);
    * engagement: ``inbound_90`` = inbound interactions in the last 90 days.
    """
    _, hi = window_bounds(as_of, as_of)
    y1 = hi - pd.Timedelta(days=365)
    f = query(_FEATURES_SQL.format(asof=_ts(hi), y1=_ts(y1)), o=order_lines(orders))
    f = f.set_index("customer_id")

    def count(df, col, days, mask=None):
        if df is None or len(df) == 0 or "customer_id" not in df:
            return pd.Series(0.0, index=f.index)
        d = df[(df[col] < hi) & (df[col] >= hi - pd.Timedelta(days=days))]
        if mask is not None:
            d = d[mask(d)]
        return d["customer_id"].astype("str").value_counts().reindex(f.index, fill_value=0).astype("float64")

    f["tickets_180"] = count(tickets, "opened_at", 180)
    f["complaints_180"] = count(tickets, "opened_at", 180,
                                lambda d: d["is_complaint"].astype("boolean").fillna(False).astype(bool) if "is_complaint" in d else False)
    f["inbound_90"] = count(interactions, "occurred_at", 90,
                            lambda d: d["direction"].astype("str") == "inbound" if "direction" in d else True)
    if surveys is not None and len(surveys):
        s = surveys[(surveys["responded_at"] < hi) & (surveys["responded_at"] >= y1) & (surveys["survey_type"] != "employee")]
        s = s[s["customer_id"].notna()]
        scale = pd.to_numeric(s["scale_max"], errors="coerce").fillna(5.0) if "scale_max" in s else 5.0
        norm = (pd.to_numeric(s["score"], errors="coerce") / scale).groupby(s["customer_id"].astype("str")).mean()
        sat = norm.reindex(f.index)
        fill = float(norm.mean()) if len(norm) else 0.0
        f["no_survey"] = sat.isna().astype("float64")
        f["satisfaction"] = sat.fillna(fill)
    else:
        f["no_survey"], f["satisfaction"] = 1.0, 0.0
    for c in ("recency_days", "orders_365", "revenue_365", "tenure_days"):
        f[c] = f[c].astype("float64")
    return f.reset_index()[["customer_id", *FEATURES]]


def churn_dataset(customers: pd.DataFrame, orders: pd.DataFrame, as_of, horizon_days: int, *,
                  churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                  business_model: BusinessModel | None = None,
                  tickets: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None,
                  interactions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Features at *as_of* and the label "churned in the next *horizon_days*".

    Rows are the customers at risk at the start of ``[as_of + 1, as_of +
    horizon_days]`` (:func:`churn_panel`); the label ``churned`` is whether
    they churned inside it.  Features use data up to *as_of* only, so a model
    trained on an earlier window and evaluated on a later one is an honest
    time-split holdout.
    """
    s = as_of_day = window_bounds(as_of, as_of)[1]
    e = as_of_day + pd.Timedelta(days=int(horizon_days) - 1)
    panel = churn_panel(customers, orders, s, e, churn_events=churn_events, inactivity_days=inactivity_days,
                        business_model=business_model)
    risk = panel.loc[panel["at_risk"], ["customer_id", "churned"]]
    X = churn_features(orders, as_of, tickets=tickets, surveys=surveys, interactions=interactions)
    out = risk.merge(X, on="customer_id", how="inner")
    out["churned"] = out["churned"].astype(int)
    out.attrs.update(panel.attrs)
    return out


def auc(y: Sequence[int], p: Sequence[float]) -> float:
    """Area under the ROC curve (Mann–Whitney U / (n1 n0), ties count one half).

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    from scipy.stats import rankdata

    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    n1, n0 = int(y.sum()), int((1 - y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(p)
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def top_decile_lift(y: Sequence[int], p: Sequence[float], *, share: float = 0.1) -> float:
    """Lift in the top decile = churn rate among the top *share* by score / overall churn rate.

    Examples
    --------
    >>> top_decile_lift([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0.9, 0.1, 0.2, 0.1, 0.1, 0.1, 0.3, 0.2, 0.1, 0.05])
    5.0
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    k = max(1, int(math.ceil(share * len(y) - 1e-9)))
    top = np.argsort(-p, kind="stable")[:k]
    base = y.mean()
    return float(y[top].mean() / base) if base > 0 else float("nan")


def calibration_table(y: Sequence[int], p: Sequence[float], *, bins: int = 10) -> pd.DataFrame:
    """Predicted vs observed churn by score decile (equal-count bins).

    Returns
    -------
    DataFrame
        ``bin`` (1 = lowest scores), ``customers, predicted`` (mean score),
        ``observed`` (churn share).
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, max(len(p), 1)))
    rows = [{"bin": i + 1, "customers": len(g), "predicted": float(p[g].mean()), "observed": float(y[g].mean())}
            for i, g in enumerate(groups) if len(g)]
    return pd.DataFrame(rows, columns=["bin", "customers", "predicted", "observed"])


def _ridge_logit(X: np.ndarray, y: np.ndarray, penalty: float = 1.0) -> np.ndarray:
    """Coefficients of a logistic regression with an L2 penalty on all but the intercept (column 0).

    The fallback when maximum likelihood has no finite solution (perfect
    separation, a singular Hessian on a handful of rows): the penalised
    log-likelihood ``Σ [y z − log(1 + e^z)] − penalty/2 · Σ_{j≥1} b_j²`` is
    strictly concave, so L-BFGS finds its unique maximum.  No standard errors.
    """
    from scipy.optimize import minimize

    mask = np.r_[0.0, np.ones(X.shape[1] - 1)]

    def loss(b):
        z = X @ b
        ll = float(np.sum(y * z - np.logaddexp(0.0, z)))
        grad = X.T @ (y - 1.0 / (1.0 + np.exp(-z)))
        return -ll + 0.5 * penalty * float(np.sum(mask * b * b)), -grad + penalty * mask * b

    return minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B").x


class ChurnWarningModel:
    """Early-warning churn model: logistic regression on RFM, service and satisfaction features.

    Follows the fitter convention: the constructor takes configuration only,
    :meth:`fit` returns ``self`` and learned values end in ``_``.  Features
    with heavy tails are ``log1p``-transformed, then standardised with the
    training means and standard deviations; the model is statsmodels
    ``Logit`` (a ridge (L2-penalised) fit is used if the data are perfectly
    separable).

    Parameters
    ----------
    features : sequence of str
        Feature columns (default :data:`FEATURES`).

    Attributes
    ----------
    params_ : pandas.Series
        Coefficients on the standardised features (``const`` first).
    summary_ : DataFrame
        ``feature, coef, se, odds_ratio, p_value`` (odds ratio per standard deviation).
    n_, events_ : int
        Training rows and churners.
    attributes_ : AttributeSelection
        Set by :func:`warning_model`: the ``attr_*`` dummies among the features
        and the attributes left out (:func:`crmkit.indicators.attributes.select_attributes`).
    converged_ : bool
        False when the unpenalised fit failed and the ridge (L2-penalised) fallback
        was used (its standard errors are then NaN).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["churned"] = (rng.random(400) < 1 / (1 + np.exp(-2 * df["x"]))).astype(int)
    >>> m = ChurnWarningModel(features=["x"]).fit(df)
    >>> bool(m.evaluate(df)["auc"] > 0.75)
    True
    """

    def __init__(self, features: Sequence[str] = FEATURES, log_features: Sequence[str] = _LOG_FEATURES):
        self.features = list(features)
        self.log_features = [f for f in log_features if f in self.features]

    def _matrix(self, frame: pd.DataFrame, fitting: bool = False) -> np.ndarray:
        X = frame[self.features].astype("float64").copy()
        for c in self.log_features:
            X[c] = np.log1p(X[c].clip(lower=0))
        if fitting:
            self.means_ = X.mean()
            self.scales_ = X.std(ddof=0).replace(0, 1.0).fillna(1.0)
        Z = (X - self.means_) / self.scales_
        return np.column_stack([np.ones(len(Z)), Z.fillna(0.0).to_numpy()])

    def fit(self, frame: pd.DataFrame, label: str = "churned") -> "ChurnWarningModel":
        """Fit on *frame* (features plus a 0/1 *label* column); returns self."""
        import statsmodels.api as sm

        y = frame[label].astype(int).to_numpy()
        if y.min() == y.max():
            raise ValueError("the training window has only one outcome; choose a longer window")
        X = self._matrix(frame, fitting=True)
        names = ["const", *self.features]
        # Features without variation (e.g. service features of a company that supplied no
        # tickets) carry no information and make the Hessian singular: they get coefficient 0.
        varying = np.r_[True, (X[:, 1:].std(axis=0) > 0)]
        self.dropped_ = [n for n, keep in zip(names, varying) if not keep]
        Xv = X[:, varying]
        params, se, pv = np.zeros(len(names)), np.full(len(names), np.nan), np.full(len(names), np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence problems are handled below, not printed into reports
            try:
                res = sm.Logit(y, Xv).fit(disp=0, maxiter=200)
                if not (res.mle_retvals.get("converged", True) and np.all(np.isfinite(res.params))
                        and np.all(np.isfinite(res.bse))):
                    raise np.linalg.LinAlgError("maximum likelihood did not converge")
                se[varying], pv[varying], self.converged_ = np.asarray(res.bse), np.asarray(res.pvalues), True
            except Exception:  # perfect separation, singular Hessian or no convergence
                res = None
                self.converged_ = False
        params[varying] = np.asarray(res.params) if res is not None else _ridge_logit(Xv, y)
        self.params_ = pd.Series(params, index=names)
        self.summary_ = pd.DataFrame({"feature": names, "coef": self.params_.to_numpy(), "se": se,
                                      "odds_ratio": np.exp(self.params_.to_numpy()), "p_value": pv})
        self.n_ = int(len(y))
        self.events_ = int(y.sum())
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Churn probability of each row of *frame*."""
        if not hasattr(self, "params_"):
            raise RuntimeError("call fit() first")
        z = self._matrix(frame) @ self.params_.to_numpy()
        return 1.0 / (1.0 + np.exp(-z))

    def evaluate(self, frame: pd.DataFrame, label: str = "churned", *, bins: int = 10) -> dict:
        """AUC, top-decile lift, base rate, Brier score and calibration table on *frame*."""
        y = frame[label].astype(int).to_numpy()
        p = self.predict_proba(frame)
        return {
            "n": int(len(y)), "events": int(y.sum()), "base_rate": float(y.mean()) if len(y) else float("nan"),
            "auc": auc(y, p), "top_decile_lift": top_decile_lift(y, p), "brier": float(np.mean((p - y) ** 2)),
            "calibration": calibration_table(y, p, bins=bins),
        }


def risk_by_segment(scores: pd.DataFrame, customers: pd.DataFrame, by: str, *, revenue: pd.Series | None = None,
                    threshold: float | None = None) -> pd.DataFrame:
    """Customers at risk and expected revenue at risk per segment (no identities).

    Parameters
    ----------
    scores : DataFrame
        ``customer_id`` and ``probability`` (e.g. :func:`at_risk_scores`, whose
        ``revenue`` column and ``threshold`` attribute are used when
        *revenue* and *threshold* are not given).
    revenue : Series, optional
        Trailing revenue per customer id (:func:`trailing_revenue`).
    threshold : float, optional
        Probability from which a customer counts as high risk (default: the
        scores' ``threshold`` attribute, else the top-decile cut-off of
        *scores*; an attribute of None marks nobody).

    Returns
    -------
    DataFrame
        ``segment, customers, high_risk, expected_churners`` (Σ probability),
        ``revenue_at_risk`` (Σ probability × trailing revenue), most
        revenue at risk first; the segments' sums add up to
        :func:`revenue_at_risk`.
    """
    p = scores["probability"].astype("float64")
    if threshold is not None:
        thr = float(threshold)
    elif "threshold" in scores.attrs:
        thr = scores.attrs["threshold"]
    else:
        thr = float(np.quantile(p, 0.9)) if len(p) else None
    seg = _attach(scores.assign(first_order=pd.NaT), customers, by, None, None) if by != "cohort" else None
    if revenue is not None:
        rev = scores["customer_id"].astype("str").map(revenue).fillna(0.0)
    elif "revenue" in scores:
        rev = scores["revenue"].astype("float64")
    else:
        rev = pd.Series(0.0, index=scores.index)
    high = (p >= thr) if thr is not None else pd.Series(False, index=scores.index)
    df = pd.DataFrame({"segment": seg.to_numpy(), "p": p.to_numpy(), "high": high.to_numpy(),
                       "rar": (p.clip(0, 1) * rev.clip(lower=0)).to_numpy()})
    g = df.groupby("segment")
    out = pd.DataFrame({"customers": g.size(), "high_risk": g["high"].sum().astype("int64"),
                        "expected_churners": g["p"].sum(), "revenue_at_risk": g["rar"].sum()})
    out = out.rename_axis("segment").reset_index().sort_values("revenue_at_risk", ascending=False).reset_index(drop=True)
    out.attrs["threshold"] = thr
    return out


# -- report read-outs: several segments, survival split, hazards, warning model ---------
#: Customer attributes the reports split churn by, in order (then ``segment`` and ``attr_*`` columns: :func:`segment_dimensions`).
SEGMENT_DIMENSIONS: tuple[str, ...] = ("customer_type", "channel", "acquisition_channel", "region", "cohort", "tenure_band")
#: Customer attributes tried for survival curves, current-risk segments and hazard models.
SPLIT_DIMENSIONS: tuple[str, ...] = ("customer_type", "acquisition_channel", "region")


def churn_by_segments(panel: pd.DataFrame, customers: pd.DataFrame, dimensions: Sequence[str] | None = None,
                      *, orders: pd.DataFrame | None = None, at=None, min_n: int = MIN_N) -> pd.DataFrame:
    """:func:`churn_by` for several dimensions, stacked.

    *dimensions* default to :func:`segment_dimensions` of *customers*
    (the report's attributes, tenure band, ``segment`` and ``attr_*``).
    Dimensions with fewer than two segments are left out.

    Returns
    -------
    DataFrame
        ``dimension`` (the attribute's name) followed by the columns of
        :func:`churn_by`; empty (with those columns) when no dimension splits.
    """
    parts = []
    for dim in (segment_dimensions(customers) if dimensions is None else dimensions):
        t = churn_by(panel, customers, dim, orders=orders, at=at, min_n=min_n)
        if len(t) > 1:
            parts.append(t.assign(dimension=dim))
    cols = ["dimension", "segment", "at_risk", "churned", "churn_rate", "ci_low", "ci_high"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def extreme_segments(segments: pd.DataFrame, *, min_n: int = MIN_N) -> tuple[pd.Series, pd.Series] | None:
    """Segments with the highest and the lowest churn rate among those with at least *min_n* at risk.

    Returns
    -------
    (Series, Series) or None
        Rows of *segments* (ties: the first listed); None when no segment is large enough.
    """
    reliable = segments[segments["at_risk"] >= min_n]
    if reliable.empty:
        return None
    return reliable.loc[reliable["churn_rate"].idxmax()], reliable.loc[reliable["churn_rate"].idxmin()]


def intervals_differ(a_low: float, a_high: float, b_low: float, b_high: float) -> bool:
    """True when the intervals ``[a_low, a_high]`` and ``[b_low, b_high]`` do not overlap.

    A conservative test of a change between two rates: non-overlapping 95 %
    intervals imply a difference significant at well below 5 % (Schenker and
    Gentleman 2001).  Missing bounds give False.
    """
    return bool(a_low > b_high or a_high < b_low)


def first_varied(customers: pd.DataFrame, candidates: Sequence[str] = SPLIT_DIMENSIONS) -> str | None:
    """The first of *candidates* that is a column of *customers* with more than one value (None if none)."""
    return next((d for d in candidates if d in customers and customers[d].nunique() > 1), None)


def survival_split(panel: pd.DataFrame, customers: pd.DataFrame, candidates: Sequence[str] = SPLIT_DIMENSIONS, *,
                   min_n: int = MIN_N) -> tuple[str | None, pd.DataFrame]:
    """Kaplan–Meier curves by the first attribute that yields at least two curves.

    Returns
    -------
    (str or None, DataFrame)
        The attribute (None when none splits) and :func:`kaplan_meier` by it
        (the overall curve when None).
    """
    for d in candidates:
        if d in customers and customers[d].nunique() > 1:
            km = kaplan_meier(panel, by=d, customers=customers, min_n=min_n)
            if km["group"].nunique() > 1:
                return d, km
    return None, kaplan_meier(panel, min_n=min_n)


def survival_at(curve: pd.DataFrame, days: float = 365) -> float:
    """Kaplan–Meier survival at *days* (a step function: the last value at or before *days*; 1 before any event)."""
    part = curve[curve["time"] <= days]["survival"]
    return float(part.iloc[-1]) if len(part) else 1.0


def attribute_hazards(panel: pd.DataFrame, customers: pd.DataFrame, *, min_events: int = 10,
                      min_n: int = MIN_N) -> pd.DataFrame:
    """Cox hazard ratios of customer type, acquisition channel, being referred and the ``attr_*`` attributes.

    Covariates with one value only are left out; the model
    (:func:`cox_hazard_ratios`) is fitted only with at least *min_events* churn
    events.  ``referred`` is true for customers with a ``referred_by``.

    Each ``attr_*`` column enters as one-hot dummies against its most frequent
    level, levels with fewer than *min_n* customers of the panel pooled into
    ``other``, an attribute with a single level dropped
    (:func:`crmkit.indicators.attributes.select_attributes`).  Attributes are
    added in column order while the model keeps at least 10 churn events per
    coefficient (the other covariates' dummies counted first); the others are
    left out and ``attrs["attributes"]`` says which and why.

    Returns
    -------
    DataFrame
        :func:`cox_hazard_ratios` (an attribute level's term is
        ``attr_x=level``), or an empty frame when no model is fitted;
        ``attrs["reference"]`` includes the attributes' reference levels and
        ``attrs["attributes"]`` is the :class:`~crmkit.indicators.attributes.AttributeSelection`.
    """
    cus = customers.assign(customer_id=customers["customer_id"].astype("str"))
    for c in ("customer_type", "acquisition_channel", "region"):
        if c not in cus:
            cus[c] = pd.NA
    frame = panel.merge(cus[["customer_id", "customer_type", "acquisition_channel", "region"]], on="customer_id", how="left")
    referred = set(cus.loc[cus["referred_by"].notna(), "customer_id"]) if "referred_by" in cus else set()
    frame["referred"] = frame["customer_id"].isin(referred)
    covs = [c for c in ("customer_type", "acquisition_channel", "referred") if frame[c].nunique() > 1]
    if frame["event"].sum() < min_events:
        return pd.DataFrame()
    fitted = frame[frame["duration_days"].notna()]
    sel = select_attributes(customers, fitted["customer_id"], min_n=min_n, events=int(fitted["event"].sum()),
                            used=len(_design(frame, covs, 10)[0].columns) if covs else 0)
    if not covs and not sel.columns:
        return pd.DataFrame()
    hr = cox_hazard_ratios(sel.add_to(frame, customers), covs + sel.columns)
    hr.attrs["reference"] = {**hr.attrs["reference"], **sel.references}
    hr.attrs["attributes"] = sel
    return hr


def warning_model(customers: pd.DataFrame, orders: pd.DataFrame, start, horizon_days: int, *, min_n: int = MIN_N,
                  **sources) -> tuple["ChurnWarningModel | None", dict | None]:
    """Train the early-warning model on the previous window and evaluate it on the current one.

    The training set is :func:`churn_dataset` at ``start − horizon_days − 1``
    (features before the previous window, label: churned in it); the test set
    at ``start − 1`` (label: churned in the current window). *sources* are the
    keywords of :func:`churn_dataset` (churn_events, inactivity_days, tickets,
    surveys, interactions).

    Features are :data:`FEATURES` and one-hot dummies of the ``attr_*``
    columns (levels counted on the training customers, fewer than *min_n*
    pooled into ``other``, the most frequent level as reference;
    :func:`crmkit.indicators.attributes.select_attributes`), as many as keep
    at least 10 outcomes of the rarer kind (churners or stayers) per
    coefficient, the varying :data:`FEATURES` counted first.  The model's
    ``attributes_`` is that :class:`~crmkit.indicators.attributes.AttributeSelection`;
    the test set (and :func:`at_risk_scores`) are coded with the training levels.

    Returns
    -------
    (ChurnWarningModel, dict) or (None, None)
        The fitted model and :meth:`ChurnWarningModel.evaluate` on the test set;
        None when either set lacks churners or stayers.
    """
    s = pd.Timestamp(start)
    train = churn_dataset(customers, orders, s - pd.Timedelta(days=horizon_days + 1), horizon_days, **sources)
    test = churn_dataset(customers, orders, s - pd.Timedelta(days=1), horizon_days, **sources)
    if train["churned"].nunique() != 2 or not len(test) or test["churned"].nunique() != 2:
        return None, None
    churners = int(train["churned"].sum())
    sel = select_attributes(customers, train["customer_id"], min_n=min_n, events=min(churners, len(train) - churners),
                            used=int((train[list(FEATURES)].astype("float64").std(ddof=0) > 0).sum()))
    model = ChurnWarningModel(features=[*FEATURES, *sel.columns]).fit(sel.add_to(train, customers))
    model.attributes_ = sel
    return model, model.evaluate(sel.add_to(test, customers))


def at_risk_scores(model: "ChurnWarningModel | None", customers: pd.DataFrame, orders: pd.DataFrame, start, end,
                   horizon_days: int, *, business_model: BusinessModel | None = None,
                   churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                   tickets: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None,
                   interactions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The customers at risk of churning in the next period, their churn probability and trailing revenue.

    This is the one definition of "customers at risk now" behind revenue at
    risk in the churn report and the risk register (:func:`churn_risk`):

    * rows: customers at risk at the start of ``[end + 1, end +
      horizon_days]`` by :func:`churn_panel` with the report's business model
      (contractual: subscribers at *end*; otherwise customers whose last
      purchase lies less than the inactivity threshold before it);
    * ``probability``: the early-warning *model*'s churn probability from the
      features at *end* (customers without a purchase cannot be scored and are
      left out); without a model, the period churn rate of ``[start, end]``
      (:func:`churn_rate`) for every customer at risk;
    * ``revenue``: trailing 12-month revenue at *end* (:func:`trailing_revenue`, 0 without purchases).

    Returns
    -------
    DataFrame
        ``customer_id, probability, revenue`` (never to be shown row by row);
        ``attrs``: ``source`` (``model`` | ``churn_rate``), ``horizon_days``,
        ``threshold`` (probability from which a customer counts as high risk:
        the top-decile cut-off of the model's scores; None without a model),
        ``churn_rate`` (:class:`~crmkit.estimate.Estimate` of ``[start, end]``)
        and ``business_model``.
    """
    bm = business_model_of(business_model, churn_events, start, end)
    if not bm.contractual and not inactivity_days:
        inactivity_days = inactivity_threshold(orders, end)
    opts = dict(churn_events=churn_events, inactivity_days=inactivity_days, business_model=bm)
    e = window_bounds(end, end)[0]
    rate = churn_rate(churn_panel(customers, orders, start, end, **opts))
    nxt = churn_panel(customers, orders, e + pd.Timedelta(days=1), e + pd.Timedelta(days=int(horizon_days)), **opts)
    ids = nxt.loc[nxt["at_risk"], "customer_id"]
    if model is not None:
        now = churn_features(orders, e, tickets=tickets, surveys=surveys, interactions=interactions)
        if getattr(model, "attributes_", None) is not None:  # the attr_* dummies, coded with the training levels
            now = model.attributes_.add_to(now, customers)
        now = now[now["customer_id"].isin(set(ids))]
        scores = now[["customer_id"]].assign(probability=model.predict_proba(now))
        threshold = float(np.quantile(scores["probability"], 0.9)) if len(scores) else None
    else:
        p = rate.value if rate.n else float("nan")
        scores = pd.DataFrame({"customer_id": ids.to_numpy() if p == p else [], "probability": p})
        threshold = None
    scores = scores.reset_index(drop=True)
    scores["probability"] = scores["probability"].astype("float64")
    scores["revenue"] = scores["customer_id"].astype("str").map(trailing_revenue(orders, e)).fillna(0.0).astype("float64")
    scores.attrs.update(source="model" if model is not None else "churn_rate", horizon_days=int(horizon_days),
                        threshold=threshold, churn_rate=rate, business_model=bm.kind)
    return scores


def churn_risk(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *, horizon_days: int | None = None,
               business_model: BusinessModel | None = None, churn_events: pd.DataFrame | None = None,
               inactivity_days: int | None = None, tickets: pd.DataFrame | None = None,
               surveys: pd.DataFrame | None = None, interactions: pd.DataFrame | None = None) -> tuple[
        "ChurnWarningModel | None", dict | None, pd.DataFrame]:
    """Early-warning model and the scored customers at risk now: what the churn report and the risk register share.

    The business model is resolved once for ``[start, end]``
    (:func:`business_model_of`) and, for inferred churn, the inactivity
    threshold is derived once at *end* (:func:`inactivity_threshold`) when not
    given; the model is :func:`warning_model` (trained on the previous
    window, tested on this one) and the scores :func:`at_risk_scores`.
    *horizon_days* defaults to the window's length (the next period of equal length).

    Returns
    -------
    (ChurnWarningModel or None, dict or None, DataFrame)
        The model, its holdout evaluation and :func:`at_risk_scores`.
    """
    lo, hi = window_bounds(start, end)
    horizon = int(horizon_days) if horizon_days else int((hi - lo).days)
    bm = business_model_of(business_model, churn_events, start, end)
    if not bm.contractual and not inactivity_days:
        inactivity_days = inactivity_threshold(orders, end)
    sources = dict(business_model=bm, churn_events=churn_events, inactivity_days=inactivity_days, tickets=tickets,
                   surveys=surveys, interactions=interactions)
    model, evaluation = warning_model(customers, orders, start, horizon, **sources)
    return model, evaluation, at_risk_scores(model, customers, orders, start, end, horizon, **sources)


def revenue_at_risk(scores: pd.DataFrame) -> dict:
    """Revenue at risk of :func:`at_risk_scores`: the one definition used by the churn report and the risk register.

    Formula: ``expected_loss = Σ_i p_i · r_i`` over the customers at risk
    now (``p_i`` churn probability in the next period, ``r_i`` trailing
    12-month revenue); ``share`` = expected loss / ``Σ_i r_i``;
    ``expected_churners = Σ_i p_i``; ``high_risk`` = customers with ``p_i`` at
    or above the top-decile cut-off of the model's scores (none without a
    model) and ``revenue_high_risk`` their trailing revenue.

    Examples
    --------
    >>> sc = pd.DataFrame({"customer_id": ["a", "b"], "probability": [0.5, 0.1], "revenue": [100.0, 300.0]})
    >>> sc.attrs.update(source="model", threshold=0.5, horizon_days=92)
    >>> r = revenue_at_risk(sc)
    >>> r["expected_loss"], r["share"], r["high_risk"], r["revenue_high_risk"]
    (80.0, 0.2, 1, 100.0)
    """
    p = scores["probability"].astype("float64").clip(0, 1)
    r = scores["revenue"].astype("float64").clip(lower=0)
    loss, total = float((p * r).sum()), float(r.sum())
    thr = scores.attrs.get("threshold")
    high = (p >= thr) if thr is not None else pd.Series(False, index=scores.index)
    rate = scores.attrs.get("churn_rate")
    return {"expected_loss": loss, "revenue": total, "share": loss / total if total > 0 else float("nan"),
            "customers": int(len(scores)), "expected_churners": float(p.sum()), "high_risk": int(high.sum()),
            "revenue_high_risk": float(r[high].sum()), "source": scores.attrs.get("source", "model"),
            "horizon_days": scores.attrs.get("horizon_days"),
            "churn_rate": rate.value if rate is not None else float("nan"), "at_risk": rate.n if rate is not None else 0,
            "business_model": scores.attrs.get("business_model")}


__all__ += ["SEGMENT_DIMENSIONS", "SPLIT_DIMENSIONS", "TENURE_BANDS", "tenure_band", "segment_dimensions", "churn_by_segments", "extreme_segments", "intervals_differ",
            "first_varied", "survival_split", "survival_at", "attribute_hazards", "warning_model", "at_risk_scores",
            "churn_risk", "revenue_at_risk"]


def previous_change(trend: pd.DataFrame, rate: Estimate) -> tuple[pd.Series | None, bool]:
    """The previous period's row of :func:`churn_trend` and whether *rate* differs from it beyond chance.

    The difference is judged by :func:`intervals_differ` of the two 95 %
    intervals; (None, False) when the trend has no previous period.
    """
    if len(trend) < 2:
        return None, False
    prev = trend.iloc[-2]
    return prev, intervals_differ(rate.ci_low, rate.ci_high, prev["ci_low"], prev["ci_high"])


__all__.append("previous_change")
