"""Readings of the customer-value report (05): revenue, RFM, CLV, concentration, acquisition and predictive CLV.

Each function returns a :class:`~crmkit.formatting.Bilingual` sentence (or a
section's KPI tiles / table layout) from the results of
:mod:`crmkit.indicators.value` and :func:`crmkit.clv.workflow.predictive_clv`.
Missing values are said in words, never shown as ``nan``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing
from crmkit.indicators.value import SEGMENT_LABELS

__all__ = ["revenue_tiles", "comparison_rows", "COMPARISON_TABLE", "revenue", "SEGMENT_TABLE", "segment_rows", "rfm",
           "NO_RFM", "TIER_TABLE", "tier_rows", "historical_clv", "concentration", "NO_WINDOW_ORDERS", "cac_tiles",
           "CHANNEL_TABLE", "acquisition", "NO_ACQUISITION_COST", "value_basis", "predictive_intro", "status_warning",
           "HOLDOUT_TABLE", "holdout", "tracking", "PARAMETER_TABLE", "parameter_rows", "parameters", "activity",
           "predicted_tiles", "PREDICTED_TIER_TABLE", "predicted_clv", "predicted_cac_tiles", "predicted_cac",
           "NO_PREDICTED_CAC", "contract_unavailable", "contract_intro", "contract_parameters", "contract_tiles",
           "contract_value"]

_GROWTH_UNITS = {"revenue": "currency", "orders": "count", "customers": "count", "aov": "currency",
                 "revenue_per_customer": "currency"}
_GROWTH_NAMES = {"revenue": ("Revenue", "收入"), "orders": ("Orders", "订单数"), "customers": ("Ordering customers", "下单客户数"),
                 "aov": ("Average order value", "客单价"), "revenue_per_customer": ("Revenue per customer", "每客户收入")}

NO_RFM = Bilingual("No customer has an order yet, so RFM segments cannot be formed.", "尚无客户下单，无法进行 RFM 分群。")
NO_WINDOW_ORDERS = Bilingual("No orders in the window.", "评估期内无订单。")
NO_ACQUISITION_COST = Bilingual(
    "No acquisition cost is recorded (costs with category 'acquisition' or customers' acquisition_cost), or no customer "
    "signed up in the window, so CAC, CLV:CAC and payback are not computed.",
    "未记录获客费用（费用类别为 acquisition 或客户获客成本），或评估期内无新客户，因此不计算获客成本、CLV:CAC 与回收期。")
NO_PREDICTED_CAC = Bilingual("No acquisition cost is available, so CLV:CAC is not computed with predicted CLV either.",
                             "无获客成本数据，因此也不计算基于预测 CLV 的 CLV:CAC。")


def _both(currency: str) -> tuple[Formatter, Formatter]:
    return Formatter("en", currency), Formatter("zh", currency)


def _pct(x: Any, digits: int = 1) -> str:
    return f"{float(x):.{digits}%}"


# -- revenue and orders ------------------------------------------------------------------
def revenue_tiles(rev: pd.Series, aov: Estimate, growth_previous: float, growth_year: float) -> list:
    """KPI tiles: revenue, orders, customers, AOV, revenue per customer and both growth rates."""
    return [(("Revenue", "收入"), rev["revenue"], "currency"), (("Orders", "订单数"), rev["orders"], "count"),
            (("Ordering customers", "下单客户数"), rev["customers"], "count"), (("Average order value", "客单价"), aov, "currency"),
            (("Revenue per customer", "每客户收入"), rev["revenue_per_customer"], "currency"),
            (("Growth vs previous period", "环比增长"), growth_previous, "ratio"),
            (("Growth vs same period last year", "同比增长"), growth_year, "ratio")]


#: Layout of the period comparison table (keywords of ``Report.table``).
COMPARISON_TABLE: dict[str, Any] = {"labels": {
    "metric": ("Metric", "指标"), "current": ("This period", "本期"), "previous": ("Previous period", "上期"),
    "growth_prev": ("Change", "环比"), "last_year": ("Same period last year", "去年同期"), "growth_year": ("Change", "同比")}}


def comparison_rows(growth_previous: pd.DataFrame, growth_year: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """This period against the previous one and the same period last year, formatted (rows of :func:`~crmkit.indicators.value.growth`, indexed by metric)."""
    p, y = growth_previous, growth_year
    return pd.DataFrame([{
        "metric": fmt.t(*_GROWTH_NAMES[m]), "current": fmt.fmt(p.loc[m, "current"], u), "previous": fmt.fmt(p.loc[m, "previous"], u),
        "growth_prev": fmt.fmt(p.loc[m, "growth"], "ratio"), "last_year": fmt.fmt(y.loc[m, "previous"], u),
        "growth_year": fmt.fmt(y.loc[m, "growth"], "ratio"),
    } for m, u in _GROWTH_UNITS.items()])


def _change(x: float, en: bool) -> str:
    if is_missing(x):
        return "not comparable (no orders in the comparison window)" if en else "无法比较（对比期无订单）"
    if en:
        return f"{'up' if x >= 0 else 'down'} {abs(x):.1%}"
    return f"{'增长' if x >= 0 else '下降'} {abs(x):.1%}"


def revenue(rev: pd.Series, aov: Estimate, growth_previous: float, growth_year: float, currency: str = "CNY") -> Bilingual:
    """Revenue, orders, customers, AOV and returns of the window with growth on both comparison windows."""
    en, zh = _both(currency)
    o, c = int(rev["orders"]), int(rev["customers"])
    return Bilingual(
        f"Revenue in the window was {en.fmt(rev['revenue'], 'currency')} from {o:,} orders by {c:,} customers (average order "
        f"{en.fmt(aov.value, 'currency')}; returns {en.fmt(rev['returns'], 'currency')}). Compared with the previous period "
        f"revenue is {_change(growth_previous, True)}, and against the same period last year {_change(growth_year, True)}.",
        f"评估期内收入 {zh.fmt(rev['revenue'], 'currency')}，来自 {c:,} 位客户的 {o:,} 笔订单（客单价 {zh.fmt(aov.value, 'currency')}；"
        f"退货 {zh.fmt(rev['returns'], 'currency')}）。收入环比{_change(growth_previous, False)}，同比{_change(growth_year, False)}。",
    )


# -- RFM -----------------------------------------------------------------------------------------
#: Layout of the RFM segment table.
SEGMENT_TABLE: dict[str, Any] = {
    "formats": {"customers": "count", "share": "ratio", "recency_days": "days", "frequency": "number",
                "monetary": "currency", "monetary_share": "ratio", "clv_mean": "currency"},
    "labels": {"segment": ("Segment", "分群"), "customers": ("Customers", "客户数"), "share": ("Share", "占比"),
               "recency_days": ("Mean recency", "平均最近购买间隔"), "frequency": ("Mean purchases", "平均购买次数"),
               "monetary": ("Revenue (history)", "历史收入"), "monetary_share": ("Revenue share", "收入占比"),
               "clv_mean": ("Mean historical CLV", "平均历史 CLV")},
}


def segment_rows(segments: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """:func:`~crmkit.indicators.value.segment_summary` with segment names in the report language."""
    return segments.assign(segment=segments["segment"].map(lambda s: fmt.t(*SEGMENT_LABELS.get(s, (s, s)))))


def rfm(customers: int, highlights: dict) -> Bilingual:
    """Largest RFM segment, champions and lapsed frequent buyers (:func:`~crmkit.indicators.value.segment_highlights`)."""
    h = highlights
    name_en, name_zh = SEGMENT_LABELS.get(h["largest"], (h["largest"], h["largest"]))
    return Bilingual(
        f"Scoring {customers:,} customers with at least one order on recency, frequency and spend (quintiles 1-5): the "
        f"largest group is '{name_en}' ({_pct(h['largest_share'])}). Champions are {_pct(h['champions_share'])} of customers "
        f"but bring {_pct(h['champions_revenue_share'])} of all revenue to date, while customers who used to buy often but "
        f"have gone quiet ('At risk' and 'Can't lose them', {_pct(h['lapsed_share'])} of customers) account for "
        f"{_pct(h['lapsed_revenue_share'])}: they are the first candidates for win-back contact.",
        f"对 {customers:,} 位有购买记录的客户按最近购买、频次和金额分五档评分：最大的分群是“{name_zh}”（{_pct(h['largest_share'])}）。"
        f"重要价值客户占 {_pct(h['champions_share'])}，却贡献了迄今收入的 {_pct(h['champions_revenue_share'])}；"
        f"曾经常购买但已沉寂的客户（“流失风险”与“不能失去”，占 {_pct(h['lapsed_share'])}）贡献了 {_pct(h['lapsed_revenue_share'])} "
        "的收入，应优先进行挽回。",
    )


# -- historical CLV and tiers ----------------------------------------------------------------
def _tier_table(total: tuple[str, str], share: tuple[str, str]) -> dict[str, Any]:
    return {"formats": {"customers": "count", "customer_share": "ratio", "clv_total": "currency", "clv_share": "ratio",
                        "clv_mean": "currency"},
            "labels": {"tier": ("Tier", "层级"), "customers": ("Customers", "客户数"), "customer_share": ("Share of customers", "客户占比"),
                       "clv_total": total, "clv_share": share, "clv_mean": ("Mean per customer", "人均")}}


#: Layout of the historical value-tier table.
TIER_TABLE = _tier_table(("Lifetime margin", "累计毛利"), ("Share of margin", "毛利占比"))
#: Layout of the predicted value-tier table.
PREDICTED_TIER_TABLE = _tier_table(("Predicted CLV", "预测 CLV"), ("Share of CLV", "CLV 占比"))


def tier_rows(tiers: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """:func:`~crmkit.indicators.value.tier_summary` with tier names in the report language."""
    from crmkit.indicators.value import TIER_LABELS

    return tiers.assign(tier=tiers["tier"].map(lambda t: fmt.t(*TIER_LABELS.get(t, (t, t)))))


def historical_clv(mean_clv: Estimate, high_tier: pd.Series, margins_recorded: bool, margin_rate: float,
                   currency: str = "CNY") -> Bilingual:
    """Mean historical CLV (margin to date) and the high tier's shares of customers and margin."""
    en, zh = _both(currency)
    src_en = "recorded gross margin" if margins_recorded else f"gross margin, or revenue × {margin_rate:.0%} where it is missing"
    src_zh = "订单毛利" if margins_recorded else f"订单毛利（缺失时按收入 × {margin_rate:.0%} 估算）"
    return Bilingual(
        f"Historical CLV is the margin each customer has produced so far ({src_en}). The mean is {en.fmt(mean_clv, 'currency')}; "
        f"the high-value tier (top fifth by CLV) holds {_pct(high_tier['customer_share'])} of customers and "
        f"{_pct(high_tier['clv_share'])} of the margin.",
        f"历史客户终身价值为每位客户迄今贡献的毛利（{src_zh}）。人均 {zh.fmt(mean_clv, 'currency')}；高价值层（CLV 前 20%）"
        f"占客户的 {_pct(high_tier['customer_share'])}，贡献毛利的 {_pct(high_tier['clv_share'])}。",
    )


