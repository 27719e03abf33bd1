"""Charts of the marketing report (crmkit.reports.charts.marketing)."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.reports.charts import marketing as charts

from ..helpers import drawn_texts


def test_funnel_bars_and_stage_names():
    fun = pd.DataFrame({"stage": ["targeted", "reached", "responded", "converted"], "customers": [100, 80, 20, 5],
                        "share_of_targeted": [1.0, 0.8, 0.2, 0.05], "share_of_previous": [1.0, 0.8, 0.25, 0.25]})
    fig = charts.funnel(fun, Formatter("zh"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [100, 80, 20, 5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["目标客户", "已触达", "已响应", "已转化"]
    assert ax.get_title() == "营销漏斗（各活动客户数合计）"


def test_campaign_roi_skips_campaigns_without_cost_and_renders_names_literally():
    perf = pd.DataFrame({"campaign_name": ["$a_b$", "x$y", "free"], "roi": [0.5, -0.2, float("nan")]})
    fig = charts.campaign_roi(perf, Formatter("en"))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [0.5, -0.2]
    assert ax.get_title() == "ROI per campaign"
    assert {"$a_b$", "x$y"} <= drawn_texts(fig)


def test_channel_conversion_heights():
    chan = pd.DataFrame({"channel": ["sms", "email"], "conversion_rate": [0.1, 0.04]})
    fig = charts.channel_conversion(chan, Formatter("zh"))
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.1, 0.04]
    assert ax.get_title() == "各营销渠道转化率"
