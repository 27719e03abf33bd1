"""Readings of the voice-of-the-customer report (comments, themes, complaints, needs).

Each function takes results of :mod:`crmkit.indicators.feedback` and returns a
:class:`~crmkit.formatting.Bilingual` sentence.  Shares are written as whole
percentages (``12%``), net sentiment with a sign (``+0.25``); a missing value
is said in words, never written as "nan".
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from crmkit.formatting import Bilingual, is_missing

__all__ = [
    "SURVEY_TYPES", "TOUCHPOINTS", "POLARITY", "GROUPINGS", "code_label",
    "no_comments", "overview", "no_theme_match", "theme_sentiment", "keywords", "too_few_keywords",
    "group_top_themes", "nps_groups_missing", "detractor_themes", "no_complaints", "complaint_pareto",
    "no_needs", "needs", "examples_note",
]

#: survey type code → (English, Chinese)
SURVEY_TYPES: dict[str, tuple[str, str]] = {
    "csat": ("CSAT", "满意度"), "nps": ("NPS", "推荐意愿"), "ces": ("CES", "费力度"),
    "product": ("Product", "产品"), "service": ("Service", "服务"), "unknown": ("Unknown", "未知")}
#: touchpoint code → (English, Chinese)
TOUCHPOINTS: dict[str, tuple[str, str]] = {
    "purchase": ("Purchase", "购买"), "service": ("Customer service", "客服"),
    "account_management": ("Account management", "客户经理"), "subscription": ("Subscription", "订阅"),
    "unknown": ("Unknown", "未知")}
#: sentiment polarity → (English, Chinese)
POLARITY: dict[str, tuple[str, str]] = {"positive": ("Positive", "正面"), "neutral": ("Neutral", "中性"),
                                        "negative": ("Negative", "负面")}
#: grouping column → (code labels, English name, Chinese name)
GROUPINGS: dict[str, tuple[Mapping[str, tuple[str, str]], str, str]] = {
    "survey_type": (SURVEY_TYPES, "Survey type", "调查类型"), "touchpoint": (TOUCHPOINTS, "Touchpoint", "触点")}


def code_label(mapping: Mapping[str, tuple[str, str]], code: Any) -> tuple[str, str]:
    """``(English, Chinese)`` label of a code; an unknown code stands for itself in both languages."""
    return mapping.get(str(code), (str(code), str(code)))


def _pct(x: Any) -> str:
    return "–" if is_missing(x) else f"{float(x):.0%}"


def no_comments() -> Bilingual:
    """Note: no customer survey response of the window has a comment."""
    return Bilingual("No customer survey in this window has a written comment, so the text analysis is skipped.",
                     "本期客户调查中没有文字评论，文本分析跳过。")


def overview(ov: Mapping[str, Any]) -> Bilingual:
    """How many responses carry a comment, in which language, the top theme and the negative share of mentions.

    *ov* is :func:`crmkit.indicators.feedback.comment_overview`.
    """
    n, resp, zh = ov["comments"], ov["responses"], ov["zh_share"]
    en = (f"{n:,} of {resp:,} customer survey responses in the window carry a comment "
          f"({_pct(zh)} in Chinese, {_pct(1 - zh)} in English); {_pct(ov['with_theme'])} of them mention at least one theme.")
    cn = (f"本期 {resp:,} 份客户调查答卷中有 {n:,} 份附有评论（中文 {_pct(zh)}，英文 {_pct(1 - zh)}），"
          f"其中 {_pct(ov['with_theme'])} 至少提及一个主题。")
    top, mentions = ov.get("top"), ov["mentions"]
    if top is None or not mentions:
        return Bilingual(en + " No comment mentions a theme of the lexicon.", cn + "没有评论提及词典中的主题。")
    share = ov["negative_theme_share"]
    share = share.value if hasattr(share, "value") else share
    en += (f" The most mentioned theme is {top['label_en'].lower()} ({int(top['mentions'])} comments, {_pct(top['share'])}). "
           f"Of all {mentions:,} theme mentions, {_pct(share)} are negative.")
    cn += (f"提及最多的主题是“{top['label_zh']}”（{int(top['mentions'])} 条，占 {_pct(top['share'])}）。"
           f"全部 {mentions:,} 次主题提及中，负面占 {_pct(share)}。")
    return Bilingual(en, cn)


def no_theme_match() -> Bilingual:
    """Note: no comment matched a theme."""
    return Bilingual("No comment matched a theme of the lexicon.", "没有评论与主题词典匹配。")


def theme_sentiment(worst: Mapping[str, Any], best: Mapping[str, Any]) -> Bilingual:
    """The themes with the most negative and the most positive net sentiment (and how it is computed)."""
    pos = best["net_sentiment"] > 0
    return Bilingual(
        f"Sentiment is most negative about {worst['label_en'].lower()} (net {worst['net_sentiment']:+.2f} over "
        f"{int(worst['mentions'])} mentions) and {'most positive' if pos else 'least negative'} about "
        f"{best['label_en'].lower()} (net {best['net_sentiment']:+.2f}). Net sentiment = (positive − negative) / mentions; "
        "each mention takes the polarity of the clause that names the theme.",
        f"客户对“{worst['label_zh']}”的情感最负面（{int(worst['mentions'])} 次提及，净情感 {worst['net_sentiment']:+.2f}），"
        f"对“{best['label_zh']}”{'最正面' if pos else '负面程度最低'}（净情感 {best['net_sentiment']:+.2f}）。"
        "净情感 =（正面 − 负面）/ 提及数；每次提及取提到该主题的分句的情感。",
    )


def keywords(kw: pd.DataFrame, min_docs: int = 3) -> Bilingual:
    """How keywords are ranked and the top keyword of :func:`crmkit.indicators.feedback.keywords`."""
    top = kw.iloc[0]
    return Bilingual(
        "Keywords are ranked by summed TF-IDF after removing stop words; only words used in at least "
        f"{min_docs} different comments are listed, so no rare word can identify a person. "
        f"The top keyword is “{top['keyword']}” ({int(top['comments'])} comments).",
        f"关键词按去除停用词后的 TF-IDF 总和排序；只列出至少出现在 {min_docs} 条不同评论中的词，避免罕见词识别到个人。"
        f"排名第一的关键词是“{top['keyword']}”（{int(top['comments'])} 条评论）。",
    )


def too_few_keywords(min_docs: int = 3) -> Bilingual:
    """Note: no word occurs in enough comments for a keyword list."""
    return Bilingual(f"Too few comments for a keyword list (each keyword must occur in at least {min_docs} comments).",
                     f"评论太少，无法列出关键词（每个关键词须出现在至少 {min_docs} 条评论中）。")


def group_top_themes(top: pd.DataFrame, by: str) -> Bilingual:
    """The most mentioned theme of each survey type or touchpoint (:func:`~crmkit.indicators.feedback.top_theme_per_group`)."""
    mapping, en, zh = GROUPINGS[by]
    rows = list(zip(top[by], top["label_en"], top["label_zh"], top["share"]))
    return Bilingual(
        f"Most mentioned theme per {en.lower()}: "
        + "; ".join(f"{code_label(mapping, g)[0]}: {le.lower()} ({_pct(s)})" for g, le, _, s in rows) + ".",
        f"各{zh}提及最多的主题：" + "；".join(f"{code_label(mapping, g)[1]}：{lz}（{_pct(s)}）" for g, _, lz, s in rows) + "。",
    )


def nps_groups_missing() -> Bilingual:
    """Note: detractors and promoters cannot be compared."""
    return Bilingual("There are not both detractors and promoters with comments in this window, so themes cannot be compared.",
                     "本期评论中未同时包含贬损者与推荐者，无法比较主题。")


def detractor_themes(cmp: Mapping[str, Any]) -> Bilingual:
    """Themes over-represented among detractors or promoters, or the largest gap when none is significant.

    *cmp* is :func:`crmkit.indicators.feedback.nps_comparison` with both groups present.
    """
    over = cmp["table"]
    if cmp["significant"]:
        sig = over[over["significant"]]
        rows = list(zip(sig["label_en"], sig["label_zh"], sig["over_in"], sig["case_share"], sig["control_share"], sig["q_value"]))
        return Bilingual(
            "Significantly over-represented after the Benjamini–Hochberg correction: " + "; ".join(
                f"{le.lower()} among {'detractors' if o == 'case' else 'promoters'} ({_pct(a)} vs {_pct(b)}, q = {q:.3f})"
                for le, _, o, a, b, q in rows) + ".",
            "经 Benjamini–Hochberg 校正后显著偏多的主题：" + "；".join(
                f"“{lz}”多见于{'贬损者' if o == 'case' else '推荐者'}（{_pct(a)} 对 {_pct(b)}，q = {q:.3f}）"
                for _, lz, o, a, b, q in rows) + "。",
        )
    n_det, n_pro, lead = cmp["detractors"], cmp["promoters"], cmp["lead"]
    en = (f"No theme differs significantly between detractors ({n_det}) and promoters ({n_pro}) after correcting for "
          f"{len(over)} tests")
    cn = f"经 {len(over)} 项检验的多重比较校正后，贬损者（{n_det}）与推荐者（{n_pro}）之间没有主题存在显著差异"
    if lead is not None:
        en += f"; the largest gap is {lead['label_en'].lower()} ({_pct(lead['case_share'])} vs {_pct(lead['control_share'])})"
        cn += f"；差距最大的是“{lead['label_zh']}”（{_pct(lead['case_share'])} 对 {_pct(lead['control_share'])}）"
    return Bilingual(en + ". With this few commented NPS responses only large differences can be detected.",
                     cn + "。评论样本较少，只能识别较大的差异。")


def no_complaints() -> Bilingual:
    """Note: no complaint in the window."""
    return Bilingual("No complaints were recorded in this window.", "本期没有投诉记录。")


def complaint_pareto(pareto: pd.DataFrame) -> Bilingual:
    """How few reasons make up most complaints (:func:`crmkit.indicators.feedback.complaint_pareto`)."""
    vital, top, total = pareto[pareto["vital_few"]], pareto.iloc[0], int(pareto["count"].sum())
    return Bilingual(
        f"{total:,} complaints; {len(vital)} of {len(pareto)} reasons account for {_pct(vital['share'].sum())} of them ("
        + ", ".join(le.lower() for le in vital["label_en"]) + "). "
        f"Fixing the first, {top['label_en'].lower()}, addresses {_pct(top['share'])} of complaints.",
        f"共 {total:,} 起投诉；{len(pareto)} 个原因中有 {len(vital)} 个合计占 {_pct(vital['share'].sum())}"
        f"（{'、'.join(vital['label_zh'])}）。解决首要原因“{top['label_zh']}”即可覆盖 {_pct(top['share'])} 的投诉。",
    )


def no_needs(min_mentions: int = 5) -> Bilingual:
    """Note: no theme has enough mentions for its score impact."""
    return Bilingual(f"No theme has the {min_mentions} mentions needed to estimate its score impact.",
                     f"没有主题达到估计评分影响所需的 {min_mentions} 次提及。")


def _points(x: Any, sign: bool = False) -> str:
    return "–" if is_missing(x) else (f"{100 * float(x):+.0f}" if sign else f"{100 * float(x):.0f}")


def needs(first: Mapping[str, Any], frequent: Mapping[str, Any]) -> Bilingual:
    """The need going with the lowest scores and the most frequent need (:func:`~crmkit.indicators.feedback.needs_leaders`)."""
    w, wo, imp = _points(first["mean_with"]), _points(first["mean_without"]), _points(first["impact"], True)
    return Bilingual(
        f"Scores are rescaled to 0-100 (NPS 0-10, CSAT 1-5, CES 1-7). Responses mentioning {first['label_en'].lower()} score "
        f"{w} against {wo} for the rest ({imp} points), the largest negative association; the most frequent need is "
        f"{frequent['label_en'].lower()} ({_pct(frequent['share'])} of comments). "
        "These are associations in survey answers, not measured causal effects.",
        f"评分统一换算为 0-100 分（NPS 0-10，CSAT 1-5，CES 1-7）。提及“{first['label_zh']}”的答卷平均 {w} 分，"
        f"其余答卷 {wo} 分（{imp} 分），负向关联最大；提及最频繁的需求是“{frequent['label_zh']}”"
        f"（占评论 {_pct(frequent['share'])}）。以上为调查数据中的关联，并非因果效应。",
    )


def examples_note() -> Bilingual:
    """Note above the example comments (shown only with mask_pii off)."""
    return Bilingual("Shown because this run sets mask_pii to false; phone numbers and e-mail addresses are redacted.",
                     "因本次运行设置 mask_pii 为 false 而显示；电话号码与电子邮箱已遮盖。")
