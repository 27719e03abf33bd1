"""Readings of the loyalty report (03): repeat purchase, retention, cohorts, engagement, referrals, programme."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing

__all__ = ["period_label", "headline_tiles", "overview", "retention_trend", "cohorts", "no_cohorts", "inter_purchase", "engagement_tiles",
           "engagement", "referrals", "programme_tiles", "programme", "columns"]


def _pct(x: float, digits: int = 1) -> str:
    return Formatter().fmt(x, "ratio", digits)


def _pp(x: float) -> str:
    """A difference of two ratios in points with its sign: ``+3.2%``."""
    return f"{x:+.1%}"


def period_label(start, end) -> str:
    """``2025-10–2025-12``: the months a retention period spans."""
    return f"{pd.Timestamp(start):%Y-%m}–{pd.Timestamp(end):%Y-%m}"


def overview(rpr: Estimate, freq: Estimate, gap: Estimate, ret: Estimate, ret_y: Estimate, crr: Estimate, *,
             contractual: bool = False) -> Bilingual:
    """Repeat purchase, frequency, median days between purchases, period retention and CRR (each may be missing).

    *contractual*: the retention rates are subscriber retention (from cancellations) and CRR equals the period retention.
    """
    en, zh = [], []
    if rpr.n:
        en.append(f"{_pct(rpr.value)} of the {rpr.n:,} customers who bought in the period bought on at least two "
                  f"different days, on average on {freq.value:.1f} days each (orders on the same day count as one "
                  "purchase); ")
        zh.append(f"本期购买的 {rpr.n:,} 名客户中 {_pct(rpr.value)} 在至少两个不同日期购买，人均购买 {freq.value:.1f} 天"
                  "（同一天的多笔订单计为一次购买）；")
    else:
        en.append("No customer bought in the period; ")
        zh.append("本期没有客户购买；")
    if gap.n and not is_missing(gap.value):
        en.append(f"half of all repeat purchases came within {gap.value:.0f} days of the previous one. ")
        zh.append(f"一半的复购发生在上次购买后 {gap.value:.0f} 天内。")
    else:
        en.append("there were no repeat purchases. ")
        zh.append("本期没有复购。")
    if contractual:
        return Bilingual("".join(en) + _subscriber_retention(ret, ret_y)[0], "".join(zh) + _subscriber_retention(ret, ret_y)[1])
    last_en = f" (same period last year: {_pct(ret_y.value)} of {ret_y.n:,})" if ret_y.n else " (no customers in the same period last year)"
    last_zh = f"（去年同期：{ret_y.n:,} 名中 {_pct(ret_y.value)}）" if ret_y.n else "（去年同期没有活跃客户）"
    if ret.n:
        en.append(f"{_pct(ret.value)} of the {ret.n:,} customers active in the previous period bought again in this one{last_en}. ")
        zh.append(f"上期活跃的 {ret.n:,} 名客户中 {_pct(ret.value)} 在本期再次购买{last_zh}。")
    else:
        en.append(f"No customer was active in the previous period{last_en}. ")
        zh.append(f"上期没有活跃客户{last_zh}。")
    if crr.n:
        en.append(f"Of the customers who had bought in the twelve months before the period, {_pct(crr.value)} are still "
                  f"twelve-month customers at its end (CRR = (E − N)/S with S = {crr.n:,}).")
        zh.append(f"期初前十二个月内购买过的客户中，{_pct(crr.value)} 在期末仍属近十二个月客户（CRR = (E − N)/S，S = {crr.n:,}）。")
    else:
        en.append("No customer had bought in the twelve months before the period, so the CRR cannot be computed.")
        zh.append("期初前十二个月内没有购买客户，无法计算 CRR。")
    return Bilingual("".join(en), "".join(zh))


def _subscriber_retention(ret: Estimate, ret_y: Estimate) -> tuple[str, str]:
    """Sentences on subscriber retention over the period and over twelve months (contractual business)."""
    if ret.n:
        en = (f"Retention is read from cancellations: {_pct(ret.value)} of the {ret.n:,} subscribers at the start of the "
              "period were still subscribed at its end (CRR = (E − N)/S on the subscriber base is the same figure). ")
        zh = f"留存依据解约记录计算：期初 {ret.n:,} 名订阅客户中 {_pct(ret.value)} 在期末仍在订阅（以订阅客户为口径的 CRR = (E − N)/S 与之相同）。"
    else:
        en = "Retention is read from cancellations, but there were no subscribers at the start of the period. "
        zh = "留存依据解约记录计算，但期初没有订阅客户。"
    if ret_y.n:
        en += f"Of the {ret_y.n:,} subscribers at the end of the same period last year, {_pct(ret_y.value)} are still subscribed."
        zh += f"去年同期期末的 {ret_y.n:,} 名订阅客户中，{_pct(ret_y.value)} 仍在订阅。"
    else:
        en += "There were no subscribers at the end of the same period last year."
        zh += "去年同期期末没有订阅客户。"
    return en, zh


def retention_trend(trend: pd.DataFrame) -> Bilingual:
    """Period retention of the first and the last period of :func:`crmkit.loyalty.retention_trend`."""
    first, last = trend.iloc[0], trend.iloc[-1]
    a, b = period_label(first["start"], first["end"]), period_label(last["start"], last["end"])
    if is_missing(first["retention"]) or is_missing(last["retention"]):
        return Bilingual(f"Period retention cannot be compared between {a} and {b}: a period has no customers from the one before.",
                         f"{a} 与 {b} 的期间留存率无法比较：某一期没有上期客户。")
    return Bilingual(
        f"Period retention went from {_pct(first['retention'])} ({a}) to {_pct(last['retention'])} ({b}); bars show 95% intervals.",
        f"期间留存率从 {_pct(first['retention'])}（{a}）变为 {_pct(last['retention'])}（{b}）；误差线为 95% 区间。",
    )


def cohorts(cohort_count: int, first_buyers: int, month1: float, month3: float, *, contractual: bool = False) -> Bilingual:
    """Size-weighted retention one and three months after the first purchase (:func:`crmkit.loyalty.weighted_cohort_retention`).

    *contractual*: sign-up cohorts of :func:`crmkit.loyalty.subscription_cohorts` (still subscribed, from cancellations).
    """
    def part(x: float, en: str, zh: str) -> tuple[str, str]:
        return (f"{_pct(x)} {en}", f"{_pct(x)} {zh}") if not is_missing(x) else (f"none can yet be followed {en}", f"尚无客户可观察{zh}")

    if contractual:
        m1_en, m1_zh = part(month1, "were still subscribed at the end of the month after signing up", "在注册次月月末仍在订阅")
        m3_en, m3_zh = part(month3, "three months after", "在三个月后仍在订阅")
        return Bilingual(
            f"Across the last {cohort_count} monthly sign-up cohorts ({first_buyers:,} subscribers), {m1_en} and {m3_en} "
            "(weighted by cohort size; a subscriber is retained until they cancel). Recent cohorts can only be followed for "
            "a few months, so their later cells are blank rather than zero.",
            f"近 {cohort_count} 个月度注册同期群（共 {first_buyers:,} 名订阅客户）中，{m1_zh}，{m3_zh}（按同期群规模加权；"
            "客户解约前均视为留存）。新近同期群只能观察几个月，因此其后续格子为空白而非零。",
        )

    m1_en, m1_zh = part(month1, "bought again in the month after their first purchase", "在首购次月再次购买")
    m3_en, m3_zh = part(month3, "three months later", "在三个月后再次购买")
    return Bilingual(
        f"Across the last {cohort_count} monthly cohorts ({first_buyers:,} first-time buyers), {m1_en} and {m3_en} "
        "(weighted by cohort size). Recent cohorts can only be followed for a few months, so their later cells are blank rather than zero.",
        f"近 {cohort_count} 个月度同期群（共 {first_buyers:,} 名首购客户）中，{m1_zh}，{m3_zh}（按同期群规模加权）。"
        "新近同期群只能观察几个月，因此其后续格子为空白而非零。",
    )


def no_cohorts(contractual: bool = False) -> Bilingual:
    """Why the cohort section is empty."""
    if contractual:
        return Bilingual("No sign-ups in the last twelve months whose subscription can be followed to a month end.",
                         "近十二个月没有可观察到月末订阅状态的新注册客户。")
    return Bilingual("No first purchases in the last twelve months.", "近十二个月没有首购客户。")


def inter_purchase(repeats: int, gap: Estimate, q90: float) -> Bilingual:
    """Repeat purchases, the median gap with its interval and the 90th percentile."""
    return Bilingual(
        f"{repeats:,} repeat purchases in the period; half came within {gap.value:.0f} days "
        f"(95% interval {gap.ci_low:.0f}–{gap.ci_high:.0f}) and nine in ten within {q90:.0f} days.",
        f"本期共 {repeats:,} 次复购；一半发生在上次购买后 {gap.value:.0f} 天内（95% 区间 {gap.ci_low:.0f}–{gap.ci_high:.0f}），九成在 {q90:.0f} 天内。",
    )


def engagement_tiles(eng: dict[str, Estimate]) -> list[tuple]:
    """KPI tiles of :func:`crmkit.loyalty.engagement`."""
    return [(("Interactions per active customer", "活跃客户人均互动"), eng["interactions_per_active"], "number"),
            ("inbound_engagement_share", eng["inbound_share"]), ("email_open_rate", eng["email_open_rate"]),
            ("email_click_rate", eng["email_click_rate"])]


def engagement(eng: dict[str, Estimate]) -> Bilingual:
    """Interactions per active customer, inbound contacts and the e-mail open and click rates."""
    per, inbound = eng["interactions_per_active"], eng["inbound_share"]
    if is_missing(per.value):
        en, zh = "No customer was active in the period.", "本期没有活跃客户。"
    else:
        en = (f"Active customers had {per.value:.1f} recorded interactions each, and {_pct(inbound.value, 0)} of them "
              "contacted or visited the company themselves.")
        zh = f"活跃客户人均有 {per.value:.1f} 次互动记录，其中 {_pct(inbound.value, 0)} 主动联系或访问过公司。"
    opened, clicked = eng["email_open_rate"], eng["email_click_rate"]
    if opened.n:
        en += f" {_pct(opened.value)} of {opened.n:,} emails were opened and {_pct(clicked.value)} clicked."
        zh += f" 发送的 {opened.n:,} 封邮件中 {_pct(opened.value)} 被打开，{_pct(clicked.value)} 被点击。"
    else:
        en, zh = en + " No emails were sent in the period.", zh + " 本期未发送邮件。"
    return Bilingual(en, zh)


def referrals(rate: Estimate, difference: pd.Series, clear: bool, currency: str = "CNY", *,
              contractual: bool = False) -> Bilingual:
    """Share of new customers referred and how referred customers compare (row ``difference`` of
    :func:`crmkit.loyalty.referral_comparison`; *clear*: its retention interval excludes zero;
    *contractual*: retention is being still subscribed at the end of the period)."""
    en_f, zh_f = Formatter("en", currency), Formatter("zh", currency)
    d_ret, d_val = difference["retention"], difference["value"]
    head_en = f"{_pct(rate.value)} of the {rate.n:,} customers who signed up in the period were referred by another customer. "
    head_zh = f"本期注册的 {rate.n:,} 名新客户中 {_pct(rate.value)} 由老客户推荐。"
    if rate.n == 0:
        head_en, head_zh = "No customer signed up in the period. ", "本期没有新注册客户。"
    if is_missing(d_ret) or is_missing(d_val):
        return Bilingual(head_en + "Too few referred and other customers were acquired in the year before to compare them.",
                         head_zh + "前一年获取的经推荐客户或其他客户太少，无法比较。")
    return Bilingual(
        head_en + f"Among customers acquired in the year before, referred ones were {_pp(d_ret)} points "
        f"{'more' if d_ret >= 0 else 'less'} likely to "
        + ("be still subscribed at its end " if contractual else "buy in this period ")
        + ("(a clear difference)" if clear else "(within chance)")
        + f" and spent {en_f.fmt(abs(d_val), 'currency')} {'more' if d_val >= 0 else 'less'} per head in the period. "
        "This compares groups; it does not prove that referral itself causes the difference.",
        head_zh + f"在前一年获取的客户中，经推荐客户{'期末仍在订阅' if contractual else '本期购买'}的比例相差 {_pp(d_ret)} 个百分点"
        + ("（差异明显）" if clear else "（在随机波动范围内）")
        + f"，本期人均消费{'多' if d_val >= 0 else '少'} {zh_f.fmt(abs(d_val), 'currency')}。这只是组间比较，并不证明差异由推荐本身造成。",
    )


def programme_tiles(comparison: dict, redemption: float) -> list[tuple]:
    """KPI tiles of :func:`crmkit.loyalty.programme_comparison` and the points redemption rate."""
    return [("loyalty_member_share", comparison["member_share"]), (("Points redeemed / earned", "积分兑换率"), redemption, "ratio"),
            (("Spend gap, members − others", "会员与非会员人均消费差"), comparison["spend"]["difference"], "currency"),
            ("member_retention_gap", comparison["retention"]["difference"])]


def programme(comparison: dict, redemption: float, currency: str = "CNY") -> Bilingual:
    """Members, points redeemed, and the spend and retention gaps between members and others (an association)."""
    en_f, zh_f = Formatter("en", currency), Formatter("zh", currency)
    share, ds, dr = comparison["member_share"], comparison["spend"]["difference"], comparison["retention"]["difference"]
    red_en = f"; members redeemed {_pct(redemption, 0)} of the points earned in the period" if not is_missing(redemption) else ""
    red_zh = f"；会员本期兑换了所获积分的 {_pct(redemption, 0)}" if not is_missing(redemption) else ""
    en = f"{_pct(share.value, 0)} of customers are programme members{red_en}. "
    zh = f"{_pct(share.value, 0)} 的客户是会员{red_zh}。"
    if is_missing(ds.value):
        en += "Too few active members or non-members to compare their spend. "
        zh += "活跃会员或非会员太少，无法比较人均消费。"
    else:
        en += (f"Active members spent {en_f.fmt(abs(ds.value), 'currency')} {'more' if ds.value >= 0 else 'less'} per head than "
               f"non-members (95% interval {en_f.fmt(ds.ci_low, 'currency')} to {en_f.fmt(ds.ci_high, 'currency')}) ")
        zh += (f"活跃会员人均消费比非会员{'多' if ds.value >= 0 else '少'} {zh_f.fmt(abs(ds.value), 'currency')}"
               f"（95% 区间 {zh_f.fmt(ds.ci_low, 'currency')} 至 {zh_f.fmt(ds.ci_high, 'currency')}），")
    if is_missing(dr.value):
        en += "and their retention cannot be compared (no members or no others active in the previous period). "
        zh += "留存率无法比较（上期没有活跃会员或非会员）。"
    else:
        en += f"and their retention differed by {_pp(dr.value)} points ({_pp(dr.ci_low)} to {_pp(dr.ci_high)}). "
        zh += f"留存率相差 {_pp(dr.value)} 个百分点（{_pp(dr.ci_low)} 至 {_pp(dr.ci_high)}）。"
    en += "This is an association, not the programme's causal effect: customers who are already loyal are more likely to join."
    zh += "这只是相关关系而非会员计划的因果效果：本就忠诚的客户更可能加入会员。"
    return Bilingual(en, zh)


def columns(table: str, fmt: Formatter, *, contractual: bool = False) -> dict[str, Any]:
    """Formats and bilingual headers of the referral table: ``rp.table(frame, **columns("referrals", rp))``.

    Group names that are canonical codes (``other``) are shown as the report shows codes; *contractual*:
    retention is being still subscribed at the end of the period.
    """
    if table != "referrals":
        raise ValueError(f"unknown table {table!r}")
    groups = {"referred": ("referred", "经推荐"), "other": ("other", "其他"), "difference": ("difference", "差值")}
    return {
        "formats": {"group": lambda g: str(fmt.tr.code(fmt.t(*groups.get(g, (g, g))))), "customers": "count", "retention": "ratio",
                    "retention_low": "ratio", "retention_high": "ratio", "value": "currency", "value_low": "currency",
                    "value_high": "currency"},
        "labels": {"group": ("Customers acquired in the year before", "前一年获取的客户"), "customers": ("Customers", "客户数"),
                   "retention": ("Subscribed at the end", "期末在订") if contractual else ("Active in period", "本期活跃"), "retention_low": ("95% low", "95% 下限"),
                   "retention_high": ("95% high", "95% 上限"), "value": ("Revenue per customer", "人均收入"),
                   "value_low": ("95% low", "95% 下限"), "value_high": ("95% high", "95% 上限")},
    }


def headline_tiles(headline: dict[str, Estimate]) -> list[tuple]:
    """KPI tiles of :func:`crmkit.loyalty.loyalty_headline` (purchases per customer as a plain number)."""
    return [("repeat_purchase_rate", headline["repeat_purchase_rate"]),
            (("Purchases per active customer", "活跃客户人均购买次数"), headline["purchase_frequency"], "number"),
            ("inter_purchase_days_median", headline["inter_purchase_days_median"]),
            ("retention_rate", headline["retention_rate"]), ("customer_retention_rate", headline["customer_retention_rate"])]
