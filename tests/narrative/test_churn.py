"""Churn readings: hand-made inputs, both languages, edge cases."""

from __future__ import annotations

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter
from crmkit.narrative import churn as say

RATE = Estimate(0.25, 0.02, 0.2, 0.3, 400)
ZH = Formatter("zh")


def _clean(b: Bilingual) -> None:
    assert isinstance(b, Bilingual)
    for text in b:
        assert "nan" not in text and "inf" not in text and "–%" not in text


def test_overview_inferred_threshold_derived():
    b = say.overview(RATE, 100, 90, explicit=False, threshold_given=False)
    _clean(b)
    assert "after 90 days without a purchase (derived as the 90th percentile" in b.en
    assert b.en.endswith("Of the 400 customers active at the start of the period, 100 churned during it: a churn rate "
                         "of 25.0% (95% interval 20.0%–30.0%).")
    assert "连续 90 天未购买即视为流失（取购买间隔分布的 90 分位数" in b.zh
    assert b.zh.endswith("期初在册的 400 名客户中有 100 名在本期流失，流失率 25.0%（95% 区间 20.0%–30.0%）。")


def test_overview_explicit_and_parameter_threshold():
    assert say.overview(RATE, 100, None, explicit=True, threshold_given=False).en.startswith(
        "Churn is taken from the company's recorded cancellations")
    b = say.overview(RATE, 100, 60, explicit=False, threshold_given=True)
    assert "(set in the parameters)" in b.en and "（由参数指定）" in b.zh


def test_overview_without_customers_at_risk_says_so():
    b = say.overview(Estimate(float("nan"), n=0), 0, 90, explicit=False, threshold_given=False)
    _clean(b)
    assert b.en.endswith("No customer was active at the start of the period, so no churn rate can be given.")
    assert b.zh.endswith("期初没有在册客户，无法计算流失率。")


def test_overview_tiles_include_threshold_only_when_inferred():
    assert len(say.overview_tiles(RATE, 100, None)) == 3
    assert say.overview_tiles(RATE, 100, 90)[-1] == (("Inactivity threshold", "不活跃阈值"), 90, "days")


def test_trend_real_change_chance_and_missing():
    prev = pd.Series({"churn_rate": 0.1, "ci_low": 0.08, "ci_high": 0.12})
    b = say.trend(RATE, prev, True)
    assert b.en == "The churn rate was 10.0% in the previous period and 25.0% now; the intervals do not overlap, so the change is real."
    assert b.zh == "上期流失率为 10.0%，本期为 25.0%；两期区间不重叠，变化是真实的。"
    assert say.trend(RATE, prev, False).en.endswith("the intervals overlap, so the change may be chance.")
    missing = say.trend(RATE, pd.Series({"churn_rate": float("nan")}), False)
    _clean(missing)
    assert "cannot be compared" in missing.en and "无法与上期比较" in missing.zh
    assert say.trend(RATE, None, False) == missing


def test_segment_rows_and_extremes_sentence():
    seg = pd.DataFrame({"dimension": ["region", "cohort"], "segment": ["North", "2024Q1"], "at_risk": [1200, 40],
                        "churn_rate": [0.3, 0.1]})
    zh = say.segment_rows(seg, say.Formatter("zh"))
    assert list(zh["dimension"]) == ["地区", "首购季度"]
    rows = say.segment_rows(seg, say.Formatter("en"))
    b = say.segments((rows.iloc[0], rows.iloc[1]))
    assert b.en.startswith("Highest churn: Region = North at 30.0% (1,200 at risk); lowest: Quarter of first purchase = 2024Q1 at 10.0%.")
    assert say.segments(None) is None


def test_reasons_both_sources_and_none():
    t = pd.DataFrame({"source": ["stated", "stated", "complaint"], "reason": ["price", "moved", "late delivery"],
                      "customers": [5, 2, 3], "share": [0.5, 0.2, 0.3]})
    b = say.reasons(t)
    assert b.en == ("Among customers who churned in the period, the most common stated reason is price (50% of churned "
                    "customers); the most common complaint in the 180 days before churning is late delivery (30% of churned customers).")
    assert b.zh == "在本期流失的客户中，最常见的退订原因是 price（占流失客户 50%）；最常见的流失前 180 天内投诉原因是 late delivery（占流失客户 30%）。"
    assert say.reasons(t.iloc[0:0]) == say.NO_REASONS


def test_survival_with_and_without_median():
    b = say.survival(0.62, 410.0)
    assert b.en.startswith("62% of customers are still active one year after their first purchase; half have churned after 410 days. ")
    assert "一半客户在 410 天后流失。" in b.zh
    n = say.survival(0.9, float("nan"))
    _clean(n)
    assert "more than half have not churned within the observed history." in n.en and "在可观察期内流失客户不到一半。" in n.zh


