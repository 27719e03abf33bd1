"""Readings of the maintenance-cost report (09_cost), in English and Simplified Chinese.

Each function takes figures of :mod:`crmkit.indicators.cost` (and the churn
cost of :func:`crmkit.indicators.churn.churn_cost`) and returns a
:class:`~crmkit.formatting.Bilingual` sentence; a missing figure is said to be
missing, never shown as "nan".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, fmt_pct, is_missing
from crmkit.narrative.common import formatters

__all__ = ["CATEGORIES", "KINDS", "category_name", "headline_tiles", "churn_tiles", "overview", "categories", "trend",
           "churn_unknown", "churn", "keep_vs_win"]

#: names of the cost categories
CATEGORIES: dict[str, tuple[str, str]] = {
    "service": ("Service", "客服"), "marketing": ("Marketing", "营销"), "acquisition": ("Acquisition", "获客"),
    "loyalty_rewards": ("Loyalty rewards", "忠诚度奖励"), "crm_tools": ("CRM tools", "CRM 工具"),
    "staff": ("Staff", "人员"), "complaint_handling": ("Complaint handling", "投诉处理"), "other": ("Other", "其他"),
}


#: names of the two rows of :func:`crmkit.indicators.cost.retention_vs_acquisition`
KINDS: dict[str, tuple[str, str]] = {"retention": ("Keep an existing customer", "维系一位老客户"),
                                     "acquisition": ("Win a new customer", "获取一位新客户")}


def category_name(code: str) -> tuple[str, str]:
    """(en, zh) name of a cost category; an unknown code is shown as written."""
    return CATEGORIES.get(code, (code, code))


def _money(f: Formatter, v: Any, digits: int = 0) -> str:
    return f.fmt(v, "currency", digits)


def headline_tiles(h: dict, revenue: float) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.cost.headline`."""
    return [
        (("Relationship cost", "客户关系总成本"), h["total"], "currency"),
        (("Cost to serve per active customer", "每活跃客户服务成本"), h["cost_to_serve"], "currency"),
        (("CRM cost / revenue", "CRM 成本占收入比"), h["crm_cost_ratio"], "ratio"),
        (("Revenue", "收入"), revenue, "currency"),
    ]


