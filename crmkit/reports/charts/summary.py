"""Charts of the composite evaluation (``99_summary``; the dimension chart also serves ``98_due_diligence``)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crmkit.formatting import Formatter, escape
from crmkit.i18n import DIMENSIONS

__all__ = ["LIGHT_COLOURS", "completeness_box", "dimension_scores", "sensitivity_intervals", "peer_heatmap",
           "trend_bars"]

LIGHT_COLOURS = {"green": "#3a9e6f", "amber": "#e0a039", "red": "#c2405a"}
"""Bar colour of each traffic light (grey without one)."""


def _axes(ax: Any, figsize: tuple[float, float]) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=figsize)


def _dim(fmt: Formatter) -> Callable[[str], str]:
    return lambda d: fmt.t(*DIMENSIONS.get(d, (d, d)))


def completeness_box(summary: tuple[str, str], items: list[tuple[str, str]], fmt: Formatter) -> str:
    """The warning shown first when the evaluation is provisional: a summary sentence and one line per item.

    *summary* and *items* are (English, Chinese) pairs
    (:func:`crmkit.narrative.summary.completeness_summary`,
    :func:`crmkit.narrative.summary.completeness_items`); every text is
    HTML-escaped.  Show the markup with ``IPython.display.HTML``.
    """
    lines = "".join(f"<li>{escape(fmt.t(*item))}</li>" for item in items)
    return (f'<div class="ck-warnbox" role="alert"><p>{escape(fmt.t(*summary))}</p>'
            + (f"<ul>{lines}</ul>" if lines else "") + "</div>")


def dimension_scores(dims: pd.DataFrame, composite: float, fmt: Formatter, *, due_diligence: bool = False,
                     ax: Any = None) -> Figure:
    """Horizontal bars of the dimension scores coloured by light, weight in brackets, composite dashed.

    Parameters
    ----------
    dims : pandas.DataFrame
        Scored dimensions, lowest first, indexed by dimension: ``score``,
        ``light``, ``weight_used`` (:func:`crmkit.evaluation.composite.scored_dimensions`).
    composite : float
        The composite index (dashed line).
    due_diligence : bool
        Word the title and axis for the due-diligence weights.
    """
    fig, ax = _axes(ax, (7.5, 0.38 * len(dims) + 1.2))
    labels = [_dim(fmt)(d) for d in dims.index]
    ax.barh(labels, dims["score"], color=[LIGHT_COLOURS.get(li, "#8c8c8c") for li in dims["light"]])
    for y, (v, w) in enumerate(zip(dims["score"], dims["weight_used"])):
        ax.text(min(v + 1.5, 96), y, f"{v:.0f}  ({100 * w:.0f}%)", va="center", fontsize=8)
    ax.axvline(composite, color="#1f5f8b", linestyle="--", linewidth=1.2, label=fmt.t("Composite", "综合指数"))
    if due_diligence:
        ax.set(xlim=(0, 105), xlabel=fmt.t("Score (0-100); in brackets: due-diligence weight in the index",
                                           "得分（0-100）；括号内为尽调权重"),
               title=fmt.t("Dimension scores under due-diligence weights", "尽调权重下的各维度得分"))
    else:
        ax.set(xlim=(0, 105), xlabel=fmt.t("Score (0-100); in brackets: weight in the index", "得分（0-100）；括号内为在指数中的权重"),
               ylabel="", title=fmt.t("Dimension scores", "各维度得分"))
    ax.legend(loc="lower right", fontsize=8)
    return fig


def sensitivity_intervals(table: pd.DataFrame, company: str, fmt: Formatter, ax: Any = None) -> Figure:
    """Composite index of each company (point) with its 90% interval (bar), *company* highlighted.

    *table* is indexed by company with ``index, low, high``
    (:func:`crmkit.evaluation.composite.sensitivity_table`); companies are drawn lowest index first.
    """
    fig, ax = _axes(ax, (7.5, 0.5 * len(table) + 1.4))
    order = table.sort_values("index").index
    for y, unit in enumerate(order):
        r = table.loc[unit]
        colour = "#1f5f8b" if unit == company else "#8c8c8c"
        ax.plot([r["low"], r["high"]], [y, y], color=colour, linewidth=6, alpha=0.35, solid_capstyle="butt")
        ax.plot(r["index"], y, "o", color=colour)
        ax.text(r["high"] + 1, y, f"{r['index']:.1f}", va="center", fontsize=8)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([str(u) for u in order])
    ax.set(xlim=(0, 105), xlabel=fmt.t("Composite index: point and 90% interval under uncertain weights",
                                       "综合指数：点估计及权重不确定时的 90% 区间"),
           title=fmt.t("Index under uncertain weights and normalisation", "权重与标准化方法不确定时的指数"))
    return fig


def peer_heatmap(grid: pd.DataFrame, fmt: Formatter, ax: Any = None) -> Figure:
    """Dimension scores (0-100, red to green) of every company, values written in the cells.

    *grid* is indexed by company with one column per dimension and ``composite``
    (:func:`crmkit.evaluation.composite.peer_grid`).
    """
    fig, ax = _axes(ax, (9, 0.6 * len(grid) + 2))
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([_dim(fmt)(d) if d != "composite" else fmt.t("Composite", "综合指数") for d in grid.columns],
                       rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels([str(c) for c in grid.index])
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            ax.text(j, i, "–" if pd.isna(v) else f"{v:.0f}", ha="center", va="center", fontsize=8)
    ax.grid(False)
    ax.set_title(fmt.t("Dimension scores by company (same targets and weights)", "各公司维度得分（相同目标与权重）"))
    fig.colorbar(im, ax=ax, shrink=0.8)
    return fig


def trend_bars(scores: pd.DataFrame, previous_label: str, period: str, fmt: Formatter, ax: Any = None) -> Figure:
    """Paired bars of each dimension's score in the previous and the current period.

    *scores* is indexed by dimension with ``previous`` and ``now``
    (:func:`crmkit.evaluation.composite.trend_scores`).
    """
    fig, ax = _axes(ax, (7.5, 0.38 * len(scores) + 1.2))
    ys = np.arange(len(scores))
    ax.barh(ys - 0.2, scores["previous"], height=0.4, color="#c9c9c9", label=str(previous_label))
    ax.barh(ys + 0.2, scores["now"], height=0.4, color="#1f5f8b", label=str(period))
    ax.set_yticks(ys)
    ax.set_yticklabels([_dim(fmt)(d) for d in scores.index])
    ax.set(xlim=(0, 100), xlabel=fmt.t("Score (0-100)", "得分（0-100）"),
           title=fmt.t("Dimension scores: previous vs current period", "各维度得分：上期与本期"))
    ax.legend(fontsize=8)
    return fig
