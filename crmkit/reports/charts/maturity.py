"""Charts of the management-maturity report (10_maturity)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crmkit.formatting import Formatter
from crmkit.indicators import maturity

__all__ = ["radar", "gaps"]


def _label(fmt: Formatter, d: str) -> str:
    lab = maturity.DIMENSION_LABELS.get(d, {})
    return fmt.t(lab.get("en", d), lab.get("zh", d))


def radar(assessed: pd.DataFrame, fmt: Formatter) -> Figure:
    """Scores per dimension (0-100) on a polar chart: current round shaded, previous round dashed, target dotted.

    *assessed* is :func:`crmkit.indicators.maturity.round_comparison` (assessed dimensions).
    """
    dims = list(assessed.index)
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False).tolist()
    closed = angles + angles[:1]
    fig, ax = plt.subplots(figsize=(6.8, 6.2), subplot_kw={"polar": True})
    series = [(assessed["score"], fmt.t("Current round", "本轮"), "#1f5f8b", "-")]
    if assessed["previous"].notna().any():
        series.append((assessed["previous"], fmt.t("Previous round", "上一轮"), "#e07b39", "--"))
    if assessed["target"].notna().any():
        series.append((assessed["target"], fmt.t("Target", "目标"), "#3a9e6f", ":"))
    for values, name, colour, style in series:
        v = values.fillna(0).tolist()
        ax.plot(closed, v + v[:1], style, color=colour, linewidth=2, label=name)
        if style == "-":
            ax.fill(closed, v + v[:1], color=colour, alpha=0.15)
    ax.set_xticks(angles)
    ax.set_xticklabels([_label(fmt, d) for d in dims], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100])
    ax.set_yticklabels(["25", "50", "75", "100"], fontsize=7)
    ax.set_title(fmt.t("Maturity by dimension (0-100)", "各维度成熟度（0-100）"), pad=24)
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), fontsize=8)
    return fig


def gaps(table: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Score minus target per dimension (red: below target), in the order of *table*."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(table) + 1))
    else:
        fig = ax.figure
    gap = table["gap"].fillna(0)
    ax.barh([_label(fmt, d) for d in table.index], -gap, color=["#c2405a" if g > 0 else "#3a9e6f" for g in gap])
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.invert_yaxis()
    ax.set(xlabel=fmt.t("Score minus target (points)", "得分减目标（分）"), ylabel="",
           title=fmt.t("Distance to target by dimension", "各维度距目标的差距"))
    return fig
