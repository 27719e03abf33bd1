"""Readings of the cost report (crmkit.narrative.cost) on hand-made figures."""

from __future__ import annotations

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.narrative import cost as say

from ..helpers import assert_clean


def test_overview_and_missing_figures():
    h = {"total": 120000.0, "cost_to_serve": Estimate(35.25, n=3000), "crm_cost_ratio": 0.084}
    en, zh = say.overview(h)
    assert en == ("The company booked ¥120,000 of relationship costs in the window. Serving its 3,000 active customers "
                  "(service, loyalty rewards, CRM tools and complaint handling) cost ¥35.2 per customer, and CRM-related "
                  "costs (all categories except 'other') were 8.4% of revenue.")
    assert zh == ("评估期内客户关系成本共 ¥120,000。服务 3,000 位活跃客户（服务、忠诚度奖励、CRM 工具与投诉处理）人均 ¥35.2，"
                  "CRM 相关成本（除“其他”外的所有类别）占收入的 8.4%。")
    assert_clean(say.overview({**h, "cost_to_serve": Estimate(float("nan"), n=0), "crm_cost_ratio": float("nan")}))


def test_categories_one_and_two():
    by = pd.DataFrame({"category": ["service", "loyalty_rewards"], "amount": [60.0, 40.0], "share": [0.6, 0.4]})
    assert say.categories(by) == ("The largest cost item is Service (60.0% of the total), followed by Loyalty rewards (40.0%).",
                                  "最大的成本项是客服（占 60.0%），其次是忠诚度奖励（40.0%）。")
    assert say.categories(by.iloc[:1]) == ("All recorded cost is Service.", "全部记录成本均为客服。")
    assert say.categories(by.iloc[:0]).en == "No cost was recorded in the window."


def test_trend_needs_two_months_with_a_ratio():
    t = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
                      "crm_cost_ratio": [0.1, float("nan"), 0.125], "cost_to_serve": [30.0, 31.0, 28.55]})
    en, zh = say.trend(t)
    assert en == ("Over the last 3 months the CRM cost ratio moved from 10.0% (2025-01) to 12.5% (2025-03); the cost to "
                  "serve per active customer went from ¥30.0 to ¥28.6.")
    assert zh == "近 3 个月 CRM 成本率从 10.0%（2025-01）变为 12.5%（2025-03）；每活跃客户服务成本从 ¥30.0 变为 ¥28.6。"
    assert say.trend(t.iloc[:2]) is None


def test_churn_reading_modes_and_no_revenue():
    cc = {"customers": 429, "cost": 263213.74, "mean": 613.55, "revenue": 804197.0, "share": 0.3273}
    en, zh = say.churn(cc, 0.3273, "inferred", 120)
    assert en == ("429 customers were lost in the window (churn defined by no purchase for 120 days). In the 12 months before "
                  "leaving they had spent ¥263,214, ¥614 each: revenue that now has to be replaced, equal to 32.7% of the "
                  "revenue of all customers in the 12 months up to the window end (¥804,197).")
    assert zh == ("评估期内流失客户 429 位（流失判定：连续 120 天未购买）。他们在流失前 12 个月共消费 ¥263,214，人均 ¥614，"
                  "这部分收入需要重新弥补，相当于截至期末近 12 个月全部客户收入（¥804,197）的 32.7%。")
    tiles = say.churn_tiles(cc, cc["share"])
    assert tiles[-1] == (("Share of 12-month revenue", "占近 12 个月收入"), 0.3273, "ratio")
    assert "explicit cancellations" in say.churn(cc, 0.1, "explicit", None).en
    assert_clean(say.churn(cc, float("nan"), "explicit", None))
    assert_clean(say.churn({"customers": 0, "cost": 0.0, "mean": float("nan")}, float("nan"), "inferred", 90))


def test_keep_vs_win_both_directions_and_missing():
    (en, zh), kind = say.keep_vs_win({"retention": 20.0, "acquisition": 150.0, "times": 7.5})
    assert kind == "reading" and en.endswith("acquisition is 7.5 times as expensive, which is why keeping customers usually pays.")
    assert zh.startswith("获取一位新客户花费 ¥150.0（每位新客户的获客费用），维系一位活跃老客户花费 ¥20.0")
    (en, zh), _ = say.keep_vs_win({"retention": 100.0, "acquisition": 50.0, "times": 0.5})
    assert "(2.0 times), worth a look at retention spending." in en and "本期维系成本是获客成本的 2.0 倍" in zh
    b, kind = say.keep_vs_win({"retention": float("nan"), "acquisition": 50.0, "times": float("nan")})
    assert kind == "note" and b.en == "Acquisition or retention cost per customer is not available for this window."
