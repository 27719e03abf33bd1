"""Charts of the customer-base report (01)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.customer_base import dimension_name
from crmkit.reports.plotting import PALETTE

__all__ = ["monthly_customers", "segment_shares"]


def monthly_customers(monthly: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Stacked bars of new and returning customers per month (:func:`crmkit.customer_base.monthly_customers`)."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.6))
    fig = ax.figure
    labels = monthly["month"].dt.strftime("%Y-%m").tolist()
    x = range(len(labels))
    new, returning = monthly["new"].to_numpy(), monthly["returning"].to_numpy()
    ax.bar(x, new, width=0.8, color=PALETTE[0], label=fmt.t("new", "新客户"))
    ax.bar(x, returning, width=0.8, bottom=new, color=PALETTE[1], label=fmt.t("returning", "回头客"))
    ax.set_xticks(list(x), labels, rotation=45, ha="right")
    ax.set(xlabel=fmt.t("Month", "月份"), ylabel=fmt.t("Customers", "客户数"),
           title=fmt.t("Active customers per month", "每月活跃客户"))
    ax.legend(title="")
    return fig


def segment_shares(segments: pd.DataFrame, fmt: Formatter, top: int = 8) -> Figure:
    """Share of customers and of revenue of the *top* largest segments of every attribute, one panel each.

    *segments* is :func:`crmkit.customer_base.segmentation`.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    dims = list(dict.fromkeys(segments["dimension"]))
    ncol, nrow = 2, max(-(-len(dims) // 2), 1)
    fig, axes = plt.subplots(nrow, ncol, figsize=(9, 2.8 * nrow), squeeze=False)
    for ax, dim in zip(axes.flat, dims):
        part = segments[segments["dimension"] == dim].head(top)
        y = np.arange(len(part))
        ax.barh(y - 0.2, part["customer_share"], height=0.4, color=PALETTE[0], label=fmt.t("customers", "客户"))
        ax.barh(y + 0.2, part["revenue_share"], height=0.4, color=PALETTE[1], label=fmt.t("revenue", "收入"))
        ax.set_yticks(y, part["segment"].astype(str).tolist())
        ax.invert_yaxis()
        ax.set(title=fmt.t(*dimension_name(dim)), xlabel="", ylabel="")
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(fontsize=8, title="")
    for ax in list(axes.flat)[len(dims):]:
        ax.set_visible(False)
    fig.suptitle(fmt.t("Share of customers and of revenue by segment", "各细分客户占比与收入占比"))
    fig.tight_layout()
    return fig