# -- concentration -----------------------------------------------------------------------------
def concentration(customers: int, top20: float, gini: float, level: str) -> Bilingual:
    """Top-20 % share and Gini of the window's revenue; *level* from :func:`~crmkit.indicators.value.concentration_level`."""
    level_en = {"high": "a high", "moderate": "a moderate", "low": "a low"}.get(level, "an unknown")
    level_zh = {"high": "较高", "moderate": "中等", "low": "较低"}.get(level, "未知")
    return Bilingual(
        f"The top 20% of the window's {customers:,} buying customers bring {_pct(top20)} of its revenue; the Gini coefficient "
        f"is {gini:.2f} (0 = everyone spends the same, 1 = one customer buys everything), {level_en} concentration. "
        "The more concentrated revenue is, the more the loss of a few large customers would hurt.",
        f"评估期 {customers:,} 位购买客户中，前 20% 贡献了 {_pct(top20)} 的收入；基尼系数为 {gini:.2f}"
        f"（0 表示人人消费相同，1 表示全部收入来自一位客户），集中度{level_zh}。收入越集中，少数大客户流失的影响越大。",
    )


# -- acquisition --------------------------------------------------------------------------------------
def cac_tiles(cac: Estimate, ratio: float, payback: float) -> list:
    """KPI tiles: new customers, CAC, CLV:CAC and payback."""
    return [(("New customers", "新客户数"), cac.n, "count"), (("Customer acquisition cost", "获客成本"), cac.value, "currency"),
            (("CLV : CAC", "CLV : CAC"), ratio, "multiple"), (("Payback", "回收期"), payback, "months")]


