"""Readings of the marketing report (crmkit.narrative.marketing) on hand-made figures."""

from __future__ import annotations

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.narrative import marketing as say

from ..helpers import assert_clean

TOT = {"campaigns": 4, "cost": 20000.0, "targeted": 5000, "responded": 600, "converted": 250,
       "attributed_revenue": 80000.0, "attributed_margin": 24000.0, "direct_revenue": 20000.0,
       "response_rate": Estimate(0.12, n=5000), "conversion_rate": Estimate(0.05, n=5000),
       "campaign_roi": 0.2, "roas": 4.0, "cpa": 80.0, "note": ""}


def test_overview_both_languages():
    en, zh = say.overview(TOT, 0.25, 7)
    assert en == ("4 campaigns started in the window, cost ¥20,000 and reached 5,000 targeted customers; 12.0% responded and "
                  "5.0% converted. They are credited with ¥80,000 of revenue: 25% from orders carrying the campaign code, the "
                  "rest from orders within 7 days after a touch (which can include purchases that would have happened anyway). "
                  "Their attributed margin of ¥24,000 against the cost gives an ROI of 20% and a ROAS of 4.0×.")
    assert zh == ("评估期内启动 4 个活动，费用 ¥20,000，目标客户 5,000 人；响应率 12.0%，转化率 5.0%。归因收入 ¥80,000，其中 25% "
                  "来自带活动编码的订单，其余来自触达后 7 天内的订单（可能包含原本就会发生的购买）。归因毛利 ¥24,000，对应投资回报率 20%，"
                  "广告支出回报 4.0×。")


def test_overview_without_cost_revenue_or_targets():
    nan = float("nan")
    b = say.overview({**TOT, "cost": 0.0, "campaign_roi": nan, "roas": nan, "note": "no cost", "attributed_revenue": 0.0,
                      "response_rate": Estimate(nan, n=0), "conversion_rate": Estimate(nan, n=0)}, nan, 7, "USD")
    assert_clean(b)
    assert b.en.endswith("ROI and ROAS are undefined because the campaigns recorded no cost.")
    assert "No revenue is credited to them." in b.en and "没有归因收入。" in b.zh
    assert "cost $0" in b.en


def test_funnel_step():
    en, zh = say.funnel_step({"stage": "responded", "share_of_previous": 0.125})
    assert en.startswith("The largest loss in the funnel is at the step to 'Responded', where only 12.5% of the previous stage")
    assert zh.startswith("漏斗中流失最大的环节是进入“已响应”这一步，只有 12.5% 的客户")
    assert_clean(say.funnel_step(None))


def test_campaign_roi_many_one_none():
    r = {"with_roi": 3, "without_cost": 1, "losing": 1, "best": {"campaign_name": "A", "channel": "sms", "roi": 1.5},
         "worst": {"campaign_name": "C", "channel": "email", "roi": -0.25}}
    en, zh = say.campaign_roi(r)
    assert en == ("The best campaign by ROI is 'A' (150%, sms) and the weakest 'C' (-25%); 1 of 3 campaigns did not earn back "
                  "their cost in attributed margin. 1 campaigns without cost have no ROI.")
    assert zh == ("投资回报率最高的活动是“A”（150%，sms），最低的是“C”（-25%）；3 个活动中有 1 个的归因毛利未能覆盖费用。"
                  " 另有 1 个活动无费用记录，无法计算投资回报率。")
    one = {**r, "with_roi": 1, "without_cost": 0, "best": r["worst"], "worst": r["worst"]}
    assert say.campaign_roi(one).en == ("The only campaign with a cost, 'C' (email), returned an ROI of -25%, so it did not "
                                        "earn back its cost in attributed margin.")
    assert "归因毛利未能覆盖费用" in say.campaign_roi(one).zh
    assert_clean(say.campaign_roi({**r, "with_roi": 0, "best": None, "worst": None}))


def test_channel_roas():
    ranked = pd.DataFrame({"channel": ["sms", "email"], "roas": [5.0, 1.25]})
    en, zh = say.channel_roas(ranked, 3)
    assert en == ("3 marketing channel(s) were used. Per unit of spend, 'sms' returned the most revenue (ROAS 5.0×) and "
                  "'email' the least (1.2×).")
    assert zh == "共使用 3 个营销渠道。按单位费用计，“sms”带来的收入最多（广告支出回报 5.0×），“email”最少（1.2×）。"
    assert say.channel_roas(ranked.iloc[:1], 1).en.endswith("(ROAS 5.0×).")
    assert_clean(say.channel_roas(ranked.iloc[:0], 2))
