"""Readings of the satisfaction report (02): CSAT, NPS, CES, groups, drivers, trend, feedback and employees.

NPS groups are named by :mod:`crmkit.indicators.satisfaction`; no threshold is applied here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Bilingual, Formatter, is_missing
from crmkit.narrative.common import formatters, pct

__all__ = ["DRIVER_NAMES", "driver_name", "overview", "nps_groups", "channels", "no_channel", "segment_caption",
           "segments", "drivers", "key_drivers", "trend", "feedback_tiles", "feedback", "employees", "columns"]

#: Names of the usual ``driver_*`` columns (en, zh); other drivers are named by their column.
DRIVER_NAMES: dict[str, tuple[str, str]] = {
    "quality": ("product quality", "产品质量"), "service_attitude": ("service attitude", "服务态度"), "price": ("price", "价格"),
    "delivery": ("delivery speed", "物流速度"), "after_sales": ("after-sales service", "售后服务"),
}


def driver_name(driver: str) -> tuple[str, str]:
    """(en, zh) name of a driver (column name without ``driver_``)."""
    return DRIVER_NAMES.get(driver, (driver.replace("_", " "), driver))


def overview(responses: int, summary: dict[str, Estimate]) -> Bilingual:
    """Responses, CSAT with its interval, NPS with its margin, CES and the share finding it easy.

    *summary* is :func:`crmkit.satisfaction.satisfaction_summary`; a measure without answers is said to be missing.
    """
    c, n, ce, easy = summary["csat"], summary["nps"], summary["ces"], summary["ces_easy"]
    en, zh = f"{responses:,} customer survey responses in the period. ", f"本期共 {responses:,} 份客户问卷。"
    if c.n:
        en += (f"{pct(c.value)} of {c.n:,} CSAT answers are satisfied (4 or 5 of 5, 95% interval "
               f"{pct(c.ci_low)}–{pct(c.ci_high)}). ")
        zh += f"{c.n:,} 份 CSAT 回答中 {pct(c.value)} 表示满意（5 分制 4-5 分，95% 区间 {pct(c.ci_low)}–{pct(c.ci_high)}）。"
    else:
        en, zh = en + "There are no CSAT answers. ", zh + "没有 CSAT 回答。"
    if n.n:
        en += f"The Net Promoter Score is {n.value:+.0f} (±{n.margin:.0f} points, {n.n:,} answers): "
        zh += f"净推荐值为 {n.value:+.0f}（±{n.margin:.0f} 分，{n.n:,} 份回答）："
        if n.value > 0:
            en, zh = en + "more customers would recommend the company than warn against it. ", zh + "推荐者多于贬损者。"
        elif n.value < 0:
            en, zh = en + "more customers would warn against the company than recommend it. ", zh + "贬损者多于推荐者。"
        else:
            en, zh = en + "as many customers would recommend the company as would warn against it. ", zh + "推荐者与贬损者一样多。"
    else:
        en, zh = en + "There are no NPS answers. ", zh + "没有 NPS 回答。"
    if ce.n:
        en += f"Customer effort averages {ce.value:.1f} of 7, and {pct(easy.value, 0)} found dealing with the company easy."
        zh += f"客户费力度平均 {ce.value:.1f}/7，{pct(easy.value, 0)} 的客户认为办事容易。"
    else:
        en, zh = en + "There are no customer-effort answers.", zh + "没有客户费力度回答。"
    return Bilingual(en, zh)


def nps_groups(breakdown: pd.DataFrame, score: Estimate) -> Bilingual:
    """Promoters minus detractors giving the NPS (*breakdown* from :func:`crmkit.satisfaction.nps_breakdown`)."""
    shares = breakdown.set_index("group")["share"]
    p, d = pct(shares["promoters"], 0), pct(shares["detractors"], 0)
    return Bilingual(
        f"{p} promoters minus {d} detractors gives the NPS of {score.value:+.0f}. "
        "Turning a detractor into a passive raises the NPS as much as turning a passive into a promoter.",
        f"推荐者 {p} 减去贬损者 {d}，得到 NPS {score.value:+.0f}。把一名贬损者转为被动者与把一名被动者转为推荐者对 NPS 的提升相同。",
    )


def channels(comparison: dict, min_n: int) -> Bilingual:
    """Highest and lowest CSAT channel and whether the gap may be chance (:func:`crmkit.satisfaction.compare_groups`)."""
    b, w = comparison["best"], comparison["worst"]
    en = (f"Among channels with at least {min_n} CSAT answers, {b['group']} scores highest ({pct(b['csat'])}) "
          f"and {w['group']} lowest ({pct(w['csat'])}); ")
    zh = f"在 CSAT 回答不少于 {min_n} 份的渠道中，{b['group']} 最高（{pct(b['csat'])}），{w['group']} 最低（{pct(w['csat'])}）；"
    if len(comparison["groups"]) == 1:
        return Bilingual(f"Only {b['group']} has at least {min_n} CSAT answers ({pct(b['csat'])} satisfied).",
                         f"只有 {b['group']} 的 CSAT 回答不少于 {min_n} 份（满意度 {pct(b['csat'])}）。")
    if comparison["overlap"]:
        return Bilingual(en + "their intervals overlap, so the gap may be chance.", zh + "两者区间重叠，差异可能来自抽样波动。")
    return Bilingual(en + "their intervals do not overlap, so the gap is unlikely to be chance.",
                     zh + "两者区间不重叠，差异不太可能是偶然。")


def no_channel(min_n: int) -> Bilingual:
    """No channel has enough CSAT answers."""
    return Bilingual(f"No channel has {min_n} or more CSAT answers; figures per channel are indicative only.",
                     f"没有渠道的 CSAT 回答达到 {min_n} 份，分渠道数据仅供参考。")


def segment_caption(dimension: str) -> tuple[str, str]:
    """Caption of the table by customer segment."""
    zh = {"customer_type": "按客户类型", "region": "按地区"}.get(dimension, f"按{dimension}")
    return f"By {dimension.replace('_', ' ')}", zh


def segments(comparison: dict | None) -> Bilingual:
    """Range of CSAT across the segments with enough answers (too few: said so)."""
    if comparison is None or len(comparison["groups"]) < 2:
        return Bilingual("Too few answers per segment to compare segments reliably.", "各细分样本过少，无法可靠比较。")
    lo, hi = comparison["worst"], comparison["best"]
    return Bilingual(
        f"CSAT ranges from {pct(lo['csat'])} ({lo['group']}) to {pct(hi['csat'])} ({hi['group']}) across segments with enough answers.",
        f"在样本充足的细分中，满意度从 {pct(lo['csat'])}（{lo['group']}）到 {pct(hi['csat'])}（{hi['group']}）。",
    )


def drivers(driver_table: pd.DataFrame) -> Bilingual:
    """Weakest and strongest rated driver (*driver_table* from :func:`crmkit.satisfaction.driver_scores`, lowest first)."""
    lo, hi = driver_table.iloc[0], driver_table.iloc[-1]
    (lo_en, lo_zh), (hi_en, hi_zh) = driver_name(lo["driver"]), driver_name(hi["driver"])
    return Bilingual(f"The weakest-rated driver is {lo_en} ({lo['mean']:.2f} of 5); the strongest is {hi_en} ({hi['mean']:.2f}).",
                     f"得分最低的驱动因素是{lo_zh}（{lo['mean']:.2f}/5），最高的是{hi_zh}（{hi['mean']:.2f}）。")


def key_drivers(key_driver_table: pd.DataFrame, priorities: list[str]) -> Bilingual:
    """Variance explained, the most important driver and the improvement priorities of a key-driver analysis."""
    k = key_driver_table
    top = k.iloc[0]
    top_en, top_zh = driver_name(top["driver"])
    r2, n = k.attrs["r2"], k.attrs["n"]
    en = (f"The drivers together explain {pct(r2, 0)} of the variation in overall satisfaction ({n:,} answers). "
          f"{top_en[:1].upper() + top_en[1:]} matters most ({pct(top['importance'], 0)} of the explained part). ")
    zh = f"各驱动因素共同解释了总体满意度 {pct(r2, 0)} 的差异（{n:,} 份回答）。其中{top_zh}最重要（占已解释部分的 {pct(top['importance'], 0)}）。"
    if priorities:
        en += f"Priority for improvement (above-average importance, below-average score): {', '.join(driver_name(d)[0] for d in priorities)}."
        zh += f"优先改进项（重要性高于平均、得分低于平均）：{'、'.join(driver_name(d)[1] for d in priorities)}。"
    else:
        en += "No driver combines above-average importance with a below-average score."
        zh += "没有重要性高且得分低的驱动因素。"
    return Bilingual(en, zh)


def trend(endpoints: tuple[pd.Series, pd.Series] | None) -> Bilingual:
    """CSAT of the first and the last month shown (*endpoints* from :func:`crmkit.satisfaction.trend_endpoints`)."""
    if endpoints is None:
        return Bilingual("No CSAT answers in the months shown.", "所示月份没有 CSAT 回答。")
    first, last = endpoints
    return Bilingual(
        f"CSAT moved from {pct(first['value'])} in {first['month']:%Y-%m} to {pct(last['value'])} in {last['month']:%Y-%m} "
        "(shaded: the period; bands: 95% intervals).",
        f"满意度从 {first['month']:%Y-%m} 的 {pct(first['value'])} 变为 {last['month']:%Y-%m} 的 {pct(last['value'])}"
        "（阴影为评估期，色带为 95% 区间）。",
    )


def feedback_tiles(fb: dict) -> list[tuple]:
    """KPI tiles of :func:`crmkit.satisfaction.feedback_summary`."""
    tiles: list[tuple] = [(("Responses", "回复数"), fb["responses"], "count"),
                          (("With a written comment", "附文字意见"), fb["comment_share"], "ratio"),
                          (("Low scores", "低分回复"), fb["low_scores"], "count")]
    if "complaints" in fb:
        tiles += [(("Complaints", "投诉"), fb["complaints"], "count"),
                  (("Complaints answered", "已回复投诉"), fb["complaints_answered"], "ratio"),
                  (("Time to first answer (median)", "首次回复（中位数）"), fb["response_hours_median"], "hours")]
    return tiles


def feedback(fb: dict) -> Bilingual:
    """Comments and low scores among the responses, and how complaints were answered."""
    en_f, zh_f = formatters()
    if fb["responses"]:
        share = pct(fb["comment_share"].value, 0)
        en = (f"{share} of the {fb['responses']:,} responses carry a written comment (not shown here: comments can hold "
              f"personal data); {fb['low_scores']:,} responses are low scores.")
        zh = f"{fb['responses']:,} 份回复中 {share} 附有文字意见（可能含个人信息，此处不展示）；低分回复 {fb['low_scores']:,} 份。"
    else:
        en, zh = "No customer survey responses in the period.", "本期没有客户问卷回复。"
    if "complaints" in fb:
        if fb["complaints"]:
            answered = pct(fb["complaints_answered"].value, 0)
            en += f" {fb['complaints']:,} complaints were filed; {answered} received an answer"
            zh += f" 共收到 {fb['complaints']:,} 起投诉，{answered} 已获回复"
            if is_missing(fb["response_hours_median"]):
                en, zh = en + ".", zh + "。"
            else:
                en += f", half within {en_f.fmt(fb['response_hours_median'], 'hours')}."
                zh += f"，一半在 {zh_f.fmt(fb['response_hours_median'], 'hours')}内。"
        else:
            en, zh = en + " No complaints were filed.", zh + " 本期没有投诉。"
    return Bilingual(en, zh)


def employees(emp: dict[str, Estimate], customer_csat: float) -> Bilingual:
    """Satisfied employees against satisfied customers (*emp* from :func:`crmkit.satisfaction.employee_satisfaction`)."""
    share, m = emp["share"], emp["mean"]
    cust_en = f", against {pct(customer_csat, 0)} of customers" if not is_missing(customer_csat) else ""
    cust_zh = f"，客户满意度为 {pct(customer_csat, 0)}" if not is_missing(customer_csat) else ""
    return Bilingual(
        f"{pct(share.value, 0)} of {share.n:,} employees are satisfied (mean {m.value:.2f} of 5){cust_en}. "
        "Engaged staff tend to go with satisfied customers; a gap between the two is worth watching.",
        f"{share.n:,} 名员工中 {pct(share.value, 0)} 表示满意（平均 {m.value:.2f}/5）{cust_zh}。员工投入度通常与客户满意度相伴，两者差距值得关注。",
    )


#: columns of the by-group tables, in order
BY_GROUP_COLUMNS = ["group", "responses", "csat", "csat_n", "nps", "nps_n", "ces", "ces_n"]


def columns(table: str, fmt: Formatter) -> dict[str, Any]:
    """Formats and bilingual headers of the report's tables: ``rp.table(frame, **columns("by_group", rp))``.

    *table* is ``by_group`` (:func:`crmkit.satisfaction.scores_by`, columns :data:`BY_GROUP_COLUMNS`) or
    ``key_drivers`` (:func:`crmkit.satisfaction.key_drivers`, drivers named in the report language).
    """
    if table == "by_group":
        return {"formats": {"responses": "count", "csat": "ratio", "csat_n": "count", "nps": lambda v: fmt.fmt(v, "score", 0),
                            "nps_n": "count", "ces": "score", "ces_n": "count"},
                "labels": {"group": ("Group", "分组"), "responses": ("Responses", "回复数"), "csat": ("CSAT", "满意度"),
                           "csat_n": ("n (CSAT)", "样本（CSAT）"), "nps": ("NPS", "净推荐值"), "nps_n": ("n (NPS)", "样本（NPS）"),
                           "ces": ("CES", "费力度"), "ces_n": ("n (CES)", "样本（CES）")}}
    if table == "key_drivers":
        return {"formats": {"driver": lambda d: fmt.t(*driver_name(d)), "coef": "score", "coef_low": "score",
                            "coef_high": "score", "p_value": lambda v: f"{v:.3f}", "importance": "ratio", "performance": "score"},
                "labels": {"driver": ("Driver", "驱动因素"), "coef": ("Effect per point", "每分影响"), "coef_low": ("95% low", "95% 下限"),
                           "coef_high": ("95% high", "95% 上限"), "p_value": ("p-value", "p 值"),
                           "importance": ("Relative importance", "相对重要性"), "performance": ("Mean score", "平均得分")},
                "caption": ("Key-driver analysis: OLS of the CSAT score on driver scores, Johnson's relative weights",
                            "关键驱动分析：CSAT 得分对各驱动因素的最小二乘回归，Johnson 相对权重")}
    raise ValueError(f"unknown table {table!r}")
