"""Readings of the churn report (04): definition, trend, segments, reasons, survival, hazards, early warning, cost.

Every function returns a :class:`~crmkit.formatting.Bilingual` sentence (or
the KPI tiles / table layout of a section) built from the results of
:mod:`crmkit.indicators.churn`; missing values are said in words, never shown
as ``nan``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing

__all__ = ["DIMENSION_LABELS", "dimension_label", "REASON_SOURCES", "SEGMENT_TABLE", "overview_tiles", "overview", "trend",
           "segment_rows", "segments", "NO_SEGMENTS", "reasons", "NO_REASONS", "survival", "NO_SURVIVAL", "hazards",
           "NO_HAZARDS", "warning_tiles", "warning_model", "NO_WARNING_MODEL", "risk_table", "risk_now",
           "NO_RISK_SCORES", "cost_tiles", "cost"]

#: Names of the customer attributes churn is split by.
DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "customer_type": ("Customer type", "客户类型"), "channel": ("Main order channel", "主要下单渠道"),
    "acquisition_channel": ("Acquisition channel", "获客渠道"), "region": ("Region", "地区"),
    "cohort": ("Quarter of first purchase", "首购季度"),
    "tenure_band": ("Tenure at period start (months)", "期初客户时长（月）"), "segment": ("Segment", "客户分群"),
}


def dimension_label(dimension: str) -> tuple[str, str]:
    """(en, zh) name of a churn split; an ``attr_*`` column is named by the rest of its name."""
    if dimension in DIMENSION_LABELS:
        return DIMENSION_LABELS[dimension]
    name = dimension[5:] if dimension.startswith("attr_") else dimension
    name = name.replace("_", " ").strip() or dimension
    return name[:1].upper() + name[1:], name
#: Where a churn reason comes from (``source`` of :func:`crmkit.indicators.churn.churn_reasons`).
REASON_SOURCES: dict[str, tuple[str, str]] = {
    "stated": ("stated at cancellation", "退订时填写"), "complaint": ("complaint before churn", "流失前投诉"),
}
#: Layout of the churn-by-segment table (keywords of ``Report.table``).
SEGMENT_TABLE: dict[str, Any] = {
    "formats": {"at_risk": "count", "churned": "count", "churn_rate": "ratio", "ci_low": "ratio", "ci_high": "ratio"},
    "labels": {"dimension": ("Attribute", "属性"), "segment": ("Segment", "细分"), "at_risk": ("At risk", "期初在册"),
               "churned": ("Churned", "流失"), "churn_rate": ("Churn rate", "流失率"), "ci_low": ("95% low", "95% 下限"),
               "ci_high": ("95% high", "95% 上限")},
    "max_rows": 60,
}

NO_SEGMENTS = Bilingual("Customers cannot be split into segments with churn.", "无法按细分统计流失。")
NO_REASONS = Bilingual("No churn reasons are recorded and churned customers filed no complaints before leaving.",
                       "没有记录流失原因，流失客户离开前也没有投诉。")
NO_SURVIVAL = Bilingual("No churn has been observed yet, so survival curves cannot be drawn.", "尚未观察到流失，无法绘制生存曲线。")
NO_HAZARDS = Bilingual("Too few churn events or customer attributes for a hazard model.", "流失事件或客户属性不足，无法建立风险模型。")
NO_WARNING_MODEL = Bilingual("Not enough history with both churners and stayers to train and test an early-warning model.",
                             "历史数据不足（需同时有流失与留存客户），无法训练和检验预警模型。")
NO_RISK_SCORES = Bilingual("No customer is at risk of churning at the end of the period, so no revenue is at risk.",
                           "期末没有面临流失风险的客户，因此没有风险收入。")


def _pct(x: Any, digits: int = 1) -> str:
    return f"{float(x):.{digits}%}"


def _both(currency: str) -> tuple[Formatter, Formatter]:
    return Formatter("en", currency), Formatter("zh", currency)


# -- overview -------------------------------------------------------------------------------
def overview_tiles(rate: Estimate, churned: int, threshold: int | None) -> list:
    """KPI tiles of the overview: customers at risk, churned, churn rate (and the inactivity threshold)."""
    tiles = [(("Customers at risk at the start", "期初在册客户"), rate.n, "count"),
             (("Churned in the period", "本期流失客户"), churned, "count"), (("Period churn rate", "期间流失率"), rate, "ratio")]
    if threshold:
        tiles.append((("Inactivity threshold", "不活跃阈值"), threshold, "days"))
    return tiles


def overview(rate: Estimate, churned: int, threshold: int | None, *, explicit: bool, threshold_given: bool) -> Bilingual:
    """How churn is defined and the period churn rate with its 95 % interval.

    Parameters
    ----------
    rate : Estimate
        :func:`~crmkit.indicators.churn.churn_rate` (n = customers at risk).
    churned : int
        Customers churned in the period.
    threshold : int or None
        Inactivity threshold in days (inferred churn).
    explicit : bool
        Churn comes from recorded cancellations (churn events).
    threshold_given : bool
        The threshold was set in the parameters rather than derived.
    """
    if explicit:
        en = ("Churn is taken from the company's recorded cancellations (churn events): the customers at risk are the "
              "subscribers at the start of the period (signed up and not cancelled), and those who cancelled during it "
              "churned; customers who ordered again after cancelling count as won back.")
        zh = ("流失取自公司记录的退订/解约事件：期初在册客户为期初的订阅客户（已注册且未解约），其中本期解约的即为流失；"
              "退订后再次下单的客户视为已挽回。")
    else:
        src_en = ("set in the parameters" if threshold_given else
                  "derived as the 90th percentile of the time between purchases, so nine in ten normal gaps are shorter")
        src_zh = "由参数指定" if threshold_given else "取购买间隔分布的 90 分位数，即九成正常购买间隔短于该值"
        en = (f"No cancellations are recorded, so a customer counts as churned after {threshold} days without a purchase "
              f"({src_en}). Customers observed for less than {threshold} days cannot be called churned yet and are "
              "treated as censored.")
        zh = (f"未记录退订事件，因此客户连续 {threshold} 天未购买即视为流失（{src_zh}）。观察期不足 {threshold} 天的客户"
              "尚不能判定流失，按删失处理。")
    if rate.n == 0 or is_missing(rate.value):
        return Bilingual(en + " No customer was active at the start of the period, so no churn rate can be given.",
                         zh + " 期初没有在册客户，无法计算流失率。")
    if is_missing(rate.ci_low) or is_missing(rate.ci_high):
        ci_en, ci_zh = "", ""
    else:
        ci_en = f" (95% interval {_pct(rate.ci_low)}–{_pct(rate.ci_high)})"
        ci_zh = f"（95% 区间 {_pct(rate.ci_low)}–{_pct(rate.ci_high)}）"
    who = "subscribers" if explicit else "customers active"
    return Bilingual(
        en + f" Of the {rate.n:,} {who} at the start of the period, {churned:,} churned during it: a churn "
        f"rate of {_pct(rate.value)}{ci_en}.",
        zh + f" 期初在册的 {rate.n:,} 名客户中有 {churned:,} 名在本期流失，流失率 {_pct(rate.value)}{ci_zh}。",
    )


def trend(rate: Estimate, previous: pd.Series | None, differ: bool) -> Bilingual:
    """Churn rate now against the previous period.

    Parameters
    ----------
    rate : Estimate
        This period's churn rate.
    previous : Series or None
        The previous period's row of :func:`~crmkit.indicators.churn.churn_trend`.
    differ : bool
        The two 95 % intervals do not overlap (:func:`~crmkit.indicators.churn.intervals_differ`).
    """
    if previous is None or is_missing(previous["churn_rate"]) or is_missing(rate.value):
        return Bilingual("The churn rate cannot be compared with the previous period (no customers at risk in one of them).",
                         "无法与上期比较流失率（其中一期没有期初在册客户）。")
    p, c = _pct(previous["churn_rate"]), _pct(rate.value)
    return Bilingual(
        f"The churn rate was {p} in the previous period and {c} now; "
        + ("the intervals do not overlap, so the change is real." if differ else
           "the intervals overlap, so the change may be chance."),
        f"上期流失率为 {p}，本期为 {c}；" + ("两期区间不重叠，变化是真实的。" if differ else "两期区间重叠，变化可能来自随机波动。"),
    )


# -- segments ----------------------------------------------------------------------------------
def segment_rows(segments: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """*segments* (:func:`~crmkit.indicators.churn.churn_by_segments`) with the attribute names in the report language."""
    return segments.assign(dimension=segments["dimension"].map(lambda d: fmt.t(*dimension_label(d))))


def segments(extremes: tuple[pd.Series, pd.Series] | None) -> Bilingual | None:
    """Highest- and lowest-churn segment (rows of :func:`segment_rows`); None when no segment is large enough."""
    if extremes is None:
        return None
    hi, lo = extremes
    return Bilingual(
        f"Highest churn: {hi['dimension']} = {hi['segment']} at {_pct(hi['churn_rate'])} ({hi['at_risk']:,} at risk); "
        f"lowest: {lo['dimension']} = {lo['segment']} at {_pct(lo['churn_rate'])}. "
        "Segments whose interval lies wholly above the dashed line churn more than average beyond chance.",
        f"流失率最高：{hi['dimension']} = {hi['segment']}，{_pct(hi['churn_rate'])}（期初在册 {hi['at_risk']:,} 名）；"
        f"最低：{lo['dimension']} = {lo['segment']}，{_pct(lo['churn_rate'])}。区间整体位于虚线右侧的细分，其流失率高于平均且不是偶然。",
    )


# -- reasons -------------------------------------------------------------------------------------
def reasons(table: pd.DataFrame) -> Bilingual:
    """Most common stated reason and complaint of churned customers (:func:`~crmkit.indicators.churn.churn_reasons`)."""
    if table is None or table.empty:
        return NO_REASONS
    en, zh = [], []
    for key in ("stated", "complaint"):
        r = table[table["source"] == key]
        if len(r):
            top = r.iloc[0]
            what_en = "stated reason" if key == "stated" else "complaint in the 180 days before churning"
            what_zh = "退订原因" if key == "stated" else "流失前 180 天内投诉原因"
            en.append(f"the most common {what_en} is {top['reason']} ({top['share']:.0%} of churned customers)")
            zh.append(f"最常见的{what_zh}是 {top['reason']}（占流失客户 {top['share']:.0%}）")
    return Bilingual("Among customers who churned in the period, " + "; ".join(en) + ".",
                     "在本期流失的客户中，" + "；".join(zh) + "。")


# -- survival ----------------------------------------------------------------------------------------
def survival(one_year: float, median_days: float, *, contractual: bool = False) -> Bilingual:
    """One-year survival and median lifetime (NaN: more than half never churned) of the Kaplan–Meier curve.

    *contractual*: lifetime runs from sign-up to cancellation.
    """
    known = not is_missing(median_days)
    if contractual:
        head_en = f"{one_year:.0%} of customers are still subscribed one year after signing up; "
        head_zh = f"注册一年后仍有 {one_year:.0%} 的客户在订阅；"
    else:
        head_en = f"{one_year:.0%} of customers are still active one year after their first purchase; "
        head_zh = f"首购一年后仍有 {one_year:.0%} 的客户未流失；"
    return Bilingual(
        head_en
        + (f"half have churned after {median_days:,.0f} days. " if known else
           "more than half have not churned within the observed history. ")
        + "Customers who have not churned yet are censored (counted only while observed), so recent customers do not bias the curve.",
        head_zh
        + (f"一半客户在 {median_days:,.0f} 天后流失。" if known else "在可观察期内流失客户不到一半。")
        + "尚未流失的客户按删失处理（只在被观察期间计入），因此新客户不会造成偏差。",
    )


# -- hazards -------------------------------------------------------------------------------------------
def hazards(hr: pd.DataFrame) -> Bilingual:
    """Reading of the Cox hazard ratios (:func:`~crmkit.indicators.churn.attribute_hazards`)."""
    if hr is None or hr.empty:
        return NO_HAZARDS
    ref = ", ".join(f"{k} = {v}" for k, v in hr.attrs.get("reference", {}).items())
    sig = hr[(hr["ci_low"] > 1) | (hr["ci_high"] < 1)]
    n, ev = hr.attrs.get("n", 0), hr.attrs.get("events", 0)
    return Bilingual(
        f"Hazard ratios compare each group with the reference ({ref or 'not referred'}) over {n:,} customers and "
        f"{ev:,} churn events; above 1 means churning sooner. "
        + (("Clearly different from the reference: " + "; ".join(f"{r.term} ({r.hazard_ratio:.2f}×)" for r in sig.itertuples())
            + ".") if len(sig) else "No group differs from its reference beyond chance."),
        f"风险比将各组与参照组（{ref or '非推荐客户'}）比较，共 {n:,} 名客户、{ev:,} 次流失；大于 1 表示更快流失。"
        + (("与参照组差异明显的有：" + "；".join(f"{r.term}（{r.hazard_ratio:.2f} 倍）" for r in sig.itertuples()) + "。")
           if len(sig) else "没有组别与参照组存在超出随机波动的差异。"),
    )


# -- early warning ---------------------------------------------------------------------------------------
def warning_tiles(evaluation: dict) -> list:
    """KPI tiles of the early-warning model's holdout evaluation."""
    return [(("AUC on the later window", "后一期 AUC"), evaluation["auc"], "score"),
            (("Lift in the top 10%", "前 10% 提升度"), evaluation["top_decile_lift"], "multiple"),
            (("Customers scored", "评分客户数"), evaluation["n"], "count")]


