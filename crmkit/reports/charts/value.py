"""Charts of the customer-value report (05); each takes indicator frames and a Formatter and returns the figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from crmkit.formatting import Formatter
from crmkit.indicators.value import SEGMENT_LABELS, TIER_LABELS

__all__ = ["monthly_revenue", "rfm_overview", "value_tiers", "lorenz", "channel_cac", "activity", "predicted_clv",
           "retention_curve", "residual_clv"]


def _figure(size: tuple[float, float], ncols: int = 1, **keywords: Any):
    import matplotlib.pyplot as plt

    return plt.subplots(1, ncols, figsize=size, **keywords)


def monthly_revenue(monthly: pd.DataFrame, start, fmt: Formatter, ax: Any = None) -> Figure:
    """Revenue per month (:func:`crmkit.indicators.value.monthly_revenue`), months from *start* on highlighted."""
    fig, ax = (ax.figure, ax) if ax is not None else _figure((8, 3.6))
    inside = monthly["month"] >= pd.Timestamp(start)
    ax.bar(monthly["month"], monthly["revenue"], width=25, color=np.where(inside, "#1f5f8b", "#9fb7c9"))
    cur = getattr(fmt, "currency", "")
    ax.set(title=fmt.t("Revenue per month (window highlighted)", "月度收入（深色为评估期）"), xlabel=fmt.t("Month", "月份"),
           ylabel=fmt.t(f"Revenue ({cur})", f"收入（{cur}）"))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    return fig


def rfm_overview(grid: pd.DataFrame, segments: pd.DataFrame, fmt: Formatter) -> Figure:
    """Customers per R and F score (:func:`crmkit.indicators.value.rfm_grid`) and share per segment (:func:`~crmkit.indicators.value.segment_summary`)."""
    import seaborn as sns

    fig, (ax, bx) = _figure((11, 4), 2, gridspec_kw={"width_ratios": [1, 1.3]}, layout="tight")
    sns.heatmap(grid, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
    ax.set(title=fmt.t("Customers by R and F score", "按 R、F 评分的客户数"), xlabel=fmt.t("Frequency score (F)", "频次评分 F"),
           ylabel=fmt.t("Recency score (R)", "近度评分 R"))
    shown = segments.assign(label=segments["segment"].map(lambda s: fmt.t(*SEGMENT_LABELS.get(s, (s, s)))))
    sns.barplot(data=shown, y="label", x="share", color="#1f5f8b", ax=bx)
    bx.xaxis.set_major_formatter(PercentFormatter(1.0))
    bx.set(title=fmt.t("Share of customers per segment", "各分群客户占比"), xlabel="", ylabel="")
    return fig


def value_tiers(tiers: pd.DataFrame, fmt: Formatter, *, predicted: bool = False, ax: Any = None) -> Figure:
    """Share of customers against share of value per tier (:func:`crmkit.indicators.value.tier_summary`).

    ``predicted`` labels the value as predicted CLV instead of lifetime margin.
    """
    import seaborn as sns

    fig, ax = (ax.figure, ax) if ax is not None else _figure((7.5, 3.4))
    value_label = fmt.t("Share of predicted CLV", "预测 CLV 占比") if predicted else fmt.t("Share of lifetime margin", "终身毛利占比")
    long = tiers.melt(id_vars="tier", value_vars=["customer_share", "clv_share"], var_name="measure", value_name="share")
    long["tier"] = long["tier"].map(lambda t: fmt.t(*TIER_LABELS.get(t, (t, t))))
    long["measure"] = long["measure"].map({"customer_share": fmt.t("Share of customers", "客户占比"), "clv_share": value_label})
    sns.barplot(data=long, x="tier", y="share", hue="measure", ax=ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Predicted value tiers", "预测价值分层") if predicted else fmt.t("Value tiers: customers vs margin", "价值分层：客户与毛利占比"),
           xlabel="", ylabel="")
    ax.legend(title="", fontsize=8 if predicted else None)
    return fig


def lorenz(curve: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Lorenz curve of revenue (:func:`crmkit.indicators.value.lorenz_curve`) against equal spend, top 20 % marked."""
    fig, ax = (ax.figure, ax) if ax is not None else _figure((5, 4.6))
    x, y = curve["customer_share"], curve["value_share"]
    ax.plot(x, y, color="#1f5f8b", label=fmt.t("Lorenz curve", "洛伦兹曲线"))
    ax.plot([0, 1], [0, 1], color="#8c8c8c", linestyle="--", label=fmt.t("Equal spend", "完全均等"))
    ax.fill_between(x, y, x, color="#1f5f8b", alpha=0.12)
    ax.axvline(0.8, color="#e07b39", linestyle=":", label=fmt.t("Top 20% of customers", "前 20% 客户"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Revenue concentration in the window", "评估期收入集中度"),
           xlabel=fmt.t("Customers, from lowest to highest spend", "客户（按消费由低到高）"),
           ylabel=fmt.t("Cumulative share of revenue", "累计收入占比"))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def channel_cac(channels: pd.DataFrame, overall: float, fmt: Formatter, ax: Any = None) -> Figure:
    """CAC per acquisition channel (:func:`crmkit.indicators.value.channel_cac`) with the overall CAC dashed."""
    import seaborn as sns

    fig, ax = (ax.figure, ax) if ax is not None else _figure((7.5, 0.45 * len(channels) + 1.2))
    sns.barplot(data=channels, y="channel", x="cac", color="#1f5f8b", ax=ax)
    ax.axvline(overall, color="#e07b39", linestyle="--", label=fmt.t("Overall CAC", "整体获客成本"))
    cur = getattr(fmt, "currency", "")
    ax.set(title=fmt.t("Acquisition cost per new customer by channel", "各获客渠道的单客获客成本"),
           xlabel=fmt.t(f"CAC ({cur})", f"获客成本（{cur}）"), ylabel="")
    ax.legend()
    return fig


def activity(customers: pd.DataFrame, horizon_months: int, fmt: Formatter) -> Figure:
    """Histograms of P(alive) and of expected repeat purchases (top 1 % pooled) of a predictive-CLV customer table."""
    fig, (ax, bx) = _figure((11, 3.6), 2, layout="tight")
    ax.hist(customers["p_alive"], bins=np.linspace(0, 1, 21), color="#1f5f8b", edgecolor="white")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Probability that a customer is still active", "客户仍活跃的概率"), xlabel=fmt.t("P(alive)", "活跃概率"),
           ylabel=fmt.t("Customers", "客户数"))
    cap = float(customers["expected_transactions"].quantile(0.99))
    bx.hist(customers["expected_transactions"].clip(upper=cap), bins=30, color="#e07b39", edgecolor="white")
    H = horizon_months
    bx.set(title=fmt.t(f"Expected repeat purchases in the next {H} months", f"未来 {H} 个月预期复购次数"),
           xlabel=fmt.t("Purchases (top 1% pooled at the right)", "购买次数（最高 1% 并入最右侧）"), ylabel=fmt.t("Customers", "客户数"))
    return fig


