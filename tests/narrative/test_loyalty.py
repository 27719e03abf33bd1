"""Sentences of the loyalty report."""

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Formatter
from crmkit.narrative import loyalty as say

NAN = float("nan")


def _headline(**zero):
    h = [Estimate(0.412, n=1708), Estimate(2.34, n=1708), Estimate(27.0, 1.0, 25.0, 29.0, 900),
         Estimate(0.689, n=1481), Estimate(0.6, n=1076), Estimate(0.934, n=2500)]
    return [Estimate(NAN, n=0) if i in zero.get("missing", ()) else x for i, x in enumerate(h)]


def test_overview_both_languages():
    s = say.overview(*_headline())
    assert s.en == ("41.2% of the 1,708 customers who bought in the period bought on at least two different days, on "
                    "average on 2.3 days each (orders on the same day count as one purchase); half of all repeat purchases came within 27 days of the previous one. 68.9% of the 1,481 customers active "
                    "in the previous period bought again in this one (same period last year: 60.0% of 1,076). Of the customers "
                    "who had bought in the twelve months before the period, 93.4% are still twelve-month customers at its end "
                    "(CRR = (E − N)/S with S = 2,500).")
    assert s.zh == ("本期购买的 1,708 名客户中 41.2% 在至少两个不同日期购买，人均购买 2.3 天（同一天的多笔订单计为一次购买）；一半的复购发生在上次购买后 27 天内。"
                    "上期活跃的 1,481 名客户中 68.9% 在本期再次购买（去年同期：1,076 名中 60.0%）。"
                    "期初前十二个月内购买过的客户中，93.4% 在期末仍属近十二个月客户（CRR = (E − N)/S，S = 2,500）。")


def test_overview_with_missing_parts():
    s = say.overview(*_headline(missing=(2, 4, 5)))
    assert "nan" not in s.en + s.zh
    assert "there were no repeat purchases." in s.en and "(no customers in the same period last year)" in s.en
    assert "so the CRR cannot be computed" in s.en and "无法计算 CRR" in s.zh


def test_retention_trend_sentence():
    t = pd.DataFrame({"start": pd.to_datetime(["2025-01-01", "2025-10-01"]), "end": pd.to_datetime(["2025-03-31", "2025-12-31"]),
                      "retention": [0.65, 0.689]})
    s = say.retention_trend(t)
    assert s.en == "Period retention went from 65.0% (2025-01–2025-03) to 68.9% (2025-10–2025-12); bars show 95% intervals."
    assert s.zh == "期间留存率从 65.0%（2025-01–2025-03）变为 68.9%（2025-10–2025-12）；误差线为 95% 区间。"
    assert "nan" not in say.retention_trend(t.assign(retention=[NAN, 0.5])).en


def test_cohorts_sentence_and_unobservable_month():
    s = say.cohorts(12, 4321, 0.2345, 0.1)
    assert s.en.startswith("Across the last 12 monthly cohorts (4,321 first-time buyers), 23.4% bought again in the month after "
                           "their first purchase and 10.0% three months later (weighted by cohort size).")
    assert s.zh.startswith("近 12 个月度同期群（共 4,321 名首购客户）中，23.4% 在首购次月再次购买，10.0% 在三个月后再次购买")
    s = say.cohorts(2, 30, 0.2, NAN)
    assert "nan" not in s.en + s.zh and "none can yet be followed three months later" in s.en


def test_inter_purchase_sentence():
    s = say.inter_purchase(1500, Estimate(27.4, 1.0, 25.2, 29.6, 1500), 88.6)
    assert s.en == "1,500 repeat purchases in the period; half came within 27 days (95% interval 25–30) and nine in ten within 89 days."
    assert s.zh == "本期共 1,500 次复购；一半发生在上次购买后 27 天内（95% 区间 25–30），九成在 89 天内。"


def test_engagement_with_and_without_email():
    eng = {"interactions_per_active": Estimate(3.26, n=100), "inbound_share": Estimate(0.958, n=100),
           "email_open_rate": Estimate(0.2512, n=4000), "email_click_rate": Estimate(0.031, n=4000)}
    s = say.engagement(eng)
    assert s.en == ("Active customers had 3.3 recorded interactions each, and 96% of them contacted or visited the company "
                    "themselves. 25.1% of 4,000 emails were opened and 3.1% clicked.")
    assert s.zh.endswith(" 发送的 4,000 封邮件中 25.1% 被打开，3.1% 被点击。")
    eng.update(email_open_rate=Estimate(NAN, n=0), email_click_rate=Estimate(NAN, n=0))
    assert say.engagement(eng).en.endswith(" No emails were sent in the period.")
    assert say.engagement_tiles(eng)[1] == ("inbound_engagement_share", eng["inbound_share"])


