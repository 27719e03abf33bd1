"""Readings of the marketing report (07_marketing), in English and Simplified Chinese.

Each function takes figures of :mod:`crmkit.indicators.marketing` and returns a
:class:`~crmkit.formatting.Bilingual` sentence; a missing figure is said to be
missing, never shown as "nan".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.formatting import Bilingual, fmt_pct, is_missing
from crmkit.narrative.common import formatters, value_of

__all__ = ["STAGES", "FUNNEL_LABELS", "CAMPAIGN_LABELS", "CAMPAIGN_FORMATS", "CHANNEL_LABELS", "CHANNEL_FORMATS",
           "headline_tiles", "no_campaigns", "overview", "funnel_step", "campaign_roi", "channel_roas", "no_interactions"]

#: names of the funnel stages of :func:`crmkit.indicators.marketing.funnel`
STAGES: dict[str, tuple[str, str]] = {"targeted": ("Targeted", "目标客户"), "reached": ("Reached", "已触达"),
                                      "responded": ("Responded", "已响应"), "converted": ("Converted", "已转化")}
FUNNEL_LABELS: dict[str, tuple[str, str]] = {
    "label": ("Stage", "阶段"), "customers": ("Customers", "客户数"),
    "share_of_targeted": ("Share of targeted", "占目标客户"), "share_of_previous": ("Share of previous stage", "占上一阶段"),
}
_COMMON_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "渠道"), "cost": ("Cost", "费用"), "targeted": ("Targeted", "目标客户"),
    "response_rate": ("Response", "响应率"), "conversion_rate": ("Conversion", "转化率"),
    "attributed_revenue": ("Attributed revenue", "归因收入"), "roi": ("ROI", "投资回报率"), "roas": ("ROAS", "广告支出回报"),
    "cpa": ("Cost per acquisition", "单次转化成本"),
}
_COMMON_FORMATS: dict[str, str] = {
    "cost": "currency", "targeted": "count", "response_rate": "ratio", "conversion_rate": "ratio",
    "attributed_revenue": "currency", "roi": "ratio", "roas": "multiple", "cpa": "currency",
}
#: the campaign table: columns shown (in order) with their headers and units
CAMPAIGN_LABELS: dict[str, tuple[str, str]] = {
    "campaign_name": ("Campaign", "活动"), "channel": _COMMON_LABELS["channel"], "start_date": ("Start", "开始日期"),
    **{k: v for k, v in _COMMON_LABELS.items() if k != "channel"}, "note": ("Note", "备注"),
}
CAMPAIGN_FORMATS: dict[str, str] = dict(_COMMON_FORMATS)
#: the marketing-channel table: columns shown (in order) with their headers and units
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "渠道"), "campaigns": ("Campaigns", "活动数"), **{k: v for k, v in _COMMON_LABELS.items() if k != "channel"},
}
CHANNEL_FORMATS: dict[str, str] = {"campaigns": "count", **_COMMON_FORMATS}


def headline_tiles(total: dict) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.marketing.totals`."""
    return [
        (("Campaigns", "活动数"), total["campaigns"], "count"),
        (("Campaign cost", "活动费用"), total["cost"], "currency"),
        (("Attributed revenue", "归因收入"), total["attributed_revenue"], "currency"),
        (("ROI", "投资回报率"), total["campaign_roi"], "ratio"),
        (("ROAS", "广告支出回报"), total["roas"], "multiple"),
        (("Response rate", "响应率"), total["response_rate"], "ratio"),
        (("Conversion rate", "转化率"), total["conversion_rate"], "ratio"),
        (("Cost per acquisition", "单次转化成本"), total["cpa"], "currency"),
    ]


def no_campaigns() -> Bilingual:
    """Why the marketing report has nothing to evaluate."""
    return Bilingual(
        "No campaign started in the window (or the 'campaigns' table was not supplied), so this report has no campaign to evaluate.",
        "评估期内没有启动的营销活动（或未提供“campaigns”数据表），本报告无可评估的活动。",
    )


def no_interactions() -> Bilingual:
    """Note that reach and response come from attributed orders only."""
    return Bilingual("No interactions were supplied, so reach and response are counted from attributed orders only.",
                     "未提供互动数据，触达与响应仅按归因订单统计。")