def warning_model(model: Any, evaluation: dict) -> Bilingual:
    """How the early-warning model was trained and how well it ranks churners on the later window.

    *model* is a fitted :class:`~crmkit.indicators.churn.ChurnWarningModel`
    (``n_``, ``events_``, ``summary_``), *evaluation* its ``evaluate`` result.
    """
    coef = model.summary_[model.summary_["feature"] != "const"].sort_values("coef", ascending=False)
    up, down = coef.iloc[0]["feature"], coef.iloc[-1]["feature"]
    a, lift = evaluation["auc"], evaluation["top_decile_lift"]
    if is_missing(a):
        rank_en, rank_zh = "Its ranking cannot be measured on the later window.", "无法在后一期衡量其排序能力。"
    else:
        rank_en = (f"It ranks a random churner above a random stayer {a:.0%} of the time (AUC {a:.2f}; 0.5 is guessing)"
                   + (f" and the 10% it scores highest churn {lift:.1f} times as often as average." if not is_missing(lift) else "."))
        rank_zh = (f"随机取一名流失客户和一名留存客户，模型有 {a:.0%} 的概率给前者更高分（AUC {a:.2f}；0.5 为随机猜测）"
                   + (f"；得分最高的 10% 客户流失率是平均水平的 {lift:.1f} 倍。" if not is_missing(lift) else "。"))
    return Bilingual(
        "A logistic regression on purchase recency, frequency and value, tenure, tickets and complaints, satisfaction and "
        f"engagement was trained on customers at risk in the previous period ({model.n_:,} customers, {model.events_:,} "
        f"churned) and tested on the current period without refitting. {rank_en} Strongest risk signal: {up}; strongest "
        f"protective signal: {down}.",
        "以购买时间间隔、频次与金额、客户时长、工单与投诉、满意度和互动为特征的逻辑回归，在上一期在册客户上训练"
        f"（{model.n_:,} 名，流失 {model.events_:,} 名），在本期上检验且未重新拟合。{rank_zh}最强风险信号：{up}；最强保护信号：{down}。",
    )