def test_referrals_more_less_and_missing():
    d = pd.Series({"retention": 0.052, "value": -12.6})
    s = say.referrals(Estimate(0.18, n=250), d, True, "CNY")
    assert s.en == ("18.0% of the 250 customers who signed up in the period were referred by another customer. Among customers "
                    "acquired in the year before, referred ones were +5.2% points more likely to buy in this period (a clear "
                    "difference) and spent ¥13 less per head in the period. This compares groups; it does not prove that "
                    "referral itself causes the difference.")
    assert "（差异明显），本期人均消费少 ¥13。" in s.zh
    s = say.referrals(Estimate(0.18, n=250), pd.Series({"retention": -0.01, "value": 5.0}), False)
    assert "-1.0% points less likely" in s.en and "(within chance)" in s.en and "spent ¥5 more" in s.en
    s = say.referrals(Estimate(NAN, n=0), pd.Series({"retention": NAN, "value": NAN}), False)
    assert "nan" not in s.en + s.zh and s.en.startswith("No customer signed up in the period.")


def test_programme_sentence():
    pc = {"member_share": Estimate(0.413, n=3000),
          "spend": {"difference": Estimate(-35.0, 10.0, -55.0, -15.0, 900)},
          "retention": {"difference": Estimate(0.018, 0.02, -0.029, 0.065, 1400)}}
    s = say.programme(pc, 0.42, "CNY")
    assert s.en == ("41% of customers are programme members; members redeemed 42% of the points earned in the period. Active "
                    "members spent ¥35 less per head than non-members (95% interval -¥55 to -¥15) and their retention differed "
                    "by +1.8% points (-2.9% to +6.5%). This is an association, not the programme's causal effect: customers who "
                    "are already loyal are more likely to join.")
    assert s.zh.startswith("41% 的客户是会员；会员本期兑换了所获积分的 42%。活跃会员人均消费比非会员少 ¥35（95% 区间 -¥55 至 -¥15），")
    s = say.programme(pc, NAN)
    assert s.en.startswith("41% of customers are programme members. Active") and "nan" not in s.en
    assert len(say.programme_tiles(pc, NAN)) == 4


def test_referral_columns():
    assert say.columns("referrals", Formatter("zh"))["formats"]["group"]("difference") == "差值"
    assert say.columns("referrals", Formatter("en"))["labels"]["value"] == ("Revenue per customer", "人均收入")


def test_headline_tiles():
    names = ["repeat_purchase_rate", "purchase_frequency", "inter_purchase_days_median", "retention_rate",
             "retention_rate_yoy", "customer_retention_rate"]
    tiles = say.headline_tiles(dict(zip(names, _headline())))
    assert tiles[1][0] == ("Purchases per active customer", "活跃客户人均购买次数") and tiles[1][2] == "number"
    assert [t[0] for t in tiles if isinstance(t[0], str)] == ["repeat_purchase_rate", "inter_purchase_days_median",
                                                               "retention_rate", "customer_retention_rate"]


def test_contractual_readings_speak_of_subscribers():
    ret, ret_y = Estimate(0.83, n=745), Estimate(0.525, n=497)
    rpr, freq, gap = Estimate(0.8, n=900), Estimate(2.5, n=900), Estimate(30.0, n=2000)
    b = say.overview(rpr, freq, gap, ret, ret_y, ret, contractual=True)
    assert "83.0% of the 745 subscribers at the start of the period were still subscribed at its end" in b.en
    assert "Of the 497 subscribers at the end of the same period last year, 52.5% are still subscribed." in b.en
    assert "期初 745 名订阅客户中 83.0% 在期末仍在订阅" in b.zh
    none = say.overview(rpr, freq, gap, Estimate(NAN, n=0), Estimate(NAN, n=0), Estimate(NAN, n=0), contractual=True)
    assert "nan" not in none.en + none.zh and "no subscribers at the start of the period" in none.en
    c = say.cohorts(12, 1157, 0.771, NAN, contractual=True)
    assert "77.1% were still subscribed at the end of the month after signing up" in c.en
    assert "none can yet be followed three months after" in c.en and "nan" not in c.en + c.zh
    assert say.no_cohorts(True).en.startswith("No sign-ups") and say.no_cohorts().en.startswith("No first purchases")
    r = say.referrals(Estimate(0.1, n=268), pd.Series({"retention": 0.05, "value": 3.0}), False, contractual=True)
    assert "more likely to be still subscribed at its end" in r.en and "期末仍在订阅" in r.zh
    assert say.columns("referrals", Formatter("en"), contractual=True)["labels"]["retention"] == ("Subscribed at the end", "期末在订")
