"""Customer-value readings: hand-made inputs, both languages, edge cases."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter
from crmkit.narrative import value as say

from ..helpers import assert_clean

REV = pd.Series({"revenue": 12000.0, "orders": 100, "customers": 40, "returns": 500.0, "revenue_per_customer": 300.0})
AOV = Estimate(125.0, 5.0, 115.0, 135.0, 100)


def test_revenue_growth_up_down_and_not_comparable():
    b = say.revenue(REV, AOV, 0.1, -0.05)
    assert b.en == ("Revenue in the window was ¥12,000 from 100 orders by 40 customers (average order ¥125; returns ¥500). "
                    "Compared with the previous period revenue is up 10.0%, and against the same period last year down 5.0%.")
    assert b.zh == "评估期内收入 ¥12,000，来自 40 位客户的 100 笔订单（客单价 ¥125；退货 ¥500）。收入环比增长 10.0%，同比下降 5.0%。"
    n = say.revenue(REV, AOV, float("nan"), 0.0)
    assert_clean(n, "–%")
    assert "not comparable (no orders in the comparison window)" in n.en and "同比增长 0.0%" in n.zh


def test_comparison_rows_are_formatted_per_unit():
    idx = ["revenue", "orders", "customers", "aov", "revenue_per_customer"]
    g = pd.DataFrame({"current": [100.0, 4, 2, 25.0, 50.0], "previous": [80.0, 4, 2, 20.0, 40.0],
                      "growth": [0.25, 0.0, 0.0, 0.25, 0.25]}, index=idx)
    rows = say.comparison_rows(g, g, Formatter("zh"))
    assert rows.iloc[0].to_dict() == {"metric": "收入", "current": "¥100", "previous": "¥80", "growth_prev": "25.0%",
                                      "last_year": "¥80", "growth_year": "25.0%"}
    assert rows.iloc[1]["current"] == "4"


HIGHLIGHTS = {"largest": "hibernating", "largest_share": 0.3, "champions": 50, "champions_share": 0.1,
              "champions_revenue_share": 0.4, "lapsed_share": 0.15, "lapsed_revenue_share": 0.2}


def test_rfm_reading_names_segments_in_both_languages():
    b = say.rfm(500, HIGHLIGHTS)
    assert b.en.startswith("Scoring 500 customers with at least one order on recency, frequency and spend (quintiles 1-5): "
                           "the largest group is 'Hibernating' (30.0%). Champions are 10.0% of customers but bring 40.0%")
    assert "最大的分群是“沉睡客户”（30.0%）" in b.zh and "占 15.0%）贡献了 20.0% 的收入" in b.zh


def test_historical_clv_source_of_margin():
    high = pd.Series({"customer_share": 0.2, "clv_share": 0.65})
    b = say.historical_clv(Estimate(400.0), high, False, 0.3)
    assert "(gross margin, or revenue × 30% where it is missing)" in b.en and "¥400" in b.en
    assert "holds 20.0% of customers and 65.0% of the margin." in b.en
    assert "（订单毛利）" in say.historical_clv(Estimate(400.0), high, True, 0.3).zh


def test_concentration_levels():
    b = say.concentration(1000, 0.574, 0.536, "moderate")
    assert "bring 57.4% of its revenue; the Gini coefficient is 0.54" in b.en and "a moderate concentration." in b.en
    assert "集中度中等" in b.zh
    assert "集中度较高" in say.concentration(10, 0.9, 0.7, "high").zh


def test_acquisition_health_and_channels():
    ch = pd.DataFrame({"channel": ["search", "events"], "cac": [10.0, 90.0]})
    b = say.acquisition(Estimate(30.0, n=400), ch, 120.0, 4.0, Estimate(20.0), 1.5)
    assert b.en.startswith("400 customers signed up in the window at an average acquisition cost of ¥30 (cheapest channel: "
                           "search; most expensive: events).")
    assert "CLV:CAC = 4.0×, healthy (3 or more is commonly considered healthy)" in b.en
    assert "repaid in about 1.5 months." in b.en and "约 1.5 个月可收回" in b.zh
    low = say.acquisition(Estimate(30.0, n=400), ch.iloc[0:0], 60.0, 2.0, Estimate(20.0), 1.5)
    assert "below the common benchmark of 3" in low.en and "(cheapest channel: –; most expensive: –)" in low.en
    assert "无法计算" in say.acquisition(Estimate(30.0, n=4), ch, float("nan"), float("nan"), Estimate(0.0), float("nan")).zh


def _prediction(**kw):
    tiers = pd.DataFrame({"tier": ["high", "medium", "low"], "clv_share": [0.6, 0.3, 0.1]})
    base = dict(value_basis="margin", horizon_months=12, discount_rate=0.01, return_rate=0.05, sizes={"customers": 2000},
                time_unit="week",
                status="ok", model="bgnbd", tiers=tiers, customers=pd.DataFrame({"clv": range(2000)}),
                totals={"clv_total": 400000.0, "clv_mean": 200.0, "clv_median": 120.0, "top_decile_share": 0.45,
                        "share_alive": 0.6, "expected_alive": 1200.0, "share_p_alive_above_half": 0.55,
                        "expected_transactions_mean": 3.2},
                clv_mean_estimate=Estimate(200.0, 3.0, 195.0, 206.0, 2000), transactions_total_estimate=Estimate(6400.0),
                holdout_errors=pd.DataFrame({"pct_error": [2.8]}, index=["bgnbd"]))
    base.update(kw)
    return SimpleNamespace(**base)


def test_predictive_intro_and_basis():
    b = say.predictive_intro(_prediction(), pd.Timestamp("2025-12-31"))
    assert "converted to margin (returns netted: 5.0% of purchase value was returned) and discounted at 1.0% a month." in b.en
    assert "It covers the 2,000 customers with at least one purchase up to 2025-12-31" in b.en
    assert "换算为毛利（已扣除退货" in b.zh
    assert say.value_basis(_prediction(value_basis="net revenue")) == Bilingual("net revenue", "净收入")


def test_predicted_clv_with_and_without_interval_and_holdout():
    b = say.predicted_clv(_prediction())
    assert b.en.startswith("Over the next 12 months the 2,000 customers are expected to bring ¥400,000 of margin in present "
                           "value, ¥200 per customer on average (median ¥120")
    assert "The top 10% of customers account for 45.0% of it, and the high tier (top 20%) for 60.0%" in b.en
    assert "the mean lies between ¥195 and ¥206 (95%); on the holdout the model missed the total number of purchases by +2.8%" in b.en
    loose = say.predicted_clv(_prediction(status="unvalidated", clv_mean_estimate=Estimate(200.0)))
    assert_clean(loose, "–%")
    assert loose.en.endswith("no interval can be given; the model could not be checked on a holdout, so treat the figures as indicative.")
    assert loose.zh.endswith("模型参数的标准误不可用，无法给出区间；模型未能在留出期检验，数据仅供参考。")


def test_activity_notes_bgnbd_no_repeat_customers_only_for_bgnbd():
    b = say.activity(_prediction(), 0.3)
    assert b.en.startswith("On average a customer is still active with probability 60.0% (about 1,200 of 2,000 customers)")
    assert "make 6,400 repeat purchases in total (3.2 per customer" in b.en
    assert "treats the 30.0% of customers without a repeat purchase as certainly active" in b.en
    assert "BG/NBD" not in say.activity(_prediction(model="pareto_nbd"), 0.3).en


def test_tracking_gap_missing_is_left_out():
    tr = pd.DataFrame({"predicted_cumulative": [5.0, 103.0], "actual_cumulative": [5.0, 100.0]})
    b = say.tracking(_prediction(tracking={"bgnbd": tr}), 0.03)
    assert "expected 103 repeat purchases by the last whole week against 100 recorded (+3.0%)." in b.en
    assert "实际记录 100 次（+3.0%）。" in b.zh
    n = say.tracking(_prediction(tracking={"bgnbd": tr}), float("nan"))
    assert_clean(n, "–%")
    assert "against 100 recorded." in n.en


def test_status_warning_and_predicted_cac():
    p = _prediction(status="failed", message="Singular matrix.", message_zh="矩阵奇异。")
    w = say.status_warning(p, {"failed": ("Could not fit.", "未能拟合。")})
    assert w == Bilingual("Could not fit. Singular matrix.", "未能拟合。 矩阵奇异。")
    assert say.status_warning(_prediction(), {}) is None
    b = say.predicted_cac(300.0, 250, 100.0, 3.0, 12)
    assert b.en.startswith("Using predicted instead of historical CLV: the 250 customers acquired in the window are expected "
                           "to bring ¥300 each over the next 12 months, 3.0× their acquisition cost of ¥100.")
    assert "全部客户（新客户尚无购买）" in say.predicted_cac(300.0, 0, 100.0, 3.0, 12).zh


def _contract(**over):
    curve = pd.DataFrame({"retention_rate": [0.8 + 0.01 * t for t in range(15)]}, index=pd.RangeIndex(1, 16, name="t"))
    table = pd.DataFrame({"parameter": ["alpha", "beta"], "rel_se": [0.1, 0.7]})
    base = dict(
        period_names=("month", "月"), horizon_months=12, retention_curve=curve, parameters_table=lambda: table,
        residual_clv_mean_estimate=Estimate(1800.0, 100.0, 1600.0, 2000.0, 800),
        residual_clv_total_estimate=Estimate(1.44e6, 8e4, 1.28e6, 1.6e6, 800),
        totals={"discount_rate_period": 0.01, "cohorts": 36, "customers": 2000, "churned": 1200, "periods": 35, "n": 800,
                "mean_churn_probability": 0.163, "retention_gap": 0.009, "total_residual_clv": 1.44e6,
                "mean_residual_clv": 1800.0, "median_residual_clv": 1300.0, "mean_margin_per_period": 58.0,
                "mean_derl": 30.5, "total_horizon_clv": 395000.0, "next_renewal_rate": 0.925})
    base.update(over)
    return SimpleNamespace(**base)


def test_contract_readings_in_both_languages():
    c = _contract()
    intro = say.contract_intro(c, pd.Timestamp("2025-12-31"))
    assert "(36 cohorts, 2,000 customers, 1,200 cancellations, up to 35 months observed)" in intro.en
    assert "Each of the 800 customers active on 2025-12-31" in intro.en and "discounted at 1.00% per month" in intro.en
    assert "（36 个批次、2,000 位客户、1,200 次解约，最长观察 35 个月）" in intro.zh
    par = say.contract_parameters(c)
    assert "cancels in the first month with probability 16.3% (α/(α+β))" in par.en
    assert "rises from 80.0% at the end of the first month to 91.0% in month 12" in par.en
    assert "differ from the observed ones by 0.9 percentage points" in par.en
    assert "beta is loosely determined" in par.en and "beta 估计不够精确" in par.zh
    value = say.contract_value(c)
    assert value.en.startswith("The 800 active customers are worth ¥1,440,000 of margin in present value over the rest of "
                               "their contracts, ¥1,800 per customer on average (median ¥1,300). With the parameters' "
                               "uncertainty the mean lies between ¥1,600 and ¥2,000")
    assert "pay for 30.5 more months" in value.en and "The next 12 months alone are expected to bring ¥395,000." in value.en
    assert "仅未来 12 个月预计带来 ¥395,000。" in value.zh
    for b in (intro, par, value):
        assert_clean(b, "–%")
    q = say.contract_parameters(_contract(period_names=("quarter", "季度"), parameters_table=lambda: pd.DataFrame(
        {"parameter": ["alpha", "beta"], "rel_se": [0.1, 0.2]})))
    assert "in the first quarter" in q.en and "both parameters are estimated precisely" in q.en and "第一个季度" in q.zh
    short = say.contract_parameters(_contract(retention_curve=c.retention_curve.iloc[:4]))
    assert "in month 4" in short.en
    plain = say.contract_value(_contract(residual_clv_mean_estimate=Estimate(1800.0, n=800)))
    assert_clean(plain, "–%")
    assert "no interval can be given" in plain.en


def test_contract_tiles_and_unavailable():
    labels = [t[0] for t in say.contract_tiles(_contract())]
    assert labels[3] == ("Mean DERL (months)", "平均 DERL（月）") and labels[4][0] == "Expected to renew next month"
    from crmkit.clv.contractual import ContractHistoryError

    b = say.contract_unavailable(ContractHistoryError("Too little contract history.", "合约历史不足。"))
    assert b == Bilingual("Contract value is not computed. Too little contract history.", "未计算合约价值。合约历史不足。")
    assert say.contract_unavailable(ValueError("x")).zh == "未计算合约价值。x"
    b = say.predicted_cac(300.0, 250, 100.0, 3.0, 12, contractual=True)
    assert "the 250 customers who signed up in the window" in b.en and "not the payments already made" in b.en
    assert "已发生的付费（已解约客户按 0 计）" in b.zh


def test_time_unit_and_both_models_parameters():
    intro = say.predictive_intro(_prediction(), pd.Timestamp("2025-12-31"))
    assert intro.en.endswith("count repeat purchases on distinct days and measure time in weeks, as in Fader, Hardie & Lee (2005).")
    assert "以周为时间单位（与 Fader、Hardie & Lee 2005 相同）" in intro.zh
    day = say.predictive_intro(_prediction(time_unit="day"), pd.Timestamp("2025-12-31"))
    assert day.en.endswith("measure time in days.") and "以天为时间单位。" in day.zh
    table = pd.DataFrame({
        "model": ["BG/NBD"] * 2 + ["Pareto/NBD"] * 2 + ["Gamma-Gamma"], "parameter": ["r", "a", "r", "s", "p"],
        "meaning_en": ["r", "a", "r", "s", "p"], "meaning_zh": ["r", "a", "r", "s", "p"], "coef": [0.2, 0.8, 0.5, 0.6, 6.0],
        "se": 0.01, "lower": 0.1, "upper": 1.0, "rel_se": [0.1, 0.1, 0.9, 0.9, 0.1], "used": [True, True, False, False, True]})
    p = _prediction(parameters_table=lambda: table, spend_frequency_correlation=0.1, spend_frequency_ok=True,
                    implied=lambda: {"purchases_per_year": 4.0, "dropout_per_purchase": 0.25, "mean_lifetime_years": float("nan"),
                                     "mean_spend": 30.0})
    rows = say.parameter_rows(p, Formatter("en"))
    assert list(rows["model"]) == ["BG/NBD"] * 2 + ["Pareto/NBD (comparison, not used)"] * 2 + ["Gamma-Gamma"]
    assert say.parameter_rows(p, Formatter("zh"))["model"].iloc[2] == "Pareto/NBD（仅作对比，未采用）"
    b = say.parameters(p)
    assert_clean(b, "–%")
    assert "All parameters are estimated precisely" in b.en  # the comparison model's loose parameters do not count
    assert b.en.endswith("The table also shows Pareto/NBD, fitted on the same history for comparison; the holdout check "
                         "decided which model predicts.")
    assert "仅作对比的 Pareto/NBD" in b.zh
    flat = table.assign(se=[0.01, 0.01, float("nan"), 0.01, 0.01])
    b = say.parameters(_prediction(**{**vars(p), "parameters_table": lambda: flat}))
    assert b.en.endswith("estimates without a standard error lie where the likelihood is flat (the data hardly constrain them).")
    assert b.zh.endswith("没有标准误的估计值位于似然函数平坦处（数据几乎无法约束）。")
