"""Readings of the channel report (crmkit.narrative.channels) on hand-made figures."""

from __future__ import annotations

import pandas as pd

from crmkit.narrative import channels as say


def test_busiest_one_and_many_channels():
    t = pd.DataFrame({"channel": ["phone", "chat"], "contacts": [60, 40], "share": [0.6, 0.4]})
    en, zh = say.busiest(t)
    assert en == "Customers contacted service 100 times over 2 channels. 'phone' carries the most contacts (60.0%), followed by 'chat' (40.0%)."
    assert zh == "客户通过 2 个渠道共联系客服 100 次。“phone”接触量最多（60.0%），其次是“chat”（40.0%）。"
    assert say.busiest(t.iloc[:1]).en.endswith("(60.0%).")
    assert say.busiest(t.iloc[:0]).en == "No service contact was recorded in the window."


def test_efficiency_all_parts_and_missing_cost():
    ext = {"resolution": ({"channel": "chat", "resolution_median_h": 2.0}, {"channel": "email", "resolution_median_h": 30.0}),
           "csat": ({"channel": "email", "csat": 0.55}, {"channel": "chat", "csat": 0.9}),
           "cost": ({"channel": "chat", "cost_per_contact": 3.0}, {"channel": "phone", "cost_per_contact": 12.5})}
    en, zh = say.efficiency(ext, 6.25)
    assert en == ("'chat' resolves fastest (median 2.0 h) and 'email' slowest (30.0 h); satisfaction is highest on 'chat' "
                  "(90% satisfied) and lowest on 'email' (55%); a contact costs ¥6.2 on average, from ¥3.0 on 'chat' to ¥12.5 "
                  "on 'phone'. Channels with few ratings are shown but their satisfaction is uncertain.").replace("'chat' resolves", "'chat' resolves")
    assert zh.startswith("“chat”解决最快（中位数 2.0 小时），“email”最慢（30.0 小时）；满意度最高的是“chat”（90%）")
    only_csat = say.efficiency({**ext, "resolution": None, "cost": None}, float("nan"))
    assert only_csat.en.startswith("Satisfaction is highest on 'chat'") and "nan" not in only_csat.en
    assert say.efficiency({"resolution": None, "csat": None, "cost": None}, float("nan")) is None


def test_mix_shift_signs():
    shift = {"channel": "phone", "first_month": pd.Timestamp("2025-01-01"), "last_month": pd.Timestamp("2025-12-01"),
             "first": 0.5, "last": 0.42, "change": -0.08}
    en, zh = say.mix_shift(shift)
    assert en == "The share of 'phone', the main channel, went from 50.0% in 2025-01 to 42.0% in 2025-12 (−8.0 percentage points)."
    assert zh == "主要渠道“phone”的占比从 2025-01 的 50.0% 变为 2025-12 的 42.0%（−8.0 个百分点）。"
    assert "(+0.0 percentage points)" in say.mix_shift({**shift, "last": 0.5, "change": 0.0}).en


def test_segments_engagement_sales():
    prefs = [[("High", "app", 0.5), ("Low", "phone", 0.75)], [("b2b", "email", 0.6)]]
    en, zh = say.segments(prefs)
    assert en == ("Share of each group's service contacts per channel: High mostly use 'app' (50%), Low mostly use 'phone' "
                  "(75%); b2b mostly use 'email' (60%).")
    assert zh == "各客户群服务接触的渠道分布：High主要使用“app”（50%），Low主要使用“phone”（75%）；b2b主要使用“email”（60%）。"
    assert "nan" not in say.segments([]).en
    eng = pd.DataFrame({"channel": ["web", "app"], "inbound_interactions": [300, 100], "share": [0.75, 0.25]})
    assert say.engagement(eng).en.endswith("customers reached the company 400 times on their own initiative, most often through 'web' (75%).")
    sales = pd.DataFrame({"channel": ["online", "store"], "revenue_share": [0.634, 0.366]})
    assert say.sales(sales) == ("'online' brings 63.4% of the window's revenue across 2 sales channels.",
                                "在 2 个销售渠道中，“online”贡献了评估期 63.4% 的收入。")
    assert say.sales(sales.iloc[:0]) == ("No orders in the window.", "评估期内无订单。")
