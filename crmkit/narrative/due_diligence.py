"""Readings and tables of the loyalty due diligence (``98_due_diligence``).

Sentence functions return :class:`~crmkit.formatting.Bilingual`; table
functions return the keyword arguments of ``Report.table`` (``rp.table(**t)``)
with the cells in the language of the formatter they are given. They take
the results of :mod:`crmkit.evaluation.due_diligence` and compute nothing.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import pandas as pd

from crmkit.evaluation import due_diligence as dd
from crmkit.evaluation.summary import grade_robust
from crmkit.formatting import Bilingual, Formatter
from crmkit.i18n import DIMENSIONS, Translator
from crmkit.indicators.risk import escalation_evidence
from crmkit.narrative.summary import completeness_items as _items, completeness_summary as _summary, dimension_table
from crmkit.narrative.summary import grade_text, share_text

__all__ = [
    "SECTION_METRICS", "DRIVER_NAMES", "REASON_SOURCES", "metric_tables", "completeness_heading",
    "completeness_summary", "completeness_items", "scope", "no_metrics", "kpis", "verdict",
    "no_flags", "flags_table", "flags_reading", "not_assessable_table", "clear_reading", "tenure_table",
    "tenure_reading", "no_orders", "types_table", "types_reading", "reasons_table", "churn_reading", "no_reasons",
    "driver_reading", "no_drivers", "value_reading", "loyalty_reading", "escalation_reading", "no_previous_customers",
    "no_competitors", "competitor_table", "competitor_reading", "no_benchmarks", "nothing_scored",
    "composite_table", "composite_reading", "no_peers", "peer_table", "peers_reading",
]

SECTION_METRICS: dict[str, list[tuple[list[str | tuple[str, ...]], tuple[str, str]]]] = {
    "customer_base": [(["total_customers", "active_customers", "new_customers", "returning_customers",
                        "active_customer_share", "active_customer_growth", "new_customer_growth",
                        "active_customer_growth_yoy"],
                       ("Customer counts and growth (customer base report)", "客户数量与增长（客户基础报告）"))],
    "churn": [(["churn_rate", "churned_customers", "one_year_survival", "median_customer_lifetime_days",
                "expected_revenue_at_risk", "revenue_at_risk_share", "high_risk_customers", "churn_cost"],
               ("Churn (churn report) and revenue at risk (risk register)", "流失（流失报告）与风险收入（风险登记册）"))],
    "satisfaction": [(["csat", "csat_mean", "nps", "ces", "ces_easy_share", "negative_comment_share",
                       "employee_satisfaction"],
                      ("Customer and employee satisfaction (satisfaction and voice-of-customer reports)",
                       "客户与员工满意度（满意度与客户之声报告）"))],
    "value": [(["revenue", "revenue_growth", "revenue_per_customer", "historical_clv_mean", "predicted_clv_mean",
                "clv_cac_ratio", "predicted_clv_cac_ratio", "payback_months", "share_customers_alive"],
               ("Revenue and lifetime value (value report)", "收入与客户终身价值（客户价值报告）")),
              (["champions_share", "high_tier_margin_share", "predicted_clv_top_decile_share", "top20_revenue_share",
                "gini", "top10_customer_revenue_share", "revenue_hhi", "at_risk_revenue_share"],
               ("High-value groups and concentration (value report, risk register)",
                "高价值客户群与集中度（客户价值报告、风险登记册）"))],
    "loyalty": [(["repeat_purchase_rate", "purchase_frequency", "retention_rate", "retention_rate_yoy",
                  "customer_retention_rate", "cohort_month3_retention", "referral_rate"],
                 ("Repeat purchase, retention and referrals (loyalty report)", "复购、留存与推荐（忠诚度报告）")),
                (["interactions_per_active", "inbound_engagement_share", "email_open_rate", "email_click_rate",
                  "loyalty_member_share", "points_redemption_rate", "member_retention_gap"],
                 ("Engagement and loyalty programme (loyalty report)", "客户互动与会员计划（忠诚度报告）"))],
    "service": [(["complaints_per_1000_customers", "complaints_per_1000_orders", "complaint_handling_hours",
                  "complaint_resolution_rate", "complaints_answered_rate", "first_response_hours_median",
                  "resolution_hours_median", "fcr_rate", "ticket_csat"],
                 ("Complaints and service speed (service and satisfaction reports)", "投诉与服务速度（服务质量与满意度报告）"))],
}
"""Saved metrics shown in each section of the report, with the table captions."""

DRIVER_NAMES: dict[str, tuple[str, str]] = {
    "quality": ("product quality", "产品质量"), "service_attitude": ("service attitude", "服务态度"),
    "price": ("price", "价格"), "delivery": ("delivery speed", "物流速度"), "after_sales": ("after-sales service", "售后服务"),
}
"""Names of the satisfaction drivers."""

REASON_SOURCES: dict[str, tuple[str, str]] = {"stated": ("stated at cancellation", "退订时填写"),
                                              "complaint": ("complaint before churn", "流失前投诉")}
"""Where a churn reason comes from."""

_EN, _ZH = Translator("en"), Translator("zh")


def _pair(fmt_en: Formatter, fmt_zh: Formatter, value: Any, unit: str) -> tuple[str, str]:
    return fmt_en.fmt(value, unit), fmt_zh.fmt(value, unit)


def _fmts(currency: str) -> tuple[Formatter, Formatter]:
    return Formatter("en", currency), Formatter("zh", currency)


def driver_name(d: str) -> tuple[str, str]:
    """(English, Chinese) name of a satisfaction driver."""
    return DRIVER_NAMES.get(d, (d.replace("_", " "), d))


def _code(value: Any) -> tuple[str, str]:
    return str(_EN.code(value)), str(_ZH.code(value))


# --------------------------------------------------------------------------- saved metrics
def metric_tables(run: dd.DueDiligenceRun, section: str, fmt: Formatter) -> list[dict[str, Any]]:
    """The tables of saved metrics of a section (:data:`SECTION_METRICS`): value, 95% interval, n, source report.

    Metrics not saved are left out, and so is a table none of whose metrics was saved.
    """
    out = []
    for names, caption in SECTION_METRICS[section]:
        t = dd.metric_table(run.saved, names)
        if t.empty:
            continue
        t = t.assign(
            label=[fmt.t(*run.label(n)) for n in t["name"]],
            shown=[fmt.fmt(v, u) for v, u in zip(t["value"], t["unit"])],
            interval=["" if pd.isna(lo) or pd.isna(hi) else f"{fmt.fmt(lo, u)} – {fmt.fmt(hi, u)}"
                      for lo, hi, u in zip(t["ci_low"], t["ci_high"], t["unit"])],
            size=["" if pd.isna(n) else f"{int(n):,}" + (fmt.t(" (below minimum)", "（样本不足）") if f else "")
                  for n, f in zip(t["n"], t["flagged"])],
        )
        out.append({"df": t[["label", "shown", "interval", "size", "notebook"]], "caption": caption, "max_rows": 60,
                    "labels": {"label": ("Indicator", "指标"), "shown": ("Value", "数值"),
                               "interval": ("95% interval", "95% 区间"), "size": ("n", "样本量"),
                               "notebook": ("Source report", "来源报告")}})
    return out


# --------------------------------------------------------------------------- completeness
DD_WEIGHT = ("due-diligence weight", "尽调权重")
DD_INDEX = ("due-diligence composite", "尽调综合指数")


def completeness_heading() -> Bilingual:
    """Heading of the warning shown first when the due diligence rests on incomplete reports."""
    return Bilingual("Provisional due diligence: incomplete reports", "暂定尽调结论：报告不完整")


def completeness_summary(run: dd.DueDiligenceRun) -> Bilingual:
    """Why the due-diligence composite is provisional (due-diligence weights) and whether its grade is withheld.

    Red flags still fire from the reports that hold the evidence; the rules
    whose reports are incomplete are listed as not assessable.
    """
    en, zh = _summary(run.completeness, weight=DD_WEIGHT, index=DD_INDEX)
    blocked = int((run.flags.not_assessable["reports"] != "").sum()) if len(run.flags.not_assessable) else 0
    if blocked:
        en += f" {blocked} red-flag rule(s) cannot be assessed because of these reports."
        zh += f"因上述报告，{blocked} 条风险信号规则无法评估。"
    return Bilingual(en, zh)


def completeness_items(run: dd.DueDiligenceRun) -> list[Bilingual]:
    """One line per incomplete report and per missing dimension, with its due-diligence weight share."""
    return _items(run.completeness, weight=DD_WEIGHT)


# --------------------------------------------------------------------------- scope and verdict
def scope(run: dd.DueDiligenceRun, start: Any, end: Any) -> Bilingual:
    """What the report covers, where its figures come from and which weights and rules it uses."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    rules = run.rules.source.name if run.rules.source else "red_flags.yaml"
    n, k = len(run.saved), len(run.sources)
    en = f"Loyalty due diligence of the target company {run.company} for {run.period} ({s:%Y-%m-%d} to {e:%Y-%m-%d}). "
    zh = f"对目标公司 {run.company} 在 {run.period}（{s:%Y-%m-%d} 至 {e:%Y-%m-%d}）的客户忠诚度尽职调查。"
    if run.has_metrics:
        en += (f"The figures are the {n} headline metrics saved by {k} dimension reports of this company-period, so they "
               "match those reports exactly; only customer types, the tenure mix, churn reasons, satisfaction driver "
               "scores and the complaint escalation are computed here from the raw data, because no report saves them. ")
        zh += (f"数据取自本期 {k} 份维度报告保存的 {n} 项核心指标，与各报告完全一致；仅客户类型、客户年限结构、流失原因、"
               "满意度驱动因素得分和投诉升级趋势因无报告保存而在此由原始数据计算。")
    en += ("The due-diligence composite always uses the weights preset 'due_diligence' (parameters/weights/"
           "due_diligence.yaml), whatever the run's weights parameter, so it can differ from the composite of the "
           f"summary report. Red flags follow the documented rule table {rules}.")
    zh += ("尽调综合指数始终采用权重预设“due_diligence”（parameters/weights/due_diligence.yaml），与运行参数 weights 无关，"
           f"因此可能与综合评价报告的指数不同。风险信号依据已记录的规则表 {rules}。")
    return Bilingual(en, zh)


