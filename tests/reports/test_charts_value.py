"""Customer-value charts and the CLV diagnostic panels: labels, plotted data, literal data text."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from crmkit.clv import plotting as clv_charts
from crmkit.formatting import Formatter
from crmkit.reports.charts import value as charts
from crmkit.reports.plotting import inert_text

EN, ZH = Formatter("en"), Formatter("zh")
TIERS = pd.DataFrame({"tier": ["high", "medium", "low"], "customer_share": [0.2, 0.3, 0.5], "clv_share": [0.6, 0.3, 0.1]})


def test_monthly_revenue_bars_and_currency_label():
    m = pd.DataFrame({"month": pd.to_datetime(["2025-09-01", "2025-10-01"]), "revenue": [100.0, 250.0]})
    ax = charts.monthly_revenue(m, "2025-10-01", EN).axes[0]
    assert [p.get_height() for p in ax.patches] == [100.0, 250.0]
    assert ax.get_ylabel() == "Revenue (CNY)"
    assert charts.monthly_revenue(m, "2025-10-01", ZH).axes[0].get_title() == "月度收入（深色为评估期）"


def test_value_tiers_bars_equal_shares():
    ax = charts.value_tiers(TIERS, ZH).axes[0]
    assert sorted(round(p.get_height(), 6) for p in ax.patches if p.get_height() > 0) == [0.1, 0.2, 0.3, 0.3, 0.5, 0.6]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["高价值", "中价值", "低价值"]
    assert charts.value_tiers(TIERS, EN, predicted=True).axes[0].get_title() == "Predicted value tiers"


def test_lorenz_curve_data():
    c = pd.DataFrame({"customer_share": [0.0, 0.5, 1.0], "value_share": [0.0, 0.2, 1.0]})
    ax = charts.lorenz(c, EN).axes[0]
    assert list(ax.lines[0].get_ydata()) == [0.0, 0.2, 1.0]
    assert ax.get_title() == "Revenue concentration in the window"


def test_channel_cac_literal_channel_names():
    ch = pd.DataFrame({"channel": ["$a_b$", "x$y"], "cac": [10.0, 30.0]})
    fig = charts.channel_cac(ch, 20.0, EN)
    ax = fig.axes[0]
    assert sorted(p.get_width() for p in ax.patches) == [10.0, 30.0]
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["$a_b$", "x$y"]
    assert charts.channel_cac(ch, 20.0, ZH).axes[0].get_xlabel() == "获客成本（CNY）"


def test_rfm_overview_heatmap_and_segment_shares():
    grid = pd.DataFrame(np.arange(25).reshape(5, 5), index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5])
    seg = pd.DataFrame({"segment": ["champions", "hibernating"], "share": [0.25, 0.75]})
    fig = charts.rfm_overview(grid, seg, ZH)
    a, b = fig.axes[:2]
    assert a.get_title() == "按 R、F 评分的客户数"
    assert sorted(p.get_width() for p in b.patches) == [0.25, 0.75]
    assert [t.get_text() for t in b.get_yticklabels()] == ["重要价值客户", "沉睡客户"]


def test_activity_and_predicted_clv_histograms_count_every_customer():
    cust = pd.DataFrame({"p_alive": [0.1, 0.5, 0.9, 0.95], "expected_transactions": [0.0, 1.0, 2.0, 3.0],
                         "clv": [10.0, 20.0, 30.0, 400.0]})
    fig = charts.activity(cust, 12, EN)
    assert sum(p.get_height() for p in fig.axes[0].patches) == 4
    assert fig.axes[1].get_title() == "Expected repeat purchases in the next 12 months"
    fig = charts.predicted_clv(cust, {"clv_mean": 115.0, "clv_median": 25.0}, TIERS, "margin", EN)
    assert sum(p.get_height() for p in fig.axes[0].patches) == 4
    assert fig.axes[0].get_title() == "Predicted CLV per customer (margin)"
    assert [l.get_xdata()[0] for l in fig.axes[0].lines] == [115.0, 25.0]


def _prediction():
    table = pd.DataFrame({"label": ["0", "1", "2+"], "actual": [0.2, 0.8, 2.0], "predicted": [0.25, 0.7, 2.1]})
    track = pd.DataFrame({"actual": [1.0, 2.0, 3.0], "predicted": [1.0, 2.5, 2.5]})
    track["actual_cumulative"], track["predicted_cumulative"] = track["actual"].cumsum(), track["predicted"].cumsum()
    return SimpleNamespace(model="pareto_nbd", model_label="Pareto/NBD", calibration_holdout={"bgnbd": table, "pareto_nbd": table},
                           tracking={"pareto_nbd": track}, holdout_start=1)


def test_clv_holdout_panels_chosen_model_first_in_both_languages():
    fig = clv_charts.holdout_panels(_prediction(), ZH)
    assert [ax.get_title() for ax in fig.axes] == ["Pareto/NBD：校准期与留出期", "BG/NBD：校准期与留出期"]
    assert list(fig.axes[0].lines[0].get_ydata()) == [0.2, 0.8, 2.0]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["实际", "预测"]
    assert clv_charts.holdout_panels(_prediction()).axes[0].get_xlabel() == "Repeat purchases in the calibration period"


def test_clv_tracking_panels_cumulative_then_weekly():
    fig = clv_charts.tracking_panels(_prediction(), EN)
    a, b = fig.axes
    assert a.get_title() == "Cumulative repeat purchases (Pareto/NBD)" and b.get_title() == "Repeat purchases per week"
    assert list(a.lines[0].get_ydata()) == [1.0, 3.0, 6.0] and list(b.lines[1].get_ydata()) == [1.0, 2.5, 2.5]
    assert a.lines[2].get_xdata()[0] == 1
    assert [t.get_text() for t in clv_charts.tracking_panels(_prediction(), ZH).axes[0].get_legend().get_texts()] == \
        ["实际", "预测", "留出期开始"]


def test_retention_curve_model_and_observed():
    curve = pd.DataFrame({"survival": [0.8, 0.68, 0.6], "retention_rate": [0.8, 0.85, 0.88],
                          "observed_retention": [0.78, 0.9, np.nan]}, index=pd.RangeIndex(1, 4, name="t"))
    fig = charts.retention_curve(curve, ("month", "月"), EN)
    a, b = fig.axes
    assert a.get_title() == "Share of a signup cohort still active" and a.get_xlabel() == "Months since signup"
    assert list(a.lines[0].get_ydata()) == [1.0, 0.8, 0.68, 0.6]
    np.testing.assert_allclose(a.lines[1].get_ydata(), [1.0, 0.78, 0.78 * 0.9])  # observed: product of the rates
    assert list(b.lines[1].get_xdata()) == [1, 2] and b.get_title() == "Renewal rate by month of tenure"
    assert charts.retention_curve(curve, ("quarter", "季度"), ZH).axes[1].get_xlabel() == "注册后第几个季度"


def test_residual_clv_histogram_and_derl_by_tenure():
    cust = pd.DataFrame({"residual_clv": [100.0, 200.0, 300.0, 5000.0], "renewals": [0, 0, 1, 4],
                         "derl": [10.0, 10.0, 12.0, 15.0]})
    fig = charts.residual_clv(cust, {"mean_residual_clv": 1400.0, "median_residual_clv": 250.0}, "margin",
                              ("month", "月"), EN)
    a, b = fig.axes
    assert sum(p.get_height() for p in a.patches) == 4 and [l.get_xdata()[0] for l in a.lines] == [1400.0, 250.0]
    assert a.get_title() == "Residual value per active customer (margin)"
    assert list(b.lines[0].get_xdata()) == [0, 1, 4] and list(b.lines[0].get_ydata()) == [10.0, 12.0, 15.0]
    assert charts.residual_clv(cust, {"mean_residual_clv": 1.0, "median_residual_clv": 1.0}, "毛利", ("month", "月"),
                               ZH).axes[1].get_ylabel() == "折现月数（DERL）"
