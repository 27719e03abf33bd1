"""Readings of the loyalty due diligence (crmkit.narrative.due_diligence) on hand-made results."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from crmkit.evaluation import due_diligence as dd
from crmkit.evaluation.composite import Completeness
from crmkit.formatting import Formatter
from crmkit.narrative import due_diligence as say


def _run(values: dict[str, float], **kw):
    saved = dd.metric_frame([{"name": k, "value": v, "unit": "ratio"} for k, v in values.items()])
    run = SimpleNamespace(saved=saved, **{"labels": {}, **kw})
    run.label = lambda n: run.labels.get(n, (n, n))
    run.value = lambda *n: dd.metric_value(saved, *n)
    run.row = lambda *n: dd.metric_row(saved, *n)
    return run


def test_loyalty_reading_parts_and_missing():
    en, zh = say.loyalty_reading(_run({"repeat_purchase_rate": 0.25, "referral_rate": 0.2, "member_retention_gap": -0.034}))
    assert en == ("25% of buyers bought more than once in the period; 20% of new customers were referred by existing ones "
                  "(word of mouth is strong); loyalty members retain 3.4 percentage points worse than comparable "
                  "non-members (association, not a causal effect).")
    assert zh == ("25% 的购买客户在本期多次购买；20% 的新客户由老客户推荐（口碑效应较强）；会员的留存率比可比非会员低 3.4 个百分点"
                  "（相关关系，而非因果效应）。")
    assert say.loyalty_reading(_run({})) is None


def test_value_reading_historical_clv_and_ratio():
    run = _run({"clv_cac_ratio": 2.46}, labels={"clv_cac_ratio": ("CLV:CAC", "客户终身价值与获客成本之比")})
    en, zh = say.value_reading(run)
    assert en == "CLV:CAC 2.5 (3 or more is commonly healthy)."
    assert zh == "客户终身价值与获客成本之比 2.5（通常 3 以上为健康）。"
    saved = dd.metric_frame([{"name": "historical_clv_mean", "value": 1234.0, "unit": "currency"}])
    run2 = _run({})
    run2.row = lambda *n: dd.metric_row(saved, *n)
    run2.value = lambda *n: dd.metric_value(saved, *n)
    assert say.value_reading(run2).en.startswith("Historical CLV averages ¥1,234 per customer (cumulative margin")
    assert say.value_reading(_run({})) is None


def test_escalation_reading_significance():
    esc = {"rate": 12.34, "complaints": 1200, "previous_rate": 8.0, "previous_complaints": 800, "ratio": 1.5425,
           "p_value": 0.0012}
    en, zh = say.escalation_reading(esc)
    assert en.startswith("Complaints per 1,000 active customers: 12.3 (1,200 complaints) against 8.0 (800) in the previous "
                         "period of equal length, a ratio of 1.54; exact conditional test p = 0.001, so the change is "
                         "unlikely to be chance.")
    assert "变化不太可能是偶然" in zh
    assert "within chance variation" in say.escalation_reading({**esc, "p_value": 0.4}).en
    assert "could not be tested" in say.escalation_reading({**esc, "p_value": float("nan")}).en


def test_tenure_reading_with_and_without_growth():
    mix = pd.DataFrame({"band": ["new", "under_1y", "1_2y", "over_2y"], "customers": [1, 1, 1, 1],
                        "share": [0.25] * 4, "revenue": [10.0, 10.0, 40.0, 40.0]})
    en, zh = say.tenure_reading(mix, 0.052)
    assert en.startswith("25% of the 4 active customers bought for the first time in the period and 50% have been "
                         "customers for a year or more, bringing 80% of revenue. Active customers changed by +5.2%")
    assert zh.startswith("4 名活跃客户中 25% 为本期首次购买，50% 已合作一年以上，贡献 80% 的收入。活跃客户较上期变化 +5.2%。")
    en, _ = say.tenure_reading(mix, float("nan"))
    assert "changed by" not in en and "nan" not in en


def test_driver_reading_below_neutral_and_no_employee_survey():
    drv = pd.DataFrame({"driver": ["price", "delivery", "quality"], "mean": [2.5, 2.9, 4.2], "ci_low": [2.3, 2.6, 4.0],
                        "ci_high": [2.7, 3.1, 4.4]})
    en, zh = say.driver_reading(drv, -12.4, float("nan"))
    assert en == ("Customers rate product quality best (4.20 of 5) and price worst (2.50). Price lie clearly below the "
                  "neutral midpoint. The NPS is -12. No employee survey was saved for the period.")
    assert zh == "客户对产品质量评价最高（4.20/5），对价格评价最低（2.50）。价格明显低于中性值。净推荐值为 -12。本期未保存员工满意度调查结果。"


def test_types_reading_top_type_and_single_type():
    types = pd.DataFrame({"segment": ["retail", "wholesale"], "customer_share": [0.9, 0.1], "revenue_share": [0.4, 0.6]})
    assert say.types_reading(types).en == "wholesale customers are 10.0% of the base and bring 60.0% of revenue."
    assert say.types_reading(types.iloc[:1]).zh == "所有客户均为同一类型（retail）。"


def _flags():
    ff = pd.DataFrame({"severity": ["high", "medium"], "title_en": ["A", "B"], "title_zh": ["甲", "乙"],
                       "label_en": ["Churn rate", "NPS"], "label_zh": ["流失率", "净推荐值"], "value": [0.3, -21.3],
                       "unit": ["ratio", "number"], "flagged": [False, True], "evidence_en": ["e1", "e2"],
                       "evidence_zh": ["据1", "据2"], "ask_en": ["q1", "q2"], "ask_zh": ["问1", "问2"]})
    clear = pd.DataFrame({"title_en": ["C"], "title_zh": ["丙"]})
    return dd.RedFlagResult(ff, clear, pd.DataFrame(), {"high": 1, "medium": 1, "total": 2, "clear": 1, "not_assessable": 0})


def test_flag_readings_and_table():
    en, zh = say.flags_reading(_flags(), 30)
    assert en.endswith(" 1 rest on fewer than 30 observations and are indicative only.")
    assert zh.startswith("共 2 项风险信号：高 1 项，中 1 项")
    assert say.clear_reading(_flags()) == ("1 rule(s) were assessed and did not fire: C.", "1 条规则经评估未触发：丙。")
    t = say.flags_table(_flags(), Formatter("zh"))
    assert t["df"].values.tolist() == [["高", "甲", "据1", "问1"], ["中", "乙", "据2", "问2"]]


def test_verdict_names_the_most_serious_flags():
    comp = SimpleNamespace(scored=True, value=65.84, grade="C", provisional=False, grade_withheld=False)
    run = SimpleNamespace(company="acme", composite=comp, flags=_flags(), rules=[1] * 19,
                          completeness=Completeness())
    en, zh = say.verdict(run)
    assert en == ("acme scores 65.8 of 100 on the due-diligence weighting, grade C. Of 19 red-flag rules, 1 fire as high "
                  "and 1 as medium; 0 cannot be assessed for lack of data. Most serious: A (Churn rate 30.0%); B (NPS -21.3).")
    assert zh.endswith("最严重的是：甲（流失率 30.0%）；乙（净推荐值 -21.3）。")
    run.composite = SimpleNamespace(scored=False)
    run.flags = dd.RedFlagResult(_flags().flags.iloc[:0], _flags().clear, pd.DataFrame(),
                                 {"high": 0, "medium": 0, "total": 0, "clear": 1, "not_assessable": 0})
    en, zh = say.verdict(run)
    assert en.startswith("No metric could be scored") and en.endswith(" No rule fires.")
    assert "nan" not in en and zh.endswith("没有规则被触发。")


def test_metric_tables_skip_unsaved_sections():
    run = _run({"churn_rate": 0.2})
    run.saved.loc[0, ["n", "ci_low", "ci_high", "notebook"]] = [1500, 0.18, 0.22, "04_churn"]
    tables = say.metric_tables(run, "churn", Formatter("en"))
    assert len(tables) == 1 and tables[0]["df"].values.tolist() == [["churn_rate", "20.0%", "18.0% – 22.0%", "1,500", "04_churn"]]
    assert say.metric_tables(run, "loyalty", Formatter("en")) == []


def test_peers_reading_best_and_last():
    pt = pd.DataFrame({"acme": [0.1, 0.5], "beta": [0.2, 0.3], "label_en": ["Churn", "NPS"], "label_zh": ["流失", "净推荐"],
                       "rank": [1, 2]}, index=["churn_rate", "nps"])
    run = SimpleNamespace(company="acme", period="2025Q4", peers={"beta": None})
    en, zh = say.peers_reading(run, pt, ["acme", "beta"])
    assert en.startswith("Against 1 peer(s) of 2025Q4, acme is best on 1 of 2 ranked indicators (Churn) and last on 1 (NPS).")
    assert zh.startswith("与 2025Q4 的 1 家同业公司相比，acme 在 2 项可排名指标中有 1 项最好（流失），1 项最差（净推荐）。")


def test_escalation_reading_never_prints_a_missing_number():
    from crmkit.indicators.risk import complaint_escalation
    from crmkit.narrative.due_diligence import escalation_reading

    quiet = escalation_reading(complaint_escalation(0, 40, 0, 30))
    assert "no change to test" in quiet[0] and "两期均无投诉" in quiet[1]
    first = escalation_reading(complaint_escalation(3, 40, 0, 0))
    assert "previous period had no active customers" in first[0] and "75.0" in first[0]
    real = escalation_reading(complaint_escalation(60, 1000, 30, 1000))
    assert "ratio of 2.00" in real[0] and "p = 0.002" in real[0] and "unlikely to be chance" in real[0]
    for text in (*quiet, *first, *real):
        assert "nan" not in text and "inf" not in text