def churn_tiles(cc: dict, share: float) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of the churn cost (:func:`crmkit.indicators.cost.churn_cost_ratio`)."""
    return [
        (("Customers lost", "流失客户数"), cc["customers"], "count"),
        (("Revenue lost (trailing 12 months)", "流失收入（过去 12 个月）"), cc["cost"], "currency"),
        (("Per lost customer", "每流失客户"), cc["mean"], "currency"),
        (("Share of 12-month revenue", "占近 12 个月收入"), share, "ratio"),
    ]


def overview(h: dict, currency: str = "CNY") -> Bilingual:
    """Total relationship cost, cost to serve per active customer and CRM cost ratio."""
    en_f, zh_f = formatters(currency)
    cts: Estimate = h["cost_to_serve"]
    ratio = h["crm_cost_ratio"]
    en = f"The company booked {_money(en_f, h['total'])} of relationship costs in the window. "
    zh = f"评估期内客户关系成本共 {_money(zh_f, h['total'])}。"
    if is_missing(cts.value):
        en += "No customer was active, so the cost to serve is not known"
        zh += "没有活跃客户，无法计算人均服务成本"
    else:
        en += (f"Serving its {cts.n:,} active customers (service, loyalty rewards, CRM tools and complaint handling) cost "
               f"{_money(en_f, cts.value, 1)} per customer")
        zh += f"服务 {cts.n:,} 位活跃客户（服务、忠诚度奖励、CRM 工具与投诉处理）人均 {_money(zh_f, cts.value, 1)}"
    if is_missing(ratio):
        return Bilingual(en + ", and there was no revenue to compare CRM-related costs with.", zh + "，本期无收入可与 CRM 相关成本比较。")
    return Bilingual(en + f", and CRM-related costs (all categories except 'other') were {fmt_pct(ratio)} of revenue.",
                     zh + f"，CRM 相关成本（除“其他”外的所有类别）占收入的 {fmt_pct(ratio)}。")


def categories(by_category: pd.DataFrame) -> Bilingual:
    """The largest cost categories (:func:`crmkit.indicators.cost.cost_by_category`, largest first)."""
    if by_category.empty:
        return Bilingual("No cost was recorded in the window.", "评估期内没有成本记录。")
    top = by_category.iloc[0]
    (t_en, t_zh) = category_name(top["category"])
    if len(by_category) == 1:
        return Bilingual(f"All recorded cost is {t_en}.", f"全部记录成本均为{t_zh}。")
    second = by_category.iloc[1]
    s_en, s_zh = category_name(second["category"])
    return Bilingual(
        f"The largest cost item is {t_en} ({fmt_pct(top['share'])} of the total), followed by {s_en} ({fmt_pct(second['share'])}).",
        f"最大的成本项是{t_zh}（占 {fmt_pct(top['share'])}），其次是{s_zh}（{fmt_pct(second['share'])}）。",
    )


def trend(monthly: pd.DataFrame, currency: str = "CNY") -> Bilingual | None:
    """CRM cost ratio and cost to serve in the first and last month with a ratio (``None`` with fewer than two)."""
    en_f, zh_f = formatters(currency)
    r = monthly.dropna(subset=["crm_cost_ratio"])
    if len(r) < 2:
        return None
    first, last = r.iloc[0], r.iloc[-1]
    a, b = fmt_pct(first["crm_cost_ratio"]), fmt_pct(last["crm_cost_ratio"])
    m0, m1 = f"{first['month']:%Y-%m}", f"{last['month']:%Y-%m}"
    c0, c1 = first["cost_to_serve"], last["cost_to_serve"]
    serve_en = (f"; the cost to serve per active customer went from {_money(en_f, c0, 1)} to {_money(en_f, c1, 1)}."
                if not (is_missing(c0) or is_missing(c1)) else ".")
    serve_zh = (f"；每活跃客户服务成本从 {_money(zh_f, c0, 1)} 变为 {_money(zh_f, c1, 1)}。"
                if not (is_missing(c0) or is_missing(c1)) else "。")
    return Bilingual(f"Over the last {len(monthly)} months the CRM cost ratio moved from {a} ({m0}) to {b} ({m1})" + serve_en,
                     f"近 {len(monthly)} 个月 CRM 成本率从 {a}（{m0}）变为 {b}（{m1}）" + serve_zh)


def churn_unknown(reason: str) -> Bilingual:
    """Churn could not be determined (the reason as the churn panel gave it)."""
    return Bilingual(f"Churn cannot be determined: {reason}.", f"无法判定客户流失：{reason}。")


def churn(cc: dict, share: float, mode: str, inactivity_days: Any, currency: str = "CNY") -> Bilingual:
    """Customers lost, their trailing-12-month revenue and its share of all customers' revenue of the same 12 months.

    *cc* is :func:`crmkit.indicators.cost.churn_cost_ratio` (``revenue``: the
    trailing-12-month revenue of all customers at the window end) and *share*
    its ``share``.
    """
    en_f, zh_f = formatters(currency)
    how_en = "explicit cancellations" if mode == "explicit" else f"no purchase for {inactivity_days} days"
    how_zh = "明确的退订/解约记录" if mode == "explicit" else f"连续 {inactivity_days} 天未购买"
    en = f"{cc['customers']:,} customers were lost in the window (churn defined by {how_en})."
    zh = f"评估期内流失客户 {cc['customers']:,} 位（流失判定：{how_zh}）。"
    if not cc["customers"]:
        return Bilingual(en, zh)
    en += (f" In the 12 months before leaving they had spent {_money(en_f, cc['cost'])}, {_money(en_f, cc['mean'])} each: "
           "revenue that now has to be replaced")
    zh += f"他们在流失前 12 个月共消费 {_money(zh_f, cc['cost'])}，人均 {_money(zh_f, cc['mean'])}，这部分收入需要重新弥补"
    if is_missing(share):
        return Bilingual(en + ".", zh + "。")
    base_en, base_zh = _money(en_f, cc["revenue"]), _money(zh_f, cc["revenue"])
    return Bilingual(en + f", equal to {fmt_pct(share)} of the revenue of all customers in the 12 months up to the window "
                          f"end ({base_en}).",
                     zh + f"，相当于截至期末近 12 个月全部客户收入（{base_zh}）的 {fmt_pct(share)}。")


def keep_vs_win(k: dict, currency: str = "CNY") -> tuple[Bilingual, str]:
    """Cost of winning a new against keeping an existing customer (:func:`crmkit.indicators.cost.acquisition_to_retention`).

    Returns the sentence and its kind for ``rp.text`` (``"reading"``, or ``"note"`` when a cost is unknown).
    """
    en_f, zh_f = formatters(currency)
    times = k["times"]
    if is_missing(times) or times == 0:
        return Bilingual("Acquisition or retention cost per customer is not available for this window.",
                         "本期无法计算获客或维系的单客成本。"), "note"
    win_en, keep_en = _money(en_f, k["acquisition"], 1), _money(en_f, k["retention"], 1)
    win_zh, keep_zh = _money(zh_f, k["acquisition"], 1), _money(zh_f, k["retention"], 1)
    en = (f"Winning a new customer cost {win_en} (acquisition spend per new customer), keeping an existing active customer "
          f"{keep_en} (service, marketing, loyalty rewards and complaint handling per returning customer): ")
    zh = (f"获取一位新客户花费 {win_zh}（每位新客户的获客费用），维系一位活跃老客户花费 {keep_zh}"
          "（客服、营销、忠诚度奖励与投诉处理按老客户平均）：")
    if times > 1:
        en += f"acquisition is {times:.1f} times as expensive, which is why keeping customers usually pays."
        zh += f"获客成本是维系成本的 {times:.1f} 倍，这正是维系客户通常更划算的原因。"
    else:
        en += f"here keeping a customer costs more than winning one ({1 / times:.1f} times), worth a look at retention spending."
        zh += f"本期维系成本是获客成本的 {1 / times:.1f} 倍，值得审视维系支出。"
    return Bilingual(en, zh), "reading"