def risk_table(by: str) -> dict[str, Any]:
    """Layout of the current-risk table split by the customer attribute *by* (keywords of ``Report.table``)."""
    seg = dimension_label(by)
    return {
        "formats": {"customers": "count", "high_risk": "count", "expected_churners": "count", "revenue_at_risk": "currency"},
        "labels": {"segment": seg, "customers": ("Active customers", "在册客户"), "high_risk": ("High risk (top 10%)", "高风险（前 10%）"),
                   "expected_churners": ("Expected to churn next period", "预计下期流失"),
                   "revenue_at_risk": ("Revenue at risk (12-month)", "风险收入（近 12 个月）")},
    }


def risk_now(at_risk: dict, currency: str = "CNY") -> Bilingual:
    """Customers expected to churn next period and the revenue at risk (:func:`~crmkit.indicators.churn.revenue_at_risk`).

    Counts only; the definition is the one the risk register (report 12) uses.
    """
    if not at_risk["customers"]:
        return NO_RISK_SCORES
    en, zh = _both(currency)
    r = at_risk
    h = r["horizon_days"]
    if r["source"] == "model":
        how_en, how_zh = "the early-warning model's probabilities", "预警模型的流失概率"
    else:
        how_en = f"this period's churn rate ({_pct(r['churn_rate'])}) for each, as no early-warning model could be fitted"
        how_zh = f"本期流失率（{_pct(r['churn_rate'])}；无法拟合预警模型，每名客户均按此计）"
    share_en = "" if is_missing(r["share"]) else f" ({_pct(r['share'])} of their trailing-12-month revenue)"
    share_zh = "" if is_missing(r["share"]) else f"（占其近 12 个月收入的 {_pct(r['share'])}）"
    return Bilingual(
        f"Of the {r['customers']:,} customers at risk of churning at the end of the period, about "
        f"{r['expected_churners']:,.0f} are expected to churn in the next {h} days by {how_en}; revenue at risk = Σ "
        f"probability × trailing-12-month revenue = {en.fmt(r['expected_loss'], 'currency')}{share_en}. The risk "
        "register uses the same figure. Counts only: individual customers are not listed in this report.",
        f"期末面临流失风险的 {r['customers']:,} 名客户中，按{how_zh}，预计约 {r['expected_churners']:,.0f} 名将在未来 {h} 天内流失；"
        f"风险收入 = Σ 流失概率 × 近 12 个月收入 = {zh.fmt(r['expected_loss'], 'currency')}{share_zh}。风险登记册采用同一数字。"
        "本报告只列示数量，不列出具体客户。",
    )