#: Layout of the CAC-by-channel table.
CHANNEL_TABLE: dict[str, Any] = {
    "formats": {"new_customers": "count", "acquisition_cost": "currency", "cac": "currency"},
    "labels": {"channel": ("Acquisition channel", "获客渠道"), "new_customers": ("New customers", "新客户"),
               "acquisition_cost": ("Acquisition cost", "获客费用"), "cac": ("CAC", "单客获客成本")},
}


def acquisition(cac: Estimate, channels: pd.DataFrame, clv_mean: float, ratio: float, monthly_margin: Estimate,
                payback: float, currency: str = "CNY") -> Bilingual:
    """CAC with its cheapest and dearest channel (:func:`~crmkit.indicators.value.channel_cac`), CLV:CAC and payback."""
    en, zh = _both(currency)
    if is_missing(ratio):
        health_en, health_zh = "not available", "无法计算"
    elif ratio >= 3:
        health_en, health_zh = "healthy (3 or more is commonly considered healthy)", "健康（通常 ≥ 3 即为健康）"
    else:
        health_en, health_zh = "below the common benchmark of 3", "低于常用基准 3"
    cheap = channels.iloc[0]["channel"] if len(channels) else "–"
    dear = channels.iloc[-1]["channel"] if len(channels) else "–"
    mm = monthly_margin.value if isinstance(monthly_margin, Estimate) else monthly_margin
    return Bilingual(
        f"{cac.n:,} customers signed up in the window at an average acquisition cost of {en.fmt(cac.value, 'currency')} "
        f"(cheapest channel: {cheap}; most expensive: {dear}). Against the mean historical CLV of {en.fmt(clv_mean, 'currency')} "
        f"this gives CLV:CAC = {en.fmt(ratio, 'multiple')}, {health_en}. New customers produced {en.fmt(mm, 'currency')} of margin "
        f"per customer-month, so acquisition cost is repaid in about {en.fmt(payback, 'months')}.",
        f"评估期新增客户 {cac.n:,} 位，平均获客成本 {zh.fmt(cac.value, 'currency')}（最便宜渠道：{cheap}；最贵：{dear}）。"
        f"与人均历史 CLV {zh.fmt(clv_mean, 'currency')} 相比，CLV:CAC 为 {zh.fmt(ratio, 'multiple')}，{health_zh}。"
        f"新客户每月人均贡献毛利 {zh.fmt(mm, 'currency')}，获客成本约 {zh.fmt(payback, 'months')}可收回。",
    )


# -- predictive CLV ------------------------------------------------------------------------------------
def value_basis(prediction: Any) -> Bilingual:
    """What predicted CLV is measured in: margin or net revenue."""
    return Bilingual("margin", "毛利") if prediction.value_basis == "margin" else Bilingual("net revenue", "净收入")


