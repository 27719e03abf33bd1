"""Attribute charts: one point per level with its interval, levels that differ in orange, both languages."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import attributes as charts
from tests.helpers import drawn_texts


def test_level_intervals_chart():
    rows = pd.DataFrame({"dimension": ["attr_plan", "attr_plan", "attr_pay"], "measure": "csat",
                         "level": ["basic", "premium", "card"], "value": [0.5, 0.8, float("nan")],
                         "ci_low": [0.4, 0.7, float("nan")], "ci_high": [0.6, float("nan"), float("nan")],
                         "differs": [False, True, False]})
    fig = charts.measure_intervals(rows, "csat", Formatter("en"))
    texts = drawn_texts(fig)
    assert {"Plan · Basic", "Plan · premium"} <= texts and not any("card" in t for t in texts)  # no value: left out
    assert "By customer attribute" in texts
    colors = [line.get_color() for line in fig.axes[0].lines if line.get_marker() == "o"]
    assert colors == ["#1f5f8b", "#e07b39"]
    zh = drawn_texts(charts.active_intervals(pd.DataFrame({"dimension": ["attr_plan"], "level": ["basic"], "active_rate": [0.3],
                                                           "active_low": [0.2], "active_high": [0.4], "active_differs": [False]}),
                                             Formatter("zh")))
    assert "按客户属性" in zh and "plan · 普通" in zh
