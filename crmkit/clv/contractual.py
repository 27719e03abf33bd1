"""Customer value in a contractual setting: sBG retention and discounted expected residual lifetime.

Where customers hold a contract (subscription) and cancellation is observed
(``churn_events``), the value of the current base follows Fader & Hardie (2010):

1. **Survivor counts.** Customers are grouped into cohorts by signup period
   (calendar month or quarter); each customer's tenure is measured in whole
   periods from their own signup date. A customer is active after t periods
   when they have not churned by signup + t periods. A cohort is observed for
   the whole periods its latest member has completed by ``end``
   (:func:`survivor_counts`).
2. **Retention model.** The shifted-beta-geometric model
   (:class:`~crmkit.clv.shifted_beta_geo.ShiftedBetaGeometricFitter`) is
   fitted to all cohorts' survivor counts (Fader & Hardie 2007).
3. **Residual value.** Each customer active at ``end`` who has completed n
   periods (n renewals) is worth ``m × DERL(d | α, β, n)``, with m their margin
   per period and d the discount rate per period. Payments are taken to fall
   at the start of each period, as the model has it, so a customer active at
   ``end`` after n whole periods has paid for n + 1 periods and
   ``m = order margin up to end / (n + 1)``.
4. **Value over a horizon.** The same sum over the next H periods only,
   ``m × Σ_{j=1..H} S(n+j)/S(n) (1+d)^−(j−1)``, is the expected margin of the
   coming H periods; a customer who has already cancelled is worth 0. Its
   mean over the customers acquired in a window is what CLV:CAC compares
   with the acquisition cost (:meth:`ContractualCLV.mean_clv`).

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention.
*Journal of Interactive Marketing*, 21(1), 76-90.

Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a
contractual setting: The perils of ignoring heterogeneity. *Marketing
Science*, 29(1), 85-93.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmkit.clv.shifted_beta_geo import ShiftedBetaGeometricFitter
from crmkit.errors import ModelError
from crmkit.estimate import Estimate
from crmkit.indicators.frames import order_lines
from crmkit.sqltext import timestamp_literal
from crmkit.store.sql import query

__all__ = ["ContractualCLV", "ContractHistoryError", "contractual_clv", "customer_tenure", "survivor_counts",
           "PERIOD_MONTHS"]

#: Months per period length.
PERIOD_MONTHS: dict[str, int] = {"M": 1, "Q": 3}
_PERIOD_NAMES = {"M": ("month", "月"), "Q": ("quarter", "季度")}


class ContractHistoryError(ModelError):
    """The contract history cannot support the retention model; ``str(err)`` in English, :attr:`zh` in Chinese."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh


def _months(period: str) -> int:
    try:
        return PERIOD_MONTHS[period]
    except KeyError:
        raise ValueError(f"period must be one of {sorted(PERIOD_MONTHS)} (month, quarter), got {period!r}") from None


def _add_months(dates: pd.Series, months: np.ndarray) -> pd.Series:
    """``dates + months`` calendar months, the day clipped to the month's length (as ``pd.DateOffset``)."""
    p = pd.PeriodIndex(dates, freq="M") + np.asarray(months, dtype="int64")
    day = np.minimum(dates.dt.day.to_numpy(), p.days_in_month.to_numpy())
    out = p.start_time + pd.to_timedelta(day - 1, unit="D") + (dates - dates.dt.normalize()).to_numpy()
    return pd.Series(out, index=dates.index)


def _whole_periods(start: pd.Series, stop: pd.Series, step: int) -> np.ndarray:
    """Largest k >= 0 with start + k·step months <= stop (0 when stop < start)."""
    md = ((stop.dt.year - start.dt.year) * 12 + stop.dt.month - start.dt.month).to_numpy()
    md = np.maximum(md, 0)
    md = md - (_add_months(start, md) > stop).to_numpy()
    return np.maximum(md, 0) // step