def predictive_intro(prediction: Any, end: pd.Timestamp) -> Bilingual:
    """How predictive CLV is computed (:class:`~crmkit.clv.workflow.PredictiveCLV`) and whom it covers."""
    H, basis = prediction.horizon_months, value_basis(prediction)
    n, d = prediction.sizes.get("customers", 0), prediction.discount_rate
    rr = Formatter("en").fmt(prediction.return_rate, "ratio")
    weeks = prediction.time_unit == "week"
    unit_en, unit_zh = ("weeks", "周") if weeks else ("days", "天")
    source_en = ", as in Fader, Hardie & Lee (2005)" if weeks else ""
    source_zh = "（与 Fader、Hardie & Lee 2005 相同）" if weeks else ""
    return Bilingual(
        f"Predictive CLV estimates what each customer will bring over the next {H} months. A transaction model (BG/NBD or "
        "Pareto/NBD) forecasts each customer's future purchases from how often they bought, how recently and how long ago "
        "they started; the Gamma-Gamma model forecasts their spend per purchase. Their product is converted to "
        f"{basis.en} (returns netted: {rr} of purchase value was returned) and discounted at {d:.1%} a month. It covers the "
        f"{n:,} customers with at least one purchase up to {end:%Y-%m-%d}. The models count repeat purchases on distinct days and "
        f"measure time in {unit_en}{source_en}.",
        f"预测客户终身价值估计每位客户未来 {H} 个月将带来的价值。交易模型（BG/NBD 或 Pareto/NBD）根据客户的购买次数、最近一次购买"
        "的时间和首购至今的时长预测其未来购买次数；Gamma-Gamma 模型预测每次消费金额。两者之积换算为"
        f"{basis.zh}（已扣除退货：退货金额占购买金额的 {rr}），并按每月 {d:.1%} 折现。"
        f"范围为截至 {end:%Y-%m-%d} 至少购买过一次的 {n:,} 位客户。模型按不同的购买日统计复购次数，以{unit_zh}为时间单位{source_zh}。",
    )


def status_warning(prediction: Any, status_labels: dict[str, tuple[str, str]]) -> Bilingual | None:
    """What went wrong when the models are not validated (None when status is ``ok``)."""
    if prediction.status == "ok":
        return None
    en, zh = status_labels[prediction.status]
    return Bilingual(f"{en} {prediction.message}", f"{zh} {prediction.message_zh}")


def _signed_pct(v: Any) -> str:
    return "–" if is_missing(v) else f"{v:+.1f}%"


def _number(digits: int):
    return lambda v: Formatter("en").fmt(v, "number", digits)


#: Layout of the holdout comparison table (rows of ``holdout_errors`` with status ok).
HOLDOUT_TABLE: dict[str, Any] = {
    "formats": {"n_customers": "count", "actual_total": "count", "predicted_total": _number(0), "pct_error": _signed_pct,
                "mae": _number(2), "rmse": _number(2), "wape": "ratio"},
    "labels": {"model_label": ("Model", "模型"), "n_customers": ("Customers", "客户数"),
               "actual_total": ("Actual holdout purchases", "留出期实际购买"), "predicted_total": ("Predicted", "预测购买"),
               "pct_error": ("Error on total", "总量误差"), "mae": ("Mean absolute error per customer", "单客平均绝对误差"),
               "rmse": ("RMSE per customer", "单客均方根误差"), "wape": ("Per-customer error (WAPE)", "单客误差（WAPE）")},
}


def holdout(prediction: Any) -> Bilingual:
    """How the models were checked on the holdout and why the chosen one was chosen."""
    p, sz = prediction, prediction.sizes
    return Bilingual(
        f"The models were fitted on purchases up to {p.calibration_end:%Y-%m-%d} and asked to predict the following "
        f"{p.holdout_length_weeks:.0f} weeks, which had {sz['holdout_purchases']:,} repeat purchases by the "
        f"{sz['calibration_customers']:,} customers known at the cut. {p.choice_reason} WAPE is the sum of the "
        "per-customer errors divided by the actual purchases: individual purchases are noisy, so this stays well above zero "
        "even for a good model; the error on the total shows whether the model is biased.",
        f"模型用 {p.calibration_end:%Y-%m-%d} 及以前的购买数据拟合，再预测其后 {p.holdout_length_weeks:.0f} 周；这期间，"
        f"截止日已有的 {sz['calibration_customers']:,} 位客户共复购 {sz['holdout_purchases']:,} 次。{p.choice_reason_zh}"
        "WAPE 为各客户预测误差绝对值之和除以实际购买次数：单个客户的购买随机性很大，即使模型良好该值也明显大于零；"
        "总量误差则显示模型是否存在系统性偏差。",
    )


def tracking(prediction: Any, gap: float) -> Bilingual:
    """Expected against recorded cumulative repeat purchases of the chosen model at the last whole week.

    *gap* is :func:`~crmkit.indicators.value.tracking_gap` of ``prediction.tracking[prediction.model]``.
    """
    last = prediction.tracking[prediction.model].iloc[-1]
    p, a = last["predicted_cumulative"], last["actual_cumulative"]
    g_en = f" ({gap:+.1%})" if not is_missing(gap) else ""
    g_zh = f"（{gap:+.1%}）" if not is_missing(gap) else ""
    return Bilingual(
        f"Tracking the whole customer base week by week, the calibration-period model expected {p:,.0f} repeat purchases "
        f"by the last whole week against {a:,.0f} recorded{g_en}. Weekly counts swing with seasons and campaigns that the "
        "model does not know about; what matters is that the cumulative lines stay close after the holdout starts.",
        f"按周跟踪整个客户群，基于校准期的模型预计截至最后一个完整周累计复购 {p:,.0f} 次，实际记录 {a:,.0f} 次{g_zh}。"
        "每周数量会随季节和营销活动波动，模型并不知道这些；关键是留出期开始后两条累计曲线是否保持接近。",
    )