def no_metrics(metrics_dir: str) -> Bilingual:
    """Warning that no saved metrics were found: only the raw-data figures follow."""
    return Bilingual(
        f"No headline metrics were found in {metrics_dir or 'the output folder'}: run the dimension reports of this "
        "company-period first (crmkit run), then this report. Only the figures computed from the raw data are shown below.",
        f"在 {metrics_dir or '输出目录'} 中未找到核心指标：请先运行该公司本期的各维度报告（crmkit run），再运行本报告。"
        "以下仅展示由原始数据计算的内容。",
    )


def kpis(run: dd.DueDiligenceRun, fmt: Formatter) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles: composite, grade, interval, red flags by severity, rules not assessable.

    A provisional composite says so in its label; a withheld grade shows
    ``withheld``, never a letter.
    """
    comp, counts = run.composite, run.flags.counts
    lo, hi = comp.interval(run.company)
    index = (("Due-diligence composite (0-100), provisional", "尽调综合指数（0-100，暂定）") if comp.provisional
             else ("Due-diligence composite (0-100)", "尽调综合指数（0-100）"))
    grade = ("Grade (provisional)", "等级（暂定）") if comp.provisional and not comp.grade_withheld else ("Grade", "等级")
    return [
        (index, comp.value, "score"),
        (grade, fmt.t(*grade_text(comp.grade, comp.grade_withheld)), "text"),
        (("90% interval (sensitivity)", "90% 区间（敏感性分析）"), f"{lo:.1f} – {hi:.1f}" if math.isfinite(lo) else "–", "text"),
        (("High red flags", "高风险信号"), counts["high"], "count"),
        (("Medium red flags", "中风险信号"), counts["medium"], "count"),
        (("Rules not assessable", "无法评估的规则"), counts["not_assessable"], "count"),
    ]


def verdict(run: dd.DueDiligenceRun, currency: str = "CNY") -> Bilingual:
    """The composite and grade, how many rules fire, and the three most serious flags."""
    comp, c, n = run.composite, run.flags.counts, len(run.rules)
    en_f, zh_f = _fmts(currency)
    worst = run.flags.flags.head(3)
    if comp.scored and comp.grade_withheld:
        share = share_text(comp.completeness.missing_share)
        en = (f"{run.company} scores {comp.value:.1f} of 100 on the due-diligence weighting, a provisional index "
              f"without a grade: dimensions carrying {share} of the due-diligence weight are missing. ")
        zh = f"按尽调权重，{run.company} 的综合得分为 {comp.value:.1f}/100（暂定），缺失维度占尽调权重的 {share}，因此不予评级。"
    elif comp.scored:
        tag_en, tag_zh = (" (provisional)", "（暂定）") if comp.provisional else ("", "")
        en = (f"{run.company} scores {comp.value:.1f} of 100 on the due-diligence weighting, "
              f"grade {comp.grade}{tag_en}. ")
        zh = f"按尽调权重，{run.company} 的综合得分为 {comp.value:.1f}/100，等级 {comp.grade}{tag_zh}。"
    else:
        en, zh = "No metric could be scored, so there is no due-diligence composite. ", "没有可计分的指标，因此无法给出尽调综合指数。"
    why_en, why_zh = (("for lack of data or because a report failed or was not run", "因缺少数据或报告运行失败、未运行而")
                      if run.completeness.issues else ("for lack of data", "因缺少数据"))
    en += (f"Of {n} red-flag rules, {c['high']} fire as high and {c['medium']} as medium; "
           f"{c['not_assessable']} cannot be assessed {why_en}.")
    zh += (f"{n} 条风险信号规则中，{c['high']} 条触发高风险、{c['medium']} 条触发中风险，"
           f"{c['not_assessable']} 条{why_zh}无法评估。")
    if len(worst):
        en += " Most serious: " + "; ".join(f"{r.title_en} ({r.label_en} {en_f.fmt(r.value, r.unit)})"
                                            for r in worst.itertuples()) + "."
        zh += "最严重的是：" + "；".join(f"{r.title_zh}（{r.label_zh} {zh_f.fmt(r.value, r.unit)}）"
                                    for r in worst.itertuples()) + "。"
    else:
        en, zh = en + " No rule fires.", zh + "没有规则被触发。"
    return Bilingual(en, zh)


# --------------------------------------------------------------------------- red flags
def no_flags(has_metrics: bool) -> Bilingual:
    """No rule fires (and, without saved metrics, most cannot be assessed)."""
    return Bilingual("No red-flag rule fires for this company-period"
                     + ("." if has_metrics else ": without saved metrics most rules cannot be assessed."),
                     "本期没有触发任何风险信号规则" + ("。" if has_metrics else "：没有已保存的指标，大多数规则无法评估。"))


def flags_table(flags: dd.RedFlagResult, fmt: Formatter) -> dict[str, Any]:
    """Fired red flags: severity, flag, evidence and the question to put to management."""
    ff = flags.flags
    frame = ff.assign(level=[fmt.t(*dd.SEVERITY_TEXT[v]) for v in ff["severity"]],
                      flag=[fmt.t(a, b) for a, b in zip(ff["title_en"], ff["title_zh"])],
                      evidence=[fmt.t(a, b) for a, b in zip(ff["evidence_en"], ff["evidence_zh"])],
                      ask=[fmt.t(a, b) for a, b in zip(ff["ask_en"], ff["ask_zh"])])
    return {"df": frame[["level", "flag", "evidence", "ask"]], "max_rows": 60,
            "labels": {"level": ("Severity", "严重程度"), "flag": ("Red flag", "风险信号"), "evidence": ("Evidence", "依据"),
                       "ask": ("Ask management", "向管理层提问")}}


def flags_reading(flags: dd.RedFlagResult, min_n: int) -> Bilingual:
    """How many flags fire by severity, how thresholds work, and how many rest on small samples."""
    ff, c = flags.flags, flags.counts
    small = int(ff["flagged"].sum())
    return Bilingual(
        f"{len(ff)} red flag(s): {c['high']} high, {c['medium']} medium, most severe first. Thresholds are inclusive "
        "(a value exactly at a threshold fires it) and documented with their rationale in the rule table."
        + (f" {small} rest on fewer than {min_n} observations and are indicative only." if small else ""),
        f"共 {len(ff)} 项风险信号：高 {c['high']} 项，中 {c['medium']} 项，按严重程度排列。阈值含等号（恰好等于阈值即触发），"
        "规则表中注明了每个阈值的依据。" + (f"其中 {small} 项样本少于 {min_n}，仅供参考。" if small else ""),
    )


def not_assessable_table(flags: dd.RedFlagResult, fmt: Formatter) -> dict[str, Any]:
    """Rules that could not be assessed and why."""
    na = flags.not_assessable
    frame = na.assign(flag=[fmt.t(a, b) for a, b in zip(na["title_en"], na["title_zh"])],
                      why=[fmt.t(a, b) for a, b in zip(na["reason_en"], na["reason_zh"])])
    return {"df": frame[["flag", "why"]], "labels": {"flag": ("Rule", "规则"), "why": ("Why not assessable", "无法评估的原因")},
            "caption": ("Not assessable: ask management for the missing data", "无法评估：请向管理层索取缺失数据")}


def clear_reading(flags: dd.RedFlagResult) -> Bilingual:
    """The rules assessed that did not fire."""
    k, cl = flags.counts["clear"], flags.clear
    if not k:
        return Bilingual(f"{k} rule(s) were assessed and did not fire.", f"{k} 条规则经评估未触发。")
    return Bilingual(f"{k} rule(s) were assessed and did not fire: " + ", ".join(cl["title_en"]) + ".",
                     f"{k} 条规则经评估未触发：" + "、".join(cl["title_zh"]) + "。")


# --------------------------------------------------------------------------- customer base
def tenure_table(mix: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Active customers and revenue by tenure band."""
    frame = mix.assign(label=[fmt.t(a, b) for a, b in zip(mix["label_en"], mix["label_zh"])])
    return {"df": frame[["label", "customers", "share", "revenue", "revenue_share"]],
            "formats": {"customers": "count", "share": "ratio", "revenue": "currency", "revenue_share": "ratio"},
            "labels": {"label": ("Tenure", "客户年限"), "customers": ("Active customers", "活跃客户"), "share": ("Share", "占比"),
                       "revenue": ("Revenue", "收入"), "revenue_share": ("Share of revenue", "收入占比")}}


