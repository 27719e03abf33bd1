"""Readings of the channel report (08_channels), in English and Simplified Chinese.

Each function takes figures of :mod:`crmkit.indicators.channels` and returns a
:class:`~crmkit.formatting.Bilingual` sentence; a missing figure is left out
or said to be missing, never shown as "nan".
"""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Bilingual, Formatter, fmt_pct, is_missing

__all__ = ["CHANNEL_LABELS", "ENGAGEMENT_LABELS", "SALES_LABELS", "SALES_FORMATS", "channel_formats", "busiest",
           "efficiency", "mix_shift", "engagement", "segments", "sales"]

#: the per-channel table: columns shown (in order) and their headers
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "渠道"), "contacts": ("Contacts", "接触量"), "share": ("Share", "占比"),
    "first_response_median_h": ("First response, median", "首次响应中位数"),
    "resolution_median_h": ("Resolution, median", "解决时长中位数"), "sla_attainment": ("SLA met", "时限达成"),
    "fcr_rate": ("First-contact resolution", "首次接触解决"), "csat": ("CSAT", "满意度"), "rated": ("Ratings", "评价数"),
    "cost_per_contact": ("Cost per contact", "单次接触成本"),
}
ENGAGEMENT_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "渠道"), "inbound_interactions": ("Inbound interactions", "客户主动互动"), "share": ("Share", "占比"),
}
SALES_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Sales channel", "销售渠道"), "orders": ("Orders", "订单"), "customers": ("Customers", "客户"),
    "revenue": ("Revenue", "收入"), "revenue_share": ("Share of revenue", "收入占比"),
}
SALES_FORMATS: dict[str, str] = {"orders": "count", "customers": "count", "revenue": "currency", "revenue_share": "ratio"}


def channel_formats(fmt: Formatter) -> dict:
    """Units of the per-channel table (cost per contact with one decimal)."""
    return {"contacts": "count", "share": "ratio", "first_response_median_h": "hours", "resolution_median_h": "hours",
            "sla_attainment": "ratio", "fcr_rate": "ratio", "csat": "ratio", "rated": "count",
            "cost_per_contact": lambda v: fmt.fmt(v, "currency", 1)}


def busiest(table: pd.DataFrame) -> Bilingual:
    """Service contacts over the channels of :func:`crmkit.indicators.channels.channel_table` and the busiest ones."""
    if table.empty:
        return Bilingual("No service contact was recorded in the window.", "评估期内没有服务接触记录。")
    total, top = int(table["contacts"].sum()), table.iloc[0]
    en = (f"Customers contacted service {total:,} times over {len(table)} channels. "
          f"'{top['channel']}' carries the most contacts ({fmt_pct(top['share'])})")
    zh = f"客户通过 {len(table)} 个渠道共联系客服 {total:,} 次。“{top['channel']}”接触量最多（{fmt_pct(top['share'])}）"
    if len(table) > 1:
        second = table.iloc[1]
        en += f", followed by '{second['channel']}' ({fmt_pct(second['share'])})."
        zh += f"，其次是“{second['channel']}”（{fmt_pct(second['share'])}）。"
    else:
        en, zh = en + ".", zh + "。"
    return Bilingual(en, zh)


