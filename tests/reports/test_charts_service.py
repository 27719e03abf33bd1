"""Charts of the service report (crmkit.reports.charts.service)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.formatting import Formatter
from crmkit.reports.charts import service as charts

from ..helpers import drawn_texts


def test_sla_by_category_bars_equal_input_and_titles():
    cat = pd.DataFrame({"category": ["billing", "returns"], "sla_attainment": [0.381, 0.76]})
    for lang, title in (("en", "Tickets resolved within 24 h, by category"), ("zh", "各类别 24 小时内解决率")):
        fig = charts.sla_by_category(cat, 24.0, Formatter(lang))
        ax = fig.axes[0]
        assert ax.get_title() == title
        assert [p.get_width() for p in ax.patches] == pytest.approx([0.381, 0.76])


def test_complaint_reasons_and_special_names_render_literally():
    reasons = pd.DataFrame({"reason": ["$a_b$", "x$y"], "complaints": [7, 3]})
    fig = charts.complaint_reasons(reasons, Formatter("zh"))
    ax = fig.axes[0]
    assert ax.get_title() == "投诉原因分布" and ax.get_xlabel() == "投诉数"
    assert [p.get_width() for p in ax.patches] == [7, 3]
    texts = drawn_texts(fig)
    assert {"$a_b$", "x$y"} <= texts


def test_monthly_trend_lines_equal_input():
    t = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "tickets": [10, 20],
                      "sla_attainment": [0.5, 0.75], "fcr_rate": [0.2, 0.4]})
    fig = charts.monthly_trend(t, Formatter("en"))
    ax, ax2 = fig.axes
    assert ax.get_title() == "Tickets and service levels per month"
    assert [p.get_height() for p in ax.patches] == [10, 20]
    assert [list(line.get_ydata()) for line in ax2.get_lines()] == [[0.5, 0.75], [0.2, 0.4]]
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["Tickets", "SLA met", "First-contact resolution"]


def test_resolution_ecdf_labels_and_target_line():
    f = pd.DataFrame({"channel": ["$a_b$", "x$y", "x$y"], "resolution_hours": [2.0, 30.0, np.nan]})
    fig = charts.resolution_ecdf(f, 24.0, Formatter("zh"))
    ax = fig.axes[0]
    assert ax.get_ylabel() == "已解决占比"
    assert ax.get_legend().get_title().get_text() == "渠道"
    assert any(list(line.get_xdata()) == [24.0, 24.0] for line in ax.get_lines())
    assert {"$a_b$", "x$y", " 目标 24 小时"} <= drawn_texts(fig)
