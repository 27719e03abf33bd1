"""Churn charts: labels in both languages, plotted data equal to the input, data text shown literally."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import churn as charts
from crmkit.reports.plotting import inert_text

EN, ZH = Formatter("en"), Formatter("zh")


def _trend():
    return pd.DataFrame({"start": pd.to_datetime(["2025-01-01", "2025-04-01"]), "end": pd.to_datetime(["2025-03-31", "2025-06-30"]),
                         "churn_rate": [0.2, 0.3], "ci_low": [0.15, 0.25], "ci_high": [0.25, 0.35]})


def test_trend_bars_heights_and_titles():
    fig = charts.trend_bars(_trend(), EN)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.2, 0.3]
    assert ax.get_title() == "Period churn rate"
    assert charts.trend_bars(_trend(), ZH).axes[0].get_title() == "期间流失率"


def test_segment_intervals_only_large_segments_and_literal_names():
    seg = pd.DataFrame({"dimension": ["Region", "Region", "Region"], "segment": ["$a_b$", "x$y", "tiny"],
                        "at_risk": [100, 80, 5], "churn_rate": [0.3, 0.1, 0.9], "ci_low": [0.25, 0.05, 0.5],
                        "ci_high": [0.35, 0.15, 1.0]})
    fig = charts.segment_intervals(seg, 0.2, 30, EN)
    ax = fig.axes[0]
    x = ax.lines[0].get_xdata()
    assert list(x) == [0.3, 0.1]
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Region · $a_b$", "Region · x$y"]
    assert "at least 30 customers at risk" in ax.get_title()
    assert "不少于 30 名" in charts.segment_intervals(seg, 0.2, 30, ZH).axes[0].get_title()


def test_reason_bars_widths_and_sources():
    r = pd.DataFrame({"source": ["stated", "complaint"], "reason": ["price", "late"], "customers": [5, 3], "share": [0.5, 0.3]})
    fig = charts.reason_bars(r, ZH)
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if p.get_width() > 0)
    assert widths == [0.3, 0.5]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"退订时填写", "流失前投诉"}
    assert ax.get_title() == "流失原因"


def test_survival_curves_one_step_per_group():
    km = pd.DataFrame({"group": ["a", "a", "b"], "time": [10.0, 20.0, 15.0], "survival": [0.9, 0.8, 0.7],
                       "ci_low": [0.8, 0.7, 0.6], "ci_high": [1.0, 0.9, 0.8]})
    fig = charts.survival_curves(km, EN, by="region")
    ax = fig.axes[0]
    assert [list(l.get_ydata()) for l in ax.lines] == [[0.9, 0.8], [0.7]]
    assert ax.get_title() == "Kaplan–Meier survival · region"


def test_hazard_ratios_log_scale_and_values():
    hr = pd.DataFrame({"term": ["sme", "referred"], "hazard_ratio": [1.5, 0.8], "ci_low": [1.2, 0.6], "ci_high": [1.9, 1.1]})
    ax = charts.hazard_ratios(hr, EN).axes[0]
    assert ax.get_xscale() == "log" and list(ax.lines[0].get_xdata()) == [1.5, 0.8]
    assert charts.hazard_ratios(hr, ZH).axes[0].get_title() == "Cox 比例风险模型"


def test_warning_model_calibration_and_coefficients():
    cal = pd.DataFrame({"predicted": [0.1, 0.4], "observed": [0.12, 0.35]})
    coef = pd.DataFrame({"feature": ["const", "recency_days", "orders_365"], "coef": [-1.0, 0.7, -0.4]})
    fig = charts.warning_model(cal, coef, EN)
    a, b = fig.axes
    assert list(a.lines[1].get_ydata()) == [0.12, 0.35]
    assert [p.get_width() for p in b.patches] == [0.7, -0.4]
    assert b.get_title() == "What raises the churn risk"
    assert charts.warning_model(cal, coef, ZH).axes[0].get_title() == "后一期校准"
