"""Charts of the data-quality report (00)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.reports.plotting import PALETTE

__all__ = ["monthly_volume", "completeness_by_table"]


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def monthly_volume(volume: pd.DataFrame, start, end, fmt: Formatter, ax=None) -> Figure:
    """Rows per month of every table (log scale), the evaluation window shaded.

    *volume* is :func:`crmkit.quality.monthly_volume` (``month, rows, table``).
    """
    import seaborn as sns

    fig, ax = _axes(ax, (8, 3.6))
    sns.lineplot(data=volume, x="month", y="rows", hue="table", marker="o", ax=ax)
    ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=PALETTE[0], alpha=0.08, label=fmt.t("window", "评估期"))
    ax.set(yscale="log", xlabel=fmt.t("Month", "月份"), ylabel=fmt.t("Rows (log scale)", "行数（对数刻度）"),
           title=fmt.t("Rows per month and table", "各表每月行数"))
    ax.legend(title=fmt.t("Table", "数据表"), fontsize=8, ncol=2)
    return fig


def completeness_by_table(by_table: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Horizontal bars of the mean share of filled values per table (:func:`crmkit.quality.completeness_by_table`)."""
    fig, ax = _axes(ax, (7, 0.4 * len(by_table) + 1))
    ax.barh(by_table["table"].astype(str), by_table["completeness"], color=PALETTE[0])
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel=fmt.t("Mean share of filled values", "平均填充率"), ylabel="",
           title=fmt.t("Completeness by table", "各表字段完整性"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig
