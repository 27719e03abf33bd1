"""Relationship risk register (客户关系风险登记册).

Risks to the customer relationship that a reviewer (management, a lender,
an acquirer's due diligence) asks about first, each with a severity from
documented thresholds, the numbers behind it and its trend:

=====================  ==================================================  ======================
risk                   evidence                                            severity (medium/high)
=====================  ==================================================  ======================
customer concentration top-10 customers' revenue share, top-1 % share,     top-10 ≥ 25 % / 50 %;
                       HHI of customer revenue shares                      top-1 % ≥ 20 % / 35 %;
                                                                           HHI ≥ 0.10 / 0.18
channel dependency     largest order channel's revenue share, HHI         ≥ 60 % / 80 %
customer-type depend.  largest customer type's revenue share, HHI         ≥ 60 % / 80 %
revenue at risk        Σ churn probability × trailing revenue / trailing    ≥ 10 % / 20 %
                       revenue of the customers at risk (the churn
                       report's definition, crmkit.indicators.churn)
complaint escalation   complaints per 1,000 customers, this vs previous    ratio ≥ 1.10 / ≥ 1.25
                       period, exact conditional test                      and significant
data quality           completeness, ingest reject rate                    < 95 % / < 85 %;
                                                                           > 1 % / > 5 %
privacy / compliance   maturity scores (0-100) of compliance and           < 60 / < 40
                       information security
=====================  ==================================================  ======================

The HHI thresholds are those of the U.S. DOJ/FTC Merger Guidelines (2023):
above 1,800 points (0.18) a market is highly concentrated, above 1,000
(0.10) moderately.  The other thresholds are conventions chosen for this
register (change them with the ``thresholds`` argument); none is a law of
nature, so the register shows the numbers beside every rating.

Revenue at risk is :func:`crmkit.indicators.churn.revenue_at_risk` of
:func:`crmkit.indicators.churn.churn_risk`: the customers at risk of churning
in the next period by the churn report's definition (contractual:
subscribers, who churn by cancelling; otherwise inactivity), scored by its
early-warning model (or, without one, by the period churn rate), each
weighted by their trailing 12-month revenue.  The churn report (04) shows
the same number as its expected revenue at risk.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.indicators import churn
from crmkit.indicators.business_model import BusinessModel
from crmkit.indicators.frames import flag
from crmkit.store.data import CRMData
from crmkit.indicators.value import top_share

__all__ = [
    "escalation_evidence",
    "THRESHOLDS",
    "Risk",
    "severity",
    "trend",
    "hhi",
    "concentration",
    "dependency",
    "complaint_escalation",
    "register_revenue_at_risk",
    "concentration_risk",
    "dependency_risk",
    "revenue_at_risk_risk",
    "complaint_risk",
    "data_quality_risk",
    "compliance_risk",
    "risk_register",
    "assess",
]

# indicator: (medium, high, direction): "higher" = a higher value is riskier.
THRESHOLDS: dict[str, tuple[float, float, str]] = {
    "top10_share": (0.25, 0.50, "higher"),
    "top1pct_share": (0.20, 0.35, "higher"),
    "revenue_hhi": (0.10, 0.18, "higher"),
    "largest_share": (0.60, 0.80, "higher"),
    "revenue_at_risk_share": (0.10, 0.20, "higher"),
    "complaint_rate_ratio": (1.10, 1.25, "higher"),
    "completeness": (0.95, 0.85, "lower"),
    "reject_rate": (0.01, 0.05, "higher"),
    "maturity_score": (60.0, 40.0, "lower"),
}
SEVERITIES = ("high", "medium", "low", "unknown")
_RANK = {"high": 3, "medium": 2, "low": 1, "unknown": 0}


def _nan(x: Any) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _pct(x: float, digits: int = 1) -> str:
    return "–" if _nan(x) else f"{100 * float(x):.{digits}f}%"


def severity(value: float, medium: float, high: float, direction: str = "higher") -> str:
    """Severity of a value against two thresholds.

    ``direction="higher"``: high when value ≥ *high*, medium when ≥
    *medium*, else low; ``"lower"``: high when value < *high*, medium when
    < *medium*.  ``unknown`` when the value is missing.

    Examples
    --------
    >>> severity(0.3, 0.25, 0.5), severity(0.9, 0.95, 0.85, "lower"), severity(float("nan"), 1, 2)
    ('medium', 'medium', 'unknown')
    """
    if _nan(value):
        return "unknown"
    v = float(value)
    if direction == "higher":
        return "high" if v >= high else ("medium" if v >= medium else "low")
    return "high" if v < high else ("medium" if v < medium else "low")


def _worst(levels: Iterable[str]) -> str:
    levels = list(levels)
    return max(levels, key=lambda s: _RANK[s]) if levels else "unknown"


def trend(value: float, previous: float, direction: str = "higher", tolerance: float = 0.05) -> str:
    """``worsening`` / ``improving`` / ``stable`` (relative change within *tolerance*) or ``n/a``.

    *direction* says which way is riskier ("higher": a rise is worsening).

    Examples
    --------
    >>> trend(0.30, 0.20), trend(0.20, 0.205), trend(50, 60, "lower"), trend(1, None)
    ('worsening', 'stable', 'worsening', 'n/a')
    """
    if _nan(value) or _nan(previous):
        return "n/a"
    v, p = float(value), float(previous)
    scale = abs(p) if p != 0 else max(abs(v), 1e-12)
    if abs(v - p) / scale <= tolerance:
        return "stable"
    up = v > p
    return "worsening" if up == (direction == "higher") else "improving"


def _shares(values: Iterable[float]) -> np.ndarray:
    x = np.asarray([float(v) for v in values], dtype="float64")
    x = np.clip(np.nan_to_num(x, nan=0.0), 0, None)
    total = x.sum()
    return x / total if total > 0 else np.array([])


def hhi(values: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of the shares of *values*, in [0, 1].

    Formula: ``HHI = Σ s_i²`` with ``s_i = x_i / Σ x`` (negative values,
    e.g. net returns, count as 0).  Multiply by 10,000 for "points";
    ``1 / HHI`` is the effective number of equal-sized customers.

    Examples
    --------
    >>> hhi([50, 30, 20])
    0.38
    >>> hhi([1, 1, 1, 1])
    0.25
    """
    s = _shares(values)
    return float(np.sum(s**2)) if s.size else float("nan")


