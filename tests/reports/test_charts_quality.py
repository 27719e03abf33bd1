"""Charts of the data-quality report (Agg backend)."""

import numpy as np
import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import quality as charts
from crmkit.reports.plotting import inert_text


def test_completeness_bars_equal_input_in_both_languages():
    t = pd.DataFrame({"table": ["customers", "orders"], "columns": [5, 4], "completeness": [0.9, 0.5]})
    fig = charts.completeness_by_table(t, Formatter("en"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [0.9, 0.5]
    assert ax.get_title() == "Completeness by table" and ax.get_xlabel() == "Mean share of filled values"
    ax = charts.completeness_by_table(t, Formatter("zh")).axes[0]
    assert ax.get_title() == "各表字段完整性" and ax.get_xlabel() == "平均填充率"


def test_monthly_volume_lines_and_labels():
    v = pd.DataFrame({"month": pd.to_datetime(["2025-10-01", "2025-11-01"] * 2), "rows": [10, 20, 3, 4],
                      "table": ["orders", "orders", "tickets", "tickets"]})
    fig = charts.monthly_volume(v, "2025-10-01", "2025-12-31", Formatter("zh"))
    ax = fig.axes[0]
    assert ax.get_title() == "各表每月行数" and ax.get_yscale() == "log"
    ys = sorted(tuple(line.get_ydata()) for line in ax.lines if len(line.get_ydata()) == 2)
    assert ys == [(3, 4), (10, 20)]
    en = charts.monthly_volume(v, "2025-10-01", "2025-12-31", Formatter("en")).axes[0]
    assert en.get_ylabel() == "Rows (log scale)" and en.get_legend().get_title().get_text() == "Table"


def test_dollar_names_are_drawn_literally():
    t = pd.DataFrame({"table": ["$a_b$", "x$y"], "columns": [1, 1], "completeness": [0.3, np.nan]})
    fig = charts.completeness_by_table(t, Formatter("en"))
    inert_text(fig)
    fig.canvas.draw()
    labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    assert labels == ["$a_b$", "x$y"]
