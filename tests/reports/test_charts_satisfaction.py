"""Charts of the satisfaction report (Agg backend)."""

import pandas as pd
import pytest

from crmkit.formatting import Formatter
from crmkit.reports.charts import satisfaction as charts
from crmkit.reports.plotting import inert_text


BR = pd.DataFrame({"group": ["promoters", "passives", "detractors"], "count": [5, 3, 2], "share": [0.5, 0.3, 0.2]})


def test_nps_bar_segments_and_legend():
    ax = charts.nps_groups(BR, Formatter("en")).axes[0]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.5, 0.3, 0.2])
    assert [p.get_x() for p in ax.patches] == pytest.approx([0.0, 0.5, 0.8])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["promoters (9-10)", "passives (7-8)", "detractors (0-6)"]
    zh = charts.nps_groups(BR, Formatter("zh")).axes[0]
    assert zh.get_legend().get_texts()[2].get_text() == "贬损者（0-6）"


def test_csat_by_group_sorted_points():
    g = pd.DataFrame({"group": ["web", "app"], "csat": [0.9, 0.6], "csat_low": [0.85, 0.5], "csat_high": [0.95, 0.7]})
    ax = charts.csat_by_group(g, Formatter("zh")).axes[0]
    assert ax.get_title() == "各渠道满意度"
    assert list(ax.lines[0].get_xdata()) == [0.6, 0.9]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["app", "web"]


def test_drivers_panels_and_hidden_matrix():
    drv = pd.DataFrame({"driver": ["price", "quality"], "mean": [3.5, 4.2], "ci_low": [3.3, 4.0], "ci_high": [3.7, 4.4]})
    kda = pd.DataFrame({"driver": ["price", "quality"], "importance": [0.3, 0.7], "performance": [3.5, 4.2]})
    fig = charts.drivers(drv, kda, Formatter("en"))
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["price", "product quality"]
    assert right.get_title() == "Importance vs performance" and right.collections[0].get_offsets().tolist() == [[0.3, 3.5], [0.7, 4.2]]
    assert not charts.drivers(drv, kda.iloc[:0], Formatter("en")).axes[1].get_visible()


def test_monthly_trend_lines():
    t = pd.DataFrame({"month": pd.to_datetime(["2025-10-01", "2025-11-01"] * 2), "metric": ["csat", "csat", "nps", "nps"],
                      "value": [0.7, 0.8, 10.0, 20.0], "ci_low": [0.6, 0.7, 0.0, 5.0], "ci_high": [0.8, 0.9, 20.0, 35.0]})
    fig = charts.monthly_trend(t, "2025-10-01", "2025-12-31", Formatter("zh"))
    assert [ax.get_title() for ax in fig.axes] == ["满意度（前两档）", "净推荐值"]
    assert list(fig.axes[1].lines[0].get_ydata()) == [10.0, 20.0]


def test_dollar_group_names_are_literal():
    g = pd.DataFrame({"group": ["$a_b$", "x$y"], "csat": [0.5, 0.6], "csat_low": [0.4, 0.5], "csat_high": [0.6, 0.7]})
    fig = charts.csat_by_group(g, Formatter("en"))
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["$a_b$", "x$y"]
