"""Charts of the satisfaction report (02)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.indicators.satisfaction import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN
from crmkit.narrative.satisfaction import driver_name
from crmkit.reports.plotting import PALETTE

__all__ = ["nps_groups", "csat_by_group", "drivers", "monthly_trend"]

_GREEN, _GREY, _RED = "#3a9e6f", "#b0b0b0", "#c2405a"


def _new(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def nps_groups(breakdown: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """One stacked bar of the shares of promoters, passives and detractors (:func:`crmkit.satisfaction.nps_breakdown`)."""
    fig, ax = _new(ax, (8, 1.8))
    p, d = NPS_PROMOTER_MIN, NPS_DETRACTOR_MAX
    names = {"promoters": fmt.t(f"promoters ({p}-10)", f"推荐者（{p}-10）"),
             "passives": fmt.t(f"passives ({d + 1}-{p - 1})", f"被动者（{d + 1}-{p - 1}）"),
             "detractors": fmt.t(f"detractors (0-{d})", f"贬损者（0-{d}）")}
    colors = {"promoters": _GREEN, "passives": _GREY, "detractors": _RED}
    left = 0.0
    for group, share in breakdown.set_index("group")["share"].items():
        ax.barh([0], [share], left=left, color=colors.get(group, _GREY), label=names.get(group, group))
        if share > 0.06:
            ax.text(left + share / 2, 0, f"{share:.0%}", ha="center", va="center", color="white", fontsize=10)
        left += share
    ax.set(xlim=(0, 1), yticks=[], title=fmt.t("Answers to 'How likely are you to recommend us?'",
                                               "“您向他人推荐我们的可能性有多大？”回答分布"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(ncol=3, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.35), frameon=False)
    return fig


def csat_by_group(groups: pd.DataFrame, fmt: Formatter, title: tuple[str, str] = ("CSAT by channel", "各渠道满意度"),
                  ax=None) -> Figure:
    """CSAT with its 95 % interval per group, lowest first (rows of :func:`crmkit.satisfaction.scores_by`)."""
    g = groups.sort_values("csat")
    fig, ax = _new(ax, (7, 0.45 * len(g) + 1.2))
    y = list(range(len(g)))
    ax.errorbar(g["csat"], y, xerr=[g["csat"] - g["csat_low"], g["csat_high"] - g["csat"]], fmt="o", color=PALETTE[0], capsize=3)
    ax.set_yticks(y, g["group"].astype(str).tolist())
    ax.set(xlabel=fmt.t("CSAT (top-two-box) with 95% interval", "满意度（前两档）及 95% 区间"), title=fmt.t(*title))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def drivers(driver_table: pd.DataFrame, key_driver_table: pd.DataFrame, fmt: Formatter) -> Figure:
    """Driver scores with intervals (left) and the importance-performance matrix of the key drivers (right)."""
    import matplotlib.pyplot as plt

    name = lambda d: fmt.t(*driver_name(d))  # noqa: E731
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    drv = driver_table
    y = list(range(len(drv)))
    left.errorbar(drv["mean"], y, xerr=[drv["mean"] - drv["ci_low"], drv["ci_high"] - drv["mean"]], fmt="o",
                  color=PALETTE[0], capsize=3)
    left.set_yticks(y, [name(d) for d in drv["driver"]])
    left.set(xlabel=fmt.t("Mean score (1-5) with 95% interval", "平均得分（1-5）及 95% 区间"),
             title=fmt.t("Driver scores", "各驱动因素得分"))
    kda = key_driver_table
    if len(kda):
        right.scatter(kda["importance"], kda["performance"], s=60, color=PALETTE[1])
        for r in kda.itertuples():
            right.annotate(name(r.driver), (r.importance, r.performance), fontsize=8, xytext=(4, 4), textcoords="offset points")
        right.axvline(kda["importance"].mean(), color="grey", lw=0.8, ls="--")
        right.axhline(kda["performance"].mean(), color="grey", lw=0.8, ls="--")
        right.set(xlabel=fmt.t("Importance (share of explained variance)", "重要性（解释方差占比）"),
                  ylabel=fmt.t("Performance (mean score)", "表现（平均得分）"), title=fmt.t("Importance vs performance", "重要性-表现矩阵"))
        right.xaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        right.set_visible(False)
    fig.tight_layout()
    return fig


def monthly_trend(trend: pd.DataFrame, start, end, fmt: Formatter) -> Figure:
    """Monthly CSAT (left) and NPS (right) with 95 % bands, the period shaded (:func:`crmkit.satisfaction.monthly_trend`)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, metric, title in [(axes[0], "csat", ("CSAT (top-two-box)", "满意度（前两档）")), (axes[1], "nps", ("NPS", "净推荐值"))]:
        part = trend[trend["metric"] == metric]
        ax.plot(part["month"], part["value"], marker="o", color=PALETTE[0])
        ax.fill_between(part["month"], part["ci_low"], part["ci_high"], alpha=0.15, color=PALETTE[0])
        ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=PALETTE[1], alpha=0.08)
        ax.set(title=fmt.t(*title), xlabel=fmt.t("Month", "月份"))
        if metric == "csat":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    return fig
