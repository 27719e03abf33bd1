"""Readings of the service-quality report (06_service), in English and Simplified Chinese.

Each function takes figures computed by :mod:`crmkit.indicators.service` and
returns a :class:`~crmkit.formatting.Bilingual` sentence; a figure that is
missing is left out of the sentence or said to be missing, never shown as
"nan".  Ratios are written as percentages with one decimal (``12.3%``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.formatting import Bilingual, fmt_pct, is_missing
from crmkit.narrative.common import formatters, value_of

__all__ = ["BY_GROUP_LABELS", "BY_GROUP_FORMATS", "headline_tiles", "complaint_tiles", "overview", "waiting",
           "sla_by_category", "complaints", "trend"]

#: column headers of the by-channel and by-category tables
BY_GROUP_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "渠道"), "category": ("Category", "类别"), "tickets": ("Tickets", "工单"),
    "complaints": ("Complaints", "投诉"), "first_response_median_h": ("First response, median", "首次响应中位数"),
    "first_response_p90_h": ("First response, p90", "首次响应 90 分位"),
    "resolution_median_h": ("Resolution, median", "解决时长中位数"), "resolution_p90_h": ("Resolution, p90", "解决时长 90 分位"),
    "sla_attainment": ("SLA met", "时限达成"), "fcr_rate": ("FCR", "首次解决"), "reopen_rate": ("Reopened", "重开"),
    "open_at_end": ("Open at end", "期末未结"), "csat": ("CSAT", "满意度"),
}
#: units of the by-channel and by-category table columns (also the columns shown, in order)
BY_GROUP_FORMATS: dict[str, str] = {
    "tickets": "count", "complaints": "count", "first_response_median_h": "hours", "first_response_p90_h": "hours",
    "resolution_median_h": "hours", "resolution_p90_h": "hours", "sla_attainment": "ratio", "fcr_rate": "ratio",
    "reopen_rate": "ratio", "open_at_end": "count", "csat": "ratio",
}


def _and(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b, and c``."""
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def headline_tiles(h: dict, sla_hours: float) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.service.headline`."""
    return [
        (("Tickets opened", "工单数"), h["tickets"], "count"),
        (("First response (median)", "首次响应（中位数）"), h["first_response_median"], "hours"),
        (("Resolution (median)", "解决时长（中位数）"), h["resolution_median"], "hours"),
        ((f"Resolved within {sla_hours:g} h", f"{sla_hours:g} 小时内解决率"), h["sla"], "ratio"),
        (("First-contact resolution", "首次接触解决率"), h["fcr"], "ratio"),
        (("Reopened", "重开率"), h["reopen"], "ratio"),
        (("Open at period end", "期末积压"), h["backlog"], "count"),
        (("Ticket CSAT", "工单满意度"), h["csat"], "ratio"),
    ]


def complaint_tiles(c: dict) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.service.complaint_overview`."""
    return [
        (("Complaints", "投诉数"), c["complaints"], "count"),
        (("Per 1,000 customers", "每千客户投诉"), c["per_1000_customers"], "number"),
        (("Per 1,000 orders", "每千订单投诉"), c["per_1000_orders"], "number"),
        (("Handling time (median)", "处理时长（中位数）"), c["handling_hours"], "hours"),
        (("Resolved by period end", "期末已解决比例"), c["resolution_rate"], "ratio"),
    ]


def overview(h: dict, sla_hours: float, currency: str = "CNY") -> Bilingual:
    """Tickets, response and resolution times, SLA attainment, FCR, reopen rate and backlog in one reading.

    *h* is :func:`crmkit.indicators.service.headline`.  SLA attainment counts
    tickets still open past the target as misses and leaves undecided ones out.
    """
    en_f, zh_f = formatters(currency)
    n = int(h["tickets"])
    if n == 0:
        return Bilingual("No tickets were opened in the window.", "评估期内没有开立工单。")
    fr50, fr90, rs50, rs90 = (value_of(h[k]) for k in ("first_response_median", "first_response_p90",
                                                       "resolution_median", "resolution_p90"))
    sla, fcr, reopen, backlog = value_of(h["sla"]), value_of(h["fcr"]), value_of(h["reopen"]), int(h["backlog"])
    en, zh = [f"{n:,} tickets were opened in the window."], [f"评估期内共开立 {n:,} 张工单。"]
    times_en, times_zh = [], []
    if not is_missing(fr50):
        times_en.append(f"Half received a first answer within {en_f.fmt(fr50, 'hours')} (90% within {en_f.fmt(fr90, 'hours')})")
        times_zh.append(f"一半在 {zh_f.fmt(fr50, 'hours')}内得到首次回复（90% 在 {zh_f.fmt(fr90, 'hours')}内）")
    if not is_missing(rs50):
        times_en.append(f"half of the resolved ones were closed within {en_f.fmt(rs50, 'hours')} (90% within {en_f.fmt(rs90, 'hours')})")
        times_zh.append(f"已解决工单中一半在 {zh_f.fmt(rs50, 'hours')}内关闭（90% 在 {zh_f.fmt(rs90, 'hours')}内）")
    if times_en:
        t = " and ".join(times_en)
        en.append(t[0].upper() + t[1:] + ".")
        zh.append("，".join(times_zh) + "。")
    else:
        en.append("No ticket has a first response or resolution time yet.")
        zh.append("尚无工单有首次响应或解决时间。")
    if is_missing(sla):
        en.append(f"No ticket's {sla_hours:g}-hour resolution target is decided yet.")
        zh.append(f"尚无工单的 {sla_hours:g} 小时解决目标有定论。")
    else:
        en.append(f"{fmt_pct(sla)} met the {sla_hours:g}-hour resolution target; tickets still open past the target count as "
                  f"misses, and {h['undecided']} recent open tickets are not yet decided.")
        zh.append(f"{fmt_pct(sla)} 达到 {sla_hours:g} 小时解决目标；超过目标仍未解决的工单计为未达标，"
                  f"另有 {h['undecided']} 张近期未结工单尚无定论。")
    tail_en, tail_zh = [], []
    if not is_missing(fcr):
        tail_en.append(f"{fmt_pct(fcr)} were solved at the first contact")
        tail_zh.append(f"首次接触解决率 {fmt_pct(fcr)}")
    if not is_missing(reopen):
        tail_en.append(f"{fmt_pct(reopen)} were reopened")
        tail_zh.append(f"重开率 {fmt_pct(reopen)}")
    tail_en.append(f"{backlog:,} remained open at the end of the period")
    tail_zh.append(f"期末仍有 {backlog:,} 张工单未结")
    t = _and(tail_en)
    en.append(t[0].upper() + t[1:] + ".")
    zh.append("，".join(tail_zh) + "。")
    return Bilingual(" ".join(en), "".join(zh))


def waiting(late: float, channel_medians: pd.Series, sla_hours: float, currency: str = "CNY") -> Bilingual:
    """Share of resolved tickets over the target and the fastest / slowest channel by median resolution time.

    *late* is :func:`crmkit.indicators.service.late_share`; *channel_medians*
    is :func:`crmkit.indicators.service.median_by` (ascending).
    """
    en_f, zh_f = formatters(currency)
    if is_missing(late) or channel_medians.empty:
        return Bilingual("No ticket opened in the window has been resolved yet.", "评估期内开立的工单尚无已解决的。")
    fast, slow = channel_medians.index[0], channel_medians.index[-1]
    fv, sv = channel_medians.iloc[0], channel_medians.iloc[-1]
    en = f"{fmt_pct(late)} of resolved tickets took longer than the {sla_hours:g}-hour target. "
    zh = f"已解决工单中有 {fmt_pct(late)} 超过 {sla_hours:g} 小时目标。"
    if len(channel_medians) == 1:
        return Bilingual(en + f"All of them came through {fast} (median {en_f.fmt(fv, 'hours')}).",
                         zh + f"全部来自 {fast}（中位数 {zh_f.fmt(fv, 'hours')}）。")
    return Bilingual(
        en + f"By median resolution time the fastest channel is {fast} ({en_f.fmt(fv, 'hours')}) and the slowest "
             f"{slow} ({en_f.fmt(sv, 'hours')}).",
        zh + f"按解决时长中位数，最快的渠道是 {fast}（{zh_f.fmt(fv, 'hours')}），最慢的是 {slow}（{zh_f.fmt(sv, 'hours')}）。",
    )


def sla_by_category(by_category: pd.DataFrame) -> Bilingual:
    """Range of SLA attainment over ticket categories (:func:`crmkit.indicators.service.service_by`)."""
    ok = by_category.dropna(subset=["sla_attainment"]).sort_values("sla_attainment", kind="stable")
    if ok.empty:
        return Bilingual("No category has a decided SLA outcome yet.", "尚无类别有已定论的时限结果。")
    w, b = ok.iloc[0], ok.iloc[-1]
    if len(ok) == 1:
        return Bilingual(
            f"SLA attainment is {fmt_pct(w['sla_attainment'])} for '{w['category']}' ({int(w['tickets'])} tickets), the only category.",
            f"唯一的类别“{w['category']}”时限达成率为 {fmt_pct(w['sla_attainment'])}（{int(w['tickets'])} 张工单）。",
        )
    return Bilingual(
        f"SLA attainment ranges from {fmt_pct(w['sla_attainment'])} for '{w['category']}' ({int(w['tickets'])} tickets) to "
        f"{fmt_pct(b['sla_attainment'])} for '{b['category']}'. Categories with few tickets move a lot from period to period.",
        f"时限达成率从“{w['category']}”的 {fmt_pct(w['sla_attainment'])}（{int(w['tickets'])} 张工单）到“{b['category']}”的 "
        f"{fmt_pct(b['sla_attainment'])} 不等。工单较少的类别在各期之间波动较大。",
    )


def complaints(c: dict, currency: str = "CNY") -> Bilingual:
    """Complaint count, rates per 1,000 customers and orders, top reason, handling time and resolution.

    *c* is :func:`crmkit.indicators.service.complaint_overview`.
    """
    en_f, zh_f = formatters(currency)
    reasons = c["reasons"]
    if int(c["complaints"]) == 0 or reasons.empty:
        return Bilingual("No complaints were recorded in the window.", "评估期内没有投诉记录。")
    top = reasons.iloc[0]
    per_c, per_o = value_of(c["per_1000_customers"]), value_of(c["per_1000_orders"])
    handling, resolved = value_of(c["handling_hours"]), value_of(c["resolution_rate"])
    if is_missing(per_c) or is_missing(per_o):
        rate_en, rate_zh = "", ""
    else:
        rate_en = f": {per_c:.1f} per 1,000 ordering customers and {per_o:.1f} per 1,000 orders"
        rate_zh = f"：每千位下单客户 {per_c:.1f} 起，每千笔订单 {per_o:.1f} 起"
    en = (f"{c['complaints']:,} complaints were opened{rate_en}. The most common reason is '{top['reason']}' "
          f"({fmt_pct(top['share'], 0)} of complaints). ")
    zh = f"共收到 {c['complaints']:,} 起投诉{rate_zh}。最常见原因是“{top['reason']}”（占 {fmt_pct(top['share'], 0)}）。"
    if is_missing(handling):
        en += f"None was resolved yet, so {fmt_pct(resolved)} were resolved by the end of the period."
        zh += f"尚无投诉解决，期末已解决 {fmt_pct(resolved)}。"
    else:
        en += (f"Half of the resolved complaints were handled within {en_f.fmt(handling, 'hours')}, and "
               f"{fmt_pct(resolved)} were resolved by the end of the period.")
        zh += f"已解决投诉中一半在 {zh_f.fmt(handling, 'hours')}内处理完毕，期末已解决 {fmt_pct(resolved)}。"
    return Bilingual(en, zh)


def trend(monthly: pd.DataFrame) -> Bilingual:
    """Change of SLA attainment between the first and last month and the range of monthly ticket volume.

    *monthly* is :func:`crmkit.indicators.service.recent_trend` (or
    :func:`~crmkit.indicators.service.monthly_trend`).
    """
    if len(monthly) < 2:
        return Bilingual("Fewer than two months have tickets, so there is no trend to show.",
                         "有工单的月份少于两个，无法展示趋势。")
    lo, hi = int(monthly["tickets"].min()), int(monthly["tickets"].max())
    volume_en = f"monthly ticket volume ranged from {lo:,} to {hi:,}."
    volume_zh = f"每月工单量在 {lo:,} 到 {hi:,} 之间。"
    first, last = monthly.iloc[0], monthly.iloc[-1]
    a, b = first["sla_attainment"], last["sla_attainment"]
    if is_missing(a) or is_missing(b):
        return Bilingual(f"Over the last {len(monthly)} months SLA attainment is not known for the first or the last month; "
                         + volume_en, f"近 {len(monthly)} 个月中首月或末月的时限达成率未知；" + volume_zh)
    d = b - a
    word_en = "an improvement" if d > 0 else "a decline" if d < 0 else "no change"
    word_zh = "提高" if d > 0 else "下降" if d < 0 else "变化"
    return Bilingual(
        f"Over the last {len(monthly)} months SLA attainment moved from {fmt_pct(a)} ({first['month']:%Y-%m}) to "
        f"{fmt_pct(b)} ({last['month']:%Y-%m}), {word_en} of {abs(d) * 100:.1f} percentage points; " + volume_en,
        f"近 {len(monthly)} 个月时限达成率从 {fmt_pct(a)}（{first['month']:%Y-%m}）变为 {fmt_pct(b)}"
        f"（{last['month']:%Y-%m}），{word_zh} {abs(d) * 100:.1f} 个百分点；" + volume_zh,
    )
