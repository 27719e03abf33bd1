"""Readings of the service-team sections (workload, outlying results, targets, employee satisfaction).

Each function takes results of :mod:`crmkit.indicators.team` and returns a
:class:`~crmkit.formatting.Bilingual` sentence; a missing value is said in
words, never written as "nan" or "inf".
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing

__all__ = ["no_agents", "workload", "no_outliers", "outliers", "targets", "no_employee_survey", "employee"]


def _num(x: Any, digits: int) -> str:
    return "–" if is_missing(x) or math.isinf(float(x)) else f"{float(x):.{digits}f}"


def no_agents() -> Bilingual:
    """Note: tickets name no agent."""
    return Bilingual("Tickets carry no agent, so per-agent performance cannot be shown.", "工单未记录处理坐席，无法分析个人绩效。")


def workload(agents: pd.DataFrame, spread: Mapping[str, Any], min_n: int) -> Bilingual:
    """How the assigned tickets are spread over agents (:func:`crmkit.indicators.team.workload_spread`)."""
    n, total, small = spread["agents"], int(agents["tickets"].sum()), int(agents["small_n"].sum())
    share = "–" if is_missing(spread["max_share"]) else f"{spread['max_share']:.1%}"
    ratio = spread["max_min_ratio"]
    cv, gini = _num(spread["cv"], 2), _num(spread["gini"], 2)
    if is_missing(ratio) or math.isinf(float(ratio)):
        times_en, times_zh = "", ""
    else:
        times_en, times_zh = f", {ratio:.1f} times the least busy", f"，是最少者的 {ratio:.1f} 倍"
    return Bilingual(
        f"{n} agents handled {total:,} assigned tickets; the busiest carries {share} of them{times_en}. "
        f"Coefficient of variation {cv} and Gini {gini} (0 = perfectly even). "
        f"{small} agents handled fewer than {min_n} tickets, so their rates are noisy.",
        f"{n} 名坐席共处理 {total:,} 张已分配工单；工作量最大的坐席占 {share}{times_zh}。"
        f"变异系数 {cv}，基尼系数 {gini}（0 表示完全均衡）。{small} 名坐席处理工单少于 {min_n} 张，其比率波动较大。",
    )


def no_outliers() -> Bilingual:
    """No agent result lies far from the team median."""
    return Bilingual("No agent's KPI lies 3.5 robust standard deviations or more from the team median.",
                     "没有坐席的指标偏离团队中位数达到 3.5 个稳健标准差。")


def outliers(found: pd.DataFrame, min_n: int) -> Bilingual:
    """How many agent results are outlying, how many worse, how many on few tickets (:func:`~crmkit.indicators.team.agent_outliers`)."""
    worse, small = int((found["assessment"] == "worse").sum()), int(found["small_n"].sum())
    return Bilingual(
        f"{len(found)} result(s) lie at least 3.5 robust standard deviations from the team median (modified z-score, "
        f"Iglewicz & Hoaglin); {worse} worse than the team. {small} of them rest on fewer than {min_n} tickets: "
        "review the tickets before drawing conclusions about a person.",
        f"共有 {len(found)} 个结果偏离团队中位数至少 3.5 个稳健标准差（修正 z 值，Iglewicz & Hoaglin），其中 {worse} 个差于团队。"
        f"其中 {small} 个基于不足 {min_n} 张工单：对个人下结论前请先复核工单。",
    )


def targets(met: Mapping[str, Any]) -> Bilingual:
    """Team KPIs meeting their targets and the ones missed (:func:`crmkit.indicators.team.kpis_met`)."""
    missed = met["missed"]
    return Bilingual(
        f"{met['met']} of {met['rated']} team KPIs meet their targets"
        + (f"; missed: {', '.join(x.lower() for x in missed['label_en'])}." if len(missed) else ".")
        + " Targets are crmkit's defaults (team.TEAM_TARGETS: FCR 70%, CSAT 80%, reopen 10%, handle time 20 min, "
        "workload CV 0.25); replace them with your own.",
        f"{met['rated']} 项团队指标中 {met['met']} 项达标" + (f"；未达标：{'、'.join(missed['label_zh'])}。" if len(missed) else "。")
        + "目标为 crmkit 默认值（team.TEAM_TARGETS：首次解决率 70%、满意度 80%、重开率 10%、处理时长 20 分钟、工作量变异系数 0.25），"
        "请替换为公司自己的目标。",
    )


def no_employee_survey() -> Bilingual:
    """Note: no employee survey supplied."""
    return Bilingual("No employee survey (survey_type = employee) was supplied, so employee satisfaction cannot be shown.",
                     "未提供员工调查（survey_type = employee），无法展示员工满意度。")


def employee(top2: Estimate, mean: Estimate, corr: float, quarters: int) -> Bilingual:
    """Employee satisfaction of the period and its co-movement with customer satisfaction over quarters."""
    en_fmt, zh_fmt = Formatter("en"), Formatter("zh")
    if top2.n == 0:
        return Bilingual("No employee answered a survey in this period.", "本期没有员工回答调查。")
    avg = _num(mean.value, 2)
    en = f"In this period {en_fmt.fmt(top2, 'ratio')} of {top2.n} responding employees are satisfied (mean {avg} of 5). "
    zh = f"本期 {top2.n} 名答卷员工中 {zh_fmt.fmt(top2, 'ratio')} 表示满意（均分 {avg}/5）。"
    if not is_missing(corr):
        en += (f"Over the last {quarters} quarters employee and customer satisfaction moved with a correlation of {corr:+.2f}; "
               "with so few points this is a prompt to look, not evidence that one drives the other.")
        zh += f"近 {quarters} 个季度员工满意度与客户满意度的相关系数为 {corr:+.2f}；数据点很少，只提示值得关注，不能说明因果。"
    return Bilingual(en.strip(), zh)