def concentration(revenue_by_customer: pd.Series | Iterable[float]) -> dict[str, float]:
    """Revenue concentration across customers.

    ``top10_share`` = revenue of the 10 largest customers / total;
    ``top1pct_share`` = revenue of the ⌈1 % · n⌉ largest / total
    (:func:`crmkit.indicators.value.top_share`); ``hhi`` (:func:`hhi`);
    ``effective_customers`` = 1 / HHI; ``customers``; ``revenue``.

    Examples
    --------
    >>> c = concentration([100] + [10] * 99)
    >>> round(c["top10_share"], 4), round(c["top1pct_share"], 4)
    (0.1743, 0.0917)
    """
    x = np.clip(np.nan_to_num(np.asarray([float(v) for v in revenue_by_customer], dtype="float64")), 0, None)
    total = float(x.sum())
    if x.size == 0 or total <= 0:
        return {"top10_share": np.nan, "top1pct_share": np.nan, "hhi": np.nan, "effective_customers": np.nan,
                "customers": int(x.size), "revenue": total}
    top10 = float(np.sort(x)[-10:].sum() / total)
    h = hhi(x)
    return {"top10_share": top10, "top1pct_share": top_share(x, 0.01), "hhi": h, "effective_customers": 1 / h,
            "customers": int(x.size), "revenue": total}


