"""Sentences of the customer-base report."""

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Formatter
from crmkit.narrative import customer_base as say


def _growth(active=(0.153, 0.587), new=(0.116, -0.2), signups=0.066):
    return pd.DataFrame({
        "metric": ["total", "active", "new", "returning", "signups"],
        "current": [3000.0, 1708, 415, 1293, 120], "previous": [2900.0, 1481, 372, 1109, 112],
        "growth": [0.03, active[0], new[0], 0.1, signups], "last_year": [2000.0, 1076, 344, 732, 90],
        "yoy": [0.5, active[1], new[1], 0.7, 0.3],
    })


COUNTS = {"total": 3000, "active": 1708, "new": 415, "returning": 1293, "signups": 120}


def test_overview_both_languages_with_a_decline():
    s = say.overview(COUNTS, Estimate(1708 / 3000, n=3000), _growth(), pd.Timestamp("2025-12-31"))
    assert s.en == ("3,000 customers had signed up by 2025-12-31; 1,708 of them (56.9%) bought in the period: 415 bought for the "
                    "first time and 1,293 came back. Active customers changed by +15.3% against the previous period and +58.7% "
                    "against the same period last year; first-time buyers changed by +11.6% and -20.0% respectively.")
    assert s.zh == ("截至 2025-12-31 共有 3,000 名注册客户，其中 1,708 名（56.9%）在本期有购买：415 名为首次购买，1,293 名为回头客。"
                    "活跃客户环比 +15.3%，同比 +58.7%；首次购买客户环比 +11.6%，同比 -20.0%。")


def test_overview_without_last_year_says_so():
    s = say.overview(COUNTS, Estimate(0.5, n=3000), _growth(active=(0.0, float("nan")), new=(float("nan"), float("nan"))),
                     "2025-12-31")
    assert "nan" not in s.en + s.zh and "–" not in s.en
    assert "Active customers changed by +0.0% against the previous period (none in the same period last year)" in s.en
    assert "first-time buyers cannot be compared with earlier periods" in s.en
    assert "活跃客户环比 +0.0%（去年同期为零，无法计算同比）" in s.zh and "首次购买客户无前期可比数据" in s.zh


def test_overview_of_an_empty_base():
    s = say.overview({"total": 0, "active": 0, "new": 0, "returning": 0, "signups": 0}, Estimate(float("nan"), n=0),
                     _growth(active=(float("nan"),) * 2, new=(float("nan"),) * 2), "2025-12-31")
    assert s.en.startswith("No customer had signed up by 2025-12-31.") and "nan" not in s.en + s.zh


def test_growth_sentence():
    s = say.growth(0.757, 0.066)
    assert s.en.startswith("Returning buyers make up 75.7% of the active base. Sign-ups changed by +6.6% against the previous period;")
    assert s.zh.startswith("回头客占活跃客户的 75.7%。新注册客户环比 +6.6%；")
    s = say.growth(float("nan"), float("nan"))
    assert "nan" not in s.en + s.zh and "No customer bought in the period." in s.en and "上期没有新注册客户" in s.zh


def test_monthly_sentence():
    s = say.monthly({"months": 12, "peak_month": pd.Timestamp("2025-11-01"), "peak_active": 1058,
                     "mean_active": 924.6, "mean_new": 138.3})
    assert s.en == ("Over the last 12 months the busiest month was 2025-11 with 1,058 active customers; inside the period an "
                    "average of 925 customers bought each month, 138 of them for the first time.")
    assert s.zh == "近 12 个月中活跃客户最多的是 2025-11（1,058 名）；本期平均每月 925 名客户购买，其中 138 名为首次购买。"