# -- cost ------------------------------------------------------------------------------------------------------
def cost_tiles(cost_: dict) -> list:
    """KPI tiles of the churn cost (:func:`~crmkit.indicators.churn.churn_cost`)."""
    return [(("Revenue lost with churned customers (12-month)", "流失客户近 12 个月收入"), cost_["cost"], "currency"),
            (("Per churned customer", "每名流失客户"), cost_["mean"], "currency")]


def cost(cost_: dict, revenue: float, currency: str = "CNY") -> Bilingual:
    """Churn cost (:func:`~crmkit.indicators.churn.churn_cost`) and its share of the revenue of the same twelve months.

    *revenue* is all customers' revenue in the twelve months up to the
    window end (:func:`crmkit.indicators.cost.churn_cost_ratio`), so both
    sides of the share cover a year.
    """
    en, zh = _both(currency)
    n = cost_["customers"]
    if not n:
        return Bilingual("No customer churned in the period, so churn cost no revenue.", "本期没有客户流失，未造成收入损失。")
    c_en, c_zh = en.fmt(cost_["cost"], "currency"), zh.fmt(cost_["cost"], "currency")
    if is_missing(revenue) or revenue <= 0:
        return Bilingual(f"The {n:,} churned customers had brought {c_en} in the twelve months before leaving.",
                         f"本期流失的 {n:,} 名客户在离开前十二个月共贡献 {c_zh}。")
    share = _pct(cost_["cost"] / revenue)
    return Bilingual(
        f"The {n:,} customers who churned in the period had brought {c_en} in the twelve months before leaving "
        f"({en.fmt(cost_['mean'], 'currency')} each), equal to {share} of all customers' revenue in the twelve months "
        "up to the period end: roughly the yearly revenue "
        "that must be replaced by new or won-back customers.",
        f"本期流失的 {n:,} 名客户在离开前十二个月共贡献 {c_zh}（人均 {zh.fmt(cost_['mean'], 'currency')}），"
        f"相当于截至期末近十二个月全部客户收入的 {share}，大致是需要由新客户或挽回客户弥补的年收入。",
    )
