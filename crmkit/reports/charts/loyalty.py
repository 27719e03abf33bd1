"""Charts of the loyalty report (03)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.loyalty import period_label
from crmkit.reports.plotting import PALETTE

__all__ = ["retention_trend", "cohort_heatmap", "inter_purchase", "programme"]

_LIGHT = "#9bbbd4"


def _new(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def retention_trend(trend: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Period retention with 95 % error bars, the current period dark (:func:`crmkit.loyalty.retention_trend`)."""
    fig, ax = _new(ax, (7, 3.2))
    labels = [period_label(a, b) for a, b in zip(trend["start"], trend["end"])]
    r = trend["retention"]
    ax.bar(labels, r, color=[_LIGHT] * (len(trend) - 1) + [PALETTE[0]])
    ax.errorbar(labels, r, yerr=[r - trend["ci_low"], trend["ci_high"] - r], fmt="none", color="black", capsize=3)
    ax.set(ylim=(0, 1), ylabel=fmt.t("Retained from the period before", "上期客户留存比例"),
           title=fmt.t("Period retention rate", "期间留存率"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def cohort_heatmap(matrix: pd.DataFrame, fmt: Formatter, ax=None, *, contractual: bool = False) -> Figure:
    """Share of each monthly cohort buying again k months later; unobservable cells blank (:func:`crmkit.loyalty.cohort_retention`).

    *contractual*: sign-up cohorts still subscribed k months later (:func:`crmkit.loyalty.subscription_cohorts`).
    """
    import seaborn as sns

    fig, ax = _new(ax, (9, 0.38 * len(matrix) + 1.5))
    sns.heatmap(matrix, mask=matrix.isna(), annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1, cbar=False, ax=ax,
                annot_kws={"fontsize": 7})
    if contractual:
        ax.set(xlabel=fmt.t("Months after the sign-up month", "注册后月数"), ylabel=fmt.t("Month of sign-up", "注册月份"),
               title=fmt.t("Share of each sign-up cohort still subscribed k months later (blank: not yet observable)",
                           "各注册同期群 k 个月后仍在订阅的比例（空白：尚不可观察）"))
        return fig
    ax.set(xlabel=fmt.t("Months after first purchase", "首购后月数"), ylabel=fmt.t("Month of first purchase", "首购月份"),
           title=fmt.t("Share of each cohort buying again k months later (blank: not yet observable)",
                       "各同期群 k 个月后再次购买的比例（空白：尚不可观察）"))
    return fig


def inter_purchase(gaps: pd.DataFrame, median_days: float, fmt: Formatter, ax=None) -> Figure:
    """Histogram of the days since the previous purchase (clipped at the 98th percentile), the median marked."""
    fig, ax = _new(ax, (7, 3.2))
    clip = float(gaps["gap"].quantile(0.98))
    ax.hist(gaps["gap"].clip(upper=clip), bins=40, color=PALETTE[0], alpha=0.8)
    ax.axvline(median_days, color=PALETTE[1], ls="--",
               label=fmt.t(f"median {median_days:.0f} days", f"中位数 {median_days:.0f} 天"))
    ax.set(xlabel=fmt.t("Days since the previous purchase", "距上次购买天数"), ylabel=fmt.t("Repeat purchases", "复购次数"),
           title=fmt.t("Distribution of inter-purchase time (purchases in the period)", "购买间隔分布（本期购买）"))
    ax.legend()
    return fig


def programme(table: pd.DataFrame, fmt: Formatter) -> Figure:
    """Members against non-members: revenue per active customer and retention, with 95 % intervals.

    *table* is :func:`crmkit.loyalty.programme_table`.
    """
    import matplotlib.pyplot as plt

    titles = {"spend": ("Revenue per active customer", "活跃客户人均收入"), "retention": ("Retained from previous period", "上期客户留存率")}
    groups = {"members": ("members", "会员"), "others": ("non-members", "非会员")}
    fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    for ax, (measure, part) in zip(axes, table.groupby("measure", sort=False)):
        names = [fmt.t(*groups.get(g, (g, g))) for g in part["group"]]
        ax.bar(names, part["value"], color=[PALETTE[0], _LIGHT])
        ax.errorbar(names, part["value"], yerr=[part["value"] - part["low"], part["high"] - part["value"]], fmt="none",
                    color="black", capsize=3)
        ax.set(title=fmt.t(*titles.get(measure, (measure, measure))))
        if part["unit"].iloc[0] == "ratio":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    fig.tight_layout()
    return fig