_DIGITS3 = _number(3)
#: Layout of the fitted-parameters table.
PARAMETER_TABLE: dict[str, Any] = {
    "formats": {"coef": _DIGITS3, "se": _DIGITS3, "lower": _DIGITS3, "upper": _DIGITS3, "rel_se": "ratio"},
    "labels": {"model": ("Model", "模型"), "meaning": ("Parameter", "参数"), "coef": ("Estimate", "估计值"),
               "se": ("Standard error", "标准误"), "lower": ("95% lower", "95% 下限"), "upper": ("95% upper", "95% 上限"),
               "rel_se": ("Relative standard error", "相对标准误")},
}


def parameter_rows(prediction: Any, fmt: Formatter) -> pd.DataFrame:
    """``prediction.parameters_table()`` with the meaning in the report language, in the table's columns.

    A transaction model fitted only for comparison (``used`` false) is labelled so.
    """
    parameters = prediction.parameters_table()
    shown = parameters.assign(meaning=[fmt.t(a, b) for a, b in zip(parameters["meaning_en"], parameters["meaning_zh"])])
    if "used" in shown:
        shown["model"] = [m if u else m + fmt.t(" (comparison, not used)", "（仅作对比，未采用）")
                          for m, u in zip(shown["model"], shown["used"])]
    return shown[["model", "meaning", "coef", "se", "lower", "upper", "rel_se"]]


def parameters(prediction: Any, currency: str = "CNY") -> Bilingual:
    """The fitted parameters in plain terms: purchase rate, dropout or lifetime, spend; which are loosely determined."""
    en, zh = _both(currency)
    imp, table = prediction.implied(), prediction.parameters_table()
    pt = table[table["used"]] if "used" in table else table
    loose = pt[pt["rel_se"] > 0.5]
    others = list(dict.fromkeys(table.loc[~table["used"], "model"])) if "used" in table else []
    flat = "used" in table and table.loc[~table["used"], "se"].isna().any()
    other_en = (f" The table also shows {' and '.join(others)}, fitted on the same history for comparison; the holdout "
                "check decided which model predicts" + ("; estimates without a standard error lie where the likelihood is "
                                                         "flat (the data hardly constrain them)." if flat else ".")
                if others else "")
    other_zh = (f"表中同时列出在同一历史上拟合、仅作对比的 {'、'.join(others)}；采用哪个模型由留出期检验决定"
                + ("；没有标准误的估计值位于似然函数平坦处（数据几乎无法约束）。" if flat else "。") if others else "")
    if prediction.model == "bgnbd":
        life_en = f"after each purchase a customer stops buying with probability {imp['dropout_per_purchase']:.1%} on average"
        life_zh = f"每次购买后客户平均有 {imp['dropout_per_purchase']:.1%} 的概率不再购买"
    elif not is_missing(imp["mean_lifetime_years"]):
        life_en = f"customers stay active for {imp['mean_lifetime_years']:.1f} years on average"
        life_zh = f"客户平均保持活跃 {imp['mean_lifetime_years']:.1f} 年"
    else:
        life_en, life_zh = "customer lifetimes are too spread out to have a finite mean", "客户寿命分布过于分散，平均值不存在"
    r = prediction.spend_frequency_correlation
    return Bilingual(
        f"In plain terms: an active customer buys about {imp['purchases_per_year']:.1f} times a year on average, {life_en}, "
        f"and a purchase is worth {en.fmt(imp['mean_spend'], 'currency')} on average before returns and margin. "
        + (f"{len(loose)} of {len(pt)} parameters have a standard error above half their value "
           f"({', '.join(loose['parameter'])}): the data pin them down poorly, typically because few customers have stopped "
           "buying yet, but predictions can still be stable because such parameters mostly move together. "
           if len(loose) else "All parameters are estimated precisely (standard errors below half their values). ")
        + (f"Spend per purchase and purchase frequency are nearly independent (r = {r:.2f}), as the Gamma-Gamma model assumes."
           if prediction.spend_frequency_ok else
           f"Spend per purchase and purchase frequency are correlated (r = {r:.2f}; see the note below the CLV).")
        + other_en,
        f"通俗地说：活跃客户平均每年购买约 {imp['purchases_per_year']:.1f} 次，{life_zh}，平均每次消费 "
        f"{zh.fmt(imp['mean_spend'], 'currency')}（未扣除退货和成本）。"
        + (f"{len(pt)} 个参数中有 {len(loose)} 个的标准误超过其估计值的一半（{'、'.join(loose['parameter'])}）：数据对其约束较弱，"
           "通常是因为停止购买的客户还不多；但这类参数往往同向变动，预测结果仍可能较稳定。"
           if len(loose) else "所有参数估计都较精确（标准误低于估计值的一半）。")
        + (f"每次消费金额与购买频次几乎无关（r = {r:.2f}），符合 Gamma-Gamma 模型的假设。"
           if prediction.spend_frequency_ok else f"每次消费金额与购买频次相关（r = {r:.2f}，见 CLV 下方的说明）。")
        + other_zh,
    )


