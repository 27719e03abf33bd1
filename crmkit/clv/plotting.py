"""Matplotlib plots of the CLV model checks (inputs come from :mod:`crmkit.clv.diagnostics`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["plot_calibration_holdout", "plot_tracking", "plot_holdout_error", "holdout_panels", "tracking_panels"]


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


def _t(fmt: Any, en: str, zh: str) -> str:
    return en if fmt is None else fmt.t(en, zh)


def holdout_panels(prediction: Any, fmt: Any = None) -> Any:
    """Calibration-vs-holdout plot of every fitted transaction model, the chosen one first.

    Parameters
    ----------
    prediction : crmkit.clv.workflow.PredictiveCLV
        Result with ``calibration_holdout`` tables.
    fmt : crmkit.formatting.Formatter, optional
        Report language of the labels (English without).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from crmkit.clv.workflow import MODEL_LABELS

    p = prediction
    keys = [p.model] + [k for k in p.calibration_holdout if k != p.model]
    fig, axes = plt.subplots(1, len(keys), figsize=(5.2 * len(keys), 3.8), sharey=True, squeeze=False, layout="tight")
    for ax, key in zip(axes[0], keys):
        name = MODEL_LABELS.get(key, key)
        plot_calibration_holdout(p.calibration_holdout[key], ax=ax,
                                 title=_t(fmt, f"{name}: calibration vs holdout", f"{name}：校准期与留出期"))
        ax.set(xlabel=_t(fmt, "Repeat purchases in the calibration period", "校准期复购次数"),
               ylabel=_t(fmt, "Mean purchases in the holdout", "留出期人均购买次数"))
        ax.legend(ax.get_legend_handles_labels()[0], [_t(fmt, "Actual", "实际"), _t(fmt, "Predicted", "预测")])
    return fig


def tracking_panels(prediction: Any, fmt: Any = None) -> Any:
    """Cumulative and weekly tracking of the chosen model's repeat purchases, holdout start marked.

    Parameters
    ----------
    prediction : crmkit.clv.workflow.PredictiveCLV
        Result with ``tracking`` tables and ``holdout_start``.
    fmt : crmkit.formatting.Formatter, optional
        Report language of the labels (English without).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    p = prediction
    track = p.tracking[p.model]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="tight")
    for ax, cumulative in zip(axes, (True, False)):
        title = (_t(fmt, f"Cumulative repeat purchases ({p.model_label})", f"累计复购次数（{p.model_label}）") if cumulative
                 else _t(fmt, "Repeat purchases per week", "每周复购次数"))
        plot_tracking(track, cumulative=cumulative, ax=ax, holdout_start=p.holdout_start, title=title)
        ax.set(xlabel=_t(fmt, "Weeks since the first recorded purchase", "自首笔购买记录以来的周数"),
               ylabel=_t(fmt, "Repeat purchases", "复购次数"))
        ax.legend(ax.get_legend_handles_labels()[0],
                  [_t(fmt, "Actual", "实际"), _t(fmt, "Predicted", "预测"), _t(fmt, "Holdout starts", "留出期开始")], fontsize=8)
    return fig
