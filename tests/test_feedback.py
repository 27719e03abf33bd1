"""Voice of the customer: themes, sentiment, tests of over-representation, Pareto, PII."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import feedback as fb
from crmkit.errors import ConfigError

# Hand-labelled comments: text -> planted themes (polarity of each mention).
LABELLED = {
    "物流慢，等了一个多星期才到": {"delivery": -1},
    "快递很快，第二天就到了": {"delivery": 1},
    "客服态度差，回复很敷衍": {"service_attitude": -1, "response_speed": -1},
    "价格太贵了，性价比不高": {"price": -1},
    "产品质量不错，做工精细": {"quality": 1},
    "售后处理太慢，拖了很久": {"after_sales": -1, "response_speed": -1},
    "APP经常闪退，很失望": {"app_website": -1},
    "账单错误，多扣费了两次": {"billing": -1},
    "物流很快，但是客服态度不好": {"delivery": 1, "service_attitude": -1},
    "Delivery was slow, took over a week": {"delivery": -1},
    "The support agent was rude and unhelpful": {"service_attitude": -1},
    "Too expensive for what you get": {"price": -1},
    "Great quality, exactly as described": {"quality": 1},
    "Easy returns and a quick refund": {"after_sales": 1},
    "The app keeps crashing": {"app_website": -1},
    "I was overcharged on my invoice": {"billing": -1},
    "还可以": {},
    "No complaints": {},
}


def test_planted_themes_and_polarity_found():
    a = fb.analyse_comments(pd.Series(list(LABELLED)))
    for i, (text, planted) in enumerate(LABELLED.items()):
        row = a.iloc[i]
        found = {c[len("theme_"):]: row[c] for c in fb.theme_columns(a) if pd.notna(row[c])}
        assert set(found) == set(planted), text
        for theme, polarity in planted.items():
            assert found[theme] == polarity, (text, theme)


def test_sentiment_negation_and_languages():
    assert fb.sentiment("质量很好") == 1.0
    assert fb.sentiment("质量不好") == -1.0
    assert fb.sentiment("服务不满意") == -1.0
    assert fb.sentiment("not good at all") == -1.0
    assert fb.sentiment("No complaints") == 1.0
    assert fb.sentiment("整体满意") == 1.0
    assert fb.sentiment("一般般") == 0.0
    assert fb.detect_language("物流慢") == "zh"
    assert fb.detect_language("Slow delivery") == "en"


def test_tokenize_drops_stopwords_and_pii():
    toks = fb.tokenize("客服态度很差，请联系 13812345678 或 a.b@qq.com")
    assert "客服" in toks and "很差" in toks
    assert "很" not in toks and "的" not in toks
    assert not any(ch.isdigit() for t in toks for ch in t)
    assert not any("@" in t or "qq" in t for t in toks)
    assert fb.tokenize("The delivery was very slow") == ["delivery", "slow"]


def test_keywords_tfidf_and_minimum_documents():
    comments = pd.Series(["物流慢", "物流慢，价格贵", "物流慢", "价格贵", "张三李四王五"])
    kw = fb.keywords(comments, min_docs=2)
    assert set(kw["keyword"]) == {"物流", "慢", "价格", "贵"}
    row = kw.set_index("keyword").loc["物流"]
    # tf: 1/2 in three comments ("物流", "慢"), 1/4 in the fourth-token comment -> 0.5 + 0.25 + 0.5
    idf = np.log(6 / 4) + 1
    assert row["comments"] == 3
    assert row["tfidf"] == pytest.approx((0.5 + 0.25 + 0.5) * idf)
    assert row["theme"] == "delivery"
    assert "张三李四王五" not in set(kw["keyword"])


def _constructed(detractor_with: int, detractor_n: int, promoter_with: int, promoter_n: int) -> pd.DataFrame:
    group = ["detractor"] * detractor_n + ["promoter"] * promoter_n
    has = [1.0] * detractor_with + [np.nan] * (detractor_n - detractor_with)
    has += [1.0] * promoter_with + [np.nan] * (promoter_n - promoter_with)
    other = [np.nan, 1.0] * ((detractor_n + promoter_n) // 2)
    return pd.DataFrame({"theme_delivery": has, "theme_price": other, "group": group})


def test_detractor_overrepresentation_significant():
    f = _constructed(30, 50, 5, 50)
    res = fb.overrepresentation(f[["theme_delivery", "theme_price"]], f["group"])
    r = res.set_index("feature").loc["theme_delivery"]
    p_expected = stats.fisher_exact([[30, 20], [5, 45]])[1]
    assert r["p_value"] == pytest.approx(p_expected)
    assert r["case_share"] == pytest.approx(0.6) and r["control_share"] == pytest.approx(0.1)
    assert r["odds_ratio"] == pytest.approx(stats.contingency.odds_ratio([[30, 20], [5, 45]]).statistic)
    assert r["odds_ratio"] > 5
    assert r["significant"] and r["over_in"] == "case"
    assert not res.set_index("feature").loc["theme_price", "significant"]


def test_balanced_case_not_significant():
    f = _constructed(10, 50, 10, 50)
    res = fb.overrepresentation(f[["theme_delivery"]], f["group"], method="chi2")
    assert res.loc[0, "p_value"] == pytest.approx(1.0)
    assert not res.loc[0, "significant"] and res.loc[0, "over_in"] == ""


def test_benjamini_hochberg_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert fb.benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1])
    q = fb.benjamini_hochberg([0.01, np.nan, 0.02])
    assert np.isnan(q[1]) and q[0] == pytest.approx(0.02) and q[2] == pytest.approx(0.02)


def _surveys() -> pd.DataFrame:
    comments = ["物流慢，请联系我 13812345678", "物流慢", "Slow delivery", "质量很好", "Great quality", "价格贵",
                "还可以，邮箱 wang.li@163.com", None]
    n = len(comments)
    return pd.DataFrame({
        "response_id": [f"R{i}" for i in range(n)],
        "responded_at": pd.to_datetime(["2025-10-05"] * n),
        "survey_type": ["nps", "nps", "nps", "nps", "nps", "csat", "csat", "csat"],
        "score": [2, 3, 5, 10, 9, 2, 4, 5],
        "scale_max": [10, 10, 10, 10, 10, 5, 5, 5],
        "touchpoint": ["purchase"] * n,
        "comment": comments,
    })


def test_survey_feedback_and_needs_ranking_by_hand():
    f = fb.survey_feedback(_surveys(), "2025-10-01", "2025-10-31")
    assert len(f) == 7 and "comment" not in f.columns and "customer_id" not in f.columns
    assert f["nps_group"].tolist()[:5] == ["detractor", "detractor", "detractor", "promoter", "promoter"]
    needs = fb.needs_ranking(f, min_mentions=2).set_index("theme")
    # delivery: NPS 2, 3, 5 -> 0.2, 0.3, 0.5; others: 1.0, 0.9, (2-1)/4, (4-1)/4
    with_ = np.mean([0.2, 0.3, 0.5])
    without = np.mean([1.0, 0.9, 0.25, 0.75])
    assert needs.loc["delivery", "mean_with"] == pytest.approx(with_)
    assert needs.loc["delivery", "impact"] == pytest.approx(with_ - without)
    assert needs.loc["delivery", "impact_rank"] == 1
    summary = fb.theme_summary(f).set_index("theme")
    assert summary.loc["delivery", "mentions"] == 3 and summary.loc["delivery", "negative_share"] == 1.0
    freq = fb.theme_frequency(f, "survey_type").set_index(["survey_type", "theme"])
    assert freq.loc[("nps", "quality"), "share"] == pytest.approx(2 / 5)


def test_complaint_pareto_by_hand():
    t = pd.DataFrame({
        "opened_at": pd.to_datetime(["2025-10-02"] * 10),
        "is_complaint": [True] * 9 + [False],
        "complaint_reason": ["delivery_slow"] * 5 + ["rude_staff"] * 2 + ["price_too_high", None, None],
    })
    p = fb.complaint_pareto(t, "2025-10-01", "2025-10-31")
    assert p["reason"].tolist() == ["delivery_slow", "rude_staff", "price_too_high", "unspecified"]
    assert p["count"].tolist() == [5, 2, 1, 1]
    assert p["cumulative_share"].tolist() == pytest.approx([5 / 9, 7 / 9, 8 / 9, 1.0])
    assert p["vital_few"].tolist() == [True, True, True, False]
    assert p["theme"].tolist()[:3] == ["delivery", "service_attitude", "price"]
    assert p.loc[0, "label_zh"] == "物流慢"


def test_redact_pii_phone_and_email():
    s = "联系我 13812345678 / 0755-83412345 / +86 138 0013 8000, mail: wang.li+x@163.com.cn; order 12345"
    r = fb.redact_pii(s)
    assert "13812345678" not in r and "83412345" not in r and "0013" not in r and "163.com" not in r
    assert r.count("[phone]") == 3 and r.count("[email]") == 1
    assert "12345" in r  # short numbers are kept


def test_verbatims_refused_when_masked_and_redacted_otherwise():
    with pytest.raises(PermissionError):
        fb.verbatims(_surveys(), mask_pii=True)
    v = fb.verbatims(_surveys(), mask_pii=False, n=10)
    text = " ".join(v["verbatim"])
    assert "13812345678" not in text and "wang.li@163.com" not in text
    assert "[phone]" in text and "[email]" in text
    neg = fb.verbatims(_surveys(), mask_pii=False, theme="delivery", polarity="negative", n=10)
    assert len(neg) == 3


def test_aggregates_never_carry_demo_pii():
    from crmkit.demo import _text

    rng = np.random.default_rng(3)
    themes = np.array(list(_text.THEMES) * 20)
    contact = np.where(rng.random(len(themes)) < 0.5, _text.mobile_phones(rng, len(themes)),
                       _text.emails(rng, np.array(["lihua"] * len(themes))))
    comments = pd.Series(_text.comments(rng, themes, 0.3, contact, pii_share=0.5))
    kw = fb.keywords(comments, top=200, min_docs=1)
    assert not kw["keyword"].str.contains(r"\d{5}|@|lihua").any()
    a = fb.analyse_comments(comments)
    assert set(a.columns) >= {"sentiment", "themes"} and not a.astype(str).apply(lambda c: c.str.contains("@")).any().any()


def test_lexicon_extension_and_errors(tmp_path):
    extra = tmp_path / "themes.yaml"
    extra.write_text("themes:\n  packaging:\n    label_en: Packaging\n    label_zh: 包装\n    zh: [包装破损]\n    en: [box*]\n",
                     encoding="utf-8")
    lx = fb.load_lexicon(extra)
    assert "packaging" in lx.codes and "delivery" in lx.codes
    assert "packaging" in lx.match("The boxes were crushed")
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  x:\n    label_en: X\n    label_zh: X\n    words: [a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'themes.x.words'"):
        fb.load_lexicon(bad)


# -- report read-outs ---------------------------------------------------------------
def test_comment_overview_by_hand():
    sv = _surveys()
    sv = pd.concat([sv, sv.iloc[[0]].assign(response_id="E1", survey_type="employee", comment="物流慢")], ignore_index=True)
    f = fb.survey_feedback(sv, "2025-10-01", "2025-10-31")
    summary = fb.theme_summary(f)
    o = fb.comment_overview(f, summary, sv, "2025-10-01", "2025-10-31", min_n=1)
    # 8 customer responses (the employee answer is left out), 7 with a comment
    assert (o["comments"], o["responses"]) == (7, 8)
    assert o["commented"].value == pytest.approx(7 / 8) and o["commented"].n == 8
    assert o["zh_share"] == pytest.approx(5 / 7)
    assert o["mentions"] == int(summary["mentions"].sum())
    assert o["negative_theme_share"].value == pytest.approx(summary["negative"].sum() / summary["mentions"].sum())
    assert o["top"]["theme"] == "delivery"
    empty = fb.comment_overview(f.iloc[:0], summary.iloc[:0], sv.iloc[:0], min_n=1)
    assert empty["top"] is None and np.isnan(empty["with_theme"]) and np.isnan(empty["negative_comments"].value)


def test_sentiment_extremes_and_top_theme_per_group():
    sm = pd.DataFrame({"theme": list("abcd"), "mentions": [5, 4, 2, 3], "net_sentiment": [-0.2, 0.5, -1.0, -0.6]})
    worst, best = fb.sentiment_extremes(sm)
    assert (worst["theme"], best["theme"]) == ("d", "b")  # c has too few mentions
    assert fb.sentiment_extremes(sm, min_mentions=6) is None
    freq = pd.DataFrame({"touchpoint": ["p", "p", "s", "s"], "theme": list("abab"), "share": [0.1, 0.4, 0.6, 0.2]})
    top = fb.top_theme_per_group(freq, "touchpoint")
    assert top[["touchpoint", "theme"]].values.tolist() == [["s", "a"], ["p", "b"]]  # largest share first


def test_nps_comparison_needs_both_groups():
    f = fb.survey_feedback(_surveys(), "2025-10-01", "2025-10-31")
    c = fb.nps_comparison(f)
    assert (c["detractors"], c["promoters"]) == (3, 2)
    assert set(c["table"]["theme"]) >= {"delivery", "quality"}
    assert c["lead"]["theme"] == "delivery"  # 3/3 detractors vs 0/2 promoters
    only = fb.nps_comparison(f[f["nps_group"] != "promoter"])
    assert only["table"] is None and only["significant"] == 0 and only["promoters"] == 0


def test_top_reason_share_and_needs_leaders():
    p = pd.DataFrame({"count": [5, 2, 1, 1]})
    e = fb.top_reason_share(p, min_n=1)
    assert e.value == pytest.approx(5 / 9) and e.n == 9
    assert np.isnan(fb.top_reason_share(p.iloc[:0]).value)
    needs = pd.DataFrame({"theme": ["a", "b"], "impact_rank": [1, 2], "frequency_rank": [2, 1]})
    first, frequent = fb.needs_leaders(needs)
    assert (first["theme"], frequent["theme"]) == ("a", "b")
    assert fb.needs_leaders(needs.iloc[:0]) is None


def test_example_comments_refused_when_masked_and_redacted_otherwise():
    f = fb.survey_feedback(_surveys(), "2025-10-01", "2025-10-31")
    summary = fb.theme_summary(f)
    with pytest.raises(PermissionError):
        fb.example_comments(_surveys(), summary, mask_pii=True)
    ex = fb.example_comments(_surveys(), summary, mask_pii=False, start="2025-10-01", end="2025-10-31")
    assert set(ex["theme"]) <= set(summary.loc[summary["negative"] > 0, "theme"])
    assert (ex.groupby("theme").size() <= 3).all()
    text = " ".join(ex["verbatim"])
    assert "13812345678" not in text and "[phone]" in text