def activity(prediction: Any, no_repeat: float) -> Bilingual:
    """Share of customers still active and expected repeat purchases (*no_repeat*: :func:`~crmkit.indicators.value.no_repeat_share`)."""
    p, tot, H = prediction, prediction.totals, prediction.horizon_months
    n = len(p.customers)
    tx = Formatter("en").fmt(p.transactions_total_estimate, "number", 0)
    bg = p.model == "bgnbd" and not is_missing(no_repeat) and no_repeat > 0
    return Bilingual(
        f"On average a customer is still active with probability {_pct(tot['share_alive'])} (about {tot['expected_alive']:,.0f} "
        f"of {n:,} customers); {_pct(tot['share_p_alive_above_half'])} are more likely active than not. Over the next {H} "
        f"months they are expected to make {tx} repeat purchases in total ({tot['expected_transactions_mean']:.1f} per "
        "customer; the ± range reflects only the uncertainty of the fitted parameters)."
        + (f" Note that BG/NBD treats the {_pct(no_repeat)} of customers without a repeat purchase as certainly active (a "
           "customer can only drop out after a repeat purchase in this model); their expected purchases are nonetheless low."
           if bg else ""),
        f"客户仍活跃的平均概率为 {_pct(tot['share_alive'])}（{n:,} 位客户中约 {tot['expected_alive']:,.0f} 位），"
        f"{_pct(tot['share_p_alive_above_half'])} 的客户活跃概率超过一半。预计未来 {H} 个月共复购 {tx} 次"
        f"（人均 {tot['expected_transactions_mean']:.1f} 次；± 区间仅反映模型参数的不确定性）。"
        + (f"注意：BG/NBD 模型中客户只会在复购后流失，因此 {_pct(no_repeat)} 尚未复购的客户被视为一定活跃，但其预期购买次数仍然较低。"
           if bg else ""),
    )


def predicted_tiles(prediction: Any) -> list:
    """KPI tiles of predicted CLV."""
    p, tot = prediction, prediction.totals
    return [(("Customers with a prediction", "有预测的客户"), len(p.customers), "count"),
            (("Mean predicted CLV", "人均预测 CLV"), p.clv_mean_estimate, "currency"),
            (("Total predicted CLV", "预测 CLV 合计"), p.clv_total_estimate, "currency"),
            (("Top 10% share of CLV", "前 10% 客户 CLV 占比"), tot["top_decile_share"], "ratio"),
            (("Expected share still active", "预期活跃客户占比"), tot["share_alive"], "ratio")]


def _mean_interval(m: Any, en: Formatter, zh: Formatter, note: tuple[str, str] = ("", "")) -> tuple[str, str]:
    """The mean's 95 % interval from the parameters' uncertainty (without final punctuation), or why there is none.

    *note* is added inside the parentheses (en) and after the interval (zh).
    """
    if is_missing(m.ci_low) or is_missing(m.ci_high):
        return "The parameters' standard errors are not available, so no interval can be given", "模型参数的标准误不可用，无法给出区间"
    return (f"With the parameters' uncertainty the mean lies between {en.fmt(m.ci_low, 'currency')} and "
            f"{en.fmt(m.ci_high, 'currency')} (95%{note[0]})",
            f"考虑参数不确定性，人均值的 95% 区间为 {zh.fmt(m.ci_low, 'currency')} 至 {zh.fmt(m.ci_high, 'currency')}{note[1]}")


def predicted_clv(prediction: Any, currency: str = "CNY") -> Bilingual:
    """Predicted CLV: total, mean and median, concentration, interval and how far the holdout check trusts it."""
    en, zh = _both(currency)
    p, tot, H = prediction, prediction.totals, prediction.horizon_months
    basis, n = value_basis(p), len(p.customers)
    hi = p.tiers.set_index("tier").loc["high"]
    m = p.clv_mean_estimate
    sure_en, sure_zh = _mean_interval(m, en, zh)
    if p.status == "ok":
        err = p.holdout_errors.loc[p.model, "pct_error"]
        check_en = (f"; on the holdout the model missed the total number of purchases by {err:+.1f}%, so totals of this order "
                    "of error should be expected in addition, plus any change in the business the past cannot show")
        check_zh = f"；留出期检验中模型对购买总量的误差为 {err:+.1f}%，因此还应预期类似幅度的误差，以及历史数据无法反映的业务变化"
    else:
        check_en = "; the model could not be checked on a holdout, so treat the figures as indicative"
        check_zh = "；模型未能在留出期检验，数据仅供参考"
    return Bilingual(
        f"Over the next {H} months the {n:,} customers are expected to bring {en.fmt(tot['clv_total'], 'currency')} of "
        f"{basis.en} in present value, {en.fmt(tot['clv_mean'], 'currency')} per customer on average (median "
        f"{en.fmt(tot['clv_median'], 'currency')}: a few customers are worth far more than the typical one). The top 10% of "
        f"customers account for {_pct(tot['top_decile_share'])} of it, and the high tier (top 20%) for {_pct(hi['clv_share'])}; "
        f"these are the customers whose retention matters most. {sure_en}{check_en}.",
        f"未来 {H} 个月，这 {n:,} 位客户预计带来现值 {zh.fmt(tot['clv_total'], 'currency')} 的{basis.zh}，人均 "
        f"{zh.fmt(tot['clv_mean'], 'currency')}（中位数 {zh.fmt(tot['clv_median'], 'currency')}：少数客户的价值远高于一般客户）。"
        f"前 10% 客户占 {_pct(tot['top_decile_share'])}，高价值层（前 20%）占 {_pct(hi['clv_share'])}，是最需要保留的客户。"
        f"{sure_zh}{check_zh}。",
    )


