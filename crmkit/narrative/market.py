"""Readings of the market section: market share and the competitor comparison.

Each function takes results of :mod:`crmkit.indicators.market` and returns a
:class:`~crmkit.formatting.Bilingual` sentence; missing values are left out
in words, never written as "nan".
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from crmkit.formatting import Bilingual, is_missing

__all__ = ["no_market_data", "share_trend", "benchmark_gaps"]


def no_market_data() -> Bilingual:
    """Note: neither a market file nor a market size was given."""
    return Bilingual(
        "No market data was supplied. Give the market size of the period with the parameter market_size, or point the "
        "parameter competitors at a market file (layout: parameters/market.yaml) with market sizes per period and "
        "competitor benchmarks, each with its source.",
        "未提供市场数据。可用参数 market_size 给出本期市场规模，或将参数 competitors 指向市场文件（格式见 parameters/market.yaml），"
        "其中列出各期市场规模与竞争对手基准，并注明来源。")


def share_trend(trend: Mapping[str, Any]) -> Bilingual:
    """Latest market share, change vs the previous period and the trend (:func:`crmkit.indicators.market.share_trend`)."""
    if is_missing(trend["latest"]):
        return Bilingual("Market share = company revenue / market size; no period has both.",
                         "市场份额 = 公司收入 / 市场规模；没有同时具备两者的期间。")
    en, zh = f"Market share = company revenue / market size. Latest share {trend['latest']:.2%}", \
        f"市场份额 = 公司收入 / 市场规模。最新份额 {trend['latest']:.2%}"
    if not is_missing(trend["change"]):
        en += f", {100 * trend['change']:+.2f} points vs the previous period"
        zh += f"，较上期 {100 * trend['change']:+.2f} 个百分点"
    if not is_missing(trend["slope"]):
        en += f"; trend {100 * trend['slope']:+.2f} points per period over {trend['periods']} periods"
        zh += f"；{trend['periods']} 期趋势为每期 {100 * trend['slope']:+.2f} 个百分点"
    return Bilingual(en + ".", zh + "。")


def benchmark_gaps(gaps: pd.DataFrame) -> Bilingual:
    """Where the company is ahead of or behind the competitors' mean, its rank per metric and the churn definition.

    *gaps* is :func:`crmkit.indicators.market.benchmark_gaps`; the company's
    churn rate is the period churn rate of the churn report.
    """
    good, bad = gaps[gaps["better"]], gaps[~gaps["better"]]
    return Bilingual(
        "Against the competitors' mean the company is ahead on " + (", ".join(good["label_en"]) or "none of the benchmarks")
        + " and behind on " + (", ".join(bad["label_en"]) or "none") + ". "
        + " ".join(f"{r.label_en}: rank {r.rank} of {r.entities}." for r in gaps.itertuples())
        + " The company's churn rate is the period churn rate of the churn report (customers who churned during the "
        "period / customers at risk at its start); check that competitors' figures use a comparable definition.",
        "与竞争对手平均水平相比，本公司领先于：" + ("、".join(good["label_zh"]) or "无")
        + "；落后于：" + ("、".join(bad["label_zh"]) or "无") + "。"
        + "".join(f"{r.label_zh}排名 {r.rank}/{r.entities}。" for r in gaps.itertuples())
        + "本公司的流失率为流失报告中的期间流失率（本期流失客户 / 期初在册客户），请确认竞争对手数据的口径可比。",
    )
