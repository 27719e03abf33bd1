"""Matplotlib plots of the CLV model checks (inputs come from :mod:`crmkit.clv.diagnostics`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["plot_calibration_holdout", "plot_tracking", "plot_holdout_error"]


def _ax(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def plot_calibration_holdout(table: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Plot mean actual vs predicted holdout transactions by calibration frequency.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~crmkit.clv.diagnostics.calibration_holdout_table`.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _ax(ax)
    x = range(len(table))
    ax.plot(x, table["actual"], marker="o", label="actual")
    ax.plot(x, table["predicted"], marker="s", linestyle="--", label="predicted")
    ax.set_xticks(list(x), table["label"])
    ax.set_xlabel("repeat purchases in calibration period")
    ax.set_ylabel("mean purchases in holdout period")
    ax.set_title(title or "Calibration vs holdout")
    ax.legend()
    return ax


def plot_tracking(tracking: pd.DataFrame, cumulative: bool = True, ax: Any = None, holdout_start: Any = None,
                  title: str | None = None) -> Any:
    """Plot expected vs actual repeat transactions over time.

    Parameters
    ----------
    tracking : pandas.DataFrame
        Output of :func:`~crmkit.clv.diagnostics.tracking_transactions`.
    cumulative : bool, default True
        Cumulative totals, otherwise per time unit (e.g. weekly).
    ax : matplotlib.axes.Axes, optional
    holdout_start : int, optional
        Time unit where the holdout begins (drawn as a vertical line).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _ax(ax)
    a, p = ("actual_cumulative", "predicted_cumulative") if cumulative else ("actual", "predicted")
    ax.plot(tracking.index, tracking[a], label="actual")
    ax.plot(tracking.index, tracking[p], linestyle="--", label="predicted")
    if holdout_start is not None:
        ax.axvline(holdout_start, color="grey", linestyle=":", label="holdout starts")
    ax.set_xlabel("time")
    ax.set_ylabel("cumulative repeat transactions" if cumulative else "repeat transactions")
    ax.set_title(title or ("Cumulative tracking" if cumulative else "Tracking per period"))
    ax.legend()
    return ax


def plot_holdout_error(errors: pd.DataFrame, metric: str = "rmse", ax: Any = None) -> Any:
    """Bar chart of a holdout error metric per model.

    Parameters
    ----------
    errors : pandas.DataFrame
        Output of :func:`~crmkit.clv.diagnostics.holdout_error`.
    metric : {"rmse", "mae", "pct_error"}
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _ax(ax)
    ax.bar([str(i) for i in errors.index], errors[metric])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(metric)
    ax.set_title(f"Holdout {metric} by model")
    return ax
