"""Charts of the churn report (04); each takes indicator frames and a Formatter and returns the figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.churn import REASON_SOURCES
from crmkit.reports.plotting import PALETTE

__all__ = ["trend_bars", "segment_intervals", "reason_bars", "survival_curves", "hazard_ratios", "warning_model"]


def _axes(ax: Any, size: tuple[float, float]):
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size)


def trend_bars(trend: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Churn rate per period with 95 % error bars, the current period highlighted.

    *trend* is :func:`crmkit.indicators.churn.churn_trend` (oldest first).
    """
    fig, ax = _axes(ax, (7, 3.2))
    labels = [f"{a:%Y-%m}–{b:%Y-%m}" for a, b in zip(trend["start"], trend["end"])]
    r = trend["churn_rate"]
    ax.bar(labels, r, color=["#e6b59a"] * (len(trend) - 1) + ["#c2405a"])
    ax.errorbar(labels, r, yerr=[r - trend["ci_low"], trend["ci_high"] - r], fmt="none", color="black", capsize=3)
    ax.set(ylabel=fmt.t("Churned / at risk at start", "流失 / 期初在册"), title=fmt.t("Period churn rate", "期间流失率"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def segment_intervals(segments: pd.DataFrame, overall: float, min_n: int, fmt: Formatter, ax: Any = None) -> Figure:
    """Churn rate with 95 % interval per segment (those with at least *min_n* at risk, all if none is).

    *segments* are the rows of :func:`crmkit.narrative.churn.segment_rows`; the
    dashed line is the overall rate.
    """
    reliable = segments[segments["at_risk"] >= min_n]
    d = reliable if len(reliable) else segments
    fig, ax = _axes(ax, (8, 0.28 * len(d) + 1.5))
    r = d["churn_rate"]
    ax.errorbar(r, range(len(d)), xerr=[r - d["ci_low"], d["ci_high"] - r], fmt="o", color="#c2405a", capsize=2)
    ax.axvline(overall, color="grey", ls="--", lw=0.8)
    ax.set(yticks=range(len(d)), yticklabels=[f"{a} · {g}" for a, g in zip(d["dimension"], d["segment"])],
           xlabel=fmt.t("Churn rate with 95% interval (dashed: overall)", "流失率及 95% 区间（虚线：整体）"),
           title=fmt.t(f"Churn by segment (segments with at least {min_n} customers at risk)", f"分细分流失率（期初在册不少于 {min_n} 名）"))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def reason_bars(reasons: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Share of churned customers per reason, coloured by source (:func:`crmkit.indicators.churn.churn_reasons`)."""
    import seaborn as sns

    shown = reasons.assign(source=reasons["source"].map(lambda s: fmt.t(*REASON_SOURCES.get(s, (s, s)))))
    fig, ax = _axes(ax, (8, 0.3 * len(shown) + 1.5))
    sns.barplot(data=shown, y="reason", x="share", hue="source", ax=ax, orient="h")
    ax.set(xlabel=fmt.t("Share of customers who churned in the period", "占本期流失客户比例"), ylabel="",
           title=fmt.t("Churn reasons", "流失原因"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(title="", fontsize=8)
    return fig


def survival_curves(curves: pd.DataFrame, fmt: Formatter, by: str | None = None, ax: Any = None) -> Figure:
    """Kaplan–Meier step curves with pointwise 95 % bands, one per ``group`` (:func:`crmkit.indicators.churn.kaplan_meier`)."""
    fig, ax = _axes(ax, (8, 3.8))
    for (g, part), color in zip(curves.groupby("group"), PALETTE * 3):
        ax.step(part["time"], part["survival"], where="post", color=color, label=str(g))
        ax.fill_between(part["time"], part["ci_low"], part["ci_high"], step="post", alpha=0.12, color=color)
    ax.set(ylim=(0, 1.02), xlabel=fmt.t("Days since first purchase", "首购后天数"), ylabel=fmt.t("Share not yet churned", "尚未流失比例"),
           title=fmt.t("Kaplan–Meier survival", "Kaplan–Meier 生存曲线") + (f" · {by}" if by else ""))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(fontsize=8, ncol=2)
    return fig


def hazard_ratios(hr: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Cox hazard ratios with 95 % intervals on a log scale (:func:`crmkit.indicators.churn.cox_hazard_ratios`)."""
    fig, ax = _axes(ax, (7, 0.35 * len(hr) + 1.3))
    h = hr["hazard_ratio"]
    ax.errorbar(h, range(len(hr)), xerr=[h - hr["ci_low"], hr["ci_high"] - h], fmt="s", color="#7a5fa8", capsize=3)
    ax.axvline(1, color="grey", ls="--", lw=0.8)
    ax.set(xscale="log", yticks=range(len(hr)), yticklabels=hr["term"],
           xlabel=fmt.t("Hazard ratio (log scale), 95% interval", "风险比（对数刻度）及 95% 区间"),
           title=fmt.t("Cox proportional hazards", "Cox 比例风险模型"))
    ax.invert_yaxis()
    return fig


def warning_model(calibration: pd.DataFrame, coefficients: pd.DataFrame, fmt: Formatter) -> Figure:
    """Calibration of the early-warning model on the later window and its standardised coefficients.

    *calibration* is ``evaluate(...)["calibration"]`` (``predicted, observed``),
    *coefficients* the model's ``summary_`` (``feature, coef``; ``const`` is left out).
    """
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6), layout="tight")
    top = calibration["predicted"].max()
    ax.plot([0, top], [0, top], color="grey", ls="--", lw=0.8)
    ax.plot(calibration["predicted"], calibration["observed"], marker="o", color="#c2405a")
    ax.set(xlabel=fmt.t("Predicted churn probability (decile mean)", "预测流失概率（十分位均值）"),
           ylabel=fmt.t("Observed churn share", "实际流失比例"), title=fmt.t("Calibration on the later window", "后一期校准"))
    coef = coefficients[coefficients["feature"] != "const"]
    bx.barh(coef["feature"], coef["coef"], color=np.where(coef["coef"] > 0, "#c2405a", "#3a9e6f"))
    bx.axvline(0, color="grey", lw=0.8)
    bx.set(xlabel=fmt.t("Effect on log-odds per standard deviation", "每个标准差对对数几率的影响"),
           title=fmt.t("What raises the churn risk", "推高流失风险的因素"))
    bx.invert_yaxis()
    return fig