def tenure_reading(mix: pd.DataFrame, growth: float) -> Bilingual:
    """Share of new and of long-standing customers, their revenue, and the growth of active customers."""
    t = dd.tenure_summary(mix)
    n, new, long, rev = t["customers"], t["new_share"], t["long_term_share"], t["long_term_revenue_share"]
    en = (f"{new:.0%} of the {n:,} active customers bought for the first time in the period and {long:.0%} have been "
          f"customers for a year or more, bringing {rev:.0%} of revenue. ")
    zh = f"{n:,} 名活跃客户中 {new:.0%} 为本期首次购买，{long:.0%} 已合作一年以上，贡献 {rev:.0%} 的收入。"
    if math.isfinite(growth):
        en += f"Active customers changed by {growth:+.1%} against the previous period. "
        zh += f"活跃客户较上期变化 {growth:+.1%}。"
    return Bilingual(en + "A base carried by long-standing customers is more durable than one that must be refilled by "
                     "acquisition each period.", zh + "由长期客户支撑的客户群比每期都需靠获客补充的客户群更稳固。")


def no_orders() -> Bilingual:
    return Bilingual("No orders in the period, so there is no customer mix.", "本期没有订单，无法分析客户结构。")


def types_table(types: pd.DataFrame) -> dict[str, Any]:
    """Customers, activity and revenue by customer type."""
    return {"df": types[["segment", "customers", "customer_share", "active_customers", "revenue_share",
                         "revenue_per_active"]],
            "formats": {"customers": "count", "customer_share": "ratio", "active_customers": "count",
                        "revenue_share": "ratio", "revenue_per_active": "currency"},
            "labels": {"segment": ("Customer type", "客户类型"), "customers": ("Customers", "客户数"),
                       "customer_share": ("Share of customers", "客户占比"), "active_customers": ("Active", "活跃客户"),
                       "revenue_share": ("Share of revenue", "收入占比"),
                       "revenue_per_active": ("Revenue per active customer", "活跃客户人均收入")},
            "caption": ("Customer types", "客户类型")}


