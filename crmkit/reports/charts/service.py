"""Charts of the service-quality report (06_service)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter

__all__ = ["resolution_ecdf", "sla_by_category", "complaint_reasons", "monthly_trend"]


def _axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def resolution_ecdf(frame: pd.DataFrame, sla_hours: float, fmt: Formatter, ax=None) -> Figure:
    """Empirical distribution of resolution hours per channel (log scale) with the target as a dashed line.

    *frame* is :func:`crmkit.indicators.service.ticket_frame`; unresolved tickets are left out.
    """
    fig, ax = _axes(ax, (8, 3.8))
    res = frame.dropna(subset=["resolution_hours"])
    sns.ecdfplot(data=res, x="resolution_hours", hue="channel", ax=ax, log_scale=True)
    ax.axvline(sla_hours, color="#c2405a", linestyle="--")
    ax.text(sla_hours, 0.03, " " + fmt.t(f"target {sla_hours:g} h", f"目标 {sla_hours:g} 小时"), color="#c2405a")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=fmt.t("Share of resolved tickets closed within a given time", "已解决工单在给定时间内关闭的比例"),
           xlabel=fmt.t("Hours from opening to resolution (log scale)", "从开立到解决的小时数（对数刻度）"),
           ylabel=fmt.t("Share resolved", "已解决占比"))
    legend = ax.get_legend()
    if legend is not None:
        legend.set_title(fmt.t("Channel", "渠道"))
    return fig


def sla_by_category(by_category: pd.DataFrame, sla_hours: float, fmt: Formatter, ax=None) -> Figure:
    """Horizontal bars of SLA attainment per category (:func:`crmkit.indicators.service.service_by`)."""
    fig, ax = _axes(ax, (7.5, 0.45 * len(by_category) + 1.4))
    ax.barh(by_category["category"].astype(str), by_category["sla_attainment"].fillna(0.0), color="#1f5f8b")
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(xlim=(0, 1), xlabel="", ylabel="",
           title=fmt.t(f"Tickets resolved within {sla_hours:g} h, by category", f"各类别 {sla_hours:g} 小时内解决率"))
    return fig


def complaint_reasons(reasons: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Horizontal bars of complaints per reason (:func:`crmkit.indicators.service.complaint_reasons`)."""
    fig, ax = _axes(ax, (7.5, 0.45 * len(reasons) + 1.2))
    ax.barh(reasons["reason"].astype(str), reasons["complaints"], color="#c2405a")
    ax.invert_yaxis()
    ax.set(title=fmt.t("Complaints by reason", "投诉原因分布"), xlabel=fmt.t("Complaints", "投诉数"), ylabel="")
    return fig


def monthly_trend(monthly: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Tickets per month (bars) with SLA attainment and first-contact resolution (lines, right axis)."""
    fig, ax = _axes(ax, (8, 3.6))
    ax.bar(monthly["month"], monthly["tickets"], width=25, color="#c9d6e2", label=fmt.t("Tickets", "工单数"))
    ax.set(ylabel=fmt.t("Tickets", "工单数"), xlabel=fmt.t("Month", "月份"),
           title=fmt.t("Tickets and service levels per month", "每月工单量与服务水平"))
    ax2 = ax.twinx()
    ax2.plot(monthly["month"], monthly["sla_attainment"], marker="o", color="#1f5f8b", label=fmt.t("SLA met", "时限达成率"))
    ax2.plot(monthly["month"], monthly["fcr_rate"], marker="s", color="#e07b39",
             label=fmt.t("First-contact resolution", "首次接触解决率"))
    ax2.set(ylim=(0, 1), ylabel="")
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax2.legend(h1 + h2, l1 + l2, loc="lower left", fontsize=8)
    return fig