def _value_histogram(ax, values: pd.Series, mean: float, median: float, fmt: Formatter, title: str, xlabel: str) -> None:
    """Histogram of per-customer values with the top 1 % pooled at the right, mean and median marked."""
    cap = float(values.quantile(0.99))
    ax.hist(values.clip(upper=cap), bins=40, color="#1f5f8b", edgecolor="white")
    ax.axvline(mean, color="#e07b39", linestyle="--", label=fmt.t("Mean", "均值"))
    ax.axvline(median, color="#8c8c8c", linestyle=":", label=fmt.t("Median", "中位数"))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set(title=title, xlabel=xlabel, ylabel=fmt.t("Customers", "客户数"))
    ax.legend()


def predicted_clv(customers: pd.DataFrame, totals: dict, tiers: pd.DataFrame, basis: str, fmt: Formatter) -> Figure:
    """Distribution of predicted CLV per customer (mean and median marked, top 1 % pooled) and the predicted tiers.

    *basis* is the value basis in the report language ("margin", "毛利", ...).
    """
    fig, (ax, bx) = _figure((11, 3.6), 2, gridspec_kw={"width_ratios": [1.2, 1]}, layout="tight")
    cur = getattr(fmt, "currency", "")
    _value_histogram(ax, customers["clv"], totals["clv_mean"], totals["clv_median"], fmt,
                     fmt.t(f"Predicted CLV per customer ({basis})", f"单客预测 CLV（{basis}）"),
                     fmt.t(f"CLV ({cur}; top 1% pooled at the right)", f"CLV（{cur}；最高 1% 并入最右侧）"))
    value_tiers(tiers, fmt, predicted=True, ax=bx)
    return fig