def overview(total: dict, direct: float, attribution_window_days: float, currency: str = "CNY") -> Bilingual:
    """Campaigns, cost, reach, response, conversion, attributed revenue (direct vs window-attributed) and ROI.

    *total* is :func:`crmkit.indicators.marketing.totals`, *direct* is
    :func:`crmkit.indicators.marketing.direct_share`.
    """
    en_f, zh_f = formatters(currency)
    resp, conv = value_of(total["response_rate"]), value_of(total["conversion_rate"])
    en = (f"{total['campaigns']} campaigns started in the window, cost {en_f.fmt(total['cost'], 'currency')} and reached "
          f"{total['targeted']:,} targeted customers")
    zh = f"评估期内启动 {total['campaigns']} 个活动，费用 {zh_f.fmt(total['cost'], 'currency')}，目标客户 {total['targeted']:,} 人"
    if is_missing(resp) or is_missing(conv):
        en += "; no customer was targeted, so response and conversion rates are not known. "
        zh += "；无目标客户，响应率与转化率未知。"
    else:
        en += f"; {fmt_pct(resp)} responded and {fmt_pct(conv)} converted. "
        zh += f"；响应率 {fmt_pct(resp)}，转化率 {fmt_pct(conv)}。"
    revenue_en, revenue_zh = en_f.fmt(total["attributed_revenue"], "currency"), zh_f.fmt(total["attributed_revenue"], "currency")
    if is_missing(direct):
        en += "No revenue is credited to them. "
        zh += "没有归因收入。"
    else:
        en += (f"They are credited with {revenue_en} of revenue: {fmt_pct(direct, 0)} from orders carrying the campaign code, "
               f"the rest from orders within {attribution_window_days} days after a touch (which can include purchases that "
               "would have happened anyway). ")
        zh += (f"归因收入 {revenue_zh}，其中 {fmt_pct(direct, 0)} 来自带活动编码的订单，其余来自触达后 {attribution_window_days} "
               "天内的订单（可能包含原本就会发生的购买）。")
    if total["note"] or is_missing(total["campaign_roi"]):
        en += "ROI and ROAS are undefined because the campaigns recorded no cost."
        zh += "由于活动未记录费用，投资回报率与广告支出回报无法计算。"
    else:
        en += (f"Their attributed margin of {en_f.fmt(total['attributed_margin'], 'currency')} against the cost gives an ROI of "
               f"{fmt_pct(total['campaign_roi'], 0)} and a ROAS of {en_f.fmt(total['roas'], 'multiple')}.")
        zh += (f"归因毛利 {zh_f.fmt(total['attributed_margin'], 'currency')}，对应投资回报率 {fmt_pct(total['campaign_roi'], 0)}，"
               f"广告支出回报 {zh_f.fmt(total['roas'], 'multiple')}。")
    return Bilingual(en, zh)


def funnel_step(step: dict | None) -> Bilingual:
    """The funnel step that loses most (:func:`crmkit.indicators.marketing.weakest_step`)."""
    if step is None:
        return Bilingual("No customer was targeted, so the funnel has no step to compare.", "没有目标客户，漏斗无环节可比较。")
    en_name, zh_name = STAGES.get(step["stage"], (step["stage"], step["stage"]))
    share = fmt_pct(step["share_of_previous"])
    return Bilingual(
        f"The largest loss in the funnel is at the step to '{en_name}', where only {share} of the previous stage carry on; "
        "improving that step moves conversion most.",
        f"漏斗中流失最大的环节是进入“{zh_name}”这一步，只有 {share} 的客户进入下一阶段；改进这一环节对转化提升最大。",
    )


def campaign_roi(ranking: dict) -> Bilingual:
    """Best and weakest campaign by ROI (:func:`crmkit.indicators.marketing.roi_ranking`)."""
    n, best, worst, losing, free = ranking["with_roi"], ranking["best"], ranking["worst"], ranking["losing"], ranking["without_cost"]
    if n == 0:
        return Bilingual("No campaign recorded a cost, so no campaign has an ROI.", "没有活动记录费用，无法计算各活动的投资回报率。")
    no_cost_en = f" {free} campaigns without cost have no ROI." if free else ""
    no_cost_zh = f" 另有 {free} 个活动无费用记录，无法计算投资回报率。" if free else ""
    if n == 1:
        gained = best["roi"] >= 0
        return Bilingual(
            f"The only campaign with a cost, '{best['campaign_name']}' ({best['channel']}), returned an ROI of {fmt_pct(best['roi'], 0)}"
            f"{' and earned back its cost' if gained else ', so it did not earn back its cost'} in attributed margin." + no_cost_en,
            f"唯一有费用记录的活动“{best['campaign_name']}”（{best['channel']}）投资回报率为 {fmt_pct(best['roi'], 0)}，"
            f"{'归因毛利已覆盖费用' if gained else '归因毛利未能覆盖费用'}。" + no_cost_zh,
        )
    return Bilingual(
        f"The best campaign by ROI is '{best['campaign_name']}' ({fmt_pct(best['roi'], 0)}, {best['channel']}) and the weakest "
        f"'{worst['campaign_name']}' ({fmt_pct(worst['roi'], 0)}); {losing} of {n} campaigns did not earn back their cost "
        "in attributed margin." + no_cost_en,
        f"投资回报率最高的活动是“{best['campaign_name']}”（{fmt_pct(best['roi'], 0)}，{best['channel']}），最低的是"
        f"“{worst['campaign_name']}”（{fmt_pct(worst['roi'], 0)}）；{n} 个活动中有 {losing} 个的归因毛利未能覆盖费用。" + no_cost_zh,
    )


def channel_roas(ranked: pd.DataFrame, n_channels: int, currency: str = "CNY") -> Bilingual:
    """Marketing channel with the highest and lowest ROAS (:func:`crmkit.indicators.marketing.roas_ranking`)."""
    en_f, zh_f = formatters(currency)
    if ranked.empty:
        return Bilingual(f"{n_channels} marketing channel(s) were used; none recorded a cost, so ROAS is not known.",
                         f"共使用 {n_channels} 个营销渠道；均无费用记录，无法计算广告支出回报。")
    top, low = ranked.iloc[0], ranked.iloc[-1]
    en = (f"{n_channels} marketing channel(s) were used. Per unit of spend, '{top['channel']}' returned the most revenue "
          f"(ROAS {en_f.fmt(top['roas'], 'multiple')})")
    zh = f"共使用 {n_channels} 个营销渠道。按单位费用计，“{top['channel']}”带来的收入最多（广告支出回报 {zh_f.fmt(top['roas'], 'multiple')}）"
    if len(ranked) > 1:
        en += f" and '{low['channel']}' the least ({en_f.fmt(low['roas'], 'multiple')})."
        zh += f"，“{low['channel']}”最少（{zh_f.fmt(low['roas'], 'multiple')}）。"
    else:
        en, zh = en + ".", zh + "。"
    return Bilingual(en, zh)
