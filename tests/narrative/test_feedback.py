"""Sentences of the voice-of-the-customer report, in both languages, for hand-made inputs."""

from __future__ import annotations

import pandas as pd

from crmkit.estimate import proportion
from crmkit.narrative import feedback as say

from ..helpers import assert_clean


def _overview(mentions=10, top=True):
    top_row = pd.Series({"label_en": "Delivery", "label_zh": "物流", "mentions": 6, "share": 0.3}) if top else None
    return {"comments": 20, "responses": 80, "zh_share": 0.75, "with_theme": 0.6, "mentions": mentions,
            "negative_theme_share": proportion(4, mentions, min_n=1), "top": top_row}


def test_overview_both_languages():
    b = say.overview(_overview())
    assert b.en == ("20 of 80 customer survey responses in the window carry a comment (75% in Chinese, 25% in English); "
                    "60% of them mention at least one theme. The most mentioned theme is delivery (6 comments, 30%). "
                    "Of all 10 theme mentions, 40% are negative.")
    assert b.zh == ("本期 80 份客户调查答卷中有 20 份附有评论（中文 75%，英文 25%），其中 60% 至少提及一个主题。"
                    "提及最多的主题是“物流”（6 条，占 30%）。全部 10 次主题提及中，负面占 40%。")


def test_overview_without_theme_mentions_says_so():
    b = say.overview(_overview(mentions=0, top=False))
    assert b.en.endswith("No comment mentions a theme of the lexicon.") and b.zh.endswith("没有评论提及词典中的主题。")
    assert_clean(b, "–%")


def test_theme_sentiment_positive_and_least_negative():
    worst = {"label_en": "Price", "label_zh": "价格", "net_sentiment": -0.5, "mentions": 8}
    b = say.theme_sentiment(worst, {"label_en": "Quality", "label_zh": "质量", "net_sentiment": 0.25})
    assert "most negative about price (net -0.50 over 8 mentions) and most positive about quality (net +0.25)" in b.en
    assert "对“质量”最正面（净情感 +0.25）" in b.zh
    b2 = say.theme_sentiment(worst, {"label_en": "Quality", "label_zh": "质量", "net_sentiment": -0.1})
    assert "least negative about quality (net -0.10)" in b2.en and "负面程度最低" in b2.zh


def test_group_top_themes_uses_code_labels():
    top = pd.DataFrame({"touchpoint": ["service", "odd_code"], "label_en": ["Wait time", "Price"],
                        "label_zh": ["等待时间", "价格"], "share": [0.42, 0.1]})
    b = say.group_top_themes(top, "touchpoint")
    assert b.en == "Most mentioned theme per touchpoint: Customer service: wait time (42%); odd_code: price (10%)."
    assert b.zh == "各触点提及最多的主题：客服：等待时间（42%）；odd_code：价格（10%）。"


def test_detractor_themes_significant_and_not():
    over = pd.DataFrame({"label_en": ["Delivery", "Quality"], "label_zh": ["物流", "质量"], "significant": [True, False],
                         "over_in": ["case", ""], "case_share": [0.6, 0.1], "control_share": [0.1, 0.2],
                         "q_value": [0.0123, 0.5], "difference": [0.5, -0.1]})
    b = say.detractor_themes({"table": over, "significant": 1, "detractors": 10, "promoters": 12, "lead": over.iloc[0]})
    assert b.en == "Significantly over-represented after the Benjamini–Hochberg correction: delivery among detractors (60% vs 10%, q = 0.012)."
    assert b.zh == "经 Benjamini–Hochberg 校正后显著偏多的主题：“物流”多见于贬损者（60% 对 10%，q = 0.012）。"
    b2 = say.detractor_themes({"table": over, "significant": 0, "detractors": 10, "promoters": 12, "lead": over.iloc[0]})
    assert "between detractors (10) and promoters (12) after correcting for 2 tests; the largest gap is delivery (60% vs 10%)" in b2.en
    assert "差距最大的是“物流”（60% 对 10%）" in b2.zh
    b3 = say.detractor_themes({"table": over.iloc[:0], "significant": 0, "detractors": 1, "promoters": 1, "lead": None})
    assert "largest gap" not in b3.en and "差距最大" not in b3.zh
    assert_clean(b3, "–%")


def test_complaint_pareto_sentence():
    p = pd.DataFrame({"label_en": ["Slow delivery", "Rude staff", "Price"], "label_zh": ["物流慢", "态度差", "价格"],
                      "count": [6, 3, 1], "share": [0.6, 0.3, 0.1], "vital_few": [True, True, False]})
    b = say.complaint_pareto(p)
    assert b.en == ("10 complaints; 2 of 3 reasons account for 90% of them (slow delivery, rude staff). "
                    "Fixing the first, slow delivery, addresses 60% of complaints.")
    assert b.zh == "共 10 起投诉；3 个原因中有 2 个合计占 90%（物流慢、态度差）。解决首要原因“物流慢”即可覆盖 60% 的投诉。"


def test_needs_sentence_and_missing_mean():
    first = {"label_en": "Delivery", "label_zh": "物流", "mean_with": 0.42, "mean_without": 0.7, "impact": -0.28}
    freq = {"label_en": "Quality", "label_zh": "质量", "share": 0.35}
    b = say.needs(first, freq)
    assert "mentioning delivery score 42 against 70 for the rest (-28 points)" in b.en
    assert "most frequent need is quality (35% of comments)" in b.en
    assert "平均 42 分，其余答卷 70 分（-28 分）" in b.zh
    b2 = say.needs({**first, "mean_without": float("nan"), "impact": float("nan")}, freq)
    assert_clean(b2, "–%")


def test_keywords_and_notes():
    kw = pd.DataFrame({"keyword": ["物流"], "comments": [12]})
    b = say.keywords(kw)
    assert b.en.endswith("The top keyword is “物流” (12 comments).") and "至少出现在 3 条不同评论中" in b.zh
    assert "5 mentions" in say.no_needs(5).en and "3 comments" in say.too_few_keywords(3).en
    for note in (say.no_comments(), say.no_theme_match(), say.nps_groups_missing(), say.no_complaints(), say.examples_note()):
        assert note.en and note.zh and note.en != note.zh