def retention_curve(curve: pd.DataFrame, period: tuple[str, str], fmt: Formatter) -> Figure:
    """Survival and retention per contract period, sBG model against the pooled cohorts.

    *curve* is :attr:`crmkit.clv.contractual.ContractualCLV.retention_curve`;
    the observed survival is the product of the observed retention rates
    (cohorts pooled at each period). *period* names the contract period
    (``("month", "月")``).
    """
    fig, (ax, bx) = _figure((11, 3.8), 2, layout="tight")
    t = curve.index.to_numpy()
    seen = curve["observed_retention"].notna().to_numpy()
    en, zh = period
    ax.plot(np.r_[0, t], np.r_[1.0, curve["survival"]], color="#1f5f8b", label=fmt.t("sBG model", "sBG 模型"))
    ax.plot(np.r_[0, t[seen]], np.r_[1.0, curve["observed_retention"][seen].cumprod()], "o", color="#e07b39",
            markersize=3.5, label=fmt.t("Observed (cohorts pooled)", "实际（各批次合并）"))
    ax.set(title=fmt.t("Share of a signup cohort still active", "注册批次中仍在约客户占比"),
           xlabel=fmt.t(f"{en.capitalize()}s since signup", f"注册后{zh}数"), ylabel="", ylim=(0, 1.02))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(fontsize=8)
    bx.plot(t, curve["retention_rate"], color="#1f5f8b", label=fmt.t("sBG model", "sBG 模型"))
    bx.plot(t[seen], curve["observed_retention"][seen], "o", color="#e07b39", markersize=3.5,
            label=fmt.t("Observed (cohorts pooled)", "实际（各批次合并）"))
    bx.set(title=fmt.t(f"Renewal rate by {en} of tenure", f"按在约{zh}数的续约率"),
           xlabel=fmt.t(f"{en.capitalize()} since signup", f"注册后第几个{zh}"), ylabel="")
    bx.yaxis.set_major_formatter(PercentFormatter(1.0))
    bx.legend(fontsize=8)
    return fig


def residual_clv(customers: pd.DataFrame, totals: dict, basis: str, period: tuple[str, str], fmt: Formatter) -> Figure:
    """Residual value per active contract customer (mean and median marked, top 1 % pooled) and DERL by tenure.

    *customers* and *totals* are those of :class:`crmkit.clv.contractual.ContractualCLV`; *basis* is the
    value basis in the report language, *period* names the contract period.
    """
    fig, (ax, bx) = _figure((11, 3.6), 2, gridspec_kw={"width_ratios": [1.2, 1]}, layout="tight")
    cur = getattr(fmt, "currency", "")
    _value_histogram(ax, customers["residual_clv"], totals["mean_residual_clv"], totals["median_residual_clv"], fmt,
                     fmt.t(f"Residual value per active customer ({basis})", f"单个在约客户剩余价值（{basis}）"),
                     fmt.t(f"Residual CLV ({cur}; top 1% pooled at the right)", f"剩余 CLV（{cur}；最高 1% 并入最右侧）"))
    en, zh = period
    by = customers.groupby("renewals")["derl"].first()
    bx.plot(by.index, by.to_numpy(), marker="o", markersize=3, color="#1f5f8b")
    bx.set(title=fmt.t("Expected remaining payments by tenure", "按在约时长的预期剩余付费期数"),
           xlabel=fmt.t(f"Whole {en}s completed", f"已完成的完整{zh}数"),
           ylabel=fmt.t(f"Discounted {en}s (DERL)", f"折现{zh}数（DERL）"))
    return fig
