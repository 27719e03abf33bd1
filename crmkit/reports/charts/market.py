"""Charts and table layouts of the market section (market share, competitor benchmarks).

Chart functions return the figure (show it with :func:`crmkit.reports.plotting.show`);
table functions return the keywords of :meth:`crmkit.reports.display.Report.table`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.reports.charts import benchmark_panels

__all__ = ["share_trend", "benchmarks", "share_table", "comparison_table"]


def _dash(fmt_string: str, scale: float = 1.0):
    return lambda v: "–" if v is None or v != v else fmt_string.format(scale * v)


def share_trend(shares: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Line of market share by period (:func:`crmkit.indicators.market.market_share`)."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 3.4))
    ax.plot(shares["period"], shares["share"], marker="o", color="#1f5f8b")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set(xlabel=fmt.t("Period", "期间"), ylabel=fmt.t("Market share", "市场份额"),
           title=fmt.t("Market share by period", "各期市场份额"))
    return fig


def benchmarks(table: pd.DataFrame, gaps: pd.DataFrame, fmt: Formatter) -> Figure:
    """One panel of horizontal bars per benchmarked metric, the company in orange (:func:`~crmkit.indicators.market.comparison`)."""
    shown = [m for m in ("nps", "csat", "churn_rate", "market_share") if m in set(gaps["metric"])]
    return benchmark_panels(table, shown, fmt, ("Company (orange) against competitors", "本公司（橙色）与竞争对手对比"))


def share_table(shares: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Revenue, market size, share and change per period."""
    return {"df": shares,
            "formats": {"revenue": "currency", "market_size": "currency", "share": lambda v: f"{100 * v:.2f}%",
                        "change": _dash("{:+.2f} pp", 100)},
            "labels": {"period": ("Period", "期间"), "revenue": ("Company revenue", "公司收入"),
                       "market_size": ("Market size", "市场规模"), "share": ("Market share", "市场份额"),
                       "change": ("Change", "变化"), "source": ("Source of market size", "市场规模来源")}}


def comparison_table(table: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """The company's indicators beside competitor benchmarks, with their sources (the company's: "company data")."""
    df = table.assign(source=[fmt.t("company data", "公司数据") if c else src for c, src in zip(table["is_company"], table["source"])])
    return {"df": df.drop(columns=["is_company"]),
            "formats": {"nps": _dash("{:.0f}"), "csat": "ratio", "churn_rate": "ratio", "market_share": "ratio",
                        "price_index": _dash("{:.2f}")},
            "labels": {"entity": ("Company", "公司"), "period": ("Period", "期间"), "nps": ("NPS", "净推荐值"),
                       "csat": ("CSAT", "满意度"), "churn_rate": ("Churn rate", "流失率"),
                       "market_share": ("Market share", "市场份额"), "price_index": ("Price index", "价格指数"),
                       "source": ("Source", "来源")},
            "caption": ("Company indicators beside competitor benchmarks", "本公司指标与竞争对手基准对照")}
