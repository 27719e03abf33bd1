"""Readings of the customer-base report (01): counts, growth, months, types, segments, market share."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing

__all__ = ["DIMENSION_NAMES", "MEASURE_NAMES", "dimension_name", "overview", "growth", "monthly", "customer_types",
           "segments", "missing_dimensions", "market_share", "no_market_size", "columns", "overview_tiles",
           "subscriber_tiles", "subscribers"]

#: Names of the segmentation attributes (en, zh).
DIMENSION_NAMES: dict[str, tuple[str, str]] = {
    "customer_type": ("Customer type", "客户类型"), "age_band": ("Age band", "年龄段"), "gender": ("Gender", "性别"),
    "occupation": ("Occupation", "职业"), "income_band": ("Income band", "收入水平"), "region": ("Region", "地区"),
    "acquisition_channel": ("Acquisition channel", "获客渠道"),
}
#: Names of the counts of :func:`crmkit.customer_base.customer_counts` (en, zh).
MEASURE_NAMES: dict[str, tuple[str, str]] = {
    "total": ("Customers (signed up)", "客户总数"), "active": ("Active customers", "活跃客户"),
    "new": ("New buyers", "新购买客户"), "returning": ("Returning buyers", "回头客"), "signups": ("Sign-ups", "新注册"),
}


def dimension_name(dimension: str) -> tuple[str, str]:
    """(en, zh) name of a segmentation attribute; an unknown attribute is named by itself."""
    return DIMENSION_NAMES.get(dimension, (dimension, dimension))


def _pct(x: float, digits: int = 1) -> str:
    return Formatter().fmt(x, "ratio", digits)


def _chg(x: float) -> str:
    return f"{x:+.1%}"


def _changes(growth: pd.DataFrame, metric: str, en_name: str, zh_name: str) -> tuple[str, str]:
    """Clause on the change of one measure against the previous period and last year (missing ones said so)."""
    g, y = growth.loc[metric, "growth"], growth.loc[metric, "yoy"]
    if not is_missing(g) and not is_missing(y):
        return (f"{en_name} changed by {_chg(g)} against the previous period and {_chg(y)} against the same period last year",
                f"{zh_name}环比 {_chg(g)}，同比 {_chg(y)}")
    if not is_missing(g):
        return (f"{en_name} changed by {_chg(g)} against the previous period (none in the same period last year)",
                f"{zh_name}环比 {_chg(g)}（去年同期为零，无法计算同比）")
    if not is_missing(y):
        return (f"{en_name} changed by {_chg(y)} against the same period last year (none in the previous period)",
                f"{zh_name}同比 {_chg(y)}（上期为零，无法计算环比）")
    return (f"{en_name} cannot be compared with earlier periods (none in them)", f"{zh_name}无前期可比数据")


def overview(counts: dict[str, int], active_share: Estimate, growth: pd.DataFrame, end) -> Bilingual:
    """Customers signed up, active, new and returning, and the change of active and first-time buyers.

    Parameters
    ----------
    counts : dict
        :func:`crmkit.customer_base.customer_counts` of the window.
    active_share : Estimate
        Active / total customers.
    growth : DataFrame
        :func:`crmkit.customer_base.growth_table` (``metric`` column or index).
    end : date
        Last day of the window.
    """
    g = growth.set_index("metric") if "metric" in growth else growth
    share = "–" if is_missing(active_share.value) else _pct(active_share.value)
    en = (f"{counts['total']:,} customers had signed up by {pd.Timestamp(end):%Y-%m-%d}; {counts['active']:,} of them "
          f"({share}) bought in the period: {counts['new']:,} bought for the first time and {counts['returning']:,} came back. ")
    zh = (f"截至 {pd.Timestamp(end):%Y-%m-%d} 共有 {counts['total']:,} 名注册客户，其中 {counts['active']:,} 名（{share}）在本期有购买："
          f"{counts['new']:,} 名为首次购买，{counts['returning']:,} 名为回头客。")
    if is_missing(active_share.value):
        en = f"No customer had signed up by {pd.Timestamp(end):%Y-%m-%d}. "
        zh = f"截至 {pd.Timestamp(end):%Y-%m-%d} 没有注册客户。"
    complete = all(not is_missing(g.loc[m, k]) for m in ("active", "new") for k in ("growth", "yoy"))
    if complete:
        en += (f"Active customers changed by {_chg(g.loc['active', 'growth'])} against the previous period and "
               f"{_chg(g.loc['active', 'yoy'])} against the same period last year; first-time buyers changed by "
               f"{_chg(g.loc['new', 'growth'])} and {_chg(g.loc['new', 'yoy'])} respectively.")
        zh += (f"活跃客户环比 {_chg(g.loc['active', 'growth'])}，同比 {_chg(g.loc['active', 'yoy'])}；"
               f"首次购买客户环比 {_chg(g.loc['new', 'growth'])}，同比 {_chg(g.loc['new', 'yoy'])}。")
    else:
        a_en, a_zh = _changes(g, "active", "Active customers", "活跃客户")
        n_en, n_zh = _changes(g, "new", "first-time buyers", "首次购买客户")
        en += f"{a_en}; {n_en}."
        zh += f"{a_zh}；{n_zh}。"
    return Bilingual(en, zh)


def growth(returning_share: float, signup_growth: float) -> Bilingual:
    """Share of returning buyers in the active base and the change of sign-ups against the previous period."""
    if is_missing(returning_share):
        en, zh = "No customer bought in the period. ", "本期没有客户购买。"
    else:
        en, zh = (f"Returning buyers make up {_pct(returning_share)} of the active base. ",
                  f"回头客占活跃客户的 {_pct(returning_share)}。")
    if is_missing(signup_growth):
        en += "Sign-ups cannot be compared with the previous period (none then); "
        zh += "上期没有新注册客户，无法计算环比；"
    else:
        en += f"Sign-ups changed by {_chg(signup_growth)} against the previous period; "
        zh += f"新注册客户环比 {_chg(signup_growth)}；"
    en += ("a base that grows mainly through first-time buyers depends on acquisition, "
           "one that grows through returning buyers on loyalty.")
    zh += "主要靠首次购买增长的客户群依赖获客，主要靠回头客增长的客户群依赖忠诚度。"
    return Bilingual(en, zh)


def monthly(summary: dict) -> Bilingual:
    """Busiest month and the monthly averages in the window (:func:`crmkit.customer_base.monthly_summary`)."""
    s = summary
    head_en = f"Over the last {s['months']} months the busiest month was {s['peak_month']:%Y-%m} with {s['peak_active']:,} active customers"
    head_zh = f"近 {s['months']} 个月中活跃客户最多的是 {s['peak_month']:%Y-%m}（{s['peak_active']:,} 名）"
    if is_missing(s["mean_active"]):
        return Bilingual(head_en + "; no customer bought inside the period.", head_zh + "；本期没有客户购买。")
    return Bilingual(
        head_en + f"; inside the period an average of {s['mean_active']:,.0f} customers bought each month, "
        f"{s['mean_new']:,.0f} of them for the first time.",
        head_zh + f"；本期平均每月 {s['mean_active']:,.0f} 名客户购买，其中 {s['mean_new']:,.0f} 名为首次购买。",
    )


def customer_types(types: pd.DataFrame, top: pd.Series, currency: str = "CNY") -> Bilingual:
    """Number of customer types and the one bringing most revenue (*top*, :func:`crmkit.customer_base.top_revenue_segment`)."""
    if len(types) <= 1:
        return Bilingual(f"All customers are of one type ({top['segment']}).", f"所有客户均为同一类型（{top['segment']}）。")
    en_f, zh_f = Formatter("en", currency), Formatter("zh", currency)
    en = (f"{len(types)} customer types. {top['segment']} customers are {_pct(top['customer_share'])} of the base "
          f"but bring {_pct(top['revenue_share'])} of revenue")
    zh = f"共 {len(types)} 类客户。{top['segment']} 类客户占客户数的 {_pct(top['customer_share'])}，贡献收入的 {_pct(top['revenue_share'])}"
    if is_missing(top["revenue_per_active"]):
        return Bilingual(en + " (none of them active in the period).", zh + "（本期无活跃客户）。")
    return Bilingual(en + f" ({en_f.fmt(top['revenue_per_active'], 'currency')} per active customer).",
                     zh + f"（活跃客户人均 {zh_f.fmt(top['revenue_per_active'], 'currency')}）。")


def segments(highlights: dict) -> Bilingual:
    """Largest segment of every attribute and the segments most over- and under-represented in revenue.

    *highlights* is :func:`crmkit.customer_base.segment_highlights`.
    """
    largest, over, under = highlights["largest"], highlights["over"], highlights["under"]
    o_en, o_zh = dimension_name(over["dimension"])
    u_en, u_zh = dimension_name(under["dimension"])
    big_en = "; ".join(f"{dimension_name(r.dimension)[0]} {r.segment} ({_pct(r.customer_share, 0)})" for r in largest.itertuples())
    big_zh = "；".join(f"{dimension_name(r.dimension)[1]} {r.segment}（{_pct(r.customer_share, 0)}）" for r in largest.itertuples())
    return Bilingual(
        f"Largest segments: {big_en}. The segment that brings most revenue relative to its size is {o_en} = {over['segment']} "
        f"({_pct(over['customer_share'])} of customers, {_pct(over['revenue_share'])} of revenue); the least is "
        f"{u_en} = {under['segment']} ({_pct(under['customer_share'])} vs {_pct(under['revenue_share'])}).",
        f"最大的细分：{big_zh}。相对规模贡献收入最多的细分是 {o_zh} = {over['segment']}"
        f"（客户占 {_pct(over['customer_share'])}，收入占 {_pct(over['revenue_share'])}）；最少的是 {u_zh} = {under['segment']}"
        f"（{_pct(under['customer_share'])} 对 {_pct(under['revenue_share'])}）。",
    )


def missing_dimensions(dimensions: list[str]) -> Bilingual:
    """The segmentation attributes the company does not record."""
    return Bilingual(f"Not recorded for this company: {', '.join(dimension_name(d)[0] for d in dimensions)}.",
                     f"该公司未记录：{'、'.join(dimension_name(d)[1] for d in dimensions)}。")


def market_share(share: Estimate, sales: float, market_size: float, currency: str = "CNY") -> Bilingual:
    """The company's sales as a share of the market's sales in the period."""
    en_f, zh_f = Formatter("en", currency), Formatter("zh", currency)
    return Bilingual(
        f"With a market of {en_f.fmt(market_size, 'currency')} in the period, the company's sales of "
        f"{en_f.fmt(sales, 'currency')} are a {_pct(share.value, 2)} share.",
        f"本期市场规模为 {zh_f.fmt(market_size, 'currency')}，公司销售额 {zh_f.fmt(sales, 'currency')}，市场占有率为 {_pct(share.value, 2)}。",
    )


def no_market_size() -> Bilingual:
    """Why market share is not computed."""
    return Bilingual("No market size was given (parameter market_size, the market's sales in the period in the report currency), "
                     "so market share is not computed.",
                     "未提供市场规模（参数 market_size：本期市场销售额，报告币种），因此不计算市场占有率。")


_SEGMENT_LABELS = {
    "segment": ("Segment", "细分"), "customers": ("Customers", "客户数"), "customer_share": ("Share of customers", "客户占比"),
    "active_customers": ("Active", "活跃客户"), "active_share": ("Share of active", "活跃占比"),
    "new_customers": ("New buyers", "新购买"), "revenue": ("Revenue", "收入"), "revenue_share": ("Share of revenue", "收入占比"),
    "revenue_per_active": ("Revenue per active customer", "活跃客户人均收入"), "dimension": ("Attribute", "属性"),
}
_SEGMENT_FORMATS = {"customers": "count", "customer_share": "ratio", "active_customers": "count", "active_share": "ratio",
                    "new_customers": "count", "revenue": "currency", "revenue_share": "ratio", "revenue_per_active": "currency"}


def columns(table: str, fmt: Formatter, frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """Formats and bilingual headers of the report's tables: ``rp.table(frame, **columns("segments", rp))``.

    *table* is ``growth`` (pass the :func:`crmkit.customer_base.growth_table` as *frame*: its comparison
    windows name the columns) or ``segments``.
    """
    if table == "segments":
        return {"formats": {**_SEGMENT_FORMATS, "dimension": lambda d: fmt.t(*dimension_name(d))}, "labels": _SEGMENT_LABELS}
    if table != "growth" or frame is None:
        raise ValueError(f"unknown table {table!r} (growth needs its frame)")
    ps, pe, ys, ye = (pd.Timestamp(frame.attrs[k]) for k in ("previous_start", "previous_end", "year_start", "year_end"))
    return {
        "formats": {"metric": lambda m: fmt.t(*MEASURE_NAMES.get(m, (m, m))), "current": "count", "previous": "count",
                    "last_year": "count", "growth": "ratio", "yoy": "ratio"},
        "labels": {"metric": ("Measure", "指标"), "current": ("This period", "本期"),
                   "previous": (f"Previous ({ps:%Y-%m-%d}–{pe:%Y-%m-%d})", f"上期（{ps:%Y-%m-%d}–{pe:%Y-%m-%d}）"),
                   "growth": ("Change", "环比"),
                   "last_year": (f"Last year ({ys:%Y-%m-%d}–{ye:%Y-%m-%d})", f"去年同期（{ys:%Y-%m-%d}–{ye:%Y-%m-%d}）"),
                   "yoy": ("Change vs last year", "同比")},
    }


def overview_tiles(counts: dict[str, int], active_share: Estimate, growth: pd.DataFrame) -> list[tuple]:
    """KPI tiles of the customer base at a glance (*growth*: :func:`crmkit.customer_base.growth_table`)."""
    g = growth.set_index("metric") if "metric" in growth else growth
    return [("total_customers", counts["total"]), (("Active in the period", "期内活跃客户"), counts["active"], "count"),
            ("new_customers", counts["new"]), ("returning_customers", counts["returning"]),
            ("active_customer_share", active_share),
            (("Active customers vs previous period", "活跃客户环比"), g.loc["active", "growth"], "ratio"),
            (("Active customers vs last year", "活跃客户同比"), g.loc["active", "yoy"], "ratio")]


def subscriber_tiles(counts: dict[str, int]) -> list[tuple]:
    """KPI tiles of the subscriber flows (:func:`crmkit.customer_base.subscriber_counts`)."""
    return [("subscribers_start", counts["start"]), ("subscribers_end", counts["end"]), ("gross_adds", counts["gross_adds"]),
            ("cancellations", counts["cancellations"]), ("net_adds", counts["net_adds"])]


def subscribers(counts: dict[str, int], start, end) -> Bilingual:
    """Subscribers at the start and end of the period and the flows between them (contractual business)."""
    s0, s1 = pd.Timestamp(start), pd.Timestamp(end)
    c = counts
    rule_en = ("A subscriber has signed up and not cancelled; a purchase after cancelling counts as winning the customer "
               "back.")
    rule_zh = "订阅客户指已注册且未解约的客户；解约后再次购买视为挽回。"
    if not c["start"] and not c["end"] and not c["gross_adds"]:
        return Bilingual(f"No subscribers between {s0:%Y-%m-%d} and {s1:%Y-%m-%d}. " + rule_en,
                         f"{s0:%Y-%m-%d} 至 {s1:%Y-%m-%d} 期间没有订阅客户。" + rule_zh)
    return Bilingual(
        f"{c['start']:,} subscribers at the start of the period ({s0:%Y-%m-%d}) and {c['end']:,} at its end "
        f"({s1:%Y-%m-%d}): {c['gross_adds']:,} joined ({c['new']:,} new sign-ups, {c['won_back']:,} won back) and "
        f"{c['cancellations']:,} cancelled, a net change of {c['net_adds']:+,}. " + rule_en,
        f"期初（{s0:%Y-%m-%d}）有 {c['start']:,} 名订阅客户，期末（{s1:%Y-%m-%d}）有 {c['end']:,} 名：新增 {c['gross_adds']:,} 名"
        f"（新注册 {c['new']:,} 名，挽回 {c['won_back']:,} 名），解约 {c['cancellations']:,} 名，净变化 {c['net_adds']:+,}。" + rule_zh,
    )


def no_segments(has_attributes: bool = False) -> Bilingual:
    """Note of a base without any of the standard segment columns.

    Examples
    --------
    >>> no_segments(True).en
    'None of the standard segment columns (region, channel, tier, ...) is recorded; the company-specific attributes follow.'
    """
    if has_attributes:
        return Bilingual("None of the standard segment columns (region, channel, tier, ...) is recorded; the "
                         "company-specific attributes follow.",
                         "未记录任何标准细分字段（地区、渠道、等级等）；以下为企业自定义客户属性。")
    return Bilingual("No customer attributes are recorded beyond the customer id and sign-up date.",
                     "除客户编号和注册日期外未记录客户属性。")
