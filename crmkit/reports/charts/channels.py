"""Charts of the channel report (08_channels)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter

__all__ = ["contacts", "speed_vs_satisfaction", "mix", "segment_heatmaps", "sales_share"]


def _axes(ax, figsize):
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def contacts(table: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Tickets per channel (bars) with each channel's share written at the bar's end."""
    fig, ax = _axes(ax, (7.5, 0.45 * len(table) + 1.2))
    ax.barh(table["channel"].astype(str), table["contacts"], color="#1f5f8b")
    ax.invert_yaxis()
    for y, (n, share) in enumerate(zip(table["contacts"], table["share"])):
        ax.text(n, y, f"  {share:.0%}", va="center", fontsize=9)
    ax.set(title=fmt.t("Service contacts (tickets) per channel", "各渠道服务接触量（工单）"),
           xlabel=fmt.t("Tickets", "工单数"), ylabel="")
    return fig


def speed_vs_satisfaction(table: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Median resolution time against CSAT per channel, bubble size = contacts."""
    fig, ax = _axes(ax, (7, 4.2))
    pts = table.dropna(subset=["resolution_median_h", "csat"])
    sns.scatterplot(data=pts, x="resolution_median_h", y="csat", size="contacts", sizes=(60, 900), legend=False,
                    color="#1f5f8b", alpha=0.7, ax=ax)
    for _, r in pts.iterrows():
        ax.annotate(str(r["channel"]), (r["resolution_median_h"], r["csat"]), textcoords="offset points", xytext=(8, 4), fontsize=9)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Speed vs satisfaction (bubble = contacts)", "速度与满意度（气泡大小 = 接触量）"),
           xlabel=fmt.t("Median resolution time (h)", "解决时长中位数（小时）"), ylabel=fmt.t("Ticket CSAT", "工单满意度"))
    return fig


def mix(wide: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Stacked monthly shares of contacts per channel (:func:`crmkit.indicators.channels.mix_shares`)."""
    fig, ax = _axes(ax, (8, 3.8))
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=[str(c) for c in wide.columns], alpha=0.9)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(ylim=(0, 1), title=fmt.t("Monthly share of contacts per channel", "每月各渠道接触占比"),
           xlabel=fmt.t("Month", "月份"), ylabel="")
    ax.legend(title=fmt.t("Channel", "渠道"), loc="center left", bbox_to_anchor=(1, 0.5), fontsize=8)
    return fig


_SEGMENT_TITLES = {"value_tier": ("Value tier", "价值层级"), "customer_type": ("Customer type", "客户类型")}


def segment_heatmaps(grids: dict[str, pd.DataFrame], fmt: Formatter) -> Figure:
    """One heatmap of channel shares per segmentation (:func:`crmkit.indicators.channels.segment_channel_grids`)."""
    fig, axes = plt.subplots(1, len(grids), figsize=(5.5 * len(grids), 3.6), squeeze=False)
    for ax, (key, grid) in zip(axes[0], grids.items()):
        if grid.empty:
            ax.set_axis_off()
            continue
        sns.heatmap(grid, annot=True, fmt=".0%", cmap="Blues", cbar=False, ax=ax)
        ax.set(title=fmt.t(*_SEGMENT_TITLES.get(key, (key, key))), xlabel=fmt.t("Channel", "渠道"), ylabel="")
    fig.tight_layout()
    return fig


def sales_share(sales_mix: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Share of revenue per sales channel (:func:`crmkit.indicators.channels.order_channel_mix`)."""
    fig, ax = _axes(ax, (7.5, 0.45 * len(sales_mix) + 1.2))
    ax.barh(sales_mix["channel"].astype(str), sales_mix["revenue_share"], color="#3a9e6f")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Share of revenue per sales channel", "各销售渠道收入占比"), xlabel="", ylabel="")
    return fig
