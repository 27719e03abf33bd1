"""Charts of the customer-base report (Agg backend)."""

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import customer_base as charts
from crmkit.reports.plotting import inert_text


MONTHLY = pd.DataFrame({"month": pd.to_datetime(["2025-10-01", "2025-11-01"]), "active": [5, 7], "new": [2, 3],
                        "returning": [3, 4]})


def test_monthly_bars_are_stacked_counts():
    ax = charts.monthly_customers(MONTHLY, Formatter("en")).axes[0]
    heights = [p.get_height() for p in ax.patches]
    bottoms = [p.get_y() for p in ax.patches]
    assert heights == [2, 3, 3, 4] and bottoms == [0, 0, 2, 3]
    assert ax.get_title() == "Active customers per month" and [t.get_text() for t in ax.get_xticklabels()] == ["2025-10", "2025-11"]
    zh = charts.monthly_customers(MONTHLY, Formatter("zh")).axes[0]
    assert zh.get_title() == "每月活跃客户" and [t.get_text() for t in zh.get_legend().get_texts()] == ["新客户", "回头客"]


def test_segment_shares_panels():
    segs = pd.DataFrame({"dimension": ["region", "region", "gender"], "segment": ["east", "west", "female"],
                         "customer_share": [0.6, 0.4, 1.0], "revenue_share": [0.7, 0.3, 1.0]})
    fig = charts.segment_shares(segs, Formatter("zh"))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["地区", "性别"]
    widths = [p.get_width() for p in visible[0].patches]
    assert widths == [0.6, 0.4, 0.7, 0.3]
    assert fig._suptitle.get_text() == "各细分客户占比与收入占比"


def test_dollar_segment_names_are_literal():
    segs = pd.DataFrame({"dimension": ["region", "region"], "segment": ["$a_b$", "x$y"],
                         "customer_share": [0.5, 0.5], "revenue_share": [0.2, 0.8]})
    fig = charts.segment_shares(segs, Formatter("en"))
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["$a_b$", "x$y"]
