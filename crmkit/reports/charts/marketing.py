"""Charts of the marketing report (07_marketing)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter

__all__ = ["funnel", "campaign_roi", "channel_conversion"]

_STAGE_NAMES = {"targeted": ("Targeted", "目标客户"), "reached": ("Reached", "已触达"),
                "responded": ("Responded", "已响应"), "converted": ("Converted", "已转化")}


def _axes(ax, figsize):
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def funnel(funnel_frame: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Centred funnel bars of :func:`crmkit.indicators.marketing.funnel` with counts and shares of targeted."""
    fig, ax = _axes(ax, (7.5, 3.4))
    widths = funnel_frame["customers"].to_numpy(dtype=float)
    top = widths.max() if len(widths) and widths.max() > 0 else 1.0
    ypos = np.arange(len(funnel_frame))[::-1]
    ax.barh(ypos, widths, left=(top - widths) / 2, color=["#1f5f8b", "#4fa3b8", "#e07b39", "#3a9e6f"][: len(widths)], height=0.75)
    for y, w, share in zip(ypos, widths, funnel_frame["share_of_targeted"]):
        ax.text(top / 2, y, f"{int(w):,}  ({share:.1%})" if share == share else f"{int(w):,}", ha="center", va="center",
                color="white" if w > top * 0.25 else "#333333", fontweight="bold")
    ax.set_yticks(ypos, [fmt.t(*_STAGE_NAMES.get(s, (s, s))) for s in funnel_frame["stage"]])
    ax.set_xticks([])
    ax.grid(False)
    ax.set(title=fmt.t("Campaign funnel (customers, summed over campaigns)", "营销漏斗（各活动客户数合计）"), xlabel="")
    return fig


def campaign_roi(performance: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """ROI per campaign with a cost (green: earned back its cost, red: did not)."""
    valid = performance.dropna(subset=["roi"])
    fig, ax = _axes(ax, (7.5, 0.42 * len(valid) + 1.3))
    ax.barh(valid["campaign_name"].astype(str), valid["roi"], color=np.where(valid["roi"] >= 0, "#3a9e6f", "#c2405a"))
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.set(title=fmt.t("ROI per campaign", "各活动投资回报率"),
           xlabel=fmt.t("(attributed margin − cost) / cost", "（归因毛利 − 费用）/ 费用"))
    return fig


def channel_conversion(channel_frame: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Conversion rate per marketing channel (:func:`crmkit.indicators.marketing.channel_performance`)."""
    fig, ax = _axes(ax, (7.5, 3.4))
    ax.bar(channel_frame["channel"].astype(str), channel_frame["conversion_rate"].fillna(0.0), color="#1f5f8b")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Conversion rate by marketing channel", "各营销渠道转化率"), xlabel="", ylabel="")
    return fig