def predicted_cac_tiles(clv_new: float, cac_value: float, ratio: float) -> list:
    """KPI tiles of predicted CLV:CAC."""
    return [(("Predicted CLV per new customer", "新客户人均预测 CLV"), clv_new, "currency"),
            (("Customer acquisition cost", "获客成本"), cac_value, "currency"), (("Predicted CLV : CAC", "预测 CLV : CAC"), ratio, "multiple")]


def predicted_cac(clv_new: float, n_new: int, cac_value: float, ratio: float, horizon_months: int,
                  currency: str = "CNY", *, contractual: bool = False) -> Bilingual:
    """Predicted CLV of new customers against CAC (*n_new* = 0: the mean over all customers was used).

    *contractual*: the prediction is the contract value over the horizon
    (:meth:`crmkit.clv.contractual.ContractualCLV.mean_clv`), not a purchase forecast.
    """
    en, zh = _both(currency)
    H = horizon_months
    if contractual:
        who_en = "customers who signed up in the window" if n_new else "all customers (none signed up in the window)"
        who_zh = "评估期内新签约客户" if n_new else "全部客户（评估期内无新签约客户）"
        past_en, past_zh = "the payments already made (cancelled customers count with 0)", "已发生的付费（已解约客户按 0 计）"
    else:
        who_en = "customers acquired in the window" if n_new else "all customers (no new customer has purchased yet)"
        who_zh = "评估期内新获客户" if n_new else "全部客户（新客户尚无购买）"
        past_en, past_zh = "the first purchase already made", "已发生的首次购买"
    return Bilingual(
        f"Using predicted instead of historical CLV: the {n_new:,} {who_en} are expected to bring {en.fmt(clv_new, 'currency')} "
        f"each over the next {H} months, {en.fmt(ratio, 'multiple')} their acquisition cost of {en.fmt(cac_value, 'currency')}. "
        f"This counts only the coming {H} months and not {past_en}, so it is a conservative ratio. "
        "The CLV:CAC above uses historical CLV (margin to date per customer); both ratios are saved as separate headline "
        "metrics (clv_cac_ratio and predicted_clv_cac_ratio).",
        f"改用预测 CLV：{n_new:,} 位{who_zh}预计未来 {H} 个月人均带来 {zh.fmt(clv_new, 'currency')}，为获客成本 "
        f"{zh.fmt(cac_value, 'currency')} 的 {zh.fmt(ratio, 'multiple')}。该值只计入未来 {H} 个月，不含{past_zh}，因此偏保守。"
        "上文的 CLV:CAC 使用历史 CLV（每位客户迄今毛利）；两个比值分别作为核心指标保存（clv_cac_ratio 与 predicted_clv_cac_ratio）。",
    )


# -- contract value (contractual business) ----------------------------------------------------------------
def contract_unavailable(error: Exception) -> Bilingual:
    """Why contract value could not be computed (a :class:`crmkit.clv.contractual.ContractHistoryError`)."""
    en = str(error)
    return Bilingual(f"Contract value is not computed. {en}", f"未计算合约价值。{getattr(error, 'zh', en)}")


def _per(contract: Any) -> tuple[str, str]:
    return contract.period_names


def contract_intro(contract: Any, end: pd.Timestamp) -> Bilingual:
    """How contract value is computed (:class:`crmkit.clv.contractual.ContractualCLV`) and whom it covers."""
    c, tot = contract, contract.totals
    pe, pz = _per(c)
    d = tot["discount_rate_period"]
    return Bilingual(
        f"Customers hold contracts and their cancellations are recorded, so customer value follows the "
        f"shifted-beta-geometric (sBG) retention model (Fader & Hardie 2007, 2010) rather than a purchase model: each "
        f"customer has a fixed chance of cancelling at the end of every {pe}, and that chance differs from customer to "
        f"customer (a Beta distribution), so a cohort's renewal rate rises as the likeliest cancellers leave. The model "
        f"is fitted on how many of each {pe}ly signup cohort were still active after every whole {pe} "
        f"({tot['cohorts']:,} cohorts, {tot['customers']:,} customers, {tot['churned']:,} cancellations, up to "
        f"{tot['periods']} {pe}s observed). Each of the {tot['n']:,} customers active on {end:%Y-%m-%d} is worth their "
        f"margin per {pe} times their discounted expected residual lifetime (DERL: the expected number of further "
        f"{pe}ly payments, discounted at {d:.2%} per {pe}).",
        f"客户签订合约且解约有记录，因此客户价值采用移位贝塔几何（sBG）留存模型（Fader & Hardie 2007、2010），而非购买模型："
        f"每位客户在每个{pz}末解约的概率固定，但不同客户的概率不同（服从 Beta 分布），因此随着最易解约的客户离开，"
        f"一个批次的续约率会逐步上升。模型依据各{pz}注册批次在每个完整{pz}后仍在约的人数拟合（{tot['cohorts']:,} 个批次、"
        f"{tot['customers']:,} 位客户、{tot['churned']:,} 次解约，最长观察 {tot['periods']} 个{pz}）。{end:%Y-%m-%d} "
        f"仍在约的 {tot['n']:,} 位客户，每位的价值为其每{pz}毛利乘以折现预期剩余寿命（DERL：预期未来还会付费的{pz}数，"
        f"按每{pz} {d:.2%} 折现）。",
    )


