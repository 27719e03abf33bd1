"""Charts of the cost report (crmkit.reports.charts.cost)."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import cost as charts

from ..helpers import drawn_texts


def test_by_category_names_widths_and_literal_codes():
    by = pd.DataFrame({"category": ["service", "$a_b$", "x$y"], "amount": [60.0, 30.0, 10.0], "share": [0.6, 0.3, 0.1]})
    fig = charts.by_category(by, Formatter("zh", "USD"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [60.0, 30.0, 10.0]
    assert ax.get_xlabel() == "成本（USD）" and ax.get_title() == "各类别客户关系成本"
    assert {"客服", "$a_b$", "x$y", "  60%"} <= drawn_texts(fig)


def test_monthly_trend_stacks_and_ratio_line():
    t = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "service": [10.0, 20.0],
                      "staff": [5.0, 5.0], "crm_cost_ratio": [0.1, 0.2]})
    fig = charts.monthly_trend(t, Formatter("en"))
    ax, ax2 = fig.axes
    assert [p.get_height() for p in ax.patches] == [10.0, 20.0, 5.0, 5.0]
    assert [p.get_y() for p in ax.patches[2:]] == [10.0, 20.0]
    assert list(ax2.get_lines()[0].get_ydata()) == [0.1, 0.2]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["Service", "Staff", "CRM cost / revenue"]


def test_keep_vs_win_and_lost_per_month():
    rva = pd.DataFrame({"kind": ["retention", "acquisition"], "cost_per_customer": [20.0, 150.0]})
    ax = charts.keep_vs_win(rva, Formatter("en")).axes[0]
    assert [p.get_width() for p in ax.patches] == [20.0, 150.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Keep an existing customer", "Win a new customer"]
    per = pd.Series([3, 5], index=pd.to_datetime(["2025-10-01", "2025-11-01"]))
    ax = charts.lost_per_month(per, Formatter("zh")).axes[0]
    assert [p.get_height() for p in ax.patches] == [3, 5] and ax.get_title() == "每月流失客户数"