def efficiency(extremes: dict, cost_per_contact: float, currency: str = "CNY") -> Bilingual | None:
    """Fastest / slowest, most / least satisfying and cheapest / dearest channel in one reading.

    *extremes* is :func:`crmkit.indicators.channels.channel_extremes`; ``None``
    when no channel has any of the figures.
    """
    en_f, zh_f = Formatter("en", currency), Formatter("zh", currency)
    en, zh = [], []
    if extremes["resolution"]:
        fast, slow = extremes["resolution"]
        en.append(f"'{fast['channel']}' resolves fastest (median {en_f.fmt(fast['resolution_median_h'], 'hours')}) and "
                  f"'{slow['channel']}' slowest ({en_f.fmt(slow['resolution_median_h'], 'hours')})")
        zh.append(f"“{fast['channel']}”解决最快（中位数 {zh_f.fmt(fast['resolution_median_h'], 'hours')}），"
                  f"“{slow['channel']}”最慢（{zh_f.fmt(slow['resolution_median_h'], 'hours')}）")
    if extremes["csat"]:
        low, high = extremes["csat"]
        en.append(f"satisfaction is highest on '{high['channel']}' ({fmt_pct(high['csat'], 0)} satisfied) and lowest on "
                  f"'{low['channel']}' ({fmt_pct(low['csat'], 0)})")
        zh.append(f"满意度最高的是“{high['channel']}”（{fmt_pct(high['csat'], 0)}），最低的是“{low['channel']}”（{fmt_pct(low['csat'], 0)}）")
    if extremes["cost"] and not is_missing(cost_per_contact):
        cheap, dear = extremes["cost"]
        money = (lambda f, v: f.fmt(v, "currency", 1))
        en.append(f"a contact costs {money(en_f, cost_per_contact)} on average, from {money(en_f, cheap['cost_per_contact'])} "
                  f"on '{cheap['channel']}' to {money(en_f, dear['cost_per_contact'])} on '{dear['channel']}'")
        zh.append(f"平均每次接触成本 {money(zh_f, cost_per_contact)}，从“{cheap['channel']}”的 {money(zh_f, cheap['cost_per_contact'])} "
                  f"到“{dear['channel']}”的 {money(zh_f, dear['cost_per_contact'])}")
    if not en:
        return None
    sentence = "; ".join(en)
    return Bilingual(sentence[0].upper() + sentence[1:] + ". Channels with few ratings are shown but their satisfaction is uncertain.",
                     "；".join(zh) + "。评价数较少的渠道满意度不确定性较大。")


def mix_shift(shift: dict) -> Bilingual:
    """Share of the main channel in the first and last month (:func:`crmkit.indicators.channels.main_channel_shift`)."""
    d, main = shift["change"], shift["channel"]
    sign = "+" if d >= 0 else "−"
    a, b = fmt_pct(shift["first"]), fmt_pct(shift["last"])
    m0, m1 = f"{shift['first_month']:%Y-%m}", f"{shift['last_month']:%Y-%m}"
    return Bilingual(
        f"The share of '{main}', the main channel, went from {a} in {m0} to {b} in {m1} ({sign}{abs(d) * 100:.1f} percentage points).",
        f"主要渠道“{main}”的占比从 {m0} 的 {a} 变为 {m1} 的 {b}（{sign}{abs(d) * 100:.1f} 个百分点）。",
    )


def engagement(eng: pd.DataFrame) -> Bilingual:
    """Customer-initiated interactions and their most used channel (:func:`crmkit.indicators.channels.contact_volume`)."""
    total, top = int(eng["inbound_interactions"].sum()), eng.iloc[0]
    return Bilingual(
        f"Besides service contacts, customers reached the company {total:,} times on their own initiative, "
        f"most often through '{top['channel']}' ({fmt_pct(top['share'], 0)}).",
        f"除服务接触外，客户主动与公司互动 {total:,} 次，最常用“{top['channel']}”（{fmt_pct(top['share'], 0)}）。",
    )


def segments(preferences: list[list[tuple[str, str, float]]]) -> Bilingual:
    """Most used channel of every segment (:func:`crmkit.indicators.channels.preferred_channels` per grid)."""
    groups = [p for p in preferences if p]
    if not groups:
        return Bilingual("No service contact could be linked to a customer segment.", "没有可关联到客户群的服务接触。")
    en = "; ".join(", ".join(f"{s} mostly use '{c}' ({fmt_pct(v, 0)})" for s, c, v in g) for g in groups)
    zh = "；".join("，".join(f"{s}主要使用“{c}”（{fmt_pct(v, 0)}）" for s, c, v in g) for g in groups)
    return Bilingual("Share of each group's service contacts per channel: " + en + ".", "各客户群服务接触的渠道分布：" + zh + "。")


def sales(sales_mix: pd.DataFrame) -> Bilingual:
    """The leading sales channel's share of revenue (:func:`crmkit.indicators.channels.order_channel_mix`)."""
    if sales_mix.empty:
        return Bilingual("No orders in the window.", "评估期内无订单。")
    top = sales_mix.iloc[0]
    return Bilingual(
        f"'{top['channel']}' brings {fmt_pct(top['revenue_share'])} of the window's revenue across {len(sales_mix)} sales channels.",
        f"在 {len(sales_mix)} 个销售渠道中，“{top['channel']}”贡献了评估期 {fmt_pct(top['revenue_share'])} 的收入。",
    )