def customer_tenure(customers: Any, churn_events: Any, end: Any, period: str = "M") -> pd.DataFrame:
    """Per customer: cohort, whole periods observed, churn period and whether active at *end*.

    Parameters
    ----------
    customers : pandas.DataFrame or StoreTable
        Canonical ``customers`` (``customer_id, signup_date``); customers who
        signed up after *end* or without a signup date are left out.
    churn_events : pandas.DataFrame or StoreTable
        Canonical ``churn_events`` (``customer_id, churned_at``); per customer
        the first churn on or after signup and up to *end* counts.
    end : date-like
        Last day observed (inclusive).
    period : {"M", "Q"}, default "M"
        Period length: calendar month or quarter.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``signup_date, cohort`` (signup period),
        ``churned_at`` (NaT if active), ``churn_period`` (T: first t >= 1 with
        churned_at <= signup + t periods; NaN if active), ``periods`` (whole
        periods from signup to churn or *end*) and ``active``.
    """
    step = _months(period)
    stop = pd.Timestamp(end).normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    lit = timestamp_literal(stop)
    cust = query(f"""
        SELECT CAST(customer_id AS VARCHAR) AS customer_id, min(CAST(signup_date AS TIMESTAMP)) AS signup_date
        FROM c WHERE customer_id IS NOT NULL AND signup_date IS NOT NULL AND CAST(signup_date AS TIMESTAMP) <= {lit}
        GROUP BY 1""", c=customers)
    churn = query(f"""
        SELECT CAST(e.customer_id AS VARCHAR) AS customer_id, min(CAST(e.churned_at AS TIMESTAMP)) AS churned_at
        FROM e JOIN (SELECT CAST(customer_id AS VARCHAR) AS customer_id, min(CAST(signup_date AS TIMESTAMP)) AS s
                     FROM c WHERE signup_date IS NOT NULL GROUP BY 1) k
             ON CAST(e.customer_id AS VARCHAR) = k.customer_id
        WHERE e.churned_at IS NOT NULL AND CAST(e.churned_at AS TIMESTAMP) <= {lit}
              AND CAST(e.churned_at AS TIMESTAMP) >= date_trunc('day', k.s)
        GROUP BY 1""", e=churn_events, c=customers)
    df = cust.merge(churn, on="customer_id", how="left").set_index("customer_id").sort_index()
    df["signup_date"] = df["signup_date"].astype("datetime64[ns]")
    df["churned_at"] = df["churned_at"].astype("datetime64[ns]")
    df["cohort"] = pd.PeriodIndex(df["signup_date"], freq=period)
    active = df["churned_at"].isna().to_numpy()
    until = df["churned_at"].where(~active, stop)
    k = _whole_periods(df["signup_date"], until, step)
    df["periods"] = k
    on_boundary = (_add_months(df["signup_date"], k * step) >= until).to_numpy()  # churned exactly at boundary k
    T = np.where(on_boundary & (k >= 1), k, k + 1).astype(float)
    df["churn_period"] = np.where(active, np.nan, T)
    df["active"] = active
    return df[["signup_date", "cohort", "churned_at", "churn_period", "periods", "active"]]


def survivor_counts(customers: Any, churn_events: Any, end: Any, period: str = "M",
                    tenure: pd.DataFrame | None = None) -> pd.DataFrame:
    """Survivor counts per signup cohort: customers still active after t = 0, 1, ... whole periods.

    Parameters
    ----------
    customers, churn_events, end, period
        As :func:`customer_tenure`.
    tenure : pandas.DataFrame, optional
        A :func:`customer_tenure` result to reuse.

    Returns
    -------
    pandas.DataFrame
        One row per cohort (index: signup period), columns ``0, 1, ..., K``
        (customers not churned by signup + t periods), NaN beyond the periods
        the cohort's latest member has completed by *end*. Pass it to
        :meth:`ShiftedBetaGeometricFitter.fit`.
    """
    tn = customer_tenure(customers, churn_events, end, period) if tenure is None else tenure
    if tn.empty:
        return pd.DataFrame()
    step = _months(period)
    stop = pd.Series(pd.Timestamp(end).normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1),
                     index=tn.index)
    horizon = pd.Series(_whole_periods(tn["signup_date"], stop, step), index=tn.index)
    K = horizon.groupby(tn["cohort"]).min()  # the cohort's latest member limits what is observed
    width = int(K.max()) + 1
    T = tn["churn_period"].fillna(np.inf)
    rows = {}
    for c, grp in T.groupby(tn["cohort"]):
        kc = int(K.loc[c])
        counts = np.full(width, np.nan)
        counts[: kc + 1] = [(grp > t).sum() for t in range(kc + 1)]
        rows[c] = counts
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(range(width)))
    out.index.name = "cohort"
    return out.sort_index()


