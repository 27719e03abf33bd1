"""Sentences of the service-team sections, in both languages, for hand-made inputs."""

from __future__ import annotations

import math

import pandas as pd

from crmkit.estimate import Estimate, proportion
from crmkit.narrative import team as say


def test_workload_sentence_and_idle_agent():
    agents = pd.DataFrame({"tickets": [60, 30, 10], "small_n": [False, False, True]})
    spread = {"agents": 3, "max_share": 0.6, "max_min_ratio": 6.0, "cv": 0.6236, "gini": 0.3333}
    b = say.workload(agents, spread, 30)
    assert b.en == ("3 agents handled 100 assigned tickets; the busiest carries 60.0% of them, 6.0 times the least busy. "
                    "Coefficient of variation 0.62 and Gini 0.33 (0 = perfectly even). "
                    "1 agents handled fewer than 30 tickets, so their rates are noisy.")
    assert b.zh == ("3 名坐席共处理 100 张已分配工单；工作量最大的坐席占 60.0%，是最少者的 6.0 倍。"
                    "变异系数 0.62，基尼系数 0.33（0 表示完全均衡）。1 名坐席处理工单少于 30 张，其比率波动较大。")
    b2 = say.workload(agents, {**spread, "max_min_ratio": math.inf}, 30)
    assert "times the least busy" not in b2.en and "inf" not in b2.en and "倍" not in b2.zh


def test_outliers_sentence():
    o = pd.DataFrame({"assessment": ["worse", "better", "worse"], "small_n": [True, False, False]})
    b = say.outliers(o, 30)
    assert b.en.startswith("3 result(s) lie at least 3.5 robust standard deviations") and "; 2 worse than the team. 1 of them" in b.en
    assert "其中 2 个差于团队。其中 1 个基于不足 30 张工单" in b.zh


def test_targets_met_and_missed():
    missed = pd.DataFrame({"label_en": ["Reopen rate", "Ticket CSAT"], "label_zh": ["重开率", "工单满意度"]})
    b = say.targets({"met": 3, "rated": 5, "missed": missed})
    assert b.en.startswith("3 of 5 team KPIs meet their targets; missed: reopen rate, ticket csat. Targets are")
    assert b.zh.startswith("5 项团队指标中 3 项达标；未达标：重开率、工单满意度。目标为")
    b2 = say.targets({"met": 5, "rated": 5, "missed": missed.iloc[:0]})
    assert b2.en.startswith("5 of 5 team KPIs meet their targets. Targets") and "未达标" not in b2.zh


def test_employee_with_and_without_correlation():
    top2, mean = proportion(50, 87, min_n=30), Estimate(3.8123, n=87)
    b = say.employee(top2, mean, 0.8123, 4)
    assert b.en.startswith("In this period 57.5% ± ") and "of 87 responding employees are satisfied (mean 3.81 of 5)" in b.en
    assert "correlation of +0.81" in b.en and "相关系数为 +0.81" in b.zh
    b2 = say.employee(top2, mean, float("nan"), 2)
    assert "correlation" not in b2.en and "相关" not in b2.zh and "nan" not in b2.en
    b3 = say.employee(proportion(0, 0), Estimate(float("nan"), n=0), float("nan"), 0)
    assert b3.en == "No employee answered a survey in this period." and "nan" not in b3.zh
