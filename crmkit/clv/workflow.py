"""Predictive customer lifetime value from an order log, end to end.

:func:`predictive_clv` is what a report needs from :mod:`crmkit.clv` in one
call (docs/indicators.md, "Customer value", predictive CLV):

0. **Time unit.** Purchases are merged per day and counted as repeat
   purchases on distinct days; time (recency, T, the horizon) is measured in
   ``time_unit``: ``"week"`` (days / 7, the unit of Fader, Hardie & Lee 2005
   and of the published CDNOW estimates) or ``"day"``.
1. **Validation.** The order history up to ``end`` is split into a calibration
   period and a holdout of the last ``holdout_weeks`` weeks (whole days). Each
   transaction model (BG/NBD, Pareto/NBD) is fitted on the calibration period
   and predicts every calibration customer's holdout purchases. The model with
   the lowest per-customer holdout error (WAPE = Σ|predicted − actual| /
   Σ actual, i.e. MAE relative to the mean actual count) is chosen.
2. **Refit.** Every transaction model and the Gamma-Gamma spend model are
   refitted on the full history up to ``end`` (all are reported); the chosen
   one predicts.
3. **Prediction.** Per customer: expected repeat purchases over the horizon,
   P(alive), expected spend per purchase and the discounted CLV
   (``Σ_{i=1..H} E[M] (E[Y(i·f)] − E[Y((i−1)·f)]) / (1 + d)^i`` with H months,
   f time units per month (4.345 weeks or 30 days) and d the monthly discount rate, as
   :meth:`GammaGammaFitter.customer_lifetime_value`), then value tiers,
   top-decile share and an interval for the totals from the parameters'
   sampling distribution.

Returns and value basis
-----------------------
Returns (``is_return`` true or a negative ``amount``, the rule of
:func:`crmkit.indicators.frames.order_lines`) are not purchases: they are
excluded from the purchase counts and from the spend the Gamma-Gamma model is
fitted on (which needs positive values). They are *netted* afterwards with one
base-wide factor applied to the expected spend::

    value_factor = Σ value of all orders (returns negative) / Σ amount of purchases

where "value" is ``gross_margin`` (missing margins estimated as
``amount × margin_rate``) when margins are available, otherwise ``amount``.
So CLV is margin net of returns when a margin is known, net revenue otherwise
(``value_basis``).
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmkit.errors import CRMKitError, ModelError
from crmkit.estimate import Estimate
from crmkit.indicators.frames import order_lines
from crmkit.indicators.value import tier_summary, top_share, value_tiers
from crmkit.sqltext import timestamp_literal
from crmkit.store.sql import query, query_lean
from crmkit.clv.beta_geo import BetaGeoFitter
from crmkit.clv.diagnostics import calibration_holdout_table, holdout_predictions, tracking_transactions
from crmkit.clv.gamma_gamma import CORRELATION_THRESHOLD, GammaGammaFitter, SpendFrequencyCorrelationWarning
from crmkit.clv.pareto_nbd import ParetoNBDFitter
from crmkit.clv.summary import calibration_and_holdout_data, summary_data_from_transaction_data

__all__ = ["PredictiveCLV", "predictive_clv", "MODELS", "MODEL_LABELS", "STATUS_LABELS", "PARAMETER_LABELS",
           "TIME_UNITS"]

MODELS: dict[str, type] = {"bgnbd": BetaGeoFitter, "pareto_nbd": ParetoNBDFitter}
MODEL_LABELS: dict[str, str] = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}

#: Bilingual meaning of each ``status`` value.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("Models fitted and validated on a holdout period.", "模型已拟合，并已在留出期验证。"),
    "unvalidated": ("Models fitted, but they could not be checked on a holdout period.", "模型已拟合，但无法在留出期验证。"),
    "insufficient_data": ("Too little purchase history to fit the predictive models.", "购买历史不足，无法拟合预测模型。"),
    "failed": ("The predictive models could not be fitted.", "预测模型未能拟合。"),
}

#: Bilingual meaning of each fitted parameter ("{unit}" is the time unit of the models).
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "r": ("purchase rate: shape r", "购买率：形状参数 r"),
    "alpha": ("purchase rate: scale α ({unit})", "购买率：尺度参数 α（{unit}）"),
    "a": ("dropout after a purchase: a", "购后流失概率：参数 a"),
    "b": ("dropout after a purchase: b", "购后流失概率：参数 b"),
    "s": ("lifetime: shape s", "客户寿命：形状参数 s"),
    "beta": ("lifetime: scale β ({unit})", "客户寿命：尺度参数 β（{unit}）"),
    "p": ("spend per purchase: shape p", "每次消费：形状参数 p"),
    "q": ("spend per purchase: shape q", "每次消费：形状参数 q"),
    "v": ("spend per purchase: scale v", "每次消费：尺度参数 v"),
}
#: Time units of the transaction models: (period purchases are merged in, its length in that period).
#: ``week``: repeat purchases on distinct days, time in weeks (Fader, Hardie & Lee 2005); ``day``: time in days.
TIME_UNITS: dict[str, tuple[str, int]] = {"week": ("D", 7), "day": ("D", 1)}
_UNIT_NAMES = {"week": ("weeks", "周"), "day": ("days", "天")}

# time units per month (as GammaGammaFitter.customer_lifetime_value with freq "W" and "D").
_PER_MONTH = {"week": 4.345, "day": 30.0}
_PENALTIES = (0.0, 0.001, 0.01)  # tried in turn when a fit does not converge


@dataclass
class PredictiveCLV:
    """Result of :func:`predictive_clv`.

    Everything except :attr:`customers` is aggregate; :attr:`customers` is
    indexed by customer id and must never be displayed row by row.

    Attributes
    ----------
    status : {"ok", "unvalidated", "insufficient_data", "failed"}
        ``ok``: fitted and validated; ``unvalidated``: fitted, but no holdout
        comparison was possible (short history, no holdout purchases or no
        calibration fit); ``insufficient_data``: too few customers or repeat
        customers to fit; ``failed``: fitting raised :class:`ModelError`.
    message, message_zh : str
        What happened, in English and Chinese (empty when all went well).
    model : str or None
        Chosen transaction model key (``"bgnbd"`` or ``"pareto_nbd"``).
    model_label : str
        Its display name (``"BG/NBD"``, ``"Pareto/NBD"``).
    choice_reason, choice_reason_zh : str
        Why the model was chosen, with the holdout errors.
    holdout_errors : pandas.DataFrame
        Indexed by model key: ``model_label, status, n_customers, actual_total,
        predicted_total, pct_error, mae, rmse, wape`` (NaN for a model that did
        not fit on the calibration period; ``status`` holds its error).
    calibration_holdout : dict of str to pandas.DataFrame
        Per model: mean actual vs predicted holdout purchases by calibration
        frequency (:func:`~crmkit.clv.diagnostics.calibration_holdout_table`).
    tracking : dict of str to pandas.DataFrame
        Per model: actual vs expected repeat purchases per week (whole weeks
        from the first purchase day) and cumulatively
        (:func:`~crmkit.clv.diagnostics.tracking_transactions`).
    holdout_start : float or None
        Weeks in :attr:`tracking` up to the calibration end (the holdout
        follows); pass it to :func:`~crmkit.clv.plotting.plot_tracking`.
    calibration_end, observation_end : pandas.Timestamp or None
        Last moments of the calibration period and of the whole history.
    holdout_length_weeks : float
        Length of the holdout actually used, in weeks (0 when none).
    transaction_summary, spend_summary : pandas.DataFrame or None
        Fitted parameters on the full history with standard errors and Wald
        95 % bounds (``summary`` of the fitters) of the chosen transaction
        model and of Gamma-Gamma.
    transaction_model, spend_model : fitted fitters or None
    transaction_models, calibration_models : dict of str to fitted fitter
        Every transaction model that could be fitted on the full history, and
        on the calibration period (keys as :data:`MODELS`).
    penalizer : dict of str to float
        L2 penalty each full-history fit needed (0 unless a plain fit failed).
    spend_frequency_correlation : float
        Pearson r of repeat frequency and mean spend among repeat customers;
        Gamma-Gamma assumes they are independent.
    spend_frequency_ok : bool
        ``|r| <= 0.3``.
    customers : pandas.DataFrame
        Per customer (index = customer id): ``first_purchase, frequency,
        recency, T, monetary_value, expected_transactions, p_alive,
        expected_spend, clv, tier``.
    tiers : pandas.DataFrame
        :func:`crmkit.indicators.value.tier_summary` of the CLV (high = top 20 %,
        medium = next 30 %, low = bottom 50 %).
    totals : dict
        ``expected_transactions_total, clv_total, clv_mean, clv_median,
        top_decile_share, share_alive (mean P(alive)), expected_alive,
        share_p_alive_above_half, mean_expected_spend``.
    clv_mean_estimate, clv_total_estimate, transactions_total_estimate : Estimate
        Point value with a 95 % interval from ``n_draws`` draws of the fitted
        parameters (asymptotic normal on log scale); interval NaN when the
        standard errors are not available.
    sizes : dict of str to int
        ``orders, purchases, returns, customers, repeat_customers,
        calibration_customers, calibration_repeat_customers,
        holdout_purchases, spend_customers``.
    value_basis : {"margin", "net revenue"}
    value_factor : float
        Multiplier from purchase amounts to the value basis (see module notes).
    return_rate : float
        Returned amount / purchased amount over the history.
    horizon_months, discount_rate, time_unit : as passed
    notes : list of tuple of str
        Further (en, zh) remarks, e.g. the spend-frequency correlation warning.
    """

    status: str
    message: str = ""
    message_zh: str = ""
    model: str | None = None
    model_label: str = ""
    choice_reason: str = ""
    choice_reason_zh: str = ""
    holdout_errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    calibration_holdout: dict[str, pd.DataFrame] = field(default_factory=dict)
    tracking: dict[str, pd.DataFrame] = field(default_factory=dict)
    holdout_start: float | None = None
    calibration_end: pd.Timestamp | None = None
    observation_end: pd.Timestamp | None = None
    holdout_length_weeks: float = 0.0
    transaction_summary: pd.DataFrame | None = None
    spend_summary: pd.DataFrame | None = None
    transaction_model: Any = None
    spend_model: Any = None
    transaction_models: dict[str, Any] = field(default_factory=dict)
    calibration_models: dict[str, Any] = field(default_factory=dict)
    penalizer: dict[str, float] = field(default_factory=dict)
    spend_frequency_correlation: float = float("nan")
    spend_frequency_ok: bool = True
    customers: pd.DataFrame = field(default_factory=pd.DataFrame)
    tiers: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, float] = field(default_factory=dict)
    clv_mean_estimate: Estimate = field(default_factory=lambda: Estimate(float("nan")))
    clv_total_estimate: Estimate = field(default_factory=lambda: Estimate(float("nan")))
    transactions_total_estimate: Estimate = field(default_factory=lambda: Estimate(float("nan")))
    sizes: dict[str, int] = field(default_factory=dict)
    value_basis: str = "net revenue"
    value_factor: float = float("nan")
    return_rate: float = float("nan")
    horizon_months: int = 12
    discount_rate: float = 0.01
    time_unit: str = "week"
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fitted(self) -> bool:
        """True when per-customer CLV is available (status ``ok`` or ``unvalidated``)."""
        return self.status in ("ok", "unvalidated")

    def parameters_table(self) -> pd.DataFrame:
        """Fitted parameters (full history) of every transaction model, the chosen one first, and of Gamma-Gamma.

        Returns
        -------
        pandas.DataFrame
            ``model, parameter, meaning_en, meaning_zh, coef, se, lower, upper,
            rel_se, used`` (``rel_se`` = se / coef; above 0.5 the data pin the
            parameter down poorly; ``used``: the model the CLV is computed
            with). Empty when nothing was fitted.
        """
        rows = []
        unit_en, unit_zh = _UNIT_NAMES[self.time_unit]
        fits = [(self.model_label, self.transaction_summary, True)]
        fits += [(MODEL_LABELS[k], m.summary, False) for k, m in self.transaction_models.items() if k != self.model]
        fits.append(("Gamma-Gamma", self.spend_summary, True))
        for label, summ, used in fits:
            if summ is None:
                continue
            for name, r in summ.iterrows():
                en, zh = PARAMETER_LABELS.get(str(name), (str(name), str(name)))
                rows.append({
                    "model": label, "parameter": str(name), "meaning_en": en.format(unit=unit_en),
                    "meaning_zh": zh.format(unit=unit_zh), "coef": float(r["coef"]), "se": float(r["se(coef)"]),
                    "lower": float(r["lower 95% bound"]), "upper": float(r["upper 95% bound"]),
                    "rel_se": float(r["se(coef)"] / r["coef"]) if r["coef"] else float("nan"), "used": used,
                })
        return pd.DataFrame(rows, columns=["model", "parameter", "meaning_en", "meaning_zh", "coef", "se", "lower",
                                           "upper", "rel_se", "used"])

    def implied(self) -> dict[str, float]:
        """Population quantities implied by the parameters, for plain-language readings.

        Returns
        -------
        dict
            ``purchases_per_year`` (mean purchase rate of active customers,
            r/α × periods per year), ``dropout_per_purchase`` (BG/NBD: a/(a+b)),
            ``mean_lifetime_years`` (Pareto/NBD: β/(s−1) when s > 1) and
            ``mean_spend`` (Gamma-Gamma: p v/(q−1), before the value factor); NaN
            when not applicable.
        """
        out = {k: float("nan") for k in ("purchases_per_year", "dropout_per_purchase", "mean_lifetime_years", "mean_spend")}
        if self.transaction_model is None:
            return out
        per_year = 12 * _PER_MONTH[self.time_unit]
        tp = self.transaction_model.params_
        out["purchases_per_year"] = float(tp["r"] / tp["alpha"] * per_year)
        if self.model == "bgnbd":
            out["dropout_per_purchase"] = float(tp["a"] / (tp["a"] + tp["b"]))
        elif self.model == "pareto_nbd" and tp["s"] > 1:
            out["mean_lifetime_years"] = float(tp["beta"] / (tp["s"] - 1) / per_year)
        if self.spend_model is not None:
            gp = self.spend_model.params_
            out["mean_spend"] = float(gp["p"] * gp["v"] / (gp["q"] - 1))
        return out

    def mean_clv(self, customer_ids: Sequence[Any] | None = None) -> tuple[float, int]:
        """Mean predicted CLV over some customers (all when None) and how many were found.

        Parameters
        ----------
        customer_ids : sequence, optional
            Ids to average over (e.g. the customers acquired in the window);
            ids without a prediction (no purchase yet) are ignored.

        Returns
        -------
        (float, int)
            Mean CLV (NaN when none found) and the number of customers averaged.
        """
        if not self.fitted:
            return float("nan"), 0
        clv = self.customers["clv"]
        if customer_ids is not None:
            clv = clv[clv.index.isin(pd.Index(customer_ids))]
        return (float(clv.mean()) if len(clv) else float("nan")), int(len(clv))


# -- helpers --------------------------------------------------------------------
def _end_of_day(end: Any) -> pd.Timestamp:
    return pd.Timestamp(end).normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def _weekly_tracking(model: Any, purchases: pd.DataFrame, n_days: int, days_per_unit: int) -> pd.DataFrame:
    """Actual vs expected repeat purchases per week from the first purchase day, for a model in days or weeks.

    :func:`~crmkit.clv.diagnostics.tracking_transactions` over *n_days* days
    (purchases merged per day); a model in days is tracked per day and read
    at every seventh day.
    """
    track = tracking_transactions(model, purchases, "customer_id", "order_date", t=n_days, freq="D",
                                  freq_multiplier=days_per_unit)
    if days_per_unit == 7:
        return track
    week = track.iloc[6::7].copy()
    week.index = pd.Index(np.arange(1, len(week) + 1), name="t")
    for col in ("actual", "predicted"):
        week[col] = np.diff(week[f"{col}_cumulative"].to_numpy(), prepend=0.0)
    return week


def _prepare(orders: Any, end: pd.Timestamp, margin_rate: float | None) -> tuple[pd.DataFrame, dict]:
    """Purchases up to *end* (three columns) and the value basis, from a frame or from the store.

    Orders are read as :func:`crmkit.indicators.frames.order_lines` (the
    common return rule and margin basis); the totals are one SQL statement
    and only the purchases' three columns come into memory.
    """
    lines = order_lines(orders, margin_rate=margin_rate)
    rows = f"""
        SELECT customer_id, order_date, amount, gross_margin AS gm, margin AS value, is_return AS ret
        FROM t WHERE customer_id IS NOT NULL AND order_date IS NOT NULL AND order_date <= {timestamp_literal(end)}"""
    tot = query(f"""
        WITH o AS ({rows})
        SELECT count(*) AS orders, count(*) FILTER (WHERE ret) AS returns, count(*) FILTER (WHERE NOT ret) AS purchases,
               coalesce(sum(coalesce(amount, 0)) FILTER (WHERE NOT ret), 0) AS gross,
               coalesce(sum(coalesce(amount, 0)) FILTER (WHERE ret), 0) AS returned,
               coalesce(sum(value), 0) AS value,
               count(gm) AS gm_known, coalesce(sum(gm), 0) AS gm_sum,
               coalesce(sum(amount) FILTER (WHERE gm IS NOT NULL AND NOT ret), 0) AS g_known
        FROM o""", t=lines).iloc[0]
    gross, returned = float(tot["gross"]), -float(tot["returned"])
    if margin_rate is not None:
        basis, factor = "margin", float(tot["value"]) / gross if gross > 0 else float("nan")
    elif int(tot["gm_known"]) > 0:
        g_known = float(tot["g_known"])
        basis, factor = "margin", float(tot["gm_sum"]) / g_known if g_known > 0 else float("nan")
    else:
        basis, factor = "net revenue", (gross - returned) / gross if gross > 0 else float("nan")
    info = {"value_basis": basis, "value_factor": factor, "return_rate": returned / gross if gross > 0 else float("nan"),
            "orders": int(tot["orders"]), "purchases": int(tot["purchases"]), "returns": int(tot["returns"])}
    # a fixed row order: the per-customer sums, and so the fits, are the same to the last bit on frames and the store
    purchases = query_lean(f"SELECT customer_id, order_date, coalesce(amount, 0) AS amount FROM ({rows}) WHERE NOT ret "
                           "ORDER BY customer_id, order_date, amount", t=lines)
    purchases["order_date"] = purchases["order_date"].astype("datetime64[ns]")
    return purchases, info


def _fit_transaction(key: str, x: pd.Series, tx: pd.Series, T: pd.Series, initial: Any = None) -> tuple[Any, float]:
    """Fit model *key*, retrying with a small L2 penalty when the plain fit fails.

    *initial* (a fitted model of the same kind, e.g. the calibration-period fit)
    gives the optimiser its first starting point; the default starts follow.
    """
    last: ModelError | None = None
    start = None if initial is None else initial.params_.to_numpy()
    for pen in _PENALTIES:
        try:
            return MODELS[key](penalizer_coef=pen).fit(x, tx, T, initial_params=start), pen
        except ModelError as exc:
            last = exc
    assert last is not None
    raise last


def _fit_spend(freq_: pd.Series, money: pd.Series) -> tuple[GammaGammaFitter, float, float]:
    keep = (freq_ > 0) & (money > 0)
    if keep.sum() < 2:
        raise ModelError("Gamma-Gamma needs at least two repeat customers with positive spend.")
    last: ModelError | None = None
    for pen in _PENALTIES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SpendFrequencyCorrelationWarning)
            try:
                gg = GammaGammaFitter(penalizer_coef=pen).fit(freq_[keep], money[keep])
                return gg, pen, float(gg.spend_frequency_correlation_)
            except ModelError as exc:
                last = exc
    assert last is not None
    raise last


def _discounted_transactions(model: Any, x: np.ndarray, tx: np.ndarray, T: np.ndarray, months: int, rate: float,
                             per_month: float) -> tuple[np.ndarray, np.ndarray]:
    """(Σ_i ΔE[Y(i f)] / (1+rate)^i, E[Y(months f)]) per row, as GammaGammaFitter.customer_lifetime_value.

    All horizons are evaluated in one broadcast call (t as a column).
    """
    t = (np.arange(1, int(months) + 1, dtype=float) * per_month)[:, None]
    cum = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T), dtype=float)
    cum = np.broadcast_to(cum, (t.shape[0], x.shape[0]))
    inc = np.diff(cum, axis=0, prepend=0.0)
    disc = (inc / (1.0 + rate) ** np.arange(1, t.shape[0] + 1)[:, None]).sum(axis=0)
    return disc, cum[-1]


def _with_params(model: Any, params: np.ndarray) -> Any:
    m = copy.copy(model)
    m.params_ = pd.Series(params, index=model.params_.index, name="coef")
    return m


def _draw_params(model: Any, rng: np.random.Generator, n: int) -> np.ndarray | None:
    """Draws of the parameters from their asymptotic normal on log scale (None without standard errors)."""
    p = model.params_.to_numpy()
    cov = model.variance_matrix_.to_numpy()
    if not np.all(np.isfinite(cov)):
        return None
    d = 1.0 / p
    log_cov = cov * np.outer(d, d)
    try:
        draws = np.exp(rng.multivariate_normal(np.log(p), log_cov, size=n, method="eigh"))
    except (np.linalg.LinAlgError, ValueError):
        return None
    return draws


def _interval(point: float, draws: np.ndarray, n: int) -> Estimate:
    draws = draws[np.isfinite(draws)]
    if draws.size < 10:
        return Estimate(point, n=n)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return Estimate(point, float(np.std(draws, ddof=1)), float(min(lo, point)), float(max(hi, point)), n)


TIE_WAPE = 0.005  # per-customer errors closer than this (0.5 points) count as a tie


def _rank(errors: pd.DataFrame) -> list[str]:
    """Models by holdout WAPE; within TIE_WAPE of the best, the smaller absolute total error goes first."""
    ok = errors[errors["status"] == "ok"].sort_values(["wape", "rmse"])
    if ok.empty:
        return []
    tied = ok[ok["wape"] - ok["wape"].iloc[0] < TIE_WAPE]
    first = tied["pct_error"].abs().sort_values(kind="stable").index[0]
    return [first] + [k for k in ok.index if k != first]


def _reason(errors: pd.DataFrame, chosen: str) -> tuple[str, str]:
    ok = errors[errors["status"] == "ok"]
    c = ok.loc[chosen]
    txt = f"{c['model_label']} predicted the holdout purchases best: per-customer error (WAPE) {c['wape']:.1%}, total {c['pct_error']:+.1f}%"
    zh = f"{c['model_label']} 对留出期购买的预测最准确：单客误差（WAPE）{c['wape']:.1%}，总量误差 {c['pct_error']:+.1f}%"
    others = ok.drop(index=chosen)
    if len(others):
        o = others.iloc[0]
        txt += f", against {o['wape']:.1%} and {o['pct_error']:+.1f}% for {o['model_label']}"
        zh += f"；{o['model_label']} 为 {o['wape']:.1%} 和 {o['pct_error']:+.1f}%"
        if abs(o["wape"] - c["wape"]) < TIE_WAPE:
            txt += (" - practically the same per-customer error, so the smaller error on the total number of holdout "
                    "purchases decides")
            zh += "——两者单客误差几乎相同，因此以留出期购买总量误差较小者为准"
    failed = errors[errors["status"] != "ok"]
    for key, row in failed.iterrows():
        txt += f"; {row['model_label']} could not be fitted on the calibration period"
        zh += f"；{row['model_label']} 未能在校准期拟合"
    return txt + ".", zh + "。"


# -- the workflow -----------------------------------------------------------------
def predictive_clv(
    orders: pd.DataFrame,
    *,
    end: Any,
    horizon_months: int = 12,
    discount_rate: float = 0.01,
    time_unit: str = "week",
    holdout_weeks: int = 26,
    margin_rate: float | None = None,
    models: Sequence[str] = ("bgnbd", "pareto_nbd"),
    min_customers: int = 50,
    min_repeat_customers: int = 10,
    n_draws: int = 200,
    seed: int = 0,
) -> PredictiveCLV:
    """Choose, fit and apply the BTYD models to an order log (predictive CLV).

    Parameters
    ----------
    orders : pandas.DataFrame or crmkit.store.sql.StoreTable
        Canonical ``orders``: ``customer_id, order_date, amount`` and optionally
        ``is_return`` and ``gross_margin``. Orders after ``end`` are ignored.
        A table in the store (``data.source("orders")``) is read with only
        those columns.
    end : date-like
        Last day of the observed history (inclusive), normally the window end.
    horizon_months : int, default 12
        CLV horizon in months.
    discount_rate : float, default 0.01
        Monthly discount rate.
    time_unit : {"week", "day"}, default "week"
        Time unit of the models (:data:`TIME_UNITS`); either way purchases on
        the same day are one purchase.
    holdout_weeks : int, default 26
        Length of the holdout period (the last ``7 × holdout_weeks`` days up
        to ``end``); shortened to half the history when the history is short,
        and skipped when that leaves fewer than 4 weeks.
    margin_rate : float, optional
        Margin share used where ``gross_margin`` is missing. Without it and
        without any gross margin, CLV is in net revenue.
    models : sequence of {"bgnbd", "pareto_nbd"}
        Transaction models to compare (in order of preference when no holdout
        comparison is possible).
    min_customers, min_repeat_customers : int, default 50 and 10
        Below these numbers of customers / customers with a repeat purchase
        the models are not fitted (status ``insufficient_data``).
    n_draws : int, default 200
        Parameter draws for the intervals of the totals (0 to skip).
    seed : int, default 0
        Seed of those draws.

    Returns
    -------
    PredictiveCLV
        Never raises :class:`~crmkit.errors.ModelError`: fitting problems are
        reported in ``status`` and ``message``.

    Raises
    ------
    ValueError
        Invalid arguments (unknown model or time unit, negative horizon).

    Examples
    --------
    >>> res = predictive_clv(data.orders, end="2025-12-31", margin_rate=0.3)  # doctest: +SKIP
    >>> res.model_label, res.totals["clv_mean"], res.holdout_errors["wape"]  # doctest: +SKIP
    """
    unknown = [m for m in models if m not in MODELS]
    if unknown or not models:
        raise ValueError(f"models must be a non-empty subset of {sorted(MODELS)}, got {list(models)}")
    if time_unit not in TIME_UNITS:
        raise ValueError(f"time_unit must be one of {sorted(TIME_UNITS)}, got {time_unit!r}")
    freq, mult = TIME_UNITS[time_unit]
    if int(horizon_months) < 1 or discount_rate < 0:
        raise ValueError("horizon_months must be >= 1 and discount_rate >= 0")
    obs_end = _end_of_day(end)
    res = PredictiveCLV(status="insufficient_data", horizon_months=int(horizon_months),
                        discount_rate=float(discount_rate), time_unit=time_unit, observation_end=obs_end)
    purchases, info = _prepare(orders, obs_end, margin_rate)
    res.value_basis, res.value_factor, res.return_rate = info["value_basis"], info["value_factor"], info["return_rate"]
    sizes = {k: info[k] for k in ("orders", "purchases", "returns")}
    res.sizes = sizes

    if purchases.empty:
        sizes.update(customers=0, repeat_customers=0)
        res.message = "There are no purchases up to the end of the window, so there is nothing to predict from."
        res.message_zh = "截至评估期末没有任何购买记录，无法进行预测。"
        return res
    rfm = summary_data_from_transaction_data(purchases, "customer_id", "order_date", "amount",
                                             observation_period_end=obs_end, freq=freq, freq_multiplier=mult)
    n_cust, n_rep = len(rfm), int((rfm["frequency"] > 0).sum())
    sizes.update(customers=n_cust, repeat_customers=n_rep)
    if n_cust < min_customers or n_rep < min_repeat_customers:
        res.message = (f"Only {n_cust:,} customers, {n_rep:,} of them with a repeat purchase, bought up to {obs_end:%Y-%m-%d}; "
                       f"the models need at least {min_customers} customers and {min_repeat_customers} repeat customers "
                       "to separate purchase rates from dropout.")
        res.message_zh = (f"截至 {obs_end:%Y-%m-%d} 仅有 {n_cust:,} 位客户购买，其中 {n_rep:,} 位有复购；模型至少需要 "
                          f"{min_customers} 位客户和 {min_repeat_customers} 位复购客户才能区分购买频率与流失。")
        return res

    # 1. calibration / holdout comparison
    first = purchases["order_date"].min()
    span_weeks = ((obs_end.normalize() - first.normalize()).days + 1) / 7  # whole days, the first and the last included
    hold_weeks = min(float(holdout_weeks), math.floor(span_weeks / 2))
    fitted_cal: dict[str, Any] = {}
    err_rows: dict[str, dict] = {}
    why_not = ("", "")
    ch = None
    if hold_weeks >= 4:
        cal_end = _end_of_day((obs_end - pd.Timedelta(weeks=hold_weeks)).normalize())
        res.calibration_end = cal_end
        res.holdout_length_weeks = float((obs_end - cal_end) / pd.Timedelta(weeks=1))
        try:
            ch = calibration_and_holdout_data(purchases, "customer_id", "order_date", cal_end, obs_end, freq=freq,
                                              freq_multiplier=mult)
        except CRMKitError:
            ch = None
            why_not = ("there were no purchases in the holdout period", "留出期内没有购买")
    else:
        why_not = (f"the history ({span_weeks:.0f} weeks) is too short for a holdout period",
                   f"历史数据（{span_weeks:.0f} 周）太短，无法留出验证期")
    if ch is not None:
        sizes.update(calibration_customers=len(ch), calibration_repeat_customers=int((ch["frequency_cal"] > 0).sum()),
                     holdout_purchases=int(ch["frequency_holdout"].sum()))
        if sizes["calibration_repeat_customers"] < min_repeat_customers or len(ch) < min_customers:
            why_not = ("too few calibration-period customers made repeat purchases", "校准期内复购客户太少")
        else:
            for key in models:
                try:
                    fitted_cal[key], _ = _fit_transaction(key, ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
                    res.calibration_models[key] = fitted_cal[key]
                    err_rows[key] = {"model_label": MODEL_LABELS[key], "status": "ok"}
                except ModelError as exc:
                    err_rows[key] = {"model_label": MODEL_LABELS[key], "status": str(exc)}
            if not fitted_cal:
                why_not = ("no model could be fitted on the calibration period", "没有模型能在校准期拟合")
    chosen: list[str] = []
    if fitted_cal:
        pred = holdout_predictions(fitted_cal, ch)
        actual = pred["actual"].to_numpy()
        first_day = first.normalize()
        n_days = 7 * max(int(((obs_end.normalize() - first_day).days + 1) // 7), 1)  # whole weeks: a partial one would dip
        res.holdout_start = float(((res.calibration_end.normalize() - first_day).days + 1) / 7)
        for key, m in fitted_cal.items():
            p = pred[key].to_numpy()
            err_rows[key].update(
                n_customers=len(p), actual_total=float(actual.sum()), predicted_total=float(p.sum()),
                pct_error=100 * (p.sum() - actual.sum()) / actual.sum() if actual.sum() > 0 else float("nan"),
                mae=float(np.abs(p - actual).mean()), rmse=float(np.sqrt(((p - actual) ** 2).mean())),
                wape=float(np.abs(p - actual).sum() / actual.sum()) if actual.sum() > 0 else float("nan"),
            )
            res.calibration_holdout[key] = calibration_holdout_table(m, ch)
            res.tracking[key] = _weekly_tracking(m, purchases, n_days, mult)
        cols = ["model_label", "status", "n_customers", "actual_total", "predicted_total", "pct_error", "mae", "rmse", "wape"]
        errs = pd.DataFrame.from_dict(err_rows, orient="index").reindex(columns=cols)
        errs.index.name = "model"
        res.holdout_errors = errs
        chosen = _rank(errs) + [m for m in models if m not in errs.index[errs["status"] == "ok"]]
    else:
        res.holdout_errors = pd.DataFrame.from_dict(err_rows, orient="index")
        chosen = list(models)

    # 2. refit every model on the full history; the first one of the ranking that fits predicts
    failures = []
    for key in chosen:
        try:
            res.transaction_models[key], res.penalizer[key] = _fit_transaction(
                key, rfm["frequency"], rfm["recency"], rfm["T"], initial=fitted_cal.get(key))
        except ModelError as exc:
            failures.append(f"{MODEL_LABELS[key]}: {exc}")
            continue
        if res.model is None:
            res.transaction_model, res.model, res.model_label = res.transaction_models[key], key, MODEL_LABELS[key]
    if res.model is None:
        res.status = "failed"
        res.message = "No transaction model could be fitted on the full history. " + " ".join(failures)
        res.message_zh = "在完整历史数据上未能拟合任何交易模型（" + "；".join(failures) + "）。"
        return res
    try:
        res.spend_model, res.penalizer["gamma_gamma"], res.spend_frequency_correlation = _fit_spend(
            rfm["frequency"], rfm["monetary_value"])
    except (ModelError, CRMKitError) as exc:
        res.status = "failed"
        res.message = f"The spend model (Gamma-Gamma) could not be fitted: {exc}"
        res.message_zh = f"消费金额模型（Gamma-Gamma）未能拟合：{exc}"
        return res
    sizes["spend_customers"] = int(((rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)).sum())
    res.spend_frequency_ok = abs(res.spend_frequency_correlation) <= CORRELATION_THRESHOLD
    res.transaction_summary = res.transaction_model.summary
    res.spend_summary = res.spend_model.summary

    if fitted_cal:
        res.status = "ok"
        res.choice_reason, res.choice_reason_zh = _reason(res.holdout_errors, chosen[0])
        if res.model != chosen[0]:
            res.choice_reason += f" It could not be refitted on the full history, so {res.model_label} is used instead."
            res.choice_reason_zh += f"但它无法在完整历史上重新拟合，因此改用 {res.model_label}。"
    else:
        res.status = "unvalidated"
        res.choice_reason = (f"{res.model_label} is used without a holdout comparison because {why_not[0]}; "
                             "its forecasts are unchecked.")
        res.choice_reason_zh = f"由于{why_not[1]}，{res.model_label} 未经留出期比较直接使用，其预测未经检验。"
        res.message, res.message_zh = res.choice_reason, res.choice_reason_zh
    if failures:
        res.notes.append(("; ".join(failures), "；".join(failures)))
    if not res.spend_frequency_ok:
        r = res.spend_frequency_correlation
        res.notes.append((
            f"Spend per purchase and purchase frequency are correlated (r = {r:.2f}); Gamma-Gamma assumes independence, "
            "so expected spend, and with it CLV, may be biased.",
            f"每次消费金额与购买频次相关（r = {r:.2f}）；Gamma-Gamma 模型假设二者独立，预期消费及 CLV 可能有偏差。",
        ))

    # 3. per-customer predictions
    _predict(res, rfm, n_draws=n_draws, seed=seed)
    return res


def _predict(res: PredictiveCLV, rfm: pd.DataFrame, *, n_draws: int, seed: int) -> None:
    per_month = _PER_MONTH[res.time_unit]
    tm, gg = res.transaction_model, res.spend_model
    keys = rfm[["frequency", "recency", "T"]]
    u = keys.drop_duplicates().reset_index(drop=True)  # predictions per distinct (x, t_x, T)
    ux, utx, uT = (u[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    row = keys.merge(u.reset_index(names="_u"), on=["frequency", "recency", "T"], how="left")["_u"].to_numpy()

    def evaluate(model: Any, spend_model: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        disc, cum = _discounted_transactions(model, ux, utx, uT, res.horizon_months, res.discount_rate, per_month)
        spend = np.asarray(spend_model.conditional_expected_average_profit(
            rfm["frequency"].to_numpy(), rfm["monetary_value"].to_numpy()), dtype=float)
        return disc[row], cum[row], spend

    disc, cum, spend = evaluate(tm, gg)
    factor = res.value_factor if np.isfinite(res.value_factor) else 1.0
    clv = spend * disc * factor
    p_alive = np.asarray(tm.conditional_probability_alive(ux, utx, uT), dtype=float)[row]
    out = pd.DataFrame({
        "frequency": rfm["frequency"], "recency": rfm["recency"], "T": rfm["T"], "monetary_value": rfm["monetary_value"],
        "expected_transactions": cum, "p_alive": p_alive, "expected_spend": spend, "clv": clv,
    }, index=rfm.index)
    out["tier"] = value_tiers(out["clv"])
    res.customers = out
    res.tiers = tier_summary(out["clv"], out["tier"])
    n = len(out)
    res.totals = {
        "expected_transactions_total": float(out["expected_transactions"].sum()),
        "expected_transactions_mean": float(out["expected_transactions"].mean()),
        "clv_total": float(out["clv"].sum()),
        "clv_mean": float(out["clv"].mean()),
        "clv_median": float(out["clv"].median()),
        "top_decile_share": top_share(out["clv"], 0.1),
        "share_alive": float(out["p_alive"].mean()),
        "expected_alive": float(out["p_alive"].sum()),
        "share_p_alive_above_half": float((out["p_alive"] > 0.5).mean()),
        "mean_expected_spend": float(out["expected_spend"].mean()),
    }
    res.clv_mean_estimate = Estimate(res.totals["clv_mean"], n=n)
    res.clv_total_estimate = Estimate(res.totals["clv_total"], n=n)
    res.transactions_total_estimate = Estimate(res.totals["expected_transactions_total"], n=n)
    if n_draws <= 0:
        return
    rng = np.random.default_rng(seed)
    t_draws, g_draws = _draw_params(tm, rng, n_draws), _draw_params(gg, rng, n_draws)
    if t_draws is None or g_draws is None:
        return
    totals, txs = [], []
    with np.errstate(all="ignore"):
        for tp, gp in zip(t_draws, g_draws):
            if gp[1] <= 1.0:
                continue  # Gamma-Gamma q <= 1: no finite mean spend
            try:
                d, c, s = evaluate(_with_params(tm, tp), _with_params(gg, gp))
            except (ModelError, FloatingPointError):
                continue
            totals.append(float(np.sum(s * d * factor)))
            txs.append(float(np.sum(c)))
    totals_a, txs_a = np.asarray(totals), np.asarray(txs)
    res.clv_total_estimate = _interval(res.totals["clv_total"], totals_a, n)
    res.clv_mean_estimate = _interval(res.totals["clv_mean"], totals_a / n, n)
    res.transactions_total_estimate = _interval(res.totals["expected_transactions_total"], txs_a, n)