@dataclass
class ContractualCLV:
    """Result of :func:`contractual_clv`.

    Attributes
    ----------
    model : ShiftedBetaGeometricFitter
    params : pandas.Series
        ``alpha, beta``.
    summary : pandas.DataFrame
        Estimates with standard errors and Wald 95 % bounds.
    survivors : pandas.DataFrame
        Survivor counts per cohort (:func:`survivor_counts`).
    retention_curve : pandas.DataFrame
        Indexed by t = 1..: ``survival, retention_rate, churn_probability``
        (model) and ``observed_retention`` (Σ_c n_{c,t} / Σ_c n_{c,t−1} over the
        cohorts observed at t; NaN beyond the data), ``at_risk`` (that
        denominator), ``cohorts_observed``.
    customers : pandas.DataFrame
        Active customers at *end* (index ``customer_id``): ``signup_date,
        cohort, renewals, margin_per_period, derl, residual_clv,
        horizon_clv``. Aggregate use only.
    tenure : pandas.DataFrame
        :func:`customer_tenure` of every customer with a signup date.
    totals : dict
        ``mean_residual_clv, median_residual_clv, total_residual_clv, n``
        (active customers valued), ``customers`` (all with a signup),
        ``churned, cohorts, periods`` (longest cohort observation),
        ``mean_margin_per_period, mean_derl, mean_horizon_clv,
        total_horizon_clv, discount_rate_period, horizon_periods``,
        ``mean_churn_probability`` (α/(α+β), a new customer's chance of
        cancelling in the first period), ``next_renewal_rate`` (mean over the
        active customers of their chance of renewing at the end of the
        current period, (β+n)/(α+β+n)) and ``retention_gap`` (mean absolute
        difference of observed and model retention rates, weighted by the
        customers at risk).
    residual_clv_mean_estimate, residual_clv_total_estimate : Estimate
        Mean and total residual value with a 95 % interval from ``n_draws``
        draws of (α, β) (asymptotic normal on log scale; the margins held
        fixed); no interval without standard errors.
    period : {"M", "Q"}
    horizon_months : int
    notes : list of (en, zh)
    """

    model: ShiftedBetaGeometricFitter
    params: pd.Series
    summary: pd.DataFrame
    survivors: pd.DataFrame
    retention_curve: pd.DataFrame
    customers: pd.DataFrame
    tenure: pd.DataFrame
    totals: dict[str, float]
    residual_clv_mean_estimate: Estimate = field(default_factory=lambda: Estimate(float("nan")))
    residual_clv_total_estimate: Estimate = field(default_factory=lambda: Estimate(float("nan")))
    period: str = "M"
    horizon_months: int = 12
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def period_names(self) -> tuple[str, str]:
        """The contract period in words: ``("month", "月")`` or ``("quarter", "季度")``."""
        return _PERIOD_NAMES[self.period]

    def parameters_table(self) -> pd.DataFrame:
        """``model, parameter, meaning_en, meaning_zh, coef, se, lower, upper, rel_se`` of the sBG fit."""
        meaning = {"alpha": ("churn probability: Beta shape α", "流失概率：Beta 形状参数 α"),
                   "beta": ("churn probability: Beta shape β", "流失概率：Beta 形状参数 β")}
        rows = []
        for name, r in self.summary.iterrows():
            en, zh = meaning[str(name)]
            rows.append({"model": "sBG", "parameter": str(name), "meaning_en": en, "meaning_zh": zh,
                         "coef": float(r["coef"]), "se": float(r["se(coef)"]), "lower": float(r["lower 95% bound"]),
                         "upper": float(r["upper 95% bound"]), "rel_se": float(r["se(coef)"] / r["coef"])})
        return pd.DataFrame(rows)

    def mean_clv(self, customer_ids: Any = None) -> tuple[float, int]:
        """Mean value over the horizon of some customers (e.g. those acquired in the window) and how many were found.

        Customers who have cancelled count with 0; ids without a signup date
        on or before the end are ignored; None means every customer with one.

        Returns
        -------
        (float, int)
            Mean ``horizon_clv`` (NaN when none found) and the number of customers averaged.
        """
        ids = self.tenure.index
        if customer_ids is not None:
            ids = ids[ids.isin(pd.Index(customer_ids).astype(str))]
        if not len(ids):
            return float("nan"), 0
        return float(self.customers["horizon_clv"].reindex(ids).fillna(0.0).mean()), int(len(ids))


