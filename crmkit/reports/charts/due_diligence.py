"""Charts of the loyalty due diligence (``98_due_diligence``).

The dimension scores under the due-diligence weights are drawn by
:func:`crmkit.reports.charts.summary.dimension_scores` (``due_diligence=True``).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.due_diligence import DRIVER_NAMES
from crmkit.reports.charts import benchmark_panels

__all__ = ["TENURE_COLOURS", "tenure_bars", "driver_intervals", "competitor_bars", "peer_bars"]

TENURE_COLOURS = ["#e07b39", "#9ecae1", "#4292c6", "#08519c"]
"""Colour of each tenure band, newest first."""
TARGET, OTHERS = "#e07b39", "#1f5f8b"


def tenure_bars(mix: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Stacked shares of active customers and of revenue by tenure band (:func:`crmkit.evaluation.due_diligence.tenure_mix`)."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7.5, 2.6))
    for y, col in enumerate(["share", "revenue_share"]):
        left = 0.0
        for (_, r), c in zip(mix.iterrows(), TENURE_COLOURS):
            v = 0.0 if pd.isna(r[col]) else r[col]
            ax.barh(y, v, left=left, color=c, label=fmt.t(r["label_en"], r["label_zh"]) if y == 0 else None)
            if v > 0.07:
                ax.text(left + v / 2, y, f"{v:.0%}", ha="center", va="center", color="white", fontsize=9)
            left += v
    ax.set(yticks=[0, 1], yticklabels=[fmt.t("Active customers", "活跃客户"), fmt.t("Revenue", "收入")], xlim=(0, 1),
           title=fmt.t("Active customers and revenue by tenure (time since first purchase)", "按客户年限（首购至今）划分的活跃客户与收入"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.legend(ncol=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    return fig


def driver_intervals(drv: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Mean score (1-5) of each satisfaction driver with its 95% interval; neutral 3 dashed.

    *drv* has ``driver, mean, ci_low, ci_high`` (:func:`crmkit.indicators.satisfaction.driver_scores`).
    """
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 0.45 * len(drv) + 1.3))
    ax.errorbar(drv["mean"], range(len(drv)), xerr=[drv["mean"] - drv["ci_low"], drv["ci_high"] - drv["mean"]],
                fmt="o", color=OTHERS, capsize=3)
    ax.axvline(3, color="grey", lw=0.8, ls="--")
    names = [fmt.t(*DRIVER_NAMES.get(d, (d.replace("_", " "), d))) for d in drv["driver"]]
    ax.set(yticks=range(len(drv)), yticklabels=names, xlim=(1, 5),
           xlabel=fmt.t("Mean score (1-5) with 95% interval; dashed: neutral 3", "平均得分（1-5）及 95% 区间；虚线：中性 3 分"),
           title=fmt.t("Satisfaction by driver", "各驱动因素满意度"))
    return fig


def competitor_bars(table: pd.DataFrame, shown: Sequence[str], fmt: Formatter) -> Figure:
    """One panel per benchmark (NPS, CSAT, churn, share): the target (orange) and each competitor.

    *table* is :func:`crmkit.indicators.market.comparison` (``entity, is_company`` and a column per benchmark).
    """
    return benchmark_panels(table, shown, fmt, ("Target (orange) against competitors", "目标公司（橙色）与竞争对手对比"), 3.2)


def peer_bars(table: pd.DataFrame, companies: Sequence[str], company: str, targets: Mapping[str, float],
              period: str, fmt: Formatter, ncol: int = 4) -> Figure:
    """Small multiples of the key loyalty indicators measured by two companies or more; target value dashed.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`crmkit.evaluation.due_diligence.peer_table` (``label_en, label_zh, unit, direction`` and a
        column per company).
    companies : sequence of str
        Columns to draw, the target first.
    company : str
        The target (orange).
    targets : mapping
        Indicator → target value of ``targets.yaml``.
    """
    import matplotlib.pyplot as plt

    plot = table[table[list(companies)].notna().sum(axis=1) >= 2]
    nrow = max(1, -(-len(plot) // ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(11, 2.3 * nrow), squeeze=False)
    for ax, (name, r) in zip(axes.flat, plot.iterrows()):
        ax.bar(range(len(companies)), r[list(companies)].astype(float), color=[TARGET if c == company else OTHERS for c in companies])
        if name in targets:
            ax.axhline(targets[name], color="#3a9e6f", ls="--", lw=1)
        ax.set_xticks(range(len(companies)))
        ax.set_xticklabels([str(c) for c in companies], fontsize=7, rotation=20)
        ax.set_title(fmt.t(r["label_en"], r["label_zh"]) + {"higher": " ↑", "lower": " ↓"}.get(r["direction"], ""), fontsize=8)
        if r["unit"] == "ratio":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(plot):]:
        ax.set_visible(False)
    fig.suptitle(fmt.t(f"{company} (orange) against the other companies of {period}; dashed: target; ↑/↓ better",
                       f"{company}（橙色）与 {period} 其他公司对比；虚线：目标值；↑/↓ 为更好方向"), fontsize=10)
    fig.tight_layout()
    return fig
