"""Sentences of the market section and the risk register, in both languages."""

from __future__ import annotations

import pandas as pd

from crmkit.narrative import market as say
from crmkit.narrative import risk as say_risk


def test_share_trend_full_and_partial():
    b = say.share_trend({"latest": 0.0643, "change": 0.0058, "slope": 0.0047, "periods": 4})
    assert b.en == ("Market share = company revenue / market size. Latest share 6.43%, +0.58 points vs the previous "
                    "period; trend +0.47 points per period over 4 periods.")
    assert b.zh == "市场份额 = 公司收入 / 市场规模。最新份额 6.43%，较上期 +0.58 个百分点；4 期趋势为每期 +0.47 个百分点。"
    one = say.share_trend({"latest": 0.05, "change": float("nan"), "slope": float("nan"), "periods": 1})
    assert one.en == "Market share = company revenue / market size. Latest share 5.00%." and "nan" not in one.zh
    none = say.share_trend({"latest": float("nan"), "change": float("nan"), "slope": float("nan"), "periods": 0})
    assert "nan" not in none.en and "no period" in none.en


def test_benchmark_gaps_and_churn_definition():
    gaps = pd.DataFrame({"label_en": ["NPS", "Churn rate"], "label_zh": ["净推荐值", "流失率"], "better": [False, True],
                         "rank": [4, 1], "entities": [4, 4]})
    b = say.benchmark_gaps(gaps)
    assert b.en.startswith("Against the competitors' mean the company is ahead on Churn rate and behind on NPS. "
                           "NPS: rank 4 of 4. Churn rate: rank 1 of 4.")
    assert "customers at risk at its start" in b.en and "期初在册客户" in b.zh
    assert b.zh.startswith("与竞争对手平均水平相比，本公司领先于：流失率；落后于：净推荐值。净推荐值排名 4/4。流失率排名 1/4。")
    all_good = say.benchmark_gaps(gaps.assign(better=True))
    assert "behind on none." in all_good.en and "落后于：无" in all_good.zh


def test_register_sentence():
    reg = pd.DataFrame({"severity": ["high", "medium"], "name_en": ["Revenue at risk", "Data quality"],
                        "name_zh": ["流失导致的收入风险", "数据质量"]})
    b = say_risk.register(reg)
    assert b.en.startswith("1 high-severity risk(s): revenue at risk. Severity follows documented thresholds")
    assert b.zh.startswith("1 项高风险：流失导致的收入风险。严重程度")
    b2 = say_risk.register(reg.iloc[1:])
    assert b2.en.startswith("No high-severity risk. ") and b2.zh.startswith("无高风险项。")