def _value_interval(model: ShiftedBetaGeometricFitter, margin: np.ndarray, renewals: np.ndarray, d: float,
                    n_draws: int, seed: int) -> tuple[Estimate, Estimate]:
    """Mean and total ``margin × DERL`` with 95 % intervals from draws of (α, β) (log-normal approximation)."""
    n = len(margin)
    point = float((margin * np.asarray(model.derl(d, renewals), dtype=float)).sum()) if n else 0.0
    plain = Estimate(point / n if n else float("nan"), n=n), Estimate(point, n=n)
    cov = model.variance_matrix_.to_numpy()
    if n == 0 or n_draws <= 0 or not np.all(np.isfinite(cov)):
        return plain
    p = model.params_.to_numpy()
    rng = np.random.default_rng(seed)
    try:
        draws = np.exp(rng.multivariate_normal(np.log(p), cov / np.outer(p, p), size=n_draws, method="eigh"))
    except (np.linalg.LinAlgError, ValueError):
        return plain
    m = ShiftedBetaGeometricFitter()
    u, inverse = np.unique(renewals, return_inverse=True)  # DERL per distinct tenure
    weight = np.bincount(inverse, weights=margin, minlength=len(u))
    totals = []
    for a, b in draws:
        m.params_ = pd.Series([a, b], index=["alpha", "beta"])
        totals.append(float(weight @ np.asarray(m.derl(d, u), dtype=float)))
    t = np.asarray(totals)
    t = t[np.isfinite(t)]
    if t.size < 10:
        return plain
    lo, hi = np.percentile(t, [2.5, 97.5])
    se = float(np.std(t, ddof=1))
    total = Estimate(point, se, float(min(lo, point)), float(max(hi, point)), n)
    mean = Estimate(point / n, se / n, float(min(lo, point)) / n, float(max(hi, point)) / n, n)
    return mean, total


def _period_rate(discount_rate: float, months: int) -> float:
    """Monthly rate compounded to a period of *months* months."""
    return (1.0 + float(discount_rate)) ** months - 1.0


