"""Charts of the composite evaluation and the due diligence (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmkit.formatting import Formatter
from crmkit.reports.charts import due_diligence as dd_charts
from crmkit.reports.charts import summary as charts
from crmkit.reports.plotting import inert_text


@pytest.fixture(autouse=True)
def _close():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _dims():
    return pd.DataFrame({"score": [40.0, 80.0], "light": ["red", "green"], "weight_used": [0.25, 0.75]},
                        index=["churn", "loyalty"])


def test_dimension_scores_bars_and_titles():
    ax = charts.dimension_scores(_dims(), 70.0, Formatter("en")).axes[0]
    assert [p.get_width() for p in ax.patches] == [40.0, 80.0]
    assert ax.get_title() == "Dimension scores" and [t.get_text() for t in ax.get_yticklabels()] == ["Churn", "Loyalty"]
    assert ax.lines[0].get_xdata()[0] == 70.0
    assert any(t.get_text() == "80  (75%)" for t in ax.texts)
    ax = charts.dimension_scores(_dims(), 70.0, Formatter("zh"), due_diligence=True).axes[0]
    assert ax.get_title() == "尽调权重下的各维度得分" and ax.get_xlabel() == "得分（0-100）；括号内为尽调权重"


def test_sensitivity_intervals_draws_each_company():
    t = pd.DataFrame({"index": [72.0, 60.0], "low": [65.0, 50.0], "high": [80.0, 70.0]}, index=["acme", "beta"])
    ax = charts.sensitivity_intervals(t, "acme", Formatter("zh")).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["beta", "acme"]  # lowest index first
    assert list(ax.lines[2].get_xdata()) == [65.0, 80.0]
    assert ax.get_title() == "权重与标准化方法不确定时的指数"


def test_peer_heatmap_cells_equal_grid():
    grid = pd.DataFrame({"loyalty": [80.0, np.nan], "composite": [70.0, 55.0]}, index=["acme", "beta"])
    fig = charts.peer_heatmap(grid, Formatter("en"))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["80", "70", "–", "55"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Loyalty", "Composite"]
    assert ax.get_title() == "Dimension scores by company (same targets and weights)"


def test_trend_bars_previous_and_now():
    scores = pd.DataFrame({"previous": [60.0, 70.0], "now": [65.0, 68.0]}, index=["churn", "loyalty"])
    ax = charts.trend_bars(scores, "2025Q3", "2025Q4", Formatter("zh")).axes[0]
    assert [p.get_width() for p in ax.patches] == [60.0, 70.0, 65.0, 68.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2025Q3", "2025Q4"]
    assert ax.get_title() == "各维度得分：上期与本期"


def test_tenure_bars_stack_shares():
    mix = pd.DataFrame({"label_en": ["new", "old"], "label_zh": ["新", "老"], "share": [0.4, 0.6],
                        "revenue_share": [0.1, np.nan]})
    ax = dd_charts.tenure_bars(mix, Formatter("en")).axes[0]
    assert [round(p.get_width(), 6) for p in ax.patches] == [0.4, 0.6, 0.1, 0.0]
    assert [p.get_x() for p in ax.patches][:2] == [0.0, 0.4]
    assert ax.get_title() == "Active customers and revenue by tenure (time since first purchase)"


def test_driver_intervals_names_and_means():
    drv = pd.DataFrame({"driver": ["price", "odd_one"], "mean": [2.5, 4.0], "ci_low": [2.0, 3.5], "ci_high": [3.0, 4.5]})
    ax = dd_charts.driver_intervals(drv, Formatter("zh")).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["价格", "odd_one"]
    assert list(ax.lines[0].get_xdata()) == [2.5, 4.0]
    assert ax.get_title() == "各驱动因素满意度"


def test_peer_bars_only_indicators_measured_twice():
    pt = pd.DataFrame({"acme": [0.2, 5.0], "beta": [0.3, np.nan], "label_en": ["Churn rate", "NPS"],
                       "label_zh": ["流失率", "净推荐值"], "unit": ["ratio", "number"], "direction": ["lower", "higher"]},
                      index=["churn_rate", "nps"])
    fig = dd_charts.peer_bars(pt, ["acme", "beta"], "acme", {"churn_rate": 0.15}, "2025Q4", Formatter("en"))
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.2, 0.3]
    assert ax.get_title() == "Churn rate ↓" and ax.lines[0].get_ydata()[0] == 0.15
    assert not fig.axes[1].get_visible()


def test_competitor_bars_highlight_the_target():
    table = pd.DataFrame({"entity": ["acme", "rival"], "is_company": [True, False], "nps": [10.0, 30.0]})
    fig = dd_charts.competitor_bars(table, ["nps"], Formatter("zh"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [10.0, 30.0]
    assert fig._suptitle.get_text() == "目标公司（橙色）与竞争对手对比"


def test_dollar_names_drawn_literally():
    t = pd.DataFrame({"index": [72.0, 60.0], "low": [65.0, 50.0], "high": [80.0, 70.0]}, index=["$a_b$", "x$y"])
    fig = charts.sensitivity_intervals(t, "$a_b$", Formatter("en"))
    grid = pd.DataFrame({"loyalty": [80.0, 60.0], "composite": [70.0, 55.0]}, index=["$a_b$", "x$y"])
    fig2 = charts.peer_heatmap(grid, Formatter("en"))
    pt = pd.DataFrame({"$a_b$": [0.2], "x$y": [0.3], "label_en": ["$a_b$"], "label_zh": ["x$y"], "unit": ["ratio"],
                       "direction": ["lower"]}, index=["m"])
    fig3 = dd_charts.peer_bars(pt, ["$a_b$", "x$y"], "$a_b$", {}, "2025Q4", Formatter("en"))
    for f in (fig, fig2, fig3):
        inert_text(f)
        f.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["x$y", "$a_b$"]
    assert [t.get_text() for t in fig2.axes[0].get_yticklabels()] == ["$a_b$", "x$y"]
    assert [t.get_text() for t in fig3.axes[0].get_xticklabels()] == ["$a_b$", "x$y"]
