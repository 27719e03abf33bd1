"""Charts of the channel report (crmkit.reports.charts.channels)."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import channels as charts

from ..helpers import drawn_texts


def test_contacts_bars_shares_and_literal_names():
    t = pd.DataFrame({"channel": ["$a_b$", "x$y"], "contacts": [30, 10], "share": [0.75, 0.25]})
    fig = charts.contacts(t, Formatter("zh"))
    ax = fig.axes[0]
    assert ax.get_title() == "各渠道服务接触量（工单）" and ax.get_xlabel() == "工单数"
    assert [p.get_width() for p in ax.patches] == [30, 10]
    texts = drawn_texts(fig)
    assert {"$a_b$", "x$y", "  75%", "  25%"} <= texts


def test_mix_stack_and_sales_share():
    wide = pd.DataFrame({"phone": [0.6, 0.5], "chat": [0.4, 0.5]}, index=pd.to_datetime(["2025-01-01", "2025-02-01"]))
    fig = charts.mix(wide, Formatter("en"))
    ax = fig.axes[0]
    assert ax.get_title() == "Monthly share of contacts per channel"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["phone", "chat"]
    sales = pd.DataFrame({"channel": ["online", "store"], "revenue_share": [0.7, 0.3]})
    ax = charts.sales_share(sales, Formatter("en")).axes[0]
    assert [p.get_width() for p in ax.patches] == [0.7, 0.3]
    assert ax.get_title() == "Share of revenue per sales channel"


def test_segment_heatmaps_titles_and_empty_grid():
    grid = pd.DataFrame({"app": [0.5, 0.25], "phone": [0.5, 0.75]}, index=["High", "Low"])
    fig = charts.segment_heatmaps({"value_tier": grid, "customer_type": pd.DataFrame()}, Formatter("zh"))
    a, b = fig.axes[:2]
    assert a.get_title() == "价值层级" and not b.axison
    assert {"50%", "25%", "75%"} <= {t.get_text() for t in a.texts}