def contractual_clv(
    customers: Any,
    churn_events: Any,
    orders: Any,
    end: Any,
    *,
    margin_rate: float | None,
    discount_rate: float,
    period: str = "M",
    horizon_months: int = 12,
    curve_periods: int | None = None,
    min_cohorts: int = 2,
    min_periods: int = 3,
    min_customers: int = 30,
    n_draws: int = 200,
    seed: int = 0,
) -> ContractualCLV:
    """Residual value of the active contract customers under the sBG model (Fader & Hardie 2007, 2010).

    Parameters
    ----------
    customers, churn_events : pandas.DataFrame or StoreTable
        Canonical ``customers`` (``customer_id, signup_date``) and
        ``churn_events`` (``customer_id, churned_at``).
    orders : pandas.DataFrame or StoreTable
        Canonical ``orders``; margins as :func:`crmkit.indicators.frames.order_lines`
        (``gross_margin``, else ``amount × margin_rate``; returns negative).
    end : date-like
        Last day observed (inclusive), normally the window end.
    margin_rate : float or None
        Margin share where ``gross_margin`` is missing (None: margin known only
        from ``gross_margin``).
    discount_rate : float
        **Monthly** discount rate (as :func:`crmkit.clv.workflow.predictive_clv`);
        compounded to the period: ``d = (1 + discount_rate)^months − 1``.
    period : {"M", "Q"}, default "M"
        Contract period length.
    horizon_months : int, default 12
        Horizon of ``horizon_clv``: ``horizon_months // months`` periods (at least one).
    curve_periods : int, optional
        Length of :attr:`ContractualCLV.retention_curve`; default the longest
        observation plus 12 periods.
    min_cohorts, min_periods, min_customers : int
        Require at least ``min_cohorts`` cohorts observed for two or more
        periods, a longest observation of ``min_periods`` periods and
        ``min_customers`` customers in those cohorts.
    n_draws : int, default 200
        Parameter draws for the intervals of the mean and total residual value (0 to skip).
    seed : int, default 0
        Seed of those draws.

    Returns
    -------
    ContractualCLV

    Raises
    ------
    ContractHistoryError
        (a :class:`crmkit.errors.ModelError`) Too few cohorts, periods,
        customers or churn events to fit the model, a discount rate of 0, or a
        fit that fails; the message says what to change, in English and (``zh``) Chinese.
    ValueError
        Invalid arguments.
    """
    months = _months(period)
    if discount_rate < 0 or int(horizon_months) < 1:
        raise ValueError("discount_rate must be >= 0 (monthly rate) and horizon_months >= 1.")
    if discount_rate == 0:
        raise ContractHistoryError(
            "The residual value of contract customers needs a discount rate above 0: without discounting the "
            "expected remaining lifetime can be infinite. Set discount_rate (monthly), e.g. 0.01.",
            "在约客户剩余价值需要大于 0 的折现率：不折现时预期剩余寿命可能为无穷大。请设置每月折现率 discount_rate，例如 0.01。")
    unit_en, unit_zh = _PERIOD_NAMES[period]
    tn = customer_tenure(customers, churn_events, end, period)
    if tn.empty:
        raise ContractHistoryError(
            "No customer has a signup date on or before the end date, so contract durations cannot be measured; "
            "contract value needs customers.signup_date.",
            "截至期末没有客户有注册日期，无法计算合约时长；合约价值需要 customers.signup_date。")
    S = survivor_counts(customers, churn_events, end, period, tenure=tn)
    observed = np.isfinite(S.to_numpy()).sum(axis=1) - 1
    usable = S[observed >= 2]
    longest = int(observed.max())
    n_usable = float(usable[0].sum()) if len(usable) else 0.0
    if len(usable) < min_cohorts or longest < min_periods or n_usable < min_customers:
        alt_en = " or period='M'" if period == "Q" else ""
        alt_zh = "或改用按月（period='M'）" if period == "Q" else ""
        raise ContractHistoryError(
            f"Too little contract history for the retention model: {len(usable)} signup cohort(s) observed for at "
            f"least two whole {unit_en}s (need {min_cohorts}), longest observation {longest} {unit_en}(s) (need "
            f"{min_periods}), {n_usable:.0f} customers in those cohorts (need {min_customers}). Use a later end "
            f"date, a longer customer history{alt_en}, or check customers.signup_date.",
            f"合约历史不足以拟合留存模型：观察满两个{unit_zh}的注册批次 {len(usable)} 个（至少需要 {min_cohorts} 个），"
            f"最长观察 {longest} 个{unit_zh}（至少需要 {min_periods} 个），这些批次共 {n_usable:.0f} 位客户（至少需要 "
            f"{min_customers} 位）。请使用更晚的截止日期、更长的客户历史{alt_zh}，或检查 customers.signup_date。")
    churned = int((~tn["active"]).sum())
    if churned == 0:
        raise ContractHistoryError(
            f"No churn event between signup and {pd.Timestamp(end):%Y-%m-%d} matches a customer, so churn "
            "probabilities cannot be estimated; check that churn_events.customer_id uses the customers' ids.",
            f"注册后至 {pd.Timestamp(end):%Y-%m-%d} 没有与客户匹配的流失事件，无法估计流失概率；"
            "请检查 churn_events.customer_id 是否使用客户编号。")
    try:
        model = ShiftedBetaGeometricFitter().fit(S)
    except ModelError as exc:
        raise ContractHistoryError(f"The retention model could not be fitted on the {unit_en}ly survivor counts: {exc}",
                                   f"无法根据各{unit_zh}留存人数拟合留存模型：{exc}") from None

    d = _period_rate(discount_rate, months)
    H = max(int(horizon_months) // months, 1)
    act = tn[tn["active"]].copy()
    lines = order_lines(orders, margin_rate=margin_rate)
    stop = pd.Timestamp(end).normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    margin = query(f"""
        SELECT CAST(customer_id AS VARCHAR) AS customer_id, sum(coalesce(margin, 0)) AS margin
        FROM o WHERE customer_id IS NOT NULL AND order_date <= {timestamp_literal(stop)} GROUP BY 1""",
                   o=lines).set_index("customer_id")["margin"]
    act["renewals"] = act["periods"].astype(int)
    act["margin_per_period"] = margin.reindex(act.index).fillna(0.0).to_numpy() / (act["renewals"].to_numpy() + 1.0)
    n_act = act["renewals"].to_numpy()
    act["derl"] = np.asarray(model.derl(d, n_act), dtype=float)
    act["residual_clv"] = act["margin_per_period"] * act["derl"]
    act["horizon_clv"] = act["margin_per_period"] * np.asarray(model.derl(d, n_act, horizon=H), dtype=float)
    out = act[["signup_date", "cohort", "renewals", "margin_per_period", "derl", "residual_clv", "horizon_clv"]]

    t = np.arange(1, int(curve_periods if curve_periods is not None else longest + 12) + 1)
    curve = model.retention_curve(t)
    num = S.sum(axis=0, min_count=1)
    prev_obs = S.shift(1, axis=1).where(S.notna())  # n_{c,t-1} where n_{c,t} is observed
    den = prev_obs.sum(axis=0, min_count=1)
    curve["observed_retention"] = (num / den).reindex(t).to_numpy()
    curve["at_risk"] = den.reindex(t).to_numpy()
    curve["cohorts_observed"] = S.notna().sum(axis=0).reindex(t).fillna(0).astype(int).to_numpy()
    seen = curve["observed_retention"].notna() & (curve["at_risk"] > 0)
    w = curve.loc[seen, "at_risk"]
    gap = float((w * (curve.loc[seen, "observed_retention"] - curve.loc[seen, "retention_rate"]).abs()).sum() / w.sum())

    notes: list[tuple[str, str]] = []
    no_orders = int((margin.reindex(out.index).isna()).sum())
    if no_orders:
        notes.append((f"{no_orders:,} active customers have no orders up to the end date; their margin per {unit_en} "
                      "is taken as 0.", f"{no_orders:,} 位在约客户截至期末没有订单，其每{unit_zh}毛利按 0 计。"))
    a, b = model.params_
    has = len(out) > 0
    totals = {
        "mean_residual_clv": float(out["residual_clv"].mean()) if has else float("nan"),
        "median_residual_clv": float(out["residual_clv"].median()) if has else float("nan"),
        "total_residual_clv": float(out["residual_clv"].sum()),
        "mean_horizon_clv": float(out["horizon_clv"].mean()) if has else float("nan"),
        "total_horizon_clv": float(out["horizon_clv"].sum()),
        "n": int(len(out)), "customers": int(len(tn)), "churned": churned, "cohorts": int(len(S)),
        "periods": longest,
        "mean_margin_per_period": float(out["margin_per_period"].mean()) if has else float("nan"),
        "mean_derl": float(out["derl"].mean()) if has else float("nan"),
        "discount_rate_period": d, "horizon_periods": H,
        "mean_churn_probability": float(a / (a + b)),
        "next_renewal_rate": float(((b + n_act) / (a + b + n_act)).mean()) if has else float("nan"),
        "retention_gap": gap,
    }
    mean_est, total_est = _value_interval(model, out["margin_per_period"].to_numpy(), n_act, d, n_draws, seed)
    return ContractualCLV(model=model, params=model.params_, summary=model.summary, survivors=S,
                          retention_curve=curve, customers=out, tenure=tn, totals=totals,
                          residual_clv_mean_estimate=mean_est, residual_clv_total_estimate=total_est, period=period,
                          horizon_months=int(horizon_months), notes=notes)