def dependency(revenue_by_group: pd.Series) -> dict[str, Any]:
    """Dependency on one group (channel, customer type): largest share and HHI.

    Examples
    --------
    >>> d = dependency(pd.Series({"online": 70.0, "store": 30.0}))
    >>> d["largest"], d["largest_share"], round(d["hhi"], 2)
    ('online', 0.7, 0.58)
    """
    s = pd.Series(revenue_by_group, dtype="float64").clip(lower=0).dropna()
    total = float(s.sum())
    if s.empty or total <= 0:
        return {"largest": None, "largest_share": np.nan, "hhi": np.nan, "groups": int(len(s))}
    return {"largest": str(s.idxmax()), "largest_share": float(s.max() / total), "hhi": hhi(s), "groups": int(len(s))}


def complaint_escalation(complaints: int, customers: int, previous_complaints: int, previous_customers: int) -> dict[str, float]:
    """Complaints per 1,000 customers, this vs previous period, with an exact test.

    Rates ``1000 · k / n``; ``ratio`` = rate / previous rate.  Test of equal
    Poisson rates conditional on the total (Przyborowski & Wileński 1940):
    under H0, ``k1 ~ Binomial(k1 + k2, n1 / (n1 + n2))``; two-sided exact
    binomial p-value (``scipy.stats.binomtest``).

    Examples
    --------
    >>> e = complaint_escalation(60, 1000, 30, 1000)
    >>> e["rate"], e["previous_rate"], e["ratio"], e["p_value"] < 0.01
    (60.0, 30.0, 2.0, True)
    """
    rate = 1000 * complaints / customers if customers > 0 else np.nan
    prev = 1000 * previous_complaints / previous_customers if previous_customers > 0 else np.nan
    ratio = rate / prev if prev and not _nan(prev) and prev > 0 else np.nan
    total = int(complaints + previous_complaints)
    if customers > 0 and previous_customers > 0 and total > 0:
        p = float(stats.binomtest(int(complaints), total, customers / (customers + previous_customers)).pvalue)
    else:
        p = np.nan
    return {"rate": rate, "previous_rate": prev, "ratio": ratio, "p_value": p, "complaints": int(complaints),
            "previous_complaints": int(previous_complaints), "customers": int(customers),
            "previous_customers": int(previous_customers)}


# ----------------------------------------------------------------------------- risks


@dataclass
class Risk:
    """One entry of the register."""

    key: str
    name_en: str
    name_zh: str
    severity: str
    value: float
    unit: str
    evidence_en: str
    evidence_zh: str
    previous: float = float("nan")
    trend: str = "n/a"
    threshold_medium: float = float("nan")
    threshold_high: float = float("nan")
    details: dict[str, Any] = field(default_factory=dict)


def _thr(key: str, thresholds: Mapping[str, tuple[float, float, str]] | None) -> tuple[float, float, str]:
    return (thresholds or {}).get(key, THRESHOLDS[key])


