"""Charts of the maturity report (crmkit.reports.charts.maturity)."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import maturity as charts

from ..helpers import drawn_texts


A = pd.DataFrame({"score": [75.0, 40.0], "previous": [70.0, float("nan")], "target": [70.0, 60.0], "gap": [-5.0, 20.0]},
                 index=["team", "$a_b$"])


def test_radar_series_closed_and_labels():
    fig = charts.radar(A, Formatter("zh"))
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert list(lines[0].get_ydata()) == [75.0, 40.0, 75.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["本轮", "上一轮", "目标"]
    assert {"团队建设", "$a_b$"} <= drawn_texts(fig)


def test_gaps_bars_are_score_minus_target():
    fig = charts.gaps(A.assign(gap=[-5.0, 20.0]), Formatter("en"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [5.0, -20.0]
    assert ax.get_title() == "Distance to target by dimension"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Team", "$a_b$"]
