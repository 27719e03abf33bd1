"""Charts of the ``attr_*`` customer attributes (reports 01, 02 and 05); each returns the figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.attributes import MEASURES, attribute_label

__all__ = ["level_intervals", "active_intervals", "measure_intervals"]


def level_intervals(rows: pd.DataFrame, fmt: Formatter, *, measure: tuple[str, str], unit: str = "ratio",
                    ax: Any = None) -> Figure:
    """A value per attribute level with its 95 % interval; levels that differ from the rest in orange.

    Parameters
    ----------
    rows : DataFrame
        ``dimension, level, value, ci_low, ci_high`` and optionally ``differs``
        (rows of :func:`crmkit.indicators.attributes.breakdown` stacked over
        attributes, e.g. :func:`crmkit.narrative.attributes.measure_rows`);
        levels without a value are left out, a missing bound draws no bar.
    measure : (str, str)
        Name of the value (x axis) in English and Chinese.
    unit : str
        ``ratio`` draws the axis in percent.
    """
    d = rows[rows["value"].notna()].reset_index(drop=True)
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 0.3 * len(d) + 1.5))
    else:
        fig = ax.figure
    v = d["value"].astype("float64")
    lo = (v - d["ci_low"].astype("float64")).clip(lower=0).fillna(0)
    hi = (d["ci_high"].astype("float64") - v).clip(lower=0).fillna(0)
    differs = d["differs"].astype(bool) if "differs" in d else pd.Series(False, index=d.index)
    colors = np.where(differs, "#e07b39", "#1f5f8b")
    for i in range(len(d)):
        ax.errorbar(v.iloc[i], i, xerr=[[lo.iloc[i]], [hi.iloc[i]]], fmt="o", color=colors[i], capsize=2)
    ax.set(yticks=range(len(d)),
           yticklabels=[f"{fmt.t(*attribute_label(a))} · {fmt.tr.code(g)}" for a, g in zip(d["dimension"], d["level"])],
           xlabel=fmt.t(f"{measure[0]} with 95% interval (orange: differs from the rest, Holm-adjusted)",
                        f"{measure[1]}及 95% 区间（橙色：与其余客户差异显著，Holm 校正）"),
           title=fmt.t("By customer attribute", "按客户属性"))
    ax.invert_yaxis()
    if unit == "ratio":
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


def active_intervals(table: pd.DataFrame, fmt: Formatter) -> Figure:
    """Share of each level's customers active in the period (:func:`crmkit.indicators.attributes.base_by_attributes`)."""
    rows = table.rename(columns={"active_rate": "value", "active_low": "ci_low", "active_high": "ci_high",
                                 "active_differs": "differs"})
    return level_intervals(rows, fmt, measure=("Share active in the period", "期内活跃比例"))


def measure_intervals(table: pd.DataFrame, measure: str, fmt: Formatter) -> Figure:
    """One measure (``csat``, ``nps``, ``clv``) of :func:`crmkit.indicators.attributes.satisfaction_by_attributes`
    or :func:`~crmkit.indicators.attributes.value_by_attributes` per level."""
    name, unit = MEASURES[measure]
    return level_intervals(table[table["measure"] == measure], fmt, measure=name, unit=unit)