def concentration_risk(current: Mapping[str, float], previous: Mapping[str, float] | None = None, *,
                       thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Customer revenue concentration: worst severity of top-10 share, top-1 % share and HHI.

    *current* / *previous* are :func:`concentration` results; the trend
    follows the HHI.
    """
    levels = [severity(current[k], *_thr(t, thresholds)) for k, t in
              (("top10_share", "top10_share"), ("top1pct_share", "top1pct_share"), ("hhi", "revenue_hhi"))]
    if all(lv == "unknown" for lv in levels):
        sev = "unknown"
    else:
        sev = _worst(levels)
    prev = (previous or {}).get("hhi", np.nan)
    m, h, d = _thr("revenue_hhi", thresholds)
    c = current
    return Risk(
        "customer_concentration", "Customer revenue concentration", "客户收入集中度", sev, c["hhi"], "index",
        f"Top 10 customers {_pct(c['top10_share'])} of revenue, top 1% {_pct(c['top1pct_share'])}; "
        f"HHI {c['hhi'] * 10000:,.0f} points (effective {c.get('effective_customers', np.nan):,.0f} equal customers of {c.get('customers', 0):,})."
        if not _nan(c["hhi"]) else "No revenue in the period.",
        f"前 10 名客户占收入 {_pct(c['top10_share'])}，前 1% 客户占 {_pct(c['top1pct_share'])}；"
        f"HHI 为 {c['hhi'] * 10000:,.0f} 点（相当于 {c.get('effective_customers', np.nan):,.0f} 个同等规模客户，共 {c.get('customers', 0):,} 个客户）。"
        if not _nan(c["hhi"]) else "本期无收入。",
        prev, trend(c["hhi"], prev, d), m, h, dict(c),
    )


def dependency_risk(kind: str, current: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                    thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Dependency on one order channel (``kind="channel"``) or one customer type (``"customer_type"``)."""
    names = {"channel": ("Dependency on one sales channel", "对单一销售渠道的依赖", "channel", "渠道"),
             "customer_type": ("Dependency on one customer type", "对单一客户类型的依赖", "customer type", "客户类型")}
    en, zh, w_en, w_zh = names[kind]
    m, h, d = _thr("largest_share", thresholds)
    v = current["largest_share"]
    prev = (previous or {}).get("largest_share", np.nan)
    if _nan(v):
        ev_en, ev_zh = f"No revenue by {w_en} in the period.", f"本期无按{w_zh}划分的收入。"
    elif current["groups"] <= 1 and kind == "customer_type":
        ev_en = (f"All revenue comes from one customer type ({current['largest']}): a single-segment business model, "
                 "not rated as a dependency.")
        ev_zh = f"全部收入来自同一客户类型（{current['largest']}），属于单一客群的商业模式，不作为依赖风险评级。"
    elif current["groups"] <= 1:
        ev_en = f"All revenue comes from one {w_en} ({current['largest']})."
        ev_zh = f"全部收入来自同一{w_zh}（{current['largest']}）。"
    else:
        ev_en = (f"Largest {w_en} '{current['largest']}' brings {_pct(v)} of revenue; "
                 f"HHI across {current['groups']} {w_en}s {current['hhi'] * 10000:,.0f} points.")
        ev_zh = (f"最大{w_zh}“{current['largest']}”贡献 {_pct(v)} 的收入；"
                 f"{current['groups']} 个{w_zh}的 HHI 为 {current['hhi'] * 10000:,.0f} 点。")
    sev = "unknown" if (kind == "customer_type" and current["groups"] <= 1) else severity(v, m, h, d)
    return Risk(f"{kind}_dependency", en, zh, sev, v, "ratio", ev_en, ev_zh, prev,
                trend(v, prev, d), m, h, dict(current))


def revenue_at_risk_risk(current: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                         currency: str = "CNY", thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Revenue at risk from churn (:func:`crmkit.indicators.churn.revenue_at_risk` results; None: not measurable)."""
    m, h, d = _thr("revenue_at_risk_share", thresholds)
    name = ("revenue_at_risk", "Revenue at risk from churn", "流失导致的收入风险")
    if current is None or not current.get("customers"):
        why = ("no customer is at risk of churning at the end of the period" if current is not None
               else "churn cannot be defined (no churn events and no customer bought twice)")
        why_zh = "期末没有面临流失风险的客户" if current is not None else "无法界定流失（没有流失事件，也没有客户购买过两次）"
        return Risk(*name, "unknown", np.nan, "ratio", f"Not measured: {why}.", f"未计量：{why_zh}。",
                    threshold_medium=m, threshold_high=h, details=dict(current or {}))
    c = current
    v = c["share"]
    prev = (previous or {}).get("share", np.nan)
    horizon = c.get("horizon_days") or 0
    if c.get("source") == "model":
        how_en = (f"scored by the churn report's early-warning model; {c['high_risk']:,} are in the top 10% of scores "
                  f"({currency} {c['revenue_high_risk']:,.0f} of revenue)")
        how_zh = (f"按流失报告的预警模型评分；其中 {c['high_risk']:,} 名位于评分前 10%"
                  f"（收入 {currency} {c['revenue_high_risk']:,.0f}）")
    else:
        how_en = f"each carrying this period's churn rate ({_pct(c['churn_rate'])}), as no early-warning model could be fitted"
        how_zh = f"无法拟合预警模型，每名客户按本期流失率（{_pct(c['churn_rate'])}）计"
    contractual = c.get("business_model") == "contractual"
    rate_en = (f"This period {_pct(c['churn_rate'])} of the {c['at_risk']:,} customers at risk at its start "
               + ("cancelled" if contractual else "churned (inactivity)") + ", as in the churn report.")
    rate_zh = (f"本期期初在册的 {c['at_risk']:,} 名客户中 {_pct(c['churn_rate'])} "
               + ("解约" if contractual else "流失（不活跃）") + "，与流失报告一致。")
    return Risk(
        *name, severity(v, m, h, d), v, "ratio",
        f"Expected loss {currency} {c['expected_loss']:,.0f} = {_pct(v)} of the trailing-12-month revenue of the "
        f"{c['customers']:,} customers at risk of churning in the next {horizon} days, {how_en}. " + rate_en,
        f"预期损失 {currency} {c['expected_loss']:,.0f}，占未来 {horizon} 天面临流失风险的 {c['customers']:,} 名客户"
        f"近 12 个月收入的 {_pct(v)}，{how_zh}。" + rate_zh,
        prev, trend(v, prev, d), m, h, dict(c),
    )


def escalation_evidence(escalation: Mapping[str, float], *, alpha: float = 0.05) -> tuple[str, str]:
    """One sentence each (en, zh) on :func:`complaint_escalation`: the two rates, their ratio and the exact test.

    What cannot be computed (no previous customers, no complaint in either
    window, no test) is said in words, never as a missing number.

    Examples
    --------
    >>> escalation_evidence(complaint_escalation(0, 40, 0, 30))[0]
    'Complaints per 1,000 active customers: 0.0 (0 complaints) against 0.0 (0) in the previous period of equal length; with no complaint in either period there is no change to test.'
    """
    e = escalation
    rate, prev, ratio, p = e["rate"], e["previous_rate"], e["ratio"], e["p_value"]
    en = [f"Complaints per 1,000 active customers: {rate:.1f} ({e['complaints']:,} complaints)"]
    zh = [f"每千名活跃客户投诉 {rate:.1f} 次（{e['complaints']:,} 次）"]
    if not _nan(prev):
        en.append(f" against {prev:.1f} ({e['previous_complaints']:,}) in the previous period of equal length")
        zh.append(f"，上期（等长）为 {prev:.1f} 次（{e['previous_complaints']:,} 次）")
        if not _nan(ratio):
            en.append(f", a ratio of {ratio:.2f}")
            zh.append(f"，比值 {ratio:.2f}")
    else:
        en.append("; the previous period had no active customers to compare with")
        zh.append("；上期没有活跃客户，无从比较")
    if not _nan(p):
        sig = p < alpha
        en.append(f"; exact conditional test p = {p:.3f}, so the change is "
                  f"{'unlikely to be chance' if sig else 'within chance variation'}")
        zh.append(f"；精确条件检验 p = {p:.3f}，{'变化不太可能是偶然' if sig else '变化在随机波动范围内'}")
    elif not _nan(prev) and e["complaints"] + e["previous_complaints"] == 0:
        en.append("; with no complaint in either period there is no change to test")
        zh.append("；两期均无投诉，无变化可检验")
    elif not _nan(prev):
        en.append("; the change could not be tested")
        zh.append("；无法对变化进行检验")
    return "".join(en) + ".", "".join(zh) + "。"


def complaint_risk(escalation: Mapping[str, float], *, alpha: float = 0.05,
                   thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Complaint escalation: high when the rate rose by ≥ 25 % and the rise is significant;
    medium when it rose by ≥ 10 %, or significantly by less; else low."""
    m, h, d = _thr("complaint_rate_ratio", thresholds)
    e = escalation
    ratio, p = e["ratio"], e["p_value"]
    sig = not _nan(p) and p < alpha
    if _nan(ratio):
        sev = "unknown" if _nan(e["rate"]) else "low"
    elif ratio >= h and sig:
        sev = "high"
    elif ratio >= m or (ratio > 1 and sig):
        sev = "medium"
    else:
        sev = "low"
    if _nan(e["rate"]):
        ev_en, ev_zh = "No active customers to relate complaints to.", "无活跃客户，无法计算投诉率。"
    else:
        ev_en, ev_zh = escalation_evidence(e, alpha=alpha)
    return Risk("complaint_escalation", "Complaint escalation", "投诉升级趋势", sev, e["rate"], "per_1000",
                ev_en, ev_zh, e["previous_rate"], trend(e["rate"], e["previous_rate"], "higher"), m, h, dict(e))


def data_quality_risk(completeness: float, reject_rate: float, *,
                      thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Data quality: worst of column completeness (↓ riskier) and ingest reject rate."""
    cm, ch, cd = _thr("completeness", thresholds)
    rm, rh, rd = _thr("reject_rate", thresholds)
    levels = [severity(completeness, cm, ch, cd), severity(reject_rate, rm, rh, rd)]
    known = [lv for lv in levels if lv != "unknown"]
    sev = _worst(known) if known else "unknown"
    return Risk(
        "data_quality", "Data quality", "数据质量", sev, completeness, "ratio",
        f"Fields {_pct(completeness)} filled; {_pct(reject_rate, 2)} of ingested rows rejected.",
        f"字段填充率 {_pct(completeness)}；导入拒绝行占 {_pct(reject_rate, 2)}。",
        threshold_medium=cm, threshold_high=ch, details={"completeness": completeness, "reject_rate": reject_rate},
    )


def compliance_risk(scores: Mapping[str, float], previous: Mapping[str, float] | None = None, *,
                    thresholds: Mapping[str, tuple[float, float, str]] | None = None) -> Risk:
    """Privacy and compliance gaps from the maturity scores (0-100) of ``compliance`` and ``security``.

    Severity from the lower of the two scores (< 60 medium, < 40 high).
    """
    m, h, d = _thr("maturity_score", thresholds)
    comp, sec = scores.get("compliance", np.nan), scores.get("security", np.nan)
    known = [float(v) for v in (comp, sec) if not _nan(v)]
    v = min(known) if known else np.nan
    pk = [float(x) for x in ((previous or {}).get("compliance", np.nan), (previous or {}).get("security", np.nan)) if not _nan(x)]
    prev = min(pk) if pk else np.nan
    f = lambda x: "–" if _nan(x) else f"{float(x):.0f}"  # noqa: E731
    return Risk(
        "privacy_compliance", "Privacy and compliance gaps", "隐私与合规缺口", severity(v, m, h, d), v, "index",
        f"Maturity scores (0-100): compliance and privacy {f(comp)}, information security {f(sec)}."
        if known else "No maturity assessment of compliance or security.",
        f"成熟度得分（0-100）：合规与隐私 {f(comp)}，信息安全 {f(sec)}。" if known else "未评估合规或信息安全成熟度。",
        prev, trend(v, prev, d), m, h, {"compliance": comp, "security": sec},
    )


def risk_register(risks: Iterable[Risk]) -> pd.DataFrame:
    """The register as a tidy DataFrame, most severe first.

    Columns: ``key, name_en, name_zh, severity`` (high / medium / low /
    unknown), ``value, unit, previous, trend, threshold_medium,
    threshold_high, evidence_en, evidence_zh``.
    """
    cols = ["key", "name_en", "name_zh", "severity", "value", "unit", "previous", "trend", "threshold_medium",
            "threshold_high", "evidence_en", "evidence_zh"]
    rows = [{k: v for k, v in asdict(r).items() if k in cols} for r in risks]
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_r"] = out["severity"].map(_RANK)
    return out.sort_values("_r", ascending=False, kind="stable").drop(columns="_r").reset_index(drop=True)


def _customer_revenue(orders: pd.DataFrame) -> pd.Series:
    return orders.groupby("customer_id")["amount"].sum()


def register_revenue_at_risk(data: CRMData, *, business_model: BusinessModel | None = None,
                             churn_inactivity_days: int = 0, previous: bool = True) -> tuple[dict | None, dict | None]:
    """Revenue at risk of the window and of the previous window, by the churn report's definition.

    :func:`crmkit.indicators.churn.revenue_at_risk` of
    :func:`crmkit.indicators.churn.churn_risk` over ``[data.start,
    data.end]`` with the report's *business_model* (resolved from the churn
    events when None) and inactivity threshold (*churn_inactivity_days*, or
    derived at the window end); the previous window of equal length is scored
    the same way (same business model and threshold) for the trend.

    Returns
    -------
    (dict or None, dict or None)
        Current and previous results; None where churn cannot be defined (no
        churn events and no customer who bought twice).
    """
    orders = data.source("orders")  # aggregated where the rows are
    events = data.churn_events if data.has("churn_events") else None
    bm = churn.business_model_of(business_model, events, data.start, data.end)
    opts = dict(business_model=bm, churn_events=events if bm.contractual else None,
                tickets=data.tickets if data.has("tickets") else None,
                surveys=data.surveys if data.has("surveys") else None,
                interactions=data.interactions if data.has("interactions") else None)
    try:
        days = None if bm.contractual else (churn_inactivity_days or churn.inactivity_threshold(orders, data.end))
    except ValueError:  # no customer bought twice: no inactivity threshold
        return None, None
    def one(start, end) -> dict:
        return churn.revenue_at_risk(churn.churn_risk(data.customers, orders, start, end, horizon_days=data.days,
                                                      inactivity_days=days, **opts)[2])
    cur = one(data.start, data.end)
    prev = one(*data.previous_window()) if previous else None
    return cur, prev


def assess(
    data: CRMData,
    *,
    business_model: BusinessModel | None = None,
    completeness: float | None = None,
    reject_rate: float | None = None,
    maturity_scores: Mapping[str, float] | None = None,
    previous_maturity_scores: Mapping[str, float] | None = None,
    currency: str = "CNY",
    churn_inactivity_days: int = 0,
    thresholds: Mapping[str, tuple[float, float, str]] | None = None,
) -> pd.DataFrame:
    """Build the whole register for one company and window.

    Concentration and dependency are measured on revenue (Σ amount, net of
    returns) in the window and, for the trend, in the previous window of
    equal length; complaints per 1,000 active customers (customers with an
    order in the window) likewise.  Revenue at risk is
    :func:`register_revenue_at_risk`: the churn report's definition
    (:func:`crmkit.indicators.churn.revenue_at_risk`) with *business_model*
    and *churn_inactivity_days* (0: derived), the previous window scored the
    same way for the trend.  Data quality and compliance risks are included
    when their inputs are given.
    """
    start, end = data.start, data.end
    p_start, p_end = data.previous_window()
    cur_o, prev_o = data.window("orders", start, end), data.window("orders", p_start, p_end)
    risks = [concentration_risk(concentration(_customer_revenue(cur_o)), concentration(_customer_revenue(prev_o)),
                                thresholds=thresholds)]
    if "channel" in cur_o.columns and cur_o["channel"].notna().any():
        by = lambda o: o.assign(channel=o["channel"].astype("object").fillna("unknown")).groupby("channel")["amount"].sum()  # noqa: E731
        risks.append(dependency_risk("channel", dependency(by(cur_o)), dependency(by(prev_o)), thresholds=thresholds))
    cust = data.customers
    if "customer_type" in cust.columns and cust["customer_type"].notna().any():
        types = cust.set_index("customer_id")["customer_type"].astype("object")
        def by_type(o: pd.DataFrame) -> pd.Series:
            t = o["customer_id"].map(types).fillna("unknown")
            return o.groupby(t)["amount"].sum()
        risks.append(dependency_risk("customer_type", dependency(by_type(cur_o)), dependency(by_type(prev_o)),
                                     thresholds=thresholds))
    rar, prev_rar = register_revenue_at_risk(data, business_model=business_model,
                                             churn_inactivity_days=churn_inactivity_days)
    risks.append(revenue_at_risk_risk(rar, prev_rar, currency=currency, thresholds=thresholds))
    if data.has("tickets"):
        def complaints(lo, hi) -> int:
            w = data.window("tickets", lo, hi)
            is_complaint = flag(w["is_complaint"]) if "is_complaint" in w.columns else pd.Series(False, index=w.index)
            return int(is_complaint.sum())
        esc = complaint_escalation(complaints(start, end), int(cur_o["customer_id"].nunique()),
                                   complaints(p_start, p_end), int(prev_o["customer_id"].nunique()))
        risks.append(complaint_risk(esc, thresholds=thresholds))
    if completeness is not None or reject_rate is not None:
        risks.append(data_quality_risk(np.nan if completeness is None else completeness,
                                       np.nan if reject_rate is None else reject_rate, thresholds=thresholds))
    if maturity_scores is not None:
        risks.append(compliance_risk(maturity_scores, previous_maturity_scores, thresholds=thresholds))
    return risk_register(risks)


# -- report read-outs -------------------------------------------------------------
def register_inputs(data: CRMData) -> dict[str, Any]:
    """The data-quality and compliance inputs of :func:`assess` for one company.

    * ``completeness`` = Σ filled cells / Σ cells over the supplied tables'
      canonical columns (:func:`crmkit.indicators.quality.completeness`);
    * ``reject_rate`` = Σ rows rejected / Σ rows read over the company's
      ingest log (None without a store or log);
    * ``maturity_scores`` and ``previous_maturity_scores``: maturity
      dimension scores at the end of the window and of the previous window
      (None without an ``assessment`` table).

    Returns the keywords for ``assess(data, **register_inputs(data))``.
    """
    from crmkit.indicators import maturity, quality
    from crmkit.store.database import Store

    comp = quality.completeness(data)
    completeness = float(comp["filled"].sum() / comp["rows"].sum()) if len(comp) else None
    reject_rate = None
    if data.store_path:
        log = Store(data.store_path, read_only=True).ingest_log(data.company)
        if len(log) and log["rows_in"].sum() > 0:
            reject_rate = float(log["rows_rejected"].sum() / log["rows_in"].sum())
    scores = prev_scores = None
    if data.has("assessment"):
        scores = maturity.dimension_scores(data.assessment, as_of=data.end)["score"].to_dict()
        prev_scores = maturity.dimension_scores(data.assessment, as_of=data.previous_window()[1])["score"].to_dict()
    return {"completeness": completeness, "reject_rate": reject_rate, "maturity_scores": scores,
            "previous_maturity_scores": prev_scores}


def severity_counts(register: pd.DataFrame) -> dict[str, int]:
    """Risks of the register per severity, every level of :data:`SEVERITIES` present (0 when none).

    Examples
    --------
    >>> severity_counts(pd.DataFrame({"severity": ["high", "low", "low"]}))
    {'high': 1, 'medium': 0, 'low': 2, 'unknown': 0}
    """
    counts = register["severity"].value_counts()
    return {s: int(counts.get(s, 0)) for s in SEVERITIES}


def customer_concentration(orders: pd.DataFrame) -> dict[str, float]:
    """:func:`concentration` of the revenue per customer (Σ amount by ``customer_id``) of *orders*."""
    return concentration(_customer_revenue(orders))


__all__ += ["register_inputs", "severity_counts", "customer_concentration"]
