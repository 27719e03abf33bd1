"""Charts of the loyalty report (Agg backend)."""

import numpy as np
import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import loyalty as charts
from crmkit.reports.plotting import inert_text


def test_retention_trend_bars():
    t = pd.DataFrame({"start": pd.to_datetime(["2025-07-01", "2025-10-01"]), "end": pd.to_datetime(["2025-09-30", "2025-12-31"]),
                      "retention": [0.6, 0.7], "ci_low": [0.55, 0.66], "ci_high": [0.65, 0.74]})
    ax = charts.retention_trend(t, Formatter("en")).axes[0]
    assert [p.get_height() for p in ax.patches] == [0.6, 0.7]
    assert [x.get_text() for x in ax.get_xticklabels()] == ["2025-07–2025-09", "2025-10–2025-12"]
    assert charts.retention_trend(t, Formatter("zh")).axes[0].get_title() == "期间留存率"


def test_cohort_heatmap_blank_cells():
    m = pd.DataFrame({0: [1.0, 1.0], 1: [0.25, np.nan]}, index=["2025-10", "2025-11"])
    ax = charts.cohort_heatmap(m, Formatter("en")).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["100%", "100%", "25%"]
    assert ax.get_xlabel() == "Months after first purchase"
    sub = charts.cohort_heatmap(m, Formatter("zh"), contractual=True).axes[0]
    assert sub.get_ylabel() == "注册月份" and "仍在订阅" in sub.get_title()


def test_inter_purchase_histogram_counts_every_gap():
    gaps = pd.DataFrame({"gap": [1.0, 2.0, 2.0, 30.0, 400.0]})
    ax = charts.inter_purchase(gaps, 2.0, Formatter("zh")).axes[0]
    assert sum(p.get_height() for p in ax.patches) == 5
    assert ax.get_legend().get_texts()[0].get_text() == "中位数 2 天"


def test_programme_panels():
    t = pd.DataFrame({"measure": ["spend", "spend", "retention", "retention"], "group": ["members", "others"] * 2,
                      "value": [300.0, 200.0, 0.7, 0.5], "low": [280.0, 180.0, 0.6, 0.4], "high": [320.0, 220.0, 0.8, 0.6],
                      "unit": ["currency", "currency", "ratio", "ratio"]})
    fig = charts.programme(t, Formatter("en"))
    assert [ax.get_title() for ax in fig.axes] == ["Revenue per active customer", "Retained from previous period"]
    assert [p.get_height() for p in fig.axes[1].patches] == [0.7, 0.5]
    assert [x.get_text() for x in fig.axes[0].get_xticklabels()] == ["members", "non-members"]


def test_dollar_cohort_labels_are_literal():
    m = pd.DataFrame({0: [1.0, 1.0]}, index=["$a_b$", "x$y"])
    fig = charts.cohort_heatmap(m, Formatter("en"))
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["$a_b$", "x$y"]
