"""Charts of the reports, one module per dimension.

Drawing is kept apart from computation (as seaborn does): a chart function
takes the frames an indicator returned and a :class:`~crmkit.formatting.Formatter`
(or the notebook's ``Report``) for its labels, draws on a new figure (or the
``ax`` given) and returns the figure; :func:`crmkit.reports.plotting.show`
displays it with all text mathtext-inert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from crmkit.formatting import Formatter

__all__ = ["benchmark_panels"]


def benchmark_panels(table: pd.DataFrame, shown: Sequence[str], fmt: Formatter, title: tuple[str, str],
                     height: float = 3.4) -> Figure:
    """One panel of horizontal bars per benchmark in *shown*: the company orange, each competitor blue.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`crmkit.indicators.market.comparison`: ``entity, is_company``
        and a column per benchmark (``nps``, ``csat``, ``churn_rate``,
        ``market_share``); entities without a value are left out of a panel.
    shown : sequence of str
        Benchmarks to draw, one panel each, in this order.
    fmt : Formatter
        Language of the panel titles (:data:`crmkit.indicators.market.BENCHMARK_METRICS`).
    title : (str, str)
        Figure title in English and Chinese.
    height : float
        Figure height in inches.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from crmkit.indicators.market import BENCHMARK_METRICS

    fig, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown) + 1, height), squeeze=False)
    for ax, m in zip(axes[0], shown):
        sub = table.dropna(subset=[m])
        ax.barh([str(e) for e in sub["entity"]], sub[m], color=["#e07b39" if c else "#1f5f8b" for c in sub["is_company"]])
        en, zh, unit, _ = BENCHMARK_METRICS[m]
        ax.set_title(fmt.t(en, zh), fontsize=10)
        if unit == "ratio":
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=7)
    for ax in axes[0][1:]:
        ax.set_yticklabels([])
    fig.suptitle(fmt.t(*title), fontsize=11)
    fig.tight_layout()
    return fig