def test_customer_types():
    types = pd.DataFrame({"segment": ["individual", "sme"], "customer_share": [0.8, 0.2], "revenue_share": [0.6, 0.4],
                          "revenue_per_active": [1234.4, 5000.0]})
    s = say.customer_types(types, types.iloc[0], "USD")
    assert s.en == "2 customer types. individual customers are 80.0% of the base but bring 60.0% of revenue ($1,234 per active customer)."
    assert s.zh == "共 2 类客户。individual 类客户占客户数的 80.0%，贡献收入的 60.0%（活跃客户人均 $1,234）。"
    one = say.customer_types(types.iloc[:1], types.iloc[0])
    assert one == ("All customers are of one type (individual).", "所有客户均为同一类型（individual）。")


def test_segments_and_missing_dimensions():
    largest = pd.DataFrame({"dimension": ["gender", "region"], "segment": ["female", "east"], "customer_share": [0.62, 0.36]})
    over = pd.Series({"dimension": "income_band", "segment": "middle", "customer_share": 0.294, "revenue_share": 0.325})
    under = pd.Series({"dimension": "new_attr", "segment": "x", "customer_share": 0.304, "revenue_share": 0.289})
    s = say.segments({"largest": largest, "over": over, "under": under})
    assert s.en == ("Largest segments: Gender female (62%); Region east (36%). The segment that brings most revenue relative to "
                    "its size is Income band = middle (29.4% of customers, 32.5% of revenue); the least is new_attr = x (30.4% vs 28.9%).")
    assert s.zh == ("最大的细分：性别 female（62%）；地区 east（36%）。相对规模贡献收入最多的细分是 收入水平 = middle"
                    "（客户占 29.4%，收入占 32.5%）；最少的是 new_attr = x（30.4% 对 28.9%）。")
    m = say.missing_dimensions(["occupation", "age_band"])
    assert m == ("Not recorded for this company: Occupation, Age band.", "该公司未记录：职业、年龄段。")


def test_market_share():
    s = say.market_share(Estimate(0.0123, n=10), 12300.0, 1_000_000.0, "CNY")
    assert s.en == "With a market of ¥1,000,000 in the period, the company's sales of ¥12,300 are a 1.23% share."
    assert s.zh == "本期市场规模为 ¥1,000,000，公司销售额 ¥12,300，市场占有率为 1.23%。"


def test_columns():
    g = _growth()
    g.attrs.update(previous_start=pd.Timestamp("2025-07-01"), previous_end=pd.Timestamp("2025-09-30"),
                   year_start=pd.Timestamp("2024-10-01"), year_end=pd.Timestamp("2024-12-31"))
    c = say.columns("growth", Formatter("zh"), g)
    assert c["labels"]["previous"] == ("Previous (2025-07-01–2025-09-30)", "上期（2025-07-01–2025-09-30）")
    assert c["formats"]["metric"]("signups") == "新注册"
    seg = say.columns("segments", Formatter("en"))
    assert seg["formats"]["dimension"]("income_band") == "Income band" and seg["formats"]["revenue"] == "currency"


def test_overview_tiles():
    tiles = say.overview_tiles(COUNTS, Estimate(0.5, n=3000), _growth())
    assert tiles[0] == ("total_customers", 3000) and tiles[1] == (("Active in the period", "期内活跃客户"), 1708, "count")
    assert tiles[5][1:] == (0.153, "ratio") and tiles[6][1:] == (0.587, "ratio")


def test_subscriber_flows_sentence_and_tiles():
    c = {"start": 745, "end": 821, "new": 260, "won_back": 8, "gross_adds": 268, "cancellations": 192, "net_adds": 76}
    b = say.subscribers(c, pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"))
    assert b.en.startswith("745 subscribers at the start of the period (2025-10-01) and 821 at its end (2025-12-31): 268 "
                           "joined (260 new sign-ups, 8 won back) and 192 cancelled, a net change of +76.")
    assert "净变化 +76" in b.zh and "解约 192 名" in b.zh
    assert [t[0] for t in say.subscriber_tiles(c)] == ["subscribers_start", "subscribers_end", "gross_adds",
                                                      "cancellations", "net_adds"]
    empty = say.subscribers(dict.fromkeys(c, 0), "2025-10-01", "2025-12-31")
    assert empty.en.startswith("No subscribers between 2025-10-01 and 2025-12-31.")