def types_reading(types: pd.DataFrame) -> Bilingual:
    """The customer type that brings most revenue, or that all customers are of one type."""
    if len(types) == 1:
        en, zh = _code(types["segment"].iloc[0])
        return Bilingual(f"All customers are of one type ({en}).", f"所有客户均为同一类型（{zh}）。")
    top = types.sort_values("revenue_share", ascending=False).iloc[0]
    en, zh = _code(top["segment"])
    return Bilingual(f"{en} customers are {top['customer_share']:.1%} of the base and bring {top['revenue_share']:.1%} of revenue.",
                     f"{zh} 类客户占客户数的 {top['customer_share']:.1%}，贡献收入的 {top['revenue_share']:.1%}。")


# --------------------------------------------------------------------------- churn and satisfaction
def reasons_table(reasons: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """The twelve most frequent churn reasons with their source."""
    src = {k: fmt.t(*v) for k, v in REASON_SOURCES.items()}
    return {"df": reasons.assign(source=reasons["source"].map(src)).head(12),
            "formats": {"customers": "count", "share": "ratio"},
            "labels": {"source": ("Source", "来源"), "reason": ("Reason", "原因"), "customers": ("Churned customers", "流失客户"),
                       "share": ("Share of churned", "占流失客户比例")},
            "caption": ("Why customers left (as in the churn report)", "客户流失原因（与流失报告一致）")}


def churn_reading(panel: pd.DataFrame, reasons: pd.DataFrame, rate: dict[str, Any] | None) -> Bilingual:
    """The churn rate and the most frequent reason among the churned customers."""
    first = reasons.iloc[0]
    r_en, r_zh = _code(first["reason"])
    s_en, s_zh = REASON_SOURCES[first["source"]]
    churned = int(panel["churned"].sum())
    en = zh = ""
    if rate and pd.notna(rate.get("n")):
        en = f"The period churn rate is {rate['value']:.1%} of {int(rate['n']):,} customers at risk. "
        zh = f"期间流失率为 {rate['value']:.1%}（期初在册 {int(rate['n']):,} 名）。"
    return Bilingual(
        en + f"The most frequent reason among the {churned:,} customers who left is {r_en} ({first['share']:.0%}, {s_en}). "
        "Ask whether the reasons point at the product, the price or the service, and whether they would survive a "
        "change of ownership.",
        zh + f"{churned:,} 名流失客户中最常见的原因是 {r_zh}（{first['share']:.0%}，{s_zh}）。"
        "请确认这些原因指向产品、价格还是服务，以及控制权变更后是否依然存在。",
    )


def no_reasons() -> Bilingual:
    return Bilingual("No churn reasons are recorded and churned customers filed no complaints before leaving.",
                     "没有记录流失原因，流失客户离开前也没有投诉。")


def driver_reading(drv: pd.DataFrame, nps: float, employee: float) -> Bilingual:
    """Best and worst rated drivers, drivers clearly below neutral, the NPS and employee satisfaction."""
    (lo_en, lo_zh), (hi_en, hi_zh) = driver_name(drv.iloc[0]["driver"]), driver_name(drv.iloc[-1]["driver"])
    lo_m, hi_m = drv.iloc[0]["mean"], drv.iloc[-1]["mean"]
    below = [driver_name(d) for d in drv.loc[drv["ci_high"] < 3, "driver"]]
    en = f"Customers rate {hi_en} best ({hi_m:.2f} of 5) and {lo_en} worst ({lo_m:.2f}). "
    zh = f"客户对{hi_zh}评价最高（{hi_m:.2f}/5），对{lo_zh}评价最低（{lo_m:.2f}）。"
    if below:
        en += f"{', '.join(b[0] for b in below).capitalize()} lie clearly below the neutral midpoint. "
        zh += f"{'、'.join(b[1] for b in below)}明显低于中性值。"
    if math.isfinite(nps):
        en, zh = en + f"The NPS is {nps:+.0f}. ", zh + f"净推荐值为 {nps:+.0f}。"
    if math.isfinite(employee):
        en += f"{employee:.0%} of employees are satisfied; dissatisfied front-line staff rarely deliver satisfied customers."
        zh += f"{employee:.0%} 的员工表示满意；一线员工不满意时，客户也很难满意。"
    else:
        en, zh = en + "No employee survey was saved for the period.", zh + "本期未保存员工满意度调查结果。"
    return Bilingual(en, zh)


def no_drivers() -> Bilingual:
    return Bilingual("The surveys carry no driver ratings (quality, service attitude, price, delivery, after-sales).",
                     "问卷中没有驱动因素评分（质量、服务态度、价格、物流、售后）。")


# --------------------------------------------------------------------------- value and loyalty
def value_reading(run: dd.DueDiligenceRun, currency: str = "CNY") -> Bilingual | None:
    """Mean CLV (predicted when the value report fitted a model), CLV:CAC and the concentration of value.

    None when none of these metrics was saved.
    """
    en_f, zh_f = _fmts(currency)
    predictive = run.row("predicted_clv_mean") is not None
    clv = "predicted_clv_mean" if predictive else "historical_clv_mean"
    ratio = run.row("predicted_clv_cac_ratio", "clv_cac_ratio")

    def shown(name: str) -> tuple[str, str]:
        return _pair(en_f, zh_f, run.value(name), (run.row(name) or {}).get("unit") or "number")

    en, zh = [], []
    if run.row(clv):
        v_en, v_zh = shown(clv)
        en.append(f"{'Predicted' if predictive else 'Historical'} CLV averages {v_en} per customer"
                  + (" (BG/NBD or Pareto/NBD with Gamma-Gamma, from the value report)" if predictive
                     else " (cumulative margin; the value report fitted no predictive model)"))
        zh.append(f"{'预测' if predictive else '历史'}客户终身价值人均 {v_zh}"
                  + ("（客户价值报告的 BG/NBD 或 Pareto/NBD 与 Gamma-Gamma 模型）" if predictive else "（累计毛利；客户价值报告未拟合预测模型）"))
    if ratio:
        l_en, l_zh = run.label(ratio["name"])
        en.append(f"{l_en} {ratio['value']:.1f} (3 or more is commonly healthy)")
        zh.append(f"{l_zh} {ratio['value']:.1f}（通常 3 以上为健康）")
    for name, e, z in [("predicted_clv_top_decile_share", "the top 10% of customers hold {v} of predicted value", "前 10% 客户占预测价值的 {v}"),
                       ("high_tier_margin_share", "the high-value tier brings {v} of margin", "高价值层级贡献毛利的 {v}"),
                       ("top10_customer_revenue_share", "the ten largest customers bring {v} of revenue", "前十大客户贡献收入的 {v}")]:
        if run.row(name):
            v_en, v_zh = shown(name)
            en.append(e.format(v=v_en))
            zh.append(z.format(v=v_zh))
    return Bilingual("; ".join(en) + ".", "；".join(zh) + "。") if en else None


def loyalty_reading(run: dd.DueDiligenceRun) -> Bilingual | None:
    """Repeat purchase, retention, referrals and the loyalty members' retention gap (None when none was saved)."""
    ref, rep, ret, gap = (run.value(n) for n in ("referral_rate", "repeat_purchase_rate", "retention_rate",
                                                   "member_retention_gap"))
    en, zh = [], []
    if math.isfinite(rep):
        en.append(f"{rep:.0%} of buyers bought more than once in the period")
        zh.append(f"{rep:.0%} 的购买客户在本期多次购买")
    if math.isfinite(ret):
        en.append(f"{ret:.0%} of last period's buyers came back")
        zh.append(f"上期购买客户中 {ret:.0%} 本期再次购买")
    if math.isfinite(ref):
        en.append(f"{ref:.0%} of new customers were referred by existing ones" + (" (word of mouth is strong)" if ref >= 0.15 else ""))
        zh.append(f"{ref:.0%} 的新客户由老客户推荐" + ("（口碑效应较强）" if ref >= 0.15 else ""))
    if math.isfinite(gap):
        en.append(f"loyalty members retain {abs(100 * gap):.1f} percentage points {'better' if gap > 0 else 'worse'} than "
                  "comparable non-members (association, not a causal effect)")
        zh.append(f"会员的留存率比可比非会员{'高' if gap > 0 else '低'} {abs(100 * gap):.1f} 个百分点（相关关系，而非因果效应）")
    return Bilingual("; ".join(en).capitalize() + ".", "；".join(zh) + "。") if en else None


# --------------------------------------------------------------------------- complaints
def escalation_reading(esc: dict[str, float]) -> Bilingual:
    """Complaint rate now and in the previous window, their ratio and the exact test's p-value.

    The sentence is the risk register's evidence (:func:`crmkit.indicators.risk.escalation_evidence`),
    so both reports say the same.
    """
    en, zh = escalation_evidence(esc)
    return Bilingual(en + " Same counting as the relationship risk register of the team and risk report.",
                     zh + "计算口径与团队与风险报告中的关系风险登记册一致。")


def no_previous_customers() -> Bilingual:
    return Bilingual("No active customers in the previous period, so the complaint rate cannot be compared.",
                     "上期没有活跃客户，无法比较投诉率。")


# --------------------------------------------------------------------------- competitors
def no_competitors() -> Bilingual:
    return Bilingual(
        "No competitor benchmarks were supplied: point the run parameter competitors at a market file (layout: "
        "parameters/market.yaml) with competitor NPS, CSAT, churn rate and market share, each with its source.",
        "未提供竞争对手基准：请将运行参数 competitors 指向市场文件（格式见 parameters/market.yaml），列出竞争对手的 NPS、"
        "满意度、流失率和市场份额及其来源。",
    )


def competitor_table(cmp: dd.CompetitorComparison, fmt: Formatter) -> dict[str, Any]:
    """The target beside the competitor benchmarks, with sources."""
    table = cmp.table.copy()
    table.loc[table["is_company"], "source"] = fmt.t("saved metrics of this company-period", "本期已保存指标")
    return {"df": table.drop(columns=["is_company"]),
            "formats": {"nps": lambda v: "–" if v != v else f"{v:.0f}", "csat": "ratio", "churn_rate": "ratio",
                        "market_share": "ratio", "price_index": lambda v: "–" if v != v else f"{v:.2f}"},
            "labels": {"entity": ("Company", "公司"), "period": ("Period", "期间"), "nps": ("NPS", "净推荐值"),
                       "csat": ("CSAT", "满意度"), "churn_rate": ("Churn rate", "流失率"),
                       "market_share": ("Market share", "市场份额"), "price_index": ("Price index", "价格指数"),
                       "source": ("Source", "来源")},
            "caption": ("Target beside competitor benchmarks", "目标公司与竞争对手基准对照")}


def competitor_reading(cmp: dd.CompetitorComparison) -> Bilingual:
    """Benchmarks where the target is ahead of and behind the competitors' mean, and its rank on each."""
    gaps = cmp.gaps
    good, bad = gaps[gaps["better"]], gaps[~gaps["better"]]
    name = cmp.path.name
    return Bilingual(
        "Against the competitors' mean the target is ahead on " + (", ".join(good["label_en"]) or "none of the benchmarks")
        + " and behind on " + (", ".join(bad["label_en"]) or "none") + ". "
        + " ".join(f"{r.label_en}: rank {r.rank} of {r.entities}." for r in gaps.itertuples())
        + f" Competitor figures come from {name} with the sources listed; the target's churn is the period churn rate "
        "of the churn report, so check that the competitors' definition is comparable.",
        "与竞争对手平均水平相比，目标公司领先于：" + ("、".join(good["label_zh"]) or "无") + "；落后于："
        + ("、".join(bad["label_zh"]) or "无") + "。"
        + "".join(f"{r.label_zh}排名 {r.rank}/{r.entities}。" for r in gaps.itertuples())
        + f"竞争对手数据取自 {name}，来源如表所列；目标公司的流失率为流失报告的期间流失率，请确认竞争对手的口径可比。",
    )


def no_benchmarks() -> Bilingual:
    return Bilingual("The market file holds no benchmark that the target also measured.", "市场文件中没有与目标公司可比的基准。")


# --------------------------------------------------------------------------- composite and peers
def nothing_scored() -> Bilingual:
    return Bilingual("No saved metric could be scored, so there is no due-diligence composite.",
                     "没有可计分的已保存指标，因此无法给出尽调综合指数。")


def composite_table(run: dd.DueDiligenceRun, fmt: Formatter) -> dict[str, Any]:
    """Dimension scores under the due-diligence weights."""
    return dimension_table(run.card, fmt, weight=("Due-diligence weight", "尽调权重"), indicators=False)


def composite_reading(run: dd.DueDiligenceRun) -> Bilingual:
    """The composite with the weights that weigh most, its grade, interval and rank band."""
    comp, company, period = run.composite, run.company, run.period
    w = comp.weights
    lo, hi = comp.interval(company)
    band = comp.rank_band(company)
    robust = math.isfinite(lo) and grade_robust(lo, hi) and comp.grade is not None
    top_w = w.dimensions.sort_values(ascending=False).head(3)
    src = w.source.name if w.source else w.name
    n = int(run.card.table_["scored"].sum())
    dl = lambda d, i: DIMENSIONS.get(d, (d, d))[i]  # noqa: E731
    heavy = ", ".join(f"{dl(d, 0)} {v:.0%}" for d, v in top_w.items())
    lead_en = f"With the due-diligence weights ({src}: {heavy} weigh most) "
    lead_zh = f"按尽调权重（{src}：权重最高的是{'、'.join(f'{dl(d, 1)} {v:.0%}' for d, v in top_w.items())}），"
    if comp.grade_withheld:
        share, thr = share_text(comp.completeness.missing_share), share_text(comp.completeness.threshold)
        en = (lead_en + f"{company} scores {comp.value:.1f}, a provisional index from {n} scored indicators. "
              f"No grade is given: the missing dimensions carry {share} of the due-diligence weight, more than {thr}. ")
        zh = lead_zh + f"{company} 得分 {comp.value:.1f}（暂定），基于 {n} 项计分指标。缺失维度占尽调权重的 {share}，超过 {thr}，因此不予评级。"
    else:
        en = lead_en + (f"{company} scores {comp.value:.1f}, grade {comp.grade} (A ≥ 85, B ≥ 70, C ≥ 55, D below), "
                        f"from {n} scored indicators. ")
        en += "Both are provisional (see the top of this report). " if comp.provisional else ""
        zh = lead_zh + (f"{company} 得分 {comp.value:.1f}，等级 {comp.grade}（A ≥ 85，B ≥ 70，C ≥ 55，以下为 D），基于 {n} 项计分指标。"
                        + ("二者均为暂定结果（见本报告开头）。" if comp.provisional else ""))
    if math.isfinite(lo):
        en += f"Varying the weights moves the index between {lo:.1f} and {hi:.1f} (90% of draws)"
        zh += f"改变权重后，指数在 {lo:.1f} 至 {hi:.1f} 之间（90% 的模拟）"
        if comp.grade_withheld:
            en, zh = en + ". ", zh + "。"
        elif comp.provisional:
            en += (", so the grade is robust to the weighting, though not to the missing reports. " if robust
                   else ", so the grade is not certain. ")
            zh += "，等级对权重设定稳健，但不能排除缺失报告的影响。" if robust else "，等级结论存在不确定性。"
        else:
            en += f", so the grade is {'robust' if robust else 'not certain'}. "
            zh += f"，等级结论{'稳健' if robust else '存在不确定性'}。"
    if band:
        en += f"Among the {band[3]} companies of {period} it ranks {band[0]} (rank band {band[1]}–{band[2]})."
        zh += f"在 {period} 的 {band[3]} 家公司中排名第 {band[0]}（排名区间 {band[1]}–{band[2]}）。"
    else:
        en += "No other company of this period has results, so no rank is given."
        zh += "本期没有其他公司的结果，因此不给出排名。"
    return Bilingual(en, zh)


def no_peers(period: str) -> Bilingual:
    return Bilingual(f"No other company of {period} has saved metrics under the output folder, so there is no peer comparison.",
                     f"输出目录中没有 {period} 其他公司的已保存指标，因此无法进行同业比较。")


def peer_table(run: dd.DueDiligenceRun, table: pd.DataFrame, companies: Sequence[str], fmt: Formatter) -> dict[str, Any]:
    """Key loyalty indicators of every company with the target's rank, the due-diligence composite first."""
    company, comp = run.company, run.composite
    shown = table.reset_index()
    shown = shown.assign(label=[fmt.t(a, b) for a, b in zip(shown["label_en"], shown["label_zh"])],
                         rank_s=["–" if pd.isna(r) else f"{int(r)} / {int(shown.loc[i, list(companies)].notna().sum())}"
                                 for i, r in enumerate(shown["rank"])])
    for c in companies:
        shown[c] = [fmt.fmt(v, u) for v, u in zip(shown[c], shown["unit"])]
    band = comp.rank_band(company)
    first = {"label": fmt.t("Due-diligence composite", "尽调综合指数"), "rank_s": f"{band[0]} / {band[3]}" if band else "–",
             **{c: fmt.fmt(comp.value if c == company else comp.peer_cards[c].composite_, "score") for c in companies}}
    shown = pd.concat([pd.DataFrame([first]), shown], ignore_index=True)
    return {"df": shown[["label", *companies, "rank_s"]],
            "labels": {"label": ("Indicator", "指标"), "rank_s": (f"Rank of {company} (1 = best)", f"{company} 排名（1 = 最好）"),
                       **{c: (f"{c} (target)" if c == company else c, f"{c}（目标公司）" if c == company else c)
                          for c in companies}},
            "caption": (f"Key loyalty indicators, {run.period}", f"{run.period} 关键忠诚度指标")}


def peers_reading(run: dd.DueDiligenceRun, table: pd.DataFrame, companies: Sequence[str]) -> Bilingual:
    """On how many ranked indicators the target is best and last among the peers."""
    ranked, best, worst = dd.peer_extremes(table, companies)
    company, period, k = run.company, run.period, len(run.peers)
    return Bilingual(
        f"Against {k} peer(s) of {period}, {company} is best on {len(best)} of {len(ranked)} ranked indicators"
        + (f" ({', '.join(best['label_en'])})" if len(best) else "") + f" and last on {len(worst)}"
        + (f" ({', '.join(worst['label_en'])})" if len(worst) else "")
        + ". The peers' figures come from their own saved metrics of the same period, so definitions are identical.",
        f"与 {period} 的 {k} 家同业公司相比，{company} 在 {len(ranked)} 项可排名指标中有 {len(best)} 项最好"
        + (f"（{'、'.join(best['label_zh'])}）" if len(best) else "") + f"，{len(worst)} 项最差"
        + (f"（{'、'.join(worst['label_zh'])}）" if len(worst) else "") + "。同业数据取自各公司本期已保存的指标，口径完全一致。",
    )