def contract_parameters(contract: Any) -> Bilingual:
    """The sBG parameters in plain terms: first-period churn, how renewal rises with tenure, fit to the data."""
    c, tot, curve = contract, contract.totals, contract.retention_curve
    pe, pz = _per(c)
    k = min(12, len(curve))
    r1, rk = curve["retention_rate"].iloc[0], curve["retention_rate"].iloc[k - 1]
    loose = c.parameters_table().query("rel_se > 0.5")
    return Bilingual(
        f"In plain terms: a new customer cancels in the first {pe} with probability {_pct(tot['mean_churn_probability'])} "
        f"(α/(α+β)). The model's renewal rate rises from {_pct(r1)} at the end of the first {pe} to {_pct(rk)} in {pe} {k}, "
        "not because anyone becomes more loyal but because the customers who remain are those less likely to cancel. "
        f"Over the {tot['periods']} {pe}s observed, the model's renewal rates differ from the observed ones by "
        f"{100 * tot['retention_gap']:.1f} percentage points on average (weighted by the customers at risk)"
        + (f"; {', '.join(loose['parameter'])} {'is' if len(loose) == 1 else 'are'} loosely determined (standard error "
           "above half the estimate), so read the projection with care." if len(loose) else "; both parameters are "
           "estimated precisely (standard errors below half their values)."),
        f"通俗地说：新客户在第一个{pz}内解约的概率为 {_pct(tot['mean_churn_probability'])}（α/(α+β)）。模型给出的续约率由第一个"
        f"{pz}末的 {_pct(r1)} 升至第 {k} 个{pz}的 {_pct(rk)}——并非客户变得更忠诚，而是留下的客户本就更不易解约。"
        f"在已观察的 {tot['periods']} 个{pz}中，模型续约率与实际续约率平均相差 {100 * tot['retention_gap']:.1f} 个百分点"
        "（按在约人数加权）"
        + (f"；{'、'.join(loose['parameter'])} 估计不够精确（标准误超过估计值的一半），预测需谨慎解读。" if len(loose)
           else "；两个参数估计都较精确（标准误低于估计值的一半）。"),
    )


def contract_tiles(contract: Any) -> list:
    """KPI tiles of contract value."""
    c, tot = contract, contract.totals
    pe, pz = _per(c)
    return [(("Active customers valued", "估值的在约客户"), tot["n"], "count"),
            (("Mean residual CLV", "人均剩余 CLV"), c.residual_clv_mean_estimate, "currency"),
            (("Total residual CLV", "剩余 CLV 合计"), c.residual_clv_total_estimate, "currency"),
            ((f"Mean DERL ({pe}s)", f"平均 DERL（{pz}）"), tot["mean_derl"], "number"),
            ((f"Expected to renew next {pe}", f"预期下{pz}续约比例"), tot["next_renewal_rate"], "ratio")]


def contract_value(contract: Any, currency: str = "CNY") -> Bilingual:
    """Residual value of the active base: total, mean and median with interval, margin per period, DERL, horizon value."""
    en, zh = _both(currency)
    c, tot, H = contract, contract.totals, contract.horizon_months
    pe, pz = _per(c)
    m = c.residual_clv_mean_estimate
    sure_en, sure_zh = _mean_interval(m, en, zh, ("; margins held fixed", "（毛利视为固定）"))
    sure_en, sure_zh = f" {sure_en}.", f"{sure_zh}。"
    return Bilingual(
        f"The {tot['n']:,} active customers are worth {en.fmt(tot['total_residual_clv'], 'currency')} of margin in present "
        f"value over the rest of their contracts, {en.fmt(tot['mean_residual_clv'], 'currency')} per customer on average "
        f"(median {en.fmt(tot['median_residual_clv'], 'currency')}).{sure_en} An active customer brings "
        f"{en.fmt(tot['mean_margin_per_period'], 'currency')} of margin per {pe} (margin to date over the {pe}s paid) and is "
        f"expected to pay for {tot['mean_derl']:.1f} more {pe}s in present-value terms; customers who have stayed longer "
        "are expected to stay longer still, which a single average retention rate would miss (Fader & Hardie 2010). "
        f"The next {H} months alone are expected to bring {en.fmt(tot['total_horizon_clv'], 'currency')}.",
        f"{tot['n']:,} 位在约客户在剩余合约期内的毛利现值合计 {zh.fmt(tot['total_residual_clv'], 'currency')}，人均 "
        f"{zh.fmt(tot['mean_residual_clv'], 'currency')}（中位数 {zh.fmt(tot['median_residual_clv'], 'currency')}）。{sure_zh}"
        f"在约客户每{pz}贡献毛利 {zh.fmt(tot['mean_margin_per_period'], 'currency')}（迄今毛利除以已付费{pz}数），"
        f"按现值计预期还会付费 {tot['mean_derl']:.1f} 个{pz}；在约越久的客户预期留得越久，单一平均留存率会忽略这一点"
        f"（Fader & Hardie 2010）。仅未来 {H} 个月预计带来 {zh.fmt(tot['total_horizon_clv'], 'currency')}。",
    )