def test_hazards_significant_terms_and_reference():
    hr = pd.DataFrame({"term": ["customer_type = sme", "referred"], "hazard_ratio": [1.5, 0.9],
                       "ci_low": [1.2, 0.7], "ci_high": [1.9, 1.1]})
    hr.attrs.update(reference={"customer_type": "individual"}, n=1000, events=250)
    b = say.hazards(hr)
    assert b.en.startswith("Hazard ratios compare each group with the reference (customer_type = individual) over 1,000 "
                           "customers and 250 churn events;")
    assert b.en.endswith("Clearly different from the reference: customer_type = sme (1.50×).")
    assert b.zh.endswith("与参照组差异明显的有：customer_type = sme（1.50 倍）。")
    none = hr.iloc[[1]].copy()
    none.attrs.update(hr.attrs)
    assert say.hazards(none).en.endswith("No group differs from its reference beyond chance.")
    assert say.hazards(pd.DataFrame()) == say.NO_HAZARDS


class _Model:
    n_, events_ = 900, 120
    summary_ = pd.DataFrame({"feature": ["const", "recency_days", "orders_365"], "coef": [-2.0, 0.8, -0.5]})


def test_warning_model_sentence_and_missing_auc():
    b = say.warning_model(_Model(), {"auc": 0.78, "top_decile_lift": 2.5, "n": 1000})
    assert "(900 customers, 120 churned)" in b.en
    assert "It ranks a random churner above a random stayer 78% of the time (AUC 0.78; 0.5 is guessing) and the 10% it scores highest churn 2.5 times as often as average." in b.en
    assert b.en.endswith("Strongest risk signal: recency_days; strongest protective signal: orders_365.")
    assert "得分最高的 10% 客户流失率是平均水平的 2.5 倍。最强风险信号：recency_days；最强保护信号：orders_365。" in b.zh
    m = say.warning_model(_Model(), {"auc": float("nan"), "top_decile_lift": float("nan"), "n": 10})
    _clean(m)


def _at_risk(**kw):
    r = {"customers": 1500, "expected_churners": 212.4, "horizon_days": 92, "expected_loss": 123456.0, "share": 0.1234,
         "source": "model", "churn_rate": 0.2}
    r.update(kw)
    return r


def test_risk_now_and_table_layout():
    b = say.risk_now(_at_risk(), "CNY")
    _clean(b)
    assert b.en.startswith("Of the 1,500 customers at risk of churning at the end of the period, about 212 are expected to "
                           "churn in the next 92 days by the early-warning model's probabilities; revenue at risk = Σ "
                           "probability × trailing-12-month revenue = ¥123,456 (12.3% of their trailing-12-month revenue).")
    assert "风险收入 = Σ 流失概率 × 近 12 个月收入 = ¥123,456（占其近 12 个月收入的 12.3%）" in b.zh
    assert "risk register uses the same figure" in b.en and "风险登记册采用同一数字" in b.zh
    base = say.risk_now(_at_risk(source="churn_rate", share=float("nan")), "CNY")
    _clean(base)
    assert "by this period's churn rate (20.0%) for each" in base.en and "(12.3%" not in base.en
    assert "按本期流失率（20.0%；无法拟合预警模型，每名客户均按此计），预计约 212 名" in base.zh
    assert say.risk_now(_at_risk(customers=0)) is say.NO_RISK_SCORES
    assert say.risk_table("region")["labels"]["segment"] == ("Region", "地区")


def test_dimension_labels_of_tenure_segment_and_attribute_columns():
    assert say.dimension_label("tenure_band") == ("Tenure at period start (months)", "期初客户时长（月）")
    assert say.dimension_label("segment") == ("Segment", "客户分群")
    assert say.dimension_label("attr_contract_plan") == ("Contract plan", "contract plan")
    rows = say.segment_rows(pd.DataFrame({"dimension": ["attr_plan", "tenure_band"]}), ZH)
    assert rows["dimension"].tolist() == ["plan", "期初客户时长（月）"]


def test_overview_contractual_names_subscribers():
    b = say.overview(RATE, 100, None, explicit=True, threshold_given=False)
    _clean(b)
    assert "the customers at risk are the subscribers at the start of the period" in b.en
    assert b.en.endswith("Of the 400 subscribers at the start of the period, 100 churned during it: a churn rate of 25.0% "
                         "(95% interval 20.0%–30.0%).")
    assert "期初在册客户为期初的订阅客户" in b.zh


def test_cost_share_of_revenue_no_revenue_and_no_churn():
    c = {"cost": 50000.0, "customers": 100, "mean": 500.0}
    b = say.cost(c, 1_000_000.0, "CNY")
    assert b.en.startswith("The 100 customers who churned in the period had brought ¥50,000 in the twelve months before "
                           "leaving (¥500 each), equal to 5.0% of all customers' revenue in the twelve months up to the period end")
    assert "相当于截至期末近十二个月全部客户收入的 5.0%" in b.zh
    assert say.cost(c, 0.0).en == "The 100 churned customers had brought ¥50,000 in the twelve months before leaving."
    z = say.cost({"cost": 0.0, "customers": 0, "mean": float("nan")}, 100.0)
    _clean(z)
    assert say.cost_tiles(c)[0][1] == 50000.0


def test_survival_contractual_runs_from_sign_up():
    b = say.survival(0.36, 186.0, contractual=True)
    _clean(b)
    assert b.en.startswith("36% of customers are still subscribed one year after signing up; half have churned after 186 days.")
    assert b.zh.startswith("注册一年后仍有 36% 的客户在订阅；")
