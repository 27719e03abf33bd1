"""Charts of the maintenance-cost report (09_cost)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from crmkit.formatting import Formatter

__all__ = ["by_category", "monthly_trend", "lost_per_month", "keep_vs_win"]

_CATEGORIES = {
    "service": ("Service", "客服"), "marketing": ("Marketing", "营销"), "acquisition": ("Acquisition", "获客"),
    "loyalty_rewards": ("Loyalty rewards", "忠诚度奖励"), "crm_tools": ("CRM tools", "CRM 工具"),
    "staff": ("Staff", "人员"), "complaint_handling": ("Complaint handling", "投诉处理"), "other": ("Other", "其他"),
}


def _axes(ax, figsize):
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def _name(fmt: Formatter, code: str) -> str:
    return fmt.t(*_CATEGORIES.get(code, (code, code)))


def by_category(by_cat: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Cost per category (bars) with each category's share (:func:`crmkit.indicators.cost.cost_by_category`)."""
    fig, ax = _axes(ax, (7.5, 0.42 * len(by_cat) + 1.2))
    ax.barh([_name(fmt, c) for c in by_cat["category"]], by_cat["amount"], color="#1f5f8b")
    ax.invert_yaxis()
    for y, (a, share) in enumerate(zip(by_cat["amount"], by_cat["share"])):
        ax.text(a, y, f"  {share:.0%}", va="center", fontsize=9)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set(title=fmt.t("Relationship cost by category", "各类别客户关系成本"),
           xlabel=fmt.t(f"Cost ({fmt.currency})", f"成本（{fmt.currency}）"), ylabel="")
    return fig


def monthly_trend(monthly: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Monthly cost stacked by category with the CRM cost ratio on the right axis (:func:`crmkit.indicators.cost.monthly_trend`)."""
    fig, ax = _axes(ax, (8.5, 3.8))
    bottom = np.zeros(len(monthly))
    for c in [c for c in monthly.columns if c in _CATEGORIES]:
        ax.bar(monthly["month"], monthly[c], bottom=bottom, width=25, label=_name(fmt, c))
        bottom += monthly[c].to_numpy()
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set(title=fmt.t("Monthly relationship cost and CRM cost ratio", "每月客户关系成本与 CRM 成本率"),
           xlabel=fmt.t("Month", "月份"), ylabel=fmt.t(f"Cost ({fmt.currency})", f"成本（{fmt.currency}）"))
    ax2 = ax.twinx()
    ax2.plot(monthly["month"], monthly["crm_cost_ratio"], color="#333333", marker="o", label=fmt.t("CRM cost / revenue", "CRM 成本率"))
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set(ylim=(0, None), ylabel="")
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="center left", bbox_to_anchor=(1.08, 0.5), fontsize=8)
    return fig


def lost_per_month(per_month: pd.Series, fmt: Formatter, ax=None) -> Figure:
    """Customers lost per month (:func:`crmkit.indicators.cost.lost_per_month`)."""
    fig, ax = _axes(ax, (7, 3))
    ax.bar(per_month.index, per_month.to_numpy(), width=20, color="#c2405a")
    ax.set(title=fmt.t("Customers lost per month", "每月流失客户数"), xlabel=fmt.t("Month", "月份"),
           ylabel=fmt.t("Customers", "客户数"))
    return fig


def keep_vs_win(rva: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Cost per retained against per new customer (:func:`crmkit.indicators.cost.retention_vs_acquisition`)."""
    fig, ax = _axes(ax, (6.5, 2.6))
    names = {"retention": fmt.t("Keep an existing customer", "维系一位老客户"), "acquisition": fmt.t("Win a new customer", "获取一位新客户")}
    colours = {"retention": "#3a9e6f", "acquisition": "#e07b39"}
    ax.barh([names.get(k, k) for k in rva["kind"]], rva["cost_per_customer"].fillna(0.0),
            color=[colours.get(k, "#1f5f8b") for k in rva["kind"]])
    ax.invert_yaxis()
    ax.set(title=fmt.t("Cost per customer in the window", "评估期内单客成本"),
           xlabel=fmt.t(f"Cost ({fmt.currency})", f"成本（{fmt.currency}）"), ylabel="")
    return fig
