"""Readings of the composite evaluation (crmkit.narrative.summary) on hand-made results."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from crmkit.evaluation import composite
from crmkit.formatting import Formatter
from crmkit.narrative import summary as say


def _card(grade="B", composite_=72.34):
    dims = pd.DataFrame({"score": [80.0, 40.0, float("nan")], "n_scored": [3, 2, 0], "weight": [0.5, 0.3, 0.2],
                         "weight_used": [0.625, 0.375, 0.0], "grade": ["B", "D", None], "n_indicators": [3, 2, 1]},
                        index=["loyalty", "churn", "cost"])
    return SimpleNamespace(composite_=composite_, grade_=grade, dimension_scores_=dims, missing_dimensions_=["cost"])


def _run(interval=(71.0, 84.0), band=(2, 1, 3, 3), robust=True, **kw):
    base = dict(company="acme", period="2025Q4", card=_card(), interval=interval, rank_band=band, grade_robust=robust,
                n_scored=5, table=pd.DataFrame({"scored": [True] * 5 + [False]}), change=1.5, labels={}, min_n=30,
                completeness=composite.Completeness())
    base.update(kw)
    comp = base["completeness"]
    base.setdefault("grade", None if comp.grade_withheld else base["card"].grade_)
    base.update(provisional=comp.provisional, grade_withheld=comp.grade_withheld)
    run = SimpleNamespace(**base)
    run.label = lambda n: run.labels.get(n, (n, n))
    run.unit = lambda n: "ratio"
    return run


def test_composite_reading_with_interval_and_rank():
    en, zh = say.composite_reading(_run())
    assert en == ("acme scores 72.3 of 100 in 2025Q4, grade B (good; A ≥ 85, B ≥ 70, C ≥ 55, D below), from 5 scored "
                  "indicators in 2 dimensions. Varying the weights moves the index between 71.0 and 84.0 (90% of draws), "
                  "so the grade is robust. Among the 3 companies of this period it ranks 2 (rank band 1–3).")
    assert zh == ("acme 在 2025Q4 的综合得分为 72.3/100，等级 B（良好；A ≥ 85，B ≥ 70，C ≥ 55，以下为 D），基于 2 个维度的 "
                  "5 项计分指标。改变权重后，指数在 71.0 至 84.0 之间（90% 的模拟），等级结论稳健。在本期 3 家公司中排名第 2（排名区间 1–3）。")


def test_composite_reading_alone_and_uncertain():
    en, zh = say.composite_reading(_run(band=None, robust=False))
    assert "so the grade is not certain. No other company of this period has results, so no rank is given." in en
    assert zh.endswith("等级结论存在不确定性。本期没有其他公司的结果，因此不给出排名。")
    en, _ = say.composite_reading(_run(interval=None, band=None))
    assert "Varying" not in en and "nan" not in en


def test_kpis_without_interval_rank_or_previous():
    tiles = say.kpis(_run(interval=None, band=None, change=float("nan")), Formatter("zh"))
    values = {label[0]: v for label, v, _ in tiles}
    assert values["90% interval (sensitivity)"] == "–" and values["Rank among companies"] == "–"
    assert values["Change vs previous period"] == "–" and values["Indicators scored"] == "5 / 6"
    tiles = say.kpis(_run(), Formatter("zh"))
    assert {label[0]: v for label, v, _ in tiles}["Rank among companies"] == "2 / 3 (区间 1–3)"
    assert {label[0]: v for label, v, _ in tiles}["Change vs previous period"] == "+1.5"


def test_dimension_reading_names_dropped_dimensions():
    en, zh = say.dimension_reading(_card())
    assert en == ("The strongest dimension is Loyalty (80), the weakest Churn (40). 1 dimension(s) without any scored "
                  "indicator (Maintenance cost) are left out and the other weights scaled up.")
    assert zh.startswith("得分最高的维度是客户忠诚度（80 分），最低的是客户流失（40 分）。1 个维度没有可计分指标（")
    card = _card()
    card.missing_dimensions_ = []
    assert say.dimension_reading(card).en.endswith("Every weighted dimension has at least one scored indicator.")


def test_lights_reading_lists_low_n_indicators():
    table = pd.DataFrame({"scored": [True, True, True, False], "light": ["green", "amber", "red", None],
                          "status": ["scored"] * 3 + ["low_n"]}, index=["a", "b", "c", "nps"])
    run = _run(table=table, n_scored=3, labels={"nps": ("NPS", "净推荐值")})
    en, zh = say.lights_reading(run)
    assert en.startswith("Of the 3 scored indicators 1 are green (score ≥ 80), 1 amber (50-80) and 1 red (below 50).")
    assert en.endswith(" 1 indicator(s) rest on fewer than 30 observations and are shown but not scored: NPS.")
    assert zh.endswith("1 项指标样本少于 30，仅展示不计分：净推荐值。")


def test_weights_reading_manual_and_ahp():
    manual = SimpleNamespace(name="default", source=None, kind="manual", description="")
    assert say.weights_reading(manual) == (
        "Weights 'default' (default) are set by hand. Within a dimension indicators weigh equally unless listed otherwise.",
        "权重“default”（default）为人工设定。维度内各指标除另有设定外等权。")
    ahp = SimpleNamespace(name="board", source=None, kind="ahp", ahp=SimpleNamespace(
        weights=[1, 2, 3], lambda_max=3.1234, ci=0.0617, cr=0.1064, consistent=False))
    en, zh = say.weights_reading(ahp)
    assert "λmax = 3.123, CI = 0.062, consistency ratio CR = 0.106 (0.10 or more" in en
    assert zh.endswith("（不低于 0.10，判断不一致，仅因文件设置 allow_inconsistent 而采用）。")


def test_trend_reading_change_and_worse_count():
    trend = pd.DataFrame({"worse": [True, False, True]})
    run = _run(previous={"composite": {"value": 70.84, "grade": "B"}}, trend=trend)
    en, zh = say.trend_reading(run)
    assert en == ("The composite moved from 70.8 (B) in 2025Q3 to 72.3 (B), +1.5 points; 2 of 3 indicators measured in "
                  "both periods moved away from their target.")
    assert zh == "综合指数由 2025Q3 的 70.8（B）变为 72.3（B），变化 +1.5 分；两期均有数据的 3 项指标中有 2 项偏离目标。"


def test_no_metrics_and_saved_notes():
    assert say.no_metrics("").en.startswith("No headline metrics were found in the output folder:")
    assert say.no_metrics("/o").zh.startswith("在 /o 中未找到核心指标")
    assert say.scorecard_saved("/x/scorecard.json", True).en == (
        "The scorecard was saved as scorecard.json in a temporary folder (interactive run).")
    assert say.scorecard_saved("/x/scorecard.json", False).zh == "计分卡已保存为 scorecard.json。"


def test_alert_and_action_notes():
    assert say.no_alerts(_run(previous=None)).en == "Alerts compare with the previous period, whose scorecard was not found."
    assert say.no_alerts(_run(previous={"x": 1})).zh == "无预警：与上期相比，没有受监控指标超出阈值。"
    assert say.no_actions(_run(has_scores=False)).en == "No scored indicators, so no recommended actions."
    assert say.no_actions(_run(has_scores=True)).en.startswith("No action rule applies")


def test_strengths_reading_in_each_unit():
    st = pd.DataFrame({"value": [0.9], "score": [95.0], "target": [0.8]}, index=["csat"])
    wk = pd.DataFrame({"value": [0.3], "score": [20.0], "target": [0.15], "gain": [2.25]}, index=["churn_rate"])
    run = _run(strengths=st, weaknesses=wk, labels={"csat": ("CSAT", "满意度"), "churn_rate": ("Churn rate", "流失率")})
    en, zh = say.strengths_reading(run)
    assert en == ("Strengths: CSAT 90.0% (score 95). Weaknesses: Churn rate 30.0% vs target 15.0% (score 20). "
                  "Bringing the three weaknesses to target would add 2.2 points to the index.")
    assert zh == "优势：满意度 90.0%（95 分）。不足：流失率 30.0%，目标 15.0%（20 分）。三项不足全部达标可使综合指数提高 2.2 分。"
